"""The ``redundant-bias`` console script, run in a subprocess as users and CI run it."""

from __future__ import annotations

import json
import os
import py_compile
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flake8_run import CASES, FIXED, SCRIPT, case_files
from flake8_run import redundant_bias as run

from flake8_redundant_bias.rules import CODES as CATALOGUE

HERE = Path(__file__).parent

MODEL = """\
import torch
import torch.nn as nn

block = nn.Sequential(
    nn.Conv2d(3, 8, 3),  # a comment kept
    nn.BatchNorm2d(8),
)
quiet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa: RB101
optimizer = torch.optim.AdamW(block.parameters())
"""
CONV = "RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (8 wasted parameters)"
ADAMW = (
    "RB201 AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of block: "
    "put them in a parameter group with weight_decay=0.0"
)
ALL_CODES = ("RB101", "RB102", "RB103", "RB104", "RB201", "RB202", "RB203", "RB204", "RB205", "RB206")
CLEAN = "import torch.nn as nn\n\nblock = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8))\n"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(MODEL)
    return tmp_path


# ---------------------------------------------------------------- exit statuses and outputs

def test_text_output_and_exit_status_one(project: Path) -> None:
    result = run("check", cwd=project)
    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        f"model.py:5:5: {CONV} [unsafe fix]\n"
        f"model.py:9:13: {ADAMW}\n"
        "Found 2 findings (1 fixable with --fix --unsafe-fixes).\n"
    )
    assert result.stderr == ""


def test_python_m_is_the_same_command(project: Path) -> None:
    assert run("check", "--no-cache", cwd=project, module=True).stdout == run("check", "--no-cache", cwd=project).stdout


def test_exit_status_zero_when_clean_or_asked(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text(CLEAN)
    (tmp_path / "plain.py").write_text("print('no framework here')\n")
    result = run("check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "No findings in 2 files.\n", "")
    (tmp_path / "model.py").write_text(MODEL)
    assert run("check", "--exit-zero", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--select", "E501"], "--select: 'E501' selects no rule"),
        (["--ignore", "rb1"], "--ignore: 'rb1' selects no rule"),
        (["--norms", "BatchNorm"], "--norms: 'BatchNorm' is not a dotted import path"),
        (["--norms", "torch.nn.Conv2d"], "'torch.nn.Conv2d' names a built-in row"),
        (["--follow-imports", "maybe"], "--follow-imports: 'maybe' is not true or false"),
        (["--jobs", "0"], "argument --jobs/-j: '0': give 1 or more processes (see redundant-bias check --help)"),
        (["--jobs", "-1"], "argument --jobs/-j: '-1': give 1 or more processes"),
        (["--output-format", "xml"], "argument --output-format: invalid choice: 'xml'"),
        (["--statistics", "--output-format", "sarif"], "--statistics is written as text or json, not sarif"),
        (["-", "model.py"], "- (read the code from stdin) cannot be given with other paths"),
        (["--stdin-filename", "x.py"], "--stdin-filename names the code read from stdin: give the path - too"),
        (["--per-file-ignores", "tests/*"], "--per-file-ignores must be PATTERN:CODES pairs"),
        (["--per-file-ignores", "tests/*:RB9"], "--per-file-ignores: 'RB9' selects no rule"),
        (["--select", "RB1", "--ignore", "RB1"], "--select, --ignore: no code is left to report"),
        (["missing.py"], "missing.py: no such file or folder"),
        (["--config", "nowhere.toml"], "--config: nowhere.toml: no such file"),
        (["--unsafe-fixes"], "--unsafe-fixes applies the unsafe fixes: give --fix or --diff too"),
        (["--show-fixes", "--statistics"], "--show-fixes is written with the text findings, not with --statistics"),
        (["--show-fixes", "--output-format", "json"], "--show-fixes is written with the text findings, not with "
                                                      "--output-format json"),
    ],
)
def test_usage_errors_exit_two_with_one_line(project: Path, args: list[str], message: str) -> None:
    result = run("check", *args, cwd=project)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("redundant-bias: error: ") and message in lines[0], result.stderr


def test_json_output(project: Path) -> None:
    result = run("check", "--output-format", "json", cwd=project)
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "code": "RB101",
            "message": CONV.partition(" ")[2],
            "filename": "model.py",
            "location": {"row": 5, "column": 5},
            "end_location": {"row": 5, "column": 23},
            "wasted_parameters": 8,
            "fix": {
                "applicability": "unsafe",
                "message": "pass bias=False",
                "edits": [
                    {"content": ", bias=False", "location": {"row": 5, "column": 22}, "end_location": {"row": 5, "column": 22}},
                ],
            },
        },
        {
            "code": "RB201",
            "message": ADAMW.partition(" ")[2],
            "filename": "model.py",
            "location": {"row": 9, "column": 13},
            "end_location": {"row": 9, "column": 50},
            "wasted_parameters": None,
            "fix": None,
        },
    ]


def test_sarif_output_is_valid_sarif_2_1_0(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    result = run("check", "--output-format", "sarif", cwd=project)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(document)
    (run_,) = document["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(ALL_CODES)
    first, second = run_["results"]
    assert (first["ruleId"], rules[first["ruleIndex"]]["id"], second["ruleId"]) == ("RB101", "RB101", "RB201")
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": project.as_uri() + "/"}}
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "model.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 23},
    }
    (change,) = first["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 5, "startColumn": 22, "endLine": 5, "endColumn": 22},
        "insertedContent": {"text": ", bias=False"},
    }]
    assert "fixes" not in second
    assert run_["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_sarif_records_a_file_it_could_not_check(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    (project / "broken.py").write_text("import torch.nn as nn\ndef (:\n")
    result = run("check", "--output-format", "sarif", cwd=project)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(document)
    assert document["runs"][0]["invocations"] == [{"executionSuccessful": False, "toolExecutionNotifications": [{
        "level": "error", "message": {"text": "broken.py: cannot parse: invalid syntax (line 2, column 5)"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "broken.py", "uriBaseId": "%SRCROOT%"}}}],
    }]}]


def test_a_broken_sarif_document_fails_the_schema() -> None:
    """The schema check can fail: a result without its message is refused."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "RB101"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(broken)


def test_github_annotations(project: Path) -> None:
    result = run("check", "--output-format", "github", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        f"::warning file=model.py,line=5,col=5,endLine=5,endColumn=23,title=redundant-bias RB101::{CONV}\n"
        f"::warning file=model.py,line=9,col=13,endLine=9,endColumn=50,title=redundant-bias RB201::{ADAMW}\n"
    )


def test_statistics_count_codes_and_wasted_parameters(project: Path) -> None:
    result = run("check", "--statistics", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "    1  RB101  a PyTorch convolution/linear layer whose bias the normalization after it cancels (8 wasted parameters)\n"
        "    1  RB201  an optimizer that applies weight decay to every parameter of a module, biases and norms included\n"
        "    2  total; 8 wasted parameters where the size is known\n"
    )


def test_statistics_say_one_wasted_parameter(tmp_path: Path) -> None:
    (tmp_path / "gate.py").write_text(
        "import torch.nn as nn\n\ngate = nn.Sequential(nn.Conv2d(8, 1, 1), nn.BatchNorm2d(1), nn.Sigmoid())\n",
    )
    result = run("check", "--statistics", "--isolated", cwd=tmp_path)
    assert result.stdout == (
        "    1  RB101  a PyTorch convolution/linear layer whose bias the normalization after it cancels (1 wasted parameter)\n"
        "    1  total; 1 wasted parameter where the size is known\n"
    )


def test_show_fixes_prints_each_fix_and_the_parameter_groups_to_write(project: Path) -> None:
    result = run("check", "--show-fixes", cwd=project)
    findings, fix, groups = result.stdout.split("\n\n", 2)
    assert findings == f"model.py:5:5: {CONV} [unsafe fix]\nmodel.py:9:13: {ADAMW}"
    assert fix == (
        "model.py:5:5: RB101 pass bias=False (unsafe: --fix --unsafe-fixes)\n"
        "  5 -     nn.Conv2d(3, 8, 3),  # a comment kept\n"
        "  5 +     nn.Conv2d(3, 8, 3, bias=False),  # a comment kept"
    )
    assert groups.startswith(
        "RB201 has no automatic fix; the rule's example of the code to write (keep your own model, values and "
        "arguments):\n\n    import torch\n"
    )
    assert '[{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-4' in groups
    assert groups.endswith("\nFound 2 findings (1 fixable with --fix --unsafe-fixes).\n")


def test_statistics_as_json(project: Path) -> None:
    result = run("check", "--statistics", "--output-format", "json", cwd=project)
    assert (result.returncode, result.stderr) == (1, "")
    assert json.loads(result.stdout) == [
        {"code": "RB101", "summary": CATALOGUE["RB101"].summary, "count": 1, "fixable": 1, "wasted_parameters": 8},
        {"code": "RB201", "summary": CATALOGUE["RB201"].summary, "count": 1, "fixable": 0, "wasted_parameters": None},
    ]
    clean = run("check", "--statistics", "--output-format", "json", "--select", "RB205", cwd=project)
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])


def test_help_says_what_fix_does_the_formats_and_the_exit_statuses(tmp_path: Path) -> None:
    result = run("check", "--help", cwd=tmp_path)
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert "--fix apply the fixes in place; every fix today is unsafe" in text
    assert "so --fix alone says how many --unsafe-fixes would apply" in text
    for format in ("text PATH:LINE:COLUMN: CODE message", "json a list of findings", "sarif SARIF 2.1.0", "github GitHub"):
        assert format in text
    for status in ("0 no findings", "1 findings, or a file that could not be checked", "2 a usage or configuration error"):
        assert status in text
    assert "exit status: 0 no findings" in " ".join(run("--help", cwd=tmp_path).stdout.split())
    explain = " ".join(run("explain", "--help", cwd=tmp_path).stdout.split())
    assert "CODE a rule's code, such as RB101 (any case)" in explain
    wrong = run("--colour", cwd=tmp_path)
    assert (wrong.returncode, wrong.stderr) == (
        2, "redundant-bias: error: unrecognized arguments: --colour (see redundant-bias --help)\n",
    )


# ---------------------------------------------------------------- choosing codes, noqa, files

def test_select_ignore_and_extend_select(project: Path) -> None:
    def codes(*args: str) -> list[str]:
        result = run("check", "--output-format", "json", *args, cwd=project)
        return [finding["code"] for finding in json.loads(result.stdout)]

    assert codes("--select", "RB2") == ["RB201"]
    assert codes("--ignore", "RB2") == ["RB101"]
    assert codes("--select", "RB", "--ignore", "RB1") == ["RB201"]
    assert codes("--select", "RB1", "--extend-select", "RB201") == ["RB101", "RB201"]
    assert codes("--select", "RB101", "--ignore", "RB1") == ["RB101"]  # the longer prefix wins


def _tree(root: Path, files: list[str]) -> None:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(CLEAN.replace(", bias=False", ""))


def _linted(root: Path, *args: str) -> list[str]:
    result = run("check", "--no-cache", "--output-format", "json", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return sorted({finding["filename"] for finding in json.loads(result.stdout)})


def test_walk_honours_gitignore_and_the_usual_excludes(tmp_path: Path) -> None:
    _tree(tmp_path, [
        "pkg/model.py", "pkg/gen_one.py", "pkg/gen_keep.py", "pkg/data/big.py", "pkg/sub/local.py", "pkg/sub/other.py",
        "venv/lib/model.py", ".tox/x.py", "build/lib/model.py", "node_modules/x.py", "notes.txt",
    ])
    (tmp_path / ".git").mkdir()  # the repository's root: ignore files above it are not read
    (tmp_path / ".gitignore").write_text("gen_*.py\n!gen_keep.py\ndata/\n")
    (tmp_path / "pkg" / "sub" / ".gitignore").write_text("local.py\n")
    assert _linted(tmp_path) == ["pkg/gen_keep.py", "pkg/model.py", "pkg/sub/other.py"]
    # The ignore files above the folder asked for apply too, as in git.
    assert _linted(tmp_path / "pkg") == ["gen_keep.py", "model.py", "sub/other.py"]
    assert _linted(tmp_path, "--extend-exclude", "other.py,pkg/gen_keep.py") == ["pkg/model.py"]
    # --exclude replaces the defaults: venv and build are linted then.
    assert _linted(tmp_path, "--exclude", ".tox,node_modules") == [
        "build/lib/model.py", "pkg/gen_keep.py", "pkg/model.py", "pkg/sub/other.py", "venv/lib/model.py",
    ]
    # A file named on the command line is linted unless an exclude pattern says no (pre-commit names files).
    assert _linted(tmp_path, "pkg/gen_one.py", "venv/lib/model.py") == ["pkg/gen_one.py"]


# ---------------------------------------------------------------- configuration

def test_pyproject_configuration(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(
        "from mylib.layers import ConvBlock, MyNorm\n"
        "import torch.nn as nn\n\n"
        "a = nn.Sequential(ConvBlock(3, 8), MyNorm(8))\n"
        "b = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        "[tool.redundant-bias]\n"
        'producers = ["mylib.layers.ConvBlock:use_bias@3"]\n'
        'redundant-bias-norms = "mylib.layers.MyNorm"\n'
        'extend-select = ["RB101"]\n'
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    assert _rows(run("check", "model.py", cwd=tmp_path)) == [4, 5]
    assert _rows(run("check", "../model.py", cwd=sub)) == [4, 5]  # found from a folder below
    assert _rows(run("check", "--isolated", "model.py", cwd=tmp_path)) == [5]
    (tmp_path / "pyproject.toml").write_text('[tool.redundant-bias]\nignore = ["RB101"]\n')
    assert _rows(run("check", "model.py", cwd=tmp_path)) == []
    assert _rows(run("check", "--ignore", "RB2", "model.py", cwd=tmp_path)) == [5]  # the command line wins


def _rows(result: subprocess.CompletedProcess) -> list[int]:
    assert result.returncode in (0, 1), result.stderr
    return [int(line.split(":")[1]) for line in result.stdout.splitlines() if line.startswith(("model.py", "../model.py"))]


@pytest.mark.parametrize(
    "table, message",
    [
        ('[tool.redundant-bias]\nnorm = ["x.Y"]\n', "[tool.redundant-bias] has no key 'norm' (did you mean norms?)"),
        ("[tool.redundant-bias]\nselect = 3\n", "select must be a list of strings"),
        ('[tool.redundant-bias]\nnorms = ["BatchNorm"]\n', "'BatchNorm' is not a dotted import path"),
        ("[tool.redundant-bias\n", "not valid TOML"),
    ],
)
def test_bad_pyproject_exits_two(project: Path, table: str, message: str) -> None:
    (project / "pyproject.toml").write_text(table)
    result = run("check", "--config", "pyproject.toml", cwd=project)
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr


# ---------------------------------------------------------------- the cache

def test_cache_reused_and_invalidated(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.redundant-bias]\n")
    (tmp_path / "settings.py").write_text("USE_BIAS = True\n")
    (tmp_path / "model.py").write_text(
        "import torch.nn as nn\nfrom settings import USE_BIAS\n\n"
        "block = nn.Sequential(nn.Conv2d(3, 8, 3, bias=USE_BIAS), nn.BatchNorm2d(8))\n"
    )
    first = run("check", "model.py", cwd=tmp_path)
    assert _rows(first) == [4]
    (cached,) = (tmp_path / ".redundant_bias_cache").glob("results-*.json")
    assert (tmp_path / ".redundant_bias_cache" / ".gitignore").read_text().endswith("*\n")
    # A warm run answers from the cache: a message planted there is what it prints.
    entries = json.loads(cached.read_text())
    (entry,) = [value for key, value in entries.items() if key.endswith("model.py")]
    entry["findings"][0][1] = "planted in the cache"
    cached.write_text(json.dumps(entries))
    assert run("check", "model.py", cwd=tmp_path).stdout.startswith("model.py:4:23: RB101 planted in the cache")
    # Another module the analysis read changes: the entry is stale.
    (tmp_path / "settings.py").write_text("USE_BIAS = False  # changed\n")
    assert _rows(run("check", "model.py", cwd=tmp_path)) == []
    # The file itself changes: checked again.
    (tmp_path / "model.py").write_text(MODEL)
    assert _rows(run("check", "model.py", cwd=tmp_path)) == [5, 9]
    # Another configuration has its own results.
    assert _rows(run("check", "--norms", "mylib.Norm", "model.py", cwd=tmp_path)) == [5, 9]
    assert len(list((tmp_path / ".redundant_bias_cache").glob("results-*.json"))) == 2


def test_no_cache_writes_nothing(project: Path) -> None:
    run("check", "--no-cache", cwd=project)
    assert not (project / ".redundant_bias_cache").exists()


def test_processes_agree_with_one(tmp_path: Path) -> None:
    for number in range(40):
        (tmp_path / f"model_{number:02}.py").write_text(MODEL if number % 3 else CLEAN)
    serial = run("check", "--no-cache", "--jobs", "1", cwd=tmp_path)
    parallel = run("check", "--no-cache", "--jobs", "2", cwd=tmp_path)
    assert parallel.returncode == serial.returncode == 1
    assert parallel.stdout == serial.stdout
    assert serial.stdout.count("RB101") == 26


def test_a_file_that_does_not_parse_is_named_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import torch.nn as nn\ndef (:\n")
    (tmp_path / "model.py").write_text(MODEL)
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "broken.py: cannot parse: invalid syntax (line 2, column 5)\n"
    assert _rows(result) == [5, 9]
    assert result.stdout.endswith("Found 2 findings (1 fixable with --fix --unsafe-fixes) (1 file could not be checked).\n")


def test_a_file_of_python_3_6_is_named_with_the_word_that_stops_it(tmp_path: Path) -> None:
    # bearpaw/pytorch-classification's training scripts: ``targets.cuda(async=True)``, valid before Python 3.7.
    (tmp_path / "train.py").write_text("import torch\nx = torch.zeros(1)\ny = x.cuda(async=True)\n")
    (tmp_path / "old.py").write_text("import torch\nx = torch.zeros(1).cuda(async=True)\n")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "old.py: cannot parse: invalid syntax (line 2, column 25: `async` is a reserved word since Python 3.7)",
        "train.py: cannot parse: invalid syntax (line 3, column 12: `async` is a reserved word since Python 3.7)",
    ]
    assert result.stdout == "No findings: none of the 2 files could be checked.\n"


def test_a_null_byte_is_named_without_a_line(tmp_path: Path) -> None:
    (tmp_path / "nul.py").write_bytes(b"import torch\nx = 1\0\n")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1  # as flake8's E999: a file that could not be checked fails the run
    assert run("check", "--exit-zero", cwd=tmp_path).returncode == 0
    assert result.stderr == "nul.py: cannot parse: source code string cannot contain null bytes\n"
    assert result.stdout == "No findings: the file could not be checked.\n"


# ---------------------------------------------------------------- fixes

def test_fix_alone_says_once_that_every_fix_it_has_is_unsafe(project: Path) -> None:
    result = run("check", "--fix", cwd=project)
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == (
        f"model.py:5:5: {CONV} [unsafe fix]\nmodel.py:9:13: {ADAMW}\n"
        "Found 2 findings (0 fixed, 2 remaining).\n1 fix available with --unsafe-fixes.\n"
    )
    assert (project / "model.py").read_text() == MODEL
    as_json = run("check", "--fix", "--output-format", "json", cwd=project)
    assert len(json.loads(as_json.stdout)) == 2 and as_json.stderr == "1 fix available with --unsafe-fixes.\n"


def test_diff_shows_without_writing(project: Path) -> None:
    result = run("check", "--diff", "--unsafe-fixes", cwd=project)
    assert result.returncode == 1
    assert result.stdout == (
        "--- a/model.py\n+++ b/model.py\n@@ -2,7 +2,7 @@\n import torch.nn as nn\n \n block = nn.Sequential(\n"
        "-    nn.Conv2d(3, 8, 3),  # a comment kept\n+    nn.Conv2d(3, 8, 3, bias=False),  # a comment kept\n"
        "     nn.BatchNorm2d(8),\n )\n quiet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa: RB101\n"
    )
    assert (project / "model.py").read_text() == MODEL
    absolute = run("check", "--diff", "--unsafe-fixes", str(project / "model.py"), cwd=project)
    shown = str(project / "model.py").lstrip("/")
    assert absolute.stdout.splitlines()[:2] == [f"--- a/{shown}", f"+++ b/{shown}"]  # one slash, as patch -p1 reads it
    nothing = run("check", "--diff", cwd=project)  # safe fixes only: none for a bias
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (0, "", "1 fix available with --unsafe-fixes.\n")


def test_unsafe_fix_writes_and_is_idempotent(project: Path) -> None:
    result = run("check", "--fix", "--unsafe-fixes", cwd=project)
    assert result.returncode == 1  # RB201 is left: it has no automatic fix
    assert result.stdout == f"model.py:9:13: {ADAMW}\nFound 2 findings (1 fixed, 1 remaining).\n"
    assert result.stderr == "model.py: fixed 1 finding\n"
    fixed = MODEL.replace("nn.Conv2d(3, 8, 3),  # a comment kept", "nn.Conv2d(3, 8, 3, bias=False),  # a comment kept")
    assert (project / "model.py").read_text() == fixed
    again = run("check", "--fix", "--unsafe-fixes", cwd=project)
    assert (again.returncode, again.stderr) == (1, "")
    assert (project / "model.py").read_text() == fixed


def test_fix_keeps_the_file_encoding_and_line_endings(tmp_path: Path) -> None:
    source = (
        "# -*- coding: latin-1 -*-\r\nimport torch.nn as nn\r\n\r\n"
        "# caf\xe9\r\nb = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))\r\n"
    )
    (tmp_path / "model.py").write_bytes(source.encode("latin-1"))
    run("check", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert (tmp_path / "model.py").read_bytes() == source.replace("3, 8, 3)", "3, 8, 3, bias=False)").encode("latin-1")


def test_fix_through_a_helper_of_another_module(tmp_path: Path) -> None:
    """The helper lives in the project's layers.py: the edit is at this file's call, the helper is untouched."""
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    layers = (
        "import torch.nn as nn\n\n\ndef conv3x3(cin, cout, stride=1, bias=True):\n"
        "    return nn.Conv2d(cin, cout, 3, stride, 1, bias=bias)\n\n\n"
        "def conv_any(*args, **kwargs):\n    return nn.Conv2d(*args, **kwargs)\n"
    )
    (package / "layers.py").write_text(layers)
    (package / "model.py").write_text(
        "import torch.nn as nn\n\nfrom .layers import conv3x3, conv_any\n\n"
        "a = nn.Sequential(conv3x3(3, 8), nn.BatchNorm2d(8))\n"
        "b = nn.Sequential(conv_any(3, 8, 3), nn.BatchNorm2d(8))\n"
        "c = nn.Sequential(conv3x3(3, 8, 1, True), nn.BatchNorm2d(8))\n"
    )
    result = run("check", "--no-cache", "--fix", "--unsafe-fixes", "pkg", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "pkg/model.py: fixed 3 findings\n")
    assert (package / "model.py").read_text().splitlines()[4:] == [
        "a = nn.Sequential(conv3x3(3, 8, bias=False), nn.BatchNorm2d(8))",
        "b = nn.Sequential(conv_any(3, 8, 3, bias=False), nn.BatchNorm2d(8))",
        "c = nn.Sequential(conv3x3(3, 8, 1, False), nn.BatchNorm2d(8))",
    ]
    assert (package / "layers.py").read_text() == layers


def _apply(text: str, edits: list[dict]) -> str:
    """The JSON output's edits applied by hand, last first: what a fix may change and nothing else.  Two findings
    one edit fixes (the convs a block builds by branch, switched off in one place of its call) give it once."""
    lines = text.splitlines(keepends=True)
    edits = list({json.dumps(edit, sort_keys=True): edit for edit in edits}.values())
    for edit in sorted(edits, key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True):
        start, end = edit["location"], edit["end_location"]
        head = lines[start["row"] - 1][: start["column"] - 1]
        tail = lines[end["row"] - 1][end["column"] - 1:]
        lines[start["row"] - 1: end["row"]] = [head + edit["content"] + tail]
    return "".join(lines)


# Findings without a fix in the corpus, and why: ConvLayer's conv has no bias parameter, and the
# class is also used where no norm follows (conv2 = ConvLayer(...), then a residual addition);
# ConvNorm assigns its bias parameter again (``if bias is None: bias = ...``), so the value a call
# passes (also through Conv2dNormActivation) is not the only one the conv may get; ConvNormSlot,
# conv_norm, SlotStage, Embed and NormParameterOverridden take the norm from their caller but have no bias parameter
# for the call to pass; nor do torchvision_blocks.py's Residual and residual, whose bias=True is written inside,
# or bias_readers.py's Generator and Looped and lists.py's InitialisedInPlace tail, whose initializers read their
# convs' bias without checking for None,
# or flag_norms.py's ChosenTwoWays and block_branches.py's StringNormApplied; tuple_switches.py's SharedPair switches
# both its layers with one parameter, and its helper reads its bias from a tuple default.
UNFIXABLE = [
    ("bias_readers.py", 19), ("bias_readers.py", 29),
    ("block_branches.py", 152),
    ("blocks.py", 42), ("blocks.py", 43), ("blocks.py", 151), ("blocks.py", 186), ("blocks.py", 187), ("blocks.py", 191),
    ("blocks.py", 214), ("blocks.py", 215), ("blocks.py", 240), ("blocks.py", 243), ("blocks.py", 244),
    ("branch_lists.py", 24), ("branch_lists.py", 212),
    ("chosen_blocks.py", 46), ("chosen_blocks.py", 56), ("chosen_blocks.py", 93),
    ("class_steps.py", 100), ("class_steps.py", 275), ("class_steps.py", 331), ("class_steps.py", 469), ("class_steps.py", 472),
    ("flag_norms.py", 281), ("flag_norms.py", 367),
    ("helpers.py", 46), ("helpers.py", 138), ("layer_flow.py", 96), ("layer_flow.py", 170), ("lists.py", 317),
    ("norm_lookups_tested.py", 73), ("norm_lookups_tested.py", 134),
    ("openmmlab.py", 158), ("openmmlab.py", 182), ("optional_norms.py", 49), ("subclass_callers.py", 43),
    ("torchvision_blocks.py", 26), ("torchvision_blocks.py", 34), ("torchvision_blocks.py", 42),
    ("torchvision_blocks.py", 79), ("torchvision_blocks.py", 79), ("torchvision_blocks.py", 83),
    ("torchvision_blocks.py", 124), ("tuple_switches.py", 53), ("tuple_switches.py", 61),
]


def test_round_trip_on_every_positive_bias_case(tmp_path: Path) -> None:
    """After --fix --unsafe-fixes no RB1xx is left (but the one documented above), each file
    compiles, differs from the original by exactly the edits the findings gave, and is its golden
    (``lists.py`` -> ``lists.fixed.py``, beside it: a golden for each file the fix changes)."""
    cases = tmp_path / "cases"
    cases.mkdir()
    for path in case_files():
        shutil.copy(path, cases / path.name)
    before = json.loads(run("check", "--no-cache", "--select", "RB1", "--output-format", "json", cwd=cases).stdout)
    expected = {(path.name, number) for path in case_files()
                for number, line in enumerate(path.read_text().splitlines(), 1) if re.search(r"expect:.*RB1", line)}
    assert {(f["filename"], f["location"]["row"]) for f in before} == expected
    assert [(f["filename"], f["location"]["row"]) for f in before if f["fix"] is None] == UNFIXABLE
    result = run("check", "--no-cache", "--select", "RB1", "--fix", "--unsafe-fixes", cwd=cases)
    assert result.returncode == 1 and "fixed" in result.stderr
    after = json.loads(run("check", "--no-cache", "--select", "RB1", "--output-format", "json", cwd=cases).stdout)
    assert [(f["filename"], f["location"]["row"]) for f in after] == UNFIXABLE
    changed = set()
    for original in case_files():
        fixed = cases / original.name
        py_compile.compile(str(fixed), cfile=str(tmp_path / "out.pyc"), doraise=True)
        edits = [edit for f in before if f["filename"] == original.name and f["fix"] for edit in f["fix"]["edits"]]
        assert fixed.read_text() == _apply(original.read_text(), edits), original.name
        golden = CASES / (original.name[:-3] + FIXED)
        if fixed.read_text() != original.read_text():
            changed.add(golden.name)
            assert golden.is_file() and fixed.read_text() == golden.read_text(), golden.name
    assert {path.name for path in CASES.glob("*" + FIXED)} == changed
    once = {path.name: path.read_text() for path in cases.glob("*.py")}
    again = run("check", "--no-cache", "--select", "RB1", "--fix", "--unsafe-fixes", cwd=cases)
    assert again.stderr == ""
    assert {path.name: path.read_text() for path in cases.glob("*.py")} == once


# ---------------------------------------------------------------- rule pages

def test_explain_prints_the_rule_page(tmp_path: Path) -> None:
    result = run("explain", "rb101", cwd=tmp_path)
    assert result.returncode == 0
    page = result.stdout
    assert page.startswith("RB101: a PyTorch convolution/linear layer whose bias the normalization after it cancels\n")
    for heading in ("What it reports", "Why", "Reported", "Right", "Fix", "Silence it"):
        assert f"\n{heading}\n{'-' * len(heading)}\n" in page
    assert "    nn.Conv2d(64, 128, 3, padding=1, bias=False)," in page
    assert "load_state_dict(strict=True)" in page and "# noqa: RB101" in page


def test_rule_all_and_unknown_codes(tmp_path: Path) -> None:
    every = run("rule", "--all", "--output-format", "json", cwd=tmp_path)
    pages = json.loads(every.stdout)
    assert [page["code"] for page in pages] == list(ALL_CODES)
    assert [page["fix"] for page in pages] == ["unsafe"] * 4 + [None] * 6
    text = run("rule", "--all", cwd=tmp_path).stdout
    assert [line[:5] for line in text.splitlines() if re.match(r"RB\d{3}: ", line)] == [page["code"] for page in pages]
    unknown = run("explain", "RB999", cwd=tmp_path)
    assert unknown.returncode == 2 and "no rule 'RB999'" in unknown.stderr


def test_internal_errors_are_counted_and_reported(project: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """The command names each contained error; the plugin stays silent (see test_flake8)."""
    from flake8_redundant_bias import containment
    from flake8_redundant_bias.adapters.command import cli
    from flake8_redundant_bias.rules import bias_before_norm

    def broken(self, model, chains, reported):
        raise KeyError("boom")
        yield

    monkeypatch.setattr(containment, "STRICT", False)
    monkeypatch.setattr(bias_before_norm.BiasBeforeNorm, "_chains", broken)
    monkeypatch.chdir(project)
    status = cli.main(["check", "--no-cache", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert status == 1 and "RB201" in out and "RB101" not in out
    first, second = err.splitlines()
    units = int(first.split()[1])  # each chain is a unit: each loses its findings alone
    assert first == (
        f"redundant-bias: {units} internal errors in 1 file, contained (their findings may be incomplete; please report):"
    )
    assert re.fullmatch(rf"  model\.py: KeyError: 'boom' \(containment\.py:\d+\) \({units} times\)", second), second


def test_console_script_is_installed() -> None:
    assert os.access(SCRIPT, os.X_OK), "pip install -e '.[test]' installs the redundant-bias script beside python"


# ---------------------------------------------------------------- stdin, for editors and tools that pipe

def test_stdin_is_checked_as_the_file_it_stands_for(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text('[tool.redundant-bias]\nignore = ["RB2"]\n')
    named = run("check", "-", "--stdin-filename", "pkg/model.py", cwd=tmp_path, stdin=MODEL)
    assert named.returncode == 1, named.stderr
    assert named.stdout == f"pkg/model.py:5:5: {CONV} [unsafe fix]\nFound 1 finding (1 fixable with --fix --unsafe-fixes).\n"
    unnamed = run("check", "-", "--output-format", "json", cwd=tmp_path, stdin=MODEL)
    assert [(f["filename"], f["code"]) for f in json.loads(unnamed.stdout)] == [("-", "RB101"), ("-", "RB201")]
    assert run("check", "-", cwd=tmp_path, stdin=CLEAN).stdout == "No findings in 1 file.\n"


def test_stdin_fix_writes_the_fixed_code_and_the_findings_left_to_stderr(tmp_path: Path) -> None:
    result = run("check", "-", "--stdin-filename", "model.py", "--fix", "--unsafe-fixes", cwd=tmp_path, stdin=MODEL)
    assert result.returncode == 1
    assert result.stdout == MODEL.replace("nn.Conv2d(3, 8, 3),  #", "nn.Conv2d(3, 8, 3, bias=False),  #")
    assert result.stderr == f"model.py:9:13: {ADAMW}\n"
    unchanged = run("check", "-", "--fix", cwd=tmp_path, stdin=MODEL)  # the bias fix is unsafe: the code as it came
    assert (unchanged.returncode, unchanged.stdout) == (1, MODEL)
    assert unchanged.stderr.endswith("1 fix available with --unsafe-fixes.\n")
    diff = run("check", "-", "--diff", "--unsafe-fixes", cwd=tmp_path, stdin=MODEL)
    assert diff.returncode == 1 and "+    nn.Conv2d(3, 8, 3, bias=False),  # a comment kept\n" in diff.stdout
