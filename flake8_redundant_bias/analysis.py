"""From a parsed module to findings: the fast path, the rules, and containment."""

from __future__ import annotations

import ast
import os
from typing import Iterator, Sequence

from .chains import chains
from .config import Config
from .layers import Resolver
from .names import ImportMap
from .optimizers import Optimizers
from .params import Parameters
from .rules import bias_before_norm
from .rules.weight_decay import WeightDecay
from .rules.finding import Finding
from .scopes import Index

# Set by the project's own tests: an internal error is raised, not contained.
STRICT = os.environ.get("FLAKE8_REDUNDANT_BIAS_STRICT") == "1"


def mentions_framework(lines: Sequence[str], config: Config) -> bool:
    """The fast path: a file that never spells a framework's name imports none."""
    text = "".join(lines)
    return any(root in text for root in config.roots)


def analyse(tree: ast.AST, lines: Sequence[str], config: Config) -> list[Finding]:
    if not isinstance(tree, ast.Module) or not mentions_framework(lines, config):
        return []
    try:
        return _analyse(tree, config)
    except Exception:  # noqa: BLE001 - a linter must never take the whole run down
        if STRICT:
            raise
        return []


def _analyse(tree: ast.Module, config: Config) -> list[Finding]:
    imports = ImportMap(config.roots)
    index = Index(tree, imports)
    if not imports.framework_imported:
        return []
    resolver = Resolver(index, config.specs)
    findings = set(bias_before_norm.check(chains(index, resolver)))
    decay = WeightDecay(index, Optimizers(index, config.specs), Parameters(index, resolver))
    findings.update(decay.check())
    return sorted(findings)


def analyse_source(source: str, config: Config | None = None) -> list[Finding]:
    """Parse and analyse; for tests and the standalone command."""
    tree = ast.parse(source)
    return analyse(tree, source.splitlines(keepends=True), config or Config())


def iter_messages(findings: list[Finding]) -> Iterator[str]:
    for finding in findings:
        yield f"{finding.line}:{finding.col + 1}: {finding.message}"
