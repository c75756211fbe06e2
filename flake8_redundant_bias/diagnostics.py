"""What every output needs of a finding: where it starts and ends, its message, and a fix when one is known."""

from __future__ import annotations

import ast
from typing import NamedTuple, Optional


class Edit(NamedTuple):
    """Replace the text from (line, col) to (end_line, end_col) with ``text``.

    Lines count from 1, columns from 0 in characters (not the UTF-8 bytes the AST counts).
    """

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


class Fix(NamedTuple):
    title: str  # what the fix does, in a few words: "pass bias=False"
    edits: tuple[Edit, ...]
    safe: bool  # False: the fix changes something users must know of (a checkpoint's keys)


class Finding(NamedTuple):
    line: int
    col: int  # 0-based UTF-8 byte offset, as in the AST; flake8 adds 1 when it reports
    message: str  # starts with the code
    end_line: int = 0
    end_col: int = 0  # as ``col``
    fix: Optional[Fix] = None
    wasted: Optional[int] = None  # parameters the finding wastes, where known

    @classmethod
    def at(cls, node: ast.AST, message: str, *, end: ast.AST | None = None, fix: Fix | None = None,
           wasted: int | None = None) -> Finding:
        """A finding spanning ``node`` (to the end of ``end`` when given: a loop's header, not its body)."""
        last = end or node
        return cls(
            node.lineno, node.col_offset, message,  # type: ignore[attr-defined]
            getattr(last, "end_lineno", None) or node.lineno,  # type: ignore[attr-defined]
            getattr(last, "end_col_offset", None) or 0, fix, wasted,
        )

    @property
    def code(self) -> str:
        return self.message.partition(" ")[0]

    @property
    def key(self) -> tuple[int, int, str]:
        """How findings are ordered and told apart."""
        return self.line, self.col, self.message
