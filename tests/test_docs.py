"""The README against the code: generated sections current, examples behaving as shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flake8_run import flake8

from flake8_redundant_bias.engine import analyse_source
from flake8_redundant_bias.rules import CODES as CATALOGUE
from flake8_redundant_bias.docs import render

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_sections_are_current() -> None:
    assert render(README) == README, "run: python -m flake8_redundant_bias.docs README.md"


@pytest.mark.parametrize("code", CATALOGUE.values(), ids=CATALOGUE.keys())
def test_rule_examples_behave_as_documented(code) -> None:
    assert {f.code for f in analyse_source(code.wrong)} == {code.code}
    assert analyse_source(code.right) == []


def test_quick_start_output_is_what_flake8_prints() -> None:
    shown = re.search(r"flake8 --select RB examples/\n```\n\n```\n(.*?)```", README, re.S)
    assert shown, "the README's quick start lost its output block"
    result = flake8("--select", "RB", "examples/", cwd=ROOT)
    assert result.stdout == shown.group(1)
    codes = [line.split(": ", 1)[1].split()[0] for line in result.stdout.splitlines()]
    assert codes == ["RB101"] * 4 + ["RB201", "RB205"]
