"""RB101-RB104: a bias that the normalization after it subtracts again."""

from __future__ import annotations

from typing import Iterable, Iterator, Mapping

import ast

from ..model.values import ABSENT, UNKNOWN, Bound, CallArgs, holds, literal, same_value, value
from ..model.chains import Chain
from ..codes import CATALOGUE, cost
from ..knowledge.schema import Axis, AxisMove, Mode, Norm, NormBuilder, Producer, Spec, Transparent
from ..model.layers import Layer, bias_size, bias_state
from .bias_fix import bias_fix
from ..diagnostics import Finding


def trigger_words(specs: Mapping[str, Spec]) -> set[str]:
    """A finding needs a norm named where the chain is built: named, not only called
    (``norm_layer=nn.BatchNorm2d`` is applied through a parameter)."""
    return {
        name.rpartition(".")[2] for name, spec in specs.items()
        if isinstance(spec, (Norm, NormBuilder)) or isinstance(spec, Producer) and spec.norm is not None
    }


def check(chains: Iterable[Chain]) -> Iterator[Finding]:
    for producer, after in chains:
        if bias_state(producer) is not True or holds(producer.spec.when, producer.args) is not True:  # type: ignore[union-attr]
            continue
        norm = _next_norm(producer, after)
        if norm is not None and _cancels(producer, norm):
            yield _finding(producer, norm)


def _next_norm(producer: Layer, after: Iterator[Layer | None]) -> Layer | None:
    """The first step past the transparent ones, if it is a norm.

    A last-axis bias may be moved once onto axis 1 (``linear(x).transpose(1, 2)``);
    any other move takes a channel axis away from where the norm reads it.
    """
    moved = False
    for step in after:
        if step is None:
            return None
        if isinstance(step.spec, Transparent) and holds(step.spec.when, step.args) is True:
            continue
        if isinstance(step.spec, AxisMove):
            if moved or not getattr(producer.spec, "last_axis", False) or _arguments(step) not in step.spec.arguments:
                return None
            moved = True
            continue
        return step if isinstance(step.spec, Norm) else None
    return None


def _arguments(step: Layer) -> tuple | None:
    """The literal positional arguments of a method call, all of them, or None."""
    args = step.args
    if args.keywords or args.open_from is not None or args.open_keywords:
        return None
    values = tuple(literal(bound, args.flow) for bound in args.positional)
    return values if all(isinstance(v, int) and not isinstance(v, bool) for v in values) else None


def _cancels(producer: Layer, norm: Layer) -> bool:
    spec, norm_spec = producer.spec, norm.spec
    assert isinstance(spec, Producer) and isinstance(norm_spec, Norm)
    if holds(norm_spec.when, norm.args) is not True or _trains(norm_spec.mode, norm) is not True:
        return False
    if spec.axis is not None:  # a channels-last framework: the norm must keep the bias's axis
        axis = _axis(spec.axis, producer.args)
        return axis is not None and norm_spec.axis is not None and _axis(norm_spec.axis, norm.args) == axis
    if not spec.last_axis:
        return True
    if norm_spec.features is None or spec.size is None:
        return False
    return same_value(producer.args.get(spec.size), norm.args.get(norm_spec.features), producer.args.flow) is True


def _axis(axis: Axis, args: CallArgs) -> int | None:
    """The axis a layer adds its bias on, or a norm normalizes channel by channel, when its arguments say it for sure."""
    if axis.arg is None:
        return axis.fixed
    found = value(args, axis.arg)
    if not axis.values:
        return found if isinstance(found, int) and not isinstance(found, bool) else None
    return next((position for literal_value, position in axis.values if found == literal_value), None)


def _trains(mode: Mode | None, norm: Layer) -> bool | None:
    """Whether the norm uses the batch's statistics when the model trains; None when unknown."""
    if mode is None:
        return True
    flags = [norm.args.get(mode.build)] if mode.build else []
    if mode.call and norm.applied is not None and norm.args.flow is not None:
        flags.append(norm.args.flow.call_args(*norm.applied).get(mode.call))
    given = [flag for flag in flags if flag is not ABSENT]
    if not given:
        return mode.default
    results = [_flag_trains(flag, mode.inference, norm.args) for flag in given]
    return False if False in results else (None if None in results else True)


def _flag_trains(flag: Bound | object, inference: object, args: CallArgs) -> bool | None:
    """``training=False`` no, ``use_running_average=not train`` yes: training is among the values a caller gives."""
    if not isinstance(flag, Bound):
        return None
    negated = isinstance(flag.expr, ast.UnaryOp) and isinstance(flag.expr.op, ast.Not)
    inner = Bound(flag.expr.operand, flag.env, flag.scope) if negated else flag  # type: ignore[attr-defined]
    found = literal(inner, args.flow)
    if found is not UNKNOWN:
        return (not found if negated else found) != inference
    return True if _from_parameter(inner) else None


def _from_parameter(bound: Bound) -> bool:
    """A name the enclosing function takes as a parameter (``training``, ``train``), never re-bound there."""
    scope = bound.scope
    if bound.env is not None or scope is None or scope.index is None or not isinstance(bound.expr, ast.Name):
        return False
    stores, _ = scope.index.bindings(scope, bound.expr.id)
    return len(stores) == 1 and isinstance(stores[0].node, ast.arg)


def _read_elsewhere(producer: Layer) -> str:
    """``bias=True is the default of Config.conv_bias in config.py`` when the bias is switched on in another module."""
    spec = producer.spec
    assert isinstance(spec, Producer)
    bound, flow = producer.args.get(spec.bias), producer.args.flow
    if not isinstance(bound, Bound) or bound.scope is None or flow is None:
        return ""
    notes = [note for _, note in flow.constants(bound.expr, bound.scope, bound.env) or () if note.endswith(".py")]
    return f"{spec.bias.keyword}=True is {notes[0]}" if notes else ""


def _finding(producer: Layer, norm: Layer) -> Finding:
    spec = producer.spec
    assert isinstance(spec, Producer)
    code = CATALOGUE[spec.code]
    off = "None" if spec.functional else str(spec.off)
    wasted = bias_size(producer)
    text = code.message(
        producer=producer.display, norm=norm.short, fix=f"{spec.bias.keyword}={off}",
        cost=cost(wasted, _read_elsewhere(producer)),
    )
    return Finding.at(producer.call, text, fix=bias_fix(producer, spec, off), wasted=wasted)
