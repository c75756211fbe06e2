"""Other PyTorch packages: their optimizers, read from the named releases' sources, and their
builders of bias-free modules (LoRA adapters over a frozen base)."""

from __future__ import annotations

from .schema import (
    AllOf, Arg, ArgIn, BuildsClass, ClassLookup, Framework, NoBias, Norm, NormBuilder, NormSlot, Optimizer, Producer, Spec,
    prefixed,
)
from .torch import TORCH_OPTIM


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
    **prefixed("bitsandbytes.optim", _optimizers(
        "AdamW@4=0.01 AdamW8bit@4=0.01 AdamW32bit@4=0.01 PagedAdamW@4=0.01 PagedAdamW8bit@4=0.01 PagedAdamW32bit@4=0.01 "
        "Adam@4=0 Adam8bit@4=0 Adam32bit@4=0 PagedAdam@4=0 PagedAdam8bit@4=0 PagedAdam32bit@4=0 "
        "AdEMAMix@7=0.01 AdEMAMix8bit@7=0.01 AdEMAMix32bit@7=0.01 PagedAdEMAMix@7=0.01 PagedAdEMAMix8bit@7=0.01 PagedAdEMAMix32bit@7=0.01 "
        "Adagrad@3=0 Adagrad8bit@3=0 Adagrad32bit@3=0 LAMB@5=0 LAMB8bit@5=0 LAMB32bit@5=0 LARS@4=0 LARS8bit@4=0 LARS32bit@4=0 "
        "Lion@3=0 Lion8bit@3=0 Lion32bit@3=0 PagedLion@3=0 PagedLion8bit@3=0 PagedLion32bit@3=0 "
        "RMSprop@4=0 RMSprop8bit@4=0 RMSprop32bit@4=0 SGD@4=0 SGD8bit@4=0 SGD32bit@4=0"
    )),
    # NVIDIA apex master, apex/optimizers/fused_adam.py and fused_lamb.py
    **prefixed("apex.optimizers", _optimizers("FusedAdam@6=0 FusedLAMB@5=0.01")),
    # timm 1.0.31, timm/optim/*.py; timm.optim also re-exports torch.optim classes
    **prefixed("timm.optim", _optimizers(
        "AdaBelief@4=0 Adafactor@7=0 AdafactorBigVision@9=0 Adahessian@4=0 AdamP@4=0 AdamWLegacy@4=0.01 Adan@4=0 "
        "Adopt@5=0 Kron@3=0 Lamb@5=0.01 LaProp@4=0 Lars@4=0 Lion@3=0 MADGRAD@3=0 Mars@4=0 Muon@2=0 NAdamLegacy@4=0 "
        "NAdamW@4=0.01 NvNovoGrad@4=0 RAdamLegacy@4=0 RMSpropTF@4=0 SGDP@4=0 SGDW@4=0"
    )),
    **prefixed("timm.optim", {name: TORCH_OPTIM[name] for name in ("Adadelta", "Adagrad", "Adamax", "Adam", "AdamW", "RMSprop", "SGD", "NAdam", "RAdam")}),
    # transformers 4.40.0 (AdamW, removed in 5.x) and 5.23.0 (Adafactor), transformers/optimization.py
    **{
        name: spec for module in ("transformers", "transformers.optimization")
        for name, spec in prefixed(module, _optimizers("AdamW@4=0 Adafactor@6=0")).items()
    },
    # lion-pytorch 0.2.5, lion_pytorch/lion_pytorch.py
    "lion_pytorch.Lion": Optimizer(Arg("weight_decay", 3, 0.0)),
}


# timm 1.0.31, timm/layers/create_conv2d.py, conv2d_same.py and create_norm.py: create_conv2d(in, out, kernel,
# **kwargs) builds a Conv2d (or a padded, mixed or conditional one) whose bias defaults to False; a conditional
# conv's bias mixes per sample, which no norm over the batch removes.  create_norm_layer(layer, num_features)
# builds get_norm_layer(layer)(num_features) (timm's own GroupNorm and LayerNorm, and FrozenBatchNorm2d, cancel
# no bias).
_TIMM_NORMS = (
    ("batchnorm", "torch.nn.BatchNorm2d"), ("batchnorm2d", "torch.nn.BatchNorm2d"), ("batchnorm1d", "torch.nn.BatchNorm1d"),
)
# timm/layers/create_norm.py and create_norm_act.py: get_norm_layer(x) is x's class, or the class its name maps to;
# get_norm_act_layer(x, act) is the norm-and-activation class of x's name, a class by its own lowercased name
# (nn.BatchNorm2d: BatchNormAct2d, a BatchNorm2d that applies an activation after it normalizes).
TIMM_GET_NORM = ClassLookup(Arg("norm_layer", 0), _TIMM_NORMS)
TIMM_GET_NORM_ACT = ClassLookup(Arg("norm_layer", 0), (
    ("batchnorm", "timm.layers.BatchNormAct2d"), ("batchnorm2d", "timm.layers.BatchNormAct2d"),
    ("batchnormact2d", "timm.layers.BatchNormAct2d"),
), by_name=True)
# timm/layers/conv_bn_act.py: ConvNormAct(in, out, kernel_size, stride, padding, dilation, groups, bias=False,
# apply_norm=True, apply_act=True, norm_layer=nn.BatchNorm2d, ...) applies create_conv2d(..., bias=bias), then
# get_norm_act_layer(norm_layer, act_layer)(out).  timm 0.9 has no apply_norm (apply_act at 8, norm_layer at 9):
# a call passing a tenth positional argument is not read.
_TIMM_CONV_NORM_ACT = Producer(
    bias=Arg("bias", 7, False), size=Arg("out_channels", 1),
    norm=NormSlot(
        Arg("norm_layer", None, "torch.nn.BatchNorm2d"), None,
        NormBuilder(Arg("norm_layer", 0), Arg("num_features", 1), (), held=TIMM_GET_NORM_ACT),
        when=AllOf((ArgIn(Arg("apply_norm", 8, True), frozenset({True})), ArgIn(Arg("(position 9)", 9, None), frozenset({None})))),
    ),
)
# timm/layers/patch_embed.py: PatchEmbed(img_size, patch_size, in_chans, embed_dim=768, norm_layer=None, flatten=True,
# output_fmt=None, bias=True, ...) applies its conv, then norm_layer(embed_dim) if one is given; flattened to
# (N, L, C) or moved to another layout, the channels leave the axis a norm of channels averages over.
_TIMM_PATCH_EMBED = Producer(
    bias=Arg("bias", 7, True), size=Arg("embed_dim", 3, 768),
    norm=NormSlot(
        Arg("norm_layer", 4, None), None, NormBuilder(Arg("norm_layer", 0), Arg("embed_dim", 1), (), held=ClassLookup(Arg("norm_layer", 0), ())),
        when=AllOf((ArgIn(Arg("flatten", 5, True), frozenset({False})), ArgIn(Arg("output_fmt", 6, None), frozenset({None, "NCHW"})))),
    ),
)
# torchvision 0.28.0, torchvision/ops/misc.py: Conv2dNormActivation(in, out, kernel_size=3, stride=1, padding=None,
# groups=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None) is a Sequential
# of conv_layer(..., bias=bias) and norm_layer(out_channels) unless norm_layer is None; bias=None is on only without a
# norm.  Conv3dNormActivation is the same with nn.Conv3d and nn.BatchNorm3d.
TORCHVISION_LAYERS: dict[str, Spec] = {
    f"{module}.Conv{dims}dNormActivation": Producer(
        bias=Arg("bias", 10, None), size=Arg("out_channels", 1), off="False",
        norm=NormSlot(
            Arg("norm_layer", 6, f"torch.nn.BatchNorm{dims}d"), None,
            NormBuilder(Arg("norm_layer", 0), Arg("num_features", 1), (), held=ClassLookup(Arg("norm_layer", 0), ())),
        ),
    )
    for module in ("torchvision.ops", "torchvision.ops.misc") for dims in (2, 3)
}
TIMM_LAYERS: dict[str, Spec] = {
    **{f"{module}.create_conv2d": Producer(
        bias=Arg("bias", None, False), size=Arg("out_channels", 1),
        when=ArgIn(Arg("num_experts", None, 0), frozenset({0, None})),
    ) for module in ("timm.layers", "timm.layers.create_conv2d")},
    **{f"{module}.create_norm_layer": NormBuilder(Arg("layer_name", 0), Arg("num_features", 1), (), held=TIMM_GET_NORM)
       for module in ("timm.layers", "timm.layers.create_norm")},
    **{f"{module}.BatchNormAct2d": Norm() for module in ("timm.layers", "timm.layers.norm_act")},
    **{f"{module}.{name}": _TIMM_CONV_NORM_ACT
       for module in ("timm.layers", "timm.layers.conv_bn_act") for name in ("ConvNormAct", "ConvBnAct", "ConvNormActAa")},
    **{f"{module}.PatchEmbed": _TIMM_PATCH_EMBED for module in ("timm.layers", "timm.layers.patch_embed")},
}

# inplace_abn 1.1.0 (mapillary/inplace_abn), inplace_abn/abn.py: ABN(num_features, eps=1e-5, momentum=0.1, affine=True,
# track_running_stats=True, activation="leaky_relu", activation_param=0.01) is F.batch_norm over the channels of an
# (N, C, ...) input, then the activation; InPlaceABN and InPlaceABNSync compute the same in place (the latter over
# every replica's batch).  A batch norm, as nn.BatchNorm1d is: also per feature of a Linear's (N, F) output.
INPLACE_ABN: dict[str, Spec] = {
    f"{module}.{name}": Norm(features=Arg("num_features", 0))
    for module in ("inplace_abn", "inplace_abn.abn") for name in ("ABN", "InPlaceABN", "InPlaceABNSync")
}


ROWS = {**THIRD_PARTY_OPTIMIZERS, **TIMM_LAYERS, **TORCHVISION_LAYERS, **INPLACE_ABN}
# Calls whose result trains only added parameters without biases or norms.
NO_BIAS = ("peft.get_peft_model", "peft.PeftModel.from_pretrained", "peft.prepare_model_for_kbit_training",
           "diffusers.loaders.AttnProcsLayers")
# timm 1.0.31, timm/models/_builder.py: build_model_with_cfg(model_cls, variant, pretrained, ...) builds
# model_cls(**kwargs) with the keywords it does not take itself; from the pretrained config it may set
# num_classes, global_pool, in_chans and img_size, pops pruned/features_only/out_indices/feature_cls, and
# passes cfg= when given model_cfg.
TIMM_BUILDER = BuildsClass(
    Arg("model_cls", 0),
    consumes=frozenset({
        "model_cls", "variant", "pretrained", "pretrained_cfg", "pretrained_cfg_overlay", "model_cfg", "feature_cfg",
        "pretrained_strict", "pretrained_filter_fn", "cache_dir", "kwargs_filter", "pretrained_model_args", "pruned",
        "features_only", "out_indices", "feature_cls",
    }),
    sets=frozenset({"num_classes", "global_pool", "in_chans", "img_size", "cfg"}),
)
FACTS = {
    **{name: NoBias() for name in NO_BIAS},
    **{f"{module}.get_norm_layer": TIMM_GET_NORM for module in ("timm.layers", "timm.layers.create_norm")},
    **{f"{module}.get_norm_act_layer": TIMM_GET_NORM_ACT for module in ("timm.layers", "timm.layers.create_norm_act")},
    **{f"{module}.build_model_with_cfg": TIMM_BUILDER for module in ("timm.models", "timm.models._builder", "timm.models.helpers")},
}
FRAMEWORK = Framework("torch-packages", ROWS, facts=FACTS)
