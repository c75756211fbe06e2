"""Ground truth from timm: the biases its models cancel, against what the linter reports.

As ``test_torchvision_truth.py`` does for torchvision: each model is built on the meta
device while every convolution/linear layer records the timm frames of its construction
stack, traced with torch.fx (convs, norms and the modules timm marks as not traceable kept
whole; a part fx cannot trace is replaced by its children), and every producer with a bias
whose only consumer is a norm is replayed on real float64 numbers in training mode with
its bias perturbed.  Where the output does not move, the bias is cancelled and the
construction site is ground truth.  The linter, run by flake8 over the installed timm,
must report each such site on one of its frames unless a reason below says why it is out
of reach, and must report nothing that is not such a site.

The models: one of each family where a full run over timm's 1,371 registered models found
a cancelled bias (28 sites, docs/evaluation.md), and families that cancel none.
"""

from __future__ import annotations

import logging
import sys
import types
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
logging.getLogger("timm").setLevel(logging.ERROR)
timm = pytest.importorskip("timm")

from torch import fx, nn  # noqa: E402

from timm.layers import get_notrace_functions, get_notrace_modules  # noqa: E402

from model_zoo import Recording, cancels, out_of_reach, reported_sites  # noqa: E402

PACKAGE = Path(timm.__file__).parent
PRODUCERS = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)
NORMS = (nn.modules.batchnorm._BatchNorm, nn.modules.instancenorm._InstanceNorm, nn.GroupNorm, nn.LayerNorm)
LEAVES = tuple(set(get_notrace_modules()))
MODELS = (
    # families with a cancelled bias
    "swiftformer_xs", "vgg11_bn", "efficientformer_l1", "efficientformerv2_s0", "cpubone_nano", "hrnet_w18_small",
    "inception_next_atto", "lowformer_b0", "maxvit_tiny_tf_224", "resnest14d", "rexnet_100", "starnet_s050",
    "visformer_tiny",
    # families that cancel none
    "resnet18", "convnext_atto", "mobilenetv3_small_100", "efficientnet_b0",
)

# Sites out of reach, each with the reason: a site is out of reach when one of its frames runs the function
# named here (file, qualified name).
FACTORY = "the conv or its norm comes out of timm's factories (create_conv2d, create_norm_layer, get_norm_act_layer)"
MODEL_ARGUMENT = (
    "the norm is an argument of the model class, given by the variant's keyword arguments to build_model_with_cfg "
    "(a registry call the analysis does not follow) and handed down the blocks"
)
OUT_OF_REACH = {
    ("layers/create_conv2d.py", "create_conv2d"): FACTORY,
    ("models/efficientformer_v2.py", "ConvNorm.__init__"): FACTORY,
    ("models/cpubone.py", "CPUBone.__init__"): MODEL_ARGUMENT,
    ("models/lowformer.py", "LowFormer.__init__"): MODEL_ARGUMENT,
    ("models/visformer.py", "Visformer.__init__"): MODEL_ARGUMENT,
    ("models/resnest.py", "ResNestBottleneck.__init__"): (
        "timm.layers' SplitAttn takes its norm from the block's caller and builds it as "
        "'norm_layer(c) if norm_layer else nn.Identity()' in another module"
    ),
    ("models/rexnet.py", "LinearBottleneck.__init__"): (
        "the squeeze-excite block is 'partial(SEModule, norm_layer=nn.BatchNorm2d)', a block of another module "
        "given its norm through a partial"
    ),
    ("models/hrnet.py", "HighResolutionNet.__init__"): "the conv's bias is a config value",
}


class _Tracer(fx.Tracer):
    """Convs, norms and the modules timm cannot trace stay whole."""

    def __init__(self, root: nn.Module) -> None:
        super().__init__(autowrap_functions=tuple(f for f in set(get_notrace_functions()) if callable(f)))
        self.root = root

    def is_leaf_module(self, module: nn.Module, name: str) -> bool:
        if module is self.root:
            return False
        return isinstance(module, (*PRODUCERS, *NORMS, *LEAVES)) or super().is_leaf_module(module, name)


def _pairs(module: nn.Module, found: list) -> None:
    """(producer, norm) where a producer with a bias feeds a norm and nothing else, in every part fx can trace."""
    if isinstance(module, (*PRODUCERS, *NORMS)) or not any(isinstance(m, PRODUCERS) for m in module.modules()):
        return
    try:
        graph = _Tracer(module).trace(module)
    except Exception:  # noqa: BLE001 - fx's limits are not ours: the children are traced instead
        for child in module.children():
            _pairs(child, found)
        return
    for node in graph.nodes:
        if node.op != "call_module":
            continue
        inner = module.get_submodule(node.target)
        if isinstance(inner, LEAVES) and not isinstance(inner, (*PRODUCERS, *NORMS)):
            _pairs(inner, found)
            continue
        users = list(node.users)
        if not isinstance(inner, PRODUCERS) or inner.bias is None or len(users) != 1 or users[0].op != "call_module":
            continue
        norm = module.get_submodule(users[0].target)
        if isinstance(norm, NORMS):
            found.append((inner, norm))


@pytest.fixture(scope="module")
def truth() -> dict[str, object]:
    cancelled, kept, controls, families = set(), 0, 0, set()
    with Recording(PACKAGE):
        parts = []
        for name in MODELS:
            with torch.device("meta"):
                parts.append((name, timm.create_model(name, pretrained=False)))
        with torch.device("meta"):  # a layer of timm no registered model uses, which the linter reports
            parts.append(("NonLocalAttn", timm.layers.NonLocalAttn(16)))
    for name, part in parts:
        pairs: list = []
        _pairs(part, pairs)
        for producer, norm in pairs:
            if cancels(producer, norm):
                cancelled.add(producer._built_at)
                families.add(name)
            else:
                kept += 1
            if isinstance(norm, nn.modules.batchnorm._BatchNorm) and not cancels(producer, norm, training=False):
                controls += 1  # the same pair in eval mode: running statistics keep the bias
    return {"cancelled": cancelled, "kept": kept, "controls": controls, "families": families}


@pytest.fixture(scope="module")
def reported() -> set[tuple[str, int]]:
    return reported_sites(PACKAGE)


def test_the_oracle_sees_cancelled_and_kept_biases(truth: dict) -> None:
    # Every family picked for a cancelled bias shows one, the others none; LayerNorm pairs keep their
    # bias (kept > 0), and BatchNorm pairs cancelled in training keep it in eval mode.
    assert truth["families"] == {*MODELS[:13], "NonLocalAttn"}
    assert truth["kept"] > 0 and truth["controls"] > 0


def test_every_cancelled_site_is_reported_or_documented(truth: dict, reported: set) -> None:
    missed = [
        stack[:4] for stack in truth["cancelled"]
        if not any((f, line) in reported for f, line, _ in stack) and out_of_reach(OUT_OF_REACH, stack) is None
    ]
    assert missed == []


def test_every_finding_is_a_site_a_model_cancels(truth: dict, reported: set) -> None:
    sites = {(f, line) for stack in truth["cancelled"] for f, line, _ in stack}
    assert reported and reported <= sites, sorted(reported - sites)


def test_no_documented_reason_is_stale(truth: dict, reported: set) -> None:
    # A reason stays only while a site it covers is still missed: one the linter learns to report is removed.
    used = {
        (f, q) for stack in truth["cancelled"] if not any((f2, line) in reported for f2, line, _ in stack)
        for f, _, q in stack if (f, q) in OUT_OF_REACH
    }
    assert used == set(OUT_OF_REACH)
