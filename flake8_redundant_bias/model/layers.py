"""Which layer a call builds: a row of the knowledge met in the code, directly or through a helper.

A ``Layer`` is one row met in the code: the row, the call that built it (the
place a finding is reported), and its arguments.  A call builds a row when it
names one (``nn.Conv2d(...)``), wraps one (``spectral_norm(nn.Conv2d(...))``),
calls a class held in a variable or a ``partial`` (``norm_layer(c)``), or calls
a helper or a module class of the project whose output is one row's output
(``conv3x3(c, c)``), read with that call's arguments bound.  Everything that
cannot be resolved with certainty resolves to ``None``.
"""

from __future__ import annotations

import ast
import copy
from typing import TYPE_CHECKING, Iterator, Mapping, Protocol

from ..knowledge.schema import ClassLookup, Container, Norm, NormBuilder, Producer, Spec, Transparent, Wrapper
from .flow.arguments import forwarded, preset
from .flow.calls import DEFAULT_NOTE
from .flow.lookups import given_class, one_class
from .flow.service import Flow
from .gates import Words
from .centering import centering_norm
from .class_input import class_steps, none_for_call
from .index import Index, Scope, method_named
from .values import ABSENT, UNKNOWN, UNRECORDED, Bound, CallArgs, Env, Origin, is_literal

HELPER_DEPTH = 4  # helpers calling helpers, followed this deep


class Layer:
    __slots__ = (
        "name", "spec", "call", "args", "helper", "where", "applied", "direct", "built_by", "site", "built_in", "inside",
        "built_at", "origin", "alternatives", "chosen", "leading", "reached_from", "path", "parallel", "placed",
    )

    def __init__(
        self, name: str, spec: Spec, call: ast.Call, args: CallArgs, helper: str | None = None, where: str = "",
        direct: bool = False,
    ) -> None:
        self.name = name  # qualified, e.g. torch.nn.Conv2d
        self.spec = spec
        self.call = call  # where it is built (modules) or applied (functional)
        self.args = args
        self.helper = helper  # the project's function or class it was built through
        self.where = where  # the module that helper is in, when not the linted file
        self.applied: tuple[ast.Call, Scope] | None = None  # the call applying a module, in a flow chain
        self.reached_from: ast.AST | None = None  # with ``applied``: the call whose output the chain brought here
        self.direct = direct  # ``call``'s own arguments are the row's (over a partial's presets): a fix edits them
        # The function (or class __init__) that ``call`` names and that built the row itself, one level deep:
        # a fix may pass that function a keyword.  None for a row named directly, or built two helpers down.
        self.built_by: ast.FunctionDef | None = None
        self.site: ast.AST | None = None  # the tree of the module ``call`` is in
        self.built_in: ast.AST | None = None  # with ``built_by``: the tree of the module defining it
        self.inside = False  # one of several layers a block builds (its call reported), not the block's output
        self.built_at: ast.Call | None = None  # with ``inside``: the call inside the block that builds it
        self.origin = ""  # with ``inside``, for a layer of a block inside the block: where it is built ("line 94")
        # The other classes the same call may build, on other paths (``conv, bn = (nn.Conv3d, nn.BatchNorm3d) if
        # three_d else (nn.Conv2d, nn.BatchNorm2d)``): of one kind, each read with the same arguments.
        self.alternatives: tuple[tuple[str, Spec], ...] = ()
        self.chosen = ""  # how the class was picked, when by a parameter's default ("the default of norm_layer in X()")
        self.leading: tuple[Layer, ...] = ()  # a norm class's steps before its norm: a 1x1 convolution in yolov7's Conv
        # A class whose input is read in several places: the norm on each other path, with the steps before it (a
        # CSP block's ``torch.cat((self.conv1(x), self.conv2(x)), 1)``, each a 1x1 conv and its norm).
        self.parallel: tuple[tuple[Layer, tuple[Layer, ...]], ...] = ()
        # With ``inside``: the test under which the call builds this block, one of two a conditional expression
        # chooses (``block_cls = FusedMBConv if fused else MBConv``), and whether it holds on that side.
        self.path: tuple[ast.expr, bool] | None = None
        # As a container's element named where it is put in (``if use_bn: layers.append(bn)``): that name.
        self.placed: ast.AST | None = None

    def placed_at(self, element: ast.AST | None) -> Layer:
        """The same layer, as a container's element put in by a name read there."""
        step = copy.copy(self)
        step.placed = element
        return step

    def applied_by(self, call: ast.Call, scope: Scope) -> Layer:
        """The same layer, as one call applies it (``bn(x, training=False)``)."""
        step = Layer(self.name, self.spec, self.call, self.args, self.helper, self.where, self.direct)
        step.built_by, step.site, step.built_in = self.built_by, self.site, self.built_in
        step.applied, step.alternatives, step.chosen, step.leading = (call, scope), self.alternatives, self.chosen, self.leading
        step.parallel = self.parallel
        return step

    def every(self) -> Iterator[Layer]:
        """The layer, and the same call building each of its alternatives."""
        yield self
        for name, spec in self.alternatives:
            other = Layer(name, spec, self.call, self.args, self.helper, self.where, self.direct)
            other.built_by, other.site, other.built_in, other.applied = self.built_by, self.site, self.built_in, self.applied
            other.inside, other.built_at, other.origin, other.leading = self.inside, self.built_at, self.origin, self.leading
            other.parallel = self.parallel
            yield other

    def bias_argument(self) -> Bound | None:
        """What a producer's construction passes as its bias switch; None when it leaves the default (or is no
        producer)."""
        bound = self.args.get(self.spec.bias) if isinstance(self.spec, Producer) else None
        return bound if isinstance(bound, Bound) else None

    @property
    def short(self) -> str:
        """Its class's name, or the names of the classes it may be (``SyncBatchNorm or BatchNorm2d``)."""
        return " or ".join(name.rpartition(".")[2] for name in (self.name, *(name for name, _ in self.alternatives)))

    @property
    def display(self) -> str:
        if not self.helper:
            return self.short
        how = "inside" if self.inside else "built by"
        return f"{self.short} ({how} {self.helper}(){f' in {self.where}' if self.where else ''}" \
            f"{f', built at {self.origin}' if self.origin else ''})"


if TYPE_CHECKING:  # an interface, for the types only

    class Models(Protocol):
        """The project's other modules, as this service reaches them (the composition root answers)."""

        def layers_of(self, tree: ast.AST) -> Layers: ...


class Layers:
    def __init__(
        self, index: Index, rows: Mapping[str, Spec], flow: Flow, words: Words | None, models: Models | None,
        ambient: tuple[Scope, Env] | None = None,
    ) -> None:
        """``words``: the module's gates (what another module's definition must spell to be read as a layer);
        ``ambient``: a function read for one call of it, whose constructions see that call's arguments."""
        self.index = index
        self._ambient = ambient
        self.tree = index.module.node
        self.rows = rows
        self.flow = flow
        self._words = words
        self._models = models
        self._built: dict[ast.Call, Layer | None] = {}  # construction(call) without an environment

    def row(self, expr: ast.expr) -> tuple[str | None, Spec | None]:
        """The qualified name an expression means here, and its row."""
        name = self.index.imports.resolve(expr)
        return name, self.rows.get(name) if name else None

    # ------------------------------------------------------------ a layer's bias

    def bias_state(self, layer: Layer) -> bool | None:
        """Whether the producer adds a bias: True, False, or None when unknown."""
        spec = layer.spec
        assert isinstance(spec, Producer)
        if spec.functional:
            bound = layer.args.get(spec.bias)
            if bound is ABSENT:
                return spec.bias.default is not None
            if bound is UNKNOWN:
                return None
            return self.flow.literal(bound) is not None  # type: ignore[arg-type]
        found = self.flow.value(layer.args, spec.bias)
        return found if isinstance(found, bool) else None

    def bias_size(self, layer: Layer) -> int | None:
        spec = layer.spec
        if not isinstance(spec, Producer) or spec.size is None:
            return None
        UNRECORDED.append(True)  # a count for the message: what is found does not depend on it
        try:
            found = self.flow.value(layer.args, spec.size)
        finally:
            UNRECORDED.pop()
        return found if isinstance(found, int) and not isinstance(found, bool) and found > 0 else None

    # ------------------------------------------------------------ building

    def construction(self, call: ast.Call, env: Env | None = None, depth: int = 0) -> Layer | None:
        """The module a call builds: a table row, a wrapped row, or a helper's row."""
        if env is None and self._ambient is not None:
            env = self._in_ambient(call)
        if env is not None or depth:
            return self._construction(call, env, depth)
        if call not in self._built:
            self._built[call] = self._construction(call, None, 0)
        return self._built[call]

    def _construction(self, call: ast.Call, env: Env | None, depth: int) -> Layer | None:
        name, spec = self.row(call.func)
        if spec is not None:
            if getattr(spec, "functional", False):
                return None
            if isinstance(spec, NormBuilder):  # build_norm_layer(cfg, c)[1] is read as an item (``built``)
                return _built_norm(self, spec, call, env) if spec.item is None else None
            if isinstance(spec, Wrapper):
                inner = CallArgs.of(call, env).get(spec.module)
                if isinstance(inner, Bound) and isinstance(inner.expr, ast.Call):
                    return self.construction(inner.expr, inner.env, depth)
                return None
            assert name is not None
            return self._layer(name, spec, call, self.flow.call_args(call, self.index.scope_at(call), env), env is None)
        if name is not None or depth >= HELPER_DEPTH:
            return None
        if isinstance(call.func, ast.Name):
            helper = self.index.functions.get(call.func.id)
            if helper is not None:
                return self._through_helper(call, helper, env, depth, self)
            owner = self.index.classes.get(call.func.id)
            if owner is not None:
                return self._through_class(call, owner, env, depth, self)
        defined = self._defined(call.func)
        if defined is not None:
            node, home = defined
            if isinstance(node, ast.ClassDef):
                return self._through_class(call, node, env, depth, home)
            return self._through_helper(call, node, env, depth, home)
        func = call.func
        if not isinstance(func, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
            return None
        scope = self.index.scope_at(call)
        owner = self.flow.method_owner(func.value, scope) if isinstance(func, ast.Attribute) else None
        method = own_method(self.flow, owner, func.attr) if owner is not None else None  # type: ignore[union-attr]
        if method is not None:  # self.build_up(): a method of the class returning one layer
            return self._through_helper(call, method[0], env, depth, self, method[1])
        if not isinstance(func, ast.Attribute) or owner is not None:
            return self._through_value(call, scope, env, depth)  # norm_layer(c), self.norm_layer(c), make_norm()(c)
        return None

    def of_module(self, tree: ast.AST) -> Layers | None:
        """The service of another module of the project."""
        return self._models.layers_of(tree) if self._models is not None else None

    @property
    def bound(self) -> bool:
        """Read for one call of a function (its arguments bound)."""
        return self._ambient is not None

    def environment(self, node: ast.AST) -> Env | None:
        """The arguments of the call a function is read for, where ``node`` is inside that function; else None."""
        return self._in_ambient(node) if self._ambient is not None else None

    def never_runs(self, node: ast.AST) -> bool:
        """The node sits in a branch the call a function is read for decides against (read for no call: False)."""
        env = self.environment(node)
        return env is not None and self.flow.runs(node, env.scope, env) is False  # type: ignore[arg-type]

    def _in_ambient(self, node: ast.AST) -> Env | None:
        """The bound call's environment, for a construction inside the function it binds."""
        function, env = self._ambient  # type: ignore[misc]
        scope = self.index.scope_at(node)
        return env if self.index.under(scope, function.node) else self.flow.delegated(scope, env)

    def _layer(self, name: str, spec: Spec, call: ast.Call, args: CallArgs, direct: bool) -> Layer:
        layer = Layer(name, spec, call, args, direct=direct)
        layer.site = self.tree
        return layer

    def _defined(self, func: ast.expr) -> tuple[ast.FunctionDef | ast.ClassDef, Layers] | None:
        """A helper or class of another module of the project that may build a layer."""
        if self._words is None or self._models is None or not self.flow.follows_imports():
            return None
        found = self.flow.definition(func, self._words.layers, layer=True)
        if found is None:
            return None
        return found[0], self._models.layers_of(found[1])

    def _through_value(self, call: ast.Call, scope: Scope, env: Env | None, depth: int) -> Layer | None:
        """A class held in a variable, attribute or parameter (``norm_layer(c)``), or a ``partial`` of one; also one
        a function of the module returns (``norm = make_norm(); norm(c)``), and a class of the project a name of
        this module holds on every path (``BatchNorm2d = SynchronizedBatchNorm2d``)."""
        origins = self._returned(self.flow.origins(call.func, scope, env)) or _alias(self, call.func, scope)
        if not origins:
            return None
        held = _held_class(self, origins)
        if held is not None:
            return self._through_class(call, held[0], env, depth, held[1])
        found: set[tuple[str, ast.AST | None]] = set()
        origins = [o for o in origins if not is_literal(o.expr, None)]
        for origin in origins:  # (a None is norm_layer=None replaced before the call: calling None would raise)
            presets = self.flow.partial_of(origin)
            for name in _class_names(self, origin, presets) or [None]:
                spec = self.rows.get(name) if name else None
                if spec is None or getattr(spec, "functional", False) or isinstance(spec, (Wrapper, Container)):
                    return None
                found.add((name, presets))  # type: ignore[arg-type]
        if len(found) != 1:
            return self._alternatives(found, call, scope, env)
        ((name, presets),) = found
        args = self.flow.call_args(call, scope, env)
        if presets is not None:
            origin = next(o for o in origins if o.expr is presets)
            args = preset(self.flow.call_args(presets, origin.scope, origin.env), args)
        layer = self._layer(name, self.rows[name], call, args, env is None)  # the call's arguments reach the row
        layer.chosen = _default_note(origins)
        return layer

    def _returned(self, origins: list[Origin] | None) -> list[Origin] | None:
        """The origins, each call of a function of its module replaced by what the function returns."""
        if not origins or not any(type(origin.expr) is ast.Call for origin in origins):
            return origins
        found: list[Origin] = []
        words = self._words.layers if self._words is not None else ()  # a factory of another module names a layer
        for origin in origins:
            returned = None
            if type(origin.expr) is ast.Call and self.flow.partial_of(origin) is None:
                returned = self.flow.returned(origin.expr, origin.scope, origin.env, words)  # type: ignore[arg-type]
            found += returned if returned is not None else [origin]
        return found

    def _alternatives(
        self, found: set[tuple[str, ast.AST | None]], call: ast.Call, scope: Scope, env: Env | None,
    ) -> Layer | None:
        """A call of a class that differs by path: one layer standing for each, when every one is a norm, or every
        one a producer building no norm of its own, given the call's own arguments.  ``partial`` presets change
        them, so they are read only where no argument matters: every class a norm that cancels whatever it is given
        (``partial(nn.BatchNorm2d, affine=True)`` or ``partial(nn.InstanceNorm2d, affine=False)``, as a string
        factory returns for a name it is not told)."""
        names = sorted({name for name, _ in found})
        if any(not _harmless(presets) for _, presets in found) and not all(_unconditional(self.rows[n]) for n in names):
            return None
        kinds = {type(self.rows[name]) for name in names}
        kind = kinds.pop() if len(kinds) == 1 else None
        # (steps that keep a constant per channel whatever they are given: a max pool of the input's rank)
        if kind is None or not issubclass(kind, (Producer, Norm, Transparent)) or kind is Transparent and any(
                self.rows[name].when is not None for name in names):  # type: ignore[union-attr]
            return None
        if any(getattr(self.rows[name], "norm", None) is not None for name in names):
            return None  # a conv-and-norm block: its norm is one alternative's only
        layer = self._layer(names[0], self.rows[names[0]], call, self.flow.call_args(call, scope, env), env is None)
        layer.alternatives = tuple((name, self.rows[name]) for name in names[1:])
        return layer

    def _through_helper(
        self, call: ast.Call, helper: ast.FunctionDef, env: Env | None, depth: int, home: Layers, skip: int = 0,
    ) -> Layer | None:
        """A function (``home``: the service of its module; ``skip``: the parameters a method's call does not pass)
        that returns one producer, also one return of several that the call's arguments pick (``get_norm("bn", c)``
        returning ``nn.BatchNorm2d(c)`` under ``if kind == "bn":``)."""
        returned = home.flow.sole_return(helper)
        site = self.flow.call_args(call, self.index.scope_at(call), env)
        helper_env = home.flow.bind(helper, site, skip)
        if helper_env is None:
            return None
        if returned is None:
            returns = home.flow.live_returns(helper, helper_env)
            returned = returns[0] if returns is not None and len(returns) == 1 else None
        if isinstance(returned, ast.IfExp):  # ``NORMS[name](c) if name in NORMS else None``: the side the call takes
            taken = home.flow.origins(returned, home.index.scope_of[helper], helper_env)
            returned = taken[0].expr if taken and len(taken) == 1 else None
        if not isinstance(returned, ast.Call):
            return None
        inner = home.construction(returned, helper_env, depth + 1)
        if inner is None or not isinstance(inner.spec, (Producer, Norm)):
            return None
        inner.args = forwarded(returned, helper, site, helper_env, inner.args)
        return built_through(self, inner, call, helper, home)

    def _through_class(self, call: ast.Call, owner: ast.ClassDef, env: Env | None, depth: int, home: Layers) -> Layer | None:
        """A module class (``home``: the service of its module) whose output is one producer's output, maybe past
        steps that keep its bias (``return self.drop(self.fc2(x))``, ``Dropout(0)``); one whose input meets a norm
        first, or a bias-free 1x1 convolution and then a norm, read as that norm (``class_input``); or a norm
        class of the framework that it derives from."""
        subclassed = _subclassed_norm(home, owner) or centering_norm(home.index, home.flow, home.rows, owner)
        if subclassed is not None:  # ``class MyBN(nn.BatchNorm2d)``: the call's arguments are the base's
            return self._layer(*subclassed, call, self.flow.call_args(call, self.index.scope_at(call), env), env is None)
        steps = home._class_steps(owner)
        if steps is None:
            return None
        init, outputs, inputs, readers = steps
        init_env = home.flow.bind(init, self.flow.call_args(call, self.index.scope_at(call), env), skip=1)
        if init_env is None:
            return None
        for name, optional in outputs:
            if optional and none_for_call(home.flow, owner, init, name, init_env):
                continue  # ``if self.norm is not None: x = self.norm(x)``, with no norm for this call
            inner = _held(home, owner, init, name, init_env, depth)
            if inner is not None and isinstance(inner.spec, Producer):
                return built_through(self, inner, call, owner, home, init)
            keeps = inner is not None and isinstance(inner.spec, Transparent)
            if not keeps or home.flow.holds(inner.spec.when, inner.args) is not True:  # type: ignore[union-attr]
                break
        paths = _reader_norms(home, owner, init, readers, init_env, depth) if readers else None
        if paths is not None:  # the input read in several places, a norm on each path
            norm = built_through(self, paths[0][0], call, owner, home, init)
            norm.leading, norm.parallel = paths[0][1], tuple(paths[1:])
            return norm
        first = _held(home, owner, init, inputs[0], init_env, depth) if inputs else None
        if first is not None and isinstance(first.spec, Norm):
            return built_through(self, first, call, owner, home, init)
        pointwise = first is not None and isinstance(first.spec, Producer) and len(inputs) > 1
        second = _held(home, owner, init, inputs[1], init_env, depth) if pointwise else None
        if second is not None and isinstance(second.spec, Norm):
            # A 1x1 convolution on the way: the rule asks whether it passes the incoming bias on as a constant.
            norm = built_through(self, second, call, owner, home, init)
            norm.leading = (first,)
            return norm
        return None

    def _class_steps(self, owner: ast.ClassDef) -> tuple[ast.FunctionDef, list[tuple[str, bool]], list[str], list[str]] | None:
        """The class's ``__init__`` and the attributes its ``forward`` applies: from its output in, from its input
        out, and to its input read in several places (``class_input``); None for a class with none, or without a
        base (no module)."""
        kept = self.index.derived("class steps", dict)  # the same in every read of a block for one call
        if owner not in kept:
            init = method_named(owner, "__init__")
            found = class_steps(self.flow, self.index, owner) if init and owner.bases else None
            kept[owner] = (init, *found) if init and found and any(found) else None
        return kept[owner]

    # ------------------------------------------------------------ built from a config

    def built(self, expr: ast.expr) -> Layer | None:
        """The module an expression builds: a construction, or a builder's item (``build_norm_layer(...)[1]``)."""
        if isinstance(expr, ast.Call):
            return self.construction(expr)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Call) and isinstance(expr.slice, ast.Constant):
            call = expr.value
            _, spec = self.row(call.func)
            if isinstance(spec, NormBuilder) and spec.item is not None and expr.slice.value == spec.item:
                return _built_norm(self, spec, call, None)
        return None

    def is_container_class(self, node: ast.ClassDef) -> bool:
        return any(isinstance(self.row(base)[1], Container) for base in node.bases)


def _held(layers: Layers, owner: ast.ClassDef, init: ast.FunctionDef, name: str, init_env: Env, depth: int) -> Layer | None:
    """The layer ``__init__`` stores in ``self.<name>`` for one call (``init_env``), when it stores one there once
    and no subclass of the file stores another."""
    stores = layers.flow.attribute_values(owner, name)
    if not stores or any(not isinstance(value, ast.Call) or scope.node is not init for value, scope in stores):
        return None
    if layers.flow.overridden(owner, name):
        return None
    if len(stores) == 1:
        return layers.construction(stores[0][0], init_env, depth + 1)
    return _norm_by_branch(layers, stores, init_env, depth)  # type: ignore[arg-type]


def _reader_norms(
    layers: Layers, owner: ast.ClassDef, init: ast.FunctionDef, readers: list[str], init_env: Env, depth: int,
) -> list[tuple[Layer, tuple[Layer, ...]]] | None:
    """The norm each attribute the input is given to applies first, with the block it passes on the way: a norm, or
    a block with a norm of its own right after its producer (a 1x1 ``ConvModule``, whose bias-free conv the rule
    asks to pass a constant on); None when one is neither."""
    found = []
    for name in readers:
        held = _held(layers, owner, init, name, init_env, depth)
        if held is not None and isinstance(held.spec, Norm):
            found.append((held, ()))
            continue
        norm = own_norm(layers, held) if held is not None and isinstance(held.spec, Producer) else None
        if norm is None:
            return None
        found.append((norm, (held,)))
    return found  # type: ignore[return-value]


def _norm_by_branch(layers: Layers, stores: list[tuple[ast.Call, Scope]], env: Env, depth: int) -> Layer | None:
    """SPADE's ``if kind == "instance": self.norm = nn.InstanceNorm2d(c, affine=False)`` ``elif kind == "batch":
    self.norm = nn.BatchNorm2d(c, affine=False)``: one norm or another, built with the same arguments by each branch
    that may run, read as one layer with the others as its alternatives (each must cancel the bias)."""
    live = [call for call, scope in stores if layers.flow.runs(call, scope, env) is not False]
    # (the arguments and keywords each call passes, its class left out)
    if not live or len({ast.dump(ast.Call(ast.Constant(None), call.args, call.keywords)) for call in live}) != 1:
        return None
    built = [layers.construction(call, env, depth + 1) for call in live]
    if not all(layer is not None and isinstance(layer.spec, Norm) for layer in built):
        return None
    first = built[0]
    names = {layer.name: layer.spec for layer in built}  # type: ignore[union-attr]  # (a vendored SyncBN reads as BatchNorm2d)
    first.alternatives = tuple((name, spec) for name, spec in names.items() if name != first.name)  # type: ignore[union-attr]
    return first


def transparent(flow: Flow, layer: Layer | None) -> bool:
    """A step that keeps a constant per channel for the arguments it is given."""
    return layer is not None and isinstance(layer.spec, Transparent) and flow.holds(layer.spec.when, layer.args) is True


def built_by_store(layers: Layers, value: ast.expr, scope: Scope) -> Layer | None:
    """The layer a value stored on the object builds (``self.conv = conv``, ``self.add_module(name, conv)``): what its
    one origin builds, when that is in this module."""
    origin = layers.flow.sole_origin(value, scope, layers.environment(value))
    if origin is None or origin.scope.tree is not layers.index.module.node:
        return None
    return layers.built(origin.expr)


def built_through(
    layers: Layers, inner: Layer, call: ast.Call, through: ast.FunctionDef | ast.ClassDef, home: Layers,
    init: ast.FunctionDef | None = None,
) -> Layer:
    """The layer a helper or class (``home``: the service of its module) builds, reported at the call that asked for it."""
    if inner.helper:
        layer = Layer(inner.name, inner.spec, call, inner.args, inner.helper, inner.where or home.flow.shown)
        layer.alternatives = inner.alternatives
    else:
        layer = Layer(inner.name, inner.spec, call, inner.args, through.name, home.flow.shown)
        layer.alternatives = inner.alternatives
        layer.built_by = init or through  # type: ignore[assignment]
        layer.built_in = home.tree
    layer.site = layers.tree  # a fix edits the call, in this module's text
    return layer


def own_method(flow: Flow, owner: ast.ClassDef, name: str) -> tuple[ast.FunctionDef, int] | None:
    """A method the class defines and no class of the file deriving from it redefines, and how many leading
    parameters a call through the instance does not pass (``self``; none for a static method)."""
    method = method_named(owner, name)
    if method is None or any(method_named(sub, name) for sub in flow.descendants(owner)[1:]):
        return None
    decorators = {d.id if isinstance(d, ast.Name) else "" for d in method.decorator_list}
    if not decorators <= {"staticmethod", "classmethod"}:
        return None  # a property, a cached or wrapped method: not a plain call of its body
    return method, 0 if "staticmethod" in decorators else 1


def bias_off_by_default(layer: Layer) -> bool:
    """A block left to its default bias that is on only without a norm (``bias=None`` of torchvision's
    ``Conv2dNormActivation``, ``bias="auto"`` of mmcv's ``ConvModule``): its own norm never meets a bias."""
    spec = layer.spec
    bias = spec.bias if isinstance(spec, Producer) else None
    return bias is not None and not isinstance(bias.default, bool) and layer.args.get(bias) is ABSENT


def own_norm(layers: Layers, layer: Layer) -> Layer | None:
    """The norm a block applies right after its own producer (mmcv's ``ConvModule(..., norm_cfg=dict(type="BN"))``,
    timm's ``ConvNormAct``), if the block's arguments build one there."""
    slot = getattr(layer.spec, "norm", None)
    if slot is None:
        return None
    flow = layers.flow
    if slot.order is not None:
        order = flow.value(layer.args, slot.order)
        if not isinstance(order, tuple) or not any(order[i:i + 2] == slot.adjacent for i in range(len(order) - 1)):
            return None
    if flow.holds(slot.when, layer.args) is not True:
        return None
    size = layer.args.get(layer.spec.size) if layer.spec.size else None  # type: ignore[union-attr]
    cfg = layer.args.get(slot.cfg)
    if cfg is ABSENT and slot.builder.held is not None:
        cfg = slot.cfg.default  # the class the block builds when given none
    return configured_norm(layers, slot.builder, cfg, size, layer.call, layers.index.scope_at(layer.call))


def _built_norm(layers: Layers, spec: NormBuilder, call: ast.Call, env: Env | None) -> Layer | None:
    """The norm a builder's call builds, from the config and channel count it passes."""
    scope = layers.index.scope_at(call)
    args = layers.flow.call_args(call, scope, env)
    return configured_norm(layers, spec, args.get(spec.cfg), args.get(spec.features), call, scope)


def configured_norm(
    layers: Layers, spec: NormBuilder, cfg: object, features: object, call: ast.Call, scope: Scope,
) -> Layer | None:
    """The norm a builder builds from its config (a dict's ``type``, or a class or its name: ``create_norm_layer(
    "batchnorm2d", c)``), as a layer with the arguments the builder passes it."""
    if spec.held is not None:
        return _held_norm(layers, spec.held, cfg, features, call)
    if not isinstance(cfg, Bound) or not isinstance(features, Bound):
        return None
    flow = layers.flow
    entries = flow.config(cfg.expr, cfg.scope or scope, cfg.env)
    kind = entries.get("type") if entries else None
    if kind is None:
        return None
    value = flow.constant(kind.expr, kind.scope or scope, kind.env)
    built = dict(spec.types).get(value)  # type: ignore[arg-type]
    target = layers.rows.get(built) if built else None
    if target is None:
        return None
    # The builder calls cls(num_features, **rest), and a grouped norm with its group count first.
    groups = entries.get(spec.groups) if entries else None
    positional = [groups, features] if built in spec.grouped and groups is not None else [features]
    layer = layers._layer(built, target, call, CallArgs(positional, {}, None, False), False)  # type: ignore[arg-type]
    layer.chosen = _default_note(flow.origins(cfg.expr, cfg.scope or scope, cfg.env))
    return layer


def _held_norm(layers: Layers, lookup: ClassLookup, cfg: object, features: object, call: ast.Call) -> Layer | None:
    """The norm a block builds from the class it is given (``cfg``: its argument, or the qualified name of its
    default), looked up as the block looks it up.  A ``partial``'s presets are not read: through one, only a norm
    that cancels whatever it is given is."""
    if not isinstance(features, Bound):
        return None
    flow = layers.flow
    if isinstance(cfg, Bound):
        scope = cfg.scope or layers.index.scope_at(call)
        origins = layers._returned(flow.origins(cfg.expr, scope, cfg.env)) or []
        built = one_class(flow, lookup, origins)
    else:
        origins = []
        built = given_class(lookup, cfg) if isinstance(cfg, str) else None
    target = layers.rows.get(built) if isinstance(built, str) else None
    if target is None or not _unconditional(target) and any(flow.partial_of(origin) for origin in origins):
        return None
    layer = layers._layer(built, target, call, CallArgs([features], {}, None, False), False)  # type: ignore[arg-type]
    layer.chosen = _default_note(origins)
    return layer


def _alias(layers: Layers, func: ast.expr, scope: Scope) -> list[Origin] | None:
    """``BatchNorm2d = SynchronizedBatchNorm2d`` at module level, read where the module does not bind it again:
    the name it holds, whose value (a class of another module) the value flow does not follow."""
    module = layers.index.module
    if type(func) is not ast.Name or layers.index.home(func.id, scope) is not module:
        return None
    store = layers.index.single_binding(module, func.id)
    assign = layers.index.parents.get(store) if store is not None else None
    if not isinstance(assign, ast.Assign) or len(assign.targets) != 1 or type(assign.value) is not ast.Name:
        return None
    return [Origin(assign.value, module)]


def _held_class(layers: Layers, origins: list[Origin]) -> tuple[ast.ClassDef, Layers] | None:
    """The class of the project that the one origin names, in this module or imported from another."""
    if len(origins) != 1 or origins[0].scope.tree is not layers.tree or type(origins[0].expr) is not ast.Name:
        return None
    name = origins[0].expr
    if layers.row(name)[0] is not None or layers.index.bound(name.id, origins[0].scope):
        return None  # a framework's class (read as its row), or a variable of the function
    owner = layers.index.classes.get(name.id)
    if owner is not None:
        return owner, layers
    defined = layers._defined(name)
    return defined if defined is not None and isinstance(defined[0], ast.ClassDef) else None  # type: ignore[return-value]


# What a subclass of a norm may define and still normalize as its base does: how it is set up, checked, described.
_UNCHANGED = frozenset({"__init__", "_check_input_dim", "extra_repr", "reset_parameters", "reset_running_stats"})


def _subclassed_norm(layers: Layers, owner: ast.ClassDef) -> tuple[str, Norm] | None:
    """The framework norm a class of the project derives from, when the class changes nothing it computes (no
    ``forward``, no ``train``); with an ``__init__`` of its own, only a norm that cancels whatever its arguments,
    as the class's parameters need not be the base's.  A vendored synchronized batch norm, or a class of its
    module deriving from one, is a batch norm too."""
    if not _one_plain_base(owner):
        return None
    base = owner.bases[0]
    name, spec = layers.row(base)
    if spec is None:
        own = _synchronized(layers, owner)
        if own is not None:
            return own  # the vendored class itself, known by its own ``forward``
        parent = layers.index.classes.get(base.id) if type(base) is ast.Name else None
        inherited = _synchronized(layers, parent) if parent is not None else None
        if inherited is None:
            return None
        name, spec = inherited
    if not isinstance(spec, Norm) or spec.functional:
        return None
    methods = {node.name for node in owner.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if not methods <= _UNCHANGED or "__init__" in methods and not _unconditional(spec):
        return None
    return name, spec  # type: ignore[return-value]


# vacancy/Synchronized-BatchNorm-PyTorch's ``_SynchronizedBatchNorm``, copied into many projects (semantic-segmentation-
# pytorch, pytorch-deeplab-xception): a ``_BatchNorm`` whose ``forward`` is ``F.batch_norm`` unless it trains on
# several devices, where it subtracts the mean over all of them; its DataParallel hooks name it.
_SYNCHRONIZED = frozenset({"forward", "__data_parallel_replicate__", "_data_parallel_master"})
_BATCH_NORM = "torch.nn.BatchNorm2d"  # its rows for every dimension alike: a channel norm over axis 1


def _synchronized(layers: Layers, owner: ast.ClassDef) -> tuple[str, Norm] | None:
    """The batch norm a vendored synchronized batch norm class is, when ``owner`` is one."""
    if not _one_plain_base(owner):
        return None
    if layers.index.imports.resolve(owner.bases[0]) != "torch.nn._BatchNorm":  # torch.nn.modules.batchnorm
        return None
    methods = {node.name: node for node in owner.body if isinstance(node, ast.FunctionDef)}
    if not _SYNCHRONIZED <= methods.keys():
        return None
    body = methods["forward"].body
    first = body[0] if body else None
    fallback = first.body[0] if isinstance(first, ast.If) and len(first.body) == 1 else None
    if not isinstance(fallback, ast.Return) or not isinstance(fallback.value, ast.Call):
        return None  # not ``if not (self._is_parallel and self.training): return F.batch_norm(...)``
    if layers.index.imports.resolve(fallback.value.func) != "torch.nn.functional.batch_norm":
        return None
    spec = layers.rows.get(_BATCH_NORM)
    return (_BATCH_NORM, spec) if isinstance(spec, Norm) else None


def _one_plain_base(owner: ast.ClassDef) -> bool:
    """One base, no metaclass or keyword, no decorator: what the class computes is its base's and its own body's."""
    return len(owner.bases) == 1 and not owner.keywords and not owner.decorator_list


def _class_names(layers: Layers, origin: Origin, presets: ast.Call | None) -> list[str] | None:
    """The framework classes an origin means; of a ``partial``, those its first argument may hold
    (``norm_layer = partial(norm_layer, affine=affine)``, over what ``norm_layer`` held before)."""
    target = presets.args[0] if presets is not None else origin.expr
    name = layers.flow.class_name(target, origin.scope, origin.env)
    if name is not None or presets is None or type(target) is not ast.Name:
        return [name] if name is not None else None
    held = layers._returned(layers.flow.origins(target, origin.scope, origin.env)) or []
    names = [layers.flow.class_name(o.expr, o.scope, o.env) for o in held if layers.flow.partial_of(o) is None]
    return names if held and len(names) == len(held) and None not in names else None  # type: ignore[return-value]


def _harmless(presets: ast.AST | None) -> bool:
    """No ``partial``, or one presetting only what never decides whether a norm cancels a bias (``partial(norm,
    affine=affine)``: a learned scale and shift come after the mean is taken away)."""
    return presets is None or isinstance(presets, ast.Call) and len(presets.args) == 1 and all(
        keyword.arg in HARMLESS_PRESETS for keyword in presets.keywords)


HARMLESS_PRESETS = frozenset({"affine", "eps", "momentum"})


def _unconditional(spec: Spec) -> bool:
    """A norm that cancels a conv's bias whatever its arguments: no condition, channel count, axis or mode."""
    return isinstance(spec, Norm) and spec.when is None and spec.features is None and spec.axis is None and spec.mode is None


def _default_note(origins: list[Origin] | None) -> str:
    """How a parameter's default picked a class or a config, if one did (``the default of norm_layer in X()``)."""
    return next((origin.note for origin in origins or () if origin.note.startswith(DEFAULT_NOTE)), "")
