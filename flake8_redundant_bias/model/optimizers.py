"""Which optimizer class a call builds: by name, or through a variable.

``optimizer_class = bnb.optim.AdamW8bit if args.use_8bit else torch.optim.AdamW``
then ``optimizer_class(...)`` builds one of two classes; every alternative is
returned, and a variable with any binding the tables do not know yields None.
"""

from __future__ import annotations

import ast
from typing import Mapping, NamedTuple

from .flow import Flow, resolved
from ..knowledge.schema import Optimizer, Spec
from .index import Index, Scope


class OptimizerClass(NamedTuple):
    name: str  # qualified
    spec: Optimizer

    @property
    def short(self) -> str:
        return self.name.rpartition(".")[2]


class Optimizers:
    def __init__(self, index: Index, specs: Mapping[str, Spec], flow: Flow) -> None:
        self.index = index
        self.specs = specs
        self.flow = flow

    def built_by(self, call: ast.Call, scope: Scope) -> list[OptimizerClass] | None:
        """Every optimizer class the called expression may be; None if any is not a known optimizer."""
        name = self.index.imports.resolve(call.func)
        if name is None and not isinstance(call.func, (ast.Name, ast.IfExp)):
            return None
        words = self.flow.words
        if words is not None and self.flow.project is not None and isinstance(call.func, ast.Name):
            if not self.flow.imported_value_spells(call.func.id, words.optimizers):
                return None  # from .config import build_model: not an assignment naming an optimizer
        origins = [(call.func, scope)] if name is not None else [
            (o.expr, o.scope) for o in self.flow.origins(call.func, scope) or ()
        ]
        found: list[OptimizerClass] = []
        for expr, where in origins:
            qualified = resolved(expr, where)
            spec = self.specs.get(qualified) if qualified else None
            if not isinstance(spec, Optimizer):
                return None
            found.append(OptimizerClass(qualified, spec))  # type: ignore[arg-type]
        return found or None
