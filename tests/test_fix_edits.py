"""The bias fix's edits on calls written every way people write them (hypothesis generates the layouts)."""

from __future__ import annotations

import ast
import re

import pytest
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
    edits = finding.fix.edits
    fixed = apply(source, edits)
    compile(fixed, "fixed.py", "exec")
    assert [f.code for f in analyse_source(fixed)] == []
    assert apply(fixed, []) == fixed
    texts = [edit.text for edit in edits]
    assert texts in (["False"], [", bias=False"], [" bias=False,"]) or (
        len(texts) == 1 and re.fullmatch(r"\n *bias=False,|,\n *bias=False", texts[0])
    ) or (texts[0] == "," and re.fullmatch(r"\n *bias=False", texts[1]))
    lines = source.splitlines(keepends=True)
    expected = source
    for edit in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        start = sum(len(line) for line in lines[: edit.line - 1]) + edit.col
        end = sum(len(line) for line in lines[: edit.end_line - 1]) + edit.end_col
        assert source[start:end] in ("", "True")  # an insertion, or the literal replaced
        expected = expected[:start] + edit.text + expected[end:]
    assert fixed == expected


ONE_PER_LINE = [
    (  # a trailing comma: the keyword follows on a line of its own
        "conv = nn.Conv2d(\n    3,\n    8,\n    3,\n)\n",
        "conv = nn.Conv2d(\n    3,\n    8,\n    3,\n    bias=False,\n)\n",
    ),
    (  # no trailing comma: the same, without adding one after the keyword
        "conv = nn.Conv2d(\n    3,\n    8,\n    3\n)\n",
        "conv = nn.Conv2d(\n    3,\n    8,\n    3,\n    bias=False\n)\n",
    ),
    (  # a comment stays with the argument it follows
        "conv = nn.Conv2d(\n    3,\n    8,\n    kernel_size=3  # odd\n)\n",
        "conv = nn.Conv2d(\n    3,\n    8,\n    kernel_size=3,  # odd\n    bias=False\n)\n",
    ),
    (  # the arguments on one line, the parenthesis below: the keyword joins them
        "conv = nn.Conv2d(\n    3, 8, 3\n)\n",
        "conv = nn.Conv2d(\n    3, 8, 3, bias=False\n)\n",
    ),
    (  # the last argument over several lines: the keyword follows it
        "conv = nn.Conv2d(\n    3,\n    8,\n    kernel_size=(\n        3, 3\n    )\n)\n",
        "conv = nn.Conv2d(\n    3,\n    8,\n    kernel_size=(\n        3, 3\n    ), bias=False\n)\n",
    ),
]


@pytest.mark.parametrize("written, fixed", ONE_PER_LINE)
def test_a_keyword_added_to_a_call_laid_out_one_argument_a_line(written: str, fixed: str) -> None:
    prefix, suffix = "import torch.nn as nn\n\n", "block = nn.Sequential(conv, nn.BatchNorm2d(8))\n"
    (finding,) = analyse_source(prefix + written + suffix)
    assert apply(prefix + written + suffix, finding.fix.edits) == prefix + fixed + suffix
