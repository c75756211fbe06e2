"""Modules a class holds on itself: ``self.conv = nn.Conv2d(...)`` applied once in ``forward``.

A module held in ``self.x`` has one output to follow only when the class
applies it once, assigns it one value, and no subclass re-assigns it; a module
list (``self.norms = nn.ModuleList(...)``) stands for its one kind of element
when every element is built by one expression, and so does a family of modules
stored under names built at run time (``self.add_module("conv" + str(i), ...)``,
read as ``self._modules["conv" + str(i)]``).
"""

from __future__ import annotations

import ast
from functools import partial
from typing import Mapping

from ..knowledge.schema import Container, Fact, ModuleList, Producer
from .attribute_uses import AttributeUses, state_read
from .families import getattr_read
from .flow.members import stored_by
from .flow.names import none_test
from .flow.service import Flow
from .index import Index, Scope, if_apart, method_named
from .layers import Layer, Layers, built_by_store, transparent
from .values import Origin, is_literal


class ModuleAttributes:
    def __init__(
        self, index: Index, flow: Flow, layers: Layers, facts: Mapping[str, Fact],
    ) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers
        self.facts = facts
        self.uses = AttributeUses(index, flow, facts)
        self._held: dict[tuple[ast.ClassDef, str], Layer | None] = {}

    def attribute(self, expr: ast.Attribute, scope: Scope) -> Layer | None:
        """The module ``self.x`` holds, when built once, used once, and not overridden."""
        owner = self.flow.method_owner(expr.value, scope)
        if owner is None:
            return None
        key = (owner, expr.attr)
        if key not in self._held:  # the same for every read of self.x in the class
            self._held[key] = None  # properties returning each other: none
            self._held[key] = self._held_module(expr, scope) or self._through_property(owner, expr.attr)
        return self._held[key]

    def by_branch(self, expr: ast.Attribute, scope: Scope) -> list[ast.Call] | None:
        """The calls applying ``self.x`` once in each branch of an ``if``/``else``, if it is so applied."""
        owner = self.flow.method_owner(expr.value, scope)
        return self.uses.by_branch(owner, expr.attr) if owner is not None else None

    def unchanged(self, expr: ast.Attribute, scope: Scope) -> bool:
        """No code of the class (or of a class of the file deriving from it) reaches into ``self.x``
        (``self.head.add_module(...)``, ``self.head.append(...)``, ``self.head[1] = ...``): a container it holds
        keeps the layers it was built with (growth in the scope that builds it is read there)."""
        owner = self.flow.method_owner(expr.value, scope)
        if owner is None:
            return False
        reached = self.index.derived("attributes reached into", self._reached_into)
        return all((cls, expr.attr) not in reached for cls in self.flow.descendants(owner))

    def _reached_into(self) -> set[tuple[ast.ClassDef, str]]:
        found = set()
        for load, scope in self.index.attribute_loads:
            parent = self.index.parents.get(load)
            if isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is load and not state_read(self.index, parent):
                owner = self.flow.method_owner(load.value, scope)
                if owner is not None:
                    found.add((owner, load.attr))
        return found

    def _through_property(self, owner: ast.ClassDef, attr: str) -> Layer | None:
        """``self.norm1`` applied once, a property of the class that returns another module the class holds
        (``return self._bn``), when no subclass of the file redefines it."""
        method = method_named(owner, attr)
        if method is None or self.uses.counts().get((owner, attr), 0) != 1 or not _plain_property(method):
            return None
        if any(method_named(sub, attr) for sub in self.flow.descendants(owner)[1:]):
            return None
        returned, scope = method.body[-1].value, self.index.scope_of.get(method)  # type: ignore[attr-defined]
        if scope is not None and type(returned) is ast.Call:  # ``return getattr(self, self.norm1_name)``, mmcv's way
            return self._stored_under(owner, returned, scope)
        if scope is None or type(returned) is not ast.Attribute or returned.attr == attr:
            return None
        return self.attribute(returned, scope)

    def _stored_under(self, owner: ast.ClassDef, call: ast.Call, scope: Scope) -> Layer | None:
        """``getattr(self, self.norm1_name)``: the module the class stores once under the name ``self.norm1_name``
        holds (``self.add_module(self.norm1_name, norm1)``), when it sets that name once and reads it only there."""
        read = getattr_read(self.flow, call, scope) if len(call.args) == 2 else None
        name = read[1] if read is not None and read[0] is owner else None
        if type(name) is not ast.Attribute or self.flow.method_owner(name.value, scope) is not owner:  # type: ignore[union-attr]
            return None
        attr = name.attr  # type: ignore[union-attr]
        stores = self.flow.attribute_values(owner, stored_by(attr))
        if len(stores) != 1 or stores[0][0] is None or len(self.flow.attribute_values(owner, attr)) != 1:
            return None
        # (the name read again, to store another module under it or to read this one elsewhere)
        if self.uses.name_reads(owner, attr) != 2 or any(self.flow.overridden(owner, key) for key in (attr, stored_by(attr))):
            return None
        return built_by_store(self.layers, *stores[0])  # type: ignore[arg-type]

    def _held_module(self, expr: ast.Attribute, scope: Scope) -> Layer | None:
        found = self._single_store(expr, scope)
        if found is None:
            return None
        holder, value, store_scope = found
        origin = self.flow.sole_origin(value, store_scope, self.layers.environment(value))
        if origin is None:
            return None
        if origin.scope.tree is not self.index.module.node:
            # built by a base class of another module: reported where this module applies it; else unknown here
            foreign = self.index.classes.get(holder.name) is not holder
            return _built_by_base(self.layers, origin, expr, holder) if foreign else None
        if isinstance(value, ast.Name):
            _, reads = self.index.bindings(store_scope, value.id)
            if reads != 1:
                return None  # the module is also used through the local name
        return self.layers.built(origin.expr)

    def per_branch(self, expr: ast.Attribute, scope: Scope) -> list[Layer]:
        """``self.conv`` set on each side of one ``if``/``else`` or conditional expression of the class (timm's
        CPUBone pads an even kernel with a ``ZeroPad2d`` before its conv, and not an odd one) and applied once: the
        module each side builds.  Each is what the class applies wherever it is built."""
        if expr.attr not in self.index.derived("attributes built by branch", partial(_built_by_branch, self.layers)):
            return []  # (asked of every method call the module's classes make: most attributes are set once)
        owner = self.flow.method_owner(expr.value, scope)
        if owner is None or self.uses.counts().get((owner, expr.attr), 0) != 1:
            return []
        stores = self.flow.attribute_values(owner, expr.attr)
        sides = [stores[0][0].body, stores[0][0].orelse] if len(stores) == 1 and isinstance(stores[0][0], ast.IfExp) else [
            value for value, _ in stores] if len(stores) == 2 else []
        if not sides or not all(_builds_a_layer(self.layers, side) for side in sides):
            return []  # (a norm or an ``nn.Identity()`` on one side, a ``DropPath``: no producer to read)
        if self.flow.holder(owner, expr.attr) is not owner:
            return []
        values = self.flow.live_values(owner, expr.attr)
        if len(values) == 2 and not self.flow.overridden(owner, expr.attr) and _exclusive(self.index, values):
            origins = [self.flow.sole_origin(v, at, self.layers.environment(v)) for v, at in values]  # type: ignore[arg-type]
        elif len(values) == 1 and isinstance(values[0][0], ast.IfExp) and not self.flow.overridden(owner, expr.attr):
            origins = self.flow.origins(values[0][0], values[0][1], self.layers.environment(values[0][0])) or [None]
        else:
            return []
        if any(o is None or o.scope.tree is not self.index.module.node for o in origins):
            return []
        built = [self.layers.built(o.expr) for o in origins]  # type: ignore[union-attr]
        return built if len(built) > 1 and None not in built else []  # type: ignore[return-value]

    def list_element(self, expr: ast.Attribute, scope: Scope) -> Layer | None:
        """The one layer every element of ``self.x = nn.ModuleList(...)`` is built as, when used once."""
        found = self._single_store(expr, scope)
        if found is None:
            return None
        owner, value, store_scope = found
        sites = self._list_sites(value)
        grown = self._appended(owner, expr.attr)
        if sites is None or grown is None or len(sites + grown) != 1:
            return None
        return self.layers.built((sites + grown)[0])

    def nested_element(self, expr: ast.Attribute, scope: Scope) -> Layer | None:
        """``self.conv_blocks[i][j]``: the one layer every element of every list ``self.x`` holds is built as, each
        list a local one grown by ``append`` (PointNet++'s multi-scale grouping)."""
        found = self._single_store(expr, scope)
        if found is None:
            return None
        owner, value, store_scope = found
        sites, grown = self._list_sites(value), self._appended(owner, expr.attr)
        if sites is None or grown is None or len(sites + grown) != 1 or not isinstance((sites + grown)[0], ast.Name):
            return None
        inner = _local_list_sites(self.flow, (sites + grown)[0], self.index.scope_at((sites + grown)[0]))
        return self.layers.built(inner[0]) if inner is not None and len(inner) == 1 else None

    def _single_store(self, expr: ast.Attribute, scope: Scope) -> tuple[ast.ClassDef, ast.expr, Scope] | None:
        """``self.x`` assigned one value, applied once, and not re-assigned by a subclass.  The value may be set by
        a base class of the file (``Sub.forward`` applying the ``self.conv`` that ``Base.__init__`` built): then
        it is applied once in all the classes deriving from that base, since each of them builds it there."""
        owner = self.flow.method_owner(expr.value, scope)
        if owner is None:
            return None
        kept = self.index.derived("single stores", dict)  # the same in every read of a block for one call
        key = (owner, expr.attr)
        if key not in kept:
            kept[key] = self._single_store_of(owner, expr.attr)
        found = kept[key]
        if found is None and self.layers.bound:
            return self._store_for_the_call(owner, expr.attr)  # (the call may decide the branch that sets it)
        return found

    def _store_for_the_call(self, owner: ast.ClassDef, attr: str) -> tuple[ast.ClassDef, ast.expr, Scope] | None:
        """``self.x`` set in branches of the ``__init__`` a block is read for, when the call decides all but one
        (MUNIT's ``if norm == 'bn': self.norm = ...`` ``elif norm == 'in': ...`` for a call passing ``'in'``)."""
        if self.uses.counts().get((owner, attr), 0) != 1 or self.flow.holder(owner, attr) is not owner:
            return None
        stores = [
            (value, scope) for value, scope in self.flow.live_values(owner, attr)
            if value is None or not self.layers.never_runs(value)  # (a branch the call decides against sets none)
        ]
        return self._sole(owner, attr, stores)

    def _single_store_of(self, owner: ast.ClassDef, attr: str) -> tuple[ast.ClassDef, ast.expr, Scope] | None:
        uses = self.uses.counts()
        if uses.get((owner, attr), 0) == 2:
            return self._wrapped_again(owner, attr)
        if uses.get((owner, attr), 0) != 1:
            return None
        holder = self.flow.holder(owner, attr)
        if holder is None:
            foreign = self.flow.foreign_holder(owner, attr)
            if foreign is None:
                return None
            ((value, store_scope),) = foreign[1].attribute_values(foreign[0], attr)
            return (foreign[0], value, store_scope) if value is not None else None
        if holder is not owner and sum(uses.get((cls, attr), 0) for cls in self.flow.descendants(holder)) != 1:
            return None
        # ``if use_bn: self.bn = ...`` ``else: self.bn = nn.Identity()``: the one whose branch may run
        return self._sole(holder, attr, self.flow.live_values(holder, attr))

    def _wrapped_again(self, owner: ast.ClassDef, attr: str) -> tuple[ast.ClassDef, ast.expr, Scope] | None:
        """``self.g = conv`` and then ``self.g = nn.Sequential(self.g, max_pool)`` (the non-local block's
        sub-sampling, under a flag or not), applied once: the first, whose output the layers after it in the
        container keep a constant per channel of (two uses: the application, and the container's read of it)."""
        stores = self.flow.attribute_values(owner, attr)
        if len(stores) != 2 or self.flow.holder(owner, attr) is not owner or self.flow.overridden(owner, attr):
            return None
        (first, scope), (again, again_scope) = stores
        if first is None or type(again) is not ast.Call or again_scope is not scope or again.keywords or not again.args:
            return None
        head, *rest = again.args
        if not isinstance(self.layers.row(again.func)[1], Container) or not (
                type(head) is ast.Attribute and head.attr == attr and self.flow.method_owner(head.value, scope) is owner):
            return None
        if not rest or not all(self._keeps_constants(arg, scope) for arg in rest):
            return None
        return owner, first, scope

    def _keeps_constants(self, expr: ast.expr, scope: Scope) -> bool:
        """Every layer the expression may hold keeps a constant per channel (``max_pool_layer``, one pool per
        branch)."""
        origins = self.flow.origins(expr, scope, self.layers.environment(expr))
        return bool(origins) and all(
            type(o.expr) is ast.Call and transparent(self.flow, self.layers.built(o.expr)) for o in origins  # type: ignore
        )

    def _sole(
        self, holder: ast.ClassDef, attr: str, stores: list[tuple[ast.expr | None, Scope]],
    ) -> tuple[ast.ClassDef, ast.expr, Scope] | None:
        """The one known value of ``stores`` (a store wrapping the module again aside), when no subclass overrides the
        attribute."""
        if len(stores) != 1 or stores[0][0] is None or self.flow.overridden(holder, attr):
            return None
        value, store_scope = stores[0]
        return holder, value, store_scope  # type: ignore[return-value]

    def decided(self, test: ast.expr, scope: Scope) -> bool | None:
        """A test of ``self.x`` (``if self.norm:``, ``self.norm is not None``, ``not self.norm``) that the call a
        block is read for decides: the one value its ``__init__`` leaves ``self.x`` is a layer built, or None."""
        negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        guard = none_test(test)
        attribute = guard[0] if guard is not None else test.operand if negated else test  # type: ignore[attr-defined]
        owner = self.flow.method_owner(attribute.value, scope) if isinstance(attribute, ast.Attribute) else None
        found = self._store_for_the_call(owner, attribute.attr) if owner is not None else None  # type: ignore[union-attr]
        if found is None:
            return None
        value = found[1]
        if isinstance(value, ast.IfExp):  # ``norm_layer(c) if norm_layer is not None else None``: the call's side
            taken = self.flow.origins(value, found[2], self.layers.environment(value))
            if taken is None or len(taken) != 1:
                return None
            value = taken[0].expr
        if is_literal(value, None):
            held = False
        else:
            layer = self.layers.built(value)
            if layer is None or isinstance(layer.spec, Container):
                return None  # (an empty container is false)
            held = True
        if guard is not None:
            return held is not guard[1]  # ``is None`` holds when nothing is held
        return held is not negated

    def _list_sites(self, value: ast.expr | None) -> list[ast.expr] | None:
        if isinstance(value, ast.List):
            return list(value.elts)
        if not isinstance(value, ast.Call) or value.keywords:
            return None
        name = self.index.imports.resolve(value.func)
        if not isinstance(self.facts.get(name) if name else None, ModuleList):
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


def _built_by_branch(layers: Layers) -> set[str]:
    """The names of the attributes some store gives a layer built right there by a conditional expression, or
    that two stores give one."""
    counts: dict[str, int] = {}
    for target, statement, _ in layers.index.attribute_stores:
        value = getattr(statement, "value", None)
        if isinstance(value, ast.IfExp):
            counts[target.attr] = 2 if _builds_a_layer(layers, value.body) else counts.get(target.attr, 0)
        elif _builds_a_layer(layers, value):
            counts[target.attr] = counts.get(target.attr, 0) + 1
    return {name for name, count in counts.items() if count > 1}


def _builds_a_layer(layers: Layers, value: ast.expr | None) -> bool:
    """A framework producer or container, built right there (``nn.Conv2d(...)``, ``nn.Sequential(...)``), or a call
    of a local name that may hold one (``conv_nd(...)``, the class a branch picks)."""
    return isinstance(value, ast.Call) and (
        isinstance(layers.row(value.func)[1], (Producer, Container)) or type(value.func) is ast.Name
        and value.func.id not in layers.index.functions and value.func.id not in layers.index.classes)


def _exclusive(index: Index, values: list[tuple[ast.expr | None, Scope]]) -> bool:
    """Two values stored on the two sides of one ``if``/``else``."""
    (first, _), (second, _) = values
    return first is not None and second is not None and if_apart(index, first, second)


def _local_list_sites(flow: Flow, read: ast.Name, scope: Scope) -> list[ast.expr] | None:
    """What a local list read once more (``self.conv_blocks.append(convs)``) was given: bound once to an empty
    ``nn.ModuleList()`` or ``[]``, then every other read of it an ``append`` of one value."""
    reaching = flow.reaching(read, scope)
    if reaching is None or len(reaching[1]) != 1:
        return None
    binding = reaching[1][0].node
    assign = flow.index.parents.get(binding)
    if not isinstance(assign, ast.Assign) or assign.targets != [binding] or not _empty_list(flow, assign.value, scope):
        return None
    reads = flow.uses(binding)
    if reads is None or any(event.opaque for event in reads):
        return None
    appended = flow.appended(binding, read)
    others = [event for event in reads if event.node is not read]
    return appended if appended is not None and len(appended) == len(others) else None


def _empty_list(flow: Flow, value: ast.expr, scope: Scope) -> bool:
    if isinstance(value, ast.List):
        return not value.elts
    return isinstance(value, ast.Call) and not value.args and not value.keywords and isinstance(
        flow.fact(value.func, scope), ModuleList)


def _plain_property(method: ast.FunctionDef) -> bool:
    """``@property`` over a body that returns one expression (a docstring aside)."""
    body = [stmt for stmt in method.body if not (type(stmt) is ast.Expr and type(stmt.value) is ast.Constant)]
    decorators = method.decorator_list
    return (len(decorators) == 1 and type(decorators[0]) is ast.Name and decorators[0].id == "property"
            and len(body) == 1 and type(body[0]) is ast.Return and body[0].value is not None)


def _built_by_base(layers: Layers, origin: Origin, read: ast.Attribute, holder: ast.ClassDef) -> Layer | None:
    """The module a base class of another module builds (``Base.__init__`` in ``base.py``), as applied here: reported
    at the read that applies it (``self.conv`` in ``Sub.forward``), naming where it is built, with no edit here."""
    home = layers.of_module(origin.scope.tree)
    inner = home.built(origin.expr) if home is not None else None
    if inner is None or inner.helper or inner.call is None:
        return None
    layer = Layer(inner.name, inner.spec, read, inner.args, holder.name)  # type: ignore[arg-type]
    layer.alternatives, layer.direct, layer.site = inner.alternatives, False, origin.scope.tree
    layer.origin = f"{home.flow.shown}:{inner.call.lineno}" if home.flow.shown else f"line {inner.call.lineno}"
    return layer
