"""RB101-RB104: a bias that the normalization after it subtracts again."""

from __future__ import annotations

import ast
from functools import partial
from itertools import chain
from typing import Iterator, Mapping

from ..containment import Unit, contained
from ..diagnostics import UNSAFE, Diagnostic
from ..knowledge import Knowledge
from ..knowledge.schema import Axis, Mode, Norm, NormBuilder, Producer, Spec
from ..model.bias_readers import bias_reader
from ..model.bias_switch import ClassSwitch, call_switches, class_switch
from ..model.conditions import Guard, both
from ..model.context import ModuleModel
from ..model.flow.service import Flow
from ..model.gates import NORM_PARTS, Trigger, shortest, switches_of
from ..model.layers import Layer, Layers, own_norm, transparent
from ..model.sequences import APPLIED, BUILT, HELD, READ, Chain, Fork
from ..model.values import ABSENT, UNKNOWN, Bound, CallArgs, Env
from ..model.weighted_sums import Averaging
from . import layouts
from .base import Code, Rule, cost
from .bias_fix import advice, bias_fix, guarded_fix

CANCELLED = (
    "A normalization that subtracts a per-channel mean, taken over every axis but the channel axis, removes any "
    "per-channel constant added before it: the bias learns nothing and costs memory, optimizer state and a kernel "
    "launch. "
)


RB101 = Code(
    "RB101",
    "a PyTorch convolution/linear layer whose bias the normalization after it cancels",
    "{producer} bias is cancelled by the {norm} that follows{when}: {fix}{cost}",
    wrong="""\
import torch.nn as nn

block = nn.Sequential(
    nn.Conv2d(64, 128, 3, padding=1),
    nn.BatchNorm2d(128),
    nn.ReLU(),
)
""",
    right="""\
import torch.nn as nn

block = nn.Sequential(
    nn.Conv2d(64, 128, 3, padding=1, bias=False),
    nn.BatchNorm2d(128),
    nn.ReLU(),
)
""",
    why=CANCELLED + (
        'Measured in float64 with torch 2.13, each norm and in-between step built and only the bias changed: it moves '
        'the output of each'
        ' of the 56 cancelling configurations by at most 2.7e-14, and its gradient is zero; in eval mode the bias '
        'is folded into running_mean and stays redundant.'
    ),
    fix=UNSAFE,
)
RB102 = Code(
    "RB102",
    "a functional convolution/linear bias cancelled by a functional normalization",
    "{producer} bias is cancelled by the {norm} that follows{when}: {fix}{cost}",
    wrong="""\
import torch.nn.functional as F


def block(x, w, b, mean, var):
    return F.batch_norm(F.conv2d(x, w, b), mean, var, training=True)
""",
    right="""\
import torch.nn.functional as F


def block(x, w, mean, var):
    return F.batch_norm(F.conv2d(x, w), mean, var, training=True)
""",
    why=CANCELLED + (
        'The functional forms compute what the modules compute (F.batch_norm with training=True, and '
        'F.instance_norm); the same physics test measures them.'
    ),
    fix=UNSAFE,
)
RB103 = Code(
    "RB103",
    "a Keras convolution/dense layer whose bias the normalization after it cancels",
    "{producer} bias is cancelled by the {norm} that follows{when}: {fix}{cost}",
    wrong="""\
from keras import layers


def block(x):
    x = layers.Conv2D(128, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)
""",
    right="""\
from keras import layers


def block(x):
    x = layers.Conv2D(128, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)
""",
    why=CANCELLED + (
        'Keras adds the bias on the channel axis (the last one for channels_last), so the norm must normalize '
        'that axis. Each row was measured on the JAX backend with keras 3.15.1: the bias changed, the output stays.'
    ),
    fix=UNSAFE,
)
RB104 = Code(
    "RB104",
    "a Flax convolution/dense layer whose bias the normalization after it cancels",
    "{producer} bias is cancelled by the {norm} that follows{when}: {fix}{cost}",
    wrong="""\
import flax.linen as nn


class Block(nn.Module):
    @nn.compact
    def __call__(self, x, train: bool):
        x = nn.Conv(128, (3, 3))(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        return nn.relu(x)
""",
    right="""\
import flax.linen as nn


class Block(nn.Module):
    @nn.compact
    def __call__(self, x, train: bool):
        x = nn.Conv(128, (3, 3), use_bias=False)(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        return nn.relu(x)
""",
    why=CANCELLED + (
        'Measured in float32 with flax 0.12.8: the 48 cancelling configurations move '
        'the output by at most 2.5e-5, the 58 breaking ones by 1.97 to 9.3.'
    ),
    fix=UNSAFE,
)


def _names_its_norm(spec: Producer) -> bool:
    """A block with a norm of its own that may build one though the module names none: from a config
    (``ConvModule(..., norm_cfg=dict(type="BN"))``).  Not a block given a norm class (timm's ``PatchEmbed``,
    ``ConvNormAct``): most modules calling one switch no bias on, and its name alone would have them all read;
    a module that names no norm and leaves ``ConvNormAct``'s default one standing is not read."""
    slot = spec.norm
    return slot is not None and slot.builder.held is None


# The code a producer's finding carries: by how it is written (functional) and by its framework's record.
FUNCTIONAL = RB102
BY_FRAMEWORK = {"keras": RB103, "flax": RB104}


class BiasBeforeNorm(Rule):
    codes = (RB101, RB102, RB103, RB104)

    def triggers(self, rows: Mapping[str, Spec], knowledge: Knowledge) -> tuple[Trigger, ...]:
        """A finding needs a norm named where the chain is built: named, not only called
        (``norm_layer=nn.BatchNorm2d`` is applied through a parameter), a norm factory or a block of the project
        imported by a name that says so (``from .norms import get_norm``, ``from .blocks import ConvBNReLU``: its
        module names the norm), or a block of the project whose bias a call switches on (``ConvNorm(3, 8,
        bias=True)``)."""
        words = {
            name.rpartition(".")[2] for name, spec in rows.items()
            if isinstance(spec, (Norm, NormBuilder)) or isinstance(spec, Producer) and _names_its_norm(spec)
        }
        return (
            Trigger(shortest(words), imported_as=True), Trigger(NORM_PARTS, from_project=True),
            Trigger(tuple(f"{switch}True" for switch in switches_of(rows)[1]), project_calls=True),
            Trigger(NORM_PARTS, project_assigned=True),
        )

    def check(self, model: ModuleModel) -> Iterator[Diagnostic]:
        reported: set[ast.Call] = set()  # producers reported where they are built: not again at a block's call
        for unit in chain(model.chains.units(), model.blocks.units()):
            yield from contained(partial(self._unit, model, unit, reported))

    def _unit(self, model: ModuleModel, unit: Unit[Chain], reported: set[ast.Call]) -> Iterator[Diagnostic]:
        return self._chains(model, unit(), reported)

    def _chains(self, model: ModuleModel, chains: Iterator[Chain], reported: set[ast.Call]) -> Iterator[Diagnostic]:
        flow = model.flow
        found: set[tuple[ast.AST | None, ast.AST | None, str]] = set()  # a block read again for one call finds it again
        for producer, after in chains:
            # A call that builds one class or another by path (``conv_nd(...)``): each must waste its bias.
            producers = list(producer.every())
            if producer.built_at in reported:
                continue
            switch = None  # a bias on only for the norms a parameter may hold: read for those alone
            if any(model.layers.bias_state(p) is not True for p in producers):
                if producers != [producer] or model.layers.bias_state(producer) is not None:
                    continue
                switch = class_switch(flow, producer) or _called_switch(flow, producer)
                if switch is None:
                    continue
            if any(flow.holds(p.spec.when, p.args) is not True for p in producers):  # type: ignore[union-attr]
                continue
            through: list[Layer] = []
            paths = Paths()
            if switch is None:
                norm = _next_norm(flow, producer, after, through, model.layers, paths)
            else:
                norm = _switched_norm(model, producer, switch)
            if norm is not None and all(_cancels_every(flow, p, norm) for p in producers):
                bias = producer.bias_argument()
                if switch is None and not producer.inside and model.conditions.never(producer, norm, bias and bias.expr):
                    continue  # the calls handing the bias in turn the norm's flag off
                # A norm built or applied under a flag its callers or default decide: wasted on that path alone.
                guard = None if switch is not None or producer.inside else model.conditions.guard(
                    producer, norm, paths.others)
                if paths.dropped:  # a list some branches build with no norm after it: their tests must leave them out
                    reportable, branch = model.conditions.branch_guard(producer, paths.kept, paths.dropped)
                    if not reportable:
                        continue
                    guard = both(guard, branch)
                if producer.path is not None:  # one of two block classes a test chooses: wasted on its path alone
                    guard = model.conditions.chosen(producer.path)
                if guard is not None and _switched_by(producer, guard):
                    continue  # ``bias=not batch_norm`` beside ``if batch_norm: layers += [conv, nn.BatchNorm2d(c)]``
                reported.add(producer.call)
                if (producer.call, producer.built_at, norm.name) not in found:
                    found.add((producer.call, producer.built_at, norm.name))
                    yield _diagnostic(
                        model, producer, norm, through, switch is not None, guard, [] if paths.dropped else paths.forks)


def _next_norm(
    flow: Flow, producer: Layer, after: Iterator[Layer | Fork | None], through: list[Layer], layers: Layers | None = None,
    paths: Paths | None = None,
) -> Layer | None:
    """The first step past the transparent ones, if it is a norm; ``through`` gathers the 1x1 convolutions passed,
    the last of which may be a block's, whose own norm then follows (``layers``: the service that reads it).
    Where the value forks, the first path's norm, when a norm down every path cancels the bias.

    A last-axis bias may be moved onto axis 1 (``linear(x).transpose(1, 2)``), and a value reshaped and summed by
    an attention on the way (``layouts.py``); any other move takes a channel axis away from where the norm reads it.
    """
    first = layout = layouts.start(producer)
    for step in after:
        if isinstance(step, Fork):  # the value read in several places: a norm down each path must cancel the bias
            return None if layout != first else _forked_norm(flow, producer, step, through, layers, paths)
        if step is None:
            return None
        if transparent(flow, step):
            if not layouts.passes(step, layout):
                return None
            continue
        if _passes_constants(flow, producer, step, layout != first):
            if not layouts.on_channels(layout):
                return None
            through.append(step)
            if getattr(step.spec, "norm", None) is not None:  # a 1x1 ConvModule: its own norm follows, or nothing
                return own_norm(layers, step) if layers is not None else None
            continue
        if isinstance(step.spec, layouts.MOVES):
            layout = layouts.moved(flow, producer, step, layout, _arguments(flow, step))  # type: ignore[assignment]
            if layout is None:
                return None
            if isinstance(step.spec, Averaging):
                through.append(step)
            continue
        if not isinstance(step.spec, Norm) or layout[1] is not None and not layouts.on_channels(layout):
            return None
        # (a class whose norm comes after a convolution that is no 1x1 one, yolov7's Conv(c, c, 3); a class whose input
        # is read in several places: on each path)
        paths = ((step, step.leading), *step.parallel)
        moved = layout != first
        if any(leading for _, leading in paths) and not layouts.on_channels(layout) or not all(
                _passes_constants(flow, producer, lead, moved) for _, leading in paths for lead in leading):
            return None
        if not all(_cancels_every(flow, producer, norm) for norm, _ in step.parallel):
            return None
        through += step.leading
        return step
    return None


class Paths:
    """What following a producer's output found besides its norm: each fork on the first path (``forks``), the
    norms down the other paths of the first fork (``others``), and, for a list each branch builds anew, the
    bindings whose path meets a norm (``kept``) and those whose path keeps the bias (``dropped``)."""

    __slots__ = ("forks", "others", "kept", "dropped")

    def __init__(self) -> None:
        self.forks: list[Fork] = []
        self.others: list[Layer] = []
        self.kept: list[ast.AST] = []
        self.dropped: list[ast.AST] = []


def _forked_norm(
    flow: Flow, producer: Layer, fork: Fork, through: list[Layer], layers: Layers | None, paths: Paths | None,
) -> Layer | None:
    """The norm down the first path of a fork that meets one, when one down every path cancels the bias (each
    path read only while the ones before it hold: a path costs the layers it applies, some read in other
    modules); down some paths alone when each path is a branch's own list (``Fork.sites``), its binding then
    among the kept or the dropped ones of ``paths``, for a guard to tell apart."""
    if paths is not None:
        paths.forks.append(fork)
    branches = paths is not None and len(fork.sites) == len(fork.paths)
    first = None
    for at, path in enumerate(fork.paths):
        passed: list[Layer] = []
        norm = _next_norm(flow, producer, path, passed, layers, paths if first is None else None)
        if norm is None or first is not None and not _cancels_every(flow, producer, norm):
            if not branches:
                return None
            paths.dropped.append(fork.sites[at])  # type: ignore[union-attr]
            continue
        if first is None:
            through += passed
        elif paths is not None:
            paths.others.append(norm)
        if branches:
            paths.kept.append(fork.sites[at])  # type: ignore[union-attr]
        first = first or norm
    return first


def _cancels_every(flow: Flow, producer: Layer, norm: Layer) -> bool:
    """The norm cancels the producer's bias, and so does each of its alternatives."""
    return all(_cancels(flow, producer, n) for n in norm.every())


def _switched_norm(model: ModuleModel, producer: Layer, switch: ClassSwitch) -> Layer | None:
    """The norm after a producer whose bias a parameter's class switches on (``bias=use_bias`` with ``use_bias =
    norm_layer == nn.InstanceNorm2d``), read with the parameter holding each class that turns the bias on: the
    norm each reading finds right after it (no step between), as one layer; None where one finds none.  A
    producer of a block the function calls (CycleGAN's ``ResnetBlock``) is read for each call of the block."""
    readings = _switched_readings(model, switch)
    if readings and all(producer.call not in reading for reading in readings):
        return _called_norm(model, producer)
    norms: list[Layer] = []
    for reading in readings:
        found = reading.get(producer.call)
        if not found or not all(norm is not None and switch.builds(norm, model.flow) for norm in found):
            return None  # a norm the parameter does not build may stay whatever turns the bias on
        norms += found  # type: ignore[arg-type]
    return _as_switched(producer, switch, norms)


def _called_switch(flow: Flow, producer: Layer) -> ClassSwitch | None:
    """The switch of the first call, where every call of the producer's class hands it one of its own."""
    called = call_switches(flow, producer)
    return called[1][0][0] if called is not None else None


def _called_norm(model: ModuleModel, producer: Layer) -> Layer | None:
    """The norm right after a producer of a class whose callers each hand it a switch of their own (CycleGAN's
    ``ResnetBlock``; CUT's, from three generators): in the class read for each call with that call's switch on,
    the norm must be the class that turns it on."""
    called = call_switches(model.flow, producer)
    if called is None:
        return None
    method, calls = called
    norms: list[Layer] = []
    for switch, envs in calls:
        for (name, _), env in zip(switch.classes, envs):
            norm = _bound_norm(model, producer, method, env)
            if norm is None or norm.name != name:
                return None
            norms.append(norm)
    return _as_switched(producer, calls[0][0], norms)


def _bound_norm(model: ModuleModel, producer: Layer, method: ast.FunctionDef, env: Env) -> Layer | None:
    """The norm right after the producer, in the function read for one call."""
    for unit in model.bound_chains(method, env).units(method):
        for built, after in unit():
            if built.call is producer.call:
                through: list[Layer] = []
                norm = _next_norm(model.flow, built, after, through)
                return None if through else norm
    return None


def _as_switched(producer: Layer, switch: ClassSwitch, norms: list[Layer]) -> Layer | None:
    """The norms the classes that turn a bias on build after a producer, as one layer that says so."""
    if not norms:
        return None
    first, *others = norms
    layer = Layer(first.name, first.spec, first.call, first.args, first.helper, first.where)
    layer.alternatives = tuple(dict.fromkeys((other.name, other.spec) for other in others if other.name != first.name))
    bound = producer.bias_argument()
    shown = ast.unparse(bound.expr) if bound is not None else "the bias"
    plural = len(switch.classes) > 1
    layer.chosen = f"{switch.parameter}, the only class{'es' if plural else ''} that turn{'' if plural else 's'} {shown} on"
    return layer


def _switched_readings(model: ModuleModel, switch: ClassSwitch) -> list[dict[ast.Call, list[Layer | None]]]:
    """For each class that turns the switch on, the norm right after each producer of the function read with the
    parameter holding it: read once for all the producers the switch decides (CycleGAN's generator has three)."""
    kept: dict[tuple, list[dict[ast.Call, list[Layer | None]]]] = model.index.derived("class switch readings", dict)
    key = (switch.scope.node, switch.classes)
    if key not in kept:
        readings = []
        for node, function, env in switch.bindings(model.flow):
            reading: dict[ast.Call, list[Layer | None]] = {}
            for unit in model.bound_chains(function, env).units(node):
                for built, after in unit():
                    reading.setdefault(built.call, []).append(_next_norm(model.flow, built, after, []))
            readings.append(reading)
        kept[key] = readings
    return kept[key]


def _passes_constants(flow: Flow, producer: Layer, step: Layer, moved: bool = False) -> bool:
    """A 1x1 convolution after a convolution, or after a last-axis bias moved onto axis 1 (``moved``: a Linear's
    output transposed): the bias it is given reaches the norm as a constant per channel."""
    spec = step.spec
    on_channels = moved or not getattr(producer.spec, "last_axis", False) and getattr(producer.spec, "axis", None) is None
    pointwise = isinstance(spec, Producer) and spec.pointwise is not None and flow.holds(spec.pointwise, step.args) is True
    return pointwise and on_channels


def _arguments(flow: Flow, step: Layer) -> tuple | None:
    """The literal positional arguments of a method call, all of them, or None."""
    args = step.args
    if args.keywords or args.open_from is not None or args.open_keywords:
        return None
    values = tuple(flow.literal(bound) for bound in args.positional)
    return values if all(isinstance(v, int) and not isinstance(v, bool) for v in values) else None


def _cancels(flow: Flow, producer: Layer, norm: Layer) -> bool:
    spec, norm_spec = producer.spec, norm.spec
    assert isinstance(spec, Producer) and isinstance(norm_spec, Norm)
    if flow.holds(norm_spec.when, norm.args) is not True or _trains(flow, norm_spec.mode, norm) is not True:
        return False
    if spec.axis is not None:  # a channels-last framework: the norm must keep the bias's axis
        axis = _axis(flow, spec.axis, producer.args)
        return axis is not None and norm_spec.axis is not None and _axis(flow, norm_spec.axis, norm.args) == axis
    if not spec.last_axis:
        return True
    if norm_spec.features is None or spec.size is None:
        return False
    return flow.same_value(producer.args.get(spec.size), norm.args.get(norm_spec.features)) is True


def _axis(flow: Flow, axis: Axis, args: CallArgs) -> int | None:
    """The axis a layer adds its bias on, or a norm normalizes channel by channel, when its arguments say it for sure."""
    if axis.arg is None:
        return axis.fixed
    found = flow.value(args, axis.arg)
    if not axis.values:
        return found if isinstance(found, int) and not isinstance(found, bool) else None
    return next((position for literal_value, position in axis.values if found == literal_value), None)


def _trains(flow: Flow, mode: Mode | None, norm: Layer) -> bool | None:
    """Whether the norm uses the batch's statistics when the model trains; None when unknown."""
    if mode is None:
        return True
    flags = [norm.args.get(mode.build)] if mode.build else []
    if mode.call and norm.applied is not None:
        flags.append(flow.call_args(*norm.applied).get(mode.call))
    given = [flag for flag in flags if flag is not ABSENT]
    if not given:
        return mode.default
    results = [_flag_trains(flow, flag, mode.inference) for flag in given]
    return False if False in results else (None if None in results else True)


def _flag_trains(flow: Flow, flag: Bound | object, inference: object) -> bool | None:
    """``training=False`` no, ``use_running_average=not train`` yes: training is among the values a caller gives."""
    if not isinstance(flag, Bound):
        return None
    negated = isinstance(flag.expr, ast.UnaryOp) and isinstance(flag.expr.op, ast.Not)
    inner = Bound(flag.expr.operand, flag.env, flag.scope) if negated else flag  # type: ignore[attr-defined]
    found = flow.literal(inner)
    if found is not UNKNOWN:
        return (not found if negated else found) != inference
    return True if _from_parameter(flow, inner) else None


def _from_parameter(flow: Flow, bound: Bound) -> bool:
    """A name the enclosing function takes as a parameter (``training``, ``train``), never re-bound there."""
    scope = bound.scope
    if bound.env is not None or scope is None or not isinstance(bound.expr, ast.Name):
        return False
    stores, _ = flow.flow_of(scope).index.bindings(scope, bound.expr.id)
    return len(stores) == 1 and isinstance(stores[0].node, ast.arg)


def _read_elsewhere(flow: Flow, producer: Layer) -> str:
    """``bias=True is the default of Config.conv_bias in config.py`` when the bias is switched on in another module."""
    spec = producer.spec
    assert isinstance(spec, Producer)
    bound = producer.bias_argument()
    if bound is None or bound.scope is None:
        return ""
    notes = [note for _, note in flow.constants(bound.expr, bound.scope, bound.env) or () if note.endswith(".py")]
    return f"{spec.bias.keyword}=True is {notes[0]}" if notes else ""


def code_of(model: ModuleModel, producer: Layer) -> Code:
    spec = producer.spec
    assert isinstance(spec, Producer)
    if spec.functional:
        return FUNCTIONAL
    return BY_FRAMEWORK.get(model.config.knowledge.framework_of.get(producer.name, ""), RB101)


def _switched_by(producer: Layer, guard: Guard) -> bool:
    """The producer's own call already passes the bias the guard asks for (``bias=not use_bn``)."""
    bound = producer.bias_argument()
    return guard.off is not None and bound is not None and ast.unparse(bound.expr) == guard.off


FORKED = {  # what a message says of the paths a fork took the bias down, by ``Fork.kind``
    READ: "its output read in {} places, a norm on every path",
    APPLIED: "applied in {} branches, a norm after each",
    BUILT: "built in {} branches, a norm after it in each",
    HELD: "given to a module set in {} branches, a norm in each",
}


def _diagnostic(
    model: ModuleModel, producer: Layer, norm: Layer, through: list[Layer], switched: bool = False,
    guard: Guard | None = None, forks: list[Fork] | None = None,
) -> Diagnostic:
    spec = producer.spec
    assert isinstance(spec, Producer)
    code = code_of(model, producer)
    off = "None" if spec.functional else str(spec.off)
    wasted = model.layers.bias_size(producer)
    reader = None
    if guard is None:
        fix = bias_fix(model, producer, spec, off, switched)
        reader = bias_reader(model.index, model.flow, producer.call, producer.name.rpartition(".")[2]) if fix else None
        if reader is not None:  # an initializer that reads the bias would fail once it is off: no edit before it checks
            fix = None
        shown = advice(model, producer, spec, off, fix)
    else:
        # (A functional call's bias is a tensor or None: no expression of the flag passes it.)
        fix = guarded_fix(model, producer, spec, guard.off) if guard.off is not None and not spec.functional else None
        shown = fix.title if fix is not None else f"turn the {spec.bias.keyword} off on that path"
    pointwise = [step for step in through if not isinstance(step.spec, Averaging)]
    passed = " and ".join(part for part in (
        "the attention's softmax-weighted sum" if len(pointwise) < len(through) else "",
        f"the 1x1 {pointwise[0].short} after it" if pointwise else "",
    ) if part)
    passed = f"through {passed}" if passed else ""
    forked = FORKED[forks[0].kind].format(len(forks[0].paths)) if forks else ""
    if norm.parallel and not forked:  # a class whose input goes to several layers
        forked = f"read by {len(norm.parallel) + 1} layers in {norm.helper}(), a norm after each"
    text = code.message(
        producer=producer.display, norm=norm.short, when=guard.when if guard is not None else "", fix=shown,
        cost=cost(
            wasted, _read_elsewhere(model.flow, producer), forked, passed,
            f"{norm.short} from {norm.chosen}" if norm.chosen else "",
            f"{reader} reads the bias without checking for None: make it check first" if reader else "",
        ),
    )
    return Diagnostic.at(producer.call, code.code, text, model.text, fix=fix, wasted=wasted)
