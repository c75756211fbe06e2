"""Which parts of a framework file can matter, read off the text before any walk.

Each rule declares the words a part must spell for it to fire there (its
``Trigger``s: a bias rule needs a cancelling norm named, ``BatchNorm2d``; a
decay rule ``parameters(`` and an optimizer's name nearby), and each value
provider the words of a part holding a value it reads (``add_argument``).
A file that spells none cannot yield a finding; a module-level function or
class that spells none, and is not named by a part that does (a helper, a
model class), cannot yield or change one; nor can a function that only calls one
without spelling what a call could hand it (a bias keyword, a layer class, a decay:
``resnet50()`` returning ``_resnet(Bottleneck, [3, 4, 6, 3], weights, **kwargs)``),
and ``__all__`` names what a module exports without using it.  The index skips such
definitions without walking them, and treats every identifier they spell as unknown
at module level, so a binding they might read or re-bind, or a function whose every
call they might hide, is never trusted.  A model zoo's weight tables, registered
builders, docstrings and plain functions then cost no tree walk.
"""

from __future__ import annotations

import ast
import collections
import functools
import re
import sys
from bisect import bisect_left
from typing import TYPE_CHECKING, Callable, Container, Iterable, Iterator, Mapping, Protocol

from ..knowledge.schema import ClassLookup, Producer, TrainingConfig
from ..knowledge.tables import per_table
from ..text import Text

ANCHOR = 4  # characters in a piece that stands for the words holding it
CALL_REACH = 2000  # characters looked back from an argument for the call holding it
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class Trigger:
    """Words, exactly as code spells them, of which a part able to yield a rule's finding contains one."""

    __slots__ = (
        "words", "near", "near_not", "roots", "imported_as", "from_project", "whole_names", "project_calls", "callee_of",
        "project_assigned", "assigned_to",
    )

    def __init__(
        self, words: tuple[str, ...], near: str | None = None, roots: frozenset[str] | None = None,
        imported_as: bool = False, from_project: bool = False, whole_names: bool = False, project_calls: bool = False,
        callee_of: tuple[str, ...] = (), near_not: tuple[str, ...] = (), project_assigned: bool = False,
        assigned_to: tuple[str, ...] = (),
    ) -> None:
        self.words = words
        self.near = near  # also spelled in the same part (``parameters(``): the words are looked for only there
        # spellings that hold the near word and do not count as it (``reset_parameters(`` re-initialises a layer)
        self.near_not = near_not
        # The words that begin with a name count only where spelled as a whole name that is not an attribute of
        # ``self``: ``p.norm(2)`` and ``torch.norm(p)`` may be penalties on a parameter, ``self.norm(x)`` calls the
        # model's own module and ``F.layer_norm(x)`` is another function.
        self.whole_names = whole_names
        self.roots = roots  # the words count only in a module importing one of these frameworks
        self.imported_as = imported_as  # also the local names an import gives such a word (``BatchNorm2d as BN``)
        # The words count only as a part of a function's name (``get_norm``, ``conv_bn``: snake case), or of a
        # class's (``IBNorm``, ``ConvBNReLU``), that a module imports from its own project (``from .norms import
        # get_norm``, ``from .blocks import ConvBNReLU``): then the trigger stands for the local names so imported,
        # a norm factory, or a block that may build a norm after a bias its default leaves on.
        self.from_project = from_project
        # The words are what a call spells to switch a bias on (``bias=True``), and the trigger stands for every name
        # the module imports from its project, in a part that spells one: a block of the project, which may build a
        # norm inside it, switched on (``ConvNorm(3, 8, bias=True)`` in a file that names no norm).
        self.project_calls = project_calls
        self.callee_of = callee_of  # the words count only as the callee of a call whose arguments spell one of these
        # The words are what a name bound to a norm spells as a part (``self.norm_0``, ``self.bn2``), and the trigger
        # stands for every name the module imports from its project, called where such a name is bound: a norm class
        # of the project named for something else (SPADE's ``self.norm_0 = SPADE(...)``).
        self.project_assigned = project_assigned
        self.assigned_to = assigned_to  # the words count only as the callee of a call bound to a name spelling one

    @property
    def names_imports(self) -> bool:
        """The trigger stands for names the module imports (``with_aliases``): its words alone make no part worth
        reading."""
        return self.from_project or self.project_calls or self.project_assigned

    def with_aliases(self, tree: ast.Module, frameworks: frozenset[str] = frozenset()) -> Trigger:
        """The trigger with the local names the module's imports give its words; ``frameworks``: the roots whose
        imports are not the project's."""
        if self.project_calls or self.project_assigned:
            names = tuple(dict.fromkeys(alias.asname or alias.name for alias in _project_imports(tree, frameworks)))
            if self.project_assigned:
                return Trigger(names, roots=self.roots, assigned_to=self.words)
            return Trigger(names, roots=self.roots, callee_of=self.words)  # no names: a trigger that never fires
        if self.from_project:
            names = tuple(dict.fromkeys(
                alias.asname or alias.name for alias in _project_imports(tree, frameworks)
                if names_a_part(alias.name, self.words)
            ))
            # (no names: a trigger that never fires)
            return Trigger(names, self.near, self.roots, whole_names=self.whole_names, near_not=self.near_not)
        if not self.imported_as:
            return self
        shorts = set(self.words)
        aliases = tuple(
            alias.asname for alias in _module_imports(tree)
            if alias.asname and any(word in alias.name.rpartition(".")[2] for word in shorts)
        )
        if not aliases:
            return self
        return Trigger(
            self.words + aliases, self.near, self.roots, self.imported_as, whole_names=self.whole_names,
            near_not=self.near_not,
        )


class Words:
    """The words of the frameworks a module imports, for its gates: another framework's rows cannot matter there.

    (Flax's ``Conv`` would otherwise stand for every ``Conv2d`` and every class named ``Conv...``.)
    """

    __slots__ = ("rules", "foreign", "layers", "norms", "optimizers", "keep", "handing", "builders")

    def __init__(
        self, rules: tuple[tuple[Trigger, ...], ...], foreign: tuple[Trigger, ...], layers: tuple[str, ...],
        norms: tuple[str, ...], optimizers: tuple[str, ...], keep: tuple[str, ...], handing: tuple[str, ...] = (),
        builders: tuple[str, ...] = (),
    ) -> None:
        self.rules = rules  # each rule's triggers, in the order of the rules
        self.foreign = foreign  # what makes a part of another module worth indexing
        self.layers = layers  # what a helper or class in another module must spell to build a layer
        self.norms = norms  # what a block (a class or function building a producer and a norm) must spell
        self.optimizers = optimizers  # what an assignment in another module must spell to name an optimizer
        self.keep = keep  # what a part spells when it holds values a provider reads (``add_argument``)
        # What a call must spell to change what the function or class it calls builds: a bias keyword, a layer
        # class, a decay (``ConvBN(3, 8, bias=True)``, ``build(model, weight_decay=0.1)``).
        self.handing = handing
        # A builder of the classes it is given (timm's ``build_model_with_cfg``): in a module that calls one, a
        # function handing a ``**`` spread on may set anything the class it builds reads.
        self.builders = builders

    def handing_in(self, text: str) -> tuple[str, ...]:
        """What a call must spell, in this text, to change what the function or class it calls builds."""
        return (*self.handing, "**") if any(word in text for word in self.builders) else self.handing


if TYPE_CHECKING:  # an interface, for the types only

    class WordSource(Protocol):
        """Where the words of the frameworks under some roots come from (the engine, from the rules)."""

        def words(self, roots: frozenset[str]) -> Words: ...


class Spelled:
    """Where a module's text spells the trigger words.

    Whether a rule can fire at all is a search that ends at the first word found
    (most files that import a framework fire no rule); where the words are spelled
    is searched once, for all of them, when a top-level definition is asked about.
    """

    __slots__ = ("text", "_groups", "_near", "_keep", "_spelled_at", "_placed", "_imports", "fired")

    def __init__(
        self, text: str, groups: Iterable[Iterable[Trigger]], roots: frozenset[str] = frozenset(), keep: tuple[str, ...] = (),
        fired: dict[Trigger, bool] | None = None,
    ) -> None:
        """``groups``: each rule's triggers; ``roots``: the frameworks the file's import lines spell (a trigger
        with roots counts only with one of them); ``keep``: what a part holding a provider's values spells;
        ``fired``: whether each trigger fired, as another reading of the same text found."""
        self.text = text
        self.fired: dict[Trigger, bool] = dict(fired) if fired else {}
        self._near: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        self._groups = [[t for t in group if t.roots is None or roots & t.roots] for group in groups]
        self._keep = keep
        self._spelled_at: list[int] | None = None  # where every word without a near word, or a kept value, starts
        # The triggers whose words count only in some places (near a word, as whole names, as callees): each
        # definition looks for them in its own part.
        self._placed = [t for group in self._groups for t in group if not _anywhere(t) and not t.names_imports]
        self._imports: str | None = None

    def fires(self, group: int) -> bool:
        """One of the triggers of group (rule) ``group`` is spelled in the text (in its import lines, for a
        trigger of names imported from the project)."""
        return any(self.spells(trigger) for trigger in self._groups[group])

    def spells(self, trigger: Trigger) -> bool:
        """The text spells the trigger (kept: a second reading of the same text asks again)."""
        found = self.fired.get(trigger)
        if found is None:
            found = self.fired[trigger] = self._spelled(trigger)
        return found

    def _spelled(self, trigger: Trigger) -> bool:
        text = self.text
        if trigger.project_assigned:  # (a part binding a call to a name spelling a norm's: its callee says which)
            return _binds_a_call(text, trigger.words)
        if trigger.from_project:
            # Its import lines are lines of the text: a word spelled there as a part of a name is spelled in the
            # text, and a file importing no such name (most) costs no search of the whole text.
            imported = self._imported()
            return _names_part(imported, trigger.words) or _names_camel_part(imported, trigger.words)
        if trigger.near is not None and (_first(text, trigger.near) < 0 or trigger.near_not and not self._nears(trigger)):
            return False
        return self._spelled_within(trigger, 0, len(text), look_near=False)

    def _imported(self) -> str:
        """The import lines (the whole text searched first: most texts spell no word of such a trigger)."""
        if self._imports is None:
            self._imports = import_lines(self.text)
        return self._imports

    def match(self, start: int, end: int) -> bool:
        """The text from ``start`` to ``end`` can yield a finding, or holds a value a provider reads."""
        if self._spelled_at is None:  # (a trigger still of names imported from the project stands for none)
            words = [
                *self._keep,
                *(word for group in self._groups for t in group if _anywhere(t) for word in t.words),
            ]
            self._spelled_at = _offsets(self.text, tuple(dict.fromkeys(words)))
        return _within(self._spelled_at, start, end) or any(self._spelled_within(t, start, end) for t in self._placed)

    def _nears(self, trigger: Trigger) -> list[int]:
        """Where the trigger's near word is spelled, but as part of one of its ``near_not`` spellings (kept)."""
        text, near, others = self.text, trigger.near or "", trigger.near_not
        found = self._near.get((near, others))
        if found is None:
            found = self._near[(near, others)] = [
                at for at in _offsets(text, (near,))
                if not any(text.startswith(other, at + len(near) - len(other)) for other in others)
            ]
        return found

    def _spelled_within(self, trigger: Trigger, start: int, end: int, look_near: bool = True) -> bool:
        """A trigger with a near word looks for its own words only in parts that spell the near word (``look_near``:
        whether to look for it here); one whose words count as whole names, or as callees, looks at each place
        they are spelled."""
        if look_near and trigger.near is not None and not _within(self._nears(trigger), start, end):
            return False
        if trigger.whole_names:
            return _as_names(self.text, trigger.words, start, end)
        if trigger.callee_of:
            return _called_with(self.text, trigger.words, trigger.callee_of, start, end)
        if trigger.assigned_to:
            return _assigned_to(self.text, trigger.words, trigger.assigned_to, start, end)
        if not look_near:
            return _spells_in_code(self.text, trigger.words)
        return any(self.text.find(word, start, end) >= 0 for word in trigger.words)


def _anywhere(trigger: Trigger) -> bool:
    """The trigger's words count wherever they are spelled: where each starts is searched once, for all of them."""
    return (trigger.near is None and not trigger.names_imports and not trigger.whole_names and not trigger.callee_of
            and not trigger.assigned_to)


@functools.lru_cache(maxsize=8)
def _bound_name(parts: tuple[str, ...], called: bool = True) -> re.Pattern[str]:
    """A name or attribute spelling one of the parts (``norm_0``, ``param_free_norm``, ``bn2``) bound on its line, to
    a call (``called``) or to what the line goes on with."""
    then = r"[\w.]+\(" if called else "$"
    # (The part first, a literal the search skips to; what may come before it, looked at behind.)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(map(re.escape, parts))})\d*(?:_\w*)?[ \t]*=[ \t]*{then}", re.M)


def _binds_a_call(text: str, parts: tuple[str, ...]) -> bool:
    """Whether the text binds a call to a name spelling one of the parts (``self.norm_0 = SPADE(``): each place a
    part is spelled is matched there (a search of the whole text by the pattern costs ten times more)."""
    bound = _bound_name(parts)
    for part in parts:
        at = text.find(part)
        while at >= 0:
            if bound.match(text, at):  # (its look behind sees the character before ``at``)
                return True
            at = text.find(part, at + 1)
    return False


def _assigned_to(text: str, names: tuple[str, ...], parts: tuple[str, ...], start: int, end: int) -> bool:
    """Whether the text from ``start`` to ``end`` binds a call of one of the names to a name or attribute spelling one
    of the parts (``self.norm_0 = SPADE(``, ``bn = CondBN(``), on the line of the call."""
    bound = _bound_name(parts, called=False)
    for name in names:
        at = text.find(name + "(", start, end)
        while at >= 0:
            if not _identifier_char(text[at - 1:at]) and bound.search(text, text.rfind("\n", 0, at) + 1, at):
                return True
            at = text.find(name + "(", at + 1, end)
    return False


def _called_with(text: str, names: tuple[str, ...], arguments: tuple[str, ...], start: int, end: int) -> bool:
    """Whether the text from ``start`` to ``end`` calls one of the names (``ConvNorm(``, ``layers.ConvNorm(``) with
    one of the ``arguments`` among its own, as a keyword of its own (``bias=True``, not ``qkv_bias=True``)."""
    wanted = set(names)
    for argument in arguments:
        at = text.find(argument, start, end)
        while at >= 0:
            if not _identifier_char(text[at - 1:at]) and not wanted.isdisjoint(_callee(text, at).split(".")):
                return True
            at = text.find(argument, at + 1, end)
    return False


def _callee(text: str, at: int) -> str:
    """The dotted name called by the call whose parentheses hold ``at`` ("" if none is found close by)."""
    depth = 0
    for i in range(at - 1, max(at - CALL_REACH, 0) - 1, -1):
        char = text[i]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth:
                depth -= 1
                continue
            if char != "(":
                return ""
            first = i
            while first > 0 and (_identifier_char(text[first - 1]) or text[first - 1] == "."):
                first -= 1
            return text[first:i]
    return ""


def _as_names(text: str, words: tuple[str, ...], start: int, end: int) -> bool:
    """Whether the text from ``start`` to ``end`` spells one of the words as a whole name that is not an attribute of
    ``self`` (``norm(``: not in ``self.norm(x)`` or ``F.layer_norm(x)``); a word that begins with no name (``**2``)
    wherever it is spelled."""
    for word in words:
        named = _identifier_char(word[:1])
        at = text.find(word, start, end)
        while at >= 0:
            if not named or not _identifier_char(text[at - 1:at]) and text[max(at - 5, 0):at] != "self.":
                return True
            at = text.find(word, at + 1, end)
    return False


def _spells_in_code(text: str, words: tuple[str, ...]) -> bool:
    """Whether the text spells one of the words outside a comment (maxxvit's ``# ... works well for AdamW``, in a
    file that builds no optimizer, fired the weight-decay rules on 2,500 lines of model code)."""
    return any("#" not in text[text.rfind("\n", 0, at) + 1:at] for at in _starts(text, words))


def _names_part(text: str, words: tuple[str, ...]) -> bool:
    """Whether the text spells one of the words as a part of a snake-case name (``get_norm_layer``, not
    ``normalize`` or ``LayerNorm``)."""
    return any(_alone(text, word, str.isalnum) for word in words)


NORM_PARTS = ("norm", "bn")  # what the name of a norm factory or of a block building a norm spells as a part


def names_a_part(name: str, words: tuple[str, ...] = NORM_PARTS) -> bool:
    """Whether a name spells one of the words as a part of it (``get_norm``, ``conv_bn``, ``ConvBNReLU``)."""
    return any(word in name.split("_") for word in words) or _names_camel_part(name, words)


def _names_camel_part(text: str, words: tuple[str, ...]) -> bool:
    """Whether the text spells one of the words, capitalised or in capitals, as a part of a class's name (``IBNorm``,
    ``SyncBatchNorm2d``, ``ConvNormAct``, ``ConvBNReLU``, not ``Normalize``)."""
    return any(re.search(rf"(?:{word.capitalize()}|{word.upper()})(?![a-z])", text) for word in words)


def _alone(
    text: str, word: str, joins: Callable[[str], bool], joins_after: Callable[[str], bool] | None = None,
    code_only: bool = False,
) -> bool:
    """Whether the text spells the word with no character on either side that ``joins`` it to the word (after it:
    ``joins_after``, when given); ``code_only``: not after a ``#`` on its line."""
    after = joins_after or joins
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if not (joins(text[at - 1:at]) or after(text[end:end + 1])):
            if not code_only or "#" not in text[text.rfind("\n", 0, at) + 1:at]:
                return True
        at = text.find(word, end)
    return False


def _offsets(text: str, words: tuple[str, ...]) -> list[int]:
    """Where each word starts in the text, sorted.

    One search per anchor rather than per word: most of a file has no anchor
    at all, and each place one occurs is checked against the words holding it.
    """
    return sorted(_starts(text, words))


def _starts(text: str, words: tuple[str, ...]) -> Iterator[int]:
    """Where each word starts in the text, anchor by anchor."""
    for anchor, holders in _anchors(words):
        at = _first(text, anchor)
        while at >= 0:
            for word, offset in holders:
                if text.startswith(word, at - offset):
                    yield at - offset
            at = text.find(anchor, at + 1)


def _first(text: str, word: str) -> int:
    """Where the word first occurs in the text (-1: nowhere), kept for the last text searched: the triggers of
    several rules, the gate of each definition and a second reading with a file's aliases search the same text
    for the same anchors.  A word holding one searched before starts where that one first occurs, and is nowhere
    if that one is (``optimizer(`` after ``optim``): most searches of a file find nothing, and cost a whole scan."""
    if _FIRSTS[0] is not text:
        _FIRSTS[:] = [text, {}]
    firsts: dict[str, int] = _FIRSTS[1]
    at = firsts.get(word)
    if at is None:
        start = 0
        for known, where in firsts.items():
            offset = word.find(known)
            if offset >= 0:
                if where < 0:
                    start = -1
                    break
                start = max(start, where - offset)
        at = firsts[word] = -1 if start < 0 else text.find(word, start)
    return at


_FIRSTS: list = [None, {}]


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
    imports = import_lines(text)
    return frozenset(root for root in roots if root in imports)


def config_roots(text: str, configs: Iterable[TrainingConfig], roots: frozenset[str]) -> frozenset[str]:
    """The frameworks whose training config a file that imports none may be: it assigns one of the names holding
    an optimizer's settings at module level (``optim_wrapper = dict(...)``)."""
    found = set()
    for config in configs:
        if config.root in roots and any(name in text for name, _ in config.holders):
            pattern = _HOLDERS.get(config)
            if pattern is None:
                names = "|".join(re.escape(name) for name, _ in config.holders)
                pattern = _HOLDERS[config] = re.compile(rf"^(?:{names})\s*=", re.MULTILINE)
            if pattern.search(text):
                found.add(config.root)
    return frozenset(found)


_HOLDERS: dict[TrainingConfig, re.Pattern] = {}


def import_lines(text: str) -> str:
    """The lines of the text that spell ``import`` (kept for the last text: the fast path and a gate ask in turn)."""
    if _IMPORTS[0] is text:
        return _IMPORTS[1]
    lines = []
    at = text.find("import")
    while at >= 0:
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        lines.append(text[text.rfind("\n", 0, at) + 1:end])
        at = text.find("import", end)
    _IMPORTS[:] = [text, "\n".join(lines)]
    return _IMPORTS[1]


_IMPORTS: list = [None, ""]  # the last text asked about, and its import lines


def norm_lookups(rows: Mapping[str, object], facts: Mapping[str, object]) -> set[str]:
    """The names of the class lookups of the rows' frameworks (timm's ``get_norm_layer``): calling one names a norm."""
    roots = {name.partition(".")[0] for name in rows}
    return {
        name.rpartition(".")[2] for name, fact in facts.items()
        if isinstance(fact, ClassLookup) and name.partition(".")[0] in roots
    }


def switches_of(rows: Mapping[str, object]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The keywords that switch a layer row's bias (``bias``, ``use_bias``), and how a call spells handing one on
    (``bias=``), kept per table."""
    return per_table(_SWITCHES, rows, _switches)


def _switches(rows: Mapping[str, object]) -> tuple[frozenset[str], tuple[str, ...]]:
    keywords = frozenset(spec.bias.keyword for spec in rows.values() if isinstance(spec, Producer) and not spec.functional)
    return keywords, shortest(f"{keyword}=" for keyword in keywords)


_SWITCHES: dict[int, tuple[Mapping[str, object], tuple[frozenset[str], tuple[str, ...]]]] = {}


@functools.lru_cache(maxsize=8)
def defaults_on(keywords: frozenset[str]) -> tuple[str, ...]:
    """How a definition spells a bias switch on by default (``bias=True``, ``bias: bool = True``)."""
    return shortest(f"{keyword}{between}True" for keyword in keywords for between in ("=", ": bool = "))


def shortest(words: Iterable[str]) -> tuple[str, ...]:
    """Drop every word that contains another: finding the shorter one is enough."""
    words = set(words)
    return tuple(sorted(w for w in words if not any(other != w and other in w for other in words)))


def _module_imports(tree: ast.Module) -> list[ast.alias]:
    """Aliases of the imports at module level, also under if/try, not inside definitions."""
    return [alias for node in _import_statements(tree) for alias in node.names]


def _project_imports(tree: ast.Module, frameworks: frozenset[str]) -> list[ast.alias]:
    """The names a module imports from its project: relatively, or from a module of no framework and not of the
    standard library (``from functools import partial`` is no block of the project)."""
    return [
        alias for node in _import_statements(tree) if isinstance(node, ast.ImportFrom)
        and (node.level or _root(node) not in frameworks and _root(node) not in sys.stdlib_module_names)
        for alias in node.names
    ]


def _root(node: ast.ImportFrom) -> str:
    return (node.module or "").partition(".")[0]


INHERITED_NORMS = ("self.bn", "self.norm", "self.batch_norm")  # how a subclass applies a norm its base holds


def _inherits(node: ast.AST, names: set[str]) -> bool:
    return isinstance(node, ast.ClassDef) and any(getattr(base, "id", "") in names for base in node.bases)


def _relative_names(tree: ast.Module) -> set[str]:
    """The names a module imports relatively (``from .base import Base``): its package's own."""
    return {
        alias.asname or alias.name for node in _import_statements(tree)
        if isinstance(node, ast.ImportFrom) and node.level for alias in node.names
    }


def _import_statements(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, (ast.If, ast.Try)):
            pending += node.body + node.orelse + getattr(node, "finalbody", [])
            pending += [stmt for handler in getattr(node, "handlers", []) for stmt in handler.body]
    return found


def skippable(
    tree: ast.Module, source: Text, spelled: Spelled, keep_data: bool = False, handing: tuple[str, ...] | None = None,
) -> tuple[set[ast.AST], Container[str]]:
    """Top-level definitions that cannot matter, and the identifiers they spell.

    ``keep_data``: also keep classes that hold only data (a config class's field defaults).  ``handing``: what a
    definition that calls a relevant one must spell to matter (None: anything it passes may).
    """
    spans = {node: source.span(*_lines(node)) for node in tree.body if isinstance(node, DEFINITIONS)}
    # A class deriving from one its package defines (``class Sub(Base)`` with ``from .base import Base``) may apply
    # a norm that base builds (``self.bn1(self.conv1(x))``) without naming its class.
    inherited = _relative_names(tree)
    relevant = {
        node for node, span in spans.items() if spelled.match(*span) or keep_data and _data_only(node)
        or inherited and _inherits(node, inherited) and any(source.text.find(w, *span) >= 0 for w in INHERITED_NORMS)
    }
    if len(relevant) == len(spans):
        return set(), set()
    text = source.text
    definitions = {node: text[start:end] for node, (start, end) in spans.items()}
    candidates = {node: part for node, part in definitions.items() if node not in relevant}
    # Module-level code and relevant definitions may use a candidate (a model
    # class, a helper), and a candidate may call a relevant helper.
    # ``__all__`` lists what a module exports and uses nothing: a model builder it names stays skippable.
    exports = [source.span(*_lines(node)) for node in tree.body if _exports(node)]
    # Each round looks only in what the round before added: a part not named so far, and naming none of the
    # relevant ones so far, can only be named by, or name, the new ones.
    context = _outside(text, [*spans.values(), *exports]) + "".join(definitions[node] for node in relevant)
    # A module-level name bound to what may matter (``SEWithNorm = partial(SEModule, norm_layer=nn.BatchNorm2d)``)
    # stands for it: a definition calling it is read as one calling a relevant definition.
    names = _names_of(relevant)
    names += _bound_to_relevant(tree, source, spelled, names)
    hands: dict[ast.AST, bool] = {}  # asked again on each round: answered once
    joins: dict[ast.AST, set[str]] = {}  # the same
    for _ in range(4):
        # A part the relevant ones name, or one naming them that may hand them something.
        newly = {
            node for node, part in candidates.items()
            if _names(context, node.name)  # type: ignore[attr-defined]
            or _hands(node, part, handing, hands) and any(_names(part, name) for name in names)
            or not _joined(node, part, joins).isdisjoint(names)
        }
        if not newly:
            break
        relevant |= newly
        candidates = {node: part for node, part in candidates.items() if node not in newly}
        context = "".join(definitions[node] for node in newly)
        names = _names_of(newly)
    return set(candidates), SkippedNames("\n".join(candidates.values()))


ALIASES = (ast.Name, ast.Attribute, ast.Call, ast.Dict)
ASSIGNMENTS = (ast.Assign, ast.AnnAssign)


def _calls_partial(call: ast.Call) -> bool:
    """``partial(...)``, ``functools.partial(...)`` (the gates import none of the analysis: spelled here)."""
    func = call.func
    return (func.id if type(func) is ast.Name else getattr(func, "attr", "")) == "partial"


def _names_of(definitions: Iterable[ast.AST]) -> list[str]:
    return [node.name for node in definitions]  # type: ignore[attr-defined]


def _bound_to_relevant(tree: ast.Module, source: Text, spelled: Spelled, relevant: list[str]) -> list[str]:
    """The names module-level assignments bind to an alias, a ``partial`` or a table (``NORMS = {"bn2d":
    nn.BatchNorm2d}``) that spells a trigger word or names a relevant definition."""
    found = []
    for node in tree.body:
        targets = assigned_names(node) if type(node) in ASSIGNMENTS else None
        if not targets:
            continue
        value = node.value  # type: ignore[attr-defined]
        if type(value) not in ALIASES or type(value) is ast.Call and not _calls_partial(value):
            continue
        span = source.span(node.lineno, node.end_lineno or node.lineno)
        if spelled.match(*span) or any(_names(source.text[span[0]:span[1]], name) for name in relevant):
            found += targets
    return found


def assigned_names(stmt: ast.stmt) -> list[str]:
    """The names a plain assignment binds (``x = y = ...``, ``x: T = ...``); none for any other statement."""
    if type(stmt) is ast.AnnAssign:
        return [stmt.target.id] if type(stmt.target) is ast.Name and stmt.value is not None else []
    if type(stmt) is not ast.Assign or not all(type(target) is ast.Name for target in stmt.targets):
        return []
    return [target.id for target in stmt.targets]  # type: ignore[attr-defined]


class SkippedNames:
    """The identifiers that skipped definitions spell (``in``), each looked up when first asked: a module asks about
    a handful of names, or none, and a set of every identifier in them costs a pass over all their text."""

    __slots__ = ("_text", "_known")

    def __init__(self, text: str) -> None:
        self._text = text
        self._known: dict[str, bool] = {}

    def __contains__(self, name: object) -> bool:
        found = self._known.get(name)  # type: ignore[arg-type]
        if found is None:
            # A name after a digit (``1e5x``) or a non-ASCII letter counts too: "spelled" errs towards silence.
            found = isinstance(name, str) and _alone(self._text, name, _ascii_name_char, _identifier_char)
            self._known[name] = found  # type: ignore[index]
        return found


def _ascii_name_char(char: str) -> bool:
    return char == "_" or char.isascii() and char.isalpha()


def _names(text: str, name: str) -> bool:
    """Whether the code spells the name as a whole identifier: ``DenseNet121_Weights`` or a weight file's
    ``densenet121-a639ec97.pth`` does not name ``DenseNet`` or ``densenet``, and neither does a comment (what the
    gates keep must not depend on one; a ``#`` inside a string before the name on its line counts as a comment
    too: the definition then stays unread, and what it spells unknown)."""
    return _alone(text, name, _identifier_char, code_only=True)


def _identifier_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _hands(node: ast.AST, part: str, handing: tuple[str, ...] | None, known: dict[ast.AST, bool]) -> bool:
    """Whether a definition naming a relevant one may change what it builds: a class always may (a subclass
    re-assigns what its base built, a class holds it); a function only if it spells what a call hands on
    (``resnet50()`` returning ``_resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)`` cannot).
    ``known``: the answers so far."""
    found = known.get(node)
    if found is None:
        found = known[node] = handing is None or isinstance(node, ast.ClassDef) or any(word in part for word in handing)
    return found


def _joined(node: ast.AST, part: str, known: dict[ast.AST, set[str]]) -> set[str]:
    """The functions whose returned list the code puts in order with others (``*conv_block(...)``,
    ``layers.extend(conv_block(...))``, ``layers += conv_block(...)``): a relevant one's chain is read there.
    ``known``: the answers so far."""
    found = known.get(node)
    if found is None:
        starred, *others = _joints()
        # (A pattern that starts with its literal is searched for that literal first: the fastest scan there is.)
        found = known[node] = {match[1] for match in starred.finditer(part) if part[match.start() - 1:match.start()] != "*"}
        for joint in others:
            found.update(joint.findall(part))
    return found


@functools.lru_cache(maxsize=None)
def _joints() -> tuple[re.Pattern[str], ...]:
    """``*f(``, not ``**f(``; ``extend(f(``; ``+= f(``: compiled when a module is first gated."""
    return re.compile(r"\*(\w+)\("), re.compile(r"extend\((\w+)\("), re.compile(r"\+= (\w+)\(")


def _exports(node: ast.stmt) -> bool:
    """``__all__ = [...]`` (or ``+=``): the names a module exports."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    else:
        return False
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets)


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
