"""Which codes a run reports (``--select``, ``--ignore``, ``--extend-select``) and which lines say ``# noqa``.

Both read as flake8 reads them: a code is chosen by its longest matching prefix
(``--select RB --ignore RB2`` keeps RB101 and drops RB201; on a tie the ignore
wins), and ``# noqa`` is flake8's own pattern, on the line where the reported
call starts, or ``# flake8: noqa`` alone on a line for the whole file.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Iterable, Sequence

from flake8.defaults import NOQA_FILE, NOQA_INLINE_REGEXP
from flake8.utils import parse_comma_separated_list

from ...diagnostics import Diagnostic
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


def noqa_filtered(findings: Iterable[Diagnostic], text: str) -> list[Diagnostic]:
    """The findings no ``# noqa`` comment silences, read as flake8 reads them."""
    findings = list(findings)
    if not findings:
        return findings
    lines = io.StringIO(text).readlines()  # at newlines only, as the parser counts lines
    if any(NOQA_FILE.match(line) for line in lines):
        return []
    searched = _noqa_lines(text, lines)
    return [finding for finding in findings if not _silenced(finding.code, searched.get(finding.line, ""))]


def _silenced(code: str, line: str) -> bool:
    match = NOQA_INLINE_REGEXP.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if codes is None:
        return True
    listed = tuple(parse_comma_separated_list(codes))
    return code in listed or code.startswith(listed)


def _noqa_lines(text: str, lines: Sequence[str]) -> dict[int, str]:
    """For each line, the text flake8 searches for ``noqa``: the line, or all lines of a string token spanning it."""
    searched = {number: line for number, line in enumerate(lines, 1)}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return searched
    first, last = len(lines) + 2, -1
    for kind, _, start, end, _ in tokens:
        if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first, last = min(first, start[0]), max(last, end[0])
        if kind in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[first - 1:last])
            searched.update(dict.fromkeys(range(first, last + 1), joined))
            first, last = len(lines) + 2, -1
    return searched
