"""A copy of the working tree as it stands (uncommitted and untracked files included), for tests that install it."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).parents[1]

# Left out only to keep the copy quick: what an install or a commit takes is decided by the
# package's own files (pyproject.toml, .gitignore), not by this list.
SKIPPED_NAMES = {
    ".git", ".venv", "venv", "build", "dist", "__pycache__",
    ".redundant_bias_cache", ".hypothesis", ".mypy_cache", ".pytest_cache", ".tox",
}
SKIPPED_PATHS = {ROOT / "benchmarks" / "corpus"}


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {
        name for name in names
        if name in SKIPPED_NAMES or name.endswith(".egg-info") or Path(directory, name) in SKIPPED_PATHS
    }


def copy_tree(destination: Path) -> Path:
    shutil.copytree(ROOT, destination, ignore=_ignore)
    return destination
