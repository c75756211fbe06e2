"""Blocks held in a value: inside a block read for one call, the calls of a class or function of the module that
a parameter holds (``block(c, c, norm_layer=norm_layer)`` with ``block=ResidualBlock``), or of a method of the class
(``self._make_layer(block, c, norm_layer=norm_layer)``), read with the arguments the call hands on."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator

from .block import Block, bound_function, local_callee, named_parameters
from .flow.service import Flow
from .index import Index, Scope
from .layers import Layers

if TYPE_CHECKING:  # interfaces, for the types only
    from .block import Home


def held_calls(
    index: Index, flow: Flow, layers: Layers, within: ast.AST, local: dict[str, Block], home: Home,
) -> Iterator[tuple[ast.Call, Scope, Block]]:
    """The calls that build ``within`` (the block being read: a function, or a class's ``__init__``; ``home``: its
    module's model) and hand a parameter of the function they are in to a method of the class or to a class or
    function held in a value; not the calls of ``local``, the module's blocks by name, which are read as such."""
    function = bound_function(within) if isinstance(within, (ast.FunctionDef, ast.ClassDef)) else None
    for call, scope in index.calls_inside(function) if function is not None else ():
        func = call.func
        if local_callee(call, scope) in local or not _hands_parameter(call, scope):
            continue
        if type(func) is ast.Attribute:
            owner = flow.method_owner(func.value, scope)
            method = flow.own_method(owner, func.attr) if owner is not None else None
            if method is not None:
                yield call, scope, Block(method[0], method[0], (), home, skip=method[1])
        elif type(func) is ast.Name and index.bound(func.id, scope):
            held = _held_definition(index, flow, layers, func, scope, home)
            if held is not None:
                yield call, scope, held


def _hands_parameter(call: ast.Call, scope: Scope) -> bool:
    """The call passes a parameter of the function it is in, as itself (``norm_layer=norm_layer``, ``block``)."""
    function = scope.node
    if not isinstance(function, ast.FunctionDef):
        return False
    params = {param.arg for param in named_parameters(function)}
    return any(type(arg) is ast.Name and arg.id in params for arg in (*call.args, *(k.value for k in call.keywords)))


def _held_definition(index: Index, flow: Flow, layers: Layers, func: ast.Name, scope: Scope, home: Home) -> Block | None:
    """The class or function of this module that a name holds on every path (``block``, a parameter given
    ``ResidualBlock``), read through its ``__init__``."""
    origins = flow.origins(func, scope, layers.environment(func))
    if not origins or any(type(origin.expr) is not ast.Name or origin.scope.tree is not index.module.node for origin in origins):
        return None
    names = {origin.expr.id for origin in origins if not index.bound(origin.expr.id, origin.scope)}  # type: ignore[attr-defined]
    if len(names) != 1 or len(names) != len({origin.expr.id for origin in origins}):  # type: ignore[attr-defined]
        return None
    name = names.pop()
    node = index.functions.get(name) or index.classes.get(name)
    function = bound_function(node) if node is not None else None
    return Block(node, function, (), home) if function is not None else None  # type: ignore[arg-type]
