"""The plugin as flake8 runs it: positions, stdin, jobs, noqa, selection, options."""

from __future__ import annotations

import io
import runpy
import sys
import textwrap
from pathlib import Path

import pytest
from flake8_run import CASES, flake8

SOURCE = textwrap.dedent(
    """\
    import torch.nn as nn

    block = nn.Sequential(
        nn.Conv2d(3, 128, 3),
        nn.BatchNorm2d(128),
    )
    quiet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # noqa: RB101
    """
)
MESSAGE = "RB101 Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (128 wasted parameters)"


def test_line_column_and_message_through_a_file(tmp_path: Path) -> None:
    target = tmp_path / "model.py"
    target.write_text(SOURCE)
    result = flake8("--select", "RB", str(target))
    # Column 5: the call starts at offset 4; flake8 itself adds the 1.
    assert result.stdout.splitlines() == [f"{target}:4:5: {MESSAGE}"]
    assert result.returncode == 1


def test_stdin_with_display_name_never_reads_the_disk(tmp_path: Path) -> None:
    missing = tmp_path / "not_on_disk.py"
    result = flake8("--select", "RB", "--stdin-display-name", str(missing), "-", stdin=SOURCE)
    assert result.stdout.splitlines() == [f"{missing}:4:5: {MESSAGE}"]


def test_stdin_unsaved_buffer_differs_from_disk(tmp_path: Path) -> None:
    on_disk = tmp_path / "model.py"
    on_disk.write_text("import torch.nn as nn\n")
    result = flake8("--select", "RB", "--stdin-display-name", str(on_disk), "-", stdin=SOURCE)
    assert result.stdout.splitlines() == [f"{on_disk}:4:5: {MESSAGE}"]


def test_jobs_gives_the_same_findings_as_one_process() -> None:
    one = flake8("--select", "RB", "--jobs", "1", str(CASES))
    two = flake8("--select", "RB", "--jobs", "2", str(CASES))
    assert one.stdout.strip() and sorted(one.stdout.splitlines()) == sorted(two.stdout.splitlines())


def test_extend_select_and_default_selection(tmp_path: Path) -> None:
    target = tmp_path / "model.py"
    target.write_text(SOURCE)
    extended = flake8("--extend-select", "RB1", str(target))
    assert f"{target}:4:5: {MESSAGE}" in extended.stdout.splitlines()
    ignored = flake8("--select", "E", str(target))
    assert "RB101" not in ignored.stdout


def test_files_without_a_framework_are_silent(tmp_path: Path) -> None:
    target = tmp_path / "plain.py"
    target.write_text("class Conv2d:\n    pass\n\n\nx = [Conv2d(), Conv2d()]\n")
    assert flake8("--select", "RB", str(target)).stdout == ""


def test_syntax_errors_are_flake8s_business(tmp_path: Path) -> None:
    target = tmp_path / "broken.py"
    target.write_text("import torch.nn as nn\nnn.Sequential(nn.Conv2d(3, 8, 3)\n")
    result = flake8("--select", "RB,E9", str(target))
    assert "E999" in result.stdout and "Traceback" not in result.stderr


EXTRA = textwrap.dedent(
    """\
    import torch.nn as nn
    from mylib.layers import ConvBlock, MyNorm, Shift

    a = nn.Sequential(nn.Conv2d(3, 8, 3), MyNorm(8))
    b = nn.Sequential(ConvBlock(3, 8), Shift(), nn.BatchNorm2d(8))
    c = nn.Sequential(ConvBlock(3, 8, use_bias=False), nn.BatchNorm2d(8))
    d = nn.Sequential(ConvBlock(3, 8, 3, False), nn.BatchNorm2d(8))
    """
)


def test_options_extend_the_tables(tmp_path: Path) -> None:
    target = tmp_path / "model.py"
    target.write_text(EXTRA)
    result = flake8(
        "--select", "RB", str(target),
        "--redundant-bias-norms", "mylib.layers.MyNorm",
        "--redundant-bias-producers", "mylib.layers.ConvBlock:use_bias@3",
        "--redundant-bias-transparent", "mylib.layers.Shift",
    )
    lines = result.stdout.splitlines()
    assert [line.split(":")[1] for line in lines] == ["4", "5"], result.stdout + result.stderr
    assert lines[0].endswith("RB101 Conv2d bias is cancelled by the MyNorm that follows: pass bias=False (8 wasted parameters)")
    assert lines[1].endswith("RB101 ConvBlock bias is cancelled by the BatchNorm2d that follows: pass use_bias=False")


def test_options_from_a_config_file(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(EXTRA)
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\nselect = RB\nredundant-bias-norms = mylib.layers.MyNorm\n"
        "redundant-bias-producers =\n    mylib.layers.ConvBlock:use_bias@3,\n"
    )
    result = flake8("model.py", cwd=tmp_path)
    assert [line.split(":")[1] for line in result.stdout.splitlines()] == ["4"], result.stdout + result.stderr


@pytest.mark.parametrize(
    "option, value",
    [
        ("--redundant-bias-norms", "not-a-name"),
        ("--redundant-bias-norms", "MyNorm"),
        ("--redundant-bias-producers", "mylib.Conv:bias@x"),
        ("--redundant-bias-producers", "mylib.Conv:bias=yes"),
        ("--redundant-bias-transparent", "mylib..Shift"),
        # A built-in row redefined would silence its findings (norms=torch.nn.Conv2d removed every Conv2d one).
        ("--redundant-bias-norms", "torch.nn.Conv2d"),
        ("--redundant-bias-producers", "torch.nn.BatchNorm2d"),
        ("--redundant-bias-transparent", "torch.nn.BatchNorm2d"),
    ],
)
def test_bad_option_values_give_one_clear_line(tmp_path: Path, option: str, value: str) -> None:
    target = tmp_path / "model.py"
    target.write_text(SOURCE)
    result = flake8("--select", "RB", str(target), f"{option}={value}")
    assert result.returncode == 2  # a usage error, not the status of findings
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and repr(value) in lines[0], result.stderr


def test_bad_config_value_gives_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "model.py").write_text(SOURCE)
    (tmp_path / "setup.cfg").write_text("[flake8]\nredundant-bias-norms = bad-name\n")
    result = flake8("model.py", cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "--redundant-bias-norms: 'bad-name'" in result.stderr


def test_bad_option_in_process_as_an_editor_runs_flake8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """VS Code's flake8 extension runs flake8 with runpy in its own process, stdout and stderr redirected,
    and swallows SystemExit: the message must be written to stderr, and the status must not be 1 (findings)."""
    target = tmp_path / "model.py"
    target.write_text(SOURCE)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "argv", ["flake8", "--isolated", "--select", "RB", "--redundant-bias-norms=BatchNorm", str(target)])
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(SystemExit) as raised:
        runpy.run_module("flake8", run_name="__main__")
    monkeypatch.undo()
    assert raised.value.code == 2
    assert err.getvalue() == (
        "flake8-redundant-bias: --redundant-bias-norms: 'BatchNorm' is not a dotted import path such as mylib.nn.MyBatchNorm\n"
    )
    assert out.getvalue() == ""


def test_a_linted_module_leaves_no_reference_cycle_to_the_collector() -> None:
    # The analysis pauses the collector; a cycle through its model (a block pointing back at its module's
    # model) would make flake8's next allocation traverse the whole model and tree.
    import ast
    import gc

    from flake8_redundant_bias.adapters.flake8 import Plugin

    source = (CASES / "blocks.py").read_text()
    lines = source.splitlines(keepends=True)
    assert list(Plugin(ast.parse(source), lines, str(CASES / "blocks.py")).run())  # the block calls are read
    gc.collect()
    gc.disable()
    try:
        findings = list(Plugin(ast.parse(source), lines, str(CASES / "blocks.py")).run())
        assert findings and gc.collect() == 0
    finally:
        gc.enable()


def test_a_linted_module_s_tree_is_not_kept_once_flake8_drops_it() -> None:
    # A cache keyed by the linted tree's nodes kept every file linted before alive: each of flake8's full
    # collections then traversed them all (over timm's models/ and layers/, 1.4 s more of flake8's own CPU).
    import ast
    import gc
    import weakref

    from flake8_redundant_bias.adapters.flake8 import Plugin

    SHARED = (ast.expr_context, ast.operator, ast.cmpop, ast.boolop, ast.unaryop)
    for case in ("blocks.py", "helpers.py", "flag_norms.py", "chosen_blocks.py"):
        source = (CASES / case).read_text()
        tree = ast.parse(source)
        # (a context or an operator, ast.Load() or ast.Add(), is one object the parser shares among all trees)
        nodes = [weakref.ref(node) for node in ast.walk(tree) if not isinstance(node, SHARED)]
        assert list(Plugin(tree, source.splitlines(keepends=True), str(CASES / case)).run())
        del tree
        gc.collect()
        assert [type(ref()).__name__ for ref in nodes if ref() is not None] == []
