"""The bias fix's edits on calls written every way people write them (hypothesis generates the layouts)."""

from __future__ import annotations

import ast
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from flake8_redundant_bias.engine import analyse_source
from flake8_redundant_bias.diagnostics import apply

POSITIONAL = ["3", "8", "(3)", "3"]  # in_channels, out_channels, kernel_size, ... as the call spells them
KEYWORDS = ["padding=1", "stride = (1)", "dilation=1", "groups=1"]
SEPARATORS = [", ", ",", ",\n    ", " ,  ", ",  # a comment\n        ", ", \\\n    "]
CLOSERS = ["", ",", ",\n", "\n", "  # before the parenthesis\n", ",  # trailing\n"]


@st.composite
def conv_calls(draw: st.DrawFn) -> str:
    arguments = POSITIONAL[:3] + draw(st.lists(st.sampled_from(KEYWORDS), unique=True, max_size=3))
    if draw(st.booleans()):
        arguments.append(draw(st.sampled_from(["bias=True", "bias = True", "bias=(True)"])))
    text = draw(st.sampled_from(["", "\n    ", "  # opened\n    "])) + arguments[0]
    for argument in arguments[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + argument
    return f"nn.Conv2d({text}{draw(st.sampled_from(CLOSERS))})"


@settings(max_examples=300, deadline=None, database=None)
@given(conv_calls(), st.sampled_from(["conv = {call}\n", "block = nn.Sequential(\n    {call},\n    nn.BatchNorm2d(8),\n)\n"]))
def test_the_fix_compiles_removes_the_finding_and_changes_nothing_else(call: str, shape: str) -> None:
    prefix = "import torch.nn as nn\n\n"
    if shape.startswith("conv"):
        source = prefix + shape.format(call=call) + "norm = nn.BatchNorm2d(8)\nblock = nn.Sequential(conv, norm)\n"
    else:
        source = prefix + shape.format(call=call)
    ast.parse(source)  # every generated layout is valid Python
    (finding,) = analyse_source(source)
    assert finding.code == "RB101" and finding.fix is not None
    (edit,) = finding.fix.edits
    fixed = apply(source, finding.fix.edits)
    compile(fixed, "fixed.py", "exec")
    assert [f.code for f in analyse_source(fixed)] == []
    assert apply(fixed, []) == fixed
    assert edit.text in ("False", ", bias=False", " bias=False,") or re.fullmatch(r"\n *bias=False,", edit.text)
    lines = source.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: edit.line - 1]) + edit.col
    end = sum(len(line) for line in lines[: edit.end_line - 1]) + edit.end_col
    assert source[start:end] in ("", "True")  # an insertion, or the literal replaced
    assert fixed == source[:start] + edit.text + source[end:]
