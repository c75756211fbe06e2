"""Which findings a ``# noqa`` comment silences: flake8's own comment, read on every line a finding spans.

flake8 reads a ``noqa`` on the reported line only (a multi-line string counts as
one line).  A formatter that splits a long call moves the comment a user wrote to
the line that closes the statement, so here a finding is silenced by a ``noqa``
(bare, naming its code, or a prefix of it) on any line from where the reported
call starts to where it ends, or on the last line of the statement holding it.
Both adapters ask this module: the flake8 plugin for the lines flake8 does not
read, the command for all of them.
"""

from __future__ import annotations

import io
import tokenize
from bisect import bisect_left
from typing import TYPE_CHECKING, Iterable, Sequence

from flake8.defaults import NOQA_FILE, NOQA_INLINE_REGEXP
from flake8.utils import parse_comma_separated_list

if TYPE_CHECKING:  # a flake8 run imports the diagnostics only once a file names a framework
    from ..diagnostics import Diagnostic


def unsilenced(findings: Iterable[Diagnostic], lines: Sequence[str]) -> list[Diagnostic]:
    """The findings no ``# noqa`` silences; ``lines`` split after each newline, ends kept (as flake8 gives them)."""
    findings = list(findings)
    if not findings or "noqa" not in "".join(lines).lower():
        return findings  # most files with findings say noqa nowhere: nothing to tokenize
    if any(NOQA_FILE.match(line) for line in lines):
        return []
    searched, statement_ends = _read(lines)
    return [
        finding for finding in findings
        if not any(_silenced(finding.code, searched.get(number, "")) for number in _lines(finding, statement_ends))
    ]


def _lines(finding: Diagnostic, statement_ends: Sequence[int]) -> Iterable[int]:
    yield from range(finding.line, finding.end_line + 1)
    at = bisect_left(statement_ends, finding.end_line)
    if at < len(statement_ends) and statement_ends[at] > finding.end_line:
        yield statement_ends[at]


def _silenced(code: str, line: str) -> bool:
    match = NOQA_INLINE_REGEXP.search(line)
    if match is None:
        return False
    codes = match.group("codes")
    if codes is None:
        return True
    listed = tuple(parse_comma_separated_list(codes))
    return code in listed or code.startswith(listed)


def _read(lines: Sequence[str]) -> tuple[dict[int, str], list[int]]:
    """For each line, the text flake8 searches for ``noqa`` (all lines of a string token spanning it); and the
    lines where statements end."""
    searched = {number: line for number, line in enumerate(lines, 1)}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("".join(lines)).readline))
    except (tokenize.TokenError, SyntaxError):
        return searched, []
    first, last = len(lines) + 2, -1
    for kind, _, start, end, _ in tokens:
        if kind in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        first, last = min(first, start[0]), max(last, end[0])
        if kind in (tokenize.NL, tokenize.NEWLINE):
            searched.update(dict.fromkeys(range(first, last + 1), "".join(lines[first - 1:last])))
            first, last = len(lines) + 2, -1
    return searched, [token.start[0] for token in tokens if token.type == tokenize.NEWLINE]
