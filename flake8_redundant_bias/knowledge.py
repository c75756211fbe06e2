"""What the rules know about frameworks, as data.

Every fact here is a row: which calls produce a per-channel bias, which
normalizations cancel it, which steps between them keep it constant per
channel, and which wrappers return the module they are given.  The analysis
code never names a framework class; adding a layer means adding a row.

The rows for ``torch.nn`` are checked against the real signatures and against
measured outputs by ``tests/test_knowledge.py`` and ``tests/test_physics.py``.
"""

from __future__ import annotations

from typing import NamedTuple, Union

REQUIRED = object()  # an argument with no default


class Arg(NamedTuple):
    """Where a call takes one argument: by keyword, by position, or not at all."""

    keyword: str
    position: int | None = None
    default: object = REQUIRED


class ArgIn(NamedTuple):
    """Holds when the argument's literal value is one of ``values``."""

    arg: Arg
    values: frozenset


class SameArgs(NamedTuple):
    """Holds when two arguments are the same literal or the same expression."""

    first: Arg
    second: Arg


class AnyOf(NamedTuple):
    conditions: tuple[Condition, ...]


class AllOf(NamedTuple):
    conditions: tuple[Condition, ...]


Condition = Union[ArgIn, SameArgs, AnyOf, AllOf]


class Producer(NamedTuple):
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
    # A block that builds its own norm from a config (mmcv's ConvModule): see NormSlot.
    norm: NormSlot | None = None
    off: str = "False"  # the bias value that turns it off, for the message


class NormBuilder(NamedTuple):
    """A function that builds a norm from a config dict (``build_norm_layer(cfg, C)``).

    ``types`` maps the config's ``type`` to the qualified torch class it builds;
    ``item`` is the index of the layer in the tuple it returns (None: the layer itself);
    ``groups`` is the config key of GroupNorm's group count.
    """

    cfg: Arg
    features: Arg
    types: tuple[tuple[str, str], ...]
    item: int | None = None
    groups: str = "num_groups"


class NormSlot(NamedTuple):
    """A producer's own norm, built from a config argument, applied right after it when ``order`` says so."""

    cfg: Arg
    order: Arg
    builder: NormBuilder
    adjacent: tuple[str, str] = ("conv", "norm")


class Norm(NamedTuple):
    """A normalization that subtracts a per-channel mean (when ``when`` holds).

    ``features`` is the argument naming its channel count, for norms that also
    accept a 2-D (N, F) input.  A last-axis bias (``Linear``) is cancelled only
    by such a norm, and only when its channel count is provably the linear
    layer's output size: otherwise the norm's channels are another axis.
    """

    when: Condition | None = None
    functional: bool = False
    features: Arg | None = None


class Transparent(NamedTuple):
    """A step with f(x + b) == f(x) + b' for b constant per channel."""

    when: Condition | None = None
    functional: bool = False


class Wrapper(NamedTuple):
    """A call that returns the module it is given, bias unchanged."""

    module: Arg


class Container(NamedTuple):
    """A module that runs the modules it is given in order."""


class Optimizer(NamedTuple):
    """An optimizer class: where it takes its parameters and its weight decay.

    ``matrices_only`` marks optimizers that reject any parameter that is not
    a matrix (``torch.optim.Muon``): they can never be handed a bias.
    """

    decay: Arg
    params: Arg = Arg("params", 0)
    matrices_only: bool = False


class AxisMove(NamedTuple):
    """A tensor method that moves a 3-D tensor's last axis to axis 1 for the literal arguments listed.

    A last-axis bias (``Linear`` on (N, L, F)) then lies on the channel axis of a
    ``BatchNorm1d``; a convolution's channels leave axis 1, which breaks its chain.
    """

    arguments: frozenset


Spec = Union[Producer, Norm, Transparent, Wrapper, Container, Optimizer, AxisMove, NormBuilder]


def _prefixed(prefix: str, rows: dict[str, Spec]) -> dict[str, Spec]:
    return {f"{prefix}.{name}": spec for name, spec in rows.items()}


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

# (N, L, F) -> (N, F, L).  Pairs with 2 fail on a 2-D tensor, and (1, -1) leaves
# one unchanged, so the move is right whenever the call runs.
_LAST_TO_CHANNEL = AxisMove(frozenset({(1, 2), (2, 1), (1, -1), (-1, 1)}))
TENSOR_METHODS: dict[str, AxisMove] = {
    "transpose": _LAST_TO_CHANNEL,
    "swapaxes": _LAST_TO_CHANNEL,
    "swapdims": _LAST_TO_CHANNEL,
    "permute": AxisMove(frozenset({(0, 2, 1)})),
}

# Concatenating along the channel axis keeps each channel's bias constant in its channel.
_CHANNEL_CAT = Transparent(when=ArgIn(Arg("dim", 1, 0), frozenset({1})), functional=True)

# torch.* re-exports a few functional kernels under the same signatures.
TORCH_TOP: dict[str, Spec] = {
    "cat": _CHANNEL_CAT,
    "concat": _CHANNEL_CAT,
    "concatenate": Transparent(when=ArgIn(Arg("axis", 1, 0), frozenset({1})), functional=True),
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


# ---------------------------------------------------------------- optimizers
# (weight-decay position counting ``params`` as 0, default).  The torch rows are
# checked against inspect.signature by tests/test_knowledge.py; the others were
# read from the named release's source.

TORCH_OPTIM: dict[str, Spec] = {
    "ASGD": Optimizer(Arg("weight_decay", 5, 0)),
    "Adadelta": Optimizer(Arg("weight_decay", 4, 0)),
    "Adafactor": Optimizer(Arg("weight_decay", 5, 0.0)),
    "Adagrad": Optimizer(Arg("weight_decay", 3, 0)),
    "Adam": Optimizer(Arg("weight_decay", 4, 0)),  # coupled L2: decays whatever it is given
    "AdamW": Optimizer(Arg("weight_decay", 4, 0.01)),
    "Adamax": Optimizer(Arg("weight_decay", 4, 0)),
    "Muon": Optimizer(Arg("weight_decay", 2, 0.1), matrices_only=True),
    "NAdam": Optimizer(Arg("weight_decay", 4, 0)),
    "RAdam": Optimizer(Arg("weight_decay", 4, 0)),
    "RMSprop": Optimizer(Arg("weight_decay", 4, 0)),
    "SGD": Optimizer(Arg("weight_decay", 4, 0)),
}


def _optimizers(rows: str) -> dict[str, Spec]:
    """``"Name@position=default ..."`` rows, all with the keyword ``weight_decay``."""
    table: dict[str, Spec] = {}
    for row in rows.split():
        name, _, rest = row.partition("@")
        position, _, default = rest.partition("=")
        table[name] = Optimizer(Arg("weight_decay", int(position), float(default)))
    return table


THIRD_PARTY_OPTIMIZERS: dict[str, Spec] = {
    # bitsandbytes 0.50.2, bitsandbytes/optim/*.py
    **_prefixed("bitsandbytes.optim", _optimizers(
        "AdamW@4=0.01 AdamW8bit@4=0.01 AdamW32bit@4=0.01 PagedAdamW@4=0.01 PagedAdamW8bit@4=0.01 PagedAdamW32bit@4=0.01 "
        "Adam@4=0 Adam8bit@4=0 Adam32bit@4=0 PagedAdam@4=0 PagedAdam8bit@4=0 PagedAdam32bit@4=0 "
        "AdEMAMix@7=0.01 AdEMAMix8bit@7=0.01 AdEMAMix32bit@7=0.01 PagedAdEMAMix@7=0.01 PagedAdEMAMix8bit@7=0.01 PagedAdEMAMix32bit@7=0.01 "
        "Adagrad@3=0 Adagrad8bit@3=0 Adagrad32bit@3=0 LAMB@5=0 LAMB8bit@5=0 LAMB32bit@5=0 LARS@4=0 LARS8bit@4=0 LARS32bit@4=0 "
        "Lion@3=0 Lion8bit@3=0 Lion32bit@3=0 PagedLion@3=0 PagedLion8bit@3=0 PagedLion32bit@3=0 "
        "RMSprop@4=0 RMSprop8bit@4=0 RMSprop32bit@4=0 SGD@4=0 SGD8bit@4=0 SGD32bit@4=0"
    )),
    # NVIDIA apex master, apex/optimizers/fused_adam.py and fused_lamb.py
    **_prefixed("apex.optimizers", _optimizers("FusedAdam@6=0 FusedLAMB@5=0.01")),
    # timm 1.0.31, timm/optim/*.py; timm.optim also re-exports torch.optim classes
    **_prefixed("timm.optim", _optimizers(
        "AdaBelief@4=0 Adafactor@7=0 AdafactorBigVision@9=0 Adahessian@4=0 AdamP@4=0 AdamWLegacy@4=0.01 Adan@4=0 "
        "Adopt@5=0 Kron@3=0 Lamb@5=0.01 LaProp@4=0 Lars@4=0 Lion@3=0 MADGRAD@3=0 Mars@4=0 Muon@2=0 NAdamLegacy@4=0 "
        "NAdamW@4=0.01 NvNovoGrad@4=0 RAdamLegacy@4=0 RMSpropTF@4=0 SGDP@4=0 SGDW@4=0"
    )),
    **_prefixed("timm.optim", {name: TORCH_OPTIM[name] for name in ("Adadelta", "Adagrad", "Adamax", "Adam", "AdamW", "RMSprop", "SGD", "NAdam", "RAdam")}),
    # transformers 4.40.0 (AdamW, removed in 5.x) and 5.23.0 (Adafactor), transformers/optimization.py
    **{
        name: spec for module in ("transformers", "transformers.optimization")
        for name, spec in _prefixed(module, _optimizers("AdamW@4=0 Adafactor@6=0")).items()
    },
    # lion-pytorch 0.2.5, lion_pytorch/lion_pytorch.py
    "lion_pytorch.Lion": Optimizer(Arg("weight_decay", 3, 0.0)),
}

# What the weight-decay rules know about parameters and modules.
ALL_PARAMETERS = frozenset({"parameters", "named_parameters"})  # methods yielding every parameter of a module
# A call on a module that turns training off for its parameters: (method, argument, the value that freezes).
FREEZE_METHODS = {"requires_grad_": (Arg("requires_grad", 0, True), False)}
# Calls whose result trains only added parameters without biases or norms
# (LoRA adapters over a frozen base), or holds none at all.
BIAS_FREE_BUILDERS = frozenset({
    "peft.get_peft_model", "peft.PeftModel.from_pretrained", "peft.prepare_model_for_kbit_training",
    "diffusers.loaders.AttnProcsLayers",
    "torch.nn.Embedding", "torch.nn.EmbeddingBag", "torch.nn.Embedding.from_pretrained",
    "torch.nn.ParameterList", "torch.nn.ParameterDict",
})
# Words in a parameter-name test that mean the split is about biases and norms:
# a split on them is an exemption, whatever its decays say.
EXEMPTION_WORDS = ("bias", "norm", "bn", "ln", "gamma", "beta", "scale", "embed", "pos", "token")
# Methods returning a sub-module with no bias or norm: model.get_input_embeddings().
BIAS_FREE_ACCESSORS = frozenset({"get_input_embeddings", "get_output_embeddings"})
# Methods that return the module they are called on: model.to(device).
SELF_RETURNING_METHODS = frozenset({"to", "cuda", "cpu", "double", "float", "half", "bfloat16", "train", "eval", "to_empty"})
# torch.nn modules that hold no parameter at all.
PARAMETERLESS_MODULES = frozenset(
    f"torch.nn.{name}" for name in (
        "ReLU ReLU6 LeakyReLU GELU SiLU Mish ELU SELU CELU Sigmoid Tanh Hardtanh Hardswish Hardsigmoid Softplus "
        "Softsign Tanhshrink Softmax LogSoftmax Softmax2d Threshold GLU Dropout Dropout1d Dropout2d Dropout3d "
        "AlphaDropout Identity Flatten Unflatten Upsample PixelShuffle PixelUnshuffle MaxPool1d MaxPool2d MaxPool3d "
        "AvgPool1d AvgPool2d AvgPool3d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d "
        "AdaptiveMaxPool2d AdaptiveMaxPool3d ZeroPad2d ConstantPad1d ConstantPad2d ReflectionPad2d ReplicationPad2d "
        "CrossEntropyLoss NLLLoss MSELoss L1Loss BCELoss BCEWithLogitsLoss SmoothL1Loss"
    ).split()
)
# torch functions creating a tensor whose shape is given by their positional arguments (or size=).
TENSOR_FACTORIES = frozenset(
    f"torch.{name}" for name in ("empty", "zeros", "ones", "randn", "rand", "Tensor", "FloatTensor", "full")
)
# Module classes whose parameters are declared explicitly (nn.Parameter).
PARAMETER_CLASSES = frozenset({"torch.nn.Parameter", "torch.nn.parameter.Parameter"})
MODULE_BASES = frozenset({"torch.nn.Module"})
# A hand-written penalty on a parameter p: p.pow(2), p.norm(), torch.norm(p), p ** 2, ...
PENALTY_METHODS = frozenset({"pow", "norm", "square", "abs"})
PENALTY_FUNCTIONS = frozenset({"torch.norm", "torch.square", "torch.abs", "torch.linalg.norm", "torch.linalg.vector_norm"})


# ---------------------------------------------------------------- OpenMMLab
# mmcv 1.3-2.2, mmcv/cnn/bricks/norm.py:11-21 and conv_module.py:126-142 (read from
# the released sources; the signatures have not changed across those versions).

MMCV_NORM_TYPES = (
    ("BN", "torch.nn.BatchNorm2d"), ("BN1d", "torch.nn.BatchNorm1d"), ("BN2d", "torch.nn.BatchNorm2d"),
    ("BN3d", "torch.nn.BatchNorm3d"), ("SyncBN", "torch.nn.SyncBatchNorm"), ("GN", "torch.nn.GroupNorm"),
    ("LN", "torch.nn.LayerNorm"), ("IN", "torch.nn.InstanceNorm2d"), ("IN1d", "torch.nn.InstanceNorm1d"),
    ("IN2d", "torch.nn.InstanceNorm2d"), ("IN3d", "torch.nn.InstanceNorm3d"),
)
_MMCV_BUILD_NORM = NormBuilder(Arg("cfg", 0), Arg("num_features", 1), MMCV_NORM_TYPES, item=1)
# ConvModule(in, out, kernel, stride, padding, dilation, groups, bias='auto', conv_cfg, norm_cfg, act_cfg,
# inplace, with_spectral_norm, padding_mode, order): 'auto' is off when a norm is configured.
_MMCV_CONV_MODULE = Producer(
    bias=Arg("bias", 7, "auto"), size=Arg("out_channels", 1),
    norm=NormSlot(Arg("norm_cfg", 9, None), Arg("order", 14, ("conv", "norm", "act")), _MMCV_BUILD_NORM), off="'auto'",
)
OPENMMLAB: dict[str, Spec] = {
    **{f"{module}.build_norm_layer": _MMCV_BUILD_NORM for module in ("mmcv.cnn", "mmcv.cnn.bricks", "mmcv.cnn.bricks.norm")},
    **{f"{module}.ConvModule": _MMCV_CONV_MODULE for module in ("mmcv.cnn", "mmcv.cnn.bricks", "mmcv.cnn.bricks.conv_module")},
    "mmengine.model.Sequential": Container(),
}


SPECS: dict[str, Spec] = {
    **_prefixed("torch.nn", TORCH_NN),
    **_prefixed("torch.nn.functional", TORCH_FUNCTIONAL),
    **_prefixed("torch", TORCH_TOP),
    **WEIGHT_WRAPPERS,
    **OPENMMLAB,
    **_prefixed("torch.optim", TORCH_OPTIM),
    **THIRD_PARTY_OPTIMIZERS,
}

# Qualified names spelled through a framework's internal module layout, mapped
# onto the public name the tables use: torch.nn.modules.conv.Conv2d -> torch.nn.Conv2d.
INTERNAL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("torch.nn.modules.", "torch.nn."),
)

# Modules whose import marks a file as worth analysing at all: every package a
# table row names.
FRAMEWORK_ROOTS = frozenset({"torch"} | {name.partition(".")[0] for name in SPECS})
# Other modules whose names the tables use, which alone do not make a file worth analysing.
SUPPORT_ROOTS = frozenset({"collections", "typing", "itertools", "functools", "dataclasses", "peft", "diffusers"})

# What the value-flow service knows of the standard library and training frameworks.
PARTIALS = frozenset({"functools.partial"})
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass"})
DATACLASS_FIELD = frozenset({"dataclasses.field"})
LIGHTNING_SAVE = frozenset({"save_hyperparameters"})  # self.save_hyperparameters() keeps __init__'s arguments
# Functions (or modules of them) that set a layer's parameters up and never run it:
# naming a layer there is not a use of its output.
INITIALIZERS = frozenset({
    "torch.nn.init",
    "mmcv.cnn.xavier_init", "mmcv.cnn.kaiming_init", "mmcv.cnn.constant_init", "mmcv.cnn.normal_init",
    "mmcv.cnn.uniform_init", "mmcv.cnn.trunc_normal_init", "mmcv.cnn.caffe2_xavier_init",
    "mmcv.cnn.bricks.xavier_init", "mmcv.cnn.bricks.kaiming_init", "mmcv.cnn.bricks.constant_init",
    "mmengine.model.xavier_init", "mmengine.model.kaiming_init", "mmengine.model.constant_init",
    "mmengine.model.normal_init", "mmengine.model.uniform_init", "mmengine.model.trunc_normal_init",
    "mmengine.model.caffe2_xavier_init",
})

# Containers that hold modules without running them: used in order only by a loop or an index.
MODULE_LISTS = frozenset({"torch.nn.ModuleList", "mmengine.model.ModuleList"})

# Qualified names that build an ordered mapping of layers for a container.
ORDERED_DICTS = frozenset({"collections.OrderedDict", "typing.OrderedDict"})
