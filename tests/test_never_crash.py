"""No input makes the plugin raise: the standard library, generated programs, odd files."""

from __future__ import annotations

import ast
import sys
import sysconfig
import warnings
from pathlib import Path

import hypothesmith
from hypothesis import HealthCheck, Phase, given, settings

from flake8_redundant_bias.engine import analyse
from flake8_redundant_bias.config import Config

# Generated programs and stdlib files rarely import torch; make every file
# take the full analysis path by mentioning and importing it.
PRELUDE = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"
CONFIG = Config()


def _analyse_text(text: str) -> None:
    source = PRELUDE + text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return
    analyse(tree, source.splitlines(keepends=True), CONFIG)


def test_the_whole_standard_library() -> None:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = [p for p in root.rglob("*.py") if "site-packages" not in p.parts]
    assert len(files) > 500
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        _analyse_text(text)


# Generation only: hypothesmith's target-driven optimisation and shrinking can
# take minutes without finding more; a failure is reported with its source.
GENERATE = settings(
    max_examples=300, deadline=None, suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.generate), database=None,
)


@GENERATE
@given(hypothesmith.from_grammar())
def test_generated_programs(source: str) -> None:
    _analyse_text(source)


@GENERATE
@given(hypothesmith.from_node())
def test_generated_syntax_trees(source: str) -> None:
    _analyse_text(source)


def test_deep_nesting_and_huge_literals() -> None:
    _analyse_text("x = " + " + ".join(["nn.Conv2d(1, 1, 1)(y)"] * 5000) + "\n")
    _analyse_text("layers = [" + ", ".join(["nn.Conv2d(8, 8, 3), nn.BatchNorm2d(8)"] * 5000) + "]\nm = nn.Sequential(*layers)\n")
    _analyse_text("x = " + "(" * 150 + "1" + ")" * 150 + "\n")
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
