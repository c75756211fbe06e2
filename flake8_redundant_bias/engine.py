"""From a parsed module to findings: the fast path, the rules, and containment."""

from __future__ import annotations

import ast
import gc
import io
import os
from functools import partial
from typing import Callable, Iterator, NamedTuple, Sequence

from .model.chains import Chain, chain_units
from .config import Config
from .containment import Unit, contained
from .model.flow import Flow
from .model.layers import Resolver
from .model.imports import ImportMap
from .model.optimizers import Optimizers
from .model.parameters import Parameters
from .model.project import Project
from .rules import bias_before_norm
from .rules.unexempted_decay import UnexemptedDecay
from .rules.weight_decay import WeightDecay
from .model.gates import Spelled, Words, framework_roots, skippable, words_for
from .diagnostics import Finding
from .model.index import Index
from .text import Text


def analyse(tree: ast.AST, lines: Sequence[str], config: Config, filename: str | None = None) -> list[Finding]:
    """Findings in a module; ``filename`` (a path, or stdin's display name) places it in its project."""
    source = Text(lines)
    roots = framework_roots(source.text, config.roots) if isinstance(tree, ast.Module) else frozenset()
    return _analyse_module(tree, source, config, filename, roots) if roots else []


def _analyse_module(
    tree: ast.Module, source: Text, config: Config, filename: str | None, roots: frozenset[str],
) -> list[Finding]:
    """A module whose import lines spell the frameworks ``roots``: the gates, then the rules."""
    words = words_for(config, roots)
    spelled = Spelled(source.text, words.triggers.with_aliases(tree), roots)
    families = Families(spelled.bias_rules(), spelled.decay_rules(), spelled.standalone_rules())
    if not any(families):
        return []  # no rule family can fire in this text
    run = partial(_analyse, tree, source, config, spelled, families, filename, words)
    return sorted(set(contained(partial(_without_collection, run))), key=lambda finding: finding.key)


def _without_collection(run: Callable[[], list[Finding]]) -> list[Finding]:
    """Run with the cyclic garbage collector paused.

    The analysis allocates many small objects that reference counting frees (it
    builds no cycles that outlive it), and a collection pass in the middle would
    traverse the whole tree for nothing: that was a third of the plugin's time.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return run()
    finally:
        if paused:
            gc.enable()


class Families(NamedTuple):
    """Which rule families can fire in a file, read off its text once."""

    bias: bool
    decay: bool
    standalone: bool  # decay without a parameters argument, and regularizers (Keras, Optax)


def _analyse(
    tree: ast.Module, source: Text, config: Config, spelled: Spelled, families: Families, filename: str | None,
    words: Words,
) -> list[Finding]:
    imports = ImportMap(config.roots)
    skip, unknown = skippable(tree, source, spelled)
    index = Index(tree, imports, skip, unknown, source)
    try:
        return _findings(index, config, families, filename, words) if imports.framework_imported else []
    finally:
        index.release()


def _findings(index: Index, config: Config, families: Families, filename: str | None, words: Words) -> list[Finding]:
    project = Project.of(filename, config) if config.follow_imports else None
    flow = Flow(index, project, os.path.abspath(filename) if project is not None else "", words=words)
    resolver = Resolver(index, config.specs, flow)
    findings: list[Finding] = []
    if families.bias:
        for chain_unit in chain_units(index, resolver):
            findings += contained(partial(_bias_findings, chain_unit))
    if families.decay:
        decay = WeightDecay(index, Optimizers(index, config.specs, flow), Parameters(index, resolver, flow), flow)
        for decay_unit in decay.units():
            findings += contained(decay_unit)
    if families.standalone:
        for unit in UnexemptedDecay(index, config.specs, flow).units():
            findings += contained(unit)
    return findings


def _bias_findings(chain_unit: Unit[Chain]) -> Iterator[Finding]:
    return bias_before_norm.check(chain_unit())


def analyse_source(source: str, config: Config | None = None, filename: str | None = None) -> list[Finding]:
    """Findings in a module's text, parsed only when it names a framework the rows know.

    The command's entry (and the tests'): the same analysis as the plugin's, and a
    file that imports no framework costs one scan of its text.  A text the parser
    rejects raises ``SyntaxError`` (or ``ValueError`` for a null byte) to the caller.
    """
    config = config or Config.build()
    roots = framework_roots(source, config.roots)
    if not roots:
        return []
    tree = ast.parse(source)
    lines = io.StringIO(source).readlines()  # as flake8 reads them
    return _analyse_module(tree, Text(lines), config, filename, roots)
