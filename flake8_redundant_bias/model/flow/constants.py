"""The literal values an expression may hold: its origins, evaluated where they are plain arithmetic.

``wd = args.wd * 0.1`` with ``--wd`` defaulting to ``"1e-2"`` (``type=float``) is
``0.001``.  Only numbers, flags, strings and tuples of them, and tests of them; a value
that could be anything (a call, an unknown name) makes the whole answer unknown.
"""

from __future__ import annotations

import ast
import itertools
import operator
from typing import TYPE_CHECKING, Callable, Iterable

from ..index import Index, Scope
from ..values import UNKNOWN, Env, Number, is_number, same_literal

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Questions

DEPTH = 12  # names followed through names, this deep
PRODUCT_LIMIT = 16  # values an arithmetic expression may combine
CONVERTERS = {"float": float, "int": int, "bool": bool, "len": len}  # (``len(norm) == 0`` of a name given "BN")
OPERATORS: dict[type, Callable] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
# A test of literals (``norm_cfg["type"] == "IN"``, mmagic's ``use_bias``): as Python runs it.
COMPARISONS: dict[type, Callable] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


class Constants:
    __slots__ = ("index",)

    def __init__(self, index: Index) -> None:
        self.index = index

    def constants(self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None) -> list[tuple[object, str]] | None:
        """Every literal value ``expr`` may hold, with how the code names it; None if any is not a literal."""
        origins = flow.origins(expr, scope, env)
        if origins is None:
            return None
        found: list[tuple[object, str]] = []
        for origin in origins:
            values = flow.evaluate(origin.expr, origin.scope, origin.env, 0)
            if values is None:
                return None
            found += [(value, origin.note) for value in values]
        return found

    def constant(self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None) -> object:
        """The one literal value ``expr`` holds on every path, else ``UNKNOWN``."""
        found = self.constants(flow, expr, scope, env)
        if not found:
            return UNKNOWN
        first = found[0][0]
        return first if all(same_literal(value, first) for value, _ in found) else UNKNOWN

    def numbers(self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None = None) -> list[Number] | None:
        found = self.constants(flow, expr, scope, env)
        if not found or not all(is_number(value) for value, _ in found):
            return None
        return [Number(value, note) for value, note in found]  # type: ignore[arg-type]

    def evaluate(self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None, depth: int) -> list[object] | None:
        """The values of an expression read in this module (``flow`` is this module's service)."""
        if depth > DEPTH:
            return None
        if isinstance(expr, ast.Constant):
            return [expr.value]
        if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
            entries = flow.config(expr.value, scope, env)  # ``norm_cfg["type"]`` of a config dict nothing changes
            entry = entries.get(expr.slice.value) if entries is not None else None
            if entry is not None:
                return flow.evaluate(entry.expr, entry.scope or scope, entry.env, depth + 1)
        if isinstance(expr, (ast.Name, ast.Attribute, ast.IfExp, ast.Subscript)):
            origins = flow.origins_at(expr, scope, env, depth + 1, "")
            if origins is None or any(o.expr is expr for o in origins):
                return None
            return _flatten(flow.evaluate(o.expr, o.scope, o.env, depth + 1) for o in origins)
        if isinstance(expr, ast.UnaryOp):
            operand = flow.evaluate(expr.operand, scope, env, depth + 1)
            return None if operand is None else _each(_unary, expr.op, operand)
        if isinstance(expr, ast.BinOp) and type(expr.op) in OPERATORS:
            left = flow.evaluate(expr.left, scope, env, depth + 1)
            right = flow.evaluate(expr.right, scope, env, depth + 1)
            if left is None or right is None or len(left) * len(right) > PRODUCT_LIMIT:
                return None
            return _each_pair(OPERATORS[type(expr.op)], left, right)
        if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and type(expr.ops[0]) in COMPARISONS:
            left = flow.evaluate(expr.left, scope, env, depth + 1)
            right = _keys(flow, expr, scope, env) or flow.evaluate(expr.comparators[0], scope, env, depth + 1)
            if left is None or right is None or len(left) * len(right) > PRODUCT_LIMIT:
                return None
            return _compared(COMPARISONS[type(expr.ops[0])], left, right)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in CONVERTERS:
            if len(expr.args) == 1 and not expr.keywords and flow.builtin(expr.func.id, scope):
                inner = flow.evaluate(expr.args[0], scope, env, depth + 1)
                return None if inner is None else _each(_convert, CONVERTERS[expr.func.id], inner)
            return None
        if isinstance(expr, (ast.Tuple, ast.List)):
            try:
                return [ast.literal_eval(expr)]
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                return None
        return None


def _keys(flow: Questions, compare: ast.Compare, scope: Scope, env: Env | None) -> list[object] | None:
    """``name in NORMS``: the keys of a lookup table nothing changes."""
    if not isinstance(compare.ops[0], (ast.In, ast.NotIn)):
        return None
    entries = flow.table(compare.comparators[0], scope, env)
    return None if entries is None else [frozenset(entries)]


def _flatten(parts: Iterable[list[object] | None]) -> list[object] | None:
    found: list[object] = []
    for part in parts:
        if part is None:
            return None
        found += part
    return found


def _unary(op: ast.unaryop, value: object) -> object:
    if isinstance(op, ast.Not):
        return not value
    if not is_number(value) and not isinstance(value, bool):
        raise TypeError
    return -value if isinstance(op, ast.USub) else (+value if isinstance(op, ast.UAdd) else ~value)  # type: ignore[operator]


def _convert(kind: Callable, value: object) -> object:
    return kind(value)


def _each(function: Callable, first: object, values: list[object]) -> list[object] | None:
    try:
        return [function(first, value) for value in values]
    except (TypeError, ValueError, ArithmeticError):
        return None


def _compared(function: Callable, left: list[object], right: list[object]) -> list[object] | None:
    try:
        return [bool(function(a, b)) for a, b in itertools.product(left, right)]
    except TypeError:  # ``in`` a number
        return None


def _each_pair(function: Callable, left: list[object], right: list[object]) -> list[object] | None:
    try:
        found = [function(a, b) for a, b in itertools.product(left, right)]
    except (TypeError, ValueError, ArithmeticError, MemoryError):
        return None
    # Only numbers: string repetition or huge powers are not hyper-parameters.
    return found if all(is_number(value) for value in found) else None
