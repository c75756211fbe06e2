"""Which codes a run reports (``--select``, ``--ignore``, ``--extend-select``).

As flake8 reads them: a code is chosen by its longest matching prefix
(``--select RB --ignore RB2`` keeps RB101 and drops RB201; on a tie the ignore
wins).
"""

from __future__ import annotations

import re
from typing import Sequence

from ...rules import CODES

SELECTOR = re.compile(r"^[A-Z]+[0-9]*$")


class SelectionError(ValueError):
    """A selector that is not a code prefix, or that names no rule."""


class Selection:
    def __init__(
        self, select: Sequence[str] = ("RB",), ignore: Sequence[str] = (), extend_select: Sequence[str] = (),
    ) -> None:
        for option, values in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select)):
            for value in values:
                if not SELECTOR.match(value) or not any(code.startswith(value) for code in CODES):
                    raise SelectionError(
                        f"{option}: {value!r} selects no rule "
                        f"(codes: {', '.join(CODES)}; a prefix such as RB1 selects a family)"
                    )
        self.select = tuple(select) + tuple(extend_select)
        self.ignore = tuple(ignore)
        self.codes = frozenset(code for code in CODES if self.chosen(code))

    def chosen(self, code: str) -> bool:
        selected = max((len(prefix) for prefix in self.select if code.startswith(prefix)), default=-1)
        ignored = max((len(prefix) for prefix in self.ignore if code.startswith(prefix)), default=-1)
        return selected > ignored
