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
FACTORY = "the conv comes out of timm's create_conv2d with its bias and norm from a dataclass config (maxxvit's Stem)"
OUT_OF_REACH = {
    ("layers/create_conv2d.py", "create_conv2d"): FACTORY,
    ("models/resnest.py", "ResNestBottleneck.__init__"): (
        "timm.layers' SplitAttn is handed the block's own norm_layer, whose value ResNet passes: the block class is "
        "given to build_model_with_cfg (a registry call the analysis does not follow)"
    ),
    ("models/hrnet.py", "HighResolutionNet.__init__"): (
        "the conv's bias is cfg.pop('head_conv_bias', True) of a config merged from the variant's table entry and "
        "the builder's keywords, which two variants set to False (kwargs.setdefault): a value per variant"
    ),
    ("models/vgg.py", "VGG.__init__"): (
        "forward_intermediates walks self.features layer by layer and keeps the output of the layers its taps name, "
        "and prune_intermediate_layers cuts self.features after a tap: which ones is a list built at run time, so "
        "a layer's output may be taken, or the Sequential cut, between the conv and its norm"
    ),
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
            # Visformer's two other stems, with visformer_tiny's arguments (the linter reports them with the
            # variants' embed_norm); create_model drops a None, so init_channels=None is passed to the class
            tiny = dict(
                embed_dim=192, depth=(7, 4, 4), num_heads=3, group=8, attn_stage="011", spatial_conv="100",
                norm_layer=nn.BatchNorm2d, embed_norm=nn.BatchNorm2d,
            )
            for stem in ({"vit_stem": True, "init_channels": 16}, {"init_channels": None}):
                parts.append((f"visformer {stem}", timm.models.visformer.Visformer(**tiny, **stem)))
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
    assert truth["families"] == {
        *MODELS[:13], "NonLocalAttn", "visformer {'vit_stem': True, 'init_channels': 16}", "visformer {'init_channels': None}",
    }
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


# The rows for timm's layers, measured on timm itself: what each lookup returns for every name its row maps, and
# whether ConvNormAct's norm cancels its conv's bias for the arguments its row reads.
def _qualified(cls: object) -> str:
    cls = getattr(cls, "func", cls)  # a lookup binds the activation with a partial
    return f"timm.layers.{cls.__name__}" if cls.__module__.startswith("timm.") else f"torch.nn.{cls.__name__}"


@pytest.mark.parametrize("lookup", ["get_norm_layer", "get_norm_act_layer"])
def test_the_lookup_rows_map_names_as_timm_does(lookup: str) -> None:
    from flake8_redundant_bias.knowledge import torch_thirdparty

    row = torch_thirdparty.FACTS[f"timm.layers.{lookup}"]
    function = getattr(timm.layers, lookup)
    for name, qualified in row.names:
        if name != "batchnormact2d":  # a class's own name, matched when the class is given (below)
            assert _qualified(function(name)) == qualified, name
    given = _qualified(function(nn.BatchNorm2d))
    assert given == (dict(row.names)["batchnorm2d"] if row.by_name else "torch.nn.BatchNorm2d")
    if row.by_name:  # a class is mapped by its name: a LayerNorm to a LayerNormAct, which the row leaves unknown
        assert _qualified(function(nn.LayerNorm)) not in dict(row.names).values()


@pytest.mark.parametrize("kwargs, cancelled", [
    ({}, True), ({"norm_layer": "batch_norm"}, True), ({"apply_norm": False}, False),
    ({"norm_layer": "layernorm2d"}, False), ({"norm_layer": "groupnorm"}, False),
])
def test_conv_norm_act_cancels_its_bias_only_through_a_batch_norm(kwargs: dict, cancelled: bool) -> None:
    block = timm.layers.ConvNormAct(4, 64, 3, bias=True, apply_act=False, **kwargs)  # 32 groups of 2 for GroupNorm
    assert cancels(block.conv, block.bn) is cancelled


@pytest.mark.parametrize("kwargs, cancelled", [
    ({"norm_layer": nn.BatchNorm2d, "flatten": False}, True), ({"norm_layer": nn.BatchNorm2d, "output_fmt": "NCHW"}, True),
    ({"norm_layer": nn.LayerNorm}, False), ({"norm_layer": nn.LayerNorm, "output_fmt": "NHWC"}, False),
])
def test_patch_embed_cancels_its_bias_only_into_a_batch_norm_over_its_channels(kwargs: dict, cancelled: bool) -> None:
    # Measured through PatchEmbed's own forward, which flattens or moves the channels before the norm.
    block = timm.layers.PatchEmbed(32, 4, 3, 16, **kwargs).double().train()
    x = torch.randn(4, 3, 32, 32, dtype=torch.float64)
    with torch.no_grad():
        before = block(x)
        block.proj.bias += torch.randn_like(block.proj.bias)
        moved = (block(x) - before).abs().max().item()
    assert (moved <= 1e-9 * max(1.0, before.abs().max().item())) is cancelled
