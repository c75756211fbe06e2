"""Functions and their calls: who calls a function, what its parameters hold, and what it returns.

One rule binds a call's arguments to a function's parameters (``parameter_arg``),
whether the question is about one call (``bind``: a helper evaluated with the
arguments of the call that asked for it) or about all of them (``parameter``:
the values a parameter takes over every visible call of its function).
"""

from __future__ import annotations

import ast
import weakref
from functools import partial
from typing import TYPE_CHECKING, Callable


from ...knowledge.schema import Arg, BuildsClass
from ..index import Index, Scope, method_named, parameter_defaults
from ..values import ABSENT, UNKNOWN, Bound, CallArgs, Env, Keywords, Origin
from .spreads import keyword_sets

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Questions

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
Place = tuple[str, "Arg | None", "ast.expr | None"]  # a parameter's name, where a call passes it, its default
NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
STATEMENT_LISTS = ("body", "orelse", "finalbody")


class Calls:
    __slots__ = ("index", "_callers", "_returns", "_plans", "_built", "_sites", "_spreads", "_parameters", "_delegated")

    def __init__(self, index: Index) -> None:
        self.index = index
        self._callers: dict[str, list[tuple[ast.Call, Scope]] | None] = {}
        self._built: dict[ast.Call, BuildsClass] = {}  # a builder's call (timm's build_model_with_cfg) -> its row
        self._sites: dict[ast.Call, list[CallArgs]] = {}  # each parameter of a callee asks again of the same calls
        self._spreads: dict[ast.expr, list[dict] | None] = {}  # a call's ``**`` spread -> the keyword sets it may pass
        self._returns: dict[ast.AST, ast.expr | None] = {}
        self._plans: dict[tuple[ast.AST, int], tuple] = {}  # (function, skip) -> what binding a call to it reads
        # A parameter's values over its function's calls, read without a binding: the same each time it is asked
        # (blocks read for several calls each ask of the helpers they call).
        self._parameters: dict[tuple[ast.arg, int, str], list[Origin] | None] = {}
        self._delegated: dict[tuple[ast.AST, Env], Env | None] = {}  # (method, the bound call's env) -> its own env

    # ------------------------------------------------------------ binding

    def bind(self, function: ast.FunctionDef, site: CallArgs, skip: int = 0, defaults: bool = True) -> Env | None:
        """The function's parameters bound to what one call passed; a re-bound parameter is unknown.

        ``skip``: leading parameters the call does not pass (``self`` of ``__init__``); ``defaults``: whether one
        the call does not pass holds its default (else it is unknown: a call the analysis imagines, passing one
        class to read what it builds, decides nothing else).
        """
        plan = self._plans.get((function, skip))
        if plan is None:
            plan = self._plans[(function, skip)] = self._plan(function, skip)
        scope, places, rebound = plan
        if scope is None:
            return None
        values: dict[str, Bound | object] = {}
        for name, place, default in places:
            if place is None:
                values[name] = UNKNOWN
                continue
            bound = site.get(place)
            if bound is ABSENT:
                bound = Bound(default, None) if default is not None and defaults else UNKNOWN
            values[name] = bound
        kwarg = function.args.kwarg
        if kwarg is not None and not site.open_keywords and kwarg.arg not in rebound:
            named = {place.keyword for _, place, _ in places if place is not None}
            values[kwarg.arg] = Keywords({key: bound for key, bound in site.keywords.items() if key not in named})
        return Env(values, scope, rebound)

    def delegated(self, flow: Questions, scope: Scope, env: Env) -> Env | None:
        """The arguments a private method runs with when the function ``env`` binds is the one that calls it
        (``self._make_layer(block, norm_layer)`` in an ``__init__`` read for one call of its class): each
        parameter that every call of it passes alike, read under ``env``; None when another method calls it."""
        method = _method_scope(scope)
        bound = getattr(env.scope, "node", None)
        if method is None or method.node is bound or method.parent is None:
            return None
        owner, function = method.parent.node, method.node
        name = function.name  # type: ignore[attr-defined]
        if bound not in owner.body or not name.startswith("_") or name.endswith("__"):  # type: ignore[attr-defined]
            return None
        key = (function, env)  # the env kept alive with its answer: an id could be reused
        if key not in self._delegated:
            calls = self._method_calls(flow, owner, name) or []  # type: ignore[arg-type]
            inside = bool(calls) and all(call_scope is env.scope for _, call_scope in calls)
            envs = [
                self.bind(function, flow.call_args(call, env.scope, env), skip=1)  # type: ignore[arg-type]
                for call, _ in calls
            ] if inside else []
            self._delegated[key] = _agreed(flow, envs) if envs and None not in envs else None  # type: ignore[arg-type]
        return self._delegated[key]

    def _plan(self, function: ast.FunctionDef, skip: int) -> tuple[Scope | None, list[Place], frozenset[str]]:
        """What binding a call to the function reads, the same for every call: each parameter's name, its place
        (None: unknown whatever the call passes, as ``self``, ``*args``, or a name a ``global`` lets escape), its
        default; and the parameters it assigns again (the bindings reaching each read decide, the call's among them)."""
        args = function.args
        scope = self.index.scope_of.get(function)
        if scope is None:
            return None, [], frozenset()
        defaults = parameter_defaults(args)
        places: list[Place] = [
            (param.arg, None, None) for param in (args.posonlyargs + args.args)[:skip]
        ]
        rebound = set()
        for param in (args.posonlyargs + args.args)[skip:] + args.kwonlyargs:
            if param.arg in scope.escaped:
                places.append((param.arg, None, None))
                continue
            stores, _ = self.index.bindings(scope, param.arg)
            if len(stores) != 1:
                rebound.add(param.arg)
            places.append((param.arg, parameter_arg(function, param, skip), defaults.get(param.arg)))
        places += [(star.arg, None, None) for star in (args.vararg, args.kwarg) if star is not None]
        return scope, places, frozenset(rebound)

    def parameter(self, flow: Questions, param: ast.arg, depth: int, note: str) -> list[Origin] | None:
        """A parameter's values over every visible call of its function (at least one)."""
        key = (param, depth, note)
        if key not in self._parameters:
            self._parameters[key] = self._parameter(flow, param, depth, note)
        found = self._parameters[key]
        return None if found is None else list(found)

    def _parameter(self, flow: Questions, param: ast.arg, depth: int, note: str) -> list[Origin] | None:
        function = self.index.parents.get(param)
        if not isinstance(function, FUNCTIONS):
            return None
        inner = self.index.scope_of.get(function)
        outer = inner.parent if inner is not None else None
        if outer is None:
            return None
        calls, skip = self._calls_of(flow, function, outer)
        if calls is None:
            return None
        where = parameter_arg(function, param, skip)
        if where is None:
            return None  # self, *args or **kwargs: not a value the calls pass one by one
        default = parameter_defaults(function.args).get(param.arg)
        found: list[Origin] = []
        defaulted = False
        # Never called in its file: what it does with its defaults (a call from elsewhere may pass others).
        sites = [
            (args, call_scope) for call, call_scope in calls for args in self.site_args(flow, call, call_scope)
        ] if calls else [(CallArgs([], {}), outer)]
        for args, call_scope in sites:
            given = args.get(where)
            if given is UNKNOWN:
                # Model(**vars(args)): the parameter is what the spread holds under its name, if anything.
                spread = flow.spread_value(param.arg)
                if spread is None:
                    return None
                found += spread
                continue
            if given is ABSENT:
                if default is None:
                    return None
                if defaulted:
                    continue  # the default is one value, however many calls leave it
                defaulted = True
                where_named = getattr(outer.node, "name", None) if function.name == "__init__" else function.name
                origins = flow.origins_at(default, outer, None, depth + 1, f"{DEFAULT_NOTE}{param.arg} in {where_named}()")
            else:
                read_in = given.scope or call_scope  # type: ignore[union-attr]
                origins = flow.origins_at(given.expr, read_in, given.env, depth + 1, note)  # type: ignore[union-attr]
            if origins is None:
                return None
            found += origins
        return found

    def site_args(self, flow: Questions, call: ast.Call, scope: Scope) -> list[CallArgs]:
        """What one call passes its callee, once for each set of keywords its ``**`` spreads may hold (the call
        as written when one is unknown); for a builder's call, what the builder passes the class it builds.
        (Read, never changed: the answer is kept for the call.)"""
        found = self._sites.get(call)
        if found is None:
            found = self._sites[call] = self._site_args(flow, call, scope)
        return found

    def _site_args(self, flow: Questions, call: ast.Call, scope: Scope) -> list[CallArgs]:
        built = self._built.get(call)
        keywords = [k for k in call.keywords if built is None or k.arg not in built.consumes]
        spreads = [k.value for k in keywords if k.arg is None]
        sets: list[dict] | None = [{}]
        for spread in spreads:
            inner = self._spread_sets(flow, spread, scope)
            sets = None if inner is None or sets is None else [{**a, **b} for a in sets for b in inner]
        named = {k.arg: Bound(k.value, None, scope) for k in keywords if k.arg is not None}
        if built is None:
            if not spreads or sets is None:
                return [CallArgs.of(call)]
            positional = [Bound(a, None, scope) for a in call.args]
            return [CallArgs(positional, {**each, **named}) for each in sets]
        unknown = dict.fromkeys(built.sets, UNKNOWN)
        if sets is None:
            return [CallArgs([], {**named, **unknown}, None, True)]
        return [
            CallArgs([], {**{k: v for k, v in each.items() if k not in built.consumes}, **named, **unknown})
            for each in sets
        ]

    def _known_spread(self, flow: Questions, scope: Scope, spread: ast.expr) -> bool:
        return flow.spreads_values(spread) or self._spread_sets(flow, spread, scope) is not None

    def _spread_sets(self, flow: Questions, spread: ast.expr, scope: Scope) -> list[dict] | None:
        """The keyword sets a call's ``**`` spread may pass, None when unknown (asked once: by ``callers``, whether
        the call is one to follow, and by ``site_args``, what it passes)."""
        if spread not in self._spreads:
            self._spreads[spread] = keyword_sets(flow, partial(self._calls_of, flow), spread, scope)
        return self._spreads[spread]

    def _calls_of(self, flow: Questions, function: ast.AST, scope: Scope) -> tuple[list[tuple[ast.Call, Scope]] | None, int]:
        """Every call of a module-level function, or of a module-level class for its ``__init__``."""
        index = self.index
        name = getattr(function, "name", "")
        if scope is index.module and index.functions.get(name) is function:
            return self.callers(flow, name), 0
        owner = scope.node
        if name == "__init__" and isinstance(owner, ast.ClassDef) and index.classes.get(owner.name) is owner:
            return self.callers(flow, owner.name), 1
        # A private method (``_construct``): its class calls it; a public one the framework or other code calls with
        # anything (``forward``), but for one only its own ``__init__`` calls (CycleGAN's ``build_conv_block``).
        plain = not name.endswith("__") and not getattr(function, "decorator_list", None)
        if plain and isinstance(owner, ast.ClassDef) and function in owner.body:
            calls = self._method_calls(flow, owner, name)
            if name.startswith("_") or calls and all(_in_init(call_scope, owner) for _, call_scope in calls):
                return calls or None, 1
        if isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)) and function in owner.body:
            return _local_calls(self.index, scope, name), 0  # ``def block(...)`` inside ``__init__``, called there
        return None, 0

    def _method_calls(self, flow: Questions, owner: ast.ClassDef, name: str) -> list[tuple[ast.Call, Scope]] | None:
        """The calls of a method through the receiver of its class's methods (``self._construct(dim, norm)``
        in ``__init__``), when every use of the name in the file is such a call (``obj._construct``, or
        ``super()._construct`` in a subclass, may pass anything)."""
        key = f"{owner.name}.{name}"
        if key in self._callers:
            return self._callers[key]
        family = flow.descendants(owner)

        def related(receiver: ast.ClassDef | None) -> bool:
            """A receiver whose call may run this method: the class's, a subclass's, or a base's."""
            return receiver is None or receiver in family or owner in flow.descendants(receiver)

        found: list[tuple[ast.Call, Scope]] | None = []
        for call, scope in self.index.calls:
            func = call.func
            if type(func) is not ast.Attribute or func.attr != name:
                continue
            receiver = flow.method_owner(func.value, scope)
            if not related(receiver):
                continue  # another class's own method of the same name
            if receiver is None or _opened(call, partial(self._known_spread, flow, scope)):
                found = None
                break
            found.append((call, scope))
        loads = sum(
            1 for load, scope in self.index.attribute_loads if found is not None and load.attr == name
            and related(flow.method_owner(load.value, scope))
        )
        if found is not None and loads != len(found):
            found = None  # the method read some other way than called: handed on, it may be called with anything
        self._callers[key] = found
        return found

    def callers(self, flow: Questions, name: str) -> list[tuple[ast.Call, Scope]] | None:
        """The calls of a module-level name, when every use of it in the file is a plain call."""
        if name in self._callers:
            return self._callers[name]
        module = self.index.module
        found: list[tuple[ast.Call, Scope]] | None = []
        if name in module.escaped or any(e.store for e in module.events.get(name, ())):
            found = None
        self._callers[name] = None  # asked again while answering (a spread handed round in a circle): unknown
        for event in module.events.get(name, ()) if found is not None else ():
            call = self.index.parents.get(event.node)
            if _names_class_for_super(call, event.node):
                continue  # super(Block, self).__init__(): the class's own initialisation
            if isinstance(call, ast.Attribute) and call.attr in _static_methods(self.index, name):
                continue  # Model.add_model_specific_args(parser): no instance is built
            if isinstance(call, ast.ClassDef) and event.node in call.bases:  # a subclass: its calls are this one's
                calls = _inherited_calls(self.index, call, event.node, partial(self.callers, flow))
            else:
                called = self.index.called_by(event.node) or self._builder_of(flow, event.node)
                calls = None if called is None else [(called, self.index.scope_at(called))]
            if calls is None or any(_opened(called, partial(self._known_spread, flow, scope)) for called, scope in calls):
                found = None
                break
            found += calls
        self._callers[name] = found
        return found

    def _builder_of(self, flow: Questions, node: ast.AST) -> ast.Call | None:
        """The call of a builder that builds the class a name passes it (timm's ``build_model_with_cfg(Model, ...)``)."""
        call = self.index.parents.get(node)
        if type(call) is not ast.Call:
            return None
        fact = flow.fact(call.func, self.index.scope_at(call))
        if not isinstance(fact, BuildsClass):
            return None
        place = fact.cls
        given = call.args[place.position] if place.position is not None and place.position < len(call.args) else next(
            (k.value for k in call.keywords if k.arg == place.keyword), None)
        if given is not node:
            return None
        self._built[call] = fact
        return call

    # ------------------------------------------------------------ returning

    def sole_return(self, function: ast.AST) -> ast.expr | None:
        """The returned expression of a function whose only return is its last statement, and which never yields.

        The function's own body only: a ``return`` or ``yield`` inside a nested
        function, class or lambda is that one's.
        """
        if function not in self._returns:
            # Only a function whose text spells "yield" can be a generator: the others' expressions are not walked.
            self._returns[function] = _sole_return(function, self.index.spells(function, ("yield",)))
        return self._returns[function]


def _opened(call: ast.Call, known: Callable[[ast.expr], bool]) -> bool:
    """The call passes what cannot be told apart: a ``*`` spread, or a ``**`` spread that is not ``known`` (``**dd``
    of ``dd = {"device": device, "dtype": dtype}`` is; so is ``**vars(args)``, whose values are read by name)."""
    return any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None and not known(k.value) for k in call.keywords
    )


def _method_scope(scope: Scope) -> Scope | None:
    """The scope of the method a scope is in (itself, or the method around a comprehension or lambda in it)."""
    found: Scope | None = scope
    while found is not None and found.parent is not None:
        if isinstance(found.node, FUNCTIONS) and isinstance(found.parent.node, ast.ClassDef):
            return found
        found = found.parent
    return None


def _in_init(scope: Scope, owner: ast.ClassDef) -> bool:
    return scope.node is method_named(owner, "__init__")


def _agreed(flow: Questions, envs: list[Env]) -> Env:
    """One environment for several calls: a parameter they all pass alike keeps its value, any other is unknown."""
    first = envs[0]
    values = {
        name: value if all(flow.same_value(value, other.values.get(name)) for other in envs[1:]) else UNKNOWN
        for name, value in first.values.items()
    }
    return Env(values, first.scope, first.rebound)


def parameter_arg(function: ast.FunctionDef | ast.AsyncFunctionDef, param: ast.arg, skip: int = 0) -> Arg | None:
    """Where a call passes ``param`` (its keyword, and its position after ``skip`` leading ones); None for
    a skipped one (``self``) and for ``*args``/``**kwargs``."""
    return _places(function, skip).get(param)


# function -> skip -> each parameter's place: a block read for many calls binds the same function again and again.
# Kept only while the function's tree lives: a cache holding the trees of the files linted before kept every one
# of their nodes alive, and each of flake8's full garbage collections traversed them all.
_PLACES: weakref.WeakKeyDictionary[ast.AST, dict[int, dict[ast.arg, Arg]]] = weakref.WeakKeyDictionary()
DEFAULT_NOTE = "the default of "  # how a value a parameter's default gives is named


def _places(function: ast.FunctionDef | ast.AsyncFunctionDef, skip: int) -> dict[ast.arg, Arg]:
    by_skip = _PLACES.get(function)
    if by_skip is None:
        by_skip = _PLACES[function] = {}
    found = by_skip.get(skip)
    if found is None:
        args, found = function.args, {}
        for position, param in enumerate(args.posonlyargs + args.args):
            if position >= skip:
                found[param] = Arg(param.arg if position >= len(args.posonlyargs) else "\0", position - skip)
        for param in args.kwonlyargs:
            found[param] = Arg(param.arg, None)
        by_skip[skip] = found
    return found


def _sole_return(function: ast.AST, may_yield: bool) -> ast.expr | None:
    body = getattr(function, "body", None)
    if not isinstance(body, list) or not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    last = body[-1]
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, NESTED):
            continue
        if isinstance(node, (ast.Yield, ast.YieldFrom)) or isinstance(node, ast.Return) and node is not last:
            return None
        if may_yield:
            pending.extend(ast.iter_child_nodes(node))
        else:  # statements only: a return is one
            pending.extend(child for field in STATEMENT_LISTS for child in getattr(node, field, ()))
            handlers = getattr(node, "handlers", ()) or getattr(node, "cases", ())
            pending.extend(child for handler in handlers for child in handler.body)
    return last.value


def _static_methods(index: Index, name: str) -> set[str]:
    owner = index.classes.get(name)
    if owner is None:
        return set()
    return {
        s.name for s in owner.body if isinstance(s, ast.FunctionDef)
        and any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in s.decorator_list)
    }


def _inherited_calls(
    index: Index, subclass: ast.ClassDef, base: ast.AST, callers: Callable[[str], list[tuple[ast.Call, Scope]] | None],
) -> list[tuple[ast.Call, Scope]] | None:
    """The calls of a base class's ``__init__`` that a subclass of the module makes: its own calls, when it has no
    ``__init__`` (``class Single(OutputMixin, Multiscale): pass``, mixins of the module without one of their own
    before the base), else its ``super().__init__(...)``; None when unknown (another base first, or a call of the
    base's ``__init__`` written another way)."""
    before = subclass.bases[:subclass.bases.index(base)]  # type: ignore[arg-type]
    if index.classes.get(subclass.name) is not subclass or subclass.keywords or not all(_plain_mixin(index, b) for b in before):
        return None
    init = method_named(subclass, "__init__")
    if init is None:
        return None if _defines_init(subclass) else callers(subclass.name)
    found = []
    for call, scope in index.calls_inside(init):
        func = call.func
        if type(func) is ast.Attribute and func.attr == "__init__":
            owner = func.value
            if not (type(owner) is ast.Call and type(owner.func) is ast.Name and owner.func.id == "super"
                    and not owner.args and scope.node is init):
                return None  # Base.__init__(self, ...), super(Other, self), or from a nested function
            found.append((call, scope))
    return found


def _plain_mixin(index: Index, base: ast.expr) -> bool:
    """A class of the module with no base and no ``__init__``: the next class's ``__init__`` takes its calls."""
    mixin = index.classes.get(base.id) if type(base) is ast.Name else None
    return mixin is not None and not mixin.bases and not _defines_init(mixin)


def _defines_init(cls: ast.ClassDef) -> bool:
    """The class body defines ``__init__`` (once or more: ``method_named`` answers only for once)."""
    return any(isinstance(s, ast.FunctionDef) and s.name == "__init__" for s in cls.body)


def _names_class_for_super(call: ast.AST | None, node: ast.AST) -> bool:
    return (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "super"
        and len(call.args) == 2 and call.args[0] is node
    )


def _local_calls(index: Index, scope: Scope, name: str) -> list[tuple[ast.Call, Scope]] | None:
    """The calls of a function defined in another one's body (PyTorch-GAN's ``def block(in_feat, out_feat,
    normalize=True)`` in ``__init__``), when it is defined there once and every read of its name there calls it."""
    if sum(1 for stmt in scope.node.body if isinstance(stmt, FUNCTIONS) and stmt.name == name) != 1:  # type: ignore[attr-defined]
        return None
    calls = []
    for event in scope.events.get(name, ()):
        call = index.parents.get(event.node)
        if event.store or event.opaque or type(call) is not ast.Call or call.func is not event.node:  # type: ignore[union-attr]
            return None
        calls.append((call, scope))
    return calls or None
