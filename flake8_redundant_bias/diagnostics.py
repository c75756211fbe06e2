"""What every output needs of a finding: its code, where it starts and ends, its message, and a fix when one is known.

Columns count characters (as editors and SARIF do); the flake8 adapter converts
them to the UTF-8 bytes flake8 reports, the only place that needs them.
"""

from __future__ import annotations

import ast
from typing import Iterable, NamedTuple, Optional, Sequence

from .text import Text

SAFE, UNSAFE = "safe", "unsafe"  # a fix's applicability: unsafe ones are applied only on request


class Edit(NamedTuple):
    """Replace the text from (line, col) to (end_line, end_col) with ``text``; lines from 1, columns from 0."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


class Fix(NamedTuple):
    title: str  # what the fix does, in a few words: "pass bias=False"
    edits: tuple[Edit, ...]
    applicability: str  # SAFE, or UNSAFE: the fix changes something users must know of (a checkpoint's keys)

    @property
    def safe(self) -> bool:
        return self.applicability == SAFE


class Diagnostic(NamedTuple):
    code: str  # "RB101"
    message: str  # without the code
    line: int
    col: int  # 0-based, in characters
    end_line: int
    end_col: int
    fix: Optional[Fix] = None
    wasted: Optional[int] = None  # parameters the finding wastes, where known

    @classmethod
    def at(
        cls, node: ast.AST, code: str, message: str, text: Text, *, end: ast.AST | None = None,
        fix: Fix | None = None, wasted: int | None = None,
    ) -> Diagnostic:
        """A diagnostic spanning ``node`` (to the end of ``end`` when given: a loop's header, not its body)."""
        last = end or node
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(last, "end_lineno", None) or line
        end_col = getattr(last, "end_col_offset", None) or 0
        col = text.chars(line, node.col_offset)  # type: ignore[attr-defined]
        return cls(code, message, line, col, end_line, text.chars(end_line, end_col), fix, wasted)

    @property
    def text(self) -> str:
        """The code and the message, as flake8 shows them."""
        return f"{self.code} {self.message}"

    @property
    def key(self) -> tuple[int, int, str]:
        """How diagnostics are ordered and told apart."""
        return self.line, self.col, self.text


def apply(text: str, edits: Iterable[Edit]) -> str:
    """The text with the edits made, their line breaks as the text's own; an edit that overlaps one made is left out."""
    starts = Text.of(text).starts
    newline = "\r\n" if "\r\n" in text else "\n"
    spans = sorted({
        (_offset(starts, e.line, e.col), _offset(starts, e.end_line, e.end_col), e.text.replace("\n", newline))
        for e in edits
    })
    parts: list[str] = []
    done = 0
    for start, end, replacement in spans:
        if start < done:
            continue
        parts += [text[done:start], replacement]
        done = end
    return "".join(parts) + text[done:]


def _offset(starts: Sequence[int], line: int, col: int) -> int:
    return starts[min(line - 1, len(starts) - 1)] + col
