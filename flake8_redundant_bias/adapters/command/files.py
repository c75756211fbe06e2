"""Which files a run checks: the paths given, folders walked for ``*.py``.

A walk skips what ``.gitignore`` files (and ``.git/info/exclude``) ignore, read
as git reads them (the pathspec library), from the repository's root down, and
the usual folders no one lints (``--exclude`` replaces that list,
``--extend-exclude`` adds to it).  An exclude pattern matches a file's or
folder's name, or its path when it holds a ``/``, as flake8's ``--exclude``
does; it applies to files named on the command line too, so that pre-commit,
which names every changed file, honours it.
"""

from __future__ import annotations

import fnmatch
import os
from typing import Callable, Iterable, Iterator, Sequence, Tuple

import pathspec

CACHE_FOLDER = ".redundant_bias_cache"
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
    ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
    "__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
    CACHE_FOLDER,
)


class Excluder:
    def __init__(self, patterns: Iterable[tuple[str, str]]) -> None:
        """``patterns``: (pattern, the folder a pattern with a ``/`` is relative to)."""
        self.names: list[str] = []
        self.paths: list[str] = []
        for pattern, base in patterns:
            pattern = pattern.rstrip("/")
            if "/" in pattern:
                self.paths.append(os.path.normpath(os.path.join(base, pattern)))
            else:
                self.names.append(pattern)

    def excluded(self, path: str) -> bool:
        name = os.path.basename(os.path.normpath(path))
        if any(fnmatch.fnmatch(name, pattern) for pattern in self.names):
            return True
        absolute = os.path.abspath(path)
        return any(fnmatch.fnmatch(absolute, pattern) for pattern in self.paths)

    def excluded_on_the_way(self, path: str) -> bool:
        """A file named on the command line: excluded itself, or inside a folder below this one a walk would not enter."""
        relative = os.path.relpath(os.path.abspath(path))
        if relative.startswith(os.pardir):
            return self.excluded(path)
        parts = relative.split(os.sep)
        return any(self.excluded(os.sep.join(parts[: end + 1])) for end in range(len(parts)))


class MissingPath(OSError):
    """A path on the command line that does not exist."""


# What decides which entries of a folder a walk takes: the excludes there, and whether .gitignore files count.
Rules = Callable[[str], Tuple[Excluder, bool]]


def python_files(paths: Sequence[str], rules: Rules) -> Iterator[str]:
    """The files to check, each once, in the order given (folders walked in sorted order)."""
    seen: set[str] = set()
    for given in paths:
        if os.path.isdir(given):
            found: Iterable[str] = _walk(given, rules)
        elif os.path.exists(given):
            excluder, _ = rules(os.path.dirname(os.path.abspath(given)))
            found = () if excluder.excluded_on_the_way(given) else (given,)
        else:
            raise MissingPath(f"{given}: no such file or folder")
        for path in found:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                yield os.path.normpath(path)  # ./model.py shown as model.py


def _walk(top: str, rules: Rules) -> Iterator[str]:
    ignores = GitIgnores(top)
    for folder, folders, names in os.walk(top):
        excluder, gitignore = rules(folder)  # a folder with a configuration of its own has its own excludes
        ignores.enter(folder)
        kept = ignores if gitignore else None
        folders[:] = sorted(name for name in folders if _taken(os.path.join(folder, name), True, excluder, kept))
        for name in sorted(names):
            path = os.path.join(folder, name)
            if name.endswith(".py") and _taken(path, False, excluder, kept):
                yield path


def _taken(path: str, is_folder: bool, excluder: Excluder, ignores: GitIgnores | None) -> bool:
    return not excluder.excluded(path) and not (ignores is not None and ignores.ignored(path, is_folder))


class GitIgnores:
    """The ignore files that apply in a walk: those of the folders above it up to the repository's root, and inside."""

    def __init__(self, top: str) -> None:
        self.specs: dict[str, pathspec.PathSpec] = {}
        top = os.path.abspath(top)
        above = _ancestors(top)
        root = next((folder for folder in above if os.path.exists(os.path.join(folder, ".git"))), None)
        if root is not None:
            self._read(root, os.path.join(root, ".git", "info", "exclude"))
            for folder in reversed(above[: above.index(root) + 1]):
                if folder != top:
                    self.enter(folder)

    def enter(self, folder: str) -> None:
        self._read(os.path.abspath(folder), os.path.join(folder, ".gitignore"))

    def _read(self, folder: str, path: str) -> None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                spec = pathspec.GitIgnoreSpec.from_lines(handle)
        except OSError:
            return
        if folder in self.specs:  # .git/info/exclude and the root's .gitignore: one spec, the later lines decide
            spec = self.specs[folder] + spec
        self.specs[folder] = spec

    def ignored(self, path: str, folder: bool) -> bool:
        """Whether the deepest ignore file with a say ignores the path (a ``!pattern`` re-includes it)."""
        absolute = os.path.abspath(path)
        for base in _ancestors(os.path.dirname(absolute)):
            spec = self.specs.get(base)
            if spec is None:
                continue
            relative = os.path.relpath(absolute, base).replace(os.sep, "/") + ("/" if folder else "")
            verdict = spec.check_file(relative).include
            if verdict is not None:
                return verdict
        return False


def _ancestors(folder: str) -> list[str]:
    """The folder and every folder above it, nearest first."""
    found = [folder]
    while os.path.dirname(found[-1]) != found[-1]:
        found.append(os.path.dirname(found[-1]))
    return found
