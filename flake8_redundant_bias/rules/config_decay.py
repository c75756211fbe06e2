"""RB206: a training config (OpenMMLab) whose optimizer decays every parameter of the model, biases and norms
included."""

from __future__ import annotations

from typing import Iterator, Mapping

from ..diagnostics import Diagnostic
from ..knowledge import Knowledge
from ..knowledge.schema import Spec
from ..model.context import ModuleModel
from ..model.gates import Trigger
from .base import Code, Rule

RB206 = Code(
    "RB206",
    "a training config (OpenMMLab) whose optimizer decays every parameter of the model, biases and norms included",
    "{optimizer} in {holder} applies weight_decay={decay} to every parameter of the model, biases and normalization "
    "weights included: add {advice}",
    wrong="""\
optim_wrapper = dict(
    type="OptimWrapper",
    optimizer=dict(type="AdamW", lr=1e-4, weight_decay=0.05),
)
""",
    right="""\
optim_wrapper = dict(
    type="OptimWrapper",
    optimizer=dict(type="AdamW", lr=1e-4, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0),
)
""",
    why=(
        "OpenMMLab (mmengine, and mmcv 1.x) builds the optimizer a config names over every parameter of the model, "
        "each with the config's weight_decay, unless paramwise_cfg scales some decays down: the biases and "
        "normalization weights then decay as in RB201. Measured with mmengine 0.10.7 and torch 2.13: the "
        "optimizer built from such a config gives every bias and BatchNorm weight the config's decay, and with "
        "paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0) a decay of 0. mmdetection 1.x reads the "
        "same multipliers from the optimizer dict's paramwise_options, and a config that has that key is told to "
        "add them there."
    ),
)


class ConfigDecay(Rule):
    codes = (RB206,)

    def triggers(self, rows: Mapping[str, Spec], knowledge: Knowledge) -> tuple[Trigger, ...]:
        """The names a training config holds its optimizer in, in a file of that framework (or its config)."""
        return tuple(
            Trigger(tuple(name for name, _ in config.holders), roots=frozenset({config.root})) for config in knowledge.configs
        )

    def check(self, model: ModuleModel) -> Iterator[Diagnostic]:
        for found in model.training_configs.optimizers():
            row = found.row
            advice = (
                f"{row.advice} to its {found.paramwise}" if found.paramwise
                else f"{row.paramwise[0]}=dict({row.advice}) to {found.holder}"
            )
            text = RB206.message(optimizer=found.name, holder=found.holder, decay=found.decay.describe(), advice=advice)
            yield Diagnostic.at(found.at, RB206.code, text, model.text)
