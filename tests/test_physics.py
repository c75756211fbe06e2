"""The knowledge tables against measured PyTorch outputs (runs when torch is importable).

For each recipe, a biased layer, an optional step, and a norm are built twice
from the same source text, differing only in the bias values.  The bias is
cancelled exactly when the two outputs agree.  The analyser must report the
same source text exactly when the measurement says the bias is cancelled.
"""

from __future__ import annotations

import functools

import pytest

from flake8_redundant_bias.knowledge import schema
from flake8_redundant_bias.knowledge import torch as torch_rows
from flake8_redundant_bias.engine import analyse_source

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

CANCELLED = 1e-9  # float64: cancelled pairs differ by ~1e-15
CHANGED = 1e-3  # non-cancelling pairs differ by 0.1 or more

C = 4  # channels

# Module steps between a Conv{d}d(4, 4, 3, padding=1) and a BatchNorm{d}d(4),
# keyed by table name; {d} is the spatial rank.  The expected verdict is the
# physics, written down once; the test measures it and checks the analyser.
MODULE_STEPS: dict[str, list[tuple[str, int, bool]]] = {
    "Identity": [("nn.Identity()", 2, True)],
    "MaxPool1d": [("nn.MaxPool1d(2, padding=1)", 1, True)],
    "MaxPool2d": [("nn.MaxPool2d(3, 2, padding=1)", 2, True)],
    "MaxPool3d": [("nn.MaxPool3d(2)", 3, True)],
    "AdaptiveMaxPool1d": [("nn.AdaptiveMaxPool1d(3)", 1, True)],
    "AdaptiveMaxPool2d": [("nn.AdaptiveMaxPool2d(3)", 2, True)],
    "AdaptiveMaxPool3d": [("nn.AdaptiveMaxPool3d(2)", 3, True)],
    "AdaptiveAvgPool1d": [("nn.AdaptiveAvgPool1d(3)", 1, True)],
    "AdaptiveAvgPool2d": [("nn.AdaptiveAvgPool2d(3)", 2, True)],
    "AdaptiveAvgPool3d": [("nn.AdaptiveAvgPool3d(2)", 3, True)],
    "FractionalMaxPool2d": [("nn.FractionalMaxPool2d(2, output_size=3)", 2, True)],
    "FractionalMaxPool3d": [("nn.FractionalMaxPool3d(2, output_size=2)", 3, True)],
    "ReflectionPad1d": [("nn.ReflectionPad1d(1)", 1, True)],
    "ReflectionPad2d": [("nn.ReflectionPad2d(1)", 2, True)],
    "ReflectionPad3d": [("nn.ReflectionPad3d(1)", 3, True)],
    "ReplicationPad1d": [("nn.ReplicationPad1d(2)", 1, True)],
    "ReplicationPad2d": [("nn.ReplicationPad2d(2)", 2, True)],
    "ReplicationPad3d": [("nn.ReplicationPad3d(1)", 3, True)],
    "CircularPad1d": [("nn.CircularPad1d(1)", 1, True)],
    "CircularPad2d": [("nn.CircularPad2d(1)", 2, True)],
    "CircularPad3d": [("nn.CircularPad3d(1)", 3, True)],
    "AvgPool1d": [
        ("nn.AvgPool1d(2)", 1, True),
        ("nn.AvgPool1d(3, 1, 1)", 1, False),
        ("nn.AvgPool1d(3, 1, 1, count_include_pad=False)", 1, True),
    ],
    "AvgPool2d": [
        ("nn.AvgPool2d(2)", 2, True),
        ("nn.AvgPool2d(3, 1, padding=1)", 2, False),
        ("nn.AvgPool2d(3, 1, padding=1, count_include_pad=False)", 2, True),
        ("nn.AvgPool2d(3, 2, 0, True)", 2, True),
        ("nn.AvgPool2d(2, divisor_override=1)", 2, True),
        ("nn.AvgPool2d(3, 1, 1, count_include_pad=False, divisor_override=1)", 2, False),
    ],
    "AvgPool3d": [("nn.AvgPool3d(2)", 3, True), ("nn.AvgPool3d(3, 1, 1)", 3, False)],
    "Upsample": [
        ("nn.Upsample(scale_factor=2)", 2, True),
        ("nn.Upsample(scale_factor=2, mode='nearest-exact')", 2, True),
        ("nn.Upsample(scale_factor=2, mode='bilinear')", 2, True),
        ("nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)", 2, True),
        ("nn.Upsample(scale_factor=2, mode='bicubic')", 2, True),
        ("nn.Upsample(scale_factor=2, mode='linear')", 1, True),
        ("nn.Upsample(scale_factor=2, mode='trilinear')", 3, True),
        ("nn.Upsample(size=3, mode='area')", 2, True),
    ],
    "UpsamplingNearest2d": [("nn.UpsamplingNearest2d(scale_factor=2)", 2, True)],
    "UpsamplingBilinear2d": [("nn.UpsamplingBilinear2d(scale_factor=2)", 2, True)],
    "ChannelShuffle": [("nn.ChannelShuffle(2)", 2, True)],
    "Dropout": [("nn.Dropout(0.0)", 2, True), ("nn.Dropout(0.5)", 2, False), ("nn.Dropout()", 2, False)],
    "Dropout1d": [("nn.Dropout1d(0.0)", 1, True), ("nn.Dropout1d(0.5)", 1, False)],
    "Dropout2d": [("nn.Dropout2d(0)", 2, True), ("nn.Dropout2d()", 2, False)],
    "Dropout3d": [("nn.Dropout3d(0)", 3, True), ("nn.Dropout3d(0.3)", 3, False)],
}

# Steps that no table row names: each must measure as breaking and be silent.
BREAKING_STEPS: list[tuple[str, int]] = [
    ("nn.ReLU()", 2), ("nn.LeakyReLU(0.1)", 2), ("nn.GELU()", 2), ("nn.SiLU()", 2),
    ("nn.Tanh()", 1), ("nn.Sigmoid()", 3), ("nn.ZeroPad2d(1)", 2), ("nn.ConstantPad1d(1, 0.0)", 1),
    ("nn.ConvTranspose2d(4, 4, 2, stride=2, bias=False)", 2), ("nn.Conv2d(4, 4, 3, padding=1, bias=False)", 2),
    ("nn.PixelShuffle(2)", 2), ("nn.LPPool2d(2, 2)", 2), ("nn.Softmax(dim=1)", 2),
]

# Convolutions between the biased Conv{d}d(4, 4, 3, padding=1) and the norm, with no bias of their own: a 1x1
# convolution without padding maps the first bias to a constant per channel, which the norm still removes.
POINTWISE_STEPS: list[tuple[str, int, bool]] = [
    ("nn.Conv2d(4, 4, 1, bias=False)", 2, True),
    ("nn.Conv2d(4, 4, kernel_size=(1, 1), stride=2, groups=2, bias=False)", 2, True),
    ("nn.Conv1d(4, 4, 1, padding='valid', bias=False)", 1, True),
    ("nn.Conv3d(4, 4, 1, bias=False)", 3, True),
    ("nn.Conv2d(4, 4, 1, padding=1, bias=False)", 2, False),
    ("nn.Conv2d(4, 4, (1, 3), padding=(0, 1), bias=False)", 2, False),
    ("nn.ConvTranspose2d(4, 4, 1, stride=2, bias=False)", 2, False),
]

# Norms after a Conv{d}d(4, 4, 3, padding=1).
NORMS: dict[str, list[tuple[str, int, bool]]] = {
    **{
        f"{kind}{d}d": [(f"nn.{kind}{d}d({'' if 'Lazy' in kind else 4})", d, True)]
        for kind in ("BatchNorm", "InstanceNorm", "LazyBatchNorm", "LazyInstanceNorm")
        for d in (1, 2, 3)
    },
    "SyncBatchNorm": [],  # needs a process group on CPU; same kernel as BatchNorm in one process
    "GroupNorm": [("nn.GroupNorm(4, 4)", 2, True), ("nn.GroupNorm(2, 4)", 2, False), ("nn.GroupNorm(1, 4)", 2, False)],
}
OTHER_NORMS: list[tuple[str, int]] = [("nn.LayerNorm([4, 6, 6])", 2), ("nn.GroupNorm(2, 4)", 2)]

SPATIAL = {1: (6,), 2: (6, 6), 3: (4, 4, 4)}
# Cancelled in truth, but the tables stay silent: a divisor override is safe
# only without padding, and the tables do not model that.  Shorter than the
# truth is allowed; longer never is.
CONSERVATIVE = {"nn.AvgPool2d(2, divisor_override=1)", "F.avg_pool2d({}, 2, divisor_override=1)"}
OK_WITHOUT_RECIPE = {"SyncBatchNorm"}


def _measure(build: str, rank: int, producer: str = "conv", shape: tuple | None = None) -> float:
    torch.manual_seed(0)
    namespace = {"nn": nn, "F": F, "torch": torch}
    model = eval(build, namespace).double()  # the recipe text, written in this file
    x = torch.randn(shape or (8, C, *SPATIAL[rank]), dtype=torch.float64)
    model.train()
    torch.manual_seed(1)
    first = model(x)
    with torch.no_grad():
        model[0].bias.add_(torch.randn_like(model[0].bias) * 3)
    torch.manual_seed(1)  # the same dropout masks
    second = model(x)
    return (first - second).abs().max().item()


def _verdict(build: str) -> bool:
    findings = analyse_source(f"import torch.nn as nn\nmodel = {build}\n")
    return any((f.code == "RB101") for f in findings)


def _chain(step: str | None, rank: int, norm: str | None = None) -> str:
    middle = f"{step}, " if step else ""
    return f"nn.Sequential(nn.Conv{rank}d(4, 4, 3, padding=1), {middle}{norm or f'nn.BatchNorm{rank}d(4)'})"


def _assert_agrees(build: str, rank: int, cancelled: bool, conservative: bool = False) -> None:
    difference = _measure(build, rank)
    if cancelled:
        assert difference < CANCELLED, f"{build}: measured {difference}, expected cancellation"
    else:
        assert difference > CHANGED, f"{build}: measured {difference}, expected a change"
    expected = cancelled and not conservative
    assert _verdict(build) is expected, f"{build}: the analysis disagrees with the measurement"


@pytest.mark.parametrize(
    "step, rank, cancelled",
    [recipe for recipes in MODULE_STEPS.values() for recipe in recipes],
)
def test_transparent_steps(step: str, rank: int, cancelled: bool) -> None:
    _assert_agrees(_chain(step, rank), rank, cancelled, conservative=step in CONSERVATIVE)


@pytest.mark.parametrize("step, rank, cancelled", POINTWISE_STEPS)
def test_pointwise_convolutions_pass_a_bias_on(step: str, rank: int, cancelled: bool) -> None:
    _assert_agrees(_chain(step, rank), rank, cancelled)


@pytest.mark.parametrize("step, rank", BREAKING_STEPS)
def test_breaking_steps(step: str, rank: int) -> None:
    norm = "nn.BatchNorm2d(1)" if "PixelShuffle" in step else None
    _assert_agrees(_chain(step, rank, norm), rank, cancelled=False)


@pytest.mark.parametrize("norm, rank, cancelled", [r for recipes in NORMS.values() for r in recipes])
def test_norms(norm: str, rank: int, cancelled: bool) -> None:
    _assert_agrees(_chain(None, rank, norm), rank, cancelled)


@pytest.mark.parametrize("norm, rank", OTHER_NORMS)
def test_other_norms_do_not_cancel(norm: str, rank: int) -> None:
    _assert_agrees(_chain(None, rank, norm), rank, cancelled=False)


# Steps that change the channel count, with the norm sized to match.
WHOLE_CHAINS: dict[str, list[tuple[str, int, bool]]] = {
    "Flatten": [
        ("nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.Flatten(), nn.BatchNorm1d(4 * 6 * 6))", 2, True),
        ("nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.Flatten(2), nn.BatchNorm1d(4))", 2, True),
    ],
    "PixelUnshuffle": [("nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.PixelUnshuffle(2), nn.BatchNorm2d(16))", 2, True)],
}


@pytest.mark.parametrize("build, rank, cancelled", [r for recipes in WHOLE_CHAINS.values() for r in recipes])
def test_channel_changing_steps(build: str, rank: int, cancelled: bool) -> None:
    _assert_agrees(build, rank, cancelled)


@pytest.mark.parametrize(
    "build, shape, cancelled",
    [
        ("nn.Sequential(nn.Linear(8, 8), nn.BatchNorm1d(8))", (16, 8), True),
        ("nn.Sequential(nn.Bilinear(8, 8, 8), nn.BatchNorm1d(8))", None, True),
        ("nn.Sequential(nn.Linear(16, 16), nn.InstanceNorm1d(1))", (8, 1, 16), False),
        ("nn.Sequential(nn.Linear(16, 16), nn.BatchNorm1d(5))", (8, 5, 16), False),
    ],
)
def test_linear_bias_lies_on_the_last_axis(build: str, shape: tuple | None, cancelled: bool) -> None:
    if "Bilinear" in build:
        torch.manual_seed(0)
        model = eval(build, {"nn": nn}).double().train()
        a, b = torch.randn(16, 8, dtype=torch.float64), torch.randn(16, 8, dtype=torch.float64)
        first = model[1](model[0](a, b))
        with torch.no_grad():
            model[0].bias.add_(3.0)
        difference = (first - model[1](model[0](a, b))).abs().max().item()
    else:
        difference = _measure(build, 0, shape=shape)
    assert (difference < CANCELLED) is cancelled and (difference > CHANGED) is not cancelled, difference
    assert _verdict(build) is cancelled


FUNCTIONAL_STEPS: dict[str, list[tuple[str, bool]]] = {
    **{f"max_pool{d}d": [(f"F.max_pool{d}d({{}}, 2)", True)] for d in (1, 2, 3)},
    **{f"adaptive_max_pool{d}d": [(f"F.adaptive_max_pool{d}d({{}}, 2)", True)] for d in (1, 2, 3)},
    **{f"adaptive_avg_pool{d}d": [(f"F.adaptive_avg_pool{d}d({{}}, 2)", True)] for d in (1, 2, 3)},
    "avg_pool1d": [("F.avg_pool1d({}, 2)", True), ("F.avg_pool1d({}, 3, 1, 1)", False)],
    "avg_pool2d": [
        ("F.avg_pool2d({}, 2)", True),
        ("F.avg_pool2d({}, 3, 1, 1)", False),
        ("F.avg_pool2d({}, 3, 1, 1, False, False)", True),
        ("F.avg_pool2d({}, 2, divisor_override=1)", True),
        ("F.avg_pool2d({}, 3, 1, 1, False, False, 1)", False),
    ],
    "avg_pool3d": [("F.avg_pool3d({}, 2)", True), ("F.avg_pool3d({}, 3, 1, 1)", False)],
    "interpolate": [("F.interpolate({}, scale_factor=2)", True), ("F.interpolate({}, scale_factor=2, mode='bilinear')", True)],
    "pad": [
        ("F.pad({}, (1, 1, 1, 1))", False),
        ("F.pad({}, (1, 1, 1, 1), mode='reflect')", True),
        ("F.pad({}, (1, 1, 1, 1), 'replicate')", True),
        ("F.pad({}, (1, 1, 1, 1), value=2.0)", False),
    ],
}
RANK = {"1d": 1, "2d": 2, "3d": 3}


def _functional_rank(name: str, expr: str) -> int:
    for suffix, rank in RANK.items():
        if name.endswith(suffix):
            return rank
    return 2


@pytest.mark.parametrize(
    "name, step, cancelled",
    [(name, step, cancelled) for name, recipes in FUNCTIONAL_STEPS.items() for step, cancelled in recipes],
)
def test_functional_steps(name: str, step: str, cancelled: bool) -> None:
    rank = _functional_rank(name, step)
    conv = f"F.conv{rank}d(x, w, b, padding=1)"
    body = f"F.batch_norm({step.format(conv)}, None, None, training=True)"
    torch.manual_seed(0)
    x = torch.randn(8, C, *SPATIAL[rank], dtype=torch.float64)
    w = torch.randn(C, C, *([3] * rank), dtype=torch.float64)
    outputs = [eval(body, {"F": F, "x": x, "w": w, "b": torch.randn(C, dtype=torch.float64) * s}) for s in (1, 5)]
    difference = (outputs[0] - outputs[1]).abs().max().item()
    assert (difference < CANCELLED) is cancelled and (difference > CHANGED) is not cancelled, difference
    source = f"import torch.nn.functional as F\ndef f(x, w, b):\n    return {body}\n"
    reported = any((f.code == "RB102") for f in analyse_source(source))
    assert reported is (cancelled and step not in CONSERVATIVE)


def test_every_row_has_a_measurement() -> None:
    measured = set(MODULE_STEPS) | set(NORMS) | set(WHOLE_CHAINS)
    for name, spec in torch_rows.TORCH_NN.items():
        if isinstance(spec, (schema.Norm, schema.Transparent)):
            assert name in measured or name in OK_WITHOUT_RECIPE, f"torch.nn.{name} has no physics recipe"
    functional = set(FUNCTIONAL_STEPS) | {"batch_norm", "instance_norm"}
    for name, spec in torch_rows.TORCH_FUNCTIONAL.items():
        if isinstance(spec, schema.Transparent):
            assert name in functional, f"torch.nn.functional.{name} has no physics recipe"


# Steps written in forward(), measured on the module the source defines and judged
# by the analyser on the same source: (source, input shape, the biased attribute, cancelled).
FORWARD_TEMPLATE = """\
import torch
import torch.nn as nn


class M(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = {producer}
        self.b = nn.Conv2d(c, c, 3, padding=1)
        self.bn = {norm}

    def forward(self, x):
        return {body}
"""
FORWARD_STEPS = [
    # (N, L, F) -> Linear -> (N, F, L): the features sit on BatchNorm1d's channel axis.
    (dict(producer="nn.Linear(c, c)", norm="nn.BatchNorm1d(c)", body="self.bn(self.a(x).transpose(1, 2))"), (8, 5, C), True),
    (dict(producer="nn.Linear(c, c)", norm="nn.BatchNorm1d(c)", body="self.bn(self.a(x).permute(0, 2, 1))"), (8, 5, C), True),
    # A conv's channels leave axis 1: the norm averages over them instead.
    (dict(producer="nn.Conv1d(c, c, 3, padding=1)", norm="nn.BatchNorm1d(6)", body="self.bn(self.a(x).transpose(1, 2))"),
     (8, C, 6), False),
    # Concatenation along the channels keeps each channel's bias in its channel.
    (dict(producer="nn.Conv2d(c, c, 1)", norm="nn.BatchNorm2d(3 * c)",
          body="self.bn(torch.cat([self.a(x), self.b(x), x], dim=1))"), (8, C, 6, 6), True),
    # Along the width, a channel holds the bias in one half only.
    (dict(producer="nn.Conv2d(c, c, 1)", norm="nn.BatchNorm2d(c)", body="self.bn(torch.cat([self.a(x), x], dim=3))"),
     (8, C, 6, 6), False),
]


@pytest.mark.parametrize("parts, shape, cancelled", FORWARD_STEPS)
def test_steps_written_in_forward(parts: dict, shape: tuple, cancelled: bool) -> None:
    _measured_and_judged(FORWARD_TEMPLATE.format(**parts), shape, 8, cancelled)


def _measured_and_judged(source: str, shape: tuple, line: int, cancelled: bool, biased: str = "a") -> None:
    """The module ``M`` the source defines, built in float64 and train mode, against the bias of its layer
    ``biased`` (a dotted path) moved: the output changes exactly when the analyser does not report ``line``."""
    namespace: dict = {}
    exec(compile(source, "<recipe>", "exec"), namespace)  # the recipe text, written in this file
    torch.manual_seed(0)
    model = namespace["M"](C).double().train()
    x = torch.randn(shape, dtype=torch.float64)
    first = model(x)
    layer = functools.reduce(getattr, biased.split("."), model)
    with torch.no_grad():
        layer.bias.add_(torch.randn_like(layer.bias) * 3)
    difference = (first - model(x)).abs().max().item()
    assert (difference < CANCELLED) is cancelled and (difference > CHANGED) is not cancelled, difference
    reported = {f.line for f in analyse_source(source) if (f.code == "RB101")}
    assert (line in reported) is cancelled, reported


# A value read in several places (``y = self.a(x)``, then ``self.bn(y) + self.bn2(y)``): the bias is cancelled only
# if every path cancels it.  (source parts, cancelled); the biased attribute is on line 9.
FORK_TEMPLATE = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class M(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 1)
        self.b = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)
        self.bn2 = {second}
        self.c = nn.Conv2d(c, c, 3, padding=1, bias=False)

    def forward(self, x):
        y = self.a(x)
        return {body}
"""
FORKS = [
    (dict(second="nn.BatchNorm2d(c)", body="self.bn(y) + self.bn2(y)"), True),
    (dict(second="nn.BatchNorm2d(c)", body="self.bn(y) * self.bn2(y)"), True),
    (dict(second="nn.InstanceNorm2d(c)", body="self.bn2(self.b(y + self.c(F.relu(self.bn(y)))))"), True),
    (dict(second="nn.BatchNorm2d(c)", body="self.bn(y) + self.bn2(F.relu(y))"), False),
    (dict(second="nn.GroupNorm(2, c)", body="self.bn(y) + self.bn2(y)"), False),
    (dict(second="nn.BatchNorm2d(c)", body="self.bn(y) + y"), False),
]


@pytest.mark.parametrize("parts, cancelled", FORKS)
def test_values_read_in_several_places(parts: dict, cancelled: bool) -> None:
    _measured_and_judged(FORK_TEMPLATE.format(**parts), (8, C, 6, 6), 9, cancelled)


# A module applied once in each branch of an ``if``/``else`` (EDANet's downsampler): the bias is cancelled only if
# the norm after it cancels it in each branch.  (first, second, cancelled); the biased attribute is on line 10.
BRANCH_TEMPLATE = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class M(nn.Module):
    def __init__(self, c, wide=False):
        super().__init__()
        self.wide = wide
        self.a = nn.Conv2d(c, c, 3, padding=1)
        self.pool = nn.MaxPool2d(3, stride=1, padding=1)
        self.bn = nn.BatchNorm2d(c)
        self.bn2 = nn.BatchNorm2d(2 * c)
        self.gn = nn.GroupNorm(2, c)

    def forward(self, x):
        if self.wide:
            y = {first}
        else:
            y = {second}
        return y
"""
BRANCHES = [
    (dict(first="self.bn2(torch.cat([self.a(x), self.pool(x)], 1))", second="self.bn(self.a(x))"), True),
    (dict(first="self.bn(F.relu(self.a(x)))", second="self.bn(self.a(x))"), False),
    (dict(first="self.a(x)", second="self.bn(self.a(x))"), False),
    (dict(first="self.bn2(torch.cat([self.a(x), self.pool(x)], 1))", second="self.gn(self.a(x))"), False),
]


@pytest.mark.parametrize("parts, cancelled", BRANCHES)
def test_a_module_applied_in_each_branch(parts: dict, cancelled: bool) -> None:
    source = BRANCH_TEMPLATE.format(**parts)
    namespace: dict = {}
    exec(compile(source, "<recipe>", "exec"), namespace)  # the recipe text, written in this file
    differences = []
    for wide in (True, False):  # each branch, built and measured
        torch.manual_seed(0)
        model = namespace["M"](C, wide).double().train()
        x = torch.randn((8, C, 6, 6), dtype=torch.float64)
        first = model(x)
        with torch.no_grad():
            model.a.bias.add_(torch.randn_like(model.a.bias) * 3)
        differences.append((first - model(x)).abs().max().item())
    assert all(d < CANCELLED or d > CHANGED for d in differences), differences
    assert all(d < CANCELLED for d in differences) is cancelled, differences
    reported = {f.line for f in analyse_source(source) if f.code == "RB101"}
    assert (10 in reported) is cancelled, reported


# A class whose input is read in several places, each read given to a layer alone: the bias that comes in is
# cancelled only if each of those layers cancels it.  (first, second, cancelled); the biased attribute is on line 18.
READERS_TEMPLATE = """\
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.p = {first}
        self.q = {second}

    def forward(self, x):
        return torch.cat((self.p(x), self.q(x)), 1)


class M(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 1)
        self.block = Block(c)

    def forward(self, x):
        return self.block(self.a(x))
"""
READERS = [
    ("nn.BatchNorm2d(c)", "nn.InstanceNorm2d(c)", True),
    ("nn.BatchNorm2d(c)", "nn.GroupNorm(2, c)", False),
    ("nn.BatchNorm2d(c)", "nn.ReLU()", False),
]


@pytest.mark.parametrize("first, second, cancelled", READERS)
def test_an_input_read_in_several_places(first: str, second: str, cancelled: bool) -> None:
    _measured_and_judged(READERS_TEMPLATE.format(first=first, second=second), (8, C, 6, 6), 18, cancelled)


# A class whose output is its conv's plus its input (a residual block) carries the conv's bias on as a constant per
# channel: the norm after a 1x1 conv of the next module cancels it.  Reported at the class's call, line 21.
RESIDUAL_TEMPLATE = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return {body}


class M(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Conv2d(c, c, 1, bias=False)
        self.norm = nn.BatchNorm2d(c)
        self.block = Block(c)

    def forward(self, x):
        return self.norm(self.fc(self.block(x)))
"""
RESIDUALS = [("self.a(F.relu(self.bn(x))) + x", True), ("x - self.a(x)", True), ("self.a(x) * x", False)]


@pytest.mark.parametrize("body, cancelled", RESIDUALS)
def test_a_residual_sum_carries_the_bias_out_of_its_block(body: str, cancelled: bool) -> None:
    _measured_and_judged(RESIDUAL_TEMPLATE.format(body=body), (8, C, 6, 6), 21, cancelled, "block.a")


class _ActivatedBatchNorm(nn.Module):
    """What inplace_abn 1.1.0's ABN computes (inplace_abn/abn.py; InPlaceABN and InPlaceABNSync compute the same in
    place): the batch norm over the channels, then its activation (leaky_relu by default).  The package builds a
    C++ extension, so its own class is not installed here: its forward is written out."""

    def __init__(self, num_features: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.rand(num_features) + 0.5)
        self.bias = nn.Parameter(torch.randn(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, self.training, 0.1, 1e-5)
        return F.leaky_relu(x, negative_slope=0.01)


@pytest.mark.parametrize("name", ["ABN", "InPlaceABN", "InPlaceABNSync"])
@pytest.mark.parametrize("producer, shape", [
    ("nn.Conv2d({c}, {c}, 3, padding=1)", (8, C, 6, 6)), ("nn.Linear({c}, {c})", (8, C)),
])
def test_inplace_abn_cancels_what_its_rows_say(name: str, producer: str, shape: tuple) -> None:
    torch.manual_seed(0)
    model = nn.Sequential(eval(producer.format(c=C), {"nn": nn}), _ActivatedBatchNorm(C)).double().train()
    x = torch.randn(shape, dtype=torch.float64)
    first = model(x)
    with torch.no_grad():
        model[0].bias.add_(torch.randn_like(model[0].bias) * 3)
    assert (first - model(x)).abs().max().item() < CANCELLED
    built = producer.format(c=C)
    source = f"import torch.nn as nn\nfrom inplace_abn import {name}\nmodel = nn.Sequential({built}, {name}({C}))\n"
    assert [f.code for f in analyse_source(source)] == ["RB101"]


# Norms a project writes by hand: (the class's forward body, for an input x; cancelled).
HAND_WRITTEN = [
    # insightface's jmlr (SimSwap's AdaIN blocks): centered over the spatial axes, then scaled by its own spread
    ("x = x - torch.mean(x, (2, 3), True)\n        return x * torch.rsqrt(torch.mean(x * x, (2, 3), True) + 1e-8)", True),
    ("return (x - x.mean(dim=(2, 3), keepdim=True)) / (x.std(dim=[2, 3], keepdim=True) + 1e-5)", True),
    ("return (x - x.mean(3, keepdim=True)) / torch.sqrt(torch.var(x, 3, keepdim=True) + 1e-5)", True),
    ("return x - x.mean((2, 3), keepdim=True) + x", False),  # the input kept
    ("return x - x.mean((1, 2, 3), keepdim=True)", False),  # over the channels too
    ("return x - x.mean((2, 3), keepdim=True) + x.mean((2, 3), keepdim=True)", False),  # the mean added back
    ("return x * torch.rsqrt(x.var((2, 3), keepdim=True) + 1e-5)", False),  # scaled, not centered
]
HAND_TEMPLATE = """\
import torch
import torch.nn as nn


class Norm(nn.Module):
    def forward(self, x):
        {body}


model = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), Norm())
head = nn.Sequential(nn.Conv2d(4, 4, 1, bias=False), nn.BatchNorm2d(4))  # a file naming no norm is not read
"""


@pytest.mark.parametrize("body, cancelled", HAND_WRITTEN)
def test_hand_written_norms(body: str, cancelled: bool) -> None:
    source = HAND_TEMPLATE.format(body=body)
    namespace: dict = {}
    exec(compile(source, "<recipe>", "exec"), namespace)  # the recipe text, written in this file
    torch.manual_seed(0)
    model = namespace["model"].double().train()
    x = torch.randn((8, C, 6, 6), dtype=torch.float64)
    first = model(x)
    with torch.no_grad():
        model[0].bias.add_(torch.randn_like(model[0].bias) * 3)
    difference = (first - model(x)).abs().max().item()
    assert (difference < CANCELLED) is cancelled and (difference > CHANGED) is not cancelled, difference
    line = next(number for number, text in enumerate(source.splitlines(), 1) if text.startswith("model = "))
    assert [f.line for f in analyse_source(source) if f.code == "RB101"] == ([line] if cancelled else [])


# An attention's values (``self.a``, line 10) reshaped, summed with weights, reshaped back, then a 1x1 conv and a
# norm: the bias comes through only where the weights sum to 1 along the axis the product sums, and lies on the
# values' channel axis there.  (value steps, weights, product, back to (N, C, H, W), norm, cancelled)
ATTENTION_TEMPLATE = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class M(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.a = nn.Conv2d(c, c, 1)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1)
        self.out = nn.Conv2d(c, c, 1)
        self.bn = {norm}
        self.softmax = nn.Softmax(dim=-1)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        b = x.size(0)
        v = self.a(x){value}
        q = self.q(x).view(b, self.c, -1).permute(0, 2, 1)
        k = self.k(x).view(b, self.c, -1)
        w = {weights}
        y = {product}
        return self.bn(self.out({back}))
"""
ROWS_FIRST = ".view(b, self.c, -1).permute(0, 2, 1)"
BACK = "y.permute(0, 2, 1).contiguous().view(b, self.c, *x.size()[2:])"
ATTENTIONS = [
    # the non-local block: softmax over the keys, values on the right
    (dict(value=ROWS_FIRST, weights="F.softmax(torch.matmul(q, k), dim=-1)", product="torch.matmul(w, v)", back=BACK), True),
    (dict(value=ROWS_FIRST, weights="self.softmax(torch.bmm(q, k))", product="torch.bmm(w, v)", back=BACK), True),
    (dict(value=ROWS_FIRST, weights="(q @ k).softmax(dim=-1)", product="w @ v", back=BACK), True),
    (dict(value=".flatten(2).transpose(1, 2)", weights="torch.softmax(q @ k, -1)", product="w @ v",
          back="y.transpose(1, 2).reshape(b, self.c, *x.shape[2:])"), True),
    # DANet's position attention: values on the left, the weights transposed
    (dict(value=".view(b, self.c, -1)", weights="F.softmax(torch.bmm(q, k), dim=-1)", product="torch.bmm(v, w.permute(0, 2, 1))",
          back="y.view(b, self.c, *x.size()[2:])"), True),
    # the weights sum to 1 along the other axis, are rescaled by dropout, or are no softmax at all
    (dict(value=ROWS_FIRST, weights="F.softmax(torch.matmul(q, k), dim=1)", product="torch.matmul(w, v)", back=BACK), False),
    (dict(value=ROWS_FIRST, weights="self.drop(F.softmax(q @ k, dim=-1))", product="w @ v", back=BACK), False),
    (dict(value=ROWS_FIRST, weights="torch.matmul(q, k) / 16", product="torch.matmul(w, v)", back=BACK), False),
    # the values' channels on the summed axis (4 channels and 4 positions: the shapes agree)
    (dict(value=".view(b, self.c, -1)", weights="F.softmax(torch.matmul(q, k), dim=-1)", product="torch.matmul(w, v)",
          back="y.view(b, self.c, *x.size()[2:])"), False),
    (dict(value=ROWS_FIRST, weights="F.softmax(torch.bmm(q, k), dim=-1)", product="torch.bmm(v, w.permute(0, 2, 1))",
          back=BACK), False),
]


@pytest.mark.parametrize("parts, cancelled", ATTENTIONS)
@pytest.mark.parametrize("norm", ["nn.BatchNorm2d(c)", "nn.GroupNorm(2, c)"])
def test_an_attention_passes_its_values_bias_on(parts: dict, cancelled: bool, norm: str) -> None:
    source = ATTENTION_TEMPLATE.format(norm=norm, **parts)
    _measured_and_judged(source, (8, C, 2, 2), 10, cancelled and norm.startswith("nn.BatchNorm"))
