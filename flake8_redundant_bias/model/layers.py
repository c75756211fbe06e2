"""Which layer an expression builds, and which step a call applies to its input.

A ``Layer`` is one row of the knowledge tables met in the code: the spec, the
call that built it (the place a finding is reported), and its arguments.
Everything that cannot be resolved with certainty resolves to ``None``.
"""

from __future__ import annotations

import ast
from typing import Mapping

from .values import ABSENT, UNKNOWN, Bound, CallArgs, Env, literal, value
from .flow import Flow, resolved
from ..knowledge.torch import TENSOR_METHODS
from ..knowledge import INITIALIZERS, MODULE_LISTS, ORDERED_DICTS
from ..knowledge.schema import Arg, Container, NormBuilder, Producer, Spec, Wrapper
from .index import Index, Scope, method_named, parameter_defaults

HELPER_DEPTH = 4  # helpers calling helpers, followed this deep


class Layer:
    __slots__ = ("name", "spec", "call", "args", "helper", "where", "applied", "direct", "built_by", "site")

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
        self.direct = direct  # ``call``'s own arguments are the row's (over a partial's presets): a fix edits them
        # The function (or class __init__) that ``call`` names and that built the row itself, one level deep:
        # a fix may pass that function a keyword.  None for a row named directly, or built two helpers down.
        self.built_by: ast.FunctionDef | None = None
        self.site: Index | None = None  # with ``built_by``: the module ``call`` is in (the helper may be another's)

    def applied_by(self, call: ast.Call, scope: Scope) -> Layer:
        """The same layer, as one call applies it (``bn(x, training=False)``)."""
        step = Layer(self.name, self.spec, self.call, self.args, self.helper, self.where, self.direct)
        step.built_by, step.site = self.built_by, self.site
        step.applied = call, scope
        return step

    @property
    def short(self) -> str:
        return self.name.rpartition(".")[2]

    @property
    def display(self) -> str:
        if not self.helper:
            return self.short
        return f"{self.short} (built by {self.helper}(){f' in {self.where}' if self.where else ''})"


def bias_state(layer: Layer) -> bool | None:
    """Whether the producer adds a bias: True, False, or None when unknown."""
    spec = layer.spec
    assert isinstance(spec, Producer)
    if spec.functional:
        bound = layer.args.get(spec.bias)
        if bound is ABSENT:
            return spec.bias.default is not None
        if bound is UNKNOWN:
            return None
        return literal(bound, layer.args.flow) is not None  # type: ignore[arg-type]
    found = value(layer.args, spec.bias)
    if isinstance(found, bool):
        return found
    return None


def bias_size(layer: Layer) -> int | None:
    spec = layer.spec
    if not isinstance(spec, Producer) or spec.size is None:
        return None
    found = value(layer.args, spec.size)
    return found if isinstance(found, int) and not isinstance(found, bool) and found > 0 else None


class Resolver:
    def __init__(self, index: Index, specs: Mapping[str, Spec], flow: Flow) -> None:
        self.index = index
        self.specs = specs
        self.flow = flow
        self._classes = ClassModels(index, flow)
        self._returns: dict[ast.FunctionDef, ast.expr | None] = {}
        self._built: dict[ast.Call, Layer | None] = {}  # construction(call) without an environment
        # A same-file class -> (its __init__, the attribute its forward returns applied), or None.
        self._producer_attrs: dict[ast.ClassDef, tuple[ast.FunctionDef, str] | None] = {}

    # ------------------------------------------------------------ building

    def construction(self, call: ast.Call, env: Env | None = None, depth: int = 0) -> Layer | None:
        """The module a call builds: a table row, a wrapped row, or a helper's row."""
        if env is not None or depth:
            return self._construction(call, env, depth)
        if call not in self._built:
            self._built[call] = self._construction(call, None, 0)
        return self._built[call]

    def _construction(self, call: ast.Call, env: Env | None, depth: int) -> Layer | None:
        name = self.index.imports.resolve(call.func)
        spec = self.specs.get(name) if name else None
        if spec is not None:
            if getattr(spec, "functional", False):
                return None
            if isinstance(spec, Wrapper):
                inner = CallArgs.of(call, env).get(spec.module)
                if isinstance(inner, Bound) and isinstance(inner.expr, ast.Call):
                    return self.construction(inner.expr, inner.env, depth)
                return None
            assert name is not None
            return Layer(name, spec, call, self.flow.call_args(call, self.index.scope_at(call), env), direct=env is None)
        if name is not None or depth >= HELPER_DEPTH:
            return None
        if isinstance(call.func, ast.Name):
            helper = self.index.functions.get(call.func.id)
            if helper is not None:
                return self._through_helper(call, helper, env, depth, self)
            owner = self.index.classes.get(call.func.id)
            if owner is not None:
                return self._through_class(call, owner, env, depth, self)
        words = self.flow.words
        defined = self.flow.definition(call.func, words.producers, layer=True) if words and self.flow.project else None
        if defined is not None:
            node, module = defined
            if isinstance(node, ast.ClassDef):
                return self._through_class(call, node, env, depth, module.resolver)
            return self._through_helper(call, node, env, depth, module.resolver)
        func = call.func
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return None
        scope = self.index.scope_at(call)
        if isinstance(func, ast.Name) or self.flow.method_owner(func.value, scope):
            return self._through_value(call, scope, env)  # norm_layer(c), self.norm_layer(c)
        return None

    def _through_value(self, call: ast.Call, scope: Scope, env: Env | None) -> Layer | None:
        """A class held in a variable, attribute or parameter (``norm_layer(c)``), or a ``partial`` of one."""
        origins = self.flow.origins(call.func, scope, env)
        if not origins:
            return None
        found: set[tuple[str, ast.AST | None]] = set()
        for origin in origins:
            target = origin.expr
            if isinstance(target, ast.Constant) and target.value is None:
                continue  # norm_layer=None replaced before the call: calling None would raise
            preset = self.flow.partial_of(origin)
            if preset is not None:
                target = preset.args[0]
            name = resolved(target, origin.scope)
            spec = self.specs.get(name) if name else None
            if spec is None or getattr(spec, "functional", False) or isinstance(spec, (Wrapper, Container)):
                return None
            found.add((name, preset))  # type: ignore[arg-type]
        if len(found) != 1:
            return None  # different classes or presets on different paths
        ((name, preset),) = found
        args = self.flow.call_args(call, scope, env)
        if preset is not None:
            origin = next(o for o in origins if o.expr is preset)
            args = _preset(self.flow.call_args(preset, origin.scope, origin.env), args)
        return Layer(name, self.specs[name], call, args, direct=env is None)  # the call's arguments reach the row

    def _sole_return(self, function: ast.FunctionDef) -> ast.expr | None:
        if function not in self._returns:
            self._returns[function] = _sole_return(function)
        return self._returns[function]

    def _through_helper(
        self, call: ast.Call, helper: ast.FunctionDef, env: Env | None, depth: int, home: Resolver,
    ) -> Layer | None:
        """A function (``home``: the resolver of its module) that returns one producer."""
        returned = home._sole_return(helper)
        if not isinstance(returned, ast.Call):
            return None
        site = self.flow.call_args(call, self.index.scope_at(call), env)
        helper_env = _bind_parameters(helper, site, home.index)
        if helper_env is None:
            return None
        inner = home.construction(returned, helper_env, depth + 1)
        if inner is None or not isinstance(inner.spec, Producer):
            return None
        inner.args = _forward_star_args(returned, helper, site, helper_env, inner.args)
        return self._built_through(inner, call, helper, home)

    def _through_class(
        self, call: ast.Call, owner: ast.ClassDef, env: Env | None, depth: int, home: Resolver,
    ) -> Layer | None:
        """A module class (``home``: the resolver of its module) whose output is one producer's output."""
        attr = home._producer_attribute(owner)
        if attr is None:
            return None
        init, name = attr
        stores = home.flow.attribute_values(owner, name)
        if len(stores) != 1 or not isinstance(stores[0][0], ast.Call) or stores[0][1].node is not init:
            return None
        if home.flow.overridden(owner, name):
            return None
        site = self.flow.call_args(call, self.index.scope_at(call), env)
        init_env = _bind_parameters(init, site, home.index, skip=1)
        if init_env is None:
            return None
        inner = home.construction(stores[0][0], init_env, depth + 1)
        if inner is None or not isinstance(inner.spec, Producer):
            return None
        return self._built_through(inner, call, owner, home, init)

    def _built_through(
        self, inner: Layer, call: ast.Call, through: ast.FunctionDef | ast.ClassDef, home: Resolver,
        init: ast.FunctionDef | None = None,
    ) -> Layer:
        """The layer a helper or class builds, reported at the call that asked for it."""
        if inner.helper:
            return Layer(inner.name, inner.spec, call, inner.args, inner.helper, inner.where or home.flow.shown)
        layer = Layer(inner.name, inner.spec, call, inner.args, through.name, home.flow.shown)
        layer.built_by = init or through  # type: ignore[assignment]
        layer.site = self.index  # a fix edits the call, in this module's text
        return layer

    def _producer_attribute(self, owner: ast.ClassDef) -> tuple[ast.FunctionDef, str] | None:
        """The class's ``__init__`` and the attribute its ``forward`` returns applied (``pad, then conv``)."""
        if owner not in self._producer_attrs:
            init, forward = method_named(owner, "__init__"), method_named(owner, "forward")
            found = self._returned_attribute(forward) if init and forward and owner.bases else None
            self._producer_attrs[owner] = (init, found) if init and found else None
        return self._producer_attrs[owner]

    def _returned_attribute(self, forward: ast.FunctionDef) -> str | None:
        """``return self.conv(...)``, directly or through one variable: the attribute's name."""
        returned = self._sole_return(forward)
        scope = self.index.scope_of.get(forward)
        if returned is None or scope is None:
            return None
        if isinstance(returned, ast.Name):
            origin = self.flow.sole_origin(returned, scope)
            if origin is None:
                return None
            returned = origin.expr
        if isinstance(returned, ast.Call) and isinstance(returned.func, ast.Attribute):
            if self.flow.method_owner(returned.func.value, scope) is not None:
                return returned.func.attr
        return None

    def built(self, expr: ast.expr) -> Layer | None:
        """The module an expression builds: a construction, or a builder's item (``build_norm_layer(...)[1]``)."""
        if isinstance(expr, ast.Call):
            return self.construction(expr)
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Call) and isinstance(expr.slice, ast.Constant):
            call = expr.value
            name = self.index.imports.resolve(call.func)
            spec = self.specs.get(name) if name else None
            if isinstance(spec, NormBuilder) and spec.item is not None and expr.slice.value == spec.item:
                scope = self.index.scope_at(call)
                args = self.flow.call_args(call, scope)
                return self.configured_norm(spec, args.get(spec.cfg), args.get(spec.features), call, scope)
        return None

    def configured_norm(self, spec: NormBuilder, cfg: object, features: object, call: ast.Call, scope: Scope) -> Layer | None:
        """The torch norm a config dict builds, as a layer with the arguments the builder passes it."""
        if not isinstance(cfg, Bound) or not isinstance(features, Bound):
            return None
        entries = self.flow.config(cfg.expr, cfg.scope or scope, cfg.env)
        kind = entries.get("type") if entries else None
        if kind is None:
            return None
        built = dict(spec.types).get(self.flow.constant(kind.expr, kind.scope or scope, kind.env))  # type: ignore[arg-type]
        target = self.specs.get(built) if built else None
        if target is None:
            return None
        # The builder calls cls(num_features, **rest) and GroupNorm(num_channels=..., num_groups=...).
        groups = entries.get(spec.groups)  # type: ignore[union-attr]
        positional = [groups, features] if built == "torch.nn.GroupNorm" and groups is not None else [features]
        args = CallArgs(positional, {}, None, False)
        args.flow = self.flow
        return Layer(built, target, call, args)  # type: ignore[arg-type]

    def element(self, expr: ast.expr, scope: Scope) -> Layer | None:
        """The module an expression stands for, as an element of a container."""
        if isinstance(expr, (ast.Call, ast.Subscript)):
            return self.built(expr)
        if isinstance(expr, ast.Name):
            return self._local(expr, scope)
        if isinstance(expr, ast.Attribute):
            return self._classes.attribute(expr, scope, self)
        return None

    def _local(self, name: ast.Name, scope: Scope) -> Layer | None:
        """A local name bound to one construction and read once on any path through the code.

        ``if bn: layers += [conv, nn.BatchNorm2d(c)] else: layers += [conv]`` reads
        ``conv`` twice, in branches of which one runs: each run uses it once.
        """
        stores, reads = self.index.bindings(scope, name.id)
        if not stores or reads != 1 and (reads > 4 or not self._exclusive_reads(scope, name.id)):
            return None  # used elsewhere too, or bound outside this scope (an import, a global)
        origin = self.flow.sole_origin(name, scope)
        return self.built(origin.expr) if origin is not None and origin.scope.index is self.index else None

    def _exclusive_reads(self, scope: Scope, name: str) -> bool:
        """Every two reads of the name lie in different branches of one ``if``/``else``."""
        events = scope.events.get(name, ())
        if any(event.opaque for event in events):
            return False
        reads = [event.node for event in events if not event.store]
        paths = [self._branches(node, scope.node) for node in reads]
        return all(
            any(first.get(test) not in (None, second.get(test)) for test in first if test in second)
            for i, first in enumerate(paths) for second in paths[i + 1:]
        )

    def _branches(self, node: ast.AST, stop: ast.AST) -> dict[ast.If, str]:
        """Each ``if`` around a node (up to ``stop``), and the branch it is in: "body" or "orelse"."""
        found: dict[ast.If, str] = {}
        child, parent = node, self.index.parents.get(node)
        while parent is not None and parent is not stop:
            if isinstance(parent, ast.If) and child is not parent.test:
                found[parent] = "body" if child in parent.body else "orelse"
            child, parent = parent, self.index.parents.get(parent)
        return found

    # ------------------------------------------------------------ applying

    def application(self, call: ast.Call, scope: Scope) -> Layer | None:
        """The step a call applies to its first argument: functional, or a module built elsewhere."""
        func = call.func
        name = self.index.imports.resolve(func)
        if name is not None:
            spec = self.specs.get(name)
            if spec is not None and getattr(spec, "functional", False):
                return Layer(name, spec, call, self.flow.call_args(call, scope), direct=True)
            return None
        if isinstance(func, ast.Call):
            return self.construction(func)
        if isinstance(func, ast.Name):
            return self._local(func, scope) or self._loop_element(func, scope)
        if isinstance(func, ast.Attribute):
            method = TENSOR_METHODS.get(func.attr)
            if method is not None and call.args:
                return Layer(func.attr, method, call, self.flow.call_args(call, scope))
            return self._classes.attribute(func, scope, self)
        if isinstance(func, ast.Subscript) and isinstance(func.value, ast.Attribute):
            return self._classes.list_element(func.value, scope, self)  # self.norms[i](x)
        return None

    def _loop_element(self, name: ast.Name, scope: Scope) -> Layer | None:
        """``for conv, norm in zip(self.convs, self.norms): ... conv(x)``: an element of a module list."""
        _, reads = self.index.bindings(scope, name.id)
        reaching = self.flow.reaching(name, scope)
        if reads != 1 or reaching is None or len(reaching[1]) != 1:
            return None
        target = reaching[1][0].node
        parent = self.index.parents.get(target)
        position = None
        if isinstance(parent, ast.Tuple) and isinstance(self.index.parents.get(parent), ast.For):
            loop, position = self.index.parents[parent], parent.elts.index(target)  # type: ignore[arg-type]
            if loop.target is not parent:  # type: ignore[attr-defined]
                return None
        elif isinstance(parent, ast.For) and parent.target is target:
            loop = parent
        else:
            return None
        source = loop.iter  # type: ignore[attr-defined]
        if position is not None:
            zipped = isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id == "zip"
            if not zipped or self.index.bindings(self.index.module, "zip")[0] or source.keywords:
                return None
            if len(source.args) != len(parent.elts):  # type: ignore[union-attr]
                return None
            source = source.args[position]
        if not isinstance(source, ast.Attribute):
            return None
        return self._classes.list_element(source, scope, self)

    def is_container_class(self, node: ast.ClassDef) -> bool:
        for base in node.bases:
            name = self.index.imports.resolve(base)
            if name and isinstance(self.specs.get(name), Container):
                return True
        return False


def ordered_elements(call: ast.Call, index: Index, spec: Container | None = None) -> list[ast.expr]:
    """Positional elements, the values of an ``OrderedDict`` given as the only argument, or a list argument's items."""
    if spec is not None and spec.layers is not None:
        given = CallArgs.of(call).get(spec.layers)
        if given is ABSENT:
            return []
        listed = given.expr if isinstance(given, Bound) else None
        return list(listed.elts) if isinstance(listed, (ast.List, ast.Tuple)) else [ast.Starred(listed or call, ast.Load())]
    if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Call):
        inner = call.args[0]
        if index.imports.resolve(inner.func) in ORDERED_DICTS:
            return _ordered_dict_values(inner)
    return list(call.args)


def _ordered_dict_values(call: ast.Call) -> list[ast.expr]:
    if call.keywords and not call.args:
        return [k.value if k.arg is not None else ast.Starred(k.value, ast.Load()) for k in call.keywords]
    if len(call.args) == 1 and isinstance(call.args[0], (ast.List, ast.Tuple)) and not call.keywords:
        values: list[ast.expr] = []
        for item in call.args[0].elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                values.append(item.elts[1])
            else:
                values.append(ast.Starred(item, ast.Load()))  # unknown: a barrier
        return values
    return [ast.Starred(call, ast.Load())]


# ---------------------------------------------------------------- helpers

def _sole_return(function: ast.FunctionDef) -> ast.expr | None:
    """The returned expression of a function whose only return is its last statement.

    Statements only, not nested definitions: a return inside a nested function
    is that function's.  A function that yields as a statement is a generator.
    """
    body = function.body
    if not body or not isinstance(body[-1], ast.Return):
        return None
    pending: list[ast.stmt] = list(body[:-1])
    while pending:
        stmt = pending.pop()
        if isinstance(stmt, ast.Return):
            return None
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            return None
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody"):
            pending.extend(getattr(stmt, name, ()))
        for handler in getattr(stmt, "handlers", ()) or getattr(stmt, "cases", ()):
            pending.extend(handler.body)
    return body[-1].value


def _bind_parameters(helper: ast.FunctionDef, site: CallArgs, index: Index, skip: int = 0) -> Env | None:
    """Map the helper's parameters to what the call passed; a re-bound parameter is unknown.

    ``skip``: leading parameters the call does not pass (``self`` of ``__init__``).
    """
    args = helper.args
    scope = index.scope_of.get(helper)
    if scope is None:
        return None
    positional = (args.posonlyargs + args.args)[skip:]
    defaults = parameter_defaults(args)
    values: dict[str, Bound | object] = {param.arg: UNKNOWN for param in (args.posonlyargs + args.args)[:skip]}
    for position, param in enumerate(positional + args.kwonlyargs):
        stores, _ = index.bindings(scope, param.arg)
        if len(stores) != 1 or param.arg in scope.escaped:
            values[param.arg] = UNKNOWN
            continue
        where = Arg(param.arg, position if position < len(positional) else None)
        if param in args.posonlyargs:
            where = Arg("\0", position)
        bound = site.get(where)
        if bound is ABSENT:
            default = defaults.get(param.arg)
            bound = Bound(default, None) if default is not None else UNKNOWN
        values[param.arg] = bound
    for star in (args.vararg, args.kwarg):
        if star is not None:
            values[star.arg] = UNKNOWN
    return Env(values, None)


def _forward_star_args(returned: ast.Call, helper: ast.FunctionDef, site: CallArgs, env: Env, args: CallArgs) -> CallArgs:
    """``return nn.Conv2d(*args, **kwargs)`` inside a helper passes on what its caller gave."""
    vararg = helper.args.vararg.arg if helper.args.vararg else None
    kwarg = helper.args.kwarg.arg if helper.args.kwarg else None
    if vararg is None and kwarg is None:
        return args
    positional: list[Bound] = []
    open_from: int | None = None
    named = len(helper.args.posonlyargs + helper.args.args)
    for expr in returned.args:
        if isinstance(expr, ast.Starred):
            if isinstance(expr.value, ast.Name) and expr.value.id == vararg and open_from is None:
                positional.extend(site.positional[named:])
                if site.open_from is not None:
                    open_from = len(positional)
            elif open_from is None:
                open_from = len(positional)
        elif open_from is None:
            positional.append(Bound(expr, env))
    keywords: dict[str, Bound] = {}
    open_keywords = False
    parameters = {a.arg for a in helper.args.posonlyargs + helper.args.args + helper.args.kwonlyargs}
    for keyword in returned.keywords:
        if keyword.arg is not None:
            keywords[keyword.arg] = Bound(keyword.value, env)
        elif isinstance(keyword.value, ast.Name) and keyword.value.id == kwarg:
            keywords.update({k: v for k, v in site.keywords.items() if k not in parameters})
            open_keywords = open_keywords or site.open_keywords
        else:
            open_keywords = True
    forwarded = CallArgs(positional, keywords, open_from, open_keywords)
    forwarded.flow = site.flow
    return forwarded


# ---------------------------------------------------------------- self.<attr>

class ClassModels:
    """How often ``self.x`` is applied in its class: a module applied once has one output to follow."""

    def __init__(self, index: Index, flow: Flow) -> None:
        self.index = index
        self.flow = flow
        self._uses: dict[tuple[ast.ClassDef, str], int] | None = None

    def _count(self) -> dict[tuple[ast.ClassDef, str], int]:
        uses: dict[tuple[ast.ClassDef, str], int] = {}
        for load, scope in self.index.attribute_loads:
            owner = self.flow.method_owner(load.value, scope)
            if owner is None:
                continue
            parent = self.index.parents.get(load)
            if isinstance(parent, ast.Attribute) and parent.value is load:
                continue  # self.conv.weight: a read of the module's state, not a use of its output
            if self._initialized(load, parent):
                continue
            key = (owner, load.attr)
            uses[key] = uses.get(key, 0) + 1
        return uses

    def _initialized(self, load: ast.Attribute, parent: ast.AST | None) -> bool:
        """``xavier_init(self.conv)``, ``nn.init.zeros_(self.bn.weight)``: set up, never run."""
        if not isinstance(parent, ast.Call) or load not in parent.args:
            return False
        name = self.index.imports.resolve(parent.func)
        return name is not None and (name in INITIALIZERS or name.rpartition(".")[0] in INITIALIZERS)

    def _single_store(self, expr: ast.Attribute, scope: Scope) -> tuple[ast.ClassDef, ast.expr, Scope] | None:
        """``self.x`` assigned one value, applied once, and not re-assigned by a subclass."""
        if self._uses is None:
            self._uses = self._count()
        owner = self.flow.method_owner(expr.value, scope)
        if owner is None or self._uses.get((owner, expr.attr), 0) != 1:
            return None
        stores = self.flow.attribute_values(owner, expr.attr)
        if len(stores) != 1 or stores[0][0] is None or self.flow.overridden(owner, expr.attr):
            return None
        value, store_scope = stores[0]
        return owner, value, store_scope  # type: ignore[return-value]

    def attribute(self, expr: ast.Attribute, scope: Scope, resolver: Resolver) -> Layer | None:
        """The module ``self.x`` holds, when built once, used once, and not overridden."""
        found = self._single_store(expr, scope)
        if found is None:
            return None
        _, value, store_scope = found
        origin = self.flow.sole_origin(value, store_scope)
        if origin is None or origin.scope.index is not self.index:
            return None  # unknown, or a module built in another file: no position here to report
        if isinstance(value, ast.Name):
            _, reads = self.index.bindings(store_scope, value.id)
            if reads != 1:
                return None  # the module is also used through the local name
        return resolver.built(origin.expr)

    def list_element(self, expr: ast.Attribute, scope: Scope, resolver: Resolver) -> Layer | None:
        """The one layer every element of ``self.x = nn.ModuleList(...)`` is built as, when used once."""
        found = self._single_store(expr, scope)
        if found is None:
            return None
        owner, value, store_scope = found
        sites = self._list_sites(value, store_scope, resolver)
        grown = self._appended(owner, expr.attr)
        if sites is None or grown is None or len(sites + grown) != 1:
            return None
        return resolver.built((sites + grown)[0])

    def _list_sites(self, value: ast.expr | None, scope: Scope, resolver: Resolver) -> list[ast.expr] | None:
        if isinstance(value, ast.List):
            return list(value.elts)
        if not isinstance(value, ast.Call) or self.index.imports.resolve(value.func) not in MODULE_LISTS or value.keywords:
            return None
        if not value.args:
            return []
        (given,) = value.args if len(value.args) == 1 else (None,)
        if isinstance(given, ast.List):
            return list(given.elts)
        if isinstance(given, ast.ListComp) and len(given.generators) == 1 and not given.generators[0].ifs:
            return [given.elt]  # one site builds every element
        return None

    def _appended(self, owner: ast.ClassDef, attr: str) -> list[ast.expr] | None:
        """``self.x.append(layer)`` in the class: the sites; None if grown any other way."""
        found: list[ast.expr] = []
        for call, scope in self.index.calls:
            func = call.func
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr == attr):
                continue
            if self.flow.method_owner(func.value.value, scope) is not owner:
                continue
            if func.attr != "append" or len(call.args) != 1 or call.keywords:
                return None
            found.append(call.args[0])
        return found


def _preset(preset: CallArgs, args: CallArgs) -> CallArgs:
    """``partial(cls, *a, **k)(*b, **j)`` calls ``cls(*a, *b, **k, **j)``."""
    positional = preset.positional[1:] + args.positional if preset.open_from is None else preset.positional[1:]
    open_from = preset.open_from - 1 if preset.open_from is not None else (
        None if args.open_from is None else len(preset.positional) - 1 + args.open_from
    )
    merged = CallArgs(positional, {**preset.keywords, **args.keywords}, open_from, preset.open_keywords or args.open_keywords)
    merged.flow = args.flow
    return merged
