"""The flake8 entry point."""

from __future__ import annotations

import argparse
import ast
import sys
from typing import Any, Iterator, Sequence

from .. import __version__
from ..config import Config, ConfigError
from ..engine import analyse_lines
from ..options import LIST, OPTIONS, analysis_config
from ..text import Text
from .noqa import unsilenced

FLAKE8_OPTIONS = tuple(option for option in OPTIONS if option.flake8)

USAGE = 2  # the exit status of a bad option value


class Plugin:
    name = "flake8-redundant-bias"
    version = __version__
    config = Config()
    noqa = True  # flake8's --disable-noqa turns it off: then no comment silences a finding, on any line

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename  # stdin's display name when given: the other modules are read beside it

    @classmethod
    def add_options(cls, manager: Any) -> None:
        for option in FLAKE8_OPTIONS:
            listed = option.kind == LIST
            default = "" if listed else str(option.default).lower()
            manager.add_option(
                option.flake8_flag, default=default, parse_from_config=True, comma_separated_list=listed, help=option.help,
            )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.noqa = not getattr(options, "disable_noqa", False)
        given = {option.key: getattr(options, option.flake8_flag[2:].replace("-", "_"), None) for option in FLAKE8_OPTIONS}
        try:
            cls.config = analysis_config({key: value for key, value in given.items() if value not in (None, "", [])})
        except ConfigError as error:
            # Written, not handed to SystemExit: an editor that runs flake8 in-process (VS Code's
            # extension, through runpy) catches SystemExit and shows only what reached stderr.
            # Status 2, a usage error, never 1, which says "findings".
            print(f"flake8-redundant-bias: {error}", file=sys.stderr)
            raise SystemExit(USAGE) from None

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        diagnostics = analyse_lines(self.tree, self.lines, self.config, self.filename)
        if diagnostics and self.noqa:
            # flake8 reads a noqa on the reported line; a formatter may have moved it to another line of the call.
            diagnostics = unsilenced(diagnostics, self.lines)
        text = Text(self.lines) if diagnostics else None
        for diagnostic in diagnostics:
            # flake8 counts columns in UTF-8 bytes, as the AST does; a diagnostic in characters.
            column = text.bytes(diagnostic.line, diagnostic.col)  # type: ignore[union-attr]
            yield diagnostic.line, column, diagnostic.text, type(self)
