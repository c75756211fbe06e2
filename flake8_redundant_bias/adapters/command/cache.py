"""Results kept between runs, per file: a second run over an unchanged tree reads and hashes, nothing more.

One JSON file per (plugin version, configuration) in the cache folder, mapping
each checked file's absolute path to the hash of its bytes, the paths its
analysis consulted (other modules of the project, the folders it listed) with
their size and modification time, and its findings.  An entry is used only
while all three still match; JSON, not pickle, so that a cache folder that
comes with a checkout can never run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import Any, Iterable, Optional

from ... import __version__
from ...diagnostics import Diagnostic, Edit, Fix

FORMAT = 2  # the entries' layout: a cache of another layout is another file
Stamp = Optional[list]  # [modification time in ns, size] of a file or folder; None: it did not exist


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamp(path: str) -> Stamp:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return [status.st_mtime_ns, status.st_size]


class Cache:
    def __init__(self, folder: str | None, configuration: object) -> None:
        """``folder`` None: no cache.  ``configuration``: anything whose repr changes when the results may."""
        key = digest(repr((__version__, FORMAT, configuration)).encode())
        self.path = os.path.join(folder, f"results-{key}.json") if folder else None
        self.folder = folder
        self.entries: dict[str, Any] = self._read()
        self.changed = False
        self._make_folder()  # before any analysis: made later, it would change the stamp of the folder it is in

    def _make_folder(self) -> None:
        if self.folder is None or os.path.isdir(self.folder):
            return
        try:
            os.makedirs(self.folder, exist_ok=True)
            with open(os.path.join(self.folder, ".gitignore"), "w", encoding="utf-8") as handle:
                handle.write("# made by redundant-bias: its cache, never to commit\n*\n")
        except OSError:
            self.path = None  # a read-only tree: the run is as right, only not faster next time

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            with open(self.path, encoding="utf-8") as handle:
                entries = json.load(handle)
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: start afresh
        return entries if isinstance(entries, dict) else {}

    def get(self, path: str, hashed: str) -> list[Diagnostic] | None:
        entry = self.entries.get(path)
        if not isinstance(entry, dict) or entry.get("hash") != hashed:
            return None
        try:
            if any(stamp(dependency) != recorded for dependency, recorded in entry["consulted"]):
                return None
            return [_diagnostic(raw) for raw in entry["findings"]]
        except (KeyError, TypeError, ValueError):
            return None  # an entry of another shape: checked again

    def put(self, path: str, hashed: str, findings: Iterable[Diagnostic], consulted: Iterable[str]) -> None:
        if self.path is None:
            return
        self.entries[path] = {
            "hash": hashed,
            "consulted": [[dependency, stamp(dependency)] for dependency in sorted(consulted)],
            "findings": [_raw(finding) for finding in findings],
        }
        self.changed = True

    def write(self) -> None:
        """Replace the file in one rename, so that a run stopped halfway leaves the old cache or the new one."""
        if self.path is None or not self.changed or self.folder is None:
            return
        try:
            handle_fd, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle_fd, "w", encoding="utf-8") as handle:
                json.dump(self.entries, handle)
            os.replace(temporary, self.path)
        except OSError:
            pass  # a read-only tree: the run is as right, only not faster next time


class Caches:
    """One cache per analysis configuration, all in one folder: files under another configuration have their own."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.by_configuration: dict[object, Cache] = {}

    def of(self, configuration: object) -> Cache:
        if configuration not in self.by_configuration:
            self.by_configuration[configuration] = Cache(self.folder, configuration)
        return self.by_configuration[configuration]

    def write(self) -> None:
        for cache in self.by_configuration.values():
            cache.write()


def _raw(diagnostic: Diagnostic) -> list:
    fix = diagnostic.fix
    raw_fix = None if fix is None else [fix.title, [list(edit) for edit in fix.edits], fix.applicability]
    return [*diagnostic[:6], raw_fix, diagnostic.wasted]


def _diagnostic(raw: list) -> Diagnostic:
    code, message, line, col, end_line, end_col, raw_fix, wasted = raw
    fix = None if raw_fix is None else Fix(raw_fix[0], tuple(Edit(*edit) for edit in raw_fix[1]), raw_fix[2])
    return Diagnostic(code, message, line, col, end_line, end_col, fix, wasted)
