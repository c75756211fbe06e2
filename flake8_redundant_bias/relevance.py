"""Which top-level definitions of a framework file can matter, read off the text.

A module-level function or class whose lines never spell a producer stem
(``conv``, ``linear``), an optimizer, ``parameters``, ``add_argument`` or the
name of another relevant definition cannot yield a finding, nor change one:
the index skips it without walking it.  Every identifier such a definition
spells is marked unknown at module level, so a binding it might read or
re-bind is never trusted.  This keeps a model zoo's weight tables, docstrings
and plain functions from costing a tree walk.
"""

from __future__ import annotations

import ast
import re
from typing import Mapping, Sequence

from .knowledge import Optimizer, Producer, Spec

ALWAYS = ("parameters", "add_argument", "requires_grad", "optim")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def triggers(specs: Mapping[str, Spec]) -> tuple[str, ...]:
    """The lower-case words a relevant definition must spell (none containing another)."""
    words = set(ALWAYS)
    for name, spec in specs.items():
        short = name.rpartition(".")[2]
        if isinstance(spec, Producer):
            stem = re.sub(r"^lazy|transpose|[123]d$", "", short.lower())
            words.add(stem or short.lower())
        elif isinstance(spec, Optimizer):
            words.add(short.lower())
    return tuple(sorted(w for w in words if not any(other != w and other in w for other in words)))


def skippable(tree: ast.Module, lines: Sequence[str], words: tuple[str, ...]) -> tuple[set[ast.AST], set[str]]:
    """Top-level definitions that cannot matter, and the identifiers they spell."""
    definitions = {node: _text(lines, node) for node in tree.body if isinstance(node, DEFINITIONS)}
    relevant = {node for node, text in definitions.items() if _spells(text.lower(), words)}
    candidates = {node: text for node, text in definitions.items() if node not in relevant}
    # Module-level code and relevant definitions may use a candidate (a model
    # class, a helper), and a candidate may call a relevant helper.
    used = _outside(lines, definitions) if candidates else ""
    for _ in range(4):
        context = used + "".join(definitions[node] for node in relevant)
        names = [node.name for node in relevant]
        newly = {
            node for node, text in candidates.items()
            if node.name in context or any(name in text for name in names)  # type: ignore[attr-defined]
        }
        if not newly:
            break
        relevant |= newly
        candidates = {node: text for node, text in candidates.items() if node not in newly}
    spelled: set[str] = set()
    for text in candidates.values():
        spelled.update(IDENTIFIER.findall(text))
    return set(candidates), spelled


def _spells(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _span(node: ast.AST) -> tuple[int, int]:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])  # type: ignore[attr-defined]
    return first, getattr(node, "end_lineno", None) or first


def _outside(lines: Sequence[str], definitions: Mapping[ast.AST, str]) -> str:
    """The module-level code: every line outside the top-level definitions."""
    covered = bytearray(len(lines))
    for node in definitions:
        first, last = _span(node)
        covered[first - 1:last] = b"\x01" * (min(last, len(lines)) - first + 1)
    return "".join(line for line, inside in zip(lines, covered) if not inside)


def _text(lines: Sequence[str], node: ast.AST) -> str:
    first, last = _span(node)
    return "".join(lines[first - 1:last])
