"""The README's install commands, run in a fresh virtual environment on a copy of the working tree.

Slow (a virtual environment, and pip installing the package and flake8 into it from the
package registry pip is configured with), and the only test that installs the package as a
user does: the quick start's first command, the Install section's, and ``pip show``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from checkout import copy_tree
from readme import block, output_after

QUICK_START = "python -m pip install . && flake8 --select RB examples/"
INSTALL = "python -m pip install ./flake8-redundant-bias"
TIMEOUT = 600


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the working tree named as a clone is, and a virtual environment that has nothing installed."""
    root = tmp_path_factory.mktemp("install")
    copy_tree(root / "flake8-redundant-bias")
    venv.create(root / "venv", with_pip=True)
    bin_folder = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(bin_folder), env.get("PATH", "")])  # `python` is the fresh one
    return root, env


def _shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def test_the_install_section_then_the_quick_start(fresh: tuple[Path, dict[str, str]]) -> None:
    root, env = fresh
    installed = _shell(block(INSTALL).strip(), root, env)
    assert installed.returncode == 0, installed.stderr
    result = _shell(block(QUICK_START).strip(), root / "flake8-redundant-bias", env)
    assert result.returncode == 1, result.stderr  # flake8's status: findings
    assert result.stdout.endswith("\n" + output_after(QUICK_START))  # after what pip prints
    version = _shell("redundant-bias --version", root, env)
    assert version.stdout.startswith("redundant-bias "), version.stderr


def test_pip_show_lists_where_to_report(fresh: tuple[Path, dict[str, str]]) -> None:
    root, env = fresh
    _shell(block(INSTALL).strip(), root, env)
    shown = _shell("python -m pip show -v flake8-redundant-bias", root, env).stdout
    assert "Issues, https://" in shown and "Changelog, https://" in shown, shown


def test_the_wheel_holds_the_package_and_nothing_a_user_does_not_need(fresh: tuple[Path, dict[str, str]]) -> None:
    root, env = fresh
    built = _shell(f"{sys.executable} -m pip wheel --no-deps --wheel-dir wheels ./flake8-redundant-bias", root, env)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "wheels").glob("flake8_redundant_bias-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "flake8_redundant_bias/adapters/command/cli.py" in names
    assert not [name for name in names if name.startswith(("tests/", "docs/", "benchmarks/", "examples/"))]
