"""The docs against the code: generated parts current, the README a front door whose every block a test runs."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flake8_run import flake8
from flake8_run import redundant_bias as command
from readme import README, ROOT, block, blocks, output_after

from flake8_redundant_bias.docs import RULE_PAGES, documents, render, rule_pages
from flake8_redundant_bias.engine import analyse_source
from flake8_redundant_bias.pages import markdown_page, text_page
from flake8_redundant_bias.rules import CODES as CATALOGUE

HERE = Path(__file__).parent
QUICK_START = "python -m pip install . && flake8 --select RB examples/"
USER_DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("path", documents(ROOT), ids=lambda path: path.name)
def test_generated_sections_are_current(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m flake8_redundant_bias.docs"


def test_rule_pages_are_current() -> None:
    pages = rule_pages()
    on_disk = {f"{RULE_PAGES}/{path.name}" for path in (ROOT / RULE_PAGES).glob("*.md")}
    assert on_disk == set(pages), "run: python -m flake8_redundant_bias.docs"
    for name, page in pages.items():
        assert (ROOT / name).read_text(encoding="utf-8") == page, f"{name}: run python -m flake8_redundant_bias.docs"


@pytest.mark.parametrize("code", CATALOGUE.values(), ids=CATALOGUE.keys())
def test_rule_examples_behave_as_documented(code) -> None:
    assert {f.code for f in analyse_source(code.wrong)} == {code.code}
    assert analyse_source(code.right) == []


@pytest.mark.parametrize("code", CATALOGUE.values(), ids=CATALOGUE.keys())
def test_a_page_points_to_nothing_the_installed_package_lacks(code) -> None:
    """``explain`` runs where only the wheel is installed: no tests, no README to point to."""
    for page in (text_page(code), markdown_page(code)):
        assert "tests/" not in page and "README" not in page and "test_" not in page


def test_the_readme_is_a_front_door() -> None:
    assert len(README.splitlines()) < 300
    for path in USER_DOCS:  # the docs speak of the product as it is, not of how it came to be
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b[Ii]ssue \d|previous release|\bsession\b", text), path.name


def test_every_block_of_the_readme_is_run_by_a_test() -> None:
    claimed = set()
    for path in HERE.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        named = {  # NAME = "..." anywhere in the file: a block may be asked for by a name
            node.targets[0].id: node.value.value for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("block", "output_after"):
                argument = node.args[0]
                first = argument.value if isinstance(argument, ast.Constant) else named.get(getattr(argument, "id", ""))
                if first is None:
                    continue  # this test's own calls, over every claim
                claimed.add(first)
                if node.func.id == "output_after":
                    claimed.add(output_after(first).split("\n", 1)[0].strip())
    firsts = [body.split("\n", 1)[0].strip() for _, body in blocks()]
    assert [first for first in firsts if first not in claimed] == []


def test_quick_start_output_is_what_flake8_prints() -> None:
    assert block(QUICK_START).strip().split(" && ")[1] == "flake8 --select RB examples/"
    result = flake8("--select", "RB", "examples/", cwd=ROOT)
    assert result.stdout == output_after(QUICK_START)
    codes = [line.split(": ", 1)[1].split()[0] for line in result.stdout.splitlines()]
    assert codes == ["RB101"] * 4 + ["RB201", "RB205"]


def test_the_readme_test_command_is_what_ci_runs() -> None:
    shown = block("python -m pip install -e '.[test,frameworks]' && python -m pytest").strip()
    assert shown in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_statistics_block(tmp_path: Path) -> None:
    shown = "redundant-bias check examples/ --statistics"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    result = command(*block(shown).split()[1:], "--no-cache", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (1, output_after(shown), "")


def test_code_scanning_block(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    step = block("- run: redundant-bias check --output-format sarif --exit-zero > redundant-bias.sarif")
    line = step.split("\n", 1)[0].strip().removeprefix("- run: ")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    bin_folder = str(Path(sys.executable).parent)
    subprocess.run(line, shell=True, check=True, cwd=tmp_path, env={"PATH": bin_folder}, timeout=300)
    document = json.loads((tmp_path / "redundant-bias.sarif").read_text())
    schema = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    assert len(document["runs"][0]["results"]) == 6
    assert "sarif_file: redundant-bias.sarif" in step


NOQA = "import torch.nn as nn\n\nblock = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa: F401, RB101\n"


def test_ruff_keeps_the_rb_noqa_comments_with_the_readme_setting(tmp_path: Path) -> None:
    pytest.importorskip("ruff")

    def fixed_by_ruff() -> str:
        (tmp_path / "model.py").write_text(NOQA)
        subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--select", "RUF100,F", "--fix", "--no-cache", "model.py"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )
        return (tmp_path / "model.py").read_text().splitlines()[-1]

    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\n")
    assert fixed_by_ruff().endswith("nn.BatchNorm2d(8))")  # without the setting, the RB101 goes with the F401
    (tmp_path / "pyproject.toml").write_text(block("[tool.ruff.lint]"))
    assert fixed_by_ruff().endswith("nn.BatchNorm2d(8))  # noqa: RB101")
    assert command("check", "--no-cache", "model.py", cwd=tmp_path).stdout == "No findings in 1 file.\n"


CUSTOM = """\
import torch.nn as nn
from mylib.nn import FusedBatchNorm

block = nn.Sequential(nn.Conv2d(3, 8, 3), FusedBatchNorm(8))
"""


def test_the_configuration_blocks_are_read(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(CUSTOM)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_model.py").write_text("import torch\n\nopt = torch.optim.AdamW(model.parameters())\n")
    (tmp_path / "pyproject.toml").write_text(block("[tool.redundant-bias]"))
    settings = command("check", "--show-settings", "tests/test_model.py", cwd=tmp_path).stdout
    assert "  codes reported here: RB101, RB102, RB103, RB104\n" in settings
    assert "  norms = mylib.nn.FusedBatchNorm  # pyproject.toml: [tool.redundant-bias] norms\n" in settings
    assert "  extend-exclude = generated  # pyproject.toml: [tool.redundant-bias] extend-exclude\n" in settings
    found = command("check", "--no-cache", "--output-format", "json", cwd=tmp_path)
    assert [(f["filename"], f["code"]) for f in json.loads(found.stdout)] == [("model.py", "RB101")]
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "setup.cfg").write_text(block("[flake8]"))
    shown = flake8(".", cwd=tmp_path).stdout
    assert [line.split(": ")[1].split()[0] for line in shown.splitlines() if ": RB" in line] == ["RB101"]
    found = command("check", "--no-cache", "--output-format", "json", cwd=tmp_path)
    assert [(f["filename"], f["code"]) for f in json.loads(found.stdout)] == [("model.py", "RB101")]
