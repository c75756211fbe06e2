"""Runtime ground truth, shared by the cross-checks against a model zoo (torchvision's, timm's).

Every convolution/linear layer built meanwhile records the frames of one package on its
construction stack; a (producer, norm) pair is replayed on real float64 numbers in training
mode with the producer's bias perturbed; flake8 is run over the package to compare.
Import it after ``pytest.importorskip("torch")``.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import torch
from flake8_run import flake8
from torch import nn

Stack = tuple[tuple[str, int, str], ...]  # (file in the package, line, qualified function), innermost first


def _stack(package: Path) -> Stack:
    """The package's frames of the stack that built a layer (``recorded`` called this, a constructor it)."""
    frames = []
    frame = sys._getframe(2)
    prefix = str(package) + os.sep
    while frame is not None:
        path = frame.f_code.co_filename
        if path.startswith(prefix):
            frames.append((Path(path).relative_to(package).as_posix(), frame.f_lineno, frame.f_code.co_qualname))
        frame = frame.f_back
    return tuple(frames)


class Recording:
    """Every producer built meanwhile remembers where (``module._built_at``): its frames in ``package``."""

    def __init__(self, package: Path) -> None:
        self.package = package

    def __enter__(self) -> Recording:
        self.saved = {}
        package = self.package
        for kind in {nn.Linear, nn.modules.conv._ConvNd}:
            original = kind.__init__
            self.saved[kind] = original

            def recorded(module, *args, __original=original, **kwargs):  # type: ignore[no-untyped-def]
                __original(module, *args, **kwargs)
                module._built_at = _stack(package)

            kind.__init__ = recorded
        return self

    def __exit__(self, *exc: object) -> None:
        for kind, original in self.saved.items():
            kind.__init__ = original


def cancels(producer: nn.Module, norm: nn.Module, training: bool = True) -> bool:
    """Perturb the bias of real copies (in training mode by default): does the norm's output stay the same?"""
    producer, norm = (copy.deepcopy(m).to_empty(device="cpu") for m in (producer, norm))
    for module in (producer, norm):
        for child in module.modules():
            if hasattr(child, "reset_parameters"):
                child.reset_parameters()
    producer.train(training)
    norm.train(training)
    torch.manual_seed(0)
    if isinstance(producer, nn.Linear):
        shape = (8, producer.in_features)
    else:  # a few output positions per axis, whatever the stride
        reach = [d * (k - 1) + 1 for k, d in zip(producer.kernel_size, producer.dilation)]
        shape = (4, producer.in_channels, *(r + 3 * s + 1 for r, s in zip(reach, producer.stride)))
    x = torch.randn(shape, dtype=torch.float64)
    producer.double()
    norm.double()
    with torch.no_grad():
        before = norm(producer(x))
        producer.bias += torch.randn_like(producer.bias)
        after = norm(producer(x))
    return bool((after - before).abs().max() <= 1e-9 * max(1.0, before.abs().max().item()))


def reported_sites(package: Path) -> set[tuple[str, int]]:
    """What flake8 reports over the package: (file in the package, line)."""
    result = flake8("--select", "RB1", "--jobs", "2", str(package))
    assert result.returncode in (0, 1), result.stderr
    found = set()
    for line in result.stdout.splitlines():
        path, row, _ = line.split(":", 2)
        found.add((Path(path).relative_to(package).as_posix(), int(row)))
    return found


def out_of_reach(reasons: dict[tuple[str, str], str], stack: Stack) -> str | None:
    """The reason a site is out of reach: one of its frames runs a function ``reasons`` names (file, qualified name)."""
    return next((reasons[(f, q)] for f, _, q in stack if (f, q) in reasons), None)
