"""The other modules of the linted file's project, read from disk when a question needs them.

A name imported from the project's own code (``from .config import
WEIGHT_DECAY``, ``from models.layers import conv_bn``) is answered by that
module: it is found on disk (relative imports from the importing file's
folder; absolute ones in the folders from the importing file's up to the
project root, the nearest folder holding ``pyproject.toml``, ``setup.cfg``,
``setup.py`` or ``.git``), parsed, indexed and analysed like the linted file,
never imported or run.  Each module is parsed once per process (the cache is
keyed by path, modification time and size), only when asked, and questions
cross at most ``HOPS`` modules, each (module, name) once at a time, so an
import cycle ends in "unknown".  Third-party and standard-library modules
are never read: the knowledge tables speak for them, and a name they bind
is not found in the project, so it stays unknown.
"""

from __future__ import annotations

import ast
import os
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from .names import ImportMap, ImportTarget
from .scopes import Index

if TYPE_CHECKING:  # pragma: no cover
    from .config import Config

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
HOPS = 4  # modules a question may cross, one import after another
LARGEST = 1_000_000  # bytes: a bigger module is generated code, not worth a parse

# Process-wide counters for the benchmark: modules parsed, answers from the cache, CPU seconds reading and parsing.
STATS = {"parsed": 0, "cached": 0, "missing": 0, "seconds": 0.0}


class Module:
    """Another module of the project, analysed as the linted file is (without the fast path)."""

    def __init__(self, path: str, shown: str, tree: ast.Module, lines: list[str], project: Project) -> None:
        from .flow import Flow  # imported here: those services import this module
        from .layers import Resolver
        from .params import Parameters

        self.path = path
        self.shown = shown  # how messages name it: its path from the project root
        self.index = Index(tree, ImportMap(project.config.roots), lines=lines)
        self.flow: Flow = Flow(self.index, project, path, shown)
        self.resolver: Resolver = Resolver(self.index, project.config.specs, self.flow)
        self.parameters: Parameters = Parameters(self.index, self.resolver, self.flow)


# path and the configuration's rows -> (modification time and size, the module or None when unreadable)
_MODULES: dict[tuple[str, tuple], tuple[tuple[int, int], Module | None]] = {}


class Project:
    """The project a file belongs to, for the questions its analysis sends to other modules."""

    def __init__(self, root: str | None, config: Config) -> None:
        self.root = root
        self.config = config
        self._asking: set[tuple[str, str]] = set()

    @classmethod
    def of(cls, filename: str | None, config: Config) -> Project | None:
        """The project of the file flake8 names (a path, or the display name of stdin); None if not a path."""
        if not filename or filename in ("stdin", "-"):
            return None
        folder = os.path.dirname(os.path.abspath(filename))
        if not os.path.isdir(folder):
            return None
        return cls(find_root(folder), config)

    # ------------------------------------------------------------ finding

    def find(self, importer: str, target: ImportTarget) -> tuple[Module, str | None] | None:
        """The module an import names, and the name in it (None when the import binds the module itself)."""
        for base in self._bases(importer, target.level):
            dotted = target.module
            path = _module_file(base, dotted) if dotted else os.path.join(base, "__init__.py")
            if target.name is None:
                module = self.load(path) if path else None
                if module is not None:
                    return module, None
                continue
            holder = self.load(path) if path else None
            if holder is not None and _binds(holder, target.name):
                return holder, target.name
            package = os.path.dirname(path) if path and path.endswith("__init__.py") else (
                os.path.join(base, *dotted.split(".")) if dotted else base
            )
            submodule = _module_file(package, target.name)
            module = self.load(submodule) if submodule else None
            if module is not None:
                return module, None
            if holder is not None:
                return holder, target.name
        return None

    def _bases(self, importer: str, level: int) -> list[str]:
        folder = os.path.dirname(importer)
        if level:
            for _ in range(level - 1):
                folder = os.path.dirname(folder)
            return [folder]
        if self.root is None:
            return []
        found = []
        while True:
            found.append(folder)
            if folder == self.root or os.path.dirname(folder) == folder:
                return found if folder == self.root else []
            folder = os.path.dirname(folder)

    @contextmanager
    def asking(self, path: str, name: str) -> Iterator[bool]:
        """Whether a question may cross into ``path`` for ``name``: not in a cycle, not too deep."""
        key = (path, name)
        allowed = key not in self._asking and len(self._asking) < HOPS
        if allowed:
            self._asking.add(key)
        try:
            yield allowed
        finally:
            if allowed:
                self._asking.discard(key)

    # ------------------------------------------------------------ loading

    def load(self, path: str) -> Module | None:
        """The module at ``path``, parsed once per process while its file is unchanged; None if unreadable."""
        try:
            status = os.stat(path)
        except (OSError, ValueError):
            STATS["missing"] += 1
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        key = (path, self.config.rows)
        cached = _MODULES.get(key)
        if cached is not None and cached[0] == stamp:
            STATS["cached"] += 1
            return cached[1]
        started = time.process_time()
        module = self._parse(path, status.st_size)
        STATS["seconds"] += time.process_time() - started
        STATS["parsed"] += 1
        _MODULES[key] = (stamp, module)
        return module

    def _parse(self, path: str, size: int) -> Module | None:
        if size > LARGEST:
            return None
        try:
            with open(path, "rb") as handle:
                source = handle.read()
            tree = ast.parse(source, path)
            lines = source.decode("utf-8", "replace").splitlines(keepends=True)
            return Module(path, self._shown(path), tree, lines, self)
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # unreadable or not Python: its answers are unknown

    def _shown(self, path: str) -> str:
        base = self.root or os.path.dirname(path)
        return os.path.relpath(path, base).replace(os.sep, "/")


def find_root(folder: str) -> str | None:
    """The nearest folder, from ``folder`` up, that marks a project; None if there is none."""
    while True:
        if any(os.path.exists(os.path.join(folder, marker)) for marker in ROOT_MARKERS):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _module_file(base: str, dotted: str) -> str | None:
    """``a.b`` under ``base``: ``a/b.py`` or ``a/b/__init__.py``, whichever exists."""
    path = os.path.join(base, *dotted.split("."))
    for candidate in (path + ".py", os.path.join(path, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _binds(module: Module, name: str) -> bool:
    """The module binds ``name`` at its top level: a definition, an assignment or an import."""
    index = module.index
    return (
        name in index.functions or name in index.classes or bool(index.bindings(index.module, name)[0])
        or index.imports.imported(name) is not None
    )
