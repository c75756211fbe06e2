"""Ordered layer chains, from every code shape the rules understand, as (producer, the steps after it).

* static: the elements of a container, in the order it runs them (``sequences.py``);
* flow: where the output of an applied producer goes next, through nested
  calls, single-use variables and additions (``self.bn(self.conv(x))``,
  ``x = self.conv(x); x = self.bn(x)``, ``F.batch_norm(F.conv2d(x, w, b), ...)``).

Anything unknown in a static chain becomes ``None``, a barrier no finding
crosses; a flow chain simply ends there.
"""

from __future__ import annotations

import ast
from functools import partial
from itertools import chain
from typing import TYPE_CHECKING, Generator, Iterator

from ..containment import Unit, record
from ..knowledge.schema import Container, Contraction, Norm, Producer, Transparent
from .flow.service import Flow
from .index import Index, Scope
from .layers import Layer
from .sequences import APPLIED, HELD, Chain, Fork, Sequences
from .steps import Steps
from .values import CallArgs
from .weighted_sums import WeightedSums

if TYPE_CHECKING:  # the flow's interface, for the types only
    from .flow.questions import Decide

STEPS_LIMIT = 8  # steps in one flow chain
FORKS = 2  # values read by several readers, one inside another's path, followed down every path
ADDITION = Transparent(functional=True)


class Chains:
    """The chains of one module, each found in a unit of work of its own."""

    def __init__(self, index: Index, flow: Flow, steps: Steps, sequences: Sequences) -> None:
        self.index = index
        self.flow = flow
        self.steps = steps
        self.sequences = sequences
        # A node -> what takes its value next: the module's, the same in every read of a block for one call; where
        # the module's finds none, a call may decide a test of the class's state on the way (``if self.norm: x =
        # self.norm(x)``), and a reading for one call looks again.  (What it decides refines: where the module's
        # reading decides a test, the call's decides it alike.)
        self._consumers: dict[ast.AST, ast.AST | None] = index.derived("consumers", dict)
        self._decide = steps.attributes.decided if steps.layers.bound else None
        self._decided: dict[ast.AST, ast.AST | None] = {}
        self._forks: dict[ast.AST, list[ast.AST] | None] = index.derived("readers", dict)  # a node -> its readers
        self._operands: dict[ast.AST, ast.AST] = index.derived("operands", dict)  # a product -> the value's read in it
        self.weighted = WeightedSums(index, flow, steps.layers, steps)

    def units(self, inside: ast.AST | None = None) -> Iterator[Unit[Chain]]:
        """One unit of work per container, and per call that applies a producer (``inside``: in that class or function)."""
        calls = self.index.calls if inside is None else self.index.calls_inside(inside)
        yield from self.sequences.units(calls, inside)
        application, attributes = self.steps.application, self.steps.attributes
        for call, scope in calls:
            # Most calls apply no producer: they are told apart here, each contained alone, without a unit.
            try:
                if self._applies_held_module(call, scope) and not self._feeds_a_step(call, scope):
                    continue
                layer = application(call, scope)
                # ``self.conv`` built one way or another by branch: each, where it is built, is what the class applies
                applied = (layer,) if layer is not None else attributes.per_branch(call.func, scope) if (
                    type(call.func) is ast.Attribute) else ()
                # a container applied: its output is its last producer's, through the steps after it inside
                ends = [self._last(each, call, scope) if isinstance(each.spec, Container) else (each, []) for each in applied]
                # applied once in each branch of an ``if``/``else``: read once, down both
                apart = attributes.by_branch(call.func, scope) if ends and type(call.func) is ast.Attribute else None
            except Exception as error:  # noqa: BLE001 - one call's error loses that call only
                record(error)
                continue
            for each, inside in ends if apart is None or call is apart[0] else ():
                if each is not None and isinstance(each.spec, Producer):
                    if apart is None:
                        yield partial(self._flow_chain, each, call, scope, inside)
                    elif not inside:
                        yield partial(self._branch_chain, each, apart, scope)

    def _applies_held_module(self, call: ast.Call, scope: Scope) -> bool:
        """``self.backbone(x)``: what a module the class holds is takes reading its construction, maybe in another
        module; most other calls are told apart at once (a framework function, a method of a value, a builtin)."""
        func = call.func
        return type(func) is ast.Attribute and self.flow.method_owner(func.value, scope) is not None

    def _feeds_a_step(self, call: ast.Call, scope: Scope) -> bool:
        """Whether the call's output goes on to steps a chain could follow (an addition, or a call), in each place
        it is read.  Output returned, stored, or handed to anything else ends the chain where it starts, so what
        the call applies is not worth finding out (``features = self.backbone(x)``, returned with a head's output).
        A value read in several places is followed from a framework layer the class holds alone: reading every
        block, activation and drop path whose output a model reads twice cost 2% of the plugin's instructions over
        timm's models, and found nothing more on any code base read so far."""
        return self._consumer(call) is not None or self._readers(call) is not None and self._holds_a_producer(call, scope)

    def _holds_a_producer(self, call: ast.Call, scope: Scope) -> bool:
        """``self.conv(x)`` where the class stores one construction of a producer row in ``self.conv``."""
        owner = self.flow.method_owner(call.func.value, scope)  # type: ignore[attr-defined]
        values = self.flow.attribute_values(owner, call.func.attr) if owner is not None else []  # type: ignore[attr-defined]
        value = values[0][0] if len(values) == 1 else None
        return isinstance(value, ast.Call) and isinstance(self.steps.layers.row(value.func)[1], Producer)

    def _flow_chain(self, layer: Layer, call: ast.Call, scope: Scope, inside: list[Layer]) -> Iterator[Chain]:
        yield layer, chain(inside, self._downstream(call, scope))

    def _branch_chain(self, layer: Layer, calls: list[ast.Call], scope: Scope) -> Iterator[Chain]:
        yield layer, iter([Fork(tuple(self._downstream(call, scope, 1) for call in calls), APPLIED)])

    def _downstream(self, start: ast.expr, scope: Scope, forks: int = 0) -> Iterator[Layer | Fork | None]:
        node: ast.AST = start
        for _ in range(STEPS_LIMIT):
            consumer = self._consumer(node)
            if consumer is None:
                readers = self._readers(node) if forks < FORKS else None
                if readers is not None:
                    yield Fork(tuple(self._path(reader, start, scope, forks + 1) for reader in readers))
                return
            if not (yield from self._step(consumer, start, scope)):
                return
            node = consumer

    def _path(self, consumer: ast.AST, start: ast.expr, scope: Scope, forks: int) -> Iterator[Layer | Fork | None]:
        """The steps down one path of a fork: the reader's, then those after it."""
        if (yield from self._step(consumer, start, scope)):
            yield from self._downstream(consumer, scope, forks)  # type: ignore[arg-type]

    def _step(self, consumer: ast.AST, start: ast.expr, scope: Scope) -> Generator[Layer | None, None, bool]:
        """The layers the consumer of a value applies to it; whether the chain goes on past them."""
        if isinstance(consumer, ast.BinOp) and not isinstance(consumer.op, ast.MatMult):
            yield Layer("addition", ADDITION, consumer, CallArgs([], {}))  # type: ignore[arg-type]
            return True
        step = self.steps.application(consumer, scope) if isinstance(consumer, ast.Call) else None
        if isinstance(consumer, ast.BinOp) or step is not None and isinstance(step.spec, Contraction):
            # an attention's values summed with weights that add up to 1 (``weights @ v``); else a barrier
            step = self.weighted.step(consumer, self._operands.get(consumer), scope)  # type: ignore[arg-type]
        if step is not None and isinstance(step.spec, Container):
            run = self._run(step, consumer, scope)  # a container applied to the value: the layers it runs
            yield from run if run is not None else [None]
            return False
        if step is None and isinstance(consumer, ast.Call) and type(consumer.func) is ast.Attribute:
            sides = self.steps.attributes.per_branch(consumer.func, scope)  # type: ignore[arg-type]
            if sides:  # ``if bn_layer: self.W = nn.Sequential(conv, bn)`` ``else: self.W = conv``: down each
                yield Fork(tuple(self._side(side, consumer, scope) for side in sides), HELD, tuple(side.call for side in sides))
                return False
        if step is not None and step.call is not consumer and isinstance(step.spec, Norm):
            # A norm built elsewhere: its call may set its mode, or stand under a flag (``if self.use_bn:``).
            step = step.applied_by(consumer, scope)  # type: ignore[arg-type]
            step.reached_from = start
        yield step
        return step is not None

    def _side(self, layer: Layer, call: ast.Call, scope: Scope) -> Iterator[Layer | Fork | None]:
        """The steps down one side of a module set by branch: what it runs, then what takes its output (no fork
        followed further)."""
        if isinstance(layer.spec, Container):
            run = self._run(layer, call, scope)
            yield from run if run is not None else [None]
        else:
            yield layer
        yield from self._downstream(call, scope, FORKS)

    def _last(self, container: Layer, call: ast.Call, scope: Scope) -> tuple[Layer | None, list[Layer]]:
        """The layer whose output the container's is, and the steps it runs after it: its last producer, when
        only transparent rows follow it (the non-local block's ``nn.Sequential(conv, nn.MaxPool2d(2))``), or its
        last layer."""
        run = self._run(container, call, scope)
        if not run:
            return None, []
        for at in range(len(run) - 1, -1, -1):
            layer = run[at]
            if layer is not None and isinstance(layer.spec, Producer):
                return layer, run[at + 1:]  # type: ignore[return-value]
            if layer is None or not isinstance(layer.spec, Transparent):
                break
        return run[-1], []

    def _run(self, container: Layer, call: ast.AST, scope: Scope) -> list[Layer | None] | None:
        """The layers a container applied by ``call`` runs, when nothing changes them after it is built."""
        func = call.func if isinstance(call, ast.Call) else None
        if isinstance(func, ast.Attribute) and not self.steps.attributes.unchanged(func, scope):
            return None
        return self.sequences.run(container)

    def _scales(self, read: ast.AST, binop: ast.BinOp) -> bool:
        """``y * self.scale``, ``0.2 * y``, ``y / 2``: a number on every path turns a constant per channel into
        another (a tensor may vary across positions)."""
        if isinstance(binop.op, ast.Div) and binop.left is not read:
            return False
        other = binop.right if binop.left is read else binop.left
        if isinstance(other, (ast.Call, ast.Subscript, ast.BinOp)):
            return False  # most often a tensor: not worth a search
        return bool(self.flow.numbers(other, self.index.scope_at(binop)))

    def _consumer(self, node: ast.AST) -> ast.AST | None:
        """The call or addition that takes this value as its input, if it is the value's one use."""
        if node not in self._consumers:
            self._consumers[node] = self._find_consumer(node, None)
        found = self._consumers[node]
        if found is None and self._decide is not None:
            if node not in self._decided:
                self._decided[node] = self._find_consumer(node, self._decide)
            found = self._decided[node]
        return found

    def _readers(self, node: ast.AST) -> list[ast.AST] | None:
        """The calls or additions taking the value in each of the places it is read, when it is read in several
        and each is one (``self.bn_a(y) + self.bn_b(y)``; a residual's ``y + self.block(y)``)."""
        if node not in self._forks:
            reads = self.flow.every_read(node)
            readers = [self._consumer_of(read) for read in reads] if reads is not None and len(reads) > 1 else [None]
            self._forks[node] = readers if None not in readers else None  # type: ignore[assignment]
        return self._forks[node]

    def _find_consumer(self, node: ast.AST, decide: Decide | None) -> ast.AST | None:
        read = self.flow.sole_read(node, decide)
        return self._consumer_of(read) if read is not None else None

    def _consumer_of(self, read: ast.AST) -> ast.AST | None:
        """What takes a read value as its input: a call (its first argument, or ``input=``), an addition, a scaling
        by a number, a method of it (``x.transpose(1, 2)``), a join (``torch.cat([a, b], dim=1)``); else None."""
        index = self.index
        parent = index.parents.get(read)
        if isinstance(parent, ast.Call) and read in parent.args[:2]:
            if len(parent.args) == 2 and self.weighted.contracts(parent):  # ``torch.matmul(weights, v)``: either operand
                self._operands[parent] = read
                return parent
            return parent if parent.args[0] is read else None
        if isinstance(parent, ast.keyword) and parent.arg == "input":
            call = index.parents.get(parent)
            return call if isinstance(call, ast.Call) else None
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Add, ast.Sub)):
            return parent
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, (ast.Mult, ast.Div)):
            return parent if self._scales(read, parent) else None
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.MatMult):
            self._operands[parent] = read
            return parent
        if isinstance(parent, ast.Attribute) and parent.value is read:
            method = index.parents.get(parent)  # x.transpose(1, 2)
            return method if isinstance(method, ast.Call) and method.func is parent else None
        if isinstance(parent, (ast.List, ast.Tuple)):
            joined = index.parents.get(parent)  # torch.cat([a, b], dim=1)
            return joined if isinstance(joined, ast.Call) and joined.args and joined.args[0] is parent else None
        return None
