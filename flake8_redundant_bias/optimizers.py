"""Which optimizer class a call builds: by name, or through a variable.

``optimizer_class = bnb.optim.AdamW8bit if args.use_8bit else torch.optim.AdamW``
then ``optimizer_class(...)`` builds one of two classes; every alternative is
returned, and a variable with any binding the tables do not know yields None.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Mapping

from .knowledge import Optimizer, Spec
from .scopes import Index, Scope

DEPTH = 4


@dataclass(frozen=True)
class OptimizerClass:
    name: str  # qualified
    spec: Optimizer

    @property
    def short(self) -> str:
        return self.name.rpartition(".")[2]


class Optimizers:
    def __init__(self, index: Index, specs: Mapping[str, Spec]) -> None:
        self.index = index
        self.specs = specs

    def built_by(self, call: ast.Call, scope: Scope) -> list[OptimizerClass] | None:
        return self._classes(call.func, scope, 0)

    def _classes(self, expr: ast.expr, scope: Scope, depth: int) -> list[OptimizerClass] | None:
        if depth > DEPTH:
            return None
        name = self.index.imports.resolve(expr)
        if name is not None:
            spec = self.specs.get(name)
            return [OptimizerClass(name, spec)] if isinstance(spec, Optimizer) else None
        if isinstance(expr, ast.IfExp):
            body, orelse = self._classes(expr.body, scope, depth + 1), self._classes(expr.orelse, scope, depth + 1)
            return body + orelse if body is not None and orelse is not None else None
        if isinstance(expr, ast.Name):
            return self._variable(expr.id, scope, depth)
        return None

    def _variable(self, name: str, scope: Scope, depth: int) -> list[OptimizerClass] | None:
        """Every class a local variable is assigned, when each assignment is a known class."""
        if name in scope.escaped:
            return None
        stores, _ = self.index.bindings(scope, name)
        if not stores:
            return None
        found: list[OptimizerClass] = []
        for event in stores:
            parent = self.index.parents.get(event.node)
            if not (isinstance(parent, ast.Assign) and parent.targets == [event.node]):
                return None
            classes = self._classes(parent.value, scope, depth + 1)
            if classes is None:
                return None
            found += classes
        return found
