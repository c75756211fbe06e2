"""Where a bias lies while its value is moved, reshaped and summed by an attention on the way to a norm.

A layout is (the bias's axis, the tensor's rank): a convolution adds its bias
along axis 1 of a tensor of unknown rank, a ``Linear`` along its last.  A norm
needs it on axis 1, and so does a 1x1 convolution that passes it on.  The
moves read here keep one bias value per index of that axis, and every other
axis free of it:

* ``.transpose(1, 2)`` (or ``.permute(0, 2, 1)``) of a 3-D tensor swaps axis 1
  and the last (a ``Linear``'s (N, L, F) is taken for 3-D, as the norm that
  follows its move has always taken it);
* ``.view(b, c, -1)`` and ``.reshape`` keep axis 1 when ``b`` is a batch size
  (a name, not arithmetic) and ``c`` the producer's own channel count, and
  ``.flatten(2)`` always: a 3-D (N, C, L) tensor then;
* a weighted sum whose weights add up to 1 keeps a bias constant along the
  axis it sums: ``weights @ v`` with the bias on ``v``'s last axis, ``v @
  weights.T`` with it on axis 1.

Any other move takes the bias off the axes read here, and the chain ends.
"""

from __future__ import annotations

import ast

from ..knowledge.schema import AxisMove, Reshape
from ..model.flow.service import Flow
from ..model.layers import Layer
from ..model.weighted_sums import SWAPS, SWAPS_3D, Averaging

Layout = tuple[int, "int | None"]  # (the bias's axis: 1 or -1, the rank when a move made it known)
MOVES = (AxisMove, Reshape, Averaging)
LAYOUT_FREE = ("addition", "contiguous")  # steps that keep a layout whatever it is
RANK3_SWAPS = SWAPS | SWAPS_3D  # the moves that swap axis 1 and the last of a 3-D tensor


def start(producer: Layer) -> Layout:
    return (-1 if getattr(producer.spec, "last_axis", False) else 1), None


def on_channels(layout: Layout) -> bool:
    """Where a norm, or a 1x1 convolution, reads channels."""
    return layout[0] == 1


def passes(step: Layer, layout: Layout) -> bool:
    """A transparent step keeps the layout: one that reads channels on axis 1 (a pool, a pad), only there."""
    return on_channels(layout) or layout[1] is None or step.name in LAYOUT_FREE


def moved(flow: Flow, producer: Layer, step: Layer, layout: Layout, positions: tuple | None) -> Layout | None:
    """The layout past a step of ``MOVES``; None where the bias leaves the axes read here (``positions``: the
    step's literal positional arguments)."""
    if getattr(producer.spec, "axis", None) is not None:
        return None  # a channels-last framework's layer: its moves are not read
    channel, rank = layout
    spec = step.spec
    if isinstance(spec, AxisMove):
        if layout == (-1, None) and positions in spec.arguments:
            return 1, 3  # (N, L, F) -> (N, F, L)
        return (-channel, 3) if rank == 3 and positions in RANK3_SWAPS else None
    if isinstance(spec, Averaging):
        return layout if on_channels(layout) is spec.over_last else None
    if not on_channels(layout):
        return None
    if spec.flattens:  # type: ignore[union-attr]
        return (1, 3) if positions == (2,) else None
    return _viewed(flow, producer, step)


def _viewed(flow: Flow, producer: Layer, step: Layer) -> Layout | None:
    """``.view(b, c, -1)``, ``.view(b, c, *x.size()[2:])``: axis 1 stays the bias's."""
    args, size = step.args, getattr(producer.spec, "size", None)
    shape = args.positional
    if args.keywords or args.open_keywords or size is None or len(shape) < 2 or args.open_from is None and len(shape) < 3:
        return None
    if isinstance(shape[0].expr, (ast.Constant, ast.BinOp, ast.UnaryOp)):
        return None  # (-1, c, n): the batch's size is not known to stay; (b * heads, c, n) splits it
    if flow.same_value(producer.args.get(size), shape[1]) is not True:
        return None
    return 1, (len(shape) if args.open_from is None else None)
