"""What a ``**`` spread passes: the sets of keywords it may hold, one for each way the code reaches it.

timm's ``efficientformer_l1(pretrained=False, **kwargs)`` calls
``_create_efficientformer("efficientformer_l1", pretrained=pretrained, **dict(model_args, **kwargs))``,
which hands its own ``**kwargs`` to the model's builder.  What reaches the model class is
``model_args``'s entries and whatever the caller of ``efficientformer_l1`` passes.  A function that
nothing in its file calls is read as called with its defaults, as a class that nothing in its file
builds is: its ``**kwargs`` holds nothing.  A function the file calls holds, in its ``**kwargs``,
what each call passes beyond its named parameters.  A dict a function of the module builds and
returns (``model_args = _cpubone_b1_args()``) holds what it returns for that call, its values read
with the call's arguments bound.  A dict that something may edit, or a ``**kwargs`` handed to
anything but a spread, is unknown.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable

from ..index import Scope
from ..values import UNKNOWN, Bound, Env

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Questions

KeywordSet = dict  # keyword -> Bound, or UNKNOWN for a key the spread may hold with any value
CallsOf = Callable[[ast.AST, Scope], "tuple[list[tuple[ast.Call, Scope]] | None, int]"]
DEPTH = 4  # spreads handed on through this many functions
WIDTH = 16  # alternatives kept before the answer is "unknown"
READS = frozenset({"pop", "get"})  # methods that read a dict without adding a key (pop's key may go either way)


def keyword_sets(
    flow: Questions, calls_of: CallsOf, expr: ast.expr, scope: Scope, depth: int = 0, env: Env | None = None,
) -> list[KeywordSet] | None:
    """The keyword sets ``**expr`` may pass, or None when one is unknown (``env``: a helper's parameters, bound
    to what the call of it that builds the dict passed)."""
    if depth > DEPTH:
        return None
    if isinstance(expr, ast.Name) and env is None:
        owner = _kwargs_owner(flow, expr, scope)
        if owner is not None:
            return _passed_to(flow, calls_of, *owner, scope, depth)
        origin = flow.dict_origin(expr, scope, None, passed=True)
        if origin is None or origin.env is not None or isinstance(origin.expr, ast.Name):
            return None
        return keyword_sets(flow, calls_of, origin.expr, origin.scope, depth + 1)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "dict" and flow.builtin("dict", scope):
        if len(expr.args) > 1:
            return None
        parts = [(None, arg) for arg in expr.args] + [(k.arg, k.value) for k in expr.keywords]
        return _merged(flow, calls_of, parts, scope, depth, env)
    if isinstance(expr, ast.Dict):
        if not all(key is None or isinstance(key, ast.Constant) and isinstance(key.value, str) for key in expr.keys):
            return None
        parts = [
            (None if key is None else key.value, value)  # type: ignore[union-attr]
            for key, value in zip(expr.keys, expr.values)
        ]
        return _merged(flow, calls_of, parts, scope, depth, env)
    if isinstance(expr, ast.Call) and env is None:
        return _returned(flow, calls_of, expr, scope, depth)
    return None


def _returned(flow: Questions, calls_of: CallsOf, call: ast.Call, scope: Scope, depth: int) -> list[KeywordSet] | None:
    """A dict a function of the module builds and returns (timm's ``model_args = _cpubone_b1_args()``): each it
    may return, read with the call's arguments bound."""
    returned = flow.returned(call, scope)
    if not returned:
        return None
    sets: list[KeywordSet] = []
    for origin in returned:
        if origin.env is None:
            return None  # (not read for this call)
        found = keyword_sets(flow, calls_of, origin.expr, origin.scope, depth, origin.env)  # (one step: the call's)
        if found is None or len(sets) + len(found) > WIDTH:
            return None
        sets += found
    return sets


def _merged(
    flow: Questions, calls_of: CallsOf, parts: list[tuple[str | None, ast.expr]], scope: Scope, depth: int,
    env: Env | None = None,
) -> list[KeywordSet] | None:
    """``dict(a, **b, key=v)`` or ``{**a, "key": v}``: each part in order, a later key replacing an earlier one."""
    sets: list[KeywordSet] = [{}]
    for key, value in parts:
        if key is not None:
            for found in sets:
                found[key] = Bound(value, env, scope)
            continue
        inner = keyword_sets(flow, calls_of, value, scope, depth + 1, env)
        if inner is None or len(sets) * len(inner) > WIDTH:
            return None
        sets = [{**found, **more} for found in sets for more in inner]
    return sets


def _kwargs_owner(flow: Questions, name: ast.Name, scope: Scope) -> tuple[ast.FunctionDef, set[str]] | None:
    """The function whose ``**kwargs`` the name is, read in its own body, where it is only spread or read; and the
    keys ``kwargs.pop("key", ...)`` takes out (before the spread or after it: either way, unknown)."""
    function = scope.node
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    kwarg = function.args.kwarg
    if kwarg is None or kwarg.arg != name.id or name.id in scope.escaped:
        return None
    popped: set[str] = set()
    for event in scope.events.get(name.id, ()):
        if event.store:
            if event.node is not kwarg:
                return None  # bound again
            continue
        read = None if event.opaque else _spread_or_read(flow, event.node)
        if read is None:
            return None
        if read is not True:
            popped.add(read)
    return function, popped  # type: ignore[return-value]


def _spread_or_read(flow: Questions, node: ast.AST) -> str | bool | None:
    """How a read of the dict leaves its keys: True for a spread or a ``get``, the key a ``pop`` of a literal key
    takes out; None for anything else (also a ``pop`` of a key not written out)."""
    parents = flow.index.parents
    parent = parents.get(node)
    if isinstance(parent, ast.keyword):
        return True if parent.arg is None else None
    if isinstance(parent, ast.Attribute) and parent.attr in READS:
        call = parents.get(parent)
        if not (isinstance(call, ast.Call) and call.func is parent):
            return None
        if parent.attr != "pop":
            return True
        key = call.args[0] if call.args else None
        return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    return None


def _passed_to(
    flow: Questions, calls_of: CallsOf, function: ast.FunctionDef, popped: set[str], scope: Scope, depth: int,
) -> list[KeywordSet] | None:
    """What the calls of a function pass into its ``**kwargs`` (``popped``: keys it may take out): nothing when
    nothing in the file calls it."""
    outer = scope.parent
    if outer is None:
        return None
    calls, skip = calls_of(function, outer)
    if calls is None:
        return None
    named = {a.arg for a in (function.args.posonlyargs + function.args.args)[skip:] + function.args.kwonlyargs}
    sets: list[KeywordSet] = [] if calls else [{}]
    for call, call_scope in calls:
        if any(isinstance(arg, ast.Starred) for arg in call.args):
            return None  # a *args may fill a named parameter or not: which keywords are left is unknown
        parts = [(k.arg, k.value) for k in call.keywords if k.arg not in named]
        found = _merged(flow, calls_of, parts, call_scope, depth + 1)
        if found is None or len(sets) + len(found) > WIDTH:
            return None
        sets += [{key: value for key, value in each.items() if key not in named} for each in found]
    for each in sets:
        each.update(dict.fromkeys(popped, UNKNOWN))
    return sets
