"""Which codes a run reports: ``select``, ``extend-select``, ``ignore``, ``extend-ignore``, ``per-file-ignores``.

Decided as flake8 decides: a code named by a selector and an ignore is chosen by
the longer prefix (``--select RB --ignore RB2`` keeps RB101 and drops RB201; on a
tie the ignore wins); when ``select`` is not given, every code is selected only
by default, and any ignore that names it wins (``--ignore R`` drops them all).
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from ...rules import CODES

SELECTOR = re.compile(r"^[A-Z]+[0-9]*$")


class SelectionError(ValueError):
    """A selector that is not a code prefix, or that names no rule."""


def names_a_rule(selector: str) -> bool:
    return bool(SELECTOR.match(selector)) and any(code.startswith(selector) for code in CODES)


def check_selectors(selectors: Sequence[str], where: str) -> None:
    for selector in selectors:
        if not names_a_rule(selector):
            raise SelectionError(
                f"{where}: {selector!r} selects no rule (codes: {', '.join(CODES)}; a prefix such as RB1 selects a family)"
            )


class Selection:
    def __init__(
        self, select: Sequence[str] | None = None, ignore: Sequence[str] = (), extend_select: Sequence[str] = (),
        extend_ignore: Sequence[str] = (), names: Mapping[str, str] | None = None,
    ) -> None:
        """``select`` None: not given, every code selected by default.  ``names``: how an error names each setting."""
        names = names or {}
        given = (("select", select or ()), ("ignore", ignore), ("extend-select", extend_select), ("extend-ignore", extend_ignore))
        for key, values in given:
            check_selectors(values, names.get(key, f"--{key}"))
        self.by_default = select is None
        self.select = tuple(select or ()) + tuple(extend_select)
        self.ignore = tuple(ignore) + tuple(extend_ignore)
        self.codes = frozenset(code for code in CODES if self.chosen(code))

    def chosen(self, code: str) -> bool:
        selected = _longest(self.select, code)
        ignored = _longest(self.ignore, code)
        if ignored < 0:
            return selected >= 0 or self.by_default
        return selected > ignored  # a default selection never beats an ignore

    def ignoring(self, codes: Sequence[str]) -> Selection:
        """This selection with more ignores: a file's ``per-file-ignores``."""
        if not codes:
            return self
        chosen = Selection.__new__(Selection)
        chosen.by_default, chosen.select, chosen.ignore = self.by_default, self.select, self.ignore + tuple(codes)
        chosen.codes = frozenset(code for code in CODES if chosen.chosen(code))
        return chosen


def _longest(prefixes: Sequence[str], code: str) -> int:
    return max((len(prefix) for prefix in prefixes if code.startswith(prefix)), default=-1)
