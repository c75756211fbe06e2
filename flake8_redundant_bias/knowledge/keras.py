"""Keras 3 (``keras.layers``), also as ``tf.keras`` / ``tensorflow.keras``: RB103's rows.

Positions and defaults are those of keras 3.15.1 (the same in tf.keras 2.x for
these arguments), checked against the real signatures by
``tests/test_keras_rows.py`` when keras is importable.  Keras is channels-last
unless a layer says ``data_format="channels_first"``; a layer with an
activation applies it before its output leaves the layer, so a norm after it
never sees the bias alone.
"""

from __future__ import annotations

from .schema import (
    Arg, ArgIn, Axis, Container, Framework, Mode, NamedBy, Norm, Optimizer, Producer, Spec, Transparent, prefixed,
)

NO_ACTIVATION = frozenset({None, "linear"})
# Keyword only here: their positions differ from layer to layer, and nobody passes them by position.
BIAS_PENALTY = ((Arg("bias_regularizer", None, None), "bias"),)
NORM_PENALTIES = ((Arg("beta_regularizer", None, None), "shift (beta)"), (Arg("gamma_regularizer", None, None), "scale (gamma)"))
CHANNELS = ((None, -1), ("channels_last", -1), ("channels_first", 1))
DIMS = ("1D", "2D", "3D")


def _producer(bias: int, activation: int, data_format: int | None, size: str | None = "filters") -> Producer:
    return Producer(
        bias=Arg("use_bias", bias, True),
        size=Arg(size, 0) if size else None,
        when=ArgIn(Arg("activation", activation, None), NO_ACTIVATION),
        axis=Axis(arg=Arg("data_format", data_format, None), values=CHANNELS) if data_format is not None else Axis(fixed=-1),
        penalties=BIAS_PENALTY,
    )


def _convolutions() -> dict[str, Spec]:
    rows: dict[str, Spec] = {}
    for dims in DIMS:
        # (filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation, use_bias)
        rows[f"Conv{dims}"] = rows[f"Convolution{dims}"] = _producer(8, 7, 4)
    for dims in ("1D", "2D"):
        # (filters, kernel_size, strides, padding, output_padding, data_format, dilation_rate, activation, use_bias)
        rows[f"Conv{dims}Transpose"] = rows[f"Convolution{dims}Transpose"] = _producer(8, 7, 5)
        # (kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation, use_bias)
        rows[f"DepthwiseConv{dims}"] = _producer(7, 6, 4, size=None)
        # (filters, kernel_size, strides, padding, data_format, dilation_rate, depth_multiplier, activation, use_bias)
        rows[f"SeparableConv{dims}"] = rows[f"SeparableConvolution{dims}"] = _producer(8, 7, 4)
    # Conv3DTranspose puts data_format before output_padding.
    rows["Conv3DTranspose"] = rows["Convolution3DTranspose"] = _producer(8, 7, 4)
    return rows


LAYERS: dict[str, Spec] = {
    **_convolutions(),
    "Dense": _producer(2, 1, None, size="units"),  # (units, activation, use_bias): the last axis
    # BatchNormalization(axis=-1, ...): batch statistics only when training and trainable.
    "BatchNormalization": Norm(
        when=ArgIn(Arg("trainable", None, True), frozenset({True})),
        axis=Axis(arg=Arg("axis", 0, -1)),
        mode=Mode(inference=False, call=Arg("training", 1, None)),
        penalties=NORM_PENALTIES,
    ),
    # groups=-1 is one group per channel: instance normalization (no running statistics, no mode).
    "GroupNormalization": Norm(
        when=ArgIn(Arg("groups", 0, 32), frozenset({-1})),
        axis=Axis(arg=Arg("axis", 1, -1)),
        penalties=NORM_PENALTIES,
    ),
    **{
        f"{kind}{dims}": Transparent()
        for kind in ("MaxPooling", "GlobalMaxPooling", "GlobalAveragePooling", "UpSampling", "Cropping") for dims in DIMS
    },
    # "same" padding averages the valid inputs only on the JAX backend (measured: it cancels), but
    # it is not checked on every backend Keras runs on: only "valid" is trusted.
    **{f"AveragePooling{dims}": Transparent(when=ArgIn(Arg("padding", 2, "valid"), frozenset({"valid"}))) for dims in DIMS},
    "Flatten": Transparent(),
    "Activation": Transparent(when=ArgIn(Arg("activation", 0), NO_ACTIVATION)),
    "Dropout": Transparent(when=ArgIn(Arg("rate", 0), frozenset({0}))),
}
SEQUENTIAL = Container(layers=Arg("layers", 0, None), grow=("add",))


def _optimizer(position: int, default: float | None, keyword: str = "weight_decay") -> Optimizer:
    return Optimizer(
        Arg(keyword, position, default), params=None, exclude="exclude_from_weight_decay",
    )


# keras/src/optimizers/*.py: every optimizer decays every trainable variable it is
# given that exclude_from_weight_decay did not name; AdamW by default (0.004).
OPTIMIZERS: dict[str, Spec] = {
    "AdamW": _optimizer(1, 0.004),
    "Adam": _optimizer(5, None),
    "SGD": _optimizer(3, None),
    "Lion": _optimizer(3, None),
    "Lamb": _optimizer(4, None),
    "Nadam": _optimizer(4, None),
    "RMSprop": _optimizer(5, None),
    "Adagrad": _optimizer(3, None),
    "Adadelta": _optimizer(3, None),
    "Adamax": _optimizer(4, None),
    "Adafactor": _optimizer(6, None),
    "Ftrl": _optimizer(7, None),
    # Its Adam path takes every variable that is not a matrix: biases and norm weights.
    "Muon": _optimizer(3, 0.004, keyword="adam_weight_decay"),
}
# model.compile(optimizer="adamw"): an optimizer named by a string, as Keras looks it up.
BY_NAME: dict[str, str] = {"adamw": "keras.optimizers.AdamW"}
COMPILE = NamedBy("compile", Arg("optimizer", 0, "rmsprop"))  # Model.compile(optimizer="rmsprop", loss=None, ...)

ROWS: dict[str, Spec] = {
    **prefixed("keras.optimizers", OPTIMIZERS),
    **prefixed("keras.layers", LAYERS),
    "keras.Sequential": SEQUENTIAL,
    "keras.models.Sequential": SEQUENTIAL,
}
# tf.keras and the standalone Keras 2 package spell the same classes under other roots.
ALIASES = (("tensorflow.keras.", "keras."), ("tf_keras.", "keras."))
FRAMEWORK = Framework("keras", ROWS, aliases=ALIASES, named_optimizers=BY_NAME, named_by=COMPILE)
