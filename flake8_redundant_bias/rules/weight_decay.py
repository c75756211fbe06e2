"""RB201/RB202/RB205: weight decay or a penalty that shrinks biases and norm weights."""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterator, Mapping

from ..model.values import ABSENT, Bound, CallArgs
from ..codes import RB201, RB202, RB205
from ..containment import Unit
from ..model.flow import Flow, Number
from ..knowledge.torch import EXEMPTION_WORDS, PENALTY_FUNCTIONS, PENALTY_METHODS
from ..model.optimizers import OptimizerClass, Optimizers
from ..model.parameters import Parameters, Whole
from ..knowledge.schema import Arg, Optimizer, Spec
from ..model.index import Index, Scope
from ..diagnostics import Finding


# What a finding needs besides "parameters(": an optimizer's name, or a penalty.
PENALTY_WORDS = ("pow(", "norm(", "square(", "abs(", "**2", "** 2")


def trigger_words(specs: Mapping[str, Spec]) -> set[str]:
    """With "parameters(" in the same part: the names of the optimizers taking parameters, and the penalties."""
    names = {name.rpartition(".")[2] for name, spec in specs.items() if isinstance(spec, Optimizer) and spec.params is not None}
    return names | set(PENALTY_WORDS)


class WeightDecay:
    def __init__(self, index: Index, optimizers: Optimizers, parameters: Parameters, flow: Flow) -> None:
        self.index = index
        self.optimizers = optimizers
        self.parameters = parameters
        self.flow = flow
        self._called_on: set[tuple[Scope, str]] | None = None

    def units(self) -> Iterator[Unit[Finding]]:
        """One unit of work per call, comprehension and loop."""
        for call, scope in self.index.calls:
            yield partial(self._optimizer, call, scope)
        for comp, scope in self.index.comprehensions:
            yield partial(self._penalty_comprehension, comp, scope)
        for loop, scope in self.index.loops:
            yield partial(self._penalty_loop, loop, scope)

    # ------------------------------------------------------------ RB201 / RB202

    def _optimizer(self, call: ast.Call, scope: Scope) -> Iterator[Finding]:
        classes = self.optimizers.built_by(call, scope)
        if not classes or any(c.spec.matrices_only or c.spec.params is None for c in classes):
            return  # a matrix-only optimizer never holds a bias; a parameter-less one is RB203/RB204's
        args = self.flow.call_args(call, scope)
        params = {_dump(args.get(c.spec.params)) for c in classes}
        bound = args.get(classes[0].spec.params)
        if len(params) != 1 or not isinstance(bound, Bound):
            return
        decay = self._decay(classes, args, scope)
        groups = self._groups(bound.expr, scope)
        if groups is not None:
            yield from self._group_findings(groups, decay, scope)
            return
        if decay is None or decay.value == 0:
            return
        for whole in self._reportable(bound.expr, call, scope):
            names = " or ".join(dict.fromkeys(c.short for c in classes))
            text = RB201.message(optimizer=names, decay=decay.describe(), module=whole.display)
            yield Finding.at(call, text)
            return

    def _decay(self, classes: list[OptimizerClass], args: CallArgs, scope: Scope) -> Number | None:
        """The decay every alternative class applies, when all agree it is non-zero (or all give it 0)."""
        found: list[Number] = []
        for option in classes:
            numbers = decay_values(option.spec.decay, args, self.flow, scope)
            if numbers is None:
                return None
            found += numbers
        return agreed(found)

    def _reportable(self, expr: ast.expr, at: ast.AST, scope: Scope) -> list[Whole]:
        wholes = self.parameters.every(expr, scope)
        if not wholes:
            return []
        return [w for w in wholes if self.parameters.may_hold_bias(w, at, scope)]

    def _groups(self, expr: ast.expr, scope: Scope) -> list[ast.expr] | None:
        """The elements of a literal list of parameter groups (directly or through a variable)."""
        if isinstance(expr, ast.Name):
            origin = self.flow.sole_origin(expr, scope)
            bound = origin.expr if origin is not None else None
            if isinstance(bound, (ast.List, ast.Tuple)) and self._unchanged(expr.id, scope):
                expr = bound
        if isinstance(expr, (ast.List, ast.Tuple)) and any(isinstance(e, ast.Dict) for e in expr.elts):
            return list(expr.elts)
        return None

    def _unchanged(self, name: str, scope: Scope) -> bool:
        """A list variable no method is called on (no append or extend): its groups are the literal's."""
        if self._called_on is None:
            self._called_on = {
                (call_scope, call.func.value.id) for call, call_scope in self.index.calls
                if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
            }
        return (scope, name) not in self._called_on

    def _group_findings(self, groups: list[ast.expr], default: Number | None, scope: Scope) -> Iterator[Finding]:
        # A group with weight_decay=0 written out, or a zero-decay group of chosen
        # parameters (a no_decay list), exempts them.  A group that is zero only
        # by the optimizer's default and takes every parameter of another module
        # exempts nothing of the decayed one.
        read: list[tuple[ast.Dict, ast.expr, Number]] = []
        for group in groups:
            if not isinstance(group, ast.Dict) or any(key is None for key in group.keys):
                return  # a group built elsewhere, or **base: it may be the exempt one
            keys = {key.value: value for key, value in zip(group.keys, group.values) if isinstance(key, ast.Constant)}
            params, own = keys.get("params"), keys.get("weight_decay")
            decay = agreed(self.flow.numbers(own, scope) or []) if own is not None else default
            if len(keys) != len(group.keys) or params is None or decay is None:
                return  # a group the analysis cannot read may be the exempt one
            exempt = decay.value == 0 and (own is not None or self.parameters.every(params, scope) is None)
            if exempt:
                return  # a group written to exempt something: the author split on purpose
            read.append((group, params, decay))
        # One finding per optimizer, on the first decaying group: one mistake, one report.
        decaying = [(group, params, decay) for group, params, decay in read if decay.value != 0]
        reported = [
            (group, decay, wholes[0]) for group, params, decay in decaying
            for wholes in [self._reportable(params, group, scope)] if wholes
        ]
        if reported:
            group, decay, whole = reported[0]
            more = f" (and {len(reported) - 1} more group{'s' if len(reported) > 2 else ''} like it)" if len(reported) > 1 else ""
            yield Finding.at(group, RB202.message(decay=decay.describe(), module=whole.display, more=more))
            return
        split = self._name_split([(params, decay) for _, params, decay in decaying], groups, scope)
        if split is not None:
            first = decaying[0][0]
            text = RB202.message(
                decay=decaying[0][2].describe(), module=split.display,
                more=f" (split by name across {len(decaying)} groups that all decay)",
            )
            yield Finding.at(first, text)

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
            if polarities == {True, False} and not any(word in text.lower() for word in EXEMPTION_WORDS):
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

    # ------------------------------------------------------------ RB205

    def _penalty_comprehension(self, comp: ast.GeneratorExp | ast.ListComp, scope: Scope) -> Iterator[Finding]:
        if len(comp.generators) != 1:
            return
        generator = comp.generators[0]
        target = generator.target
        if isinstance(target, ast.Tuple) and len(target.elts) == 2:
            target = target.elts[1]
        if not isinstance(target, ast.Name) or not _penalizes(comp.elt, target.id, self.index):
            return
        probe = ast.GeneratorExp(elt=target, generators=[generator])
        for whole in self._reportable(probe, comp, scope):
            if self._flows_into_sum(comp):
                yield Finding.at(comp, _penalty_message(whole))
            return

    def _penalty_loop(self, loop: ast.For, scope: Scope) -> Iterator[Finding]:
        target = loop.target
        if isinstance(target, ast.Tuple) and len(target.elts) == 2:
            target = target.elts[1]
        if not isinstance(target, ast.Name) or loop.orelse:
            return
        accumulators = [
            s.target.id for s in loop.body
            if isinstance(s, ast.AugAssign) and isinstance(s.op, ast.Add) and isinstance(s.target, ast.Name)
            and _penalizes(s.value, target.id, self.index)
        ]
        if not accumulators:
            return
        probe = ast.GeneratorExp(elt=target, generators=[ast.comprehension(loop.target, loop.iter, [], 0)])
        for whole in self._reportable(probe, loop, scope):
            if any(self._accumulator_is_loss(name, loop, scope) for name in accumulators):
                yield Finding.at(loop, _penalty_message(whole), end=loop.iter)
            return

    def _flows_into_sum(self, node: ast.AST) -> bool:
        """The penalty's total is added to something (a loss), directly or through one variable."""
        total = self.index.parents.get(node)
        if not (isinstance(total, ast.Call) and isinstance(total.func, ast.Name) and total.func.id == "sum"):
            return False
        if _added(total, self.index):
            return True
        parent = self.index.parents.get(total)
        if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
            uses = self.index.uses(parent.targets[0]) or []
            return any(_added(use.node, self.index) for use in uses)
        return False

    def _accumulator_is_loss(self, name: str, loop: ast.For, scope: Scope) -> bool:
        """After the loop the accumulator is added to a loss or back-propagated itself."""
        for event in scope.events.get(name, []):
            node = event.node
            if event.store or getattr(node, "lineno", 0) <= getattr(loop, "end_lineno", 0) or event.opaque:
                continue
            parent = self.index.parents.get(node)
            if isinstance(parent, ast.Attribute) and parent.attr == "backward":
                return True
            if _added(node, self.index):
                return True
        return False


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


def _penalty_message(whole: Whole) -> str:
    return RB205.message(
        penalty=f"penalty over every parameter of {whole.display}", shrunk="its biases and normalization weights",
        fix="sum it over weight matrices only (p.dim() >= 2)",
    )


def decay_values(decay: Arg, args: CallArgs, flow: Flow, scope: Scope) -> list[Number] | None:
    """Every value a call's decay argument may hold (its default when absent); None when any is not a number."""
    bound = args.get(decay)
    if bound is ABSENT:
        default = decay.default
        if isinstance(default, bool) or not isinstance(default, (int, float)):
            return None
        return [Number(default, "its default")]
    if not isinstance(bound, Bound):
        return None
    return flow.numbers(bound.expr, bound.scope or scope)


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


def _penalizes(expr: ast.expr, name: str, index: Index) -> bool:
    """Every use of the parameter ``name`` in ``expr`` is a norm, a square or an absolute value of it."""
    found = False
    for node in ast.walk(expr):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if not _penalty_use(node, expr, name, index):
            return False
        found = True
    return found


def _penalty_use(node: ast.Name, expr: ast.expr, name: str, index: Index) -> bool:
    parent = _parent_within(node, expr, index)
    if isinstance(parent, ast.Attribute) and parent.attr in PENALTY_METHODS:
        return isinstance(_parent_within(parent, expr, index), ast.Call)
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.left is node:
        return isinstance(parent.right, ast.Constant) and parent.right.value == 2
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
        return index.imports.resolve(parent.func) in PENALTY_FUNCTIONS
    return False


def _parent_within(node: ast.AST, root: ast.AST, index: Index) -> ast.AST | None:
    if node is root:
        return None
    return index.parents.get(node)


def _added(node: ast.AST, index: Index) -> bool:
    """``node`` is (a factor of) one operand of an addition, or the value of ``+=``."""
    child, parent = node, index.parents.get(node)
    while isinstance(parent, (ast.BinOp, ast.UnaryOp)):
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
            return True
        if isinstance(parent, ast.BinOp) and not isinstance(parent.op, (ast.Mult, ast.Div)):
            return False
        child, parent = parent, index.parents.get(parent)
    return isinstance(parent, ast.AugAssign) and isinstance(parent.op, ast.Add) and parent.value is child


def _dump(found: object) -> str:
    return ast.dump(found.expr) if isinstance(found, Bound) else repr(found)
