"""``redundant-bias``: the linter as its own command, for teams on ruff, for CI and code scanning.

``check`` lints files; ``explain CODE`` and ``rule --all`` print the rules'
pages.  The findings are the flake8 plugin's: the same analysis, without
pycodestyle and pyflakes, with a cache, on several cores, with fixes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from ... import __version__
from ...config import ConfigError
from ...options import ANALYSIS_GROUP, CODES_GROUP, FILES_GROUP, LIST, MAPPING, OPTIONS
from ...pages import lookup, markdown_page, text_page
from ...rules import CODES, Code
from ..flake8 import USAGE
from .files import CACHE_FOLDER, MissingPath
from .lint import UsageError, check
from .outputs import FORMATS
from .selection import SelectionError

EXIT_STATUSES = """\
exit status:
  0  no findings (or --exit-zero); with --diff, nothing to change
  1  findings, or a file that could not be checked (named on stderr); with --diff, a diff
     was printed
  2  a usage or configuration error (one line on stderr names it)
"""
OUTPUT_FORMATS = """\
output formats (--output-format):
  text    PATH:LINE:COLUMN: CODE message, one a line, then a closing line that counts them
  json    a list of findings: code, message, filename, location, end_location, wasted_parameters, fix
  sarif   SARIF 2.1.0 for code scanning (GitHub, GitLab, VS Code's SARIF viewer), paths from %SRCROOT%
  github  GitHub Actions annotations (::warning file=...), shown on the pull request's lines
"""
CONFIGURATION = """\
configuration: for each file, the nearest pyproject.toml with [tool.redundant-bias], or
setup.cfg/tox.ini/.flake8 whose [flake8] section sets this plugin's options or codes
(--show-settings says which applies and why); the command line wins over both.
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        options = parser.parse_args(argv)
    except _ArgumentError as error:
        command = " ".join(["redundant-bias", *error.command.split()])
        print(f"redundant-bias: error: {error} (see {command} --help)", file=sys.stderr)
        return USAGE
    if options.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return options.run(options)
    except (ConfigError, SelectionError, MissingPath, UsageError) as error:
        print(f"redundant-bias: error: {error}", file=sys.stderr)
        return USAGE
    except BrokenPipeError:  # the output piped into `head`: what was asked for was written
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # Ctrl-C: stop without a traceback, with the shell's status for it
        print("redundant-bias: interrupted", file=sys.stderr)
        return 130


class _ArgumentError(Exception):
    def __init__(self, message: str, command: str) -> None:
        super().__init__(message, command)
        self.message, self.command = message, command

    def __str__(self) -> str:
        return self.message


class _Parser(argparse.ArgumentParser):
    """argparse, its errors one line naming the option, as every other usage error of the command."""

    def error(self, message: str) -> NoReturn:
        raise _ArgumentError(message, self.prog.partition(" ")[2] or "")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="redundant-bias", description="Find biases cancelled by a normalization, and weight decay on biases and norms.",
        epilog=EXIT_STATUSES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"redundant-bias {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check_ = commands.add_parser(
        "check", help="lint files and folders (default: the current folder)", epilog=OUTPUT_FORMATS + "\n"
        + CONFIGURATION + "\n" + EXIT_STATUSES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check_.set_defaults(run=check)
    check_.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .); - reads the code from stdin",
    )
    groups = {group: check_.add_argument_group(group) for group in (CODES_GROUP, FILES_GROUP, ANALYSIS_GROUP)}
    for option in OPTIONS:
        flags = [f"--{option.key}"] + ([option.flake8_flag] if option.flake8 else [])
        if option.kind == LIST:
            groups[option.group].add_argument(*flags, dest=option.dest, metavar="LIST", help=option.help)
        elif option.kind == MAPPING:
            groups[option.group].add_argument(*flags, dest=option.dest, metavar="PATTERN:CODES", help=option.help)
        elif option.flake8:
            groups[option.group].add_argument(*flags, dest=option.dest, metavar="true|false", help=option.help)
        else:  # a switch on by default: the command turns it off
            groups[option.group].add_argument(
                f"--no-{option.key}", dest=option.dest, action="store_false", default=None, help=option.off,
            )
    out = check_.add_argument_group("output")
    out.add_argument("--output-format", choices=FORMATS, default="text", help="text, json, sarif or github (see below)")
    out.add_argument(
        "--statistics", action="store_true",
        help="counts per code and the wasted parameters, not the findings (as text, or with --output-format json)",
    )
    out.add_argument("--show-fixes", action="store_true", help="show each fix as the lines it changes, and the code to "
                     "write for the rules without one")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    fixing = check_.add_argument_group("fixing")
    fixing.add_argument(
        "--fix", action="store_true", help="apply the fixes in place; every fix today is unsafe ([unsafe fix]: a "
        "checkpoint saved with the bias no longer loads with strict=True), so --fix alone says how many --unsafe-fixes "
        "would apply",
    )
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply the unsafe fixes too")
    fixing.add_argument("--diff", action="store_true", help="print the fixes as a diff instead of writing them")
    run = check_.add_argument_group("run")
    run.add_argument(
        "--config", type=Path, metavar="FILE",
        help="read the settings of every file from this pyproject.toml (or setup.cfg, tox.ini, .flake8)",
    )
    run.add_argument("--isolated", action="store_true", help="read no configuration file")
    run.add_argument("--show-settings", action="store_true", help="print the settings for each PATH, where each comes "
                     "from, and exit")
    run.add_argument("--stdin-filename", metavar="PATH", help="with PATH -: the file the code piped in stands for "
                     "(its settings, its project's other modules, the name findings are shown under)")
    run.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    run.add_argument("--cache-dir", metavar="DIR", help=f"where the cache lives (default: {CACHE_FOLDER} in the project)")
    run.add_argument("--jobs", "-j", type=_processes, default=None, metavar="N", help="processes (default: one per core)")

    explain = commands.add_parser("explain", help="what a rule reports, why, and how to fix or silence it",
                                  description="Print a rule's page: what it reports, why, and how to fix or silence it.")
    explain.set_defaults(run=_explain)
    explain.add_argument("code", metavar="CODE", help="a rule's code, such as RB101 (any case)")
    rule = commands.add_parser("rule", help="the page of one rule, or of all of them",
                               description="Print the page of one rule, or of every rule, as text, Markdown or JSON.")
    rule.set_defaults(run=_rule)
    rule.add_argument("code", nargs="?", metavar="CODE", help="a rule's code, such as RB101")
    rule.add_argument("--all", action="store_true", help="every rule's page, in code order")
    rule.add_argument("--output-format", choices=("text", "markdown", "json"), default="text",
                      help="text (default), markdown, or json (fields and the Markdown page)")
    return parser


def _processes(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give 1 or more processes")
    return number


# ---------------------------------------------------------------- explain, rule

def _explain(options: argparse.Namespace) -> int:
    sys.stdout.write(text_page(_rule_named(options.code)))
    return 0


def _rule(options: argparse.Namespace) -> int:
    if options.all == (options.code is not None):
        raise SelectionError("rule takes a CODE or --all")
    codes = list(CODES.values()) if options.all else [_rule_named(options.code)]
    if options.output_format == "json":
        pages = [{"code": c.code, "summary": c.summary, "why": c.why, "wrong": c.wrong, "right": c.right,
                  "fix": c.fix, "page": markdown_page(c)} for c in codes]
        sys.stdout.write(json.dumps(pages if options.all else pages[0], indent=2) + "\n")
    else:
        page = markdown_page if options.output_format == "markdown" else text_page
        sys.stdout.write("\n".join(page(c) for c in codes))
    return 0


def _rule_named(name: str) -> Code:
    code = lookup(name)
    if code is None:
        raise SelectionError(f"no rule {name!r} (codes: {', '.join(CODES)})")
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
