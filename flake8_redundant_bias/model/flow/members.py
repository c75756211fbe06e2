"""What an object stores on itself: ``self.x`` in a class's methods, class attributes, and who else sets them.

A method's receiver is its first parameter, whatever it is named (``self``,
``this``); a static or class method has none.  ``self.x`` holds every value the
class's methods assign to it, or store under its name (``self.add_module("x",
...)``), unless a subclass in the file or code outside the class (``trainer.x =
...``) may set it too.  A name a method stores under is read where it is a
literal; where it is not (``self.add_module(f"layer{i}", ...)``), every
attribute its literal start may begin is unknown.  A name an attribute holds
(``self.add_module(self.norm1_name, norm1)``) is also read back by that
attribute (``getattr(self, self.norm1_name)``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Iterator, Mapping

from ...knowledge.schema import Fact, ModuleBase, NamedLayer, ReturnsModule, StoresModule
from ...knowledge.tables import per_table
from ..imports import ImportMap
from ..index import Index, Scope, called_name, in_branch
from ..values import Bound, CallArgs, Origin

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Questions

INERT = object()  # a base class that sets no attribute of its subclasses
Stored = tuple[ast.expr | None, Scope, ast.expr]  # a value (None: not a plain assignment), where, the target or call


class Members:
    __slots__ = ("index", "_methods", "_facts", "_owners", "_stores", "_elsewhere", "_subclasses", "_unnamed", "_deciding")

    def __init__(self, index: Index, methods: Mapping[str, Fact], facts: Mapping[str, Fact]) -> None:
        self.index = index
        self._facts = facts
        self._methods = {name: fact for name, fact in methods.items() if isinstance(fact, StoresModule)}
        # a class -> each name it stores under that is no literal: what it starts with, the value, where
        self._unnamed: dict[ast.ClassDef, list[tuple[str, ast.expr | None, Scope]]] = {}
        self._owners: dict[Scope, tuple[ast.ClassDef | None, str | None]] = {}  # a scope -> its class and receiver
        self._stores: dict[ast.ClassDef, dict[str, list[Stored]]] | None = None
        self._elsewhere: set[str] = set()  # attributes assigned on objects other than a receiver
        self._subclasses: dict[str, list[ast.ClassDef]] | None = None  # a class name -> the classes deriving from it
        self._deciding: set[tuple[ast.ClassDef, str]] = set()  # attributes whose stores' tests are being decided

    def receiver(self, scope: Scope) -> tuple[ast.ClassDef | None, str | None]:
        """The class a scope is a method of, and its receiver's name; (None, None) if not a method."""
        found = self._owners.get(scope)
        if found is None:  # asked for most reads of self: the scope's answer is kept
            found = self._owners[scope] = _method_self(scope)
        return found

    def method_owner(self, expr: ast.expr, scope: Scope) -> ast.ClassDef | None:
        """The class whose method this is, when ``expr`` is the method's receiver."""
        if not isinstance(expr, ast.Name):
            return None
        found = self._owners.get(scope)  # the receiver's cache, inline: asked for most attributes of a file
        if found is None:
            found = self._owners[scope] = _method_self(scope)
        return found[0] if found[1] == expr.id else None

    def attribute_values(self, owner: ast.ClassDef, attr: str) -> list[tuple[ast.expr | None, Scope]]:
        """Every value ``self.attr`` is given in the class's methods (None: not a plain assignment, or stored under
        a name that may be ``attr``)."""
        found = [(value, scope) for value, scope, _ in self.attributes_of(owner).get(attr, ())]
        if owner in self._unnamed:
            found += [(None, scope) for start, _, scope in self._unnamed[owner] if attr.startswith(start)]
        return found

    def attributes_of(self, owner: ast.ClassDef) -> dict[str, list[Stored]]:
        """attribute -> (value or None, scope, the assigned target) for every ``self.x = ...`` of the class."""
        return self._attribute_stores().get(owner, {})

    def stored_elsewhere(self, attr: str) -> bool:
        """Some code assigns ``obj.attr = ...`` on an object other than a method's receiver."""
        self._attribute_stores()
        return attr in self._elsewhere

    def _attribute_stores(self) -> dict[ast.ClassDef, dict[str, list[Stored]]]:
        if self._stores is None:
            self._stores = {}
            for target, parent, scope in self.index.attribute_stores:
                found = self.method_owner(target.value, scope)
                if found is None:
                    self._elsewhere.add(target.attr)  # cfg.x = ...: some object's x is changed
                else:
                    single = isinstance(parent, (ast.Assign, ast.AnnAssign)) and _single_target(parent, target)
                    value = parent.value if single else _unpacked(self.index, parent, target)  # type: ignore[union-attr]
                    if rewraps(self.index, self._facts, value, target.attr):
                        continue  # (``self.conv = spectral_norm(self.conv)``: the module it held)
                    self._stores.setdefault(found, {}).setdefault(target.attr, []).append((value, scope, target))
            for call, scope, owner, fact in self._storing_calls():
                args = CallArgs.of(call)
                name, module = args.get(fact.name), args.get(fact.module)
                value = module.expr if isinstance(module, Bound) and not isinstance(module.expr, ast.Starred) else None
                if isinstance(name, Bound) and isinstance(name.expr, ast.Constant) and isinstance(name.expr.value, str):
                    self._stores.setdefault(owner, {}).setdefault(name.expr.value, []).append((value, scope, call))
                    continue
                held = name.expr.attr if isinstance(name, Bound) and type(name.expr) is ast.Attribute and self.method_owner(
                    name.expr.value, scope) is owner else None  # type: ignore[attr-defined]
                if held is not None:  # ``self.add_module(self.norm1_name, norm1)``: read back by the name it holds
                    self._stores.setdefault(owner, {}).setdefault(stored_by(held), []).append((value, scope, call))
                starts = _held_starts(self.index, self._facts, self._stores[owner].get(held, [])) if held is not None else (
                    self.name_start(name.expr, scope) if isinstance(name, Bound) else "",)
                self._unnamed.setdefault(owner, []).extend((start, value, scope) for start in starts)
        return self._stores

    def _storing_calls(self) -> Iterator[tuple[ast.Call, Scope, ast.ClassDef, StoresModule]]:
        """``self.add_module(name, module)`` in a class's methods, and ``setattr(self, name, module)`` where the
        module does not bind ``setattr``."""
        source = self.index.source
        methods = {name: fact for name, fact in self._methods.items() if source is None or name in source.text}
        for call, scope in self.index.calls if methods else ():
            func = call.func
            fact = methods.get(called_name(call))
            if fact is None or (fact.receiver is None) is not (type(func) is ast.Attribute):  # type: ignore[union-attr]
                continue
            if fact.receiver is None:  # type: ignore[union-attr]
                receiver: ast.expr | None = func.value  # type: ignore[union-attr]
            else:
                given = CallArgs.of(call).get(fact.receiver)  # type: ignore[union-attr]
                builtin = self.builtin(func.id, scope)  # type: ignore[union-attr]
                receiver = given.expr if isinstance(given, Bound) and builtin else None
            owner = self.method_owner(receiver, scope) if receiver is not None else None
            if owner is not None:
                yield call, scope, owner, fact  # type: ignore[misc]

    def builtin(self, name: str, scope: Scope) -> bool:
        """``name`` read in ``scope`` is Python's builtin: nothing of the module defines, imports or binds it."""
        index = self.index
        return not (index.bound(name, scope) or name in index.functions or name in index.classes
                    or index.imports.imported(name) is not None)

    def name_start(self, expr: ast.expr, scope: Scope) -> str:
        """What a name that is no literal begins with, where it is written or where the one variable holding it is
        assigned: ``f"layer{i}"`` -> ``layer``; "" when it may be anything."""
        if isinstance(expr, ast.Name):
            binding = self.index.single_binding(self.index.home(expr.id, scope), expr.id)
            parent = self.index.parents.get(binding) if binding is not None else None
            expr = parent.value if isinstance(parent, ast.Assign) and parent.targets == [binding] else None
        return _written_start(expr)

    def family(self, owner: ast.ClassDef, start: str) -> list[tuple[ast.expr | None, Scope]]:
        """Every value the class stores under a name that may begin with ``start`` (``self.add_module("conv" +
        str(i), ...)`` for ``start`` "conv"; None: not a plain value)."""
        found = [
            (value, scope) for attr, stored in self.attributes_of(owner).items() if attr.startswith(start)
            for value, scope, _ in stored
        ]
        return found + [
            (value, scope) for begun, value, scope in self._unnamed.get(owner, ()) if overlap(begun, start)
        ]

    def subclasses(self, name: str) -> list[ast.ClassDef]:
        """The module-level classes of the file that name the class ``name`` as a base."""
        if self._subclasses is None:
            self._subclasses = {}
            for other in self.index.classes.values():
                for base in other.bases:
                    if isinstance(base, ast.Name):
                        self._subclasses.setdefault(base.id, []).append(other)
        return self._subclasses.get(name, [])

    def holder(self, owner: ast.ClassDef, attr: str) -> ast.ClassDef | None:
        """The class whose methods set ``self.attr`` for an instance of ``owner``: ``owner`` when it sets it itself,
        else the nearest base of the file that does (``Sub(Base)`` applying the ``self.conv`` that ``Base.__init__``
        built), found only through bases of the file, ``nn.Module`` and ``object``, which set nothing else; None
        when a base on the way may set it unseen or two bases set it."""
        if self._sets(owner, attr):
            return owner
        setters: list[ast.ClassDef] = []
        for cls in self._local_bases(owner):
            if cls is None:
                return None
            if self._sets(cls, attr):
                setters.append(cls)
        return setters[0] if len(setters) == 1 else None

    def _sets(self, cls: ast.ClassDef, attr: str) -> bool:
        """The class sets the attribute: in a method, or at class level."""
        return bool(self.attribute_values(cls, attr) or self.index.bindings(self.index.scope_of[cls], attr)[0])

    def descendants(self, owner: ast.ClassDef) -> list[ast.ClassDef]:
        """The class and every class of the file deriving from it, at any depth."""
        found, pending = [owner], [owner]
        while pending and len(found) < 64:
            for sub in self.subclasses(pending.pop().name):
                if sub not in found:
                    found.append(sub)
                    pending.append(sub)
        return found

    def _local_bases(self, owner: ast.ClassDef) -> list[ast.ClassDef | None]:
        """The bases of a class defined in the file, at any depth (None for a base that is neither the file's nor
        ``object`` nor the framework's module class)."""
        found: list[ast.ClassDef | None] = []
        pending = [owner]
        while pending and len(found) < 8:
            for base in pending.pop().bases:
                if self._inert(self.index.imports, base):
                    continue
                local = self.index.classes.get(base.id) if isinstance(base, ast.Name) else None
                if local is None or self.index.bound(base.id, self.index.module):
                    return [None]
                if local not in found and local is not owner:
                    found.append(local)
                    pending.append(local)
        return found

    def foreign_holder(self, flow: Questions, owner: ast.ClassDef, attr: str) -> tuple[ast.ClassDef, Questions] | None:
        """The base class of another module of the project whose methods set ``self.attr`` for an instance of
        ``owner`` (``Sub(Base)`` applying the ``self.conv`` that ``Base.__init__`` in ``base.py`` built): when it
        alone on the way sets it, in one place, and neither it nor a class of its module deriving from it applies
        it, nor does code outside the class store it."""
        if self.overridden(owner, attr) or self.stored_elsewhere(attr):
            return None
        setters = [(cls, home) for cls, home in self._lineage(flow, owner, attr) if home.attribute_values(cls, attr)]
        if len(setters) != 1 or setters[0][1] is flow:
            return None
        cls, home = setters[0]
        if len(home.attribute_values(cls, attr)) != 1 or home.stored_elsewhere(attr):
            return None
        family = home.descendants(cls)
        if any(load.attr == attr and home.method_owner(load.value, scope) in family
               for load, scope in home.index.attribute_loads):  # type: ignore[attr-defined]
            return None  # applied in its own module too: two ways of using one construction
        return cls, home

    def overridden(self, owner: ast.ClassDef, attr: str) -> bool:
        """A subclass in the file that sets the attribute."""
        return any(self._sets(other, attr) for other in self.subclasses(owner.name))

    def self_attribute(self, flow: Questions, owner: ast.ClassDef, attr: str, depth: int) -> list[Origin] | None:
        """Every value ``self.attr`` may hold: what the methods assign, and the class-level binding; also those of
        its bases in the project (``Base.__init__`` sets ``self.weight_decay`` for the subclass), when every base
        on the way is the project's or the framework's module class."""
        if self.overridden(owner, attr) or self.stored_elsewhere(attr):
            return None  # a subclass, or code outside the class (trainer.x = ...), may set it
        found: list[Origin] = []
        for cls, home in self._lineage(flow, owner):
            if home is not flow and home.stored_elsewhere(attr):
                return None
            class_scope = home.index.scope_of.get(cls)
            class_level = home.index.bindings(class_scope, attr)[0] if class_scope is not None else []
            note = home.located(f"self.{attr}")  # "self.weight_decay in pkg/base.py" when set in another module
            for value, scope in self.live_values(home, cls, attr):
                origins = home.origins_at(value, scope, None, depth + 1, note) if value is not None else None
                if origins is None:
                    return None
                found += origins
            for event in class_level:
                named = home.located(f"{cls.name}.{attr}")
                origins = home.binding(event.node, class_scope, depth + 1, named)  # type: ignore[arg-type]
                if origins is None:
                    return None
                found += origins
        return found or None  # None: set by a base class outside the project, a setattr, or not at all

    def live_values(self, home: Questions, cls: ast.ClassDef, attr: str) -> list[tuple[ast.expr | None, Scope]]:
        """The values of ``self.x`` whose statement may run: of ``if use_bn: self.bn = nn.BatchNorm2d(c)`` ``else:
        self.bn = nn.Identity()``, the one the flag's callers or default take (all of them while a test on the
        way asks about the same attribute)."""
        values = home.attribute_values(cls, attr)
        if len(values) < 2 or (cls, attr) in self._deciding:
            return values
        self._deciding.add((cls, attr))
        try:
            return [
                (value, scope) for value, scope in values
                if value is None or not in_branch(home.index, value) or home.runs(value, scope, None) is not False
            ]
        finally:
            self._deciding.discard((cls, attr))

    def _lineage(self, flow: Questions, owner: ast.ClassDef, sets: str | None = None) -> list[tuple[ast.ClassDef, Questions]]:
        """The class and its bases that the project defines, nearest first, each with its module's flow; the class
        alone when a base on the way is neither the project's nor the framework's module class (``nn.Module``),
        which may set anything.  With ``sets``, a base of another module whose text shows that neither it nor a
        base of it sets ``self.sets`` is left out unparsed."""
        lineage, pending = [(owner, flow)], [(owner, flow)]
        while pending and len(lineage) < 8:
            cls, home = pending.pop()
            for base in cls.bases:
                found = self._base(home, base, sets)
                if found is None:
                    return [(owner, flow)]
                if found is not INERT and all(found[0] is not seen for seen, _ in lineage):
                    lineage.append(found)  # type: ignore[arg-type]
                    pending.append(found)  # type: ignore[arg-type]
        return lineage

    def _base(self, home: Questions, base: ast.expr, sets: str | None = None) -> tuple[ast.ClassDef, Questions] | object | None:
        """A base class as the module ``home`` names it: the project's class with its module's flow, ``INERT``
        (``object``, the framework's module class: neither sets an attribute a subclass names; with ``sets``, also
        a class of another module that sets no ``self.sets``, by its text), or None."""
        if self._inert(home.imports, base):
            return INERT
        if not isinstance(base, ast.Name):
            return None
        local = home.index.classes.get(base.id)
        if local is not None:
            return local, home
        imported = home.imported_class(base.id, home.index.module) if sets is not None else None
        if imported is not None and not imported[0].may_set(imported[1], sets, tuple(self._methods), self._inert_texts()):
            return INERT
        return home.class_named(base.id, home.index.module)

    def _inert_texts(self) -> frozenset[str]:
        """How a module's text names a base that sets nothing: ``object``, ``torch.nn.Module``, ``nn.Module``."""
        return per_table(_INERT_TEXTS, self._facts, _inert_texts)

    def _inert(self, imports: ImportMap, base: ast.expr) -> bool:
        """A base that sets no attribute its subclasses name: ``object``, or the framework's module class."""
        if isinstance(base, ast.Name) and base.id == "object":
            return True
        name = imports.resolve(base)
        return name is not None and isinstance(self._facts.get(name), ModuleBase)


def _inert_texts(facts: Mapping[str, Fact]) -> frozenset[str]:
    names = [name for name, fact in facts.items() if isinstance(fact, ModuleBase)]
    return frozenset({"object", *names, *(".".join(name.split(".")[-2:]) for name in names)})


_INERT_TEXTS: dict[int, tuple[Mapping[str, Fact], frozenset[str]]] = {}


def _method_self(scope: Scope) -> tuple[ast.ClassDef | None, str | None]:
    method = scope.node
    if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None, None
    owner = scope.parent.node if scope.parent is not None else None
    params = method.args.posonlyargs + method.args.args
    if not isinstance(owner, ast.ClassDef) or not params:
        return None, None
    if any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in method.decorator_list):
        return None, None
    return owner, params[0].arg


def _single_target(parent: ast.AST, target: ast.AST) -> bool:
    if isinstance(parent, ast.Assign):
        return parent.targets == [target]
    return isinstance(parent, ast.AnnAssign) and parent.target is target and parent.value is not None


def _unpacked(index: Index, targets: ast.AST | None, target: ast.expr) -> ast.expr | None:
    """``self.conv, self.bn = nn.Conv2d(c, c, 3), nn.BatchNorm2d(c)``: the value written in the target's place."""
    assign = index.parents.get(targets) if isinstance(targets, (ast.Tuple, ast.List)) else None
    if not isinstance(assign, ast.Assign) or assign.targets != [targets]:
        return None
    values, places = assign.value, targets.elts  # type: ignore[union-attr]
    if not isinstance(values, (ast.Tuple, ast.List)) or len(values.elts) != len(places):
        return None
    if any(isinstance(node, ast.Starred) for node in (*values.elts, *places)):
        return None
    return values.elts[next(i for i, place in enumerate(places) if place is target)]


def _written_start(expr: ast.expr | None) -> str:
    """The literal text a string built at run time begins with: ``f"layer{i}"``, ``"layer%d" % i``,
    ``"layer{}".format(i)`` and ``"layer" + str(i)`` all begin with ``layer``; "" when unknown."""
    if isinstance(expr, ast.JoinedStr) and expr.values:
        first = expr.values[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    if isinstance(expr, ast.BinOp) and isinstance(expr.left, ast.Constant) and isinstance(expr.left.value, str):
        text = expr.left.value
        if isinstance(expr.op, ast.Mod):
            return text.partition("%")[0]
        return text if isinstance(expr.op, ast.Add) else ""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = expr.func.value
        if isinstance(template, ast.Constant) and isinstance(template.value, str):
            return template.value.partition("{")[0]
    return ""


def _held_starts(index: Index, facts: Mapping[str, Fact], stores: list[Stored]) -> tuple[str, ...]:
    """What the name an attribute holds may begin with, from its ``stores``: what a builder of a layer and its name
    says of the name (``self.norm1_name, norm1 = build_norm_layer(cfg, c, postfix=1)``), where it is set there alone."""
    target = stores[0][2] if len(stores) == 1 else None
    places = index.parents.get(target) if target is not None else None
    assign = index.parents.get(places) if isinstance(places, (ast.Tuple, ast.List)) else None
    if not (isinstance(assign, ast.Assign) and assign.targets == [places] and isinstance(assign.value, ast.Call)):
        return ("",)
    name = index.imports.resolve(assign.value.func)
    fact = facts.get(name) if name else None
    elts = places.elts  # type: ignore[union-attr]
    if not isinstance(fact, NamedLayer) or len(elts) <= fact.item or elts[fact.item] is not target:
        return ("",)
    suffix = CallArgs.of(assign.value).get(fact.suffix)
    given = suffix.expr if isinstance(suffix, Bound) else None
    if isinstance(given, ast.Constant) and type(given.value) in (int, str):  # (``postfix=1``: "bn1", not "bn2")
        return tuple(f"{start}{given.value}" for start in fact.starts)
    return fact.starts  # (whatever follows, the name begins so)


def rewraps(index: Index, facts: Mapping[str, Fact], value: ast.expr | None, attr: str) -> bool:
    """``self.conv = spectral_norm(self.conv)``, ``self.bn = nn.SyncBatchNorm.convert_sync_batchnorm(self.bn)``: a
    store of the module ``self.<attr>`` already holds, through a function that returns the module it is given."""
    if type(value) is not ast.Call:
        return False
    name = index.imports.resolve(value.func)  # type: ignore[union-attr]
    fact = facts.get(name) if name else None
    given = CallArgs.of(value).get(fact.module) if isinstance(fact, ReturnsModule) else None  # type: ignore[arg-type]
    expr = given.expr if isinstance(given, Bound) else None
    return type(expr) is ast.Attribute and expr.attr == attr and type(expr.value) is ast.Name  # type: ignore[union-attr]


def stored_by(attr: str) -> str:
    """Where ``self.attributes_of`` keeps the modules stored under the name ``self.<attr>`` holds (no attribute's name:
    the name itself is known only at run time)."""
    return f"<{attr}>"


def overlap(one: str, other: str) -> bool:
    """Two names so begun may be the same name."""
    return one.startswith(other) or other.startswith(one)
