"""Internal errors stay inside the unit of work that met them.

A unit is one container, one call chain, one optimizer call: an odd construct
that breaks the analysis of one unit loses that unit's findings (it reports
nothing false) and keeps the rest of the file's.  The project's own tests set
FLAKE8_REDUNDANT_BIAS_STRICT=1, so that containment never hides a bug there.
The flake8 plugin stays silent about what was contained; the command takes the
errors after each file (``take_errors``), counts them and reports them.
"""

from __future__ import annotations

import os
import traceback
from typing import Callable, Iterable, TypeVar

STRICT = os.environ.get("FLAKE8_REDUNDANT_BIAS_STRICT") == "1"
KEPT = 100  # descriptions kept until taken: a long flake8 run, where nobody takes them, must not grow

_errors: list[str] = []

T = TypeVar("T")
Unit = Callable[[], Iterable[T]]


def contained(unit: Unit[T]) -> list[T]:
    """Everything a unit produces, or nothing if it raises (outside strict mode)."""
    try:
        return list(unit())
    except Exception as error:  # noqa: BLE001 - a linter must never take the whole run down
        record(error)
        return []


def record(error: Exception) -> None:
    """Keep an error a unit of work met (``except Exception as error: record(error)``); in strict mode, raise it."""
    if STRICT:
        raise error
    if len(_errors) < KEPT:
        _errors.append(_describe(error))


def take_errors() -> list[str]:
    """The internal errors contained since the last call, each described in one line."""
    taken = _errors[:]
    _errors.clear()
    return taken


def _describe(error: Exception) -> str:
    """``KeyError: 'x' (flow.py:120)``: the error, and the plugin's line that met it."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "flake8_redundant_bias" in frame.filename]
    where = f" ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"
