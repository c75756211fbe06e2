"""Modules a class stores under names built at run time (``self.add_module(f"conv{i}", ...)``,
``setattr(self, "conv%d" % i, ...)``) and reads back by such a name (``self._modules["conv" + str(i)]``,
``getattr(self, f"conv{i}")``): the one construction every module stored under a name so begun is."""

from __future__ import annotations

import ast
from typing import Mapping

from ..knowledge.schema import Fact, ModuleTable
from .flow.members import overlap
from .flow.service import Flow
from .index import Index, Scope
from .layers import Layer, Layers, built_by_store


class Families:
    def __init__(self, index: Index, flow: Flow, layers: Layers, methods: Mapping[str, Fact]) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers
        self.tables = {name for name, fact in methods.items() if isinstance(fact, ModuleTable)}

    def element(self, expr: ast.Subscript | ast.Call, scope: Scope) -> Layer | None:
        """``self._modules["conv" + str(i)]`` or ``getattr(self, f"conv{i}")``: the one construction every module
        stored under a name so begun is, when the class reads such a name in one place only."""
        read = self._read(expr, scope)
        if read is None:
            return None
        owner, name = read
        start = self.flow.name_start(name, scope)
        reads = self._reads().get(owner, ()) if start else ()  # type: ignore[call-overload]
        if sum(1 for begun in reads if overlap(begun, start)) != 1:
            return None
        stores = self.flow.family(owner, start)  # type: ignore[arg-type]
        if len(stores) != 1 or stores[0][0] is None:
            return None
        return built_by_store(self.layers, *stores[0])  # type: ignore[arg-type]

    def _read(self, expr: ast.expr, scope: Scope) -> tuple[ast.ClassDef, ast.expr] | None:
        """The class and the name of a read by name of a module it stores: ``self._modules[name]``, or
        ``getattr(self, name)`` with Python's builtin."""
        if isinstance(expr, ast.Subscript):
            table = expr.value
            if not isinstance(table, ast.Attribute) or table.attr not in self.tables:
                return None
            receiver, name = table.value, expr.slice
        elif isinstance(expr, ast.Call) and len(expr.args) == 2 and not expr.keywords:
            return getattr_read(self.flow, expr, scope)
        else:
            return None
        owner = self.flow.method_owner(receiver, scope)
        return (owner, name) if owner is not None else None

    def _reads(self) -> dict[ast.ClassDef, list[str]]:
        """What each name built at run time that a class reads a module by begins with (once per module)."""
        def count() -> dict[ast.ClassDef, list[str]]:
            found: dict[ast.ClassDef, list[str]] = {}
            source = self.index.source
            reads = [
                (parent, scope) for load, scope in self.index.attribute_loads if self.tables and load.attr in self.tables
                for parent in [self.index.parents.get(load)] if isinstance(parent, ast.Subscript) and parent.value is load
            ]
            if source is None or "getattr" in source.text:
                reads += [(call, scope) for call, scope in self.index.calls_of("getattr")]
            for expr, scope in reads:
                read = self._read(expr, scope)
                if read is not None:
                    owner, name = read
                    literal = name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None
                    found.setdefault(owner, []).append(literal if literal is not None else self.flow.name_start(name, scope))
            return found
        return self.index.derived("module table reads", count)


def getattr_read(flow: Flow, call: ast.Call, scope: Scope) -> tuple[ast.ClassDef, ast.expr] | None:
    """``getattr(self, name[, default])`` with Python's builtin: the class and the name."""
    func = call.func
    if type(func) is not ast.Name or func.id != "getattr" or len(call.args) < 2 or not flow.builtin("getattr", scope):
        return None
    owner = flow.method_owner(call.args[0], scope)
    return (owner, call.args[1]) if owner is not None else None
