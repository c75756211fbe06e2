"""Fixes as text edits on exact spans.

An edit replaces the span the AST gives for one argument, or inserts a keyword
just after the call's last argument (found with the tokenizer, so a
parenthesized argument, a trailing comma or a comment before the closing
parenthesis are all kept): every character outside the edit stays as written.
"""

from __future__ import annotations

import ast
import io
import tokenize

from ..diagnostics import Edit
from ..text import Text

SKIPPED = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


def replace(node: ast.expr, text: str, source: Text) -> Edit:
    """Replace an expression, as the AST spans it (its own parentheses stay)."""
    line, end_line = node.lineno, node.end_lineno or node.lineno
    return Edit(line, source.chars(line, node.col_offset), end_line, source.chars(end_line, node.end_col_offset or 0), text)


def add_keyword(call: ast.Call, keyword: str, value: str, source: Text) -> tuple[Edit, ...]:
    """Insert ``keyword=value`` after the call's last argument; no edit where that is not plain to do."""
    if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.GeneratorExp):
        return ()  # f(x for x in y): a second argument would need the generator parenthesized
    start_line, end_line = call.lineno, call.end_lineno or call.lineno
    start = source.chars(start_line, call.col_offset)
    starts = source.starts
    end = source.chars(end_line, call.end_col_offset or 0)
    segment = source.text[starts[start_line - 1] + start: starts[end_line - 1] + end]
    significant = _significant(segment)
    if len(significant) < 2 or significant[-1][0] != ")":
        return ()
    text, (row, col) = significant[-2]
    line = start_line + row - 1
    col = col + start if row == 1 else col
    added = f"{keyword}={value}"
    if not call.args and not call.keywords:
        return (Edit(line, col, line, col, added),)
    layout = _one_per_line(source, call, line) if row < significant[-1][1][0] else None
    if layout is not None:  # the keyword gets a line of its own, after the comment that stays with its argument
        indent, line_end = layout
        if text == ",":
            return (Edit(line, line_end, line, line_end, f"\n{indent}{added},"),)
        if not source.lines(line, line)[col:].strip():
            return (Edit(line, col, line, col, f",\n{indent}{added}"),)
        return Edit(line, col, line, col, ","), Edit(line, line_end, line, line_end, f"\n{indent}{added}")
    return (Edit(line, col, line, col, f" {added}," if text == "," else f", {added}"),)


def _one_per_line(source: Text, call: ast.Call, line: int) -> tuple[str, int] | None:
    """A call laid out one argument a line, its parenthesis below the last: that argument's indent and where its line
    ends; None for any other layout."""
    arguments = [*call.args, *call.keywords]
    last = max(arguments, key=lambda node: (node.lineno, node.col_offset))  # type: ignore[attr-defined]
    text = source.lines(line, line).rstrip("\n")
    if last.lineno != line or text.rstrip().endswith("\\"):  # type: ignore[attr-defined]
        return None  # an argument over several lines, or a backslash continuation a line break would end
    indent = text[: len(text) - len(text.lstrip())]
    if source.chars(line, last.col_offset) != len(indent):  # type: ignore[attr-defined]
        return None  # not the first thing on its line
    return indent, len(text)


def _significant(segment: str) -> list[tuple[str, tuple[int, int]]]:
    """The segment's tokens that are code (no comments or line breaks): the text, and where each ends."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [(token.string, token.end) for token in tokens if token.type not in SKIPPED]
