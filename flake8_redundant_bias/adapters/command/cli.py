"""``redundant-bias``: the linter as its own command, for teams on ruff, for CI and code scanning.

``check`` lints files (exit 0: no findings, 1: findings, 2: a usage or
configuration error); ``explain CODE`` and ``rule --all`` print the rules' pages.
The findings are the flake8 plugin's: the same analysis, without pycodestyle
and pyflakes, with a cache, on several cores, with fixes.
"""

from __future__ import annotations

import argparse
import difflib
from collections import Counter
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from ... import __version__
from . import settings
from .cache import Cache
from .checking import Checked, check_files, fix_text, fixable
from ...rules import CODES, Code
from ...config import Config, ConfigError
from ...pages import lookup, markdown_page, text_page
from .files import CACHE_FOLDER, DEFAULT_EXCLUDE, Excluder, MissingPath, python_files
from .outputs import FORMATS, Shown, place, render, statistics
from ...options import ANALYSIS_GROUP, CODES_GROUP, FILES_GROUP, LIST, OPTIONS, analysis_config
from ..flake8 import USAGE
from .selection import Selection, SelectionError

FINDINGS = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    options = parser.parse_args(argv)
    if options.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return options.run(options)
    except (ConfigError, SelectionError, MissingPath) as error:
        print(f"redundant-bias: error: {error}", file=sys.stderr)
        return USAGE
    except BrokenPipeError:  # the output piped into `head`: what was asked for was written
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # Ctrl-C: stop without a traceback, with the shell's status for it
        print("redundant-bias: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redundant-bias", description="Find biases cancelled by a normalization, and weight decay on biases and norms.",
    )
    parser.add_argument("--version", action="version", version=f"redundant-bias {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="lint files and folders (default: the current folder)")
    check.set_defaults(run=_check)
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .)")
    groups = {group: check.add_argument_group(group) for group in (CODES_GROUP, FILES_GROUP, ANALYSIS_GROUP)}
    for option in OPTIONS:
        flags = [f"--{option.key}"] + ([option.flake8_flag] if option.flake8 else [])
        if option.kind == LIST:
            groups[option.group].add_argument(*flags, dest=option.dest, type=_comma_list, metavar="LIST", help=option.help)
        elif option.flake8:
            groups[option.group].add_argument(*flags, dest=option.dest, metavar="true|false", help=option.help)
        else:  # a switch on by default: the command turns it off
            groups[option.group].add_argument(
                f"--no-{option.key}", dest=option.dest, action="store_false", default=None, help=option.off,
            )
    out = check.add_argument_group("output")
    out.add_argument("--output-format", choices=FORMATS, default="text")
    out.add_argument("--statistics", action="store_true", help="counts per code and the wasted parameters, not the findings")
    out.add_argument("--show-fixes", action="store_true", help="show each fix, and the code to write for the rules without one")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    fixing = check.add_argument_group("fixing")
    fixing.add_argument("--fix", action="store_true", help="apply the safe fixes")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, apply the unsafe fixes too")
    fixing.add_argument("--diff", action="store_true", help="print the fixes as a diff instead of writing them")
    run = check.add_argument_group("run")
    run.add_argument("--config", type=Path, metavar="PYPROJECT", help="read [tool.redundant-bias] from this file")
    run.add_argument("--isolated", action="store_true", help="read no configuration file")
    run.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    run.add_argument("--cache-dir", metavar="DIR", help=f"where the cache lives (default: {CACHE_FOLDER} in the project)")
    run.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="processes (default: one per core)")

    explain = commands.add_parser("explain", help="what a rule reports, why, and how to fix or silence it")
    explain.set_defaults(run=_explain)
    explain.add_argument("code", metavar="CODE")
    rule = commands.add_parser("rule", help="the page of one rule, or of all of them")
    rule.set_defaults(run=_rule)
    rule.add_argument("code", nargs="?", metavar="CODE")
    rule.add_argument("--all", action="store_true")
    rule.add_argument("--output-format", choices=("text", "markdown", "json"), default="text")
    return parser


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


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


# ---------------------------------------------------------------- check

def _check(options: argparse.Namespace) -> int:
    found = _settings(options)
    values = {option.key: _value(options, found, option.dest, option.default) for option in OPTIONS}
    config = analysis_config(values)
    selection = Selection(values["select"], values["ignore"], values["extend-select"])
    gitignore = values["respect-gitignore"]
    paths = list(python_files(options.paths or ["."], _excluder(options, found), gitignore))
    cache = Cache(None if options.no_cache else _cache_folder(options, found), (config.rows, config.follow_imports))
    checked = list(check_files(paths, config, selection, cache, options.jobs or _cores()))
    cache.write()
    fixing = options.fix or options.diff
    changed = _apply_fixes(checked, config, selection, options) if fixing else 0
    shown = [s for c in checked if c.source is not None for s in place(c.path, c.findings)]
    _report(shown, checked, options, sys.stdout)
    _problems(checked, sys.stderr)
    if options.diff:
        return FINDINGS if changed else 0  # the status says whether there is a diff, as the diff is the output
    return FINDINGS if shown and not options.exit_zero else 0


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use, not the machine's
    return os.cpu_count() or 1


def _settings(options: argparse.Namespace) -> dict[str, Any]:
    """``[tool.redundant-bias]``, keys with underscores, and where the file is (``_folder``)."""
    if options.isolated:
        return {}
    path = options.config or settings.find(Path.cwd())
    if path is None:
        return {}
    if not path.is_file():
        raise ConfigError(f"--config: {path}: no such file")
    found = {key.replace("-", "_"): value for key, value in settings.load(path).items()}
    found["_folder"] = str(path.resolve().parent)
    return found


def _value(options: argparse.Namespace, found: dict[str, Any], key: str, default: Any) -> Any:
    given = getattr(options, key)
    return given if given is not None else found.get(key, default)


def _excluder(options: argparse.Namespace, found: dict[str, Any]) -> Excluder:
    here, there = os.getcwd(), found.get("_folder", os.getcwd())
    if options.exclude is not None:
        base = [(pattern, here) for pattern in options.exclude]
    elif "exclude" in found:
        base = [(pattern, there) for pattern in found["exclude"]]
    else:
        base = [(pattern, here) for pattern in DEFAULT_EXCLUDE]
    extra = [(pattern, there) for pattern in found.get("extend_exclude", [])]
    extra += [(pattern, here) for pattern in options.extend_exclude or []]
    return Excluder(base + extra + [(CACHE_FOLDER, here)])


def _cache_folder(options: argparse.Namespace, found: dict[str, Any]) -> str:
    if options.cache_dir:
        return options.cache_dir
    return os.path.join(found.get("_folder", os.getcwd()), CACHE_FOLDER)


def _apply_fixes(checked: list[Checked], config: Config, selection: Selection, options: argparse.Namespace) -> int:
    """Fix each file in place (or print the diff); the findings left replace the file's findings. Files changed."""
    changed = 0
    for number, item in enumerate(checked):
        if item.source is None or not fixable(item.findings, options.unsafe_fixes):
            continue
        fixed = fix_text(item.source.text, item.path, item.findings, config, selection, options.unsafe_fixes)
        if fixed.problem is not None:
            checked[number] = item._replace(problem=fixed.problem)
            continue
        if fixed.text == item.source.text:
            continue
        changed += 1
        if options.diff:
            sys.stdout.writelines(difflib.unified_diff(
                item.source.text.splitlines(keepends=True), fixed.text.splitlines(keepends=True),
                fromfile=f"a/{item.path}", tofile=f"b/{item.path}",
            ))
            continue
        with open(item.path, "wb") as handle:
            handle.write(fixed.text.encode(item.source.encoding))
        checked[number] = item._replace(source=item.source._replace(text=fixed.text), findings=fixed.findings)
        print(f"{item.path}: fixed {fixed.applied} finding{'s' if fixed.applied != 1 else ''}", file=sys.stderr)
    return changed


def _report(shown: list[Shown], checked: list[Checked], options: argparse.Namespace, out: TextIO) -> None:
    if options.statistics:
        if shown:
            out.write(statistics(shown))
        return
    if options.diff and options.output_format == "text":
        return  # the diff was the output
    out.write(render(options.output_format, shown))
    if options.output_format != "text":
        return
    if not shown:
        out.write(f"No findings in {len(checked)} file{'s' if len(checked) != 1 else ''}.\n")
        return
    if options.show_fixes:
        _show_fixes(shown, out)
    unsafe = fixable((s.finding for s in shown), True) - fixable((s.finding for s in shown), False)
    safe = fixable((s.finding for s in shown), False)
    count = len(shown)
    note = []
    if safe:
        note.append(f"{safe} fixable with --fix")
    if unsafe:
        note.append(f"{unsafe} fixable with --fix --unsafe-fixes")
    out.write(f"Found {count} finding{'s' if count != 1 else ''}{' (' + '; '.join(note) + ')' if note else ''}.\n")


def _show_fixes(shown: list[Shown], out: TextIO) -> None:
    for code in sorted({s.finding.code for s in shown}):
        rule = CODES[code]
        if rule.fix is not None:
            titles = sorted({s.finding.fix.title for s in shown if s.finding.code == code and s.finding.fix})
            out.write(f"\n{code}: {', '.join(titles) or 'no fix where the bias is decided elsewhere'}"
                      f"{' (unsafe: --fix --unsafe-fixes)' if titles else ''}\n")
        else:
            body = "".join("    " + line if line.strip() else line for line in rule.right.splitlines(keepends=True))
            out.write(f"\n{code} has no automatic fix; write it as:\n\n{body}")
    out.write("\n")


def _problems(checked: list[Checked], err: TextIO) -> None:
    """Files that could not be checked, and internal errors: counted, one line each, on stderr."""
    for item in checked:
        if item.problem is not None:
            err.write(f"{item.path}: {item.problem}\n")
    errors = [(item.path, error) for item in checked for error in item.errors]
    if errors:
        files = len({path for path, _ in errors})
        err.write(
            f"redundant-bias: {len(errors)} internal error{'s' if len(errors) != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}, contained (their findings may be incomplete; please report):\n"
        )
        for (path, error), count in Counter(errors).items():  # one unit after another may meet the same error
            err.write(f"  {path}: {error}{f' ({count} times)' if count > 1 else ''}\n")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
