"""The rule catalogue: stable codes, message templates, and an example of each.

Codes are never renumbered.  The README's rule section is rendered from this
module (``python -m flake8_redundant_bias.docs``), and ``tests/test_docs.py``
checks both that the README is current and that every ``wrong`` example is
reported and every ``right`` one is not.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    summary: str
    template: str
    wrong: str
    right: str

    def message(self, **fields: object) -> str:
        return f"{self.code} {self.template.format(**fields)}"


RB101 = Code(
    "RB101",
    "a PyTorch convolution/linear layer whose bias the normalization after it cancels",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
    wrong="""\
import torch.nn as nn

block = nn.Sequential(
    nn.Conv2d(64, 128, 3, padding=1),
    nn.BatchNorm2d(128),
    nn.ReLU(),
)
""",
    right="""\
import torch.nn as nn

block = nn.Sequential(
    nn.Conv2d(64, 128, 3, padding=1, bias=False),
    nn.BatchNorm2d(128),
    nn.ReLU(),
)
""",
)
RB102 = Code(
    "RB102",
    "a functional convolution/linear bias cancelled by a functional normalization",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
    wrong="""\
import torch.nn.functional as F


def block(x, w, b, mean, var):
    return F.batch_norm(F.conv2d(x, w, b), mean, var, training=True)
""",
    right="""\
import torch.nn.functional as F


def block(x, w, mean, var):
    return F.batch_norm(F.conv2d(x, w), mean, var, training=True)
""",
)

CATALOGUE: dict[str, Code] = {code.code: code for code in (RB101, RB102)}


def cost(parameters: int | None) -> str:
    if parameters is None:
        return ""
    return f" ({parameters} wasted parameter{'s' if parameters != 1 else ''})"
