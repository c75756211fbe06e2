"""The command's configuration: ``[tool.redundant-bias]`` in ``pyproject.toml``.

The keys are the flake8 options' (``producers``, ``norms``, ``transparent``,
``follow-imports``; their flake8 spelling ``redundant-bias-norms`` is read too)
and the command's own choice of codes and files (``select``, ``ignore``,
``extend-select``, ``exclude``, ``extend-exclude``, ``respect-gitignore``).  A list is a TOML array or
one comma-separated string, as in flake8's configuration.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ...config import ConfigError, switch

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the tomli backport, a dependency below 3.11
    import tomli as tomllib

TABLE = "redundant-bias"
LISTS = ("producers", "norms", "transparent", "select", "ignore", "extend-select", "exclude", "extend-exclude")
SWITCHES = ("follow-imports", "respect-gitignore")
FLAKE8_SPELLING = {f"redundant-bias-{key}": key for key in ("producers", "norms", "transparent", "follow-imports")}


def find(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` from ``start`` up that has a ``[tool.redundant-bias]`` table."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and TABLE in _tool(candidate):
            return candidate
    return None


def load(path: Path) -> dict[str, Any]:
    """The table's settings, keys in their short spelling; a ``ConfigError`` naming the file for anything wrong."""
    table = _tool(path).get(TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    settings: dict[str, Any] = {}
    for given, raw in table.items():
        key = FLAKE8_SPELLING.get(given, given)
        if key in LISTS:
            settings[key] = _list(path, given, raw)
        elif key in SWITCHES:
            if not isinstance(raw, (bool, str)):
                raise ConfigError(f"{path}: [tool.{TABLE}] {given} must be true or false")
            settings[key] = switch(f"{path}: [tool.{TABLE}] {given}", raw)
        else:
            known = ", ".join(LISTS + SWITCHES)
            raise ConfigError(f"{path}: [tool.{TABLE}] has no key {given!r} (keys: {known})")
    return settings


def _tool(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    tool = document.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _list(path: Path, key: str, raw: object) -> list[str]:
    if isinstance(raw, str):
        return [part.strip() for part in raw.split(",") if part.strip()]
    if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        return [item.strip() for item in raw if item.strip()]
    raise ConfigError(f"{path}: [tool.{TABLE}] {key} must be a list of strings or one comma-separated string")
