"""Names that lead into the project's other modules: ``from .config import WEIGHT_DECAY``, ``config.WD``,
``from models.layers import conv_bn``.

A value read in another module is answered by that module's flow service, and
its note says where it was read (``... in config.py``), once: the innermost
module wins.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..imports import ImportMap
from ..index import Index, Scope
from ..project import Source
from ..values import Origin

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Definition, Modules, Questions


class Links:
    __slots__ = ("index", "imports", "modules", "path", "shown", "_found", "_spells")

    def __init__(self, index: Index, imports: ImportMap, modules: Modules | None, path: str, shown: str) -> None:
        """``modules``: None when the project is not read (stdin, or following imports switched off)."""
        self.index = index
        self.imports = imports
        self.modules = modules
        self.path = path
        self.shown = shown  # how messages name this module, when it is not the linted file
        self._found: dict[str, tuple[Source, str | None] | None] = {}  # an imported name -> where it is defined
        self._spells: dict[tuple[str, tuple[str, ...]], bool] = {}  # (an imported name, words) -> its assignment spells one

    def unbound(self, name: str, scope: Scope) -> bool:
        """No scope the read can see binds ``name`` (an import binds nothing the index records)."""
        home = self.index.home(name, scope)
        return name not in home.escaped and not self.index.bindings(home, name)[0]

    def foreign(self, local: str) -> tuple[Source, str | None] | None:
        """The project module (and the name in it) that a module-level import binds ``local`` to."""
        if local in self._found:
            return self._found[local]
        target = self.imports.imported(local) if self.modules is not None else None
        found = self.modules.find(self.path, target) if target is not None else None  # type: ignore[union-attr]
        self._found[local] = found
        return found

    def imported(self, local: str, depth: int) -> list[Origin] | None:
        """``from .config import WEIGHT_DECAY``: what the other module binds the name to."""
        found = self.foreign(local)
        if found is None or found[1] is None:
            return None
        return self._exported(found[0], found[1], depth + 1)

    def module_attribute(self, flow: Questions, base: ast.Name, attr: str, scope: Scope, depth: int) -> list[Origin] | None:
        """``config.WEIGHT_DECAY`` after ``from . import config`` or ``import config``."""
        if self.modules is None or not self.unbound(base.id, scope):
            return None
        found = self.foreign(base.id)
        if found is None or found[1] is not None:
            return None
        return self._exported(found[0], attr, depth + 1)

    def _exported(self, source: Source, name: str, depth: int) -> list[Origin] | None:
        """What another module binds ``name`` to, parsing only the module whose text assigns it."""
        assigned = source.assigned(name)
        if assigned is None or self.modules is None:
            return None  # not found, or a function or class: not a value
        other = self.modules.module_flow(assigned[0])
        return exported(other, self.modules, assigned[1], depth) if other is not None else None

    def located(self, note: str) -> str:
        """A note that says which module the value was read in, once (the innermost module wins)."""
        if not self.shown or note.endswith(".py"):
            return note
        return f"{note} in {self.shown}"

    def definition(
        self, func: ast.expr, words: tuple[str, ...] = (), layer: bool = False, also: tuple[str, ...] = (),
    ) -> Definition | None:
        """The function or class an imported name (``conv_bn``) or module attribute (``layers.conv_bn``) is.

        ``words``, ``layer``, ``also``: what the definition's text must spell to be worth a parse
        (``Source.definable``).
        """
        if isinstance(func, ast.Name):
            found = self.foreign(func.id)
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            holder = self.foreign(func.value.id)
            found = (holder[0], func.attr) if holder is not None and holder[1] is None else None
        else:
            return None
        if found is None or found[1] is None or self.modules is None:
            return None
        return self.modules.definition(found[0], found[1], words, layer, also)

    def imported_value_spells(self, local: str, words: tuple[str, ...]) -> bool:
        """False when ``local`` is imported from a project module whose assignment of it spells none of the words.

        ``from .config import OPTIMIZER``: only an assignment that names an optimizer can make the call one,
        and a module is not parsed to learn that ``Weights`` or ``build_model`` is something else.
        """
        if self.modules is None or self.imports.imported(local) is None:
            return True
        key = (local, words)
        if key not in self._spells:  # asked once per call of the name: answered once per file
            found = self.foreign(local)
            assigned = found[0].assigned(found[1]) if found is not None and found[1] is not None else None
            self._spells[key] = assigned is not None and any(word in assigned[2] for word in words)
        return self._spells[key]

    def imported_class(self, name: str, scope: Scope) -> tuple[Source, str] | None:
        """The module and name a class imported from the project is defined under, when ``name`` read in ``scope``
        means the import (not this module's class): its text answers some questions without a parse."""
        if name in self.index.classes or self.imports.imported(name) is None or not self.unbound(name, scope):
            return None
        found = self.foreign(name)
        return (found[0], found[1]) if found is not None and found[1] is not None else None

    def class_named(self, flow: Questions, name: str, scope: Scope) -> tuple[ast.ClassDef, Questions] | None:
        """The class a name means where it is read: this file's, or one imported from the project."""
        owner = self.index.classes.get(name)
        if owner is None and (self.modules is None or self.imports.imported(name) is None):
            return None  # neither this file's class nor an import of the project's
        if self.index.bound(name, scope):
            return None  # a local variable, not the class
        if owner is not None:
            return owner, flow
        found = self.definition(ast.Name(name, ast.Load()), (), False) if self.unbound(name, scope) else None
        if found is not None and isinstance(found[0], ast.ClassDef) and self.modules is not None:
            return found[0], self.modules.flow_of_tree(found[1])
        return None


def exported(flow: Questions, modules: Modules, name: str, depth: int) -> list[Origin] | None:
    """The value a module-level name of ``flow``'s module holds, as another module imports it."""
    with modules.asking(flow.path, name) as allowed:
        if not allowed or depth > 12:
            return None
        module = flow.index.module
        stores, _ = flow.index.bindings(module, name)
        if len(stores) > 1:  # an arm of a module-level ``if`` decided against never runs (``torch.__version__``)
            stores = [store for store in stores if flow.runs(store.node, module, None) is not False]  # type: ignore[arg-type]
        if name in module.escaped or not (len(stores) == 1 or _exclusive(flow.index, [store.node for store in stores])):
            return None  # re-exports are followed before the parse (Source.binding)
        origins: list[Origin] = []
        for store in stores:  # one, or one per branch of a module-level ``if``/``else``, of which one runs
            found = flow.binding(store.node, module, depth + 1, name)
            if found is None:
                return None
            origins += found
    return [o._replace(note=flow.located(o.note or name)) for o in origins]


def _exclusive(index: Index, targets: list[ast.AST]) -> bool:
    """Each target is assigned directly in its own branch of one module-level ``if``/``elif``/``else`` chain
    (HRNet's ``bn_helper``: ``if torch.__version__...: BatchNorm2d = ...`` / ``else: BatchNorm2d = ...``)."""
    branches, tops = set(), set()
    for target in targets:
        assign = index.parents.get(target)
        holder = index.parents.get(assign) if isinstance(assign, ast.Assign) else None
        if not isinstance(holder, ast.If):
            return False
        branches.add((holder, assign in holder.body))
        outer = index.parents.get(holder)
        while isinstance(outer, ast.If) and holder in outer.orelse:  # an ``elif``: up to the chain's first ``if``
            holder, outer = outer, index.parents.get(outer)
        if holder not in index.module.node.body:  # type: ignore[attr-defined]
            return False
        tops.add(holder)
    return len(tops) == 1 and len(branches) == len(targets)
