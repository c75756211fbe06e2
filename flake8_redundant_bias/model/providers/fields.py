"""Field defaults: ``cfg.lr`` where ``cfg`` is a class of the project, or an instance built without ``lr``.

A plain class's class attribute, or a dataclass field (also ``field(default=...)``,
and passed by position in the order the fields are declared): the default is what
``cfg.lr`` holds unless some code assigns ``obj.lr = ...``, the class's methods or
a subclass set it, or (for a plain class) a base class may.  A field whose default
is built by a factory (``optim: OptimConfig = field(default_factory=OptimConfig)``)
holds a new instance of it, whose own fields are read the same way
(``cfg.optim.weight_decay``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ...knowledge.schema import ClassFields
from ..imports import ImportMap
from ..index import Index, Scope
from ..values import Env, Origin
from .base import PASS, Provider

if TYPE_CHECKING:  # the service's interface, for the types only
    from ..flow.questions import Questions


class Fields(Provider):
    order = 1

    def __init__(self, row: ClassFields, index: Index, imports: ImportMap) -> None:
        self.row = row
        self.index = index
        self.imports = imports
        self._built: dict[ast.expr, ast.Call] = {}  # a field's factory -> the call of it its default stands for

    def attribute(self, flow: Questions, expr: ast.Attribute, scope: Scope, env: Env | None, depth: int) -> object:
        base = expr.value
        if not isinstance(base, (ast.Name, ast.Attribute)):
            return PASS
        found = self._field(flow, base, expr.attr, scope, env, depth)
        return PASS if found is None else found

    def _field(
        self, flow: Questions, base: ast.Name | ast.Attribute, attr: str, scope: Scope, env: Env | None, depth: int,
    ) -> list[Origin] | None:
        if flow.stored_elsewhere(attr):
            return None  # some code assigns obj.x = ...: a default may not be what it holds
        if isinstance(base, ast.Name) and not _may_bind(flow, base.id, scope, attr):
            return None
        named = flow.class_named(base.id, scope) if isinstance(base, ast.Name) else None
        if named is not None:
            return _located(named[1], named[1].class_default(named[0], attr, depth))
        origins = flow.origins_at(base, scope, env, depth + 1, "")
        if not origins:
            return None
        found: list[Origin] = []
        for origin in origins:
            built = origin.expr
            if not (isinstance(built, ast.Call) and isinstance(built.func, ast.Name)):
                return None
            home = flow.flow_of(origin.scope)
            if not _may_bind(home, built.func.id, origin.scope, attr):
                return None
            named = home.class_named(built.func.id, origin.scope)
            if named is None or _passes_field(named[0], attr, built) is not False:
                return None
            fields = _located(named[1], named[1].class_default(named[0], attr, depth))
            if fields is None:
                return None
            found += fields
        return found

    def class_default(self, flow: Questions, owner: ast.ClassDef, attr: str, depth: int) -> object:
        """The class-level value of ``attr``: a dataclass field default or a class attribute."""
        scope = self.index.scope_of.get(owner)
        if scope is None or flow.attribute_values(owner, attr) or flow.overridden(owner, attr):
            return None
        if owner.bases and not self._dataclass(owner):
            return None  # a base class may set it
        binding = self.index.single_binding(scope, attr)
        parent = self.index.parents.get(binding) if binding is not None else None
        value = getattr(parent, "value", None)
        if value is None:
            return None
        if isinstance(value, ast.Call) and self.imports.resolve(value.func) in self.row.factories:
            default = next((k.value for k in value.keywords if k.arg == self.row.default), None)
            factory = next((k.value for k in value.keywords if k.arg == self.row.factory), None)
            if default is None and isinstance(factory, ast.Name):
                default = self._instance(factory)
            if default is None:
                return None
            value = default
        return flow.origins_at(value, scope, None, depth + 1, f"the default of {owner.name}.{attr}")

    def _instance(self, factory: ast.Name) -> ast.Call:
        """``OptimConfig()``, as the field's factory builds it: one node per factory, kept so that what is learned
        of it is learned once."""
        found = self._built.get(factory)
        if found is None:
            found = self._built[factory] = ast.copy_location(ast.Call(factory, [], []), factory)
        return found

    def _dataclass(self, owner: ast.ClassDef) -> bool:
        for decorator in owner.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if self.imports.resolve(target) in self.row.decorators:
                return True
        return False


def _located(flow: Questions, found: list[Origin] | None) -> list[Origin] | None:
    """A default noted with the module it is read in, when that is not the linted file."""
    if found is None or not flow.shown:
        return found
    return [o._replace(note=flow.located(o.note)) for o in found]


def _passes_field(owner: ast.ClassDef, attr: str, call: ast.Call) -> bool | None:
    """Whether a constructor call gives ``attr``: by keyword, or by position for a dataclass."""
    if any(k.arg is None for k in call.keywords) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if any(k.arg == attr for k in call.keywords):
        return True
    if not call.args:
        return False
    fields = [s.target.id for s in owner.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    if attr in fields:
        return fields.index(attr) < len(call.args)
    return None


def _may_bind(flow: Questions, name: str, scope: Scope, attr: str) -> bool:
    """A class imported from the project binds ``attr`` in its body, by its text: a class that does not has no
    default for it, and its module is not parsed to learn so."""
    imported = flow.imported_class(name, scope)
    return imported is None or imported[0].may_bind(imported[1], attr)
