"""An internal error in one unit of work loses that unit's findings only; strict mode raises it."""

from __future__ import annotations

import pytest

from flake8_redundant_bias import containment
from flake8_redundant_bias.model import steps
from flake8_redundant_bias.engine import analyse_source

SOURCE = """\
import torch
import torch.nn as nn

first = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
second = nn.Sequential(nn.Conv2d(8, 8, 3), nn.Dropout(0.0), nn.BatchNorm2d(8))


def make(model):
    return torch.optim.AdamW(model.parameters())
"""


@pytest.fixture
def broken_dropout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the analysis fail on one construct: any Dropout layer."""
    original = steps.Steps.element

    def element(self, expr, scope):
        layer = original(self, expr, scope)
        if layer is not None and layer.short == "Dropout":
            raise RuntimeError("an odd construct")
        return layer

    monkeypatch.setattr(steps.Steps, "element", element)


def test_an_error_in_one_chain_keeps_the_other_findings(broken_dropout, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containment, "STRICT", False)
    lines = sorted((f.line, f.code) for f in analyse_source(SOURCE))
    assert lines == [(4, "RB101"), (9, "RB201")]
    assert {error.partition(" (")[0] for error in containment.take_errors()} == {"RuntimeError: an odd construct"}


def test_strict_mode_raises_the_error(broken_dropout, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containment, "STRICT", True)
    with pytest.raises(RuntimeError, match="an odd construct"):
        analyse_source(SOURCE)


def test_without_the_fault_both_chains_are_reported() -> None:
    lines = sorted((f.line, f.code) for f in analyse_source(SOURCE))
    assert lines == [(4, "RB101"), (5, "RB101"), (9, "RB201")]
