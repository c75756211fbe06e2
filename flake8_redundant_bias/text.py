"""A module's text, addressed by the line numbers the parser gives its nodes."""

from __future__ import annotations

from itertools import accumulate
from typing import Sequence


class Text:
    """The text, and the offset where each line starts: a node's lines are one slice, never a join."""

    __slots__ = ("text", "_lines", "_starts")

    def __init__(self, lines: Sequence[str]) -> None:
        """``lines`` as flake8 gives them: split after each newline, ends kept."""
        self.text = "".join(lines)
        self._lines = lines
        self._starts: list[int] | None = None  # counted when first asked: most files never need them

    @property
    def starts(self) -> list[int]:
        """Where each line starts, and where the text ends."""
        if self._starts is None:
            self._starts = list(accumulate(map(len, self._lines), initial=0))
        return self._starts

    @classmethod
    def of(cls, text: str) -> Text:
        """Split as the parser counts lines: only at a newline (``str.splitlines`` also splits at a form feed)."""
        lines = text.split("\n")
        return cls([line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else []))

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Where lines ``first`` to ``last`` (counted from 1, both included) lie in the text."""
        starts = self.starts
        count = len(starts) - 1
        return starts[min(max(first - 1, 0), count)], starts[min(max(last, 0), count)]

    def lines(self, first: int, last: int) -> str:
        start, end = self.span(first, last)
        return self.text[start:end]

    def chars(self, line: int, byte_col: int) -> int:
        """The character column of an AST column, which counts UTF-8 bytes, on line ``line``."""
        text = self.lines(line, line)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def bytes(self, line: int, char_col: int) -> int:
        """The UTF-8 byte column (as the AST and flake8 count) of a character column on line ``line``."""
        text = self.lines(line, line)
        if text.isascii():
            return char_col
        return len(text[:char_col].encode("utf-8"))
