"""The weight-decay rules against one real optimizer step (runs when torch is importable).

Each recipe is the body of ``make(model)``.  With every gradient zero, one step
of the optimizer it builds must leave the biases and norm weights untouched
exactly when the analyser stays silent on the same source text.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from mm_configs import CONFIGS, write_configs

from flake8_redundant_bias.engine import analyse_source

torch = pytest.importorskip("torch")

RECIPES: list[tuple[str, str | None]] = [
    ("return torch.optim.AdamW(model.parameters(), lr=0.1)", "RB201"),
    ('return getattr(torch.optim, "AdamW")(model.parameters(), lr=0.1)', "RB201"),
    ('return getattr(torch.optim, "Adam")(model.parameters(), lr=0.1)', None),
    ("return torch.optim.AdamW(model.parameters(), lr=0.1, weight_decay=0.0)", None),
    ("return torch.optim.Adam(model.parameters(), lr=0.1)", None),
    ("return torch.optim.Adam(model.parameters(), lr=0.1, weight_decay=0.01)", "RB201"),
    ("return torch.optim.SGD(model.parameters(), 0.1, 0.9, 0, 0.01)", "RB201"),
    ("return torch.optim.RMSprop(model.parameters(), lr=0.1)", None),
    ("return torch.optim.NAdam(filter(lambda p: p.requires_grad, model.parameters()), weight_decay=0.1)", "RB201"),
    ("return torch.optim.AdamW([{'params': model.parameters(), 'weight_decay': 0.1}], lr=0.1)", "RB202"),
    (
        """
        decay = [p for p in model.parameters() if p.dim() >= 2]
        no_decay = [p for p in model.parameters() if p.dim() < 2]
        return torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], lr=0.1)
        """,
        None,
    ),
    (
        """
        no_decay = ["bias", "norm"]
        return torch.optim.AdamW([
            {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.1},
            {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
        ], lr=0.1)
        """,
        None,
    ),
    (
        """
        groups = []
        groups.append({"params": model.conv.parameters()})
        groups.append({"params": model.norm.parameters()})
        groups.append(dict(params=model.fc.parameters(), lr=0.01))
        return torch.optim.SGD(groups, lr=0.1, weight_decay=0.1)
        """,
        "RB202",
    ),
    (
        """
        groups = []
        groups.append({"params": [p for p in model.parameters() if p.dim() >= 2]})
        groups.append({"params": [p for p in model.parameters() if p.dim() < 2], "weight_decay": 0.0})
        return torch.optim.SGD(groups, lr=0.1, weight_decay=0.1)
        """,
        None,
    ),
]


def _model() -> torch.nn.Module:
    model = torch.nn.Sequential()
    model.add_module("conv", torch.nn.Conv2d(2, 3, 3))
    model.add_module("norm", torch.nn.BatchNorm2d(3))
    model.add_module("fc", torch.nn.Linear(3, 3))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(1.0)
            parameter.grad = torch.zeros_like(parameter)
    return model.double()


def _source(body: str) -> str:
    return "import torch\n\n\ndef make(model):\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ") + "\n"


@pytest.mark.parametrize("body, code", RECIPES)
def test_one_step_at_zero_gradient(body: str, code: str | None) -> None:
    source = _source(body)
    namespace: dict = {}
    exec(compile(source, "<recipe>", "exec"), namespace)  # the recipe text, written in this file
    model = _model()
    for parameter in model.parameters():
        parameter.grad = torch.zeros_like(parameter)
    optimizer = namespace["make"](model)
    optimizer.step()
    exempt = {name: p for name, p in model.named_parameters() if p.dim() < 2}
    shrunk = sorted(name for name, p in exempt.items() if (p.detach() != 1.0).any())
    reported = {f.code for f in analyse_source(source)}
    assert bool(shrunk) is (code is not None), f"measured: shrunk {shrunk}"
    assert reported == ({code} if code else set()), reported
    if code:
        assert all((p.detach().abs() < 1.0).all() for p in exempt.values()), "decay shrinks towards zero"


@pytest.mark.parametrize("name", [name for name, (_, _, decays) in CONFIGS.items() if decays is not None])
def test_openmmlab_configs_built_by_mmengine(tmp_path: Path, name: str) -> None:
    """mmengine merges each config with its bases and builds its optimizer for a model with a bias and a norm: a
    config RB206 reports decays a bias or a norm weight there, and each one's measured verdict is the expected one."""
    mmengine_config = pytest.importorskip("mmengine.config")
    optim = pytest.importorskip("mmengine.optim")
    write_configs(tmp_path)
    config = mmengine_config.Config.fromfile(str(tmp_path / name))
    if "optim_wrapper" in config:
        settings = config.optim_wrapper.to_dict()
    else:  # mmcv 1.x: paramwise_cfg inside the optimizer's dict
        optimizer = config.optimizer.to_dict()
        settings = {"optimizer": optimizer, "paramwise_cfg": optimizer.pop("paramwise_cfg", None)}
    built = optim.build_optim_wrapper(_model(), settings).optimizer
    decays = any(group["weight_decay"] > 0 and any(p.dim() == 1 for p in group["params"]) for group in built.param_groups)
    _, finding, expected = CONFIGS[name]
    assert decays is expected
    path = tmp_path / name
    reported = [d for d in analyse_source(path.read_text(), filename=str(path)) if d.code == "RB206"]
    assert bool(reported) is (finding is not None)
    assert not reported or decays
