"""Where a value comes from: the backward half of the flow service.

It follows local names through the bindings that can reach the read (the last
unconditional one before it, any in branches after that, and in a loop the
ones later in the loop body), ``a if c else b`` (both), ``self.x`` (every value
the class gives it), a function's parameter (over the function's calls), a
name imported from another module of the project, and what the value
providers read (options, saved arguments, field defaults).  Everything else
is the expression itself, an origin nothing more can be said of.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterable

from ..index import Block, Event, Index, Scope, is_parameter
from ..values import UNKNOWN, Bound, Env, Origin, is_literal
from .lookups import class_name

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Questions

DEPTH = 12  # names followed through names, this deep
RETURNS_DEPTH = 2  # helpers returning what helpers return, read this deep for a truth test


class Names:
    __slots__ = ("index", "_visiting", "_members")

    def __init__(self, index: Index) -> None:
        self.index = index
        self._visiting: set[tuple[int, int]] = set()
        # ``args.lr`` read in a helper, as the caller's ``args.lr``: one node per (caller's name, attribute), kept
        # so that what is learned of it is learned once.
        self._members: dict[tuple[ast.Name, str], ast.Attribute] = {}

    def origins(
        self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None, depth: int, note: str,
    ) -> list[Origin] | None:
        """Every expression ``expr`` (read in this module) may hold, none of them a name that could be followed further."""
        if depth > DEPTH:
            return None
        if isinstance(expr, (ast.Name, ast.Attribute)) and flow.imports.resolve(expr) is not None:
            return [Origin(expr, scope, env, note)]  # a framework's name: nothing to follow
        if isinstance(expr, ast.Name):
            return self._name(flow, expr, scope, env, depth, note or expr.id)
        if isinstance(expr, ast.IfExp):
            taken = self._taken(flow, expr, scope, env, depth) if env is not None or _tests_parameter(expr, scope) else None
            if taken is not None:  # ``norm(c) if norm is not None else nn.Identity()`` for a call passing norm
                return flow.origins_at(taken, scope, env, depth + 1, note)
            body = flow.origins_at(expr.body, scope, env, depth + 1, note)
            orelse = flow.origins_at(expr.orelse, scope, env, depth + 1, note)
            return body + orelse if body is not None and orelse is not None else None
        if isinstance(expr, ast.NamedExpr):
            return flow.origins_at(expr.value, scope, env, depth + 1, note)
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
            return _either(flow, expr.values, scope, env, depth, note)
        if isinstance(expr, ast.Attribute):
            found = self._attribute(flow, expr, scope, env, depth)
            return found if found is not None else [Origin(expr, scope, env, note)]
        if isinstance(expr, ast.Subscript):
            found = flow.provided_subscript(expr, scope, depth)
            if found is None:
                found = _looked_up(flow, expr, scope, env, depth, note) or _indexed(flow, expr, scope, env, depth, note)
            if found is not None:
                return found
        return [Origin(expr, scope, env, note)]

    def _name(self, flow: Questions, name: ast.Name, scope: Scope, env: Env | None, depth: int, note: str) -> list[Origin] | None:
        if env is not None and name.id not in env.rebound:
            bound = env.lookup(name.id)
            if bound is UNKNOWN:
                return None
            if isinstance(bound, Bound):
                return flow.origins_at(bound.expr, bound.scope or scope, bound.env, depth + 1, note)
        reaching = self.reaching(name, scope)
        if reaching is None:
            if self._defined(name, scope):
                return [Origin(name, scope, env, note)]  # a class or function of the module: itself
            if not flow.follows_imports() or flow.imports.imported(name.id) is None:
                return None
            return flow.imported(name.id, depth) if flow.unbound(name.id, scope) else None
        home, stores = reaching
        local = env if env is not None and env.scope is home else None  # the bound function's own locals
        key = (id(home), id(name))
        if key in self._visiting:
            return None  # a value defined by itself, as in a loop: unknown
        self._visiting.add(key)
        try:
            if local is not None:
                stores = self._live(flow, stores, local)
            found: list[Origin] = []
            for event in stores:
                if local is not None and isinstance(event.node, ast.arg):
                    passed = local.lookup(event.node.arg)
                    if not isinstance(passed, Bound):
                        return None
                    origins = flow.origins_at(passed.expr, passed.scope or scope, passed.env, depth + 1, note)
                else:
                    origins = self.binding(flow, event.node, home, depth + 1, note, local)
                if origins is None:
                    return None
                found += origins
            return found
        finally:
            self._visiting.discard(key)

    def _defined(self, name: ast.Name, scope: Scope) -> bool:
        """The name is of a class or function the module defines at its top level, bound no other way.  A
        definition left unread cannot re-bind it but with a ``global`` statement (spelled, it is among the words
        it spells)."""
        index = self.index
        if name.id not in index.classes and name.id not in index.functions or index.bound(name.id, scope):
            return False
        return name.id not in index.module.escaped or name.id not in index.declared and "global" not in index.unknown

    def reaching(self, name: ast.Name, scope: Scope) -> tuple[Scope, list[Event]] | None:
        """The scope that binds ``name`` and the bindings that can reach this read of it."""
        index = self.index
        home = index.home(name.id, scope)
        if name.id in home.escaped:
            return None
        stores, _ = index.bindings(home, name.id)
        if not stores:
            return None
        read = _read_event(home.events.get(name.id, ()), name) if home is scope else None
        if read is None:
            return home, stores  # read later, from a nested function, or a node of our own
        reaching: list[Event] = []
        for store in reversed([s for s in stores if s.order < read.order]):
            reaching.append(store)
            if read.block.within(store.block):
                break  # an unconditional binding before the read hides the older ones
        loop = _loop_of(read.block)
        if loop is not None:
            reaching += [s for s in stores if s.order > read.order and s.block.within(loop)]
        return (home, reaching) if reaching else None

    def binding(
        self, flow: Questions, node: ast.AST, scope: Scope, depth: int, note: str, env: Env | None = None,
    ) -> list[Origin] | None:
        """What one binding of a name gives it (``env``: the call the scope's function runs for, if one)."""
        if isinstance(node, ast.arg):
            return flow.parameter(node, depth, note)
        parent = self.index.parents.get(node)
        if isinstance(parent, ast.Assign) and (parent.targets == [node] or node in parent.targets and not _mutable(parent.value)):
            # ``BatchNorm2d_class = BatchNorm2d = nn.SyncBatchNorm`` (HRNet): each name holds the value; two names of
            # one list would alias it, and what one adds the other holds.
            return flow.origins_at(parent.value, scope, env, depth, note)
        if isinstance(parent, (ast.AnnAssign, ast.NamedExpr)) and parent.target is node and parent.value is not None:
            return flow.origins_at(parent.value, scope, env, depth, note)
        if isinstance(parent, ast.AugAssign) and parent.target is node:
            # x += y is x = <x as it was> + y; the target node also stands for that read.
            combined = ast.BinOp(left=node, op=parent.op, right=parent.value)
            return [Origin(ast.copy_location(combined, parent), scope, env, note)]
        if isinstance(parent, ast.For) and parent.target is node:
            return self._looped(flow, parent.iter, None, scope, depth, note, env)
        if isinstance(parent, (ast.Tuple, ast.List)):
            loop = self.index.parents.get(parent)
            if isinstance(loop, ast.For) and loop.target is parent:
                return self._looped(flow, loop.iter, (parent.elts.index(node), len(parent.elts)), scope, depth, note, env)
            return self._unpacked(flow, node, parent, scope, depth, note, env)
        return None  # a loop target over anything else, with ... as, an import: not followed

    def _looped(
        self, flow: Questions, items: ast.expr, place: tuple[int, int] | None, scope: Scope, depth: int, note: str,
        env: Env | None,
    ) -> list[Origin] | None:
        """A loop's target over a literal list (``for out_filters, stride, normalize in [(64, 2, False), (128, 2,
        True)]``): each item, or the item in the name's place of each tuple (``place``: where, of how many)."""
        if not isinstance(items, (ast.List, ast.Tuple)) or not items.elts:
            return None
        found: list[Origin] = []
        for item in items.elts:
            if place is not None:
                if not isinstance(item, (ast.Tuple, ast.List)) or len(item.elts) != place[1]:
                    return None
                item = item.elts[place[0]]
            if isinstance(item, ast.Starred):
                return None
            origins = flow.origins_at(item, scope, env, depth + 1, note)
            if origins is None:
                return None
            found += origins
        return found

    def _unpacked(
        self, flow: Questions, node: ast.AST, target: ast.Tuple | ast.List, scope: Scope, depth: int, note: str,
        env: Env | None,
    ) -> list[Origin] | None:
        """``conv, bn = nn.Conv2d, nn.BatchNorm2d``, or a conditional expression of such tuples: the item in the
        name's place, on each side; ``name, norm = build_norm_layer(cfg, c)``: the call's item in that place, as
        ``build_norm_layer(cfg, c)[1]`` (what each call returns, a builder's row says).  A starred target or value,
        or any other value, is unknown."""
        assign = self.index.parents.get(target)
        if not isinstance(assign, ast.Assign) or assign.targets != [target]:
            return None
        if any(isinstance(item, ast.Starred) for item in target.elts):
            return None
        place = target.elts.index(node)  # type: ignore[arg-type]
        if type(assign.value) is ast.Call:
            item = ast.Subscript(assign.value, ast.Constant(place), ast.Load())
            return [Origin(ast.copy_location(item, assign.value), scope, env, note)]
        found: list[Origin] = []
        for value in _sides(assign.value):
            if not isinstance(value, (ast.Tuple, ast.List)) or len(value.elts) != len(target.elts):
                return None
            if any(isinstance(item, ast.Starred) for item in value.elts):
                return None
            origins = flow.origins_at(value.elts[place], scope, env, depth, note)
            if origins is None:
                return None
            found += origins
        return found

    def _live(self, flow: Questions, stores: list[Event], env: Env) -> list[Event]:
        """The bindings one call leaves possible: one under a test the call decides against never runs (``if
        norm is None: norm = nn.BatchNorm2d`` when the call passes a norm, ``elif kind == "instance":`` when it
        passes "batch"), and one under tests all decided for it hides those before it (the parameter's own value)."""
        kept, last = [], -1
        for event in stores:
            runs = None if isinstance(event.node, ast.arg) else flow.runs(event.node, env.scope, env)
            if runs is not False:
                kept.append(event)
            if runs is True:
                last = max(last, event.order)
        return [event for event in kept if event.order >= last]

    def _taken(self, flow: Questions, expr: ast.IfExp, scope: Scope, env: Env | None, depth: int) -> ast.expr | None:
        """The one branch of ``a if x is (not) None else b`` that can run for the call a function is read for,
        when whether x is None is known.  (Not asked without a call: over every caller it is rarely known, and
        asking costs a search of the callers for each such expression.)"""
        test = none_test(expr.test)
        if test is None:
            truth = self.truth(flow, expr.test, scope, env, depth)  # norm(c) if norm else nn.Identity()
            if truth is None and isinstance(expr.test, ast.Compare):  # NORMS[name](c) if name in NORMS else None
                truths = {bool(value) for value in flow.evaluate(expr.test, scope, env, depth + 1) or ()}
                truth = truths.pop() if len(truths) == 1 else None
            return None if truth is None else expr.body if truth else expr.orelse
        name, holds_when_none = test
        none = self.is_none(flow, name, scope, env, depth + 1)
        if none is None:
            return None
        return expr.body if none is holds_when_none else expr.orelse

    def truth(self, flow: Questions, test: ast.expr, scope: Scope, env: Env | None, depth: int) -> bool | None:
        """Whether ``x`` or ``not x`` holds on every path: x is always a class or function the imports name, or
        always a literal of one truth, or a None test the flow decides (``self.use_bn = norm_layer is not None``)."""
        negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        name = test.operand if negated else test  # type: ignore[attr-defined]
        if not isinstance(name, (ast.Name, ast.Attribute)):  # ``use_bn``, ``self.use_bn``
            return None
        origins = flow.origins_at(name, scope, env, depth + 1, "")
        if not origins:
            return None
        # An imported class or function is true, and so is a norm or layer built (``if self.norm:``).
        values = [_known_value(flow, o) for o in origins]
        values = [
            True if value is UNKNOWN and _instance(flow, o) else self._none_tested(flow, o, depth) if value is UNKNOWN
            else value for o, value in zip(origins, values)
        ]
        truths = {bool(value) for value in values}
        if len(truths) != 1 or UNKNOWN in values:
            return None
        return truths.pop() is not negated

    def _none_tested(self, flow: Questions, origin: Origin, depth: int) -> object:
        """The value of ``x is None`` or ``x is not None`` as an origin (a flag kept from a None test), when the flow
        decides whether ``x`` is None; ``UNKNOWN`` otherwise."""
        guard = none_test(origin.expr)
        none = self.is_none(flow, guard[0], origin.scope, origin.env, depth + 1) if guard is not None else None
        return UNKNOWN if none is None else none is guard[1]  # type: ignore[index]

    def is_none(self, flow: Questions, expr: ast.expr, scope: Scope, env: Env | None, depth: int) -> bool | None:
        """Whether an expression is None on every path (True), on none (False), or unknown (None)."""
        origins = flow.origins_at(expr, scope, env, depth, "")
        if not origins:
            return None
        values = [_known_value(flow, o) for o in origins]
        if all(value is None for value in values):
            return True
        return False if all(value is not None and value is not UNKNOWN or _instance(flow, o) for value, o in zip(
            values, origins)) else None

    def _attribute(self, flow: Questions, expr: ast.Attribute, scope: Scope, env: Env | None, depth: int) -> list[Origin] | None:
        """``self.x``, ``module.X`` of another module of the project, then what the providers read."""
        base = expr.value
        owner = flow.method_owner(base, scope)
        if owner is not None:
            return flow.self_attribute(owner, expr.attr, depth)
        if isinstance(base, ast.Name) and env is not None and base.id not in env.rebound:
            # A parameter of the function read for one call: the attribute of what the caller passed, read there.
            bound = env.lookup(base.id)
            if isinstance(bound, Bound) and isinstance(bound.expr, ast.Name) and bound.scope is not None:
                return flow.origins_at(self._member(bound.expr, expr.attr), bound.scope, bound.env, depth + 1, "")
        if isinstance(base, ast.Name):
            found = flow.module_attribute(base, expr.attr, scope, depth)
            if found is not None:
                return found
        return flow.provided_attribute(expr, scope, env, depth)

    def _member(self, name: ast.Name, attr: str) -> ast.Attribute:
        key = (name, attr)
        found = self._members.get(key)
        if found is None:
            found = self._members[key] = ast.copy_location(ast.Attribute(name, attr, ast.Load()), name)
        return found


def _mutable(value: ast.expr) -> bool:
    return isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp, ast.Call))


def _tests_parameter(expr: ast.IfExp, scope: Scope) -> bool:
    """``norm(c) if norm is not None else nn.Identity()``, ``nn.BatchNorm2d(c) if bn else None``, ``... if not
    bn ...``: a test of a parameter of the function it is read in, which its callers (or its default) decide
    without a call being read.  (A choice the callers elsewhere may make the other way: a finding it leads to says
    under which test, ``model/conditions.py``.)"""
    test = expr.test.operand if isinstance(expr.test, ast.UnaryOp) and isinstance(expr.test.op, ast.Not) else expr.test
    guard = none_test(test)
    name = guard[0] if guard is not None else test
    if isinstance(test, ast.Compare) and guard is None and len(test.comparators) == 1 and _literal(test.comparators[0]):
        name = test.left  # ``AdaIN if norm == "adain" else nn.InstanceNorm2d``: compared with a literal
    return isinstance(name, ast.Name) and is_parameter(scope, name.id)


def _literal(expr: ast.expr) -> bool:
    """A constant, or a tuple, list or set of constants (``norm in ("bn", "batch")``)."""
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return all(isinstance(element, ast.Constant) for element in expr.elts)
    return isinstance(expr, ast.Constant)


def _known_value(flow: Questions, origin: Origin) -> object:
    """An origin's value where it is a literal, the qualified name where the imports name it (a class or a
    function: never None, always true), ``UNKNOWN`` otherwise."""
    if isinstance(origin.expr, ast.Constant):
        return origin.expr.value
    resolved = flow.flow_of(origin.scope).imports.resolve(origin.expr)
    return resolved if resolved is not None else UNKNOWN


def _instance(flow: Questions, origin: Origin, depth: int = 0) -> bool:
    """A call that builds an object, never None: of a framework's class (``nn.BatchNorm2d(c)``: classes are named
    with a capital, functions are not) or a class the module defines, named or held in a name (``norm_cls =
    NORMS[name]``, ``norm_layer = get_norm_layer(nn.BatchNorm2d)``); or of a function of the module that returns
    one for the call (``build_norm(norm, c)``), or a class (``get_norm_layer(nn.BatchNorm2d)``)."""
    call = origin.expr
    if type(call) is not ast.Call:
        return False
    # (a partial is an object; a class lookup's answer a class, never None either)
    if names_a_class(flow, call.func, origin.scope) or flow.partial_of(origin) is not None or class_name(
        flow, call, origin.scope, origin.env,
    ):
        return True
    if type(call.func) is not ast.Name or depth >= RETURNS_DEPTH:
        return False
    held = flow.origins(call.func, origin.scope, origin.env)
    if held and all(o.expr is not call.func and _class_held(flow, o, depth) for o in held):
        return True
    returned = flow.returned(call, origin.scope, origin.env)
    return bool(returned) and all(  # type: ignore[union-attr]
        _instance(flow, o, depth + 1) or names_a_class(flow, o.expr, o.scope) for o in returned  # type: ignore[union-attr]
    )


def _class_held(flow: Questions, origin: Origin, depth: int) -> bool:
    """A class: named, the answer of a class lookup of the rows (``get_norm_layer(nn.BatchNorm2d)``), or returned
    on every path by a function of the module the origin calls."""
    if names_a_class(flow, origin.expr, origin.scope) or class_name(flow, origin.expr, origin.scope, origin.env):
        return True
    if type(origin.expr) is not ast.Call or type(origin.expr.func) is not ast.Name or depth + 1 >= RETURNS_DEPTH:
        return False
    returned = flow.returned(origin.expr, origin.scope, origin.env)
    return bool(returned) and all(names_a_class(flow, o.expr, o.scope) for o in returned)  # type: ignore[union-attr]


def names_a_class(flow: Questions, expr: ast.expr, scope: Scope) -> bool:
    """A framework's class or a class the module defines, by name."""
    name = flow.resolved(expr, scope)
    if name is not None:
        return name.rpartition(".")[2][:1].isupper()
    index = flow.flow_of(scope).index
    return type(expr) is ast.Name and expr.id in index.classes and not index.bound(expr.id, scope)


def _sides(value: ast.expr) -> list[ast.expr]:
    """The values an expression may be written as: each side of a conditional expression, nested."""
    if isinstance(value, ast.IfExp):
        return _sides(value.body) + _sides(value.orelse)
    return [value]


def none_test(test: ast.expr) -> tuple[ast.Name | ast.Attribute, bool] | None:
    """``x is None`` or ``x is not None`` (or ``self.x``): the name, and whether the test holds when it is None."""
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot))
            and isinstance(test.left, (ast.Name, ast.Attribute)) and is_literal(test.comparators[0], None)):
        return test.left, isinstance(test.ops[0], ast.Is)
    return None


def _read_event(events: Iterable[Event], node: ast.AST) -> Event | None:
    for event in events:
        if event.node is node and not event.store:
            return event
    return None


def _loop_of(block: Block | None) -> Block | None:
    while block is not None and not block.loop:
        block = block.parent
    return block


def _either(flow: Questions, values: list[ast.expr], scope: Scope, env: Env | None, depth: int, note: str) -> list[Origin] | None:
    """``a or b``: each origin of ``a`` that may be true, and those of ``b`` unless every one of ``a`` is true
    (``norm_layer or nn.BatchNorm2d`` is the caller's class, or BatchNorm2d where the caller passes None)."""
    found: list[Origin] = []
    for value in values:
        origins = flow.origins_at(value, scope, env, depth + 1, note)
        if origins is None:
            return None
        truths = [_truth(flow, origin) for origin in origins]
        found += [origin for origin, truth in zip(origins, truths) if truth is not False]
        if all(truths):
            return found
    return found


def _truth(flow: Questions, origin: Origin) -> bool | None:
    """Whether a value is true: a literal as Python judges it, a framework's name (a class, a function) and a
    ``partial`` always; None for anything else (an empty ``nn.Sequential()`` is false)."""
    value = _known_value(flow, origin)
    if value is not UNKNOWN:
        return bool(value)
    return True if flow.partial_of(origin) is not None else None


def _indexed(flow: Questions, item: ast.Subscript, scope: Scope, env: Env | None, depth: int, note: str) -> list[Origin] | None:
    """``use_bias[0]`` of a tuple (``use_bias=(True, False)``, passed by a call or a default): the item in that
    place, on each path (timm's CPUBone hands its blocks such pairs).  A list may change in place: unknown."""
    place = item.slice
    if type(place) is not ast.Constant or type(place.value) is not int or type(item.value) not in (ast.Name, ast.Attribute):
        return None
    pairs = flow.origins_at(item.value, scope, env, depth + 1, note)
    if not pairs or any(type(o.expr) is not ast.Tuple for o in pairs):
        return None
    found: list[Origin] = []
    for pair in pairs:
        items = pair.expr.elts  # type: ignore[attr-defined]
        if any(type(i) is ast.Starred for i in items) or not -len(items) <= place.value < len(items):
            return None
        origins = flow.origins_at(items[place.value], pair.scope, pair.env, depth + 1, note)
        if origins is None:
            return None
        found += origins
    return found


def _looked_up(flow: Questions, item: ast.Subscript, scope: Scope, env: Env | None, depth: int, note: str) -> list[Origin] | None:
    """``NORMS[name]`` of a table nothing changes, or ``{"BN": nn.BatchNorm2d, ...}[name]``, where ``name`` holds
    known keys: the entries they pick (a key the table lacks raises, and holds nothing)."""
    base = item.value
    if isinstance(base, ast.Dict):
        entries = flow.dict_entries(base, scope, env)
    else:
        entries = flow.table(base, scope, env) if isinstance(base, ast.Name) else None
    keys = flow.constants(item.slice, scope, env) if entries else None
    if not keys:
        return None
    found: list[Origin] = []
    for key, _ in keys:
        entry = entries.get(key) if isinstance(key, str) else None  # type: ignore[union-attr]
        if entry is not None:
            origins = flow.origins_at(entry.expr, entry.scope or scope, entry.env, depth + 1, note)
            if origins is None:
                return None
            found += origins
    return found or None
