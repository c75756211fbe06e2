"""RB101/RB102: a bias that the normalization after it subtracts again."""

from __future__ import annotations

from typing import Iterable, Iterator

from ..callargs import Bound, holds, literal, same_value
from ..chains import Chain
from ..codes import RB101, RB102, cost
from ..schema import AxisMove, Norm, Producer, Transparent
from ..layers import Layer, bias_size, bias_state
from .finding import Finding


def check(chains: Iterable[Chain]) -> Iterator[Finding]:
    for producer, after in chains:
        if bias_state(producer) is not True:
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
    if holds(norm_spec.when, norm.args) is not True:
        return False
    if not spec.last_axis:
        return True
    if norm_spec.features is None or spec.size is None:
        return False
    return same_value(producer.args.get(spec.size), norm.args.get(norm_spec.features), producer.args.flow) is True


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
    code = RB102 if spec.functional else RB101
    fix = f"{spec.bias.keyword}={'None' if spec.functional else spec.off}"
    text = code.message(
        producer=producer.display, norm=norm.short, fix=fix, cost=cost(bias_size(producer), _read_elsewhere(producer)),
    )
    node = producer.call
    return Finding(node.lineno, node.col_offset, text)
