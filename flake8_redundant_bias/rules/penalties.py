"""RB205: a penalty that shrinks biases and normalization weights: a hand-written L1/L2 sum over every
parameter of a module, added to a loss, or a Keras regularizer on a bias or a norm's scale or shift."""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterator, Mapping

from ..containment import contained
from ..diagnostics import Diagnostic
from ..knowledge import Knowledge
from ..knowledge.schema import Norm, PenaltyFunction, PenaltyMethod, Producer, Spec
from ..knowledge.tables import per_table
from ..model.context import ModuleModel
from ..model.gates import Trigger, shortest
from ..model.index import Index, Scope
from ..model.parameters import Whole
from ..model.values import Bound
from .base import Code, Rule, near_parameters

RB205 = Code(
    "RB205",
    "a penalty on biases or normalization weights: a hand-written L1/L2 sum over every parameter, or a Keras regularizer",
    "{penalty} shrinks {shrunk}: {fix}",
    wrong="""\
import torch


def loss_fn(model, criterion, x, y):
    penalty = sum(p.pow(2).sum() for p in model.parameters())
    return criterion(model(x), y) + 1e-4 * penalty
""",
    right="""\
import torch


def loss_fn(model, criterion, x, y):
    penalty = sum(p.pow(2).sum() for p in model.parameters() if p.dim() >= 2)
    return criterion(model(x), y) + 1e-4 * penalty
""",
    why=(
        'An L1 or L2 penalty summed over every parameter shrinks the biases and normalization weights as weight '
        'decay does (see RB201); a Keras regularizer on a bias or a normalization weight does the same to that '
        'variable.'
    ),
)

SQUARES = ("**2", "** 2")  # p ** 2, as code spells it


class Penalties(Rule):
    codes = (RB205,)

    def triggers(self, rows: Mapping[str, Spec], knowledge: Knowledge) -> tuple[Trigger, ...]:
        """A penalty's spelling with ``parameters(`` in the same part; a regularizer argument in its framework's files."""
        spelled = {f"{name}(" for name, fact in knowledge.methods.items() if isinstance(fact, PenaltyMethod)}
        spelled |= {f"{name.rpartition('.')[2]}(" for name, fact in knowledge.facts.items() if isinstance(fact, PenaltyFunction)}
        arguments = {
            arg.keyword for spec in rows.values() if isinstance(spec, (Producer, Norm)) for arg, _ in spec.penalties
        }
        # Whole names: ``norm(`` stands for itself, ``vector_norm(`` for itself, not for ``layer_norm(``.
        triggers = [near_parameters((*sorted(spelled), *SQUARES), knowledge, whole_names=True)]
        if arguments:
            triggers.append(Trigger(shortest(arguments), roots=_regularized_roots(rows, knowledge)))
        return tuple(triggers)

    def check(self, model: ModuleModel) -> Iterator[Diagnostic]:
        imports = model.index.imports
        # A call resolves only to a name of a framework the module imports: in a module importing none whose layers
        # take a regularizer (a PyTorch model file, read here for its hand-written penalties) no call is resolved.
        if any(imports.imports_root(root) for root in _regularized_roots(model.config.specs, model.config.knowledge)):
            for call, scope in model.index.calls:
                yield from contained(partial(_regularizers, model, call, scope))
        for comp, scope in model.index.comprehensions:
            yield from contained(partial(_penalty_comprehension, model, comp, scope))
        for loop, scope in model.index.loops:
            yield from contained(partial(_penalty_loop, model, loop, scope))


# ---------------------------------------------------------------- regularizer arguments

def _regularized_roots(rows: Mapping[str, Spec], knowledge: Knowledge) -> frozenset[str]:
    """The frameworks with a layer or norm that takes a regularizer (``keras``), also as another package
    spells them (``tensorflow``, for ``tf.keras``), per table."""
    return per_table(_ROOTS, rows, lambda table: knowledge.spelled_as(
        name.partition(".")[0] for name, spec in table.items() if isinstance(spec, (Producer, Norm)) and spec.penalties
    ))


_ROOTS: dict[int, tuple[Mapping[str, Spec], frozenset[str]]] = {}


def _regularizers(model: ModuleModel, call: ast.Call, scope: Scope) -> Iterator[Diagnostic]:
    name = model.index.imports.resolve(call.func)
    spec = model.config.specs.get(name) if name else None
    if not isinstance(spec, (Producer, Norm)) or not spec.penalties:
        return
    args = model.flow.call_args(call, scope)
    for arg, shrunk in spec.penalties:
        bound = args.get(arg)
        if isinstance(bound, Bound) and _a_regularizer(model, bound, scope):
            penalty = f"{arg.keyword} on {name.rpartition('.')[2]}"  # type: ignore[union-attr]
            text = RB205.message(penalty=penalty, shrunk=f"its {shrunk}", fix=f"drop {arg.keyword}")
            yield Diagnostic.at(call, RB205.code, text, model.text)


def _a_regularizer(model: ModuleModel, bound: Bound, scope: Scope) -> bool:
    """Every value the argument may hold is a regularizer (a call or a name such as "l2"), never None."""
    origins = model.flow.origins(bound.expr, bound.scope or scope, bound.env)
    return bool(origins) and all(
        isinstance(o.expr, ast.Call) or isinstance(o.expr, ast.Constant) and isinstance(o.expr.value, str)
        for o in origins  # type: ignore[union-attr]
    )


# ---------------------------------------------------------------- hand-written penalties

def _penalty_comprehension(model: ModuleModel, comp: ast.GeneratorExp | ast.ListComp, scope: Scope) -> Iterator[Diagnostic]:
    if len(comp.generators) != 1:
        return
    generator = comp.generators[0]
    target = generator.target
    if isinstance(target, ast.Tuple) and len(target.elts) == 2:
        target = target.elts[1]
    if not isinstance(target, ast.Name) or not _penalizes(model, comp.elt, target.id):
        return
    probe = ast.GeneratorExp(elt=target, generators=[generator])
    for whole in _reportable(model, probe, comp, scope):
        if _flows_into_sum(model, comp):
            yield Diagnostic.at(comp, RB205.code, _penalty_message(whole), model.text)
        return


def _penalty_loop(model: ModuleModel, loop: ast.For, scope: Scope) -> Iterator[Diagnostic]:
    target = loop.target
    if isinstance(target, ast.Tuple) and len(target.elts) == 2:
        target = target.elts[1]
    if not isinstance(target, ast.Name) or loop.orelse:
        return
    accumulators = [
        s.target for s in loop.body
        if isinstance(s, ast.AugAssign) and isinstance(s.op, ast.Add) and isinstance(s.target, ast.Name)
        and _penalizes(model, s.value, target.id)
    ]
    if not accumulators:
        return
    probe = ast.GeneratorExp(elt=target, generators=[ast.comprehension(loop.target, loop.iter, [], 0)])
    for whole in _reportable(model, probe, loop, scope):
        if any(_accumulator_is_loss(model, accumulator) for accumulator in accumulators):
            yield Diagnostic.at(loop, RB205.code, _penalty_message(whole), model.text, end=loop.iter)
        return


def _reportable(model: ModuleModel, expr: ast.expr, at: ast.AST, scope: Scope) -> list[Whole]:
    wholes = model.parameters.every(expr, scope)
    if not wholes:
        return []
    return [w for w in wholes if model.parameters.may_hold_bias(w, at, scope)]


def _flows_into_sum(model: ModuleModel, node: ast.AST) -> bool:
    """The penalty's total is added to something (a loss), directly or through one variable."""
    total = model.index.parents.get(node)
    if not (isinstance(total, ast.Call) and isinstance(total.func, ast.Name) and total.func.id == "sum"
            and model.flow.builtin("sum", model.index.scope_at(total))):
        return False
    return any(_added(read, model.index) for read in model.flow.reads(total) or ())


def _accumulator_is_loss(model: ModuleModel, accumulator: ast.Name) -> bool:
    """Where the loop leaves the accumulator, it is added to a loss or back-propagated itself."""
    for read in model.flow.reads_after_block(accumulator) or ():
        parent = model.index.parents.get(read)
        if isinstance(parent, ast.Attribute) and parent.attr == "backward":
            return True
        if _added(read, model.index):
            return True
    return False


def _penalty_message(whole: Whole) -> str:
    return RB205.message(
        penalty=f"penalty over every parameter of {whole.display}", shrunk="its biases and normalization weights",
        fix="sum it over weight matrices only (p.dim() >= 2)",
    )


def _penalizes(model: ModuleModel, expr: ast.expr, name: str) -> bool:
    """Every use of the parameter ``name`` in ``expr`` is a norm, a square or an absolute value of it."""
    found = False
    for node in ast.walk(expr):
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if not _penalty_use(model, node, expr):
            return False
        found = True
    return found


def _penalty_use(model: ModuleModel, node: ast.Name, expr: ast.expr) -> bool:
    index, knowledge = model.index, model.config.knowledge
    parent = _parent_within(node, expr, index)
    if isinstance(parent, ast.Attribute) and isinstance(knowledge.methods.get(parent.attr), PenaltyMethod):
        return isinstance(_parent_within(parent, expr, index), ast.Call)
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Pow) and parent.left is node:
        return isinstance(parent.right, ast.Constant) and parent.right.value == 2
    if isinstance(parent, ast.Call) and parent.args and parent.args[0] is node:
        function = index.imports.resolve(parent.func)
        return isinstance(knowledge.facts.get(function) if function else None, PenaltyFunction)
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
