"""The command's configuration: ``[tool.redundant-bias]`` in ``pyproject.toml``.

The keys are the settings of ``options.OPTIONS``: the flake8 options' (``producers``,
``norms``, ``transparent``, ``follow-imports``; their flake8 spelling
``redundant-bias-norms`` is read too) and the command's own choice of codes and
files.  A list is a TOML array or one comma-separated string, as in flake8's
configuration.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ...config import ConfigError
from ...options import OPTIONS, SPELLINGS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the tomli backport, a dependency below 3.11
    import tomli as tomllib

TABLE = "redundant-bias"


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
        option = SPELLINGS.get(given)
        if option is None:
            known = ", ".join(option.key for option in OPTIONS)
            raise ConfigError(f"{path}: [tool.{TABLE}] has no key {given!r} (keys: {known})")
        settings[option.key] = option.read(raw, f"{path}: [tool.{TABLE}] {given}")
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
