"""RB203/RB204/RB205 beyond PyTorch: decay that no mask or exclusion keeps off biases and norm weights.

Optax transforms and Keras optimizers are built without the parameters: they
decay every one they later meet, unless a mask is given (``mask=``), the
transform is applied to a chosen part (``optax.masked``,
``optax.multi_transform``), or the optimizer is told what to leave out
(``exclude_from_weight_decay``).  Keras layers may also penalize a bias or a
norm's weights themselves (``bias_regularizer=``).
"""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterable, Iterator, Mapping

from ..model.values import ABSENT, UNKNOWN, Bound, CallArgs, literal
from ..codes import CATALOGUE, RB205
from ..containment import Unit
from ..model.flow import Flow
from ..knowledge import NAMED_OPTIMIZER, OPTIMIZERS_BY_NAME
from ..knowledge.schema import Exempting, Forwarder, Norm, Optimizer, Producer, Spec
from ..model.index import Index, Scope
from ..diagnostics import Finding
from .weight_decay import agreed, decay_values


def trigger_words(
    specs: Mapping[str, Spec], aliases: Iterable[tuple[str, str]], named: Iterable[str],
) -> tuple[set[str], frozenset[str]]:
    """Words that alone make a part worth analysing, and the frameworks in whose files they count.

    A decay written out (``weight_decay=``), a transform that decays by default
    (``adamw(``), a forwarder (``inject_hyperparams(``), a regularizer argument,
    an optimizer named by a string (``"adamw"``).
    """
    words: set[str] = {f"{quote}{name}{quote}" for name in named for quote in "'\""}
    roots: set[str] = set()
    for name, spec in specs.items():
        short = name.rpartition(".")[2]
        if isinstance(spec, Optimizer) and spec.params is None:
            words.update([f"{spec.decay.keyword}=", *([f"{short}("] if spec.decay.default else [])])
        elif isinstance(spec, Forwarder):
            words.add(f"{short}(")
        elif isinstance(spec, (Producer, Norm)) and spec.penalties:
            words.update(arg.keyword for arg, _ in spec.penalties)
        else:
            continue
        roots.add(name.partition(".")[0])
    roots.update(other.partition(".")[0] for other, own in aliases if own.partition(".")[0] in roots)
    return words, frozenset(roots)


class UnexemptedDecay:
    def __init__(self, index: Index, specs: Mapping[str, Spec], flow: Flow) -> None:
        self.index = index
        self.specs = specs
        self.flow = flow

    def units(self) -> Iterator[Unit[Finding]]:
        """One unit of work per call."""
        for call, scope in self.index.calls:
            yield partial(self._check, call, scope)

    def _check(self, call: ast.Call, scope: Scope) -> Iterator[Finding]:
        found = self._optimizer(call, scope)
        if found is not None:
            yield from self._decay_finding(call, scope, *found)
            return
        name = self.index.imports.resolve(call.func)
        spec = self.specs.get(name) if name else None
        if isinstance(spec, (Producer, Norm)) and spec.penalties:
            yield from self._penalties(call, scope, name.rpartition(".")[2], spec)  # type: ignore[union-attr]

    # ------------------------------------------------------------ RB203 / RB204

    def _optimizer(self, call: ast.Call, scope: Scope) -> tuple[str, Optimizer, CallArgs] | None:
        """The parameter-less optimizer a call builds, and the arguments it builds it with."""
        func = call.func
        if isinstance(func, ast.Call):  # optax.inject_hyperparams(optax.adamw)(learning_rate=..., weight_decay=...)
            forwarder = self._spec(func.func)
            factory = CallArgs.of(func).get(forwarder.factory) if isinstance(forwarder, Forwarder) else None
            func = factory.expr if isinstance(factory, Bound) else None  # type: ignore[assignment]
        elif isinstance(func, ast.Attribute) and func.attr == NAMED_OPTIMIZER[0]:
            return self._named(call)
        spec = self._spec(func) if func is not None else None
        if not isinstance(spec, Optimizer) or spec.params is not None:
            return None
        return self.index.imports.resolve(func), spec, self.flow.call_args(call, scope)  # type: ignore[return-value]

    def _named(self, call: ast.Call) -> tuple[str, Optimizer, CallArgs] | None:
        """``model.compile(optimizer="adamw")`` in a file that imports the framework looking the name up."""
        given = CallArgs.of(call).get(NAMED_OPTIMIZER[1])
        named = given.expr if isinstance(given, Bound) else None
        if not (isinstance(named, ast.Constant) and isinstance(named.value, str)):
            return None
        qualified = OPTIMIZERS_BY_NAME.get(named.value.lower())
        spec = self.specs.get(qualified) if qualified else None
        if not isinstance(spec, Optimizer) or not self.index.imports.imports_root(qualified.partition(".")[0]):  # type: ignore
            return None
        return qualified, spec, CallArgs([], {})  # type: ignore[return-value]

    def _spec(self, expr: ast.expr) -> Spec | None:
        name = self.index.imports.resolve(expr)
        return self.specs.get(name) if name else None

    def _decay_finding(self, call: ast.Call, scope: Scope, name: str, spec: Optimizer, args: CallArgs) -> Iterator[Finding]:
        decay = agreed(decay_values(spec.decay, args, self.flow, scope) or [])
        if decay is None or decay.value == 0 or self._masked(spec, args):
            return
        if spec.exclude is not None and self.index.source is not None and spec.exclude in self.index.source.text:
            return  # the file excludes variables from some optimizer's decay: which, is not ours to guess
        if self._applied_to_a_part(call):
            return
        text = CATALOGUE[spec.code].message(optimizer=name.rpartition(".")[2], keyword=spec.decay.keyword, decay=decay.describe())
        yield Finding.at(call, text)

    def _masked(self, spec: Optimizer, args: CallArgs) -> bool:
        """A mask is given (any mask: which leaves it keeps is not ours to judge), or may be."""
        if spec.mask is None:
            return False
        bound = args.get(spec.mask)
        if bound is ABSENT:
            return False
        if not isinstance(bound, Bound):
            return True
        value = literal(bound, args.flow)
        return value is UNKNOWN or value not in spec.not_masks

    def _applied_to_a_part(self, call: ast.Call) -> bool:
        """The transform, or the name holding it, is inside a call that applies it to chosen parameters only."""
        if self._inside_exempting(call):
            return True
        target = self.index.parents.get(call)
        if not (isinstance(target, ast.Assign) and len(target.targets) == 1 and isinstance(target.targets[0], ast.Name)):
            return False
        uses = self.index.uses(target.targets[0])
        return uses is None or any(use.opaque or self._inside_exempting(use.node) for use in uses)

    def _inside_exempting(self, node: ast.AST) -> bool:
        parent = self.index.parents.get(node)
        while parent is not None and not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.Call) and isinstance(self._spec(parent.func), Exempting):
                return True
            parent = self.index.parents.get(parent)
        return False

    # ------------------------------------------------------------ RB205

    def _penalties(self, call: ast.Call, scope: Scope, short: str, spec: Producer | Norm) -> Iterator[Finding]:
        args = self.flow.call_args(call, scope)
        for arg, shrunk in spec.penalties:
            bound = args.get(arg)
            if isinstance(bound, Bound) and self._a_penalty(bound, scope):
                fix = f"drop {arg.keyword}"
                text = RB205.message(penalty=f"{arg.keyword} on {short}", shrunk=f"its {shrunk}", fix=fix)
                yield Finding.at(call, text)

    def _a_penalty(self, bound: Bound, scope: Scope) -> bool:
        """Every value the argument may hold is a regularizer (a call or a name such as "l2"), never None."""
        origins = self.flow.origins(bound.expr, bound.scope or scope, bound.env)
        return bool(origins) and all(
            isinstance(o.expr, ast.Call) or isinstance(o.expr, ast.Constant) and isinstance(o.expr.value, str)
            for o in origins  # type: ignore[union-attr]
        )
