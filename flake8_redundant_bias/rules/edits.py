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


def add_keyword(call: ast.Call, keyword: str, value: str, source: Text) -> Edit | None:
    """Insert ``keyword=value`` after the call's last argument; None where that is not plain to do."""
    if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.GeneratorExp):
        return None  # f(x for x in y): a second argument would need the generator parenthesized
    start_line, end_line = call.lineno, call.end_lineno or call.lineno
    start = source.chars(start_line, call.col_offset)
    starts = source.starts
    end = source.chars(end_line, call.end_col_offset or 0)
    segment = source.text[starts[start_line - 1] + start: starts[end_line - 1] + end]
    significant = _significant(segment)
    if len(significant) < 2 or significant[-1][0] != ")":
        return None
    text, (row, col) = significant[-2]
    line = start_line + row - 1
    col = col + start if row == 1 else col
    if not call.args and not call.keywords:
        insert = f"{keyword}={value}"
    elif text == ",":
        own_line = _own_line(source, line, keyword, value, row < significant[-1][1][0])
        if own_line is not None:
            return own_line
        insert = f" {keyword}={value},"
    else:
        insert = f", {keyword}={value}"
    return Edit(line, col, line, col, insert)


def _own_line(source: Text, line: int, keyword: str, value: str, closed_below: bool) -> Edit | None:
    """One argument a line, the last with its comma and the parenthesis below: the keyword gets a line of its
    own, indented as the last argument's, after that line's comment (which stays with its argument)."""
    if not closed_below:
        return None
    text = source.lines(line, line).rstrip("\n")
    if text.rstrip().endswith("\\"):
        return None  # a backslash continuation: a line break here would end it
    indent = text[: len(text) - len(text.lstrip())]
    return Edit(line, len(text), line, len(text), f"\n{indent}{keyword}={value},")


def _significant(segment: str) -> list[tuple[str, tuple[int, int]]]:
    """The segment's tokens that are code (no comments or line breaks): the text, and where each ends."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(segment).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [(token.string, token.end) for token in tokens if token.type not in SKIPPED]
