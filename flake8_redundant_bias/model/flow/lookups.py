"""Which framework class an expression holds: its name, or what a class lookup gives for its argument.

A lookup (timm's ``get_norm_layer``, ``get_norm_act_layer``) takes a class, a
name, or a ``partial`` of a class, and returns a class.  It is read only where
every value its argument may hold maps to one class the lookup's table names;
a class the table does not know is kept as itself when the lookup keeps
classes as they are, and is unknown when it maps classes by their names.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ...knowledge.schema import ClassLookup
from ..index import Scope
from ..values import Bound, Env, Origin

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Questions

DEPTH = 4  # lookups of lookups, followed this deep


def class_name(flow: Questions, expr: ast.expr, scope: Scope, env: Env | None, depth: int = 0) -> str | None:
    """The qualified class ``expr`` means: a framework name, or a lookup's answer (``get_norm_layer("bn2d")``)."""
    if type(expr) is not ast.Call:
        return flow.resolved(expr, scope)
    lookup = flow.fact(expr.func, scope)
    if not isinstance(lookup, ClassLookup) or depth >= DEPTH:
        return None
    given = flow.call_args(expr, scope, env).get(lookup.arg)
    if not isinstance(given, Bound):
        return None
    return one_class(flow, lookup, flow.origins(given.expr, given.scope or scope, given.env) or [], depth)


def attribute_names(flow: Questions, expr: ast.expr, scope: Scope) -> list[str] | None:
    """The framework names a ``getattr(module, name)`` of a framework module may give: one for each string the name
    may hold (``getattr(torch.optim, args.optimizer)`` with the option's default ``"AdamW"``); None otherwise."""
    if type(expr) is not ast.Call or len(expr.args) != 2 or expr.keywords:
        return None
    func, (module, attribute) = expr.func, expr.args
    if type(func) is not ast.Name or func.id != "getattr" or not flow.builtin("getattr", scope):
        return None
    prefix = flow.resolved(module, scope)
    found = flow.constants(attribute, scope) if prefix is not None else None
    if not found or not all(isinstance(value, str) and value.isidentifier() for value, _ in found):
        return None
    return [f"{prefix}.{value}" for value, _ in found]


def one_class(flow: Questions, lookup: ClassLookup, origins: list[Origin], depth: int = 0) -> str | None:
    """The class a lookup returns for every value its argument may hold, when it is the same one."""
    names = {_looked_up(flow, lookup, origin, depth) for origin in origins}
    return names.pop() if len(names) == 1 else None


def _looked_up(flow: Questions, lookup: ClassLookup, origin: Origin, depth: int = 0) -> str | None:
    """The class a lookup returns for one value of its argument: a name matched as the lookup matches it, the
    class of a ``partial`` (the lookup unbinds it), or a class, kept or mapped by its own name."""
    table = dict(lookup.names)
    expr = origin.expr
    if type(expr) is ast.Constant:
        return table.get(_key(expr.value)) if isinstance(expr.value, str) else None
    presets = flow.partial_of(origin)
    if presets is not None:
        expr = presets.args[0]
    name = class_name(flow, expr, origin.scope, origin.env, depth + 1)
    if name is None:
        return None
    if lookup.by_name:
        return given_class(lookup, name)
    # A partial's keywords stay bound to the class it holds: read only for a class the table names.
    return name if presets is None or name in table.values() else None


def given_class(lookup: ClassLookup, name: str) -> str | None:
    """The class a lookup returns for a class it is given (its qualified name): the class itself, or, for a lookup
    by name, the class its own name maps to."""
    return dict(lookup.names).get(_key(name.rpartition(".")[2])) if lookup.by_name else name


def _key(name: str) -> str:
    """A name as timm's lookups match it: ``"Batch_Norm2d-x"`` is ``batchnorm2d``."""
    return name.replace("_", "").lower().split("-")[0]
