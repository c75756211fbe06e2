"""PyTorch: torch.nn modules, torch.nn.functional, torch.* kernels, torch.optim, and what decay needs to know.

The rows are checked against the real signatures by ``tests/test_knowledge.py``
and against measured outputs by ``tests/test_physics.py``.  Exported as one
record, ``FRAMEWORK``.
"""

from __future__ import annotations

from .schema import (
    AllOf, AnyOf, Arg, ArgIn, AxisMove, Container, Contraction, Fact, Framework, Freezes, Initializer, ModuleBase, ModuleList,
    ModuleTable, NoBias, NoBiasAccessor, Norm, Optimizer, ParameterClass, PenaltyFunction, PenaltyMethod, Producer, Reshape,
    ResetsParameters, ReturnsReceiver, SameArgs, Softmax, Spec, StoresModule, TensorFactory, Transparent, Version, Wrapper,
    YieldsParameters, prefixed,
)

ZERO = frozenset({0, (0,), (0, 0), (0, 0, 0)})
LOSSLESS_RESAMPLING = frozenset(
    {"nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area"}
)
SHIFT_KEEPING_PADDING = frozenset({"reflect", "replicate", "circular"})
# A 1x1 convolution without padding: each output position a linear map of the same input position.
POINTWISE = AllOf((
    ArgIn(Arg("kernel_size", 2), frozenset({1, (1,), (1, 1), (1, 1, 1)})),
    ArgIn(Arg("padding", 4, 0), ZERO | {"valid"}),
))

# ---------------------------------------------------------------- torch.nn


def _torch_convolutions() -> dict[str, Spec]:
    rows: dict[str, Spec] = {}
    for dims in ("1d", "2d", "3d"):
        # Conv*d(in, out, kernel, stride, padding, dilation, groups, bias, ...)
        # ConvTranspose*d(in, out, kernel, stride, padding, output_padding, groups, bias, ...)
        for name in (f"Conv{dims}", f"ConvTranspose{dims}"):
            rows[name] = Producer(
                bias=Arg("bias", 7, True), size=Arg("out_channels", 1),
                # A transposed convolution's stride spreads its input: the gaps get no share of it.
                pointwise=None if "Transpose" in name else POINTWISE,
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
    "Softmax": Softmax(Arg("dim", 0, None)),
}

TORCH_FUNCTIONAL: dict[str, Spec] = {
    **{f"{kind}{d}": Producer(bias=Arg("bias", 2, None), functional=True) for kind in ("conv", "conv_transpose") for d in ("1d", "2d", "3d")},
    "linear": Producer(bias=Arg("bias", 2, None), functional=True, last_axis=True),
    "batch_norm": Norm(functional=True),
    "instance_norm": Norm(functional=True),
    "softmax": Softmax(Arg("dim", 1, None), functional=True),
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

# What an attention's values go through: reshapes, a copy in memory order, and the weights' own softmax.
TENSOR_STEPS: dict[str, Spec] = {
    "view": Reshape(),
    "reshape": Reshape(),
    "flatten": Reshape(flattens=True),
    "contiguous": Transparent(functional=True),
    "softmax": Softmax(Arg("dim", 0, None), functional=True),
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
    "softmax": TORCH_FUNCTIONAL["softmax"],
    # (``@`` is the same product, read where it is written)
    "matmul": Contraction(Arg("input", 0), Arg("other", 1)),
    "bmm": Contraction(Arg("input", 0), Arg("mat2", 1), batched=True),
}

WEIGHT_WRAPPERS: dict[str, Spec] = {
    "torch.nn.utils.spectral_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.weight_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.parametrizations.spectral_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.parametrizations.weight_norm": Wrapper(Arg("module", 0)),
    "torch.nn.utils.parametrizations.orthogonal": Wrapper(Arg("module", 0)),
    # A BatchNorm comes back a SyncBatchNorm, which cancels the same; any other module comes back as it was.
    "torch.nn.SyncBatchNorm.convert_sync_batchnorm": Wrapper(Arg("module", 0)),
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


# What the weight-decay rules know about parameters and modules.
_NO_BIAS = (
    "Embedding EmbeddingBag Embedding.from_pretrained ParameterList ParameterDict PReLU "
    # modules that hold no parameter at all
    "ReLU ReLU6 LeakyReLU RReLU GELU SiLU Mish ELU SELU CELU Sigmoid Tanh Hardtanh Hardswish Hardsigmoid Softplus "
    "Softsign Tanhshrink Softmax LogSoftmax Softmax2d Threshold GLU Dropout Dropout1d Dropout2d Dropout3d "
    "AlphaDropout Identity Flatten Unflatten Upsample PixelShuffle PixelUnshuffle MaxPool1d MaxPool2d MaxPool3d "
    "AvgPool1d AvgPool2d AvgPool3d AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d "
    "AdaptiveMaxPool2d AdaptiveMaxPool3d ZeroPad2d ConstantPad1d ConstantPad2d ReflectionPad2d ReplicationPad2d "
    "CrossEntropyLoss NLLLoss MSELoss L1Loss BCELoss BCEWithLogitsLoss SmoothL1Loss"
).split()
FACTS: dict[str, Fact] = {
    **{f"torch.nn.{name}": NoBias() for name in _NO_BIAS},
    # functions creating a tensor whose shape is given by their positional arguments (or size=)
    **{f"torch.{name}": TensorFactory() for name in ("empty", "zeros", "ones", "randn", "rand", "Tensor", "FloatTensor", "full")},
    # module classes whose parameters are declared explicitly
    "torch.nn.Parameter": ParameterClass(),
    "torch.nn.parameter.Parameter": ParameterClass(),
    "torch.nn.Module": ModuleBase(),
    # a hand-written penalty on a parameter p: torch.norm(p), ...
    **{name: PenaltyFunction() for name in ("torch.norm", "torch.square", "torch.abs", "torch.linalg.norm", "torch.linalg.vector_norm")},
    # functions that set a layer's parameters up and never run it
    "torch.nn.init": Initializer(),
    "torch.nn.ModuleList": ModuleList(),
    # torch 1.0 came out in 2018; no 0.x release installs on a Python this linter runs on
    "torch.__version__": Version(1),
}

# (N, L, F) -> (N, F, L) moves, and what the rules know of module and tensor methods, by name.
METHODS: dict[str, Fact] = {
    **TENSOR_METHODS,
    **TENSOR_STEPS,
    "parameters": YieldsParameters(),
    "named_parameters": YieldsParameters(named=True),
    **{name: ResetsParameters() for name in ("reset_parameters", "_reset_parameters")},
    "requires_grad_": Freezes(Arg("requires_grad", 0, True), False),
    "add_module": StoresModule(Arg("name", 0), Arg("module", 1)),
    "register_module": StoresModule(Arg("name", 0), Arg("module", 1)),
    # the builtin setattr(self, name, module): Module.__setattr__ registers the module as add_module does
    "setattr": StoresModule(Arg("name", 1), Arg("value", 2), receiver=Arg("obj", 0)),
    "_modules": ModuleTable(),
    "get_input_embeddings": NoBiasAccessor(),
    "get_output_embeddings": NoBiasAccessor(),
    **{name: ReturnsReceiver() for name in ("to", "cuda", "cpu", "double", "float", "half", "bfloat16", "train", "eval", "to_empty")},
    # a hand-written penalty on a parameter p: p.pow(2), p.norm(), ...
    **{name: PenaltyMethod() for name in ("pow", "norm", "square", "abs")},
}
# Words in a parameter-name test that mean the split is about biases and norms:
# a split on them is an exemption, whatever its decays say.
EXEMPTION_WORDS = ("bias", "norm", "bn", "ln", "gamma", "beta", "scale", "embed", "pos", "token")


ROWS: dict[str, Spec] = {
    **prefixed("torch.nn", TORCH_NN),
    **prefixed("torch.nn.functional", TORCH_FUNCTIONAL),
    **prefixed("torch", TORCH_TOP),
    **WEIGHT_WRAPPERS,
    **prefixed("torch.optim", TORCH_OPTIM),
}
FRAMEWORK = Framework(
    "torch", ROWS, FACTS, METHODS,
    # Qualified names spelled through the internal module layout, mapped onto the public
    # name the rows use: torch.nn.modules.conv.Conv2d -> torch.nn.Conv2d.
    internal=(("torch.nn.modules.", "torch.nn."),),
    exemption_words=EXEMPTION_WORDS,
)
