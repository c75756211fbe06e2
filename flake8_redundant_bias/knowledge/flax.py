"""Flax, linen (``flax.linen``) and nnx (``flax.nnx``): RB104's rows.

Positions and defaults are those of flax 0.12.8, checked against the real
signatures by the tests when flax is importable.  Flax is channels-last: a
layer adds its bias on the last axis, where its norms keep their channels by
default.  linen's ``BatchNorm`` needs ``use_running_average`` from its
constructor or its call; ``not train`` from a parameter trains some of the time.
"""

from __future__ import annotations

from .schema import (
    REQUIRED, AnyOf, Arg, ArgIn, Axis, Container, Framework, Mode, Norm, Producer, SameArgs, Spec, Transparent, prefixed,
)

LAST = Axis(fixed=-1)
ONE = frozenset({1})


def _producer(bias: Arg, size: Arg) -> Producer:
    return Producer(bias=bias, size=size, axis=LAST)


LINEN: dict[str, Spec] = {
    # Conv(features, kernel_size, strides, padding, input_dilation, kernel_dilation, feature_group_count, use_bias).
    # Not ConvLocal: its bias has one value per output position, which no norm cancels (measured).
    "Conv": _producer(Arg("use_bias", 7, True), Arg("features", 0)),
    "ConvTranspose": _producer(Arg("use_bias", 5, True), Arg("features", 0)),
    "Dense": _producer(Arg("use_bias", 1, True), Arg("features", 0)),
    "BatchNorm": Norm(
        axis=Axis(arg=Arg("axis", 1, -1)),
        mode=Mode(
            inference=True, build=Arg("use_running_average", 0, None), call=Arg("use_running_average", 1, None),
            default=None,  # from neither, linen raises
        ),
    ),
    # One channel per group: the group mean is the channel mean.
    "GroupNorm": Norm(when=ArgIn(Arg("group_size", 1, None), ONE), axis=LAST),
    "InstanceNorm": Norm(axis=Axis(arg=Arg("feature_axes", 7, -1))),
    "Sequential": Container(layers=Arg("layers", 0, REQUIRED), grow=()),
    "max_pool": Transparent(functional=True),
}

NNX: dict[str, Spec] = {
    # Conv(in_features, out_features, kernel_size, strides, *, padding, ..., use_bias, ..., rngs)
    "Conv": _producer(Arg("use_bias", None, True), Arg("out_features", 1)),
    "ConvTranspose": _producer(Arg("use_bias", None, True), Arg("out_features", 1)),
    "Linear": _producer(Arg("use_bias", None, True), Arg("out_features", 1)),
    # Training statistics by default; model.eval() switches them off after training.
    "BatchNorm": Norm(
        axis=Axis(arg=Arg("axis", None, -1)),
        mode=Mode(inference=True, build=Arg("use_running_average", None, False), call=Arg("use_running_average", 1, None)),
    ),
    "GroupNorm": Norm(
        when=AnyOf((ArgIn(Arg("group_size", 2, None), ONE), SameArgs(Arg("num_groups", 1, 32), Arg("num_features", 0)))),
        axis=LAST,
    ),
    "InstanceNorm": Norm(axis=Axis(arg=Arg("feature_axes", None, -1))),
    "Sequential": Container(grow=()),
}

ROWS: dict[str, Spec] = {**prefixed("flax.linen", LINEN), **prefixed("flax.nnx", NNX)}
FRAMEWORK = Framework("flax", ROWS)
