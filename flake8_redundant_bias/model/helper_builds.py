"""The optimizers a helper of another module of the project builds for one call, read with that call's arguments.

``optimizer = get_optimizer(args, model.parameters())`` decides nothing in the
line that calls it: ``get_optimizer`` (in ``train_util.py``) builds
``torch.optim.AdamW(params, lr=args.lr)``.  Neither module alone shows the
waste: the helper does not know what ``params`` holds, the caller does not see
the optimizer.  Read with the call's arguments bound, the helper answers: the
optimizer class, the decay (passed, the helper's default, or the optimizer's),
and the modules whose every parameter it decays.  A construction under a test
the call does not decide, or after a ``return`` it may take, is not read: the
helper decides there on a value the caller leaves unknown.  Nor is one whose
answer does not depend on the call at all: the helper's own module reports it.
A class is read the same way through its own ``__init__`` (``Trainer(model,
args)`` building ``self.optimizer = AdamW(model.parameters(), ...)``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, NamedTuple, Protocol

from .flow.service import Flow
from .gates import Words
from .index import Scope, method_named
from .optimizers import OptimizerClass, Optimizers
from .parameters import Parameters, Whole
from .values import Bound, Env, Number

if TYPE_CHECKING:  # the service's interface, for the types only
    from .flow.questions import Questions

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class Models(Protocol):
    """The project's modules, as this service reaches them (the composition root answers)."""

    def optimizers_of(self, tree: ast.AST) -> Optimizers: ...

    def parameters_of(self, tree: ast.AST) -> Parameters: ...


def _built_in(definition: ast.AST) -> tuple[ast.FunctionDef | None, int]:
    """Where a definition builds what a call of it builds: a function's body, or a class's own ``__init__`` (its
    ``self`` not passed by the call)."""
    if isinstance(definition, FUNCTIONS):
        return definition, 0  # type: ignore[return-value]
    if isinstance(definition, ast.ClassDef):
        return method_named(definition, "__init__"), 1
    return None, 0


class HelperBuild(NamedTuple):
    """One optimizer a helper builds for a call: its classes, its decay, what it decays, where it is built."""

    classes: list[OptimizerClass]
    decay: Number
    wholes: list[Whole]  # modules whose every parameter it decays, each one that holds a bias or a norm
    where: str  # "train_util.py:412"


class HelperBuilds:
    def __init__(self, flow: Flow, parameters: Parameters, words: Words | None, models: Models | None) -> None:
        self.flow = flow
        self.parameters = parameters
        self._words = words
        self._models = models

    def of(self, call: ast.Call, scope: Scope) -> list[HelperBuild]:
        """What a call of a project function of another module builds, each decaying optimizer it surely runs."""
        if self._models is None or self._words is None or not self.flow.follows_imports():
            return []
        found = self.flow.definition(call.func, self._words.optimizers)
        function, skip = _built_in(found[0]) if found is not None else (None, 0)
        if function is None:
            return []
        tree = found[1]  # type: ignore[index]
        home = self.flow.flow_of_tree(tree)
        env = home.bind(function, self.flow.call_args(call, scope), skip)  # type: ignore[arg-type]
        if env is None:
            return []
        optimizers = self._models.optimizers_of(tree)
        builds = []
        for inside, where in home.index.calls_inside(function):
            if where.node is function:
                build = self._build(home, optimizers, inside, where, env, call)
                if build is not None:
                    builds.append(build)
        return builds

    def _build(
        self, home: Questions, optimizers: Optimizers, inside: ast.Call, where: Scope, env: Env, call: ast.Call,
    ) -> HelperBuild | None:
        classes = optimizers.built_by(inside, where)
        if not classes or any(c.spec.matrices_only or c.spec.params is None for c in classes):
            return None
        if len({c.spec.params for c in classes}) != 1 or home.runs(inside, where, env) is not True:
            return None
        args = home.call_args(inside, where, env)
        decay = optimizers.decay(classes, args, where)
        if decay is None or decay.value == 0 or self._decided_at_home(home, optimizers, classes, inside, where):
            return None
        bound = args.get(classes[0].spec.params)
        wholes = self._wholes(home, bound, where, call) if isinstance(bound, Bound) else None
        return HelperBuild(classes, decay, wholes, f"{home.shown}:{inside.lineno}") if wholes else None

    def _decided_at_home(
        self, home: Questions, optimizers: Optimizers, classes: list[OptimizerClass], inside: ast.Call, where: Scope,
    ) -> bool:
        """The helper's module reports the optimizer itself: read without this call, its decay and what it
        decays are known there."""
        args = home.call_args(inside, where)
        decay = optimizers.decay(classes, args, where)
        bound = args.get(classes[0].spec.params)
        if decay is None or decay.value == 0 or not isinstance(bound, Bound):
            return False
        return bool(self._models.parameters_of(home.tree).every(bound.expr, bound.scope or where))  # type: ignore[union-attr]

    def _wholes(self, home: Questions, bound: Bound, where: Scope, call: ast.Call) -> list[Whole] | None:
        """The modules whose every parameter the optimizer takes, that hold a bias or a norm: read where the
        caller states them (``model.parameters()`` passed in), or in the helper (``model.parameters()`` of a
        ``model`` passed in)."""
        origins = home.origins(bound.expr, bound.scope or where, bound.env)
        if origins is not None and len(origins) == 1 and origins[0].scope.tree is self.flow.tree:
            given = origins[0]
            wholes = self.parameters.every(given.expr, given.scope)
            return [w for w in wholes or () if self.parameters.may_hold_bias(w, call, given.scope)] or None
        parameters = self._models.parameters_of(home.tree)  # type: ignore[union-attr]
        wholes = parameters.every(bound.expr, where)
        return [w for w in wholes or () if parameters.may_hold_bias(w, bound.expr, where)] or None
