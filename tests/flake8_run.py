"""Run the real flake8 and the real ``redundant-bias`` command in a subprocess, as users, IDEs and CI do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
CASES = HERE / "cases"
SCRIPT = Path(sys.executable).with_name("redundant-bias")  # installed beside python by pip install -e
FIXED = ".fixed.py"  # a case file's golden after the bias fix, beside it: lists.py -> lists.fixed.py


def case_files() -> list[Path]:
    """The case files, without their goldens."""
    return sorted(path for path in CASES.glob("*.py") if not path.name.endswith(FIXED))


def flake8(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args] if "--config" not in args and cwd is None
        else [sys.executable, "-m", "flake8", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300,
    )


def redundant_bias(
    *args: str, cwd: Path, module: bool = False, stdin: str | None = None,
) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "flake8_redundant_bias"] if module else [str(SCRIPT)]
    return subprocess.run([*command, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300)
