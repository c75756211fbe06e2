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
import collections
import functools
import re
from bisect import bisect_left
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple

from ..knowledge import ALIASED_PREFIXES, OPTIMIZERS_BY_NAME
from ..knowledge.schema import Optimizer, Producer, Spec
from ..text import Text

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config

ANCHOR = 4  # characters in a piece that stands for the words holding it
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class Triggers(NamedTuple):
    """Words, exactly as code spells them, that a part able to yield a finding contains."""

    norms: tuple[str, ...]  # a norm named: BatchNorm2d, build_norm_layer, ConvModule
    decay: tuple[str, ...]  # with parameters(: an optimizer's name or a penalty
    # Alone, in a file importing one of ``standalone_roots``: a parameter-less optimizer that
    # decays by default (``adamw(``), an explicit decay, a regularizer argument.
    standalone: tuple[str, ...] = ()
    standalone_roots: frozenset[str] = frozenset()

    def with_aliases(self, tree: ast.Module) -> Triggers:
        """Also the local names a module-level import gives a norm: ``from torch.nn import BatchNorm2d as BN``."""
        shorts = set(self.norms)
        aliases = tuple(
            alias.asname for alias in _module_imports(tree)
            if alias.asname and any(word in alias.name.rpartition(".")[2] for word in shorts)
        )
        return self._replace(norms=self.norms + aliases) if aliases else self


class Spelled:
    """Where a module's text spells the trigger words: each word is looked for once, then asked of any part.

    Offsets rather than yes/no: the same search answers for the whole file
    (can a rule family fire at all?) and for each top-level definition in it.
    """

    __slots__ = ("text", "norms", "parameters", "standalone", "_decay", "_arguments")

    def __init__(self, text: str, words: Triggers, roots: frozenset[str] = frozenset()) -> None:
        """``roots``: the frameworks the file's import lines spell (the standalone words count only with theirs)."""
        self.text = text
        self.norms = _offsets(text, words.norms)
        self.parameters = _offsets(text, ("parameters(",))
        self.standalone = _offsets(text, words.standalone) if roots & words.standalone_roots else []
        # Looked for only between a "parameters(" and the end of its part: most parts take none.
        self._decay = words.decay
        self._arguments: list[int] | None = None  # needed only once the file is worth analysing

    def bias_rules(self, start: int = 0, end: int | None = None) -> bool:
        """RB1xx can fire only where a norm is named."""
        return _within(self.norms, start, end)

    def decay_rules(self, start: int = 0, end: int | None = None) -> bool:
        """RB2xx can fire only where parameters are taken and an optimizer or a penalty is named."""
        if not _within(self.parameters, start, end):
            return False
        text, end = self.text, len(self.text) if end is None else end
        return any(text.find(word, start, end) >= 0 for word in self._decay)

    def standalone_rules(self, start: int = 0, end: int | None = None) -> bool:
        """RB203/RB204/RB205 of Keras and Optax can fire only where their words are spelled."""
        return _within(self.standalone, start, end)

    def match(self, start: int, end: int) -> bool:
        """The text from ``start`` to ``end`` can yield a finding, or define an option one may read."""
        if self._arguments is None:
            self._arguments = _offsets(self.text, ("add_argument",))
        return (
            self.bias_rules(start, end) or _within(self._arguments, start, end) or self.decay_rules(start, end)
            or self.standalone_rules(start, end)
        )


def _offsets(text: str, words: tuple[str, ...]) -> list[int]:
    """Where each word starts in the text, sorted.

    One search per anchor rather than per word: most of a file has no anchor
    at all, and each place one occurs is checked against the words holding it.
    """
    found: list[int] = []
    for anchor, holders in _anchors(words):
        at = text.find(anchor)
        while at >= 0:
            found += [at - offset for word, offset in holders if text.startswith(word, at - offset)]
            at = text.find(anchor, at + 1)
    found.sort()
    return found


@functools.lru_cache(maxsize=64)
def _anchors(words: tuple[str, ...]) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """A few substrings that together appear in every word, each with the words holding it and where.

    Greedy: the 4-character piece most words share first (``Norm`` stands
    for eight norms), until every word holds one.
    """
    left = [word for word in words if word]
    anchors = []
    while left:
        shared = collections.Counter(piece for word in left for piece in _pieces(word, ANCHOR))
        piece = shared.most_common(1)[0][0] if shared else left[0]
        holders = [word for word in left if piece in word] or [left[0]]
        # The longest piece they all hold: the rarer an anchor, the fewer places to check.
        shortest = min(holders, key=len)
        anchor = next(
            longer for size in range(len(shortest), 0, -1) for longer in _pieces(shortest, size)
            if all(longer in word for word in holders)
        )
        anchors.append((anchor, tuple((word, word.index(anchor)) for word in holders)))
        left = [word for word in left if word not in holders]
    return tuple(anchors)


def _pieces(word: str, size: int) -> list[str]:
    return list(dict.fromkeys(word[start:start + size] for start in range(len(word) - size + 1)))


def _within(offsets: list[int], start: int, end: int | None) -> bool:
    first = bisect_left(offsets, start)
    return first < len(offsets) and (end is None or offsets[first] < end)


def framework_roots(text: str, roots: frozenset[str]) -> frozenset[str]:
    """The fast path: the frameworks a file's import lines spell; a file that spells none imports none."""
    lines = []
    at = text.find("import")
    while at >= 0:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        lines.append(text[text.rfind("\n", 0, at) + 1:end])
        at = text.find("import", end)
    imports = "\n".join(lines)
    return frozenset(root for root in roots if root in imports)


class Words(NamedTuple):
    """The words of the frameworks a module imports, for its gates: another framework's rows cannot matter there.

    (Flax's ``Conv`` would otherwise stand for every ``Conv2d`` and every class named ``Conv...``.)
    """

    triggers: Triggers  # a linted file's parts
    foreign: Triggers  # another module's parts worth indexing
    producers: tuple[str, ...]  # what a helper or class in another module must spell to build a layer
    optimizers: tuple[str, ...]  # what an assignment in another module must spell to name an optimizer


_WORDS: dict[tuple, Words] = {}


def words_for(config: Config, roots: frozenset[str]) -> Words:
    """The words of the rows under ``roots`` (the frameworks a module's import lines spell), once per configuration."""
    key = (config.rows, roots)
    if key not in _WORDS:
        own = roots | {mine.partition(".")[0] for other, mine in ALIASED_PREFIXES if other.partition(".")[0] in roots}
        specs = {name: spec for name, spec in config.specs.items() if name.partition(".")[0] in own}
        found, producers = triggers(specs, ALIASED_PREFIXES, OPTIMIZERS_BY_NAME), producer_words(specs)
        _WORDS[key] = Words(found, foreign_triggers(found, producers), producers, optimizer_words(specs))
    return _WORDS[key]


def foreign_triggers(own: Triggers, producers: tuple[str, ...]) -> Triggers:
    """What makes a part of another module worth indexing: what the linted file's parts need, or a producer.

    A question from the linted file may ask another module for a helper or a
    class that builds a layer (``conv3x3``): such a definition names a producer.
    """
    return own._replace(norms=_shortest(set(own.norms) | set(producers)))


def producer_words(specs: Mapping[str, Spec]) -> tuple[str, ...]:
    """The names of the layers that add a bias (a helper returns a module, so no functional row)."""
    return _shortest({n.rpartition(".")[2] for n, s in specs.items() if isinstance(s, Producer) and not s.functional})


def optimizer_words(specs: Mapping[str, Spec]) -> tuple[str, ...]:
    """The names of the optimizer classes."""
    return _shortest({n.rpartition(".")[2] for n, s in specs.items() if isinstance(s, Optimizer)})


def triggers(specs: Mapping[str, Spec], aliases: Iterable[tuple[str, str]], named: Iterable[str]) -> Triggers:
    """The words each rule declares for these rows: the fast path and every gate are built from them.

    ``aliases``: other names of a framework's modules (``tensorflow.keras.`` for ``keras.``);
    ``named``: optimizers a string names (``compile(optimizer="adamw")``).
    """
    # Imported here: the rules' modules depend on the services that depend on this one.
    from ..rules import bias_before_norm, unexempted_decay, weight_decay

    standalone, roots = unexempted_decay.trigger_words(specs, aliases, named)
    return Triggers(
        _shortest(bias_before_norm.trigger_words(specs)), _shortest(weight_decay.trigger_words(specs)),
        _shortest(standalone), roots,
    )


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
    tree: ast.Module, source: Text, spelled: Spelled, keep_data: bool = False,
) -> tuple[set[ast.AST], set[str]]:
    """Top-level definitions that cannot matter, and the identifiers they spell.

    ``keep_data``: also keep classes that hold only data (a config class's field defaults).
    """
    spans = {node: source.span(*_lines(node)) for node in tree.body if isinstance(node, DEFINITIONS)}
    relevant = {node for node, span in spans.items() if spelled.match(*span) or keep_data and _data_only(node)}
    if len(relevant) == len(spans):
        return set(), set()
    text = source.text
    definitions = {node: text[start:end] for node, (start, end) in spans.items()}
    candidates = {node: part for node, part in definitions.items() if node not in relevant}
    # Module-level code and relevant definitions may use a candidate (a model
    # class, a helper), and a candidate may call a relevant helper.
    context = _outside(text, spans.values()) + "".join(definitions[node] for node in relevant)
    names = [node.name for node in relevant]  # type: ignore[attr-defined]
    for _ in range(4):
        newly = {
            node for node, part in candidates.items()
            if node.name in context or any(name in part for name in names)  # type: ignore[attr-defined]
        }
        if not newly:
            break
        relevant |= newly
        candidates = {node: part for node, part in candidates.items() if node not in newly}
        context += "".join(definitions[node] for node in newly)
        names += [node.name for node in newly]  # type: ignore[attr-defined]
    spelled_names: set[str] = set()
    for part in candidates.values():
        spelled_names.update(IDENTIFIER.findall(part))
    return set(candidates), spelled_names


def _data_only(node: ast.AST) -> bool:
    """A class whose body holds no function: fields and constants."""
    return isinstance(node, ast.ClassDef) and not any(isinstance(s, DEFINITIONS[:2]) for s in node.body)


def _lines(node: ast.AST) -> tuple[int, int]:
    """The first line (a decorator's, if any) and the last of a definition."""
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])  # type: ignore[attr-defined]
    return first, getattr(node, "end_lineno", None) or first


def _outside(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The module-level code: the text outside the top-level definitions."""
    parts, at = [], 0
    for start, end in sorted(spans):
        parts.append(text[at:start])
        at = max(at, end)
    parts.append(text[at:])
    return "".join(parts)
