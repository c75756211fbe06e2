"""What the rules know about frameworks, as data.

Every fact here is a row: which calls produce a per-channel bias, which
normalizations cancel it, which steps between them keep it constant per
channel, and which wrappers return the module they are given.  The analysis
code never names a framework class; adding a layer means adding a row.

The rows for ``torch.nn`` are checked against the real signatures and against
measured outputs by ``tests/test_knowledge.py`` and ``tests/test_physics.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

REQUIRED = object()  # an argument with no default


@dataclass(frozen=True)
class Arg:
    """Where a call takes one argument: by keyword, by position, or not at all."""

    keyword: str
    position: int | None = None
    default: object = REQUIRED


@dataclass(frozen=True)
class ArgIn:
    """Holds when the argument's literal value is one of ``values``."""

    arg: Arg
    values: frozenset


@dataclass(frozen=True)
class SameArgs:
    """Holds when two arguments are the same literal or the same expression."""

    first: Arg
    second: Arg


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


Condition = Union[ArgIn, SameArgs, AnyOf, AllOf]


@dataclass(frozen=True)
class Producer:
    """A call that adds a per-channel bias to its output.

    ``bias`` says where the bias switch sits.  For modules it is a flag
    (``bias=True``); for functional calls it is a tensor, and any value but a
    literal ``None`` means a bias is added.  ``size`` is the argument giving the
    number of channels, i.e. the number of bias parameters.
    """

    bias: Arg
    size: Arg | None = None
    functional: bool = False
    # Convolutions add their bias along axis 1, where every norm keeps its
    # channels.  Linear layers add it along the last axis, which is a norm's
    # channel axis only for a 2-D (N, F) input: see Norm.features.
    last_axis: bool = False


@dataclass(frozen=True)
class Norm:
    """A normalization that subtracts a per-channel mean (when ``when`` holds).

    ``features`` is the argument naming its channel count, for norms that also
    accept a 2-D (N, F) input.  A last-axis bias (``Linear``) is cancelled only
    by such a norm, and only when its channel count is provably the linear
    layer's output size: otherwise the norm's channels are another axis.
    """

    when: Condition | None = None
    functional: bool = False
    features: Arg | None = None


@dataclass(frozen=True)
class Transparent:
    """A step with f(x + b) == f(x) + b' for b constant per channel."""

    when: Condition | None = None
    functional: bool = False


@dataclass(frozen=True)
class Wrapper:
    """A call that returns the module it is given, bias unchanged."""

    module: Arg


@dataclass(frozen=True)
class Container:
    """A module that runs the modules it is given in order."""


Spec = Union[Producer, Norm, Transparent, Wrapper, Container]

ZERO = frozenset({0, (0,), (0, 0), (0, 0, 0)})
LOSSLESS_RESAMPLING = frozenset(
    {"nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area"}
)
SHIFT_KEEPING_PADDING = frozenset({"reflect", "replicate", "circular"})

# ---------------------------------------------------------------- torch.nn


def _torch_convolutions() -> dict[str, Spec]:
    rows: dict[str, Spec] = {}
    for dims in ("1d", "2d", "3d"):
        # Conv*d(in, out, kernel, stride, padding, dilation, groups, bias, ...)
        # ConvTranspose*d(in, out, kernel, stride, padding, output_padding, groups, bias, ...)
        for name in (f"Conv{dims}", f"ConvTranspose{dims}"):
            rows[name] = Producer(
                bias=Arg("bias", 7, True), size=Arg("out_channels", 1)
            )
            rows[f"Lazy{name}"] = Producer(
                bias=Arg("bias", 6, True), size=Arg("out_channels", 0)
            )
    return rows


def _avg_pool(padding: int, count_include_pad: int, divisor: int | None, functional: bool = False) -> Transparent:
    # Averaging keeps a constant constant unless zeros from the padding are
    # counted, or the sum is divided by something other than the window size.
    keeps_mean = AnyOf(
        (
            ArgIn(Arg("padding", padding, 0), ZERO),
            ArgIn(Arg("count_include_pad", count_include_pad, True), frozenset({False})),
        )
    )
    if divisor is None:
        return Transparent(when=keeps_mean, functional=functional)
    no_override = ArgIn(Arg("divisor_override", divisor, None), frozenset({None}))
    return Transparent(when=AllOf((keeps_mean, no_override)), functional=functional)


TORCH_NN: dict[str, Spec] = {
    **_torch_convolutions(),
    "Linear": Producer(bias=Arg("bias", 2, True), size=Arg("out_features", 1), last_axis=True),
    "LazyLinear": Producer(bias=Arg("bias", 1, True), size=Arg("out_features", 0), last_axis=True),
    "Bilinear": Producer(bias=Arg("bias", 3, True), size=Arg("out_features", 2), last_axis=True),
    **{f"{kind}{dims}": Norm() for kind in ("BatchNorm", "LazyBatchNorm", "InstanceNorm", "LazyInstanceNorm") for dims in ("1d", "2d", "3d")},
    # InstanceNorm1d reads a 2-D input as one unbatched (C, L) sample, so it
    # never normalizes per feature of a Linear's output.
    "BatchNorm1d": Norm(features=Arg("num_features", 0)),
    "SyncBatchNorm": Norm(features=Arg("num_features", 0)),
    # Only one channel per group makes the group mean the channel mean.
    "GroupNorm": Norm(when=SameArgs(Arg("num_groups", 0), Arg("num_channels", 1))),
    "Identity": Transparent(),
    **{f"{kind}{dims}": Transparent() for kind in ("MaxPool", "AdaptiveMaxPool", "AdaptiveAvgPool", "ReflectionPad", "ReplicationPad", "CircularPad") for dims in ("1d", "2d", "3d")},
    "FractionalMaxPool2d": Transparent(),
    "FractionalMaxPool3d": Transparent(),
    "AvgPool1d": _avg_pool(padding=2, count_include_pad=4, divisor=None),
    "AvgPool2d": _avg_pool(padding=2, count_include_pad=4, divisor=5),
    "AvgPool3d": _avg_pool(padding=2, count_include_pad=4, divisor=5),
    "Upsample": Transparent(when=ArgIn(Arg("mode", 2, "nearest"), LOSSLESS_RESAMPLING)),
    "UpsamplingNearest2d": Transparent(),
    "UpsamplingBilinear2d": Transparent(),
    # (N, C, H, W) -> (N, C*H*W): every new feature still carries one channel's bias.
    "Flatten": Transparent(when=ArgIn(Arg("start_dim", 0, 1), frozenset({1, 2}))),
    "PixelUnshuffle": Transparent(),
    "ChannelShuffle": Transparent(),
    **{name: Transparent(when=ArgIn(Arg("p", 0, 0.5), frozenset({0}))) for name in ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d")},
    "Sequential": Container(),
}

TORCH_FUNCTIONAL: dict[str, Spec] = {
    **{f"{kind}{d}": Producer(bias=Arg("bias", 2, None), functional=True) for kind in ("conv", "conv_transpose") for d in ("1d", "2d", "3d")},
    "linear": Producer(bias=Arg("bias", 2, None), functional=True, last_axis=True),
    "batch_norm": Norm(functional=True),
    "instance_norm": Norm(functional=True),
    **{f"{kind}{d}": Transparent(functional=True) for kind in ("max_pool", "adaptive_max_pool", "adaptive_avg_pool") for d in ("1d", "2d", "3d")},
    "avg_pool1d": _avg_pool(padding=3, count_include_pad=5, divisor=None, functional=True),
    "avg_pool2d": _avg_pool(padding=3, count_include_pad=5, divisor=6, functional=True),
    "avg_pool3d": _avg_pool(padding=3, count_include_pad=5, divisor=6, functional=True),
    "interpolate": Transparent(when=ArgIn(Arg("mode", 3, "nearest"), LOSSLESS_RESAMPLING), functional=True),
    "pad": Transparent(when=ArgIn(Arg("mode", 2, "constant"), SHIFT_KEEPING_PADDING), functional=True),
}

# torch.* re-exports a few functional kernels under the same signatures.
TORCH_TOP: dict[str, Spec] = {
    **{name: TORCH_FUNCTIONAL[name] for name in ("conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "batch_norm", "instance_norm", "max_pool1d", "max_pool2d", "max_pool3d", "adaptive_avg_pool1d", "adaptive_max_pool1d")},
    "flatten": Transparent(when=ArgIn(Arg("start_dim", 1, 0), frozenset({1, 2})), functional=True),
}

WEIGHT_WRAPPERS: dict[str, Spec] = {
    "torch.nn.utils.spectral_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.weight_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.parametrizations.spectral_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.parametrizations.weight_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.parametrizations.orthogonal": Wrapper(Arg("module", 0)),
}


def _prefixed(prefix: str, rows: dict[str, Spec]) -> dict[str, Spec]:
    return {f"{prefix}.{name}": spec for name, spec in rows.items()}


SPECS: dict[str, Spec] = {
    **_prefixed("torch.nn", TORCH_NN),
    **_prefixed("torch.nn.functional", TORCH_FUNCTIONAL),
    **_prefixed("torch", TORCH_TOP),
    **WEIGHT_WRAPPERS,
}

# Qualified names spelled through a framework's internal module layout, mapped
# onto the public name the tables use: torch.nn.modules.conv.Conv2d -> torch.nn.Conv2d.
INTERNAL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("torch.nn.modules.", "torch.nn."),
)

# Modules whose import marks a file as worth analysing at all.
FRAMEWORK_ROOTS = frozenset({"torch"})
# Standard-library modules whose names the tables also use.
SUPPORT_ROOTS = frozenset({"collections", "typing"})

# Qualified names that build an ordered mapping of layers for a container.
ORDERED_DICTS = frozenset({"collections.OrderedDict", "typing.OrderedDict"})
