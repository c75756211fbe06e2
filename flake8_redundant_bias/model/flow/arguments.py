"""A call's arguments, and what literal value each one holds.

``nn.Conv2d(c, c, 3, **dd)`` with ``dd = dict(device=device, dtype=dtype)`` passes
``device`` and ``dtype`` by keyword: a dict whose keys are written out, and that is
only ever spread, is spread into the call's keywords.  ``functools.partial`` presets
and a helper's ``*args``/``**kwargs`` handed on are merged in the same terms.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING


from ...knowledge.schema import REQUIRED, AllOf, AnyOf, Arg, ArgIn, Condition, SameArgs
from ..index import Index, Scope
from ..values import ABSENT, UNKNOWN, Bound, CallArgs, Env, Keywords, Origin, pure, resolve

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Questions


class Arguments:
    __slots__ = ("index",)

    def __init__(self, index: Index) -> None:
        self.index = index

    # ------------------------------------------------------------ spreading dicts

    def call_args(self, flow: Questions, call: ast.Call, scope: Scope, env: Env | None) -> CallArgs:
        """A call's arguments (read in this module), with ``**d`` of a dict whose keys are known spread into keywords."""
        args = CallArgs.of(call, env, scope)
        if not args.open_keywords:
            return args
        for keyword in call.keywords:
            if keyword.arg is not None:
                continue
            entries = flow.dict_entries(keyword.value, scope, env)
            if entries is None:
                return args
            for key, value in entries.items():
                args.keywords.setdefault(key, value)
        args.open_keywords = False
        return args

    def dict_entries(
        self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None, passed: bool,
    ) -> dict[str, Bound] | None:
        """``dd = dict(device=device, dtype=dtype)`` or ``{"device": ...}``, never changed.

        A dict held in a name must only ever be spread (``**dd``), or with
        ``passed``, also passed as an argument (a config given to a builder).
        """
        if isinstance(expr, ast.Name) and env is not None and expr.id not in env.rebound:
            held = env.lookup(expr.id)
            if isinstance(held, Keywords):  # a ``**kwargs`` the call being read fills, only ever handed on
                return dict(held) if self._only_passed(flow, expr, scope, passed) else None
        origin = self.dict_origin(flow, expr, scope, env, passed)
        if origin is None:
            return None
        built = origin.expr
        entries: dict[str, Bound] = {}
        if isinstance(built, ast.Dict):
            for key, value in zip(built.keys, built.values):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    return None
                entries[key.value] = Bound(value, origin.env, origin.scope)
            return entries
        if (isinstance(built, ast.Call) and isinstance(built.func, ast.Name) and built.func.id == "dict" and not built.args
                and flow.flow_of(origin.scope).builtin("dict", origin.scope)):
            for keyword in built.keywords:
                if keyword.arg is None:
                    return None
                entries[keyword.arg] = Bound(keyword.value, origin.env, origin.scope)
            return entries
        return None

    def dict_origin(self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None, passed: bool) -> Origin | None:
        """Where a dict held in a name or ``self.x`` is built, when nothing can change it after: every read of it
        spreads it (``**d``) or, with ``passed``, hands it to a call."""
        if isinstance(expr, ast.Name) and env is None and not self._only_passed(flow, expr, scope, passed):
            return None
        if isinstance(expr, ast.Attribute) and not self._attribute_only_passed(flow, expr, scope, passed):
            return None
        return flow.sole_origin(expr, scope, env)

    def table(self, flow: Questions, name: ast.expr, scope: Scope, env: Env | None) -> dict[str, Bound] | None:
        """A lookup table nothing changes (``NORMS = {"bn2d": nn.BatchNorm2d, "ln": nn.LayerNorm}``): every read of
        its name looks an entry up (``NORMS[name]``), asks for a key (``name in NORMS``) or spreads it."""
        home = flow.flow_of(scope)
        if home is not flow:
            return home.table(name, scope, env)
        if not isinstance(name, ast.Name) or env is not None and env.lookup(name.id) is not None:
            return None  # a parameter: the caller's dict, which the callee's reads say nothing of
        stores, _ = self.index.bindings(self.index.home(name.id, scope), name.id)
        if len(stores) != 1 or type(getattr(self.index.parents.get(stores[0].node), "value", None)) is not ast.Dict:
            return None  # (most names looked into are bound once to no dict: told apart before their reads are)
        if not self._only_passed(flow, name, scope, False, looked_up=True):
            return None
        origin = flow.sole_origin(name, scope, env)
        if origin is None or not isinstance(origin.expr, ast.Dict):
            return None
        return self.dict_entries(flow, origin.expr, origin.scope, origin.env, False)

    def _only_passed(self, flow: Questions, name: ast.Name, scope: Scope, passed: bool, looked_up: bool = False) -> bool:
        """Every read of the dict's name is a ``**`` spread (or an argument): nothing can add a key to it.
        ``looked_up``: an entry looked up (``d[k]``) changes nothing either."""
        found = flow.reaching(name, scope)
        if found is None:
            return False
        home, _ = found
        # (A read from a comprehension or nested function is as safe when it too only spreads the dict.)
        return all(
            event.store or self._handed_on(event.node, passed, looked_up)
            or not event.opaque and self._kept_on_self(flow, event.node, home, passed)
            for event in home.events.get(name.id, ())
        )

    def _kept_on_self(self, flow: Questions, read: ast.AST, scope: Scope, passed: bool) -> bool:
        """``self.norm_cfg = norm_cfg``: the dict stored on the object, where every read of it only hands it on."""
        assign = self.index.parents.get(read)
        if not (isinstance(assign, ast.Assign) and assign.value is read and len(assign.targets) == 1):
            return False
        target = assign.targets[0]
        return isinstance(target, ast.Attribute) and self._attribute_only_passed(flow, target, scope, passed)

    def _attribute_only_passed(self, flow: Questions, expr: ast.Attribute, scope: Scope, passed: bool) -> bool:
        """``self.cfg``: every read of it in its class is a spread or an argument, so nothing changes it."""
        owner = flow.method_owner(expr.value, scope)
        if owner is None:
            return False
        return all(
            self._handed_on(load, passed) for load, load_scope in self.index.attribute_loads
            if load.attr == expr.attr and flow.method_owner(load.value, load_scope) is owner
        )

    def _handed_on(self, read: ast.AST, passed: bool, looked_up: bool = False) -> bool:
        """A read that only spreads the dict (``**d``) or, with ``passed``, hands it to a call; or one that compares
        an entry (``if self.norm_cfg["type"] == "BN":``) or asks for a key (``assert "type" in norm_cfg``), which
        changes nothing (an entry used any other way may be a dict something edits, unless ``looked_up``: the entries
        of a table of classes)."""
        parent = self.index.parents.get(read)
        if isinstance(parent, ast.keyword):
            return parent.arg is None or passed
        if isinstance(parent, ast.Compare) and read in parent.comparators and isinstance(parent.ops[0], (ast.In, ast.NotIn)):
            return len(parent.ops) == 1
        if isinstance(parent, ast.Subscript) and parent.value is read and isinstance(parent.ctx, ast.Load):
            return looked_up or isinstance(self.index.parents.get(parent), ast.Compare)
        return passed and isinstance(parent, ast.Call) and read in parent.args


# ---------------------------------------------------------------- literal values of arguments

def value(flow: Questions, args: CallArgs, arg: Arg) -> object:
    """The literal value of an argument, its default when absent, else ``UNKNOWN``."""
    bound = args.get(arg)
    if bound is ABSENT:
        return UNKNOWN if arg.default is REQUIRED else arg.default
    if bound is UNKNOWN:
        return UNKNOWN
    return literal(flow, bound)  # type: ignore[arg-type]


def literal(flow: Questions, bound: Bound) -> object:
    """The literal value of a bound expression on every path (a literal alone when it has no scope)."""
    if bound.scope is not None:
        return flow.constant(bound.expr, bound.scope, bound.env)
    resolved = resolve(bound)
    if not isinstance(resolved, Bound):
        return resolved
    try:
        return ast.literal_eval(resolved.expr)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN


def holds(flow: Questions, condition: Condition | None, args: CallArgs) -> bool | None:
    """Whether a row's condition holds for a call; None when unknown."""
    if condition is None:
        return True
    if isinstance(condition, ArgIn):
        found = value(flow, args, condition.arg)
        if found is UNKNOWN:
            return None
        try:
            return found in condition.values
        except TypeError:  # an unhashable literal such as a list
            return False
    if isinstance(condition, SameArgs):
        return same_value(flow, args.get(condition.first), args.get(condition.second))
    results = [holds(flow, inner, args) for inner in condition.conditions]
    if isinstance(condition, AnyOf):
        return True if True in results else (None if None in results else False)
    if isinstance(condition, AllOf):
        return False if False in results else (None if None in results else True)
    raise TypeError(f"unknown condition {condition!r}")


def same_value(flow: Questions, a: Bound | object, b: Bound | object) -> bool | None:
    """Whether two arguments are the same literal or the same call-free expression."""
    if not isinstance(a, Bound) or not isinstance(b, Bound):
        return None
    ra, rb = resolve(a), resolve(b)
    if not isinstance(ra, Bound) or not isinstance(rb, Bound):
        return None
    la, lb = literal(flow, ra), literal(flow, rb)
    if la is not UNKNOWN and lb is not UNKNOWN:
        return la == lb
    if ra.env is rb.env and pure(ra.expr) and ast.dump(ra.expr) == ast.dump(rb.expr):
        return True
    if ra.env is None and rb.env is None:
        source = _source(flow, ra)
        if source is not None and source is _source(flow, rb):
            return True
    return None


def _source(flow: Questions, bound: Bound) -> ast.AST | None:
    """The one binding an argument reads: a name bound once where it is read (a parameter), or ``self.x`` that
    the class sets once, to such a name (``self.channels = channels``, then ``x.view(b, self.channels, -1)``)."""
    expr, scope = bound.expr, bound.scope
    if scope is not None and type(expr) is ast.Attribute:
        owner = flow.method_owner(expr.value, scope)
        values = flow.attribute_values(owner, expr.attr) if owner is not None else []
        if len(values) != 1 or values[0][0] is None:
            return None
        expr, scope = values[0]  # type: ignore[assignment]
    if scope is None or type(expr) is not ast.Name:
        return None
    found = flow.reaching(expr, scope)
    return found[1][0].node if found is not None and len(found[1]) == 1 else None


# ---------------------------------------------------------------- arguments handed on

def preset(presets: CallArgs, args: CallArgs) -> CallArgs:
    """``partial(cls, *a, **k)(*b, **j)`` calls ``cls(*a, *b, **k, **j)``."""
    positional = presets.positional[1:] + args.positional if presets.open_from is None else presets.positional[1:]
    open_from = presets.open_from - 1 if presets.open_from is not None else (
        None if args.open_from is None else len(presets.positional) - 1 + args.open_from
    )
    return CallArgs(positional, {**presets.keywords, **args.keywords}, open_from, presets.open_keywords or args.open_keywords)


def forwarded(returned: ast.Call, function: ast.FunctionDef, site: CallArgs, env: Env, args: CallArgs) -> CallArgs:
    """``return nn.Conv2d(*args, **kwargs)`` inside a helper passes on what its caller gave."""
    vararg = function.args.vararg.arg if function.args.vararg else None
    kwarg = function.args.kwarg.arg if function.args.kwarg else None
    if vararg is None and kwarg is None:
        return args
    positional: list[Bound] = []
    open_from: int | None = None
    named = len(function.args.posonlyargs + function.args.args)
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
    parameters = {a.arg for a in function.args.posonlyargs + function.args.args + function.args.kwonlyargs}
    for keyword in returned.keywords:
        if keyword.arg is not None:
            keywords[keyword.arg] = Bound(keyword.value, env)
        elif isinstance(keyword.value, ast.Name) and keyword.value.id == kwarg:
            keywords.update({k: v for k, v in site.keywords.items() if k not in parameters})
            open_keywords = open_keywords or site.open_keywords
        else:
            open_keywords = True
    return CallArgs(positional, keywords, open_from, open_keywords)
