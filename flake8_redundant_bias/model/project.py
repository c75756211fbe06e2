"""The other modules of the linted file's project, read from disk when a question needs them.

A name imported from the project's own code (``from .config import
WEIGHT_DECAY``, ``from models.layers import conv_bn``) is answered by that
module: it is found on disk (relative imports from the importing file's
folder; absolute ones in the folders from the importing file's up to the
project root, the nearest folder holding ``pyproject.toml``, ``setup.cfg``,
``setup.py`` or ``.git``, and, for the importing file's own package, in the folder
above that package, as an installed package names its own modules), parsed, indexed and analysed like the linted file,
never imported or run.  Each module is read once per process (the cache is
keyed by path, modification time and size) and parsed only when a question
needs it and its text could answer it (it spells the name as a top-level
binding, or, for a layer, a producer's name), and questions
cross at most ``HOPS`` modules, each (module, name) once at a time, so an
import cycle ends in "unknown".  This module reads text only: the models of
the modules it finds are built by the composition root (``context.py``).  Third-party and standard-library modules
are never read: the knowledge tables speak for them, and a name they bind
is not found in the project, so it stays unknown.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

from .imports import ImportMap, ImportTarget
from ..text import Text

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config

HOPS = 4  # modules a question may cross, one import after another
LARGEST = 1_000_000  # bytes: a bigger module is generated code, not worth a parse

# Process-wide counters for the benchmark: modules read and parsed, answers from the cache, CPU seconds spent.
STATS = {"read": 0, "parsed": 0, "cached": 0, "missing": 0, "seconds": 0.0}

# The files and folders an analysis consulted, while the command records them: a cached result
# stays good only while they are unchanged (a value read from config.py changes with config.py).
_consulted: set[str] | None = None


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect every path the analyses inside the block consult (files read, folders listed)."""
    global _consulted
    outer, _consulted = _consulted, set()
    try:
        yield _consulted
    finally:
        _consulted = outer


class Source:
    """Another module's text, and its analysis once a question needs one."""

    def __init__(self, path: str, shown: str, text: str, project: Project) -> None:
        self.path = path
        self.shown = shown  # how messages name it: its path from the project root
        self.text = text
        self._project = project
        self._parsed: tuple[ast.Module, Text] | None | bool = False  # False: not parsed yet
        self._found: tuple[dict[str, int], dict[str, int], set[str]] | None = None
        self._imports: ImportMap | None = None  # the module's import statements alone, parsed on demand
        self._statements: list[str] = []
        self._definable: dict[tuple, tuple[Source, str] | None] = {}
        self._branches: dict[str, str] | None = None  # names assigned in a top-level if/else chain: its text

    def mentions(self, name: str) -> bool:
        return name in self.text  # a gate: spelled anywhere, even inside a longer word

    def binds_itself(self, name: str) -> bool:
        """The text may define or assign ``name`` at top level, not only import it."""
        if name not in self.text:
            return False
        defined, assigned, _ = self._names()
        return name in defined or name in assigned or name in self._branch_assigned()

    def imports(self, name: str) -> bool:
        return name in self.text and name in self._names()[2]

    def _names(self) -> tuple[dict[str, int], dict[str, int], set[str]]:
        """Where the text defines and assigns names at line starts, and what it imports: one pass, before any parse."""
        if self._found is None:
            defined: dict[str, int] = {}
            assigned: dict[str, int] = {}
            imported: list[str] = []
            # A newline before the text: the match starts at the "\n", which is where the line starts in the text.
            line_starts, words, _ = _patterns()
            for match in line_starts.finditer("\n" + self.text):
                if match["defined"]:
                    defined.setdefault(match["defined"], match.start())
                elif match["assigned"]:
                    assigned.setdefault(match["assigned"], match.start())
                    # ``BatchNorm2d_class = BatchNorm2d = ...``: each name of the chain (the match counts from the "\n")
                    chained = _chained().match(self.text, match.end() - 1)
                    while chained is not None:
                        assigned.setdefault(chained["name"], match.start())
                        chained = _chained().match(self.text, chained.end())
                else:
                    imported.append(match["imported"])
                    self._statements.append(match["statement"].strip())
            self._found = (defined, assigned, set(words.findall(" ".join(imported))))
        return self._found

    def _branch_assigned(self) -> dict[str, str]:
        """Names assigned inside a top-level ``if``/``elif``/``else`` chain, to the chain's text (``if
        torch.__version__.startswith("0"): BatchNorm2d = ...`` / ``else: BatchNorm2d = ...``); scanned when a name
        is asked about that no line assigns at top level."""
        if self._branches is None:
            self._branches = {}
            for chain in _chains().finditer("\n" + self.text):
                for target in _indented_assignment().finditer(chain.group()):
                    self._branches.setdefault(target["name"], chain.group())
        return self._branches

    def reexported(self, name: str) -> ImportTarget | None:
        """The import that binds ``name`` here, read from the import statements alone (no parse of the module)."""
        if not self.imports(name):
            return None
        if self._imports is None:
            self._imports = ImportMap(self._project.config.knowledge)
            # One parse of them all, and one each only when that fails: a parse has a cost of its own.
            parsed = _parsed("\n".join(self._statements))
            for body in [parsed] if parsed is not None else map(_parsed, self._statements):
                for node in body or ():  # None: a statement the line scan cut short, whose names stay unknown
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        self._imports.add_import(node)
        return self._imports.imported(name)

    def binding(self, name: str) -> tuple[Source, str] | None:
        """The module that binds ``name`` itself, following re-exports (``from .layers import conv_bn``) by text."""
        source: Source = self
        for _ in range(HOPS):
            if source.binds_itself(name):
                return source, name
            target = source.reexported(name)
            found = self._project.find(source.path, target) if target is not None else source.starred(name)
            if found is None or found[1] is None:
                return None
            source, name = found[0], found[1]
        return None

    def starred(self, name: str) -> tuple[Source, str] | None:
        """The one module a top-level ``from .modules import *`` takes ``name`` from, when it defines, assigns or
        imports it by name and its ``__all__``, if any, spells it (semantic-segmentation-pytorch's ``lib/nn``)."""
        self._names()
        found = []
        for statement in self._statements:
            star = _star().match(statement)
            module = self._project.find(self.path, ImportTarget(len(star[1]), star[2], None)) if star else None
            if module is None or module[1] is not None:
                continue
            other = module[0]
            exported = other._span(other._names()[1].get("__all__"))
            if (other.binds_itself(name) or other.reexported(name) is not None) and (
                    exported is None or f"'{name}'" in exported or f'"{name}"' in exported):
                found.append((other, name))
        return found[0] if len(found) == 1 else None

    def assigned(self, name: str) -> tuple[Source, str, str] | None:
        """Where ``name`` is assigned at top level, following re-exports, with the text of the assignment.

        The text runs to the next top-level line: a gate, like ``block``.
        """
        bound = self.binding(name)
        text = bound[0]._span(bound[0]._names()[1].get(bound[1])) if bound is not None else None
        if bound is not None and text is None:
            text = bound[0]._branch_assigned().get(bound[1])
        return (bound[0], bound[1], text) if text is not None else None

    def _span(self, start: int | None) -> str | None:
        if start is None:
            return None
        line_end = self.text.find("\n", start)
        end = _patterns()[2].search(self.text, line_end + 1) if line_end >= 0 else None
        return self.text[start:end.start() if end else None]

    def block(self, name: str) -> str | None:
        """The text of the top-level ``def``/``class`` of that name, up to the next top-level line.

        Read off the text, never parsed, as a gate: it may hold more than the
        definition, never less, unless a line of it starts at column 0 inside a
        string (then a question about it is answered "unknown").
        """
        return self._span(self._names()[0].get(name))

    def may_set(self, name: str, attr: str, calls: tuple[str, ...], inert: frozenset[str]) -> bool:
        """Whether the top-level class ``name`` may set ``self.attr`` in its methods, itself or through a base: not
        when its text spells no store of it (``.attr =``) and no storing call (``add_module``), and every base it
        names is ``inert``.  (``self._forward_impl(x)`` in a subclass asks about its base's method: no parse.)"""
        block = self._top_block(name)
        if block is None or not block.startswith("class") or any(call in block for call in calls):
            return True
        if re.search(rf"\.{re.escape(attr)}(?![\w(.\[])", block):
            return True
        return not all(base.strip() in inert for base in _bases(block).split(","))

    def may_bind(self, name: str, attr: str) -> bool:
        """Whether the top-level class ``name`` may bind ``attr`` in its body (``lr = 0.1``, ``lr: float = 0.1``): not
        when no indented line of its text starts by binding it, nor when ``name`` is a function."""
        block = self._top_block(name)
        if block is None or block.startswith(("def", "async")):
            return block is None
        return re.search(rf"\n[ \t]+{re.escape(attr)}[ \t]*(?::|=(?!=))", block) is not None

    def _top_block(self, name: str) -> str | None:
        """The text of the top-level ``def``/``class`` ``name``, following re-exports; None when not found so."""
        bound = self.binding(name)
        return bound[0].block(bound[1]) if bound is not None else None

    def definable(
        self, name: str, words: tuple[str, ...], layer: bool = False, also: tuple[str, ...] = (),
    ) -> tuple[Source, str] | None:
        """The module (this one, or one it re-exports from) whose top-level ``def``/``class`` ``name`` may be the answer.

        ``words``: a definition whose text spells none of them cannot be the answer, and is not parsed;
        with ``layer``, neither can a class without a ``forward`` (a class the analysis reads as a
        layer returns one producer's output from its own ``forward``); with ``also``, neither can one
        that spells none of those too.  Answers are kept with the text, so every linted file that asks
        again gets them for free.
        """
        key = (name, words, layer, also)
        if key not in self._definable:
            bound = self.binding(name)
            block = bound[0].block(bound[1]) if bound is not None else None
            # Not defined in the project, or spelling no producer: it builds none.
            answers = block is not None and (_may_answer(block, words, layer, also) or bound is not None and (
                layer and bound[0]._forward_in_base(block) or _may_answer(bound[0]._with_tables(block), words, layer, also)
                or also and _may_answer(block, words, layer) and bound[0]._helpers_spell(block, also)))
            self._definable[key] = bound if answers else None
        return self._definable[key]

    def _with_tables(self, block: str) -> str:
        """A function's text with that of the module-level tables it reads (``build_norm`` returning
        ``NORMS[name](c)``, where ``NORMS = {"bn2d": nn.BatchNorm2d}`` names the layer)."""
        if not block.startswith(("def", "async")):
            return block
        assigned = self._names()[1]
        tables = [self._span(at) for name, at in assigned.items() if name in block]
        return "".join([block, *(table for table in tables if table is not None and table.rstrip().endswith("}"))])

    def _helpers_spell(self, block: str, words: tuple[str, ...]) -> bool:
        """A definition calls a function imported from the project whose text, with the tables it reads, spells one
        of the words (``ConvLayer`` calling ``build_norm``, which looks its norm up in ``NORMS``)."""
        for name in self._names()[2]:
            bound = self.binding(name) if f"{name}(" in block else None
            helper = bound[0].block(bound[1]) if bound is not None and bound[0] is not self else None
            if helper is not None and any(word in bound[0]._with_tables(helper) for word in words):  # type: ignore[index]
                return True
        return False

    def _forward_in_base(self, block: str) -> bool:
        """A class without a ``forward`` whose one base, a class of the same module, has one (a vendored
        ``SynchronizedBatchNorm2d(_SynchronizedBatchNorm)``)."""
        if not block.startswith("class") or "def forward" in block:
            return False
        bases = _bases(block).strip()
        base = self.block(bases) if bases.isidentifier() else None
        return base is not None and base.startswith("class") and "def forward" in base

    def parsed(self) -> tuple[ast.Module, Text] | None:
        """The module's tree and text, parsed once; None if it does not parse."""
        if self._parsed is False:
            started = time.process_time()
            self._parsed = self._parse()
            STATS["seconds"] += time.process_time() - started
            STATS["parsed"] += 1
            _PARSED.append(self)
        return self._parsed  # type: ignore[return-value]

    def forget_tree(self) -> None:
        self._parsed = False

    def _parse(self) -> tuple[ast.Module, Text] | None:
        try:
            tree = ast.parse(self.text, self.path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # not Python this interpreter reads: its answers are unknown
        return tree, Text.of(self.text)


def _parsed(statements: str) -> list[ast.stmt] | None:
    try:
        return ast.parse(statements).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _may_answer(block: str, words: tuple[str, ...], layer: bool, also: tuple[str, ...] = ()) -> bool:
    if words and not any(word in block for word in words) or also and not any(word in block for word in also):
        return False
    if not (layer and block.startswith("class")) or "def forward" in block:
        return True
    # Without a forward, only a class deriving from a layer itself (``class SyncBN(nn.BatchNorm2d)``).
    return any(base.strip().rpartition(".")[2] in words for base in _bases(block).split(","))


def _bases(block: str) -> str:
    """What a class's text lists between the parentheses of its first line (``nn.BatchNorm2d``)."""
    return block.partition(":")[0].partition("(")[2].rpartition(")")[0]


@functools.lru_cache(maxsize=None)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What the scan of another module's text looks for, compiled when one is first read."""
    line_starts = re.compile(
        # Anchored on a literal newline, not (?m)^, so that the engine jumps from line to line.
        r"\n(?:(?:async[ \t]+def|def|class)[ \t]+(?P<defined>[A-Za-z_]\w*)"
        r"|(?P<assigned>[A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)"
        r"|(?P<statement>[ \t]*(?:from[ \t]+\S+[ \t]+)?import[ \t]+(?P<imported>\([^)]*\)|[^\n]*)))"
    )
    words = re.compile(r"[A-Za-z_]\w*")
    top_level = re.compile(r"(?m)^(?![ \t\n#)\]}])")  # a line that starts a new top-level statement
    return line_starts, words, top_level


@functools.lru_cache(maxsize=1)
def _star() -> re.Pattern[str]:
    """``from .modules import *``: its dots and module."""
    return re.compile(r"from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\*")


@functools.lru_cache(maxsize=1)
def _chains() -> re.Pattern[str]:
    """A top-level ``if`` statement with its ``elif``/``else`` arms: the lines up to the next top-level line."""
    return re.compile(r"\nif\b[^\n]*(?:\n(?:[ \t]+[^\n]*|[ \t]*|(?:elif|else)\b[^\n]*)(?=\n|$))*")


@functools.lru_cache(maxsize=1)
def _chained() -> re.Pattern[str]:
    return re.compile(r"[ \t]*(?P<name>[A-Za-z_]\w*)[ \t]*=(?!=)")


@functools.lru_cache(maxsize=1)
def _indented_assignment() -> re.Pattern[str]:
    return re.compile(r"\n[ \t]+(?P<name>[A-Za-z_]\w*)[ \t]*=(?!=)")


# path and the configuration's rows -> (modification time and size, the source or None when unreadable)
_SOURCES: dict[tuple[str, tuple], tuple[tuple[int, int], Source | None]] = {}
_PARSED: list[Source] = []  # the sources whose tree is kept, until the linted file that parsed them is done


def forget_trees() -> None:
    """Drop the trees parsed for a linted file once it is done; their texts and top-level names stay.  Every
    object of a kept tree is traversed by each full collection of the process (flake8's, between files):
    over timm's models/ and layers/ that cost flake8 0.45 s, and parsing again where asked 25 ms."""
    for source in _PARSED:
        source.forget_tree()
    _PARSED.clear()


_PROJECTS: dict[tuple[str | None, tuple], Project] = {}  # a project root (None: none found) -> its project


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
        key = (find_root(folder), config.rows)
        if key not in _PROJECTS:
            _PROJECTS[key] = cls(key[0], config)
        return _PROJECTS[key]

    # ------------------------------------------------------------ finding

    def find(self, importer: str, target: ImportTarget) -> tuple[Source, str | None] | None:
        """The module an import names, and the name in it (None when the import binds the module itself)."""
        for base in self._bases(importer, target):
            dotted = target.module
            path = _module_file(base, dotted) if dotted else _module_file(os.path.dirname(base), os.path.basename(base))
            holder = self.load(path) if path else None
            if target.name is None:
                if holder is not None:
                    return holder, None
                continue
            name = target.name
            if holder is not None and holder.binds_itself(name):
                return holder, name
            package = os.path.join(base, *dotted.split(".")) if dotted else base
            submodule = _module_file(package, name)
            module = self.load(submodule) if submodule else None
            if module is not None:
                return module, None  # from pkg import config: the submodule, also when __init__ imports it
            if holder is not None:
                return (holder, name) if holder.mentions(name) or holder.starred(name) else None
        return None

    def _bases(self, importer: str, target: ImportTarget) -> list[str]:
        folder = os.path.dirname(importer)
        if target.level:
            for _ in range(target.level - 1):
                folder = os.path.dirname(folder)
            return [folder]
        found = []
        if self.root is None:
            # No project marker (a folder of scripts, an unpacked archive): Python puts a script's own folder first
            # on its path, so ``from layers import ConvNorm`` finds ``layers.py`` beside it.
            found.append(folder)
        else:
            while True:
                found.append(folder)
                if folder == self.root or os.path.dirname(folder) == folder:
                    break
                folder = os.path.dirname(folder)
            if folder != self.root:
                found = []
        # An installed package names its own modules from the folder above it (``from torchvision.ops import
        # ...`` inside torchvision): only the importer's own package, never a neighbour in site-packages.
        above, package = _package_home(os.path.dirname(importer))
        if package is not None and target.module.partition(".")[0] == package and above not in found:
            found.append(above)
        return found

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

    def load(self, path: str) -> Source | None:
        """The module at ``path``, read once per process while its file is unchanged; None if unreadable."""
        if _consulted is not None:
            _consulted.add(path)
        try:
            status = os.stat(path)
        except (OSError, ValueError):
            STATS["missing"] += 1
            return None
        stamp = (status.st_mtime_ns, status.st_size)
        key = (path, self.config.rows)
        cached = _SOURCES.get(key)
        if cached is not None and cached[0] == stamp:
            STATS["cached"] += 1
            return cached[1]
        started = time.process_time()
        source = self._read(path, status.st_size)
        STATS["seconds"] += time.process_time() - started
        STATS["read"] += 1
        _SOURCES[key] = (stamp, source)
        return source

    def _read(self, path: str, size: int) -> Source | None:
        if size > LARGEST:
            return None
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8-sig")  # a byte-order mark is not code
        except (OSError, UnicodeDecodeError):
            return None  # unreadable, or in another encoding: its answers are unknown
        return Source(path, self._shown(path), text, self)

    def _shown(self, path: str) -> str:
        base = self.root or _package_home(os.path.dirname(path))[0]
        return os.path.relpath(path, base).replace(os.sep, "/")


@functools.lru_cache(maxsize=1024)
def find_root(folder: str) -> str | None:
    """The nearest folder, from ``folder`` up, that marks a project; None if there is none.

    In a package's folder (one with ``__init__.py``), ``setup.py`` may be a
    module of it (dinov2's ``eval/setup.py``), not the mark of a project.
    """
    entries = _entries(folder)
    if "pyproject.toml" in entries or ".git" in entries:
        return folder
    if ("setup.py" in entries or "setup.cfg" in entries) and "__init__.py" not in entries:
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else find_root(parent)


def _entries(folder: str) -> frozenset[str]:
    """The names in a folder, listed again only when the folder changes (an editor's process lives long)."""
    if _consulted is not None:
        _consulted.add(folder)
    try:
        stamp = os.stat(folder).st_mtime_ns
    except (OSError, ValueError):
        return frozenset()
    cached = _LISTINGS.get(folder)
    if cached is None or cached[0] != stamp:
        try:
            cached = _LISTINGS[folder] = (stamp, frozenset(os.listdir(folder)))
        except (OSError, ValueError):
            return frozenset()
    return cached[1]


_LISTINGS: dict[str, tuple[int, frozenset[str]]] = {}


@functools.lru_cache(maxsize=1024)
def _package_home(folder: str) -> tuple[str, str | None]:
    """The folder above the outermost package ``folder`` is in, and that package's name (None: not in one)."""
    package = None
    while "__init__.py" in _entries(folder) and os.path.dirname(folder) != folder:
        folder, package = os.path.dirname(folder), os.path.basename(folder)
    return folder, package


def package_of(path: str) -> str | None:
    """The dotted name of the package a module's file is in (``timm.models``), None outside a package."""
    return _package_name(os.path.dirname(path))


@functools.lru_cache(maxsize=1024)
def _package_name(folder: str) -> str | None:
    folder = os.path.abspath(folder)
    above, top = _package_home(folder)
    if top is None:
        return None
    return os.path.relpath(folder, above).replace(os.sep, ".")


def _module_file(base: str, dotted: str) -> str | None:
    """``a.b`` under ``base``: ``a/b.py`` or ``a/b/__init__.py``, whichever exists."""
    *packages, last = dotted.split(".")
    folder = base
    for package in packages:
        if package not in _entries(folder):
            return None
        folder = os.path.join(folder, package)
    entries = _entries(folder)
    if last + ".py" in entries:
        return os.path.join(folder, last + ".py")
    if last in entries and "__init__.py" in _entries(os.path.join(folder, last)):
        return os.path.join(folder, last, "__init__.py")
    return None
