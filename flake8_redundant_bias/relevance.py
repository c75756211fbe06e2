"""Which parts of a framework file can matter, read off the text before any walk.

Every RB1 finding needs a cancelling norm named where the chain is built
(``BatchNorm2d``, ``batch_norm``, ``GroupNorm``, ``build_norm_layer``,
``ConvModule``: named, not only called, since ``norm_layer=nn.BatchNorm2d`` is
applied through a parameter); every RB2 finding needs
``parameters(`` (``m.parameters()``, ``named_parameters()``) and an optimizer's
name or a penalty (``pow(``, ``** 2``) in the function that builds it, or an
``add_argument`` that gives its decay.  A file that spells neither cannot
yield a finding; a module-level function or class that spells neither, and
is not named by a part that does (a helper, a model class), cannot yield or
change one.  The index skips such definitions without walking them, and
treats every identifier they spell as unknown at module level, so a binding
they might read or re-bind is never trusted.  A model zoo's weight tables,
docstrings and plain functions then cost no tree walk.
"""

from __future__ import annotations

import ast
import re
from typing import Mapping, NamedTuple, Sequence

from .knowledge import Norm, NormBuilder, Optimizer, Producer, Spec

IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# What an RB2 finding needs besides parameters(: an optimizer's name, or a penalty.
PENALTY_WORDS = ("pow(", "norm(", "square(", "abs(", "**2", "** 2")


class Triggers(NamedTuple):
    """Words, exactly as code spells them, that a part able to yield a finding contains."""

    norms: tuple[str, ...]  # a norm named: BatchNorm2d, build_norm_layer, ConvModule
    decay: tuple[str, ...]  # with parameters(: an optimizer's name or a penalty

    def match(self, text: str) -> bool:
        return self.bias_rules(text) or "add_argument" in text or self.decay_rules(text)

    def bias_rules(self, text: str) -> bool:
        """RB1xx can fire only where a norm is named."""
        return any(word in text for word in self.norms)

    def decay_rules(self, text: str) -> bool:
        """RB2xx can fire only where parameters are taken and an optimizer or a penalty is named."""
        return "parameters(" in text and any(word in text for word in self.decay)

    def with_aliases(self, tree: ast.Module) -> Triggers:
        """Also the local names a module-level import gives a norm: ``from torch.nn import BatchNorm2d as BN``."""
        shorts = set(self.norms)
        aliases = tuple(
            alias.asname for alias in _module_imports(tree)
            if alias.asname and any(word in alias.name.rpartition(".")[2] for word in shorts)
        )
        return Triggers(self.norms + aliases, self.decay) if aliases else self


def foreign_triggers(own: Triggers, producers: tuple[str, ...]) -> Triggers:
    """What makes a part of another module worth indexing: what the linted file's parts need, or a producer.

    A question from the linted file may ask another module for a helper or a
    class that builds a layer (``conv3x3``): such a definition names a producer.
    """
    return Triggers(_shortest(set(own.norms) | set(producers)), own.decay)


def producer_words(specs: Mapping[str, Spec]) -> tuple[str, ...]:
    """The names of the layers that add a bias (a helper returns a module, so no functional row)."""
    return _shortest({n.rpartition(".")[2] for n, s in specs.items() if isinstance(s, Producer) and not s.functional})


def optimizer_words(specs: Mapping[str, Spec]) -> tuple[str, ...]:
    """The names of the optimizer classes."""
    return _shortest({n.rpartition(".")[2] for n, s in specs.items() if isinstance(s, Optimizer)})


def triggers(specs: Mapping[str, Spec]) -> Triggers:
    norms, decay = set(), set(PENALTY_WORDS)
    for name, spec in specs.items():
        short = name.rpartition(".")[2]
        if isinstance(spec, (Norm, NormBuilder)) or isinstance(spec, Producer) and spec.norm is not None:
            # Named, not only called: norm_layer=nn.BatchNorm2d is applied through a parameter.
            norms.add(short)
        elif isinstance(spec, Optimizer):
            decay.add(short)
    return Triggers(_shortest(norms), _shortest(decay))


def _shortest(words: set[str]) -> tuple[str, ...]:
    """Drop every word that contains another: finding the shorter one is enough."""
    return tuple(sorted(w for w in words if not any(other != w and other in w for other in words)))


def _module_imports(tree: ast.Module) -> list[ast.alias]:
    """Aliases of the imports at module level, also under if/try, not inside definitions."""
    found: list[ast.alias] = []
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found += node.names
        elif isinstance(node, (ast.If, ast.Try)):
            pending += node.body + node.orelse + getattr(node, "finalbody", [])
            pending += [stmt for handler in getattr(node, "handlers", []) for stmt in handler.body]
    return found


def skippable(
    tree: ast.Module, lines: Sequence[str], words: Triggers, keep_data: bool = False,
) -> tuple[set[ast.AST], set[str]]:
    """Top-level definitions that cannot matter, and the identifiers they spell.

    ``keep_data``: also keep classes that hold only data (a config class's field defaults).
    """
    definitions = {node: _text(lines, node) for node in tree.body if isinstance(node, DEFINITIONS)}
    relevant = {node for node, text in definitions.items() if words.match(text) or keep_data and _data_only(node)}
    candidates = {node: text for node, text in definitions.items() if node not in relevant}
    # Module-level code and relevant definitions may use a candidate (a model
    # class, a helper), and a candidate may call a relevant helper.
    context = (_outside(lines, definitions) if candidates else "") + "".join(definitions[node] for node in relevant)
    names = [node.name for node in relevant]  # type: ignore[attr-defined]
    for _ in range(4):
        newly = {
            node for node, text in candidates.items()
            if node.name in context or any(name in text for name in names)  # type: ignore[attr-defined]
        }
        if not newly:
            break
        relevant |= newly
        candidates = {node: text for node, text in candidates.items() if node not in newly}
        context += "".join(definitions[node] for node in newly)
        names += [node.name for node in newly]  # type: ignore[attr-defined]
    spelled: set[str] = set()
    for text in candidates.values():
        spelled.update(IDENTIFIER.findall(text))
    return set(candidates), spelled


def _data_only(node: ast.AST) -> bool:
    """A class whose body holds no function: fields and constants."""
    return isinstance(node, ast.ClassDef) and not any(isinstance(s, DEFINITIONS[:2]) for s in node.body)


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
