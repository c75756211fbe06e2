"""The weight-decay rules against one real optimizer step (runs when torch is importable).

Each recipe is the body of ``make(model)``.  With every gradient zero, one step
of the optimizer it builds must leave the biases and norm weights untouched
exactly when the analyser stays silent on the same source text.
"""

from __future__ import annotations

import textwrap

import pytest

from flake8_redundant_bias.engine import analyse_source

torch = pytest.importorskip("torch")

RECIPES: list[tuple[str, str | None]] = [
    ("return torch.optim.AdamW(model.parameters(), lr=0.1)", "RB201"),
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
