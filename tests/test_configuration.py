"""The command's settings per checked file: the nearest configuration, flake8's own section, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flake8_run import flake8
from flake8_run import redundant_bias as run

MODEL = """\
import mylib
import torch
import torch.nn as nn

block = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
optimizer = torch.optim.AdamW(block.parameters())
custom = nn.Sequential(nn.Conv2d(3, 8, 3), mylib.Shift(8), nn.BatchNorm2d(8))
"""  # mylib.Shift is opaque by default: the third chain is reported only where a project declares it transparent


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def found(root: Path, *args: str) -> list[tuple[str, int, str]]:
    result = run("check", "--no-cache", "--output-format", "json", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return sorted((f["filename"], f["location"]["row"], f["code"]) for f in json.loads(result.stdout))


def test_each_file_takes_its_nearest_configuration(tmp_path: Path) -> None:
    """A monorepo checked from its root: each subproject's pyproject.toml applies to its own files."""
    write(tmp_path, {
        "pyproject.toml": "[tool.redundant-bias]\nignore = [\"RB201\"]\n",
        "root.py": MODEL,
        "vision/pyproject.toml": "[tool.redundant-bias]\nselect = [\"RB2\"]\n",
        "vision/models/net.py": MODEL,
        "vision/setup.cfg": "[metadata]\nname = vision\n",  # no [flake8]: not a configuration
        "audio/pyproject.toml": "[project]\nname = \"audio\"\n",  # no table: the search goes on up
        "audio/net.py": MODEL,
    })
    assert found(tmp_path) == [("audio/net.py", 5, "RB101"), ("root.py", 5, "RB101"), ("vision/models/net.py", 6, "RB201")]
    # From inside the subproject, and with the file named: the same configuration.
    assert found(tmp_path / "vision", "models/net.py") == [("models/net.py", 6, "RB201")]
    # The command line wins over every file; --isolated reads none; --config names one for all.
    assert found(tmp_path, "--select", "RB", "--ignore", "RB1") == [
        ("audio/net.py", 6, "RB201"), ("root.py", 6, "RB201"), ("vision/models/net.py", 6, "RB201"),
    ]
    assert len(found(tmp_path, "--isolated")) == 6
    assert found(tmp_path, "--config", "vision/pyproject.toml", "root.py") == [("root.py", 6, "RB201")]


def test_show_settings_says_which_configuration_applies_and_why(tmp_path: Path) -> None:
    write(tmp_path, {
        "vision/pyproject.toml": "[tool.redundant-bias]\nselect = [\"RB2\"]\ntransparent = \"mylib.Shift\"\n",
        "vision/setup.cfg": "[flake8]\nredundant-bias-transparent = other.Shift\nper-file-ignores = net.py:RB201,E501\n",
        "vision/net.py": MODEL,
    })
    result = run("check", "--show-settings", "--extend-ignore", "RB203", "vision/net.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "vision/net.py\n"
        "  configuration: vision/setup.cfg, vision/pyproject.toml\n"
        "  codes reported here: RB202, RB204, RB205, RB206\n"
        "  producers = (none)  # default\n"
        "  norms = (none)  # default\n"
        "  transparent = mylib.Shift  # vision/pyproject.toml: [tool.redundant-bias] transparent\n"
        "  follow-imports = true  # default\n"
        "  select = RB2  # vision/pyproject.toml: [tool.redundant-bias] select\n"
        "  extend-select = (none)  # default\n"
        "  ignore = (none)  # default\n"
        "  extend-ignore = RB203  # --extend-ignore\n"
        "  per-file-ignores = net.py:RB201  # vision/setup.cfg: [flake8] per-file-ignores\n"
        "  exclude = (the usual folders)  # default\n"
        "  extend-exclude = (none)  # default\n"
        "  respect-gitignore = true  # default\n"
    )
    missing = run("check", "--show-settings", "vision/nothing.py", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (2, "redundant-bias: error: vision/nothing.py: no such file or folder\n")


FLAKE8_SECTION = """\
[flake8]
max-line-length = 120
extend-ignore = E203,RB201
per-file-ignores =
    legacy/*.py: RB101, E501
redundant-bias-transparent =
    mylib.Shift
"""


@pytest.mark.parametrize("name", ["setup.cfg", "tox.ini", ".flake8"])
def test_the_plugin_settings_in_flake8s_section_are_read_as_flake8_reads_them(tmp_path: Path, name: str) -> None:
    write(tmp_path, {name: FLAKE8_SECTION, "model.py": MODEL, "legacy/old.py": MODEL})
    ours = found(tmp_path)
    assert ours == [("model.py", 5, "RB101"), ("model.py", 7, "RB101")]
    shown = flake8("--select", "RB", "--extend-ignore", "E203,RB201", ".", cwd=tmp_path).stdout
    theirs = flake8(".", cwd=tmp_path).stdout.splitlines()
    assert sorted((line.split(":")[0][2:], int(line.split(":")[1]), line.split(": ")[1][:5]) for line in theirs) == ours
    assert shown  # flake8 read the section: the transparent row reports line 6 there too
    assert "model.py:7:" in shown


def test_a_flake8_select_without_rb_is_refused_not_silently_followed(tmp_path: Path) -> None:
    write(tmp_path, {"setup.cfg": "[flake8]\nselect = E,W,F\n", "model.py": MODEL})
    assert "RB" not in flake8(".", cwd=tmp_path).stdout  # flake8 reports none of the plugin's findings
    result = run("check", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "redundant-bias: error: setup.cfg: [flake8] select = E,W,F selects no RB code: flake8 reports none of this "
        "plugin's findings, and this command would report nothing; add RB to it, or set select in "
        "[tool.redundant-bias] (read first)\n"
    )
    (tmp_path / "pyproject.toml").write_text("[tool.redundant-bias]\nselect = [\"RB1\"]\n")
    assert found(tmp_path) == [("model.py", 5, "RB101")]
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "setup.cfg").write_text("[flake8]\nselect = E,W,F,RB2\n")
    assert found(tmp_path) == [("model.py", 6, "RB201")]


@pytest.mark.parametrize(
    "files, message",
    [
        ({"pyproject.toml": '[tool.redundant-bias]\nrespect-gitignore = "yes"\n'},
         "pyproject.toml: [tool.redundant-bias] respect-gitignore must be true or false (a TOML boolean), not 'yes'"),
        ({"sub/pyproject.toml": "[tool.redundant-bias]\nredundant-bias-follow-imports = 1\n"},
         "sub/pyproject.toml: [tool.redundant-bias] redundant-bias-follow-imports must be true or false "
         "(a TOML boolean), not 1"),
        ({"pyproject.toml": '[tool.redundant-bias]\nnorms = ["BatchNorm"]\n'},
         "pyproject.toml: [tool.redundant-bias] norms: 'BatchNorm' is not a dotted import path"),
        ({"pyproject.toml": '[tool.redundant-bias.per-file-ignores]\n"tests/*" = 3\n'},
         "pyproject.toml: [tool.redundant-bias] per-file-ignores 'tests/*' must be a list of codes"),
        ({"pyproject.toml": '[tool.redundant-bias.per-file-ignores]\n"tests/*" = ["RB7"]\n'},
         "pyproject.toml: [tool.redundant-bias] per-file-ignores: 'RB7' selects no rule"),
        ({"setup.cfg": "[flake8]\nredundant-bias-follow-imports = maybe\n"},
         "setup.cfg: [flake8] redundant-bias-follow-imports: 'maybe' is not true or false"),
        ({"setup.cfg": "[flake8]\nredundant_bias_norms = torch.nn.BatchNorm2d\n"},
         "setup.cfg: [flake8] redundant_bias_norms: 'torch.nn.BatchNorm2d' names a built-in row"),
        ({"tox.ini": "[flake8\n"}, "tox.ini: not a valid configuration file"),
        ({"setup.cfg": "[flake8]\nredundant-bias-norm = mylib.Norm\n"},
         "setup.cfg: [flake8] has no key 'redundant-bias-norm' (did you mean redundant-bias-norms?)\n"),
        ({"pyproject.toml": '[tool.redundant-bias]\ntransparant = ["mylib.Shift"]\n'},
         "pyproject.toml: [tool.redundant-bias] has no key 'transparant' (did you mean transparent?)\n"),
    ],
)
def test_a_wrong_setting_exits_two_naming_it_as_written(tmp_path: Path, files: dict[str, str], message: str) -> None:
    write(tmp_path, {"sub/model.py": MODEL, **files})
    result = run("check", "sub/model.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"redundant-bias: error: {message}") and result.stderr.count("\n") == 1, result.stderr


def test_per_file_ignores_and_extend_ignore(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": '[tool.redundant-bias]\nextend-ignore = ["RB205"]\n'
                          '[tool.redundant-bias.per-file-ignores]\n"tests/*" = ["RB2"]\n"legacy.py" = "RB101"\n',
        "model.py": MODEL, "legacy.py": MODEL, "tests/deep/test_model.py": MODEL,
    })
    assert found(tmp_path) == [
        ("legacy.py", 6, "RB201"), ("model.py", 5, "RB101"), ("model.py", 6, "RB201"), ("tests/deep/test_model.py", 5, "RB101"),
    ]
    # The command line's flake8-style pairs replace the file's; a longer select beats a file's ignore, as in flake8.
    assert found(tmp_path, "--per-file-ignores", "model.py:RB1 tests/*:RB101") == [
        ("legacy.py", 5, "RB101"), ("legacy.py", 6, "RB201"), ("model.py", 6, "RB201"), ("tests/deep/test_model.py", 6, "RB201"),
    ]
    # An explicit RB201 is longer than the ignores of RB2 (the command line's and the tests' own): it is reported.
    assert found(tmp_path, "--extend-select", "RB201", "--ignore", "RB2") == [
        ("legacy.py", 6, "RB201"), ("model.py", 5, "RB101"), ("model.py", 6, "RB201"),
        ("tests/deep/test_model.py", 5, "RB101"), ("tests/deep/test_model.py", 6, "RB201"),
    ]


def test_a_subprojects_excludes_apply_below_it_only(tmp_path: Path) -> None:
    write(tmp_path, {
        "generated/a.py": MODEL, "sub/generated/b.py": MODEL, "sub/kept.py": MODEL,
        "sub/pyproject.toml": '[tool.redundant-bias]\nextend-exclude = ["generated"]\nselect = ["RB101"]\n',
    })
    assert found(tmp_path) == [
        ("generated/a.py", 5, "RB101"), ("generated/a.py", 6, "RB201"), ("sub/kept.py", 5, "RB101"),
    ]


def test_flake8s_implicit_selection_loses_to_any_ignore(tmp_path: Path) -> None:
    write(tmp_path, {"model.py": MODEL})
    assert found(tmp_path, "--ignore", "R", "--extend-select", "RB101") == [("model.py", 5, "RB101")]
    assert found(tmp_path, "--ignore", "RB1") == [("model.py", 6, "RB201")]
