"""The README's checkpoint conversion, run on a trained pair (runs where torch is installed).

The bias fix is unsafe because a checkpoint saved with the bias no longer loads with
``strict=True``; the README gives the lines that convert one.  Here they convert a
real checkpoint, and the fixed model must compute what the old one did.
"""

from __future__ import annotations

import pytest
from readme import block

torch = pytest.importorskip("torch")
nn = torch.nn


def _conversion():
    """``drop_cancelled_biases`` as the README defines it (the lines before its usage example)."""
    definition = block("import torch").split("\nstate = torch.load(")[0]
    assert "def drop_cancelled_biases(state, pairs):" in definition, "the README lost its checkpoint conversion"
    namespace: dict = {}
    exec(compile(definition, "README.md", "exec"), namespace)  # noqa: S102 - the README's own lines, under test
    return namespace["drop_cancelled_biases"]


def _trained(bias: bool) -> nn.Module:
    torch.manual_seed(0)
    features = nn.Sequential(nn.Conv2d(3, 8, 3, bias=bias), nn.BatchNorm2d(8), nn.ReLU())
    model = nn.Sequential()
    model.add_module("features", features)
    return model


def _old_checkpoint() -> tuple[nn.Module, dict]:
    """A model with the bias, after a few steps of training (a non-zero bias, running statistics that learned it)."""
    model = _trained(bias=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(5):
        x = torch.randn(16, 3, 12, 12, generator=torch.Generator().manual_seed(step))
        loss = model(x).pow(2).mean() + model.features[0].bias.sum()  # moves the bias, which the norm cancels
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        model.features[0].bias.add_(torch.linspace(-2, 2, 8, dtype=torch.float32))  # a bias far from zero
    return model, {key: value.clone() for key, value in model.state_dict().items()}


def test_an_old_checkpoint_does_not_load_strictly_without_conversion() -> None:
    _, state = _old_checkpoint()
    with pytest.raises(RuntimeError, match=r'Unexpected key\(s\) in state_dict: "features.0.bias"'):
        _trained(bias=False).load_state_dict(state)


def test_the_converted_checkpoint_computes_what_the_old_model_did() -> None:
    old, state = _old_checkpoint()
    fixed = _trained(bias=False)
    fixed.load_state_dict(_conversion()(dict(state), [("features.0", "features.1")]))  # strict=True, the default
    x = torch.randn(4, 3, 12, 12, generator=torch.Generator().manual_seed(99))
    old.eval()
    fixed.eval()
    with torch.no_grad():
        assert torch.allclose(fixed(x), old(x), atol=1e-6)
        unconverted = _trained(bias=False)
        plain = dict(state)
        plain.pop("features.0.bias")
        unconverted.load_state_dict(plain)
        unconverted.eval()
        assert not torch.allclose(unconverted(x), old(x), atol=1e-3)  # the running_mean step is needed in eval mode
    old.train()
    fixed.train()
    with torch.no_grad():
        assert torch.allclose(fixed(x), old(x), atol=1e-5)  # batch statistics: the bias was cancelled
