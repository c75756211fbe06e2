"""Which settings apply to a checked file: the command line's, over its nearest configuration's, over the defaults.

The nearest configuration is found from the file's folder up, as ruff finds its
own: the first folder holding a ``pyproject.toml`` with a ``[tool.redundant-bias]``
table, or a flake8 configuration (``setup.cfg``, ``tox.ini`` or ``.flake8``: the
first of them with a ``[flake8]`` section, as flake8 picks it) that says something
this command reads.  A folder holding both has both read, ``[tool.redundant-bias]``
winning key by key.  From ``[flake8]`` the command reads what concerns it, so that
it never reports what flake8 would not: the ``redundant-bias-*`` options; the RB
codes in ``select``, ``extend-select``, ``ignore``, ``extend-ignore`` and
``per-file-ignores`` (the other codes are other plugins'); and ``exclude`` and
``extend-exclude``, both adding to the command's usual excludes.  ``--config FILE``
names the one configuration of every file; ``--isolated`` reads none.
"""

from __future__ import annotations

import configparser
import difflib
import os
import sys
from pathlib import Path
from typing import Any, Callable, NamedTuple

from flake8.utils import parse_comma_separated_list

from ...config import Config, ConfigError
from ...options import BY_KEY, LIST, MAPPING, OPTIONS, SPELLINGS, analysis_config
from ...rules import CODES
from .files import CACHE_FOLDER, DEFAULT_EXCLUDE, Excluder
from .selection import Selection, check_selectors, names_a_rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the tomli backport, a dependency below 3.11
    import tomli as tomllib

TABLE = "redundant-bias"
PYPROJECT = "pyproject.toml"
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")  # flake8's order
CODE_KEYS = ("select", "extend-select", "ignore", "extend-ignore")
FLAKE8_FILE_KEYS = {"exclude": "extend-exclude", "extend-exclude": "extend-exclude"}  # both add to the usual excludes
DEFAULT = "default"


class Written(NamedTuple):
    """One configuration: what its files set, by key, and where each setting was written."""

    values: dict[str, Any]
    where: dict[str, str]  # key -> "sub/pyproject.toml: [tool.redundant-bias] norms", as written there
    folder: str  # where its relative patterns start
    files: tuple[str, ...]


class Settings:
    """What applies to the files under one configuration: the command line over it, over the defaults."""

    def __init__(self, written: Written | None, given: dict[str, Any], here: str) -> None:
        """``given``: the command line's settings by key; ``here``: the folder its patterns start from."""
        self.written = written
        self.values = {option.key: option.default for option in OPTIONS}
        self.where = dict.fromkeys(self.values, DEFAULT)
        if written is not None:
            self.values.update(written.values)
            self.where.update(written.where)
        self.values.update(given)
        self.where.update({key: f"--{key}" for key in given})
        folder = written.folder if written is not None else here
        self.bases = {key: here if self.where[key].startswith("--") else folder for key in self.values}
        named = {key: where for key, where in self.where.items() if where != DEFAULT}
        self.config: Config = analysis_config(self.values, named)
        self.selection = Selection(
            None if self.where["select"] == DEFAULT else self.values["select"], self.values["ignore"],
            self.values["extend-select"], self.values["extend-ignore"], named,
        )
        if not self.selection.codes:
            raise ConfigError(_nothing_selected(self.where))
        for _, codes in self.values["per-file-ignores"]:
            check_selectors(codes, _shown_where(self.where, "per-file-ignores"))
        self.ignores = [(Excluder([(pattern, self.bases["per-file-ignores"])]), codes)
                        for pattern, codes in self.values["per-file-ignores"]]
        self.excluder = self._excluder()
        self.gitignore: bool = self.values["respect-gitignore"]
        self._selections: dict[tuple[str, ...], Selection] = {}

    def selection_for(self, path: str) -> Selection:
        """The codes reported in this file: its ``per-file-ignores`` added."""
        ignored = tuple(code for patterns, codes in self.ignores if patterns.excluded(path) for code in codes)
        if ignored not in self._selections:
            self._selections[ignored] = self.selection.ignoring(ignored)
        return self._selections[ignored]

    def _excluder(self) -> Excluder:
        base = self.bases["exclude"]
        patterns = self.values["exclude"]
        chosen = [(pattern, base) for pattern in (DEFAULT_EXCLUDE if patterns is None else patterns)]
        chosen += [(pattern, self.bases["extend-exclude"]) for pattern in self.values["extend-exclude"]]
        return Excluder(chosen + [(CACHE_FOLDER, base)])

    def shown(self, path: str | None = None) -> str:
        """Each setting, its value and where it came from, and the codes a file reports: ``--show-settings``."""
        lines = [f"  configuration: {', '.join(map(_display, self.written.files)) if self.written else 'none'}\n"]
        if path is not None:
            lines.append(f"  codes reported here: {', '.join(sorted(self.selection_for(path).codes))}\n")
        for option in OPTIONS:
            value = self.values[option.key]
            if option.kind == MAPPING:
                text = " ".join(f"{pattern}:{','.join(codes)}" for pattern, codes in value) or "(none)"
            elif option.kind == LIST:
                text = "(the usual folders)" if value is None else ", ".join(value) or "(none)"
            else:
                text = str(value).lower()
            lines.append(f"  {option.key} = {text}  # {self.where[option.key]}\n")
        return "".join(lines)


class Configurations:
    """Each checked file's settings, its folder's configuration found once."""

    def __init__(self, given: dict[str, Any], isolated: bool = False, named: Path | None = None) -> None:
        self.given = given
        self.here = os.getcwd()
        self.by_folder: dict[str, Settings] = {}
        self.by_written: dict[str, Settings] = {}
        self.only: Settings | None = None
        if named is not None:
            if not named.is_file():
                raise ConfigError(f"--config: {named}: no such file")
            self.only = Settings(read_file(named), given, self.here)
        elif isolated:
            self.only = Settings(None, given, self.here)

    def for_file(self, path: str) -> Settings:
        return self.for_folder(os.path.dirname(os.path.abspath(path)))

    def for_folder(self, folder: str) -> Settings:
        if self.only is not None:
            return self.only
        folder = os.path.abspath(folder)
        passed = []
        while folder not in self.by_folder:
            passed.append(folder)
            written = read_folder(folder)
            parent = os.path.dirname(folder)
            if written is not None or parent == folder:
                self.by_folder[folder] = self._settings(written)
                break
            folder = parent
        found = self.by_folder[folder]
        self.by_folder.update(dict.fromkeys(passed, found))
        return found

    def _settings(self, written: Written | None) -> Settings:
        key = written.folder if written is not None else ""
        if key not in self.by_written:
            self.by_written[key] = Settings(written, self.given, self.here)
        return self.by_written[key]

    def walking(self) -> Callable[[str], tuple[Excluder, bool]]:
        """What decides, in a folder, which of its entries a walk takes: its excludes and whether .gitignore counts."""
        def rules(folder: str) -> tuple[Excluder, bool]:
            settings = self.for_folder(folder)
            return settings.excluder, settings.gitignore
        return rules


# ---------------------------------------------------------------- reading the files

def read_folder(folder: str) -> Written | None:
    """The configuration a folder holds: its ``[tool.redundant-bias]`` over its ``[flake8]``; None when neither says
    anything this command reads."""
    pyproject = os.path.join(folder, PYPROJECT)
    flake8 = _flake8_file(folder)
    parts = [
        (path, part) for path, part in (
            (flake8, _from_flake8(flake8) if flake8 else None),  # first: the table wins key by key
            (pyproject, _from_table(pyproject, _table(Path(pyproject))) if os.path.isfile(pyproject) else None),
        ) if part is not None
    ]
    if not parts:
        return None
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for _, (part_values, part_where) in parts:
        values.update(part_values)
        where.update(part_where)
    return Written(values, where, folder, tuple(path for path, _ in parts if path))


def read_file(path: Path) -> Written:
    """``--config``: a ``pyproject.toml`` (any ``*.toml``) or a flake8 configuration file."""
    folder = str(path.resolve().parent)
    if path.suffix == ".toml":
        part = _from_table(str(path), _table(path) or {})
    else:
        part = _from_flake8(str(path), required=True)
    values, where = part or ({}, {})
    return Written(values, where, folder, (str(path),))


def _table(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{_display(str(path))}: cannot be read ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{_display(str(path))}: not valid TOML ({error})") from None
    tool = document.get("tool", {})
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{_display(str(path))}: [tool.{TABLE}] must be a table")
    return table


def _from_table(path: str, table: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, str]] | None:
    if table is None:
        return None
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for given, raw in table.items():
        option = SPELLINGS.get(given)
        if option is None:
            raise _unknown(f"{_display(path)}: [tool.{TABLE}]", given, [option.key for option in OPTIONS])
        where[option.key] = f"{_display(path)}: [tool.{TABLE}] {given}"
        values[option.key] = option.read(raw, where[option.key], toml=True)
    return values, where


def _flake8_file(folder: str) -> str | None:
    """The file flake8 would read in this folder: the first of its candidates with a ``[flake8]`` section."""
    for name in FLAKE8_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and "flake8" in _ini(path).sections():
            return path
    return None


def _ini(path: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise ConfigError(f"{_display(path)}: not a valid configuration file ({str(error).splitlines()[0]})") from None
    return parser


def _from_flake8(path: str, required: bool = False) -> tuple[dict[str, Any], dict[str, str]] | None:
    """What a ``[flake8]`` section says that concerns this command; None when nothing."""
    parser = _ini(path)
    if not parser.has_section("flake8"):
        if required:
            raise ConfigError(f"--config: {_display(path)}: has no [flake8] section")
        return None
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for given, raw in parser.items("flake8"):
        key = given.replace("_", "-")
        named = f"{_display(path)}: [flake8] {given}"
        if key.startswith("redundant-bias-"):
            option = SPELLINGS.get(key)
            if option is None:  # flake8 ignores a key it does not know; a misspelt setting must not pass unseen
                raise _unknown(f"{_display(path)}: [flake8]", given, [spelling for spelling in SPELLINGS
                                                                      if spelling.startswith("redundant-bias-")])
            values[option.key], where[option.key] = option.read(raw, named), named
        elif key in CODE_KEYS:
            written = parse_comma_separated_list(raw)
            ours = [code for code in written if names_a_rule(code)]
            if ours or key == "select":  # a select naming no RB code leaves them all out, in flake8 too
                values[key], where[key] = ours, f"{named} = {raw.strip()}" if not ours else named
        elif key == "per-file-ignores":
            pairs = [(pattern, tuple(c for c in codes if names_a_rule(c)))
                     for pattern, codes in BY_KEY[key].read(raw, named)]
            values[key], where[key] = [pair for pair in pairs if pair[1]], named
        elif key in FLAKE8_FILE_KEYS:
            target = FLAKE8_FILE_KEYS[key]
            values[target] = values.get(target, []) + parse_comma_separated_list(raw)
            where[target] = named
    return (values, where) if values else None


def _unknown(section: str, given: str, known: list[str]) -> ConfigError:
    near = difflib.get_close_matches(given.replace("_", "-"), known, n=1)
    hint = f"did you mean {near[0]}?" if near else f"keys: {', '.join(known)}"
    return ConfigError(f"{section} has no key {given!r} ({hint})")


def _display(path: str) -> str:
    """A path as the user knows it: from the current folder when below it."""
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith(os.pardir) else relative


def _shown_where(where: dict[str, str], key: str) -> str:
    return where[key] if where[key] != DEFAULT else f"--{key}"


def _nothing_selected(where: dict[str, str]) -> str:
    if "[flake8]" in where["select"]:
        return (f"{where['select']} selects no RB code: flake8 reports none of this plugin's findings, and this command "
                f"would report nothing; add RB to it, or set select in [tool.{TABLE}] (read first)")
    chosen = ", ".join(f"{where[key]}" for key in CODE_KEYS if where[key] != DEFAULT)
    return f"{chosen}: no code is left to report (codes: {', '.join(CODES)})"
