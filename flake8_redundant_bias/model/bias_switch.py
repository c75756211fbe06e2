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

from ..knowledge.schema import Partial
from .flow.service import Flow
from .index import Scope, method_named
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
    origin of the switch is anything else (a literal, another parameter, a test of something else), or when the
    module's calls never hand the parameter a class that turns the bias on."""
    bound = _bias(producer)
    switch = _switch_of(flow, bound.expr, bound.scope, None) if bound is not None else None  # type: ignore[arg-type]
    return None if switch is None or _never_on(flow, switch) else switch


def _never_on(flow: Flow, switch: ClassSwitch) -> bool:
    """Every call of the function (a class, through its ``__init__``) is one of the module, and each leaves the
    parameter a class named here that does not turn the bias on (DeblurGANv2's ``DicsriminatorTail(nf_mult=...,
    n_layers=3)``, its ``norm_layer`` at ``nn.BatchNorm2d``).  A function nothing in the module calls is anyone's to
    call with any class."""
    function = switch.scope.node
    owner = flow.index.parents.get(function)  # type: ignore[attr-defined]
    if isinstance(owner, ast.ClassDef) and getattr(function, "name", "") == "__init__":
        name = owner.name
    elif isinstance(owner, ast.Module):
        name = function.name  # type: ignore[attr-defined]
    else:
        return False
    if not flow.callers(name):
        return False
    args = function.args  # type: ignore[attr-defined]
    param = next((arg for arg in args.posonlyargs + args.args + args.kwonlyargs if arg.arg == switch.parameter), None)
    origins = flow.parameter(param, 0, "") if param is not None else None
    if not origins:
        return False
    on = {qualified for qualified, _ in switch.classes}
    return all(
        origin.env is None and origin.scope is not None and flow.resolved(origin.expr, origin.scope) not in (None, *on)
        for origin in origins
    )


def call_switches(flow: Flow, producer: Layer) -> tuple[ast.FunctionDef, list[tuple[ClassSwitch, list[Env]]]] | None:
    """A producer of a class (or of a method its ``__init__`` calls once, CycleGAN's ``ResnetBlock.build_conv_block``)
    that functions call, each handing it a switch of its own (CUT's ``ResnetBlock``, from three generators): the
    function building the producer and, for each call of the class, the switch that call's own function computes,
    with the function's bindings for that call read as the call passing each class that turns it on.  None
    unless every call of the class hands it such a switch.  (Asked twice of a producer: answered once.)"""
    known = flow.index.derived("call switches", dict)  # type: ignore[attr-defined]
    if producer.call not in known:
        known[producer.call] = _call_switches(flow, producer)
    return known[producer.call]  # type: ignore[no-any-return]


def _call_switches(flow: Flow, producer: Layer) -> tuple[ast.FunctionDef, list[tuple[ClassSwitch, list[Env]]]] | None:
    bound = _bias(producer)
    method = bound.scope.node if bound is not None else None  # type: ignore[union-attr]
    owner = flow.index.parents.get(method)  # type: ignore[attr-defined]
    if not isinstance(method, ast.FunctionDef) or not isinstance(owner, ast.ClassDef):
        return None
    init, calls = method_named(owner, "__init__"), flow.callers(owner.name)
    if init is None or not calls:
        return None
    inner = [call for call, _ in flow.index.calls_inside(init) if _calls_own(call, method.name)]  # type: ignore[attr-defined]
    if method is not init and len(inner) != 1:
        return None
    through = _Through(flow, init, method, inner[0] if method is not init else None)
    found = []
    for call, scope in calls:
        env = through.bind(call, scope, None)
        switch = _switch_of(flow, bound.expr, bound.scope, env) if env is not None else None  # type: ignore[union-attr]
        if switch is None or switch.scope is not scope:
            return None  # (the switch must be the calling function's own: the norm it hands is then that call's)
        envs = [through.bind(call, scope, outer) for _, _, outer in switch.bindings(flow)]
        if not envs or None in envs:
            return None
        found.append((switch, envs))
    return method, found  # type: ignore[return-value]


class _Through:
    """A class's ``__init__`` bound for one call of the class, then the method it calls once, bound for that."""

    __slots__ = ("flow", "init", "method", "inner")

    def __init__(self, flow: Flow, init: ast.FunctionDef, method: ast.FunctionDef, inner: ast.Call | None) -> None:
        self.flow, self.init, self.method, self.inner = flow, init, method, inner

    def bind(self, call: ast.Call, scope: Scope, env: Env | None) -> Env | None:
        flow = self.flow
        bound = flow.bind(self.init, flow.call_args(call, scope, env), skip=1)
        if bound is None or self.inner is None:
            return bound
        init_scope = flow.index.scope_of[self.init]  # type: ignore[attr-defined]
        return flow.bind(self.method, flow.call_args(self.inner, init_scope, bound), skip=1)


def _calls_own(call: ast.Call, name: str) -> bool:
    """``self.<name>(...)``."""
    func = call.func
    return type(func) is ast.Attribute and func.attr == name and type(func.value) is ast.Name and func.value.id == "self"


def _bias(producer: Layer) -> Bound | None:
    """The producer's bias argument, as the module reads it where it builds the producer."""
    bound = producer.bias_argument()
    return bound if bound is not None and bound.env is None and bound.scope is not None else None


def _switch_of(flow: Flow, expr: ast.expr, scope: Scope, env: Env | None) -> ClassSwitch | None:
    origins = flow.origins(expr, scope, env)
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
