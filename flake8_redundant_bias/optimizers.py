"""Which optimizer class a call builds: by name, or through a variable.

``optimizer_class = bnb.optim.AdamW8bit if args.use_8bit else torch.optim.AdamW``
then ``optimizer_class(...)`` builds one of two classes; every alternative is
returned, and a variable with any binding the tables do not know yields None.
"""

from __future__ import annotations

import ast
from typing import Mapping, NamedTuple

from .flow import Flow, resolved
from .knowledge import Optimizer, Spec
from .scopes import Index, Scope


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
        self._optimizer_words: tuple[str, ...] | None = None

    def _words(self) -> tuple[str, ...]:
        if self._optimizer_words is None:
            self._optimizer_words = tuple({n.rpartition(".")[2] for n, s in self.specs.items() if isinstance(s, Optimizer)})
        return self._optimizer_words

    def built_by(self, call: ast.Call, scope: Scope) -> list[OptimizerClass] | None:
        """Every optimizer class the called expression may be; None if any is not a known optimizer."""
        name = self.index.imports.resolve(call.func)
        if name is None and not isinstance(call.func, (ast.Name, ast.IfExp)):
            return None
        if isinstance(call.func, ast.Name) and not self.flow.imported_value_spells(call.func.id, self._words()):
            return None
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
