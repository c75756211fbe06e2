"""OpenMMLab (mmcv, mmengine): blocks that build their own norm from a config."""

from __future__ import annotations

from .schema import (
    AllOf, Arg, ArgIn, Container, Fact, Framework, Initializer, ModuleList, NamedLayer, NormBuilder, NormSlot, Producer,
    Spec, TrainingConfig,
)
from .torch import POINTWISE

# ---------------------------------------------------------------- OpenMMLab
# mmcv 1.3-2.2, mmcv/cnn/bricks/norm.py:11-21 and conv_module.py:126-142 (read from
# the released sources; the signatures have not changed across those versions).

MMCV_NORM_TYPES = (
    ("BN", "torch.nn.BatchNorm2d"), ("BN1d", "torch.nn.BatchNorm1d"), ("BN2d", "torch.nn.BatchNorm2d"),
    ("BN3d", "torch.nn.BatchNorm3d"), ("SyncBN", "torch.nn.SyncBatchNorm"), ("GN", "torch.nn.GroupNorm"),
    ("LN", "torch.nn.LayerNorm"), ("IN", "torch.nn.InstanceNorm2d"), ("IN1d", "torch.nn.InstanceNorm1d"),
    ("IN2d", "torch.nn.InstanceNorm2d"), ("IN3d", "torch.nn.InstanceNorm3d"),
)
_MMCV_BUILD_NORM = NormBuilder(
    Arg("cfg", 0), Arg("num_features", 1), MMCV_NORM_TYPES, item=1, grouped=frozenset({"torch.nn.GroupNorm"}),
)
# ConvModule(in, out, kernel, stride, padding, dilation, groups, bias='auto', conv_cfg, norm_cfg, act_cfg,
# inplace, with_spectral_norm, padding_mode, order): 'auto' is off when a norm is configured.
_MMCV_CONV_MODULE = Producer(
    bias=Arg("bias", 7, "auto"), size=Arg("out_channels", 1),
    norm=NormSlot(Arg("norm_cfg", 9, None), Arg("order", 14, ("conv", "norm", "act")), _MMCV_BUILD_NORM), off="'auto'",
    # a plain Conv2d (conv_cfg=None) 1x1 without padding passes a bias before it to its norm as a constant
    pointwise=AllOf((*POINTWISE.conditions, ArgIn(Arg("conv_cfg", 8, None), frozenset({None})))),
)
# mmcv/cnn/bricks/conv.py: build_conv_layer(cfg, *args, **kwargs) is nn.Conv2d(*args, **kwargs) when cfg is None; a
# config's type picks another registered class (a deformable conv, a conv with weight standardization): not read.
_MMCV_BUILD_CONV = Producer(
    bias=Arg("bias", 8, True), size=Arg("out_channels", 2), when=ArgIn(Arg("cfg", 0, None), frozenset({None})),
)
OPENMMLAB: dict[str, Spec] = {
    **{f"{module}.build_norm_layer": _MMCV_BUILD_NORM for module in ("mmcv.cnn", "mmcv.cnn.bricks", "mmcv.cnn.bricks.norm")},
    **{f"{module}.build_conv_layer": _MMCV_BUILD_CONV for module in ("mmcv.cnn", "mmcv.cnn.bricks", "mmcv.cnn.bricks.conv")},
    **{f"{module}.ConvModule": _MMCV_CONV_MODULE for module in ("mmcv.cnn", "mmcv.cnn.bricks", "mmcv.cnn.bricks.conv_module")},
    "mmengine.model.Sequential": Container(),
}


ROWS = OPENMMLAB
INITIALIZERS = (
    "mmcv.cnn.xavier_init", "mmcv.cnn.kaiming_init", "mmcv.cnn.constant_init", "mmcv.cnn.normal_init",
    "mmcv.cnn.uniform_init", "mmcv.cnn.trunc_normal_init", "mmcv.cnn.caffe2_xavier_init",
    "mmcv.cnn.bricks.xavier_init", "mmcv.cnn.bricks.kaiming_init", "mmcv.cnn.bricks.constant_init",
    "mmengine.model.xavier_init", "mmengine.model.kaiming_init", "mmengine.model.constant_init",
    "mmengine.model.normal_init", "mmengine.model.uniform_init", "mmengine.model.trunc_normal_init",
    "mmengine.model.caffe2_xavier_init",
)
# mmcv's infer_abbr: the name build_norm_layer returns is the class's abbreviation and the postfix ("bn1"); a norm
# class of the user's own with an ``_abbr_`` of its choosing is outside what these rows describe.
_NORM_NAMES = NamedLayer(0, ("bn", "gn", "ln", "in", "norm_layer"), Arg("postfix", 2, ""))
FACTS: dict[str, Fact] = {
    **{name: Initializer() for name in INITIALIZERS}, "mmengine.model.ModuleList": ModuleList(),
    **{f"{module}.build_norm_layer": _NORM_NAMES for module in ("mmcv.cnn", "mmcv.cnn.bricks", "mmcv.cnn.bricks.norm")},
}
# mmengine 0.10 (mmengine/optim/optimizer/builder.py, default_constructor.py; config/config.py): ``optim_wrapper``'s
# ``optimizer`` dict names a class of torch.optim by ``type``; with no ``paramwise_cfg`` every parameter gets its
# ``weight_decay``; ``norm_decay_mult``, ``bias_decay_mult``, ``flat_decay_mult``, ``dwconv_decay_mult`` and
# ``custom_keys``' ``decay_mult`` scale it per parameter. mmcv 1.x reads the same from a top-level
# ``optimizer`` dict holding its own ``paramwise_cfg`` and ``constructor``; mmdetection 1.x's build_optimizer pops
# the same multipliers from the optimizer dict's ``paramwise_options``. A config merges the files ``_base_`` names,
# dict into dict, unless ``_delete_=True``.
MMENGINE_CONFIG = TrainingConfig(
    "mmengine", (("optim_wrapper", "optimizer"), ("optimizer", "")), "torch.optim",
    paramwise=("paramwise_cfg", "paramwise_options"), advice="norm_decay_mult=0.0, bias_decay_mult=0.0",
)
FRAMEWORK = Framework("openmmlab", ROWS, FACTS, configs=(MMENGINE_CONFIG,))
