"""What a call passes for one argument, and what literal value that is.

A value the analysis cannot pin down is ``UNKNOWN``; the rules stay silent on
it.  ``**kwargs`` and ``*args`` make every argument they could carry unknown.
Inside a same-file helper (``def conv3x3(..., bias=False): return
nn.Conv2d(..., bias=bias)``) a name that is one of the helper's parameters is
replaced by what the helper's caller passed, through an ``Env``.
"""

from __future__ import annotations

import ast
from typing import Any, NamedTuple

from ..knowledge.schema import REQUIRED, AllOf, AnyOf, Arg, ArgIn, Condition, SameArgs

UNKNOWN = object()
ABSENT = object()


class Bound(NamedTuple):
    """An expression together with the environment its names are read in."""

    expr: ast.expr
    env: Env | None
    scope: Any = None  # the Scope its names are read in, where known


class Env:
    """Parameters of a helper function, bound to what one call passed."""

    def __init__(self, values: dict[str, Bound | object], parent: Env | None) -> None:
        self.values = values
        self.parent = parent

    def lookup(self, name: str) -> Bound | object | None:
        return self.values.get(name)


class CallArgs:
    """A call's arguments, each with the environment it is read in.

    Positions from ``open_from`` on are unknown (a ``*args``), and so is any
    keyword not given when ``open_keywords`` (a ``**kwargs``).  (A plain class,
    as every class of the plugin that is not a table row: a dataclass costs a
    millisecond to define, paid again by every flake8 process.)
    """

    __slots__ = ("positional", "keywords", "open_from", "open_keywords", "flow")

    def __init__(
        self, positional: list[Bound], keywords: dict[str, Bound], open_from: int | None = None,
        open_keywords: bool = False,
    ) -> None:
        self.positional = positional
        self.keywords = keywords
        self.open_from = open_from
        self.open_keywords = open_keywords
        self.flow: Any = None  # the value-flow service that reads names, where one is given

    @classmethod
    def of(cls, call: ast.Call, env: Env | None = None, scope: Any = None) -> CallArgs:
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


def value(args: CallArgs, arg: Arg) -> object:
    """The literal value of an argument, its default when absent, else ``UNKNOWN``."""
    bound = args.get(arg)
    if bound is ABSENT:
        return UNKNOWN if arg.default is REQUIRED else arg.default
    if bound is UNKNOWN:
        return UNKNOWN
    return literal(bound, args.flow)  # type: ignore[arg-type]


def literal(bound: Bound, flow: Any = None) -> object:
    """The literal value of a bound expression on every path, read through ``flow`` where given."""
    if flow is not None and bound.scope is not None:
        return flow.constant(bound.expr, bound.scope, bound.env)
    resolved = resolve(bound)
    if not isinstance(resolved, Bound):
        return resolved
    try:
        return ast.literal_eval(resolved.expr)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN


def resolve(bound: Bound, depth: int = 0) -> Bound | object:
    """Follow helper parameters to the caller's expression (or default)."""
    while isinstance(bound.expr, ast.Name) and bound.env is not None and depth < 16:
        found = bound.env.lookup(bound.expr.id)
        if found is None:
            return bound
        if not isinstance(found, Bound):
            return found
        bound, depth = found, depth + 1
    return bound


def holds(condition: Condition | None, args: CallArgs) -> bool | None:
    """Whether a knowledge-table condition holds for a call; None when unknown."""
    if condition is None:
        return True
    if isinstance(condition, ArgIn):
        found = value(args, condition.arg)
        if found is UNKNOWN:
            return None
        try:
            return found in condition.values
        except TypeError:  # an unhashable literal such as a list
            return False
    if isinstance(condition, SameArgs):
        return _same(args, condition.first, condition.second)
    results = [holds(inner, args) for inner in condition.conditions]
    if isinstance(condition, AnyOf):
        return True if True in results else (None if None in results else False)
    if isinstance(condition, AllOf):
        return False if False in results else (None if None in results else True)
    raise TypeError(f"unknown condition {condition!r}")


def _same(args: CallArgs, first: Arg, second: Arg) -> bool | None:
    return same_value(args.get(first), args.get(second), args.flow)


def same_value(a: Bound | object, b: Bound | object, flow: Any = None) -> bool | None:
    """Whether two arguments are the same literal or the same call-free expression."""
    if not isinstance(a, Bound) or not isinstance(b, Bound):
        return None
    ra, rb = resolve(a), resolve(b)
    if not isinstance(ra, Bound) or not isinstance(rb, Bound):
        return None
    la, lb = literal(ra, flow), literal(rb, flow)
    if la is not UNKNOWN and lb is not UNKNOWN:
        return la == lb
    if ra.env is rb.env and _pure(ra.expr) and ast.dump(ra.expr) == ast.dump(rb.expr):
        return True
    return None


def _pure(expr: ast.expr) -> bool:
    """An expression whose two evaluations give the same value: no calls."""
    return not any(isinstance(node, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)) for node in ast.walk(expr))
