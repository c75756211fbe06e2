"""The command's work on files: read, check (through the cache, on several cores), fix.

The analysis is the plugin's (``analysis.analyse_source``); this module adds what a
standalone run needs around it: decoding files as Python does, the cache, a pool
of processes, and internal errors counted instead of hidden.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable, Iterator, NamedTuple, Sequence

from ... import containment
from ...model import project
from ...engine import analyse_source
from .cache import Caches, digest
from ...config import Config
from ...diagnostics import Diagnostic, apply
from ..noqa import unsilenced
from .selection import Selection

PARALLEL_FROM = 16  # files to check before a pool of processes pays for its start
FIX_ROUNDS = 4  # a fix may make room for another (a chain of two norms after one layer): apply, check again


class Source(NamedTuple):
    text: str
    encoding: str


class Outcome(NamedTuple):
    """What checking one file gave: its findings (all codes, before ``noqa``), or why it could not be checked."""

    findings: list[Diagnostic]
    consulted: list[str]  # the other paths its analysis read: the cache checks them
    problem: str | None  # "cannot parse: ...": the file is not checked, and the run says so
    errors: list[str]  # internal errors contained: the run counts and reports them


class Checked(NamedTuple):
    path: str
    source: Source | None  # read only for files with findings to show or fix
    findings: list[Diagnostic]  # selected, not silenced
    problem: str | None
    errors: list[str]


def decode(data: bytes) -> Source:
    """The text as Python reads the file: its coding declaration or BOM, else UTF-8 (Latin-1 when that fails, as flake8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return Source(data.decode(encoding), encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return Source(data.decode("latin-1"), "latin-1")


def check_text(text: str, path: str, config: Config) -> Outcome:
    """One file's findings, with the paths its analysis consulted."""
    with project.recording() as consulted:
        try:
            findings = analyse_source(text.replace("\r\n", "\n"), config, path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            return Outcome([], [], f"cannot parse: {_parse_error(error)}", containment.take_errors())
        except Exception as error:  # noqa: BLE001 - one file's internal error must not stop the run
            if containment.STRICT:
                raise
            return Outcome([], [], None, [*containment.take_errors(), f"{type(error).__name__}: {error}"])
    return Outcome(findings, sorted(consulted), None, containment.take_errors())


def _parse_error(error: Exception) -> str:
    if isinstance(error, SyntaxError):  # a null byte has no line: the message says it all
        if not error.lineno:
            return error.msg
        place = f"line {error.lineno}, column {error.offset}" if error.offset else f"line {error.lineno}"
        word = re.match(r"\w+", (error.text or "")[(error.offset or 1) - 1:])
        if word is not None and word[0] in ("async", "await"):  # ``x.cuda(async=True)``, from Python 3.6 and before
            place += f": `{word[0]}` is a reserved word since Python 3.7"
        return f"{error.msg} ({place})"
    if isinstance(error, ValueError) and str(error):  # a null byte below Python 3.11.4
        return str(error)
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


# ---------------------------------------------------------------- a run over many files

class Job(NamedTuple):
    """A file to check, with the analysis's configuration and the codes reported there."""

    path: str
    config: Config
    selection: Selection


_worker_configs: tuple[Config, ...] = ()


def _start_worker(configs: tuple[Config, ...]) -> None:
    global _worker_configs
    _worker_configs = configs


def _check_in_worker(path: str, data: bytes, config: int) -> Outcome:
    return check_text(decode(data).text, path, _worker_configs[config])


def check_files(jobs: Sequence[Job], caches: Caches, processes: int) -> Iterator[Checked]:
    """Each file's selected, unsilenced findings; from the cache where the file and what it consulted are unchanged.

    Each file is read once, here: its bytes are hashed for the cache, handed to the
    analysis when the cache cannot answer, and kept for ``noqa`` when it has findings.
    """
    hashes: dict[str, str] = {}
    datas: dict[str, bytes] = {}
    missing: list[Job] = []
    done: dict[str, Outcome] = {}
    for job in jobs:
        try:
            with open(job.path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            done[job.path] = Outcome([], [], f"cannot read: {error.strerror}", [])
            continue
        hashes[job.path] = digest(data)
        cached = caches.of(job.config.key).get(os.path.abspath(job.path), hashes[job.path])
        if cached is None:
            missing.append(job)
        else:
            done[job.path] = Outcome(cached, [], None, [])
        if cached is None or cached:
            datas[job.path] = data
    for job, outcome in zip(missing, _outcomes(missing, datas, processes)):
        done[job.path] = outcome
        if outcome.problem is None and not outcome.errors:
            caches.of(job.config.key).put(os.path.abspath(job.path), hashes[job.path], outcome.findings, outcome.consulted)
    for job in jobs:
        yield shown(job, done[job.path], datas.get(job.path))


def _outcomes(jobs: list[Job], datas: dict[str, bytes], processes: int) -> Iterable[Outcome]:
    if processes <= 1 or len(jobs) < PARALLEL_FROM:
        return [check_text(decode(datas[job.path]).text, job.path, job.config) for job in jobs]
    configs = list({id(job.config): job.config for job in jobs}.values())
    number = {id(config): index for index, config in enumerate(configs)}
    chunk = max(1, len(jobs) // (processes * 8))
    with ProcessPoolExecutor(max_workers=processes, initializer=_start_worker, initargs=(tuple(configs),)) as pool:
        return list(pool.map(
            _check_in_worker, [job.path for job in jobs], [datas[job.path] for job in jobs],
            [number[id(job.config)] for job in jobs], chunksize=chunk,
        ))


def shown(job: Job, outcome: Outcome, data: bytes | None) -> Checked:
    """What a run shows of a file's outcome: the selected findings no ``noqa`` silences."""
    chosen = [finding for finding in outcome.findings if finding.code in job.selection.codes]
    if not chosen or data is None:
        return Checked(job.path, None, [], outcome.problem, outcome.errors)
    source = decode(data)
    return Checked(job.path, source, _unsilenced(chosen, source.text), outcome.problem, outcome.errors)


def _unsilenced(findings: list[Diagnostic], text: str) -> list[Diagnostic]:
    return unsilenced(findings, io.StringIO(text).readlines())  # split at newlines only, as the parser counts lines


# ---------------------------------------------------------------- fixing

class Fixed(NamedTuple):
    text: str  # the file's text after every applicable fix
    applied: int  # findings fixed
    problem: str | None  # a fix that would break the file: none applied, and why
    findings: list[Diagnostic]  # what is left: selected, not silenced, in ``text``


def fix_text(text: str, path: str, findings: list[Diagnostic], config: Config, selection: Selection, unsafe: bool) -> Fixed:
    """Apply the findings' fixes (safe ones, or all with ``unsafe``) until none is left to apply.

    Each round's text is checked again, which also parses it: the edits never touch
    an import line, so the text still names its framework and a fix that would
    break the file is caught by that parse.
    """
    applied = 0
    current = text
    for _ in range(FIX_ROUNDS):
        edits = [edit for finding in findings if _applicable(finding, unsafe) for edit in finding.fix.edits]  # type: ignore
        candidate = apply(current, edits)
        if candidate == current:
            break
        outcome = check_text(candidate, path, config)
        if outcome.problem is not None:
            return Fixed(text, 0, f"a fix would leave a file that {outcome.problem}: left unchanged", findings)
        before = len(findings)
        current = candidate
        findings = _unsilenced([f for f in outcome.findings if f.code in selection.codes], current)
        applied += max(0, before - len(findings))
    return Fixed(current, applied, None, findings)


def _applicable(finding: Diagnostic, unsafe: bool) -> bool:
    return finding.fix is not None and (finding.fix.safe or unsafe)


def fixable(findings: Iterable[Diagnostic], unsafe: bool) -> int:
    return sum(_applicable(finding, unsafe) for finding in findings)


def unsafe_only(findings: Sequence[Diagnostic]) -> int:
    """The findings only ``--unsafe-fixes`` fixes."""
    return fixable(findings, True) - fixable(findings, False)
