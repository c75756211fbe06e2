"""RB203/RB204: Optax transforms and Keras optimizers that decay every parameter, biases and norms included.

Optax transforms and Keras optimizers are built without the parameters: they
decay every one they later meet, unless a mask is given (``mask=``), the
transform is applied to a chosen part (``optax.masked``,
``optax.multi_transform``), or the optimizer is told what to leave out
(``exclude_from_weight_decay``).
"""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterator, Mapping

from ..containment import contained
from ..diagnostics import Diagnostic
from ..knowledge import Knowledge
from ..knowledge.schema import Exempting, Forwarder, Optimizer, Spec
from ..model.context import ModuleModel
from ..model.gates import Trigger, shortest
from ..model.index import Scope
from ..model.optimizers import agreed
from ..model.values import ABSENT, UNKNOWN, Bound, CallArgs
from .base import Code, Rule

RB203 = Code(
    "RB203",
    "an Optax transform that decays every parameter, biases and norms included (no mask)",
    "{optimizer} applies {keyword}={decay} to every parameter, biases and normalization weights included: "
    "pass mask= (e.g. lambda p: jax.tree_util.tree_map(lambda x: x.ndim > 1, p))",
    wrong="""\
import optax

tx = optax.adamw(learning_rate=1e-3)
""",
    right="""\
import jax
import optax

tx = optax.adamw(learning_rate=1e-3, mask=lambda p: jax.tree_util.tree_map(lambda x: x.ndim > 1, p))
""",
    why=(
        'optax.adamw and add_decayed_weights add weight_decay * p for every leaf of the tree unless mask= chooses'
        ' leaves. Measured with optax 0.2.8: one update at zero gradient without a mask moves every '
        'leaf (kernel, bias and scale alike); with a mask only the kernel.'
    ),
)
RB204 = Code(
    "RB204",
    "a Keras optimizer that decays every variable, biases and norms included (nothing excluded)",
    "{optimizer} applies {keyword}={decay} to every variable, biases and normalization weights included: "
    'exclude them with exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])',
    wrong="""\
import keras

optimizer = keras.optimizers.AdamW(learning_rate=1e-3)
""",
    right="""\
import keras

optimizer = keras.optimizers.AdamW(learning_rate=1e-3)
optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
""",
    why=(
        'A Keras optimizer applies weight_decay to every trainable variable not excluded with '
        'exclude_from_weight_decay(); nothing is excluded by default. Measured with keras 3.15.1: one AdamW step '
        "at zero gradient moves the bias, gamma and beta; after exclude_from_weight_decay(var_names=['bias', "
        "'gamma', 'beta']) only the kernel moves."
    ),
)


BY_FRAMEWORK = {"optax": RB203, "keras": RB204}  # the code a parameter-less optimizer's finding carries


class UnexemptedDecay(Rule):
    codes = (RB203, RB204)

    def triggers(self, rows: Mapping[str, Spec], knowledge: Knowledge) -> tuple[Trigger, ...]:
        """Words that alone make a part worth analysing, in the files of the frameworks they belong to.

        A decay written out (``weight_decay=``), a transform that decays by default
        (``adamw(``), a forwarder (``inject_hyperparams(``), an optimizer named by a
        string (``"adamw"``).
        """
        words: set[str] = {f"{quote}{name}{quote}" for name in knowledge.named_optimizers for quote in "'\""}
        roots: set[str] = set()
        for name, spec in rows.items():
            short = name.rpartition(".")[2]
            if isinstance(spec, Optimizer) and spec.params is None:
                words.update([f"{spec.decay.keyword}=", *([f"{short}("] if spec.decay.default else [])])
            elif isinstance(spec, Forwarder):
                words.add(f"{short}(")
            else:
                continue
            roots.add(name.partition(".")[0])
        return (Trigger(shortest(words), roots=knowledge.spelled_as(roots)),)

    def check(self, model: ModuleModel) -> Iterator[Diagnostic]:
        check = Check(model)
        for call, scope in model.index.calls:
            yield from contained(partial(check.call, call, scope))


class Check:
    """RB203/RB204 in one module."""

    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.index = model.index
        self.flow = model.flow
        self.specs = model.config.specs
        self.knowledge = model.config.knowledge

    def call(self, call: ast.Call, scope: Scope) -> Iterator[Diagnostic]:
        found = self._optimizer(call, scope)
        if found is not None:
            yield from self._decay_finding(call, scope, *found)

    def _optimizer(self, call: ast.Call, scope: Scope) -> tuple[str, Optimizer, CallArgs] | None:
        """The parameter-less optimizer a call builds, and the arguments it builds it with."""
        func = call.func
        named_by = self.knowledge.named_by
        if isinstance(func, ast.Call):  # optax.inject_hyperparams(optax.adamw)(learning_rate=..., weight_decay=...)
            forwarder = self._spec(func.func)
            factory = CallArgs.of(func).get(forwarder.factory) if isinstance(forwarder, Forwarder) else None
            func = factory.expr if isinstance(factory, Bound) else None  # type: ignore[assignment]
        elif isinstance(func, ast.Attribute) and named_by is not None and func.attr == named_by.method:
            return self._named(call)
        spec = self._spec(func) if func is not None else None
        if not isinstance(spec, Optimizer) or spec.params is not None:
            return None
        return self.index.imports.resolve(func), spec, self.flow.call_args(call, scope)  # type: ignore[return-value]

    def _named(self, call: ast.Call) -> tuple[str, Optimizer, CallArgs] | None:
        """``model.compile(optimizer="adamw")`` in a file that imports the framework looking the name up."""
        given = CallArgs.of(call).get(self.knowledge.named_by.arg)  # type: ignore[union-attr]
        named = given.expr if isinstance(given, Bound) else None
        if not (isinstance(named, ast.Constant) and isinstance(named.value, str)):
            return None
        qualified = self.knowledge.named_optimizers.get(named.value.lower())
        spec = self.specs.get(qualified) if qualified else None
        if not isinstance(spec, Optimizer) or not self.index.imports.imports_root(qualified.partition(".")[0]):  # type: ignore
            return None
        return qualified, spec, CallArgs([], {})  # type: ignore[return-value]

    def _spec(self, expr: ast.expr) -> Spec | None:
        name = self.index.imports.resolve(expr)
        return self.specs.get(name) if name else None

    def _decay_finding(self, call: ast.Call, scope: Scope, name: str, spec: Optimizer, args: CallArgs) -> Iterator[Diagnostic]:
        decay = agreed(self.model.optimizers.decay_values(spec.decay, args, scope) or [])
        if decay is None or decay.value == 0 or self._masked(spec, args):
            return
        if spec.exclude is not None and spec.exclude in self.model.text.text:
            return  # the file excludes variables from some optimizer's decay: which, is not ours to guess
        if self._applied_to_a_part(call):
            return
        code = BY_FRAMEWORK[self.knowledge.framework_of[name]]
        text = code.message(optimizer=name.rpartition(".")[2], keyword=spec.decay.keyword, decay=decay.describe())
        yield Diagnostic.at(call, code.code, text, self.model.text)

    def _masked(self, spec: Optimizer, args: CallArgs) -> bool:
        """A mask is given (any mask: which leaves it keeps is not ours to judge), or may be."""
        if spec.mask is None:
            return False
        bound = args.get(spec.mask)
        if bound is ABSENT:
            return False
        if not isinstance(bound, Bound):
            return True
        value = self.flow.literal(bound)
        return value is UNKNOWN or value not in spec.not_masks

    def _applied_to_a_part(self, call: ast.Call) -> bool:
        """The transform, or the name holding it, is inside a call that applies it to chosen parameters only."""
        if self._inside_exempting(call):
            return True
        reads = self.flow.reads(call)
        return reads is None or any(read is not call and self._inside_exempting(read) for read in reads)

    def _inside_exempting(self, node: ast.AST) -> bool:
        parent = self.index.parents.get(node)
        while parent is not None and not isinstance(parent, ast.stmt):
            if isinstance(parent, ast.Call) and isinstance(self._spec(parent.func), Exempting):
                return True
            parent = self.index.parents.get(parent)
        return False
