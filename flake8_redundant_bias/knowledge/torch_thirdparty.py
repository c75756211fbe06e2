"""Other PyTorch packages: their optimizers, read from the named releases' sources, and their
builders of bias-free modules (LoRA adapters over a frozen base)."""

from __future__ import annotations

from .schema import Arg, ArgIn, BuildsClass, Framework, NoBias, NormBuilder, Optimizer, Producer, Spec, prefixed
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
# conv's bias mixes per sample, which no norm over the batch removes.  create_norm_layer(name, num_features)
# builds the norm its name gives (timm's own GroupNorm and LayerNorm, and FrozenBatchNorm2d, cancel no bias).
TIMM_LAYERS: dict[str, Spec] = {
    **{f"{module}.create_conv2d": Producer(
        bias=Arg("bias", None, False), size=Arg("out_channels", 1),
        when=ArgIn(Arg("num_experts", None, 0), frozenset({0, None})),
    ) for module in ("timm.layers", "timm.layers.create_conv2d")},
    **{f"{module}.create_norm_layer": NormBuilder(
        Arg("layer_name", 0), Arg("num_features", 1), named=True,
        types=(("batchnorm", "torch.nn.BatchNorm2d"), ("batchnorm2d", "torch.nn.BatchNorm2d"),
               ("batchnorm1d", "torch.nn.BatchNorm1d")),
    ) for module in ("timm.layers", "timm.layers.create_norm")},
}


ROWS = {**THIRD_PARTY_OPTIMIZERS, **TIMM_LAYERS}
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
    **{f"{module}.build_model_with_cfg": TIMM_BUILDER for module in ("timm.models", "timm.models._builder", "timm.models.helpers")},
}
FRAMEWORK = Framework("torch-packages", ROWS, facts=FACTS)
