"""RB201/RB202: an optimizer, or one of its parameter groups, that decays every parameter of a module."""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterator, Mapping

from ..containment import contained
from ..diagnostics import Diagnostic
from ..knowledge import Knowledge
from ..knowledge.schema import Optimizer, Spec
from ..model.context import ModuleModel
from ..model.gates import Trigger, shortest
from ..model.index import Scope, branches_around, called_name
from ..model.optimizers import agreed
from ..model.parameters import Whole
from ..model.values import Bound, Number
from .base import Code, Rule, near_parameters

RB201 = Code(
    "RB201",
    "an optimizer that applies weight decay to every parameter of a module, biases and norms included",
    "{optimizer} applies weight_decay={decay} to the biases and normalization weights of {module}: "
    "put them in a parameter group with weight_decay=0.0",
    wrong="""\
import torch


def make_optimizer(model):
    return torch.optim.AdamW(model.parameters(), lr=3e-4)
""",
    right="""\
import torch


def make_optimizer(model):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW(
        [{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-4
    )
""",
    why=(
        'Weight decay pulls every parameter it is applied to towards zero. A bias or a normalization weight is '
        'not multiplied by an input, so shrinking it regularizes nothing and only pulls against the model (a '
        'BatchNorm weight pulled towards zero turns its channel down). Measured with torch 2.13: '
        'one step at zero gradient moves every bias and BatchNorm weight towards zero under exactly the '
        'constructions this rule reports; a group with weight_decay=0.0 leaves them untouched.'
    ),
)
RB202 = Code(
    "RB202",
    "a parameter group that decays every parameter of a module, in a list with no group exempting biases and norms",
    "parameter group with {decay} takes every parameter of {module}{more}, biases and normalization "
    "weights included: give those a group with weight_decay=0.0",
    wrong="""\
import torch


def make_optimizer(model):
    return torch.optim.AdamW([
        {"params": model.backbone.parameters(), "lr": 1e-4},
        {"params": model.head.parameters(), "lr": 1e-3},
    ], weight_decay=0.05)
""",
    right="""\
import torch


def groups(module, lr):
    decay = [p for p in module.parameters() if p.ndim >= 2]
    no_decay = [p for p in module.parameters() if p.ndim < 2]
    return [{"params": decay, "lr": lr}, {"params": no_decay, "lr": lr, "weight_decay": 0.0}]


def make_optimizer(model):
    return torch.optim.AdamW(groups(model.backbone, 1e-4) + groups(model.head, 1e-3), weight_decay=0.05)
""",
    why=(
        "Each parameter group decays what it holds; a group holding all of a module's parameters decays its "
        'biases and normalization weights, which regularizes nothing (see RB201). Measured the same way: one step '
        'at zero gradient moves them towards zero, and a group with weight_decay=0.0 leaves them untouched.'
    ),
)


class WeightDecay(Rule):
    codes = (RB201, RB202)

    def triggers(self, rows: Mapping[str, Spec], knowledge: Knowledge) -> tuple[Trigger, ...]:
        """The names of the optimizers taking parameters (or a ``getattr`` of their module), with ``parameters(`` in
        the same part; or a helper the module imports from its project that names an optimizer or a trainer
        (``from .train_util import get_optimizer``, ``from .engine import Trainer``)."""
        names = {
            name.rpartition(".")[2] for name, spec in rows.items() if isinstance(spec, Optimizer) and spec.params is not None
        }
        return (
            near_parameters((*shortest(names), "getattr(torch.optim", "getattr(optim"), knowledge),
            Trigger(("optimizer", "optim", "trainer"), from_project=True),
            Trigger(("optimizer(",)),  # train_util.get_optimizer(args, params): a helper called through its module
        )

    def check(self, model: ModuleModel) -> Iterator[Diagnostic]:
        check = Check(model)
        for call, scope in model.index.calls:
            yield from contained(partial(check.optimizer, call, scope))


class Check:
    """RB201/RB202 in one module."""

    def __init__(self, model: ModuleModel) -> None:
        self.flow = model.flow
        self.index = model.index
        self.optimizers = model.optimizers
        self.helper_builds = model.helper_builds
        self.parameters = model.parameters
        self.text = model.text
        self.exemption_words = model.config.knowledge.exemption_words

    def optimizer(self, call: ast.Call, scope: Scope) -> Iterator[Diagnostic]:
        classes = self.optimizers.built_by(call, scope)
        if classes is None:
            yield from self._helper(call, scope)
            return
        if any(c.spec.matrices_only or c.spec.params is None for c in classes):
            return  # a matrix-only optimizer never holds a bias; a parameter-less one is RB203/RB204's
        args = self.flow.call_args(call, scope)
        params = {_dump(args.get(c.spec.params)) for c in classes}
        bound = args.get(classes[0].spec.params)
        if len(params) != 1 or not isinstance(bound, Bound):
            return
        decay = self.optimizers.decay(classes, args, scope)
        groups = self._groups(bound.expr, scope)
        if groups is not None:
            yield from self._group_findings(groups, decay, scope)
            return
        if decay is None or decay.value == 0:
            return
        for whole in self._reportable(bound.expr, call, scope):
            names = " or ".join(dict.fromkeys(c.short for c in classes))
            text = RB201.message(optimizer=names, decay=decay.describe(), module=whole.display)
            yield Diagnostic.at(call, RB201.code, text, self.text)
            return

    def _helper(self, call: ast.Call, scope: Scope) -> Iterator[Diagnostic]:
        """A helper of another module that builds the optimizer with what this call passes: reported here, the
        call that decides it (one finding per call, on the first optimizer it builds that decays)."""
        for build in self.helper_builds.of(call, scope):
            names = " or ".join(dict.fromkeys(c.short for c in build.classes))
            helper = f"{names} built by {_called(call)}() ({build.where})"
            text = RB201.message(optimizer=helper, decay=build.decay.describe(), module=build.wholes[0].display)
            yield Diagnostic.at(call, RB201.code, text, self.text)
            return

    def _reportable(self, expr: ast.expr, at: ast.AST, scope: Scope) -> list[Whole]:
        wholes = self.parameters.every(expr, scope)
        if not wholes:
            return []
        return [w for w in wholes if self.parameters.may_hold_bias(w, at, scope)]

    def _groups(self, expr: ast.expr, scope: Scope) -> list[ast.expr] | None:
        """The elements of a literal list of parameter groups (directly or through a variable), with the groups
        appended to it before the optimizer takes it."""
        elements = list(expr.elts) if isinstance(expr, (ast.List, ast.Tuple)) else None
        if isinstance(expr, ast.Name):
            origin = self.flow.sole_origin(expr, scope)
            bound = origin.expr if origin is not None else None
            if isinstance(bound, (ast.List, ast.Tuple)) and self._unchanged(expr, scope):
                elements = list(bound.elts)
            elif isinstance(bound, ast.List):
                appended = self._appended(expr, scope)
                elements = [*bound.elts, *appended] if appended is not None else None
        if elements and any(_group_keys(e) is not None for e in elements):
            return elements
        return None

    def _appended(self, name: ast.Name, scope: Scope) -> list[ast.expr] | None:
        binding = self._sole_binding(name, scope)
        return self.flow.appended(binding, name) if binding is not None else None

    def _unchanged(self, name: ast.Name, scope: Scope) -> bool:
        """A list variable bound once that no method is called on where its value goes (no append or extend)."""
        binding = self._sole_binding(name, scope)
        return binding is not None and self.flow.receives_calls(binding) is False

    def _sole_binding(self, name: ast.Name, scope: Scope) -> ast.AST | None:
        """The one binding that reaches this read of the name."""
        reaching = self.flow.reaching(name, scope)
        return reaching[1][0].node if reaching is not None and len(reaching[1]) == 1 else None

    def _group_findings(self, groups: list[ast.expr], default: Number | None, scope: Scope) -> Iterator[Diagnostic]:
        # A group with weight_decay=0 written out, or a zero-decay group of chosen
        # parameters (a no_decay list), exempts them.  A group that is zero only
        # by the optimizer's default and takes every parameter of another module
        # exempts nothing of the decayed one.
        read: list[tuple[ast.expr, ast.expr, Number]] = []
        inherited: set[ast.expr] = set()  # the groups whose decay is the optimizer's
        builtin_dict = self.flow.builtin("dict", scope)
        for group in groups:
            keys = _group_keys(group, builtin_dict)
            if keys is None:
                return  # a group built elsewhere, or **base: it may be the exempt one
            params, own = keys.get("params"), keys.get("weight_decay")
            decay = agreed(self.flow.numbers(own, scope) or []) if own is not None else default
            if params is None or decay is None:
                return  # a group the analysis cannot read may be the exempt one
            exempt = decay.value == 0 and (own is not None or self.parameters.every(params, scope) is None)
            if exempt:
                return  # a group written to exempt something: the author split on purpose
            read.append((group, params, decay))
            if own is None:
                inherited.add(group)
        # One finding per optimizer, on the first decaying group: one mistake, one report.
        decaying = [(group, params, decay) for group, params, decay in read if decay.value != 0]
        reported = [
            (group, decay, wholes[0]) for group, params, decay in decaying
            for wholes in [self._reportable(params, group, scope)] if wholes
        ]
        if reported:
            group, decay, whole = reported[0]
            # (groups appended under a test the first is not under: as many as the tests let in)
            tests = set(branches_around(self.index, group))
            up_to = "up to " if any(set(branches_around(self.index, other)) - tests for other, _, _ in reported[1:]) else ""
            more = f" (and {up_to}{len(reported) - 1} more group{'s' if len(reported) > 2 else ''} like it)" if len(
                reported) > 1 else ""
            text = RB202.message(decay=_decay(decay, group in inherited), module=whole.display, more=more)
            yield Diagnostic.at(group, RB202.code, text, self.text)
            return
        split = self._name_split([(params, decay) for _, params, decay in decaying], groups, scope)
        if split is not None:
            first = decaying[0][0]
            text = RB202.message(
                decay=_decay(decaying[0][2], first in inherited), module=split.display,
                more=f" (split by name across {len(decaying)} groups that all decay)",
            )
            yield Diagnostic.at(first, RB202.code, text, self.text)

    def _name_split(self, decaying: list[tuple[ast.expr, Number]], groups: list[ast.expr], scope: Scope) -> Whole | None:
        """Groups that take ``"x" in n`` and ``"x" not in n`` of one module: together, all of it."""
        if len(decaying) != len(groups):
            return None  # some group does not decay: it may be the exempt one
        tests: dict[tuple[str, str, str], set[bool]] = {}
        wholes: dict[str, Whole] = {}
        for params, _ in decaying:
            split = self._named_split(params, scope)
            if split is None:
                return None
            whole, kind, text, positive = split
            key = (ast.dump(whole.receiver), kind, text)
            tests.setdefault(key, set()).add(positive)
            wholes[key[0]] = whole
        for (receiver, _, text), polarities in tests.items():
            if polarities == {True, False} and not any(word in text.lower() for word in self.exemption_words):
                if self.parameters.may_hold_bias(wholes[receiver], groups[0], scope):
                    return wholes[receiver]
        return None

    def _named_split(self, params: ast.expr, scope: Scope) -> tuple[Whole, str, str, bool] | None:
        """``[p for n, p in m.named_parameters() if "x" in n]`` -> (m, "in", "x", True)."""
        if isinstance(params, ast.Name):
            origin = self.flow.sole_origin(params, scope)
            if origin is None:
                return None
            params, scope = origin.expr, origin.scope
        if not isinstance(params, (ast.ListComp, ast.GeneratorExp)) or len(params.generators) != 1:
            return None
        generator = params.generators[0]
        target = generator.target
        if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(isinstance(e, ast.Name) for e in target.elts)):
            return None
        name, param = target.elts[0].id, target.elts[1].id  # type: ignore[attr-defined]
        if not (isinstance(params.elt, ast.Name) and params.elt.id == param) or len(generator.ifs) != 1:
            return None
        wholes = self.parameters.every(generator.iter, scope)
        if not wholes or len(wholes) != 1 or not wholes[0].named:
            return None
        test = _name_test(generator.ifs[0], name)
        return (wholes[0], *test) if test is not None else None


def _name_test(test: ast.expr, name: str) -> tuple[str, str, bool] | None:
    """``"x" in n`` / ``"x" not in n`` / ``n.startswith("x")`` / ``not ...``: (kind, text, positive)."""
    positive = True
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, positive = test.operand, not positive
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn)):
        text, haystack = test.left, test.comparators[0]
        literal = isinstance(text, ast.Constant) and isinstance(text.value, str)
        if literal and isinstance(haystack, ast.Name) and haystack.id == name:
            return "in", text.value, positive == isinstance(test.ops[0], ast.In)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr in ("startswith", "endswith"):
        receiver = test.func.value
        if isinstance(receiver, ast.Name) and receiver.id == name and len(test.args) == 1 and not test.keywords:
            text = test.args[0]
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                return test.func.attr, text.value, positive
    return None


def _group_keys(group: ast.expr, builtin_dict: bool = True) -> dict[str, ast.expr] | None:
    """A parameter group written out: ``{"params": ..., "lr": ...}`` or ``dict(params=..., lr=...)`` (when
    ``dict`` is the builtin), each key a string stated once (None for any other expression)."""
    if isinstance(group, ast.Dict):
        if not all(isinstance(key, ast.Constant) and isinstance(key.value, str) for key in group.keys):
            return None
        pairs = [(key.value, value) for key, value in zip(group.keys, group.values)]  # type: ignore[union-attr]
    elif builtin_dict and isinstance(group, ast.Call) and isinstance(group.func, ast.Name) and group.func.id == "dict" \
            and not group.args:
        if any(keyword.arg is None for keyword in group.keywords):
            return None
        pairs = [(keyword.arg, keyword.value) for keyword in group.keywords]
    else:
        return None
    keys = dict(pairs)
    return keys if len(keys) == len(pairs) else None


def _called(call: ast.Call) -> str:
    return called_name(call) or "the helper"


def _dump(found: object) -> str:
    return ast.dump(found.expr) if isinstance(found, Bound) else repr(found)


def _decay(decay: Number, inherited: bool) -> str:
    """A group's decay, said to be the optimizer's where the group sets none of its own."""
    owner = "the optimizer's " if inherited else ""
    return f"{owner}weight_decay={decay.describe()}"
