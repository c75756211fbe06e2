"""The plain data the value flow answers with: expressions bound to where they are read.

A value the analysis cannot pin down is ``UNKNOWN``; the rules stay silent on
it.  ``**kwargs`` and ``*args`` make every argument they could carry unknown.
Inside a helper (``def conv3x3(..., bias=False): return nn.Conv2d(...,
bias=bias)``) a name that is one of the helper's parameters is replaced by
what the helper's caller passed, through an ``Env``.  Nothing here reads a
name: that is the flow service's (``flow.py``), which takes these as questions.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from ..knowledge.schema import Arg
from .index import Scope

UNKNOWN = object()
ABSENT = object()
PASS = object()  # a value provider's answer to a question that is not its own: ask the next one
UNRECORDED: list[bool] = []  # lookups for what a finding says, not for what is found: not recorded (block_reads.py)


class Bound(NamedTuple):
    """An expression together with the environment and the scope its names are read in."""

    expr: ast.expr
    env: Env | None
    scope: Scope | None = None  # None: read as a literal (a helper's default, a forwarded argument)


class Env:
    """Parameters of a function, bound to what one call passed (a ``Bound``, or ``UNKNOWN``).

    ``scope``: the function's scope, where its locals are read under this binding too;
    ``rebound``: parameters the function assigns again (``if norm is None: norm = ...``),
    whose value at a read is decided by the bindings that reach it.
    """

    __slots__ = ("values", "scope", "rebound", "looked")

    def __init__(self, values: dict[str, Bound | object], scope: object = None, rebound: frozenset[str] = frozenset()) -> None:
        self.values = values
        self.scope = scope
        self.rebound = rebound
        self.looked: set[str] | None = None  # the names looked up, when a read records them (block_reads.py)

    def lookup(self, name: str) -> Bound | object | None:
        looked = self.looked
        if looked is not None and not UNRECORDED:
            looked.add(name)
        return self.values.get(name)


class Keywords(dict):
    """What one call passes to a ``**kwargs`` parameter: the keywords no named parameter takes, each a ``Bound``
    read where the call reads it (a call with a ``**`` of its own passes keywords no one knows: no such value)."""

    __slots__ = ()


class CallArgs:
    """A call's arguments, each with the environment it is read in.

    Positions from ``open_from`` on are unknown (a ``*args``), and so is any
    keyword not given when ``open_keywords`` (a ``**kwargs``).  (A plain class,
    as every class of the plugin that is not a table row: a dataclass costs a
    millisecond to define, paid again by every flake8 process.)
    """

    __slots__ = ("positional", "keywords", "open_from", "open_keywords")

    def __init__(
        self, positional: list[Bound], keywords: dict[str, Bound], open_from: int | None = None,
        open_keywords: bool = False,
    ) -> None:
        self.positional = positional
        self.keywords = keywords
        self.open_from = open_from
        self.open_keywords = open_keywords

    @classmethod
    def of(cls, call: ast.Call, env: Env | None = None, scope: Scope | None = None) -> CallArgs:
        """The arguments as written: ``**d`` is an open keyword set (the flow service spreads known dicts)."""
        positional: list[Bound] = []
        open_from = None
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                open_from = len(positional)
                break
            positional.append(Bound(arg, env, scope))
        keywords = {k.arg: Bound(k.value, env, scope) for k in call.keywords if k.arg is not None}
        open_keywords = any(k.arg is None for k in call.keywords)
        return cls(positional, keywords, open_from, open_keywords)

    def get(self, arg: Arg) -> Bound | object:
        """The bound expression for ``arg``, ``ABSENT`` (the default applies), or ``UNKNOWN``."""
        if arg.keyword in self.keywords:
            return self.keywords[arg.keyword]
        if arg.position is not None:
            if arg.position < len(self.positional):
                return self.positional[arg.position]
            if self.open_from is not None:
                return UNKNOWN
        if self.open_keywords:
            return UNKNOWN
        return ABSENT


class Origin(NamedTuple):
    """An expression a value comes from, with where its names are read, and how the code names it."""

    expr: ast.expr
    scope: Scope
    env: Env | None = None
    note: str = ""  # for messages: "WEIGHT_DECAY", "the default of --wd"; "" for a literal


class Number(NamedTuple):
    value: float
    origin: str  # how the code states it, for messages: "" for a literal
    others: tuple[float, ...] = ()  # the other values it may hold on other paths

    def describe(self) -> str:
        shown = " or ".join(repr(v) for v in (self.value, *self.others))
        return f"{shown}{f' ({self.origin})' if self.origin else ''}"


def resolve(bound: Bound, depth: int = 0) -> Bound | object:
    """Follow a function's parameters to the caller's expression (or default)."""
    while isinstance(bound.expr, ast.Name) and bound.env is not None and depth < 16:
        found = bound.env.lookup(bound.expr.id)
        if found is None:
            return bound
        if not isinstance(found, Bound):
            return UNKNOWN if isinstance(found, Keywords) else found  # a ``**kwargs`` dict is no literal
        bound, depth = found, depth + 1
    return bound


def pure(expr: ast.expr) -> bool:
    """An expression whose two evaluations give the same value: no calls."""
    return not any(isinstance(node, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)) for node in ast.walk(expr))


def is_literal(expr: object, value: bool | None) -> bool:
    """The expression is the literal ``True``, ``False`` or ``None`` itself (not a name that may hold it)."""
    return type(expr) is ast.Constant and expr.value is value  # type: ignore[attr-defined]


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def same_literal(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b or (is_number(a) and is_number(b) and a == b)
