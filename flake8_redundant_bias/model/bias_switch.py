"""When a producer's bias is on, for a switch computed from the class a parameter holds.

CycleGAN's generators decide ``use_bias = norm_layer == nn.InstanceNorm2d`` (or, for a
``functools.partial``, ``norm_layer.func == nn.InstanceNorm2d``), then build
``nn.Conv2d(..., bias=use_bias)`` followed by ``norm_layer(ngf)``.  Whatever norm a caller
passes, the bias is on only when that norm is an InstanceNorm2d.  A switch each origin of
which compares the same parameter of the enclosing function (or the callable a partial it
holds wraps) with a class the module imports is on exactly when the parameter holds one of
those classes.
"""

from __future__ import annotations

import ast

from ..knowledge.schema import Partial, Producer
from .flow.service import Flow
from .index import Scope
from .layers import Layer
from .values import Bound, CallArgs, Env

EQUAL = (ast.Eq, ast.Is)


class ClassSwitch:
    """A bias switched on by the class a parameter holds: the parameter, the function's scope, and each class that
    turns it on (qualified, and as the module names it)."""

    __slots__ = ("parameter", "scope", "classes")

    def __init__(self, parameter: str, scope: Scope, classes: tuple[tuple[str, ast.expr], ...]) -> None:
        self.parameter = parameter
        self.scope = scope
        self.classes = classes

    def builds(self, layer: Layer, flow: Flow) -> bool:
        """Whether a layer is built by calling the parameter itself (``norm_layer(ngf)``), in the function."""
        func = layer.call.func
        return (type(func) is ast.Name and func.id == self.parameter
                and flow.index.scope_at(layer.call) is self.scope)  # type: ignore[attr-defined]

    def hands(self, layer: Layer, flow: Flow) -> bool:
        """Whether a layer is built by calling what the parameter holds, handed down to a block the function calls
        (CycleGAN's ``ResnetBlock(dim, norm_layer=norm_layer, use_bias=use_bias)``): the call's class may hold
        exactly the values the parameter may (the same expressions reach both)."""
        func = layer.call.func
        params = self.scope.node.args.args  # type: ignore[attr-defined]
        param = next((arg for arg in params if arg.arg == self.parameter), None)
        if type(func) is not ast.Name or param is None:
            return False
        held = flow.parameter(param, 0, "")
        found = flow.origins(func, flow.index.scope_at(layer.call))  # type: ignore[attr-defined]
        if not held or found is None:
            return False
        return {id(origin.expr) for origin in found} == {id(origin.expr) for origin in held}

    def bindings(self, flow: Flow) -> list[tuple[ast.AST, ast.FunctionDef, Env]]:
        """The function bound as a call passing each class that turns the bias on, and nothing else (the other
        parameters unknown), with the class or function a call of it builds.  (Read with their defaults, CUT's
        ``if no_antialias:`` branch, which its options reach, would never run.)"""
        function: ast.FunctionDef = self.scope.node  # type: ignore[assignment]
        owner = flow.index.parents.get(function)  # type: ignore[attr-defined]
        method = isinstance(owner, ast.ClassDef)
        node = owner if method and function.name == "__init__" else function
        found = []
        for _, expr in self.classes:
            passed = CallArgs([], {self.parameter: Bound(expr, None, self.scope)})
            env = flow.bind(function, passed, skip=int(method), defaults=False)
            if env is not None:
                found.append((node, function, env))
        return found


def class_switch(flow: Flow, producer: Layer) -> ClassSwitch | None:
    """The parameter whose class alone decides the producer's bias, read where the module builds it; None when an
    origin of the switch is anything else (a literal, another parameter, a test of something else)."""
    spec = producer.spec
    bound = producer.args.get(spec.bias) if isinstance(spec, Producer) else None
    if type(bound) is not Bound or bound.env is not None or bound.scope is None:
        return None
    origins = flow.origins(bound.expr, bound.scope)  # type: ignore[arg-type]
    if not origins:
        return None
    cases = [_compared(flow, origin.expr, origin.scope) for origin in origins if origin.env is None]
    if len(cases) != len(origins) or None in cases:
        return None
    parameters = {case[0] for case in cases}  # type: ignore[index]
    scopes = {origin.scope for origin in origins}
    if len(parameters) != 1 or len(scopes) != 1:
        return None
    parameter, scope = parameters.pop(), scopes.pop()
    if not _parameter(flow, scope, parameter):
        return None
    named = {case[1]: case[2] for case in cases}  # type: ignore[index]
    return ClassSwitch(parameter, scope, tuple(sorted(named.items())))


def _compared(flow: Flow, expr: ast.expr, scope: Scope) -> tuple[str, str, ast.expr] | None:
    """``p == C``, ``C is p``, ``p.func == C``: the parameter's name and the class, qualified and as written."""
    if type(expr) is not ast.Compare or len(expr.ops) != 1 or type(expr.ops[0]) not in EQUAL:
        return None
    for held, named in ((expr.left, expr.comparators[0]), (expr.comparators[0], expr.left)):
        if type(held) is ast.Attribute and held.attr == Partial.wrapped:
            held = held.value
        qualified = flow.resolved(named, scope)
        if type(held) is ast.Name and qualified is not None:
            return held.id, qualified, named
    return None


def _parameter(flow: Flow, scope: Scope, name: str) -> bool:
    """A parameter of the function ``scope`` is, bound nowhere else in it."""
    if not isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    stores, _ = flow.index.bindings(scope, name)  # type: ignore[attr-defined]
    return len(stores) == 1 and type(stores[0].node) is ast.arg and name not in scope.escaped
