"""OpenMMLab training configs (mmengine, and mmcv 1.x's top-level ``optimizer``), for RB206: each with the finding
expected at the optimizer's dict, and whether the optimizer mmengine builds from it decays a bias or a norm weight.
The flake8 and command tests check the first, the physics test the second (with mmengine itself)."""

from __future__ import annotations

import textwrap
from pathlib import Path

MESSAGE = (
    "RB206 {optimizer} in {holder} applies weight_decay={decay} to every parameter of the model, biases and "
    "normalization weights included: add {advice}"
)


def message(optimizer: str, decay: str, holder: str = "optim_wrapper", paramwise: str = "") -> str:
    """RB206's message; ``paramwise``: the key of the per-parameter settings the config has already (that exempt
    nothing)."""
    advice = (
        f"norm_decay_mult=0.0, bias_decay_mult=0.0 to its {paramwise}" if paramwise
        else f"paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0) to {holder}"
    )
    return MESSAGE.format(optimizer=optimizer, holder=holder, decay=decay, advice=advice)


# path -> (text, the finding at the optimizer's dict or None, whether mmengine's optimizer decays a 1-D parameter;
# None: mmengine cannot build it here)
CONFIGS: dict[str, tuple[str, str | None, bool | None]] = {
    "configs/_base_/schedules/sgd.py": (
        """\
        train_cfg = dict(type="EpochBasedTrainLoop", max_epochs=12)
        optim_wrapper = dict(
            type="OptimWrapper",
            optimizer=dict(type="SGD", lr=0.02, momentum=0.9, weight_decay=0.0001))
        """,
        "4:15: " + message("SGD", "0.0001"),
        True,
    ),
    "configs/_base_/schedules/adamw_exempt.py": (
        """\
        optim_wrapper = dict(
            type="OptimWrapper",
            optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05),
            paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
        """,
        None,
        False,
    ),
    # States neither the class nor the decay: its base is reported, where they are set.
    "configs/det/inherit_lr.py": (
        """\
        _base_ = ["../_base_/schedules/sgd.py"]
        optim_wrapper = dict(optimizer=dict(lr=0.01))
        """,
        None,
        True,
    ),
    "configs/det/adamw.py": (
        """\
        _base_ = "../_base_/schedules/sgd.py"
        optim_wrapper = dict(optimizer=dict(_delete_=True, type="AdamW", lr=0.0001, weight_decay=0.05))
        """,
        "2:32: " + message("AdamW", "0.05"),
        True,
    ),
    "configs/det/adamw_default.py": (
        """\
        optim_wrapper = dict(type="OptimWrapper", optimizer=dict(type="AdamW", lr=0.001))
        """,
        "1:53: " + message("AdamW", "0.01 (its default)"),
        True,
    ),
    "configs/det/decay_from_base.py": (
        """\
        _base_ = ["../_base_/schedules/sgd.py"]
        optim_wrapper = dict(optimizer=dict(type="RMSprop", lr=0.001))
        """,
        "2:32: " + message("RMSprop", "0.0001 (set in configs/_base_/schedules/sgd.py)"),
        True,
    ),
    "configs/det/adam_no_decay.py": (
        """\
        optim_wrapper = dict(optimizer=dict(type="Adam", lr=0.001))
        """,
        None,
        False,
    ),
    "configs/det/exempt_inherited.py": (
        """\
        _base_ = ["../_base_/schedules/adamw_exempt.py"]
        optim_wrapper = dict(optimizer=dict(weight_decay=0.1))
        """,
        None,
        False,
    ),
    "configs/det/delete.py": (
        """\
        _base_ = ["../_base_/schedules/adamw_exempt.py"]
        optim_wrapper = dict(
            _delete_=True,
            type="OptimWrapper",
            optimizer=dict(type="SGD", lr=0.1, weight_decay=0.0005))
        """,
        "5:15: " + message("SGD", "0.0005"),
        True,
    ),
    # Only the norms exempt: biases still decay, but an exemption was written: silence, as for RB202.
    "configs/det/norms_only.py": (
        """\
        optim_wrapper = dict(
            optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05),
            paramwise_cfg=dict(custom_keys={"norm": dict(decay_mult=0.0)}))
        """,
        None,
        True,
    ),
    "configs/det/lr_only.py": (
        """\
        optim_wrapper = dict(
            optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05),
            paramwise_cfg=dict(custom_keys={"0": dict(lr_mult=0.1)}))
        """,
        "2:15: " + message("AdamW", "0.05", paramwise="paramwise_cfg"),
        True,
    ),
    "configs/det/keys_elsewhere.py": (
        """\
        keys = {"norm": dict(decay_mult=0.0)}
        optim_wrapper = dict(
            optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05),
            paramwise_cfg=dict(custom_keys=keys))
        """,
        None,
        True,
    ),
    "configs/det/constructor.py": (
        """\
        optim_wrapper = dict(
            optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05),
            constructor="LayerDecayOptimizerConstructor")
        """,
        None,
        None,
    ),
    "configs/det/variable.py": (
        """\
        wd = 0.05
        optim_wrapper = dict(optimizer=dict(type="AdamW", lr=0.001, weight_decay=wd))
        """,
        "2:32: " + message("AdamW", "0.05 (wd)"),
        True,
    ),
    "configs/det/zero.py": (
        """\
        optim_wrapper = dict(optimizer=dict(type="SGD", lr=0.1, momentum=0.9, weight_decay=0.0))
        """,
        None,
        False,
    ),
    "configs/det/updated.py": (
        """\
        optim_wrapper = dict(optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05))
        optim_wrapper.update(paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
        """,
        None,
        False,
    ),
    "configs/det/missing_base.py": (
        """\
        _base_ = ["./not_there.py"]
        optim_wrapper = dict(optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05))
        """,
        None,
        None,
    ),
    "configs/det/not_torch.py": (
        """\
        optim_wrapper = dict(optimizer=dict(type="Lion", lr=0.0001, weight_decay=0.05))
        """,
        None,
        None,
    ),
    "configs/det/two_optimizers.py": (
        """\
        optim_wrapper = dict(
            generator=dict(optimizer=dict(type="AdamW", lr=0.0001, weight_decay=0.05)),
            discriminator=dict(optimizer=dict(type="AdamW", lr=0.0004, weight_decay=0.05)))
        """,
        None,
        None,
    ),
    "configs/det/named_dict.py": (
        """\
        optimizer = dict(type="SGD", lr=0.004, momentum=0.9, weight_decay=0.0001)
        optim_wrapper = dict(type="OptimWrapper", optimizer=optimizer)
        """,
        "1:13: " + message("SGD", "0.0001"),
        True,
    ),
    # mmengine's pure-Python configs import their bases: not read.
    "configs/det/read_base.py": (
        """\
        from mmengine.config import read_base

        with read_base():
            from .._base_.schedules.adamw_exempt import *  # noqa: F401,F403

        optim_wrapper = dict(optimizer=dict(type="AdamW", lr=0.001, weight_decay=0.05))
        """,
        None,
        None,
    ),
    # mmcv 1.x: a top-level optimizer dict holds its own paramwise_cfg.
    "configs/legacy/sgd.py": (
        """\
        optimizer = dict(type="SGD", lr=0.01, momentum=0.9, weight_decay=0.0005)
        optimizer_config = dict()
        """,
        "1:13: " + message("SGD", "0.0005", holder="optimizer"),
        True,
    ),
    "configs/legacy/exempt.py": (
        """\
        optimizer = dict(
            type="SGD", lr=0.01, momentum=0.9, weight_decay=0.0005,
            paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
        """,
        None,
        False,
    ),
    # mmdetection 1.x: its build_optimizer pops the multipliers from paramwise_options (mmengine cannot build these).
    "configs/legacy/mmdet1_exempt.py": (
        """\
        optimizer = dict(
            type="SGD", lr=0.01, momentum=0.9, weight_decay=0.0001,
            paramwise_options=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
        """,
        None,
        None,
    ),
    "configs/legacy/mmdet1_bias_lr.py": (
        """\
        optimizer = dict(
            type="SGD", lr=0.01, momentum=0.9, weight_decay=0.0001, paramwise_options=dict(bias_lr_mult=2.0))
        """,
        "1:13: " + message("SGD", "0.0001", holder="optimizer", paramwise="paramwise_options"),
        None,
    ),
}


def write_configs(root: Path) -> None:
    (root / "pyproject.toml").write_text("")
    for name, (text, _, _) in CONFIGS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def expected_findings(root: Path) -> list[str]:
    """flake8's lines for the folder, in its order (by path)."""
    return [f"{root / name}:{finding}" for name, (_, finding, _) in sorted(CONFIGS.items()) if finding]
