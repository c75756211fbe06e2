"""The reads of blocks that one outer call's read has made, to skip a read that can find nothing new.

Inside the read of a block for one call, a block it calls is read again for each call of it: RAFT's
``ResidualBlock`` twice per ``_make_2_blocks`` call, three of those per encoder.  What a read finds is
decided by the names it looks up in its binding (``norm_layer``, ``stride``), not by the ones it never
reads (``in_channels``).  A later read of the same block, as deep, inside the same outer read, whose
binding gives every name the earlier read looked up the same value finds the same layers with the same
norms; the rule reports a layer once per outer call, so that read is skipped.  Skipping can only lose a
finding, never make one; a value not known the same (no origins, or origins inside another read) is
taken as different.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .values import Bound, Env, Keywords, Origin

if TYPE_CHECKING:  # the service's interface, for the types only
    from .flow.questions import Questions


class Reads:
    """The bindings of the reads made inside one outer call's read, per block and depth."""

    __slots__ = ("_made", "_values")

    def __init__(self) -> None:
        self._made: dict[tuple[ast.AST, int], list[Env]] = {}
        self._values: dict[tuple[Env, str], object] = {}  # (binding, name) -> the value, compared as it is

    def again(self, flow: Questions, function: ast.AST, depth: int, env: Env) -> bool:
        """Whether an earlier read of the function at this depth looked up only names that ``env`` binds to the
        same values; if not, ``env`` starts recording the names its read looks up."""
        made = self._made.setdefault((function, depth), [])
        for earlier in made:
            if all(self._value(flow, earlier, name) == self._value(flow, env, name) for name in earlier.looked or ()):
                return True
        env.looked = set()
        made.append(env)
        return False

    def _value(self, flow: Questions, env: Env, name: str) -> object:
        key = (env, name)
        if key not in self._values:
            self._values[key] = _compared(flow, env.values.get(name))
        return self._values[key]


def _compared(flow: Questions, value: object) -> object:
    """What a bound value is compared by: what it may hold (``stride=1`` and a ``first_stride`` holding 1 alike),
    a default by its node, anything else by itself."""
    if isinstance(value, Keywords):
        return tuple(sorted(((key, _compared(flow, bound)) for key, bound in value.items()), key=lambda item: item[0]))
    if not isinstance(value, Bound):
        return value
    if value.scope is None:  # a default, read as written
        return (value.expr, value.env)
    origins = flow.origins(value.expr, value.scope, value.env)
    if not origins:
        return value
    return tuple(_origin(flow, origin) for origin in origins)


def _origin(flow: Questions, origin: Origin) -> object:
    """A literal by its value, a framework name by what it means (``nn.BatchNorm2d`` written at two calls alike),
    any other expression by itself, where it is read."""
    expr = origin.expr
    if type(expr) is ast.Constant:
        return type(expr.value), expr.value
    name = flow.resolved(expr, origin.scope) if type(expr) in (ast.Name, ast.Attribute) else None
    return name if name is not None else (expr, origin.env)
