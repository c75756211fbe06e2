"""The flake8 entry point."""

from __future__ import annotations

import argparse
import ast
import sys
from typing import Any, Iterator, Sequence

from .. import __version__
from ..config import Config, ConfigError
from ..engine import analyse
from ..text import Text

OPTIONS = (
    (
        "--redundant-bias-producers", "producers",
        "extra layers that add a bias, comma-separated NAME[:KEYWORD[@POSITION][=True|False]] "
        "(default keyword: bias, default value: True)",
    ),
    (
        "--redundant-bias-norms", "norms",
        "extra normalizations that cancel a per-channel bias, comma-separated dotted import paths",
    ),
    (
        "--redundant-bias-transparent", "transparent",
        "extra steps that keep a per-channel bias constant per channel, comma-separated dotted import paths",
    ),
)


FOLLOW_IMPORTS = "--redundant-bias-follow-imports"
USAGE = 2  # the exit status of a bad option value


class Plugin:
    name = "flake8-redundant-bias"
    version = __version__
    config = Config()

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename  # stdin's display name when given: the other modules are read beside it

    @classmethod
    def add_options(cls, manager: Any) -> None:
        for flag, _, help_text in OPTIONS:
            manager.add_option(flag, default="", parse_from_config=True, comma_separated_list=True, help=help_text)
        manager.add_option(
            FOLLOW_IMPORTS, default="true", parse_from_config=True,
            help="read the project's own modules that a linted file imports from, to follow values and "
            "layers defined there (true or false; default: true)",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        values = {key: getattr(options, flag[2:].replace("-", "_"), None) or [] for flag, key, _ in OPTIONS}
        follow = getattr(options, FOLLOW_IMPORTS[2:].replace("-", "_"), "true")
        try:
            cls.config = Config.build(**values, follow_imports=follow)
        except ConfigError as error:
            # Written, not handed to SystemExit: an editor that runs flake8 in-process (VS Code's
            # extension, through runpy) catches SystemExit and shows only what reached stderr.
            # Status 2, a usage error, never 1, which says "findings".
            print(f"flake8-redundant-bias: {error}", file=sys.stderr)
            raise SystemExit(USAGE) from None

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        diagnostics = analyse(self.tree, self.lines, self.config, self.filename)
        text = Text(self.lines) if diagnostics else None
        for diagnostic in diagnostics:
            # flake8 counts columns in UTF-8 bytes, as the AST does; a diagnostic in characters.
            column = text.bytes(diagnostic.line, diagnostic.col)  # type: ignore[union-attr]
            yield diagnostic.line, column, diagnostic.text, type(self)
