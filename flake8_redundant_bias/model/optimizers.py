"""Which optimizer class a call builds, and the weight decay it is built with.

``optimizer_class = bnb.optim.AdamW8bit if args.use_8bit else torch.optim.AdamW``
then ``optimizer_class(...)`` builds one of two classes; every alternative is
returned, and a variable with any binding the tables do not know yields None.
A decay is a number on every path (the row's default where the call leaves it),
or unknown.
"""

from __future__ import annotations

import ast
from typing import Mapping, NamedTuple

from ..knowledge.schema import Arg, Optimizer, Spec
from .flow.service import Flow
from .gates import Words
from .index import Index, Scope
from .values import ABSENT, Bound, CallArgs, Number


class OptimizerClass(NamedTuple):
    name: str  # qualified
    spec: Optimizer

    @property
    def short(self) -> str:
        return self.name.rpartition(".")[2]


class Optimizers:
    def __init__(self, index: Index, specs: Mapping[str, Spec], flow: Flow, words: Words | None) -> None:
        self.index = index
        self.specs = specs
        self.flow = flow
        self._words = words

    def built_by(self, call: ast.Call, scope: Scope) -> list[OptimizerClass] | None:
        """Every optimizer class the called expression may be; None if any is not a known optimizer."""
        name = self.index.imports.resolve(call.func)
        if name is None and not isinstance(call.func, (ast.Name, ast.IfExp, ast.Call)):
            return None
        words = self._words
        if words is not None and self.flow.follows_imports() and isinstance(call.func, ast.Name):
            if not self.flow.imported_value_spells(call.func.id, words.optimizers):
                return None  # from .config import build_model: not an assignment naming an optimizer
        origins = [(call.func, scope)] if name is not None else [
            (o.expr, o.scope) for o in self.flow.origins(call.func, scope) or ()
        ]
        found: list[OptimizerClass] = []
        for expr, where in origins:
            names = self.flow.named(expr, where)
            if not names:
                return None
            for qualified in names:
                spec = self.specs.get(qualified)
                if not isinstance(spec, Optimizer):
                    return None
                found.append(OptimizerClass(qualified, spec))
        return found or None

    def decay(self, classes: list[OptimizerClass], args: CallArgs, scope: Scope) -> Number | None:
        """The decay every alternative class applies, when all agree it is non-zero (or all give it 0)."""
        found: list[Number] = []
        for option in classes:
            numbers = self.decay_values(option.spec.decay, args, scope)
            if numbers is None:
                return None
            found += numbers
        return agreed(found)

    def decay_values(self, decay: Arg, args: CallArgs, scope: Scope) -> list[Number] | None:
        """Every value a call's decay argument may hold (its default when absent); None when any is not a number."""
        bound = args.get(decay)
        if bound is ABSENT:
            default = decay.default
            if isinstance(default, bool) or not isinstance(default, (int, float)):
                return None
            return [Number(default, "its default")]
        if not isinstance(bound, Bound):
            return None
        return self.flow.numbers(bound.expr, bound.scope or scope, bound.env)


def agreed(numbers: list[Number]) -> Number | None:
    """One decay for a message when every possible value is non-zero (or every one is zero)."""
    if not numbers:
        return None
    if all(n.value == 0 for n in numbers):
        return numbers[0]
    if not all(n.value != 0 for n in numbers):
        return None
    values = list(dict.fromkeys(n.value for n in numbers))
    notes = {n.origin for n in numbers}
    return Number(values[0], notes.pop() if len(notes) == 1 else "", tuple(values[1:]))
