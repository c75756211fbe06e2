"""Which expressions hand an optimizer every parameter of a module.

``m.parameters()``, ``m.named_parameters()``, those filtered only on
``requires_grad`` (``filter(lambda p: p.requires_grad, ...)``, a comprehension
with that test), wrapped in ``list``/``tuple``/``itertools.chain``, joined with
``+``, or held in a variable bound once.  Any other test (a name, a shape)
means the code chose what to decay: not "every parameter".

A module counts only when it may hold a bias or a norm: not when it is known
to be bias-free (an embedding, a class of the same file with only
``nn.Parameter`` weights and ``bias=False`` layers) or frozen in the same
scope before adapters are trained (``unet.requires_grad_(False)``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Mapping, NamedTuple, Protocol

from ..knowledge.schema import (
    Chained, Container, Fact, Freezes, ModuleBase, NoBias, NoBiasAccessor, ParameterClass, Producer, ReturnsReceiver,
    TensorFactory, YieldsParameters,
)
from .flow.service import Flow
from .index import Index, Scope, called_name, parameter_defaults
from .layers import Layers
from .values import is_literal

DEPTH = 8  # variables and wrappers followed this deep
COPIES = frozenset({"list", "tuple", "iter"})  # builtins that copy an iterable


if TYPE_CHECKING:  # an interface, for the types only

    class Models(Protocol):
        """The project's other modules, as this service reaches them (the composition root answers)."""

        def parameters_of(self, tree: ast.AST) -> Parameters: ...


class Whole(NamedTuple):
    """Every parameter of the module ``receiver`` (an expression such as ``model``)."""

    receiver: ast.expr
    named: bool = False  # from named_parameters(): (name, parameter) pairs

    @property
    def display(self) -> str:
        try:
            return ast.unparse(self.receiver)
        except (ValueError, RecursionError):  # pragma: no cover - odd trees
            return "the module"


class Parameters:
    def __init__(
        self, index: Index, layers: Layers, flow: Flow, facts: Mapping[str, Fact], methods: Mapping[str, Fact],
        models: Models | None,
    ) -> None:
        self.index = index
        self.tree = index.module.node
        self.layers = layers
        self.flow = flow
        self.facts = facts
        self.methods = methods
        self._models = models
        self._freeze_index: dict[tuple[Scope, str], list[int]] | None = None
        self._class_verdicts: dict[ast.ClassDef, bool | None] = {}
        self._class_stores: dict[ast.ClassDef, dict[str, list[tuple[ast.expr | None, Scope, bool]]]] = {}

    # ------------------------------------------------------------ every parameter

    def every(self, expr: ast.expr, scope: Scope, depth: int = 0) -> list[Whole] | None:
        """The modules whose every parameter ``expr`` yields, or None."""
        if depth > DEPTH:
            return None
        if scope.tree is not self.tree:
            return None  # parameters gathered in another module: no receiver here to report
        if isinstance(expr, ast.Call):
            return self._every_call(expr, scope, depth)
        if isinstance(expr, (ast.GeneratorExp, ast.ListComp)):
            return self._every_comprehension(expr, scope, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            # Joining lists only adds: every parameter of a module stays in.
            left, right = self.every(expr.left, scope, depth + 1), self.every(expr.right, scope, depth + 1)
            return (left or []) + (right or []) if left or right else None
        if isinstance(expr, (ast.Name, ast.IfExp)):
            return self._every_origin(expr, scope, depth)
        return None

    def _every_origin(self, expr: ast.expr, scope: Scope, depth: int) -> list[Whole] | None:
        """Every parameter of some module on every path: ``params = a if c else b``, branches."""
        origins = self.flow.origins(expr, scope)
        if not origins or any(o.expr is expr for o in origins):
            return None
        found: list[Whole] = []
        for origin in origins:
            wholes = self.every(origin.expr, origin.scope, depth + 1)
            if not wholes:
                return None
            found += wholes
        return found

    def _every_call(self, call: ast.Call, scope: Scope, depth: int) -> list[Whole] | None:
        func = call.func
        method = self.methods.get(func.attr) if isinstance(func, ast.Attribute) else None
        if isinstance(method, YieldsParameters):
            if call.args or any(k.arg != "recurse" or not is_literal(k.value, True) for k in call.keywords):
                return None
            return [Whole(func.value, named=method.named)]  # type: ignore[attr-defined]
        if isinstance(func, ast.Attribute) and func.attr == "values" and not call.args and not call.keywords:
            # dict(m.named_parameters()).values(): the parameters, by name, then without their names
            holder = func.value
            if isinstance(holder, ast.Call) and isinstance(holder.func, ast.Name) and holder.func.id == "dict" \
                    and len(holder.args) == 1 and not holder.keywords and self.flow.builtin("dict", scope):
                inner = self.every(holder.args[0], scope, depth + 1)
                return [Whole(w.receiver) for w in inner] if inner and all(w.named for w in inner) else None
            return None
        if isinstance(func, ast.Name) and self.flow.builtin(func.id, scope):
            if func.id in COPIES and len(call.args) == 1 and not call.keywords:
                return self.every(call.args[0], scope, depth + 1)
            if func.id == "filter" and len(call.args) == 2 and not call.keywords:
                test = call.args[0]
                if isinstance(test, ast.Lambda) and _only_requires_grad(test):
                    return self.every(call.args[1], scope, depth + 1)
                return None
        if isinstance(self._fact(func), Chained) and call.args and not call.keywords:
            parts = [self.every(arg, scope, depth + 1) for arg in call.args]
            if any(part is None for part in parts):
                return None
            return [whole for part in parts for whole in part]  # type: ignore[union-attr]
        return None

    def _every_comprehension(self, comp: ast.GeneratorExp | ast.ListComp, scope: Scope, depth: int) -> list[Whole] | None:
        if len(comp.generators) != 1 or not isinstance(comp.elt, ast.Name):
            return None
        generator = comp.generators[0]
        inner = self.every(generator.iter, scope, depth + 1)
        if inner is None:
            return None
        target = generator.target
        if isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(w.named for w in inner):
            target = target.elts[1]  # for name, p in m.named_parameters(): the name is never tested below
        if not isinstance(target, ast.Name) or target.id != comp.elt.id:
            return None
        if not all(_is_requires_grad(test, target.id) for test in generator.ifs):
            return None
        return [Whole(w.receiver) for w in inner]

    # ------------------------------------------------------------ the module
    #
    # A verdict on a module is True (it holds a bias or a norm, or is presumed
    # to: any network built elsewhere), False (provably none, or frozen), or
    # None (it depends on configuration: ``bias=use_bias``, ``if use_bias:
    # self.bias = ...``).  Only True is reported.

    def may_hold_bias(self, whole: Whole, at: ast.AST, scope: Scope) -> bool:
        if self._frozen_before(whole.receiver, at, scope):
            return False
        return self._module(whole.receiver, scope, 0) is True

    def _module(self, expr: ast.expr | None, scope: Scope, depth: int) -> bool | None:
        if expr is None or depth > DEPTH:
            return None
        if scope.tree is not self.tree:
            return self._models.parameters_of(scope.tree)._module(expr, scope, depth) if self._models else None
        if isinstance(expr, ast.Call):
            return self._built(expr, scope, depth)
        if isinstance(expr, ast.Name):
            owner = self.flow.method_owner(expr, scope)
            if owner is not None:
                return self._class(owner)  # the method's receiver, whatever it is named
            return self._variable(expr, scope, depth)
        if isinstance(expr, ast.Attribute):
            return self._attribute(expr, scope, depth)
        return True

    def _variable(self, name: ast.Name, scope: Scope, depth: int) -> bool | None:
        origins = self.flow.origins(name, scope)
        if origins is None:
            return True  # a parameter, an import, a loop variable: presumed a network
        verdicts = [
            True if origin.expr is name else self._module(origin.expr, origin.scope, depth + 1) for origin in origins
        ]
        # A LoRA wrapper or an embedding on any path is enough for silence.
        return _combine(verdicts, any_false=False)

    def _attribute(self, receiver: ast.Attribute, scope: Scope, depth: int) -> bool | None:
        """``self.x``: the verdict on every value ``self.x`` is given in the class."""
        owner = self.flow.method_owner(receiver.value, scope)
        if owner is None:
            return True
        stored = self._stores(owner).get(receiver.attr)
        if not stored:
            return True
        return _combine([self._module(v, s, depth + 1) for v, s, _ in stored], any_false=False)

    def _built(self, call: ast.Call, scope: Scope, depth: int = 0) -> bool | None:
        """The verdict on the module a call returns; a call not understood is presumed a network."""
        func = call.func
        if isinstance(func, ast.Attribute):
            method = self.methods.get(func.attr)
            if isinstance(method, NoBiasAccessor):
                return False
            if isinstance(method, ReturnsReceiver):
                return self._module(func.value, scope, depth + 1)
        if isinstance(self._fact(func), NoBias):
            return False
        layer = self.layers.construction(call)
        if layer is not None and isinstance(layer.spec, Producer):
            return self.layers.bias_state(layer)
        if layer is not None and isinstance(layer.spec, Container) and layer.spec.layers is None and call.args:
            # ``nn.Sequential(nn.Conv2d(c, c, 3, bias=False), nn.PReLU())``: what its elements hold (a list unpacked
            # into it, ``*layers``, is presumed to hold a network)
            verdicts = [True if isinstance(arg, ast.Starred) else self._value(arg, scope) for arg in call.args]
            return True if True in verdicts else (None if None in verdicts else False)
        if isinstance(func, ast.Name):
            owner = self.index.classes.get(func.id)
            if owner is not None:
                return self._class(owner)
        defined = self.flow.definition(func) if self.flow.follows_imports() and self._models else None
        if defined is not None and isinstance(defined[0], ast.ClassDef):
            return self._models.parameters_of(defined[1])._class(defined[0])  # type: ignore[union-attr]  # Net from models/net.py
        return True

    def _fact(self, expr: ast.expr) -> Fact | None:
        name = self.index.imports.resolve(expr)
        return self.facts.get(name) if name else None

    def _frozen_before(self, receiver: ast.expr, at: ast.AST, scope: Scope) -> bool:
        """``receiver.requires_grad_(False)`` earlier in the same function (or module)."""
        lines = self._freezes().get((scope, ast.dump(receiver)), ())
        return any(line <= getattr(at, "lineno", 0) for line in lines)

    def _freezes(self) -> dict[tuple[Scope, str], list[int]]:
        """(scope, frozen module) -> lines of the freezing calls; gathered once per file."""
        if self._freeze_index is None:
            self._freeze_index = {}
            for call, scope in self.index.calls:
                func = call.func
                method = self.methods.get(func.attr) if isinstance(func, ast.Attribute) else None
                if isinstance(method, Freezes):
                    if self.flow.value(self.flow.call_args(call, scope), method.arg) == method.value:
                        key = (scope, ast.dump(func.value))
                        self._freeze_index.setdefault(key, []).append(call.lineno)
        return self._freeze_index

    def _class(self, node: ast.ClassDef) -> bool | None:
        if node not in self._class_verdicts:
            self._class_verdicts[node] = True  # a class that holds itself: presumed a network
            self._class_verdicts[node] = self._class_verdict(node)
        return self._class_verdicts[node]

    def _class_verdict(self, node: ast.ClassDef) -> bool | None:
        """A direct nn.Module subclass is judged by its attributes; any other class is presumed a network."""
        if len(node.bases) != 1 or not isinstance(self._fact(node.bases[0]), ModuleBase):
            return True
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and called_name(inner) in (
                    "add_module", "register_module", "register_parameter", "setattr"):
                return True
        per_attribute = []
        for stored in self._stores(node).values():
            verdicts = [
                None if verdict is True and conditional else verdict
                for verdict, conditional in ((self._value(v, s), c) for v, s, c in stored)
            ]
            per_attribute.append(_combine(verdicts, any_false=None))
        return True if True in per_attribute else (None if None in per_attribute else False)

    def _stores(self, owner: ast.ClassDef) -> dict[str, list[tuple[ast.expr | None, Scope, bool]]]:
        """attribute -> (value, scope, assigned under an ``if``) for every ``self.x = ...`` in the class."""
        if owner not in self._class_stores:
            self._class_stores[owner] = {
                attr: [(value, scope, self._under_if(self.index.parents.get(target), scope)) for value, scope, target in stored]
                for attr, stored in self.flow.attributes_of(owner).items()
            }
        return self._class_stores[owner]

    def _under_if(self, node: ast.AST | None, scope: Scope) -> bool:
        while node is not None and node is not scope.node:
            node = self.index.parents.get(node)
            if isinstance(node, (ast.If, ast.IfExp, ast.Try)):
                return True
        return False

    def _value(self, expr: ast.expr | None, scope: Scope) -> bool | None:
        """The verdict on one value stored as an attribute."""
        if expr is None:
            return True
        if _plain_value(expr, scope, self.flow):
            return False
        if isinstance(expr, ast.Call):
            if isinstance(self._fact(expr.func), ParameterClass):
                return not (expr.args and self._matrix(expr.args[0]))
            return self._built(expr, scope)
        return True  # a module passed in, or anything else: presumed to hold one

    def _matrix(self, expr: ast.expr) -> bool:
        """A tensor built with at least two dimensions: torch.randn(d, r), torch.empty(size=(a, b)) * 0.02."""
        if isinstance(expr, ast.BinOp):
            return self._matrix(expr.left) or self._matrix(expr.right)
        if not isinstance(expr, ast.Call) or not isinstance(self._fact(expr.func), TensorFactory):
            return False
        size = next((k.value for k in expr.keywords if k.arg == "size"), None)
        if size is None and len(expr.args) == 1:
            size = expr.args[0]
        if isinstance(size, (ast.Tuple, ast.List)):
            return len(size.elts) >= 2 and not any(isinstance(e, ast.Starred) for e in size.elts)
        return size is None and len(expr.args) >= 2 and not any(isinstance(a, ast.Starred) for a in expr.args)


def _combine(verdicts: list[bool | None], any_false: bool | None) -> bool | None:
    """Several possible values of one thing: all True is True, all False is False.

    Mixed True and False gives ``any_false``: None where either may hold (an
    attribute set in two branches), False where one bias-free binding is
    reason enough for silence.
    """
    if not verdicts or all(v is True for v in verdicts):
        return True
    if all(v is False for v in verdicts):
        return False
    if None in verdicts:
        return None
    return any_false


def _only_requires_grad(test: ast.Lambda) -> bool:
    params = test.args.args
    return len(params) == 1 and not test.args.vararg and _is_requires_grad(test.body, params[0].arg)


def _is_requires_grad(test: ast.expr, name: str) -> bool:
    return (
        isinstance(test, ast.Attribute) and test.attr == "requires_grad"
        and isinstance(test.value, ast.Name) and test.value.id == name
    )


def _plain_value(expr: ast.expr, scope: Scope, flow: Flow) -> bool:
    """A number, flag or string computed from literals and plain parameters: never a module."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Name):
        return _plain_parameter(expr.id, scope)
    if isinstance(expr, ast.BinOp):
        return _plain_value(expr.left, scope, flow) and _plain_value(expr.right, scope, flow)
    if isinstance(expr, ast.UnaryOp):
        return _plain_value(expr.operand, scope, flow)
    if isinstance(expr, ast.Attribute):  # self.n_hidden: an attribute checked where it is stored
        return flow.method_owner(expr.value, scope) is not None
    return False


def _plain_parameter(name: str, scope: Scope) -> bool:
    """A method parameter annotated as a plain number, flag or string: never a module."""
    method = scope.node
    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    args = method.args
    defaults = parameter_defaults(args)
    for arg in args.args + args.kwonlyargs:
        if arg.arg == name:
            annotated = isinstance(arg.annotation, ast.Name) and arg.annotation.id in ("int", "float", "bool", "str")
            default = defaults.get(name)
            return annotated or (isinstance(default, ast.Constant) and default.value is not None)
    return False
