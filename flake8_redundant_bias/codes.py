"""The rule catalogue: stable codes, message templates, and why each rule holds.

Codes are never renumbered.  The README's rule table is checked against this
module by ``tests/test_docs.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    summary: str
    template: str

    def message(self, **fields: object) -> str:
        return f"{self.code} {self.template.format(**fields)}"


RB101 = Code(
    "RB101",
    "PyTorch module whose bias the following normalization cancels",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
)
RB102 = Code(
    "RB102",
    "functional convolution/linear bias cancelled by a functional normalization",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
)

CATALOGUE: dict[str, Code] = {code.code: code for code in (RB101, RB102)}


def cost(parameters: int | None) -> str:
    if parameters is None:
        return ""
    return f" ({parameters} wasted parameter{'s' if parameters != 1 else ''})"
