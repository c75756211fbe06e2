"""Internal errors stay inside the unit of work that met them.

A unit is one container, one call chain, one optimizer call: an odd construct
that breaks the analysis of one unit loses that unit's findings (it reports
nothing false) and keeps the rest of the file's.  The project's own tests set
FLAKE8_REDUNDANT_BIAS_STRICT=1, so that containment never hides a bug there.
"""

from __future__ import annotations

import os
from typing import Callable, Iterable, TypeVar

STRICT = os.environ.get("FLAKE8_REDUNDANT_BIAS_STRICT") == "1"

T = TypeVar("T")
Unit = Callable[[], Iterable[T]]


def contained(unit: Unit[T]) -> list[T]:
    """Everything a unit produces, or nothing if it raises (outside strict mode)."""
    try:
        return list(unit())
    except Exception:  # noqa: BLE001 - a linter must never take the whole run down
        if STRICT:
            raise
        return []


def attempt(action: Callable[[], object]) -> None:
    """Run a step whose failure only loses what it would have added."""
    contained(lambda: (action(), ())[1])
