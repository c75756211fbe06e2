"""Run the real flake8 in a subprocess, as users and IDEs do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
CASES = HERE / "cases"
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
