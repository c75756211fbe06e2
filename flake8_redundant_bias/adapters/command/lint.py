"""``redundant-bias check``: each file's settings, the files, their findings, the fixes, and what is written of them."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from typing import Any, TextIO

from ...options import OPTIONS
from .cache import Caches
from .checking import Checked, Job, check_files, check_text, decode, fix_text, fixable, shown, unsafe_only
from .configuration import Configurations
from .files import CACHE_FOLDER, MissingPath, python_files
from .outputs import place, render, statistics
from .summary import closing_line, hidden_fixes, problems, show_fixes

FINDINGS = 1  # the exit status of a run with findings; 2, a usage error, is the caller's
STDIN = "-"


class UsageError(ValueError):
    """Options that do not go together."""


def check(options: argparse.Namespace) -> int:
    _refuse_mixtures(options)
    configurations = Configurations(given(options), options.isolated, options.config)
    paths = options.paths or ["."]
    if options.show_settings:
        return _show_settings(paths, configurations, sys.stdout)
    if paths == [STDIN]:
        return _check_stdin(options, configurations)
    files = list(python_files(paths, configurations.walking()))
    jobs = [_job(path, configurations) for path in files]
    caches = Caches(None if options.no_cache else _cache_folder(options, configurations))
    checked = list(check_files(jobs, caches, options.jobs or _cores()))
    caches.write()
    fixed = _apply_fixes(checked, jobs, options) if options.fix or options.diff else None
    return _finish(checked, options, fixed)


def given(options: argparse.Namespace) -> dict[str, Any]:
    """The settings the command line gives, by key, read as a configuration file's are."""
    found = {}
    for option in OPTIONS:
        value = getattr(options, option.dest)
        if value is not None:
            found[option.key] = option.read(value, f"--{option.key}")
    return found


def _refuse_mixtures(options: argparse.Namespace) -> None:
    if STDIN in options.paths and options.paths != [STDIN]:
        raise UsageError(f"{STDIN} (read the code from stdin) cannot be given with other paths")
    if options.stdin_filename is not None and options.paths != [STDIN]:
        raise UsageError(f"--stdin-filename names the code read from stdin: give the path {STDIN} too")
    if options.statistics and options.output_format not in ("text", "json"):
        raise UsageError(f"--statistics is written as text or json, not {options.output_format}")
    if options.unsafe_fixes and not (options.fix or options.diff):
        raise UsageError("--unsafe-fixes applies the unsafe fixes: give --fix or --diff too")
    if options.show_fixes and (options.statistics or options.output_format != "text" or options.diff):
        other = "--statistics" if options.statistics else "--diff" if options.diff else f"--output-format {options.output_format}"
        raise UsageError(f"--show-fixes is written with the text findings, not with {other}")


def _job(path: str, configurations: Configurations) -> Job:
    settings = configurations.for_file(path)
    return Job(path, settings.config, settings.selection_for(path))


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use, not the machine's
    return os.cpu_count() or 1


def _cache_folder(options: argparse.Namespace, configurations: Configurations) -> str:
    if options.cache_dir:
        return options.cache_dir
    written = configurations.for_folder(os.getcwd()).written
    return os.path.join(written.folder if written is not None else os.getcwd(), CACHE_FOLDER)


def _show_settings(paths: list[str], configurations: Configurations, out: TextIO) -> int:
    for path in paths:
        if path != STDIN and not os.path.exists(path):
            raise MissingPath(f"{path}: no such file or folder")
        if os.path.isdir(path):
            out.write(f"{path}\n{configurations.for_folder(path).shown()}")
        else:
            out.write(f"{path}\n{configurations.for_file(path).shown(path)}")
    return 0


# ---------------------------------------------------------------- stdin

def _check_stdin(options: argparse.Namespace, configurations: Configurations) -> int:
    """The code piped in, checked as if it were the file ``--stdin-filename`` names (its settings, its project)."""
    name = options.stdin_filename or STDIN
    job = _job(name if options.stdin_filename else os.path.join(os.getcwd(), STDIN), configurations)._replace(path=name)
    data = sys.stdin.buffer.read()
    outcome = check_text(decode(data).text, name, job.config)
    item = shown(job, outcome, data)
    if not (options.fix or options.diff):
        return _finish([item], options, None)
    fixed = 0
    text = decode(data).text
    if item.source is not None and fixable(item.findings, options.unsafe_fixes):
        result = fix_text(item.source.text, name, item.findings, job.config, job.selection, options.unsafe_fixes)
        if result.problem is None:
            text, fixed = result.text, result.applied
            item = item._replace(source=item.source._replace(text=text), findings=result.findings)
    if options.diff:
        sys.stdout.writelines(_diff(decode(data).text, text, name))
        problems([item], sys.stderr)
        return FINDINGS if fixed else 0
    sys.stdout.write(text)  # the code, fixed: an editor replaces its buffer with it
    sys.stderr.write(render("text", place(name, item.findings)))
    if not options.unsafe_fixes:
        sys.stderr.write(hidden_fixes(unsafe_only(item.findings)))
    problems([item], sys.stderr)
    return FINDINGS if (item.findings or item.problem) and not options.exit_zero else 0


# ---------------------------------------------------------------- fixes and what is written

def _apply_fixes(checked: list[Checked], jobs: list[Job], options: argparse.Namespace) -> int:
    """Fix each file in place (or print the diff); the findings left replace the file's findings. Findings fixed."""
    applied = 0
    for number, (item, job) in enumerate(zip(checked, jobs)):
        if item.source is None or not fixable(item.findings, options.unsafe_fixes):
            continue
        fixed = fix_text(item.source.text, item.path, item.findings, job.config, job.selection, options.unsafe_fixes)
        if fixed.problem is not None:
            checked[number] = item._replace(problem=fixed.problem)
            continue
        if fixed.text == item.source.text:
            continue
        applied += fixed.applied
        if options.diff:
            sys.stdout.writelines(_diff(item.source.text, fixed.text, item.path))
            continue
        with open(item.path, "wb") as handle:
            handle.write(fixed.text.encode(item.source.encoding))
        checked[number] = item._replace(source=item.source._replace(text=fixed.text), findings=fixed.findings)
        print(f"{item.path}: fixed {fixed.applied} finding{'s' if fixed.applied != 1 else ''}", file=sys.stderr)
    return applied


def _diff(before: str, after: str, path: str) -> list[str]:
    # git's a/ and b/ prefixes, which ``patch -p1`` strips: an absolute path keeps one slash (``a/srv/model.py``)
    shown = path.replace(os.sep, "/").lstrip("/")
    return list(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=f"a/{shown}", tofile=f"b/{shown}",
    ))


def _finish(checked: list[Checked], options: argparse.Namespace, fixed: int | None) -> int:
    """Write the findings, the closing line and the problems; the exit status."""
    placed = [s for c in checked if c.source is not None for s in place(c.path, c.findings)]
    findings = [s.finding for s in placed]
    hidden = 0 if options.unsafe_fixes else unsafe_only(findings)
    out = sys.stdout
    if options.statistics:
        if placed or options.output_format == "json":
            out.write(statistics(placed, options.output_format))
    elif options.diff:
        sys.stderr.write(hidden_fixes(hidden))  # the diff was the output
    else:
        out.write(render(options.output_format, placed, [(c.path, c.problem) for c in checked if c.problem]))
        if options.output_format == "text":
            if options.show_fixes and placed:
                show_fixes(checked, out)
            unchecked = sum(item.problem is not None for item in checked)
            out.write(closing_line(placed, len(checked) - unchecked, unchecked, fixed if options.fix else None,
                                   options.unsafe_fixes))
        elif options.fix:
            sys.stderr.write(hidden_fixes(hidden))
    problems(checked, sys.stderr)
    unchecked = any(item.problem is not None for item in checked)  # as flake8's E999: a file it could not read fails
    if options.diff:
        return FINDINGS if fixed or unchecked else 0  # the status says whether there is a diff, as the diff is the output
    return FINDINGS if (placed or unchecked) and not options.exit_zero else 0
