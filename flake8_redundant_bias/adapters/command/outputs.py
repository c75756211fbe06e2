"""Diagnostics written for people (text), programs (json), code scanning (SARIF 2.1.0) and GitHub workflows.

Positions are 1-based lines and 1-based columns counted in characters (flake8
shows UTF-8 bytes, which differs only on a line with non-ASCII text before the call).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from urllib.parse import quote
from typing import Callable, NamedTuple, Sequence

from ... import __version__
from ...diagnostics import Diagnostic, Edit
from ...pages import markdown_page, text_page
from ...rules import CODES

FORMATS = ("text", "json", "sarif", "github")
SOURCE_ROOT = "%SRCROOT%"


class Shown(NamedTuple):
    """A finding placed in its file, in the columns outputs show."""

    path: str  # as given or found, with "/" separators
    finding: Diagnostic
    col: int  # 1-based, in characters
    end_col: int


def place(path: str, findings: Sequence[Diagnostic]) -> list[Shown]:
    shown = _normal(path)
    return [Shown(shown, f, f.col + 1, f.end_col + 1) for f in findings]


def _normal(path: str) -> str:
    return os.path.normpath(path).replace("\\", "/")  # ./model.py as model.py, as GitHub and SARIF want it


def render(format: str, shown: Sequence[Shown], unchecked: Sequence[tuple[str, str]] = ()) -> str:
    """The findings in a format; ``unchecked``: (path, why) of each file that could not be read, which SARIF records."""
    if format == "sarif":
        return _sarif(shown, unchecked)
    return RENDERERS[format](shown)


def _text(shown: Sequence[Shown]) -> str:
    lines = [
        f"{s.path}:{s.finding.line}:{s.col}: {s.finding.text}{_fix_mark(s.finding)}"
        for s in shown
    ]
    return "".join(line + "\n" for line in lines)


def _fix_mark(finding: Diagnostic) -> str:
    """``[*]``: ``--fix`` fixes it; ``[unsafe fix]``: ``--fix --unsafe-fixes`` does."""
    if finding.fix is None:
        return ""
    return " [*]" if finding.fix.safe else " [unsafe fix]"


def _json(shown: Sequence[Shown]) -> str:
    return json.dumps([_as_json(s) for s in shown], indent=2) + "\n"


def _as_json(s: Shown) -> dict:
    finding = s.finding
    fix = finding.fix
    return {
        "code": finding.code,
        "message": finding.message,
        "filename": s.path,
        "location": {"row": finding.line, "column": s.col},
        "end_location": {"row": finding.end_line, "column": s.end_col},
        "wasted_parameters": finding.wasted,
        "fix": None if fix is None else {
            "applicability": fix.applicability,
            "message": fix.title,
            "edits": [_edit_json(edit) for edit in fix.edits],
        },
    }


def _edit_json(edit: Edit) -> dict:
    return {
        "content": edit.text,
        "location": {"row": edit.line, "column": edit.col + 1},
        "end_location": {"row": edit.end_line, "column": edit.end_col + 1},
    }


def _sarif(shown: Sequence[Shown], unchecked: Sequence[tuple[str, str]] = ()) -> str:
    rules = list(CODES.values())
    index = {code.code: number for number, code in enumerate(rules)}
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "redundant-bias",
                "version": __version__,
                "rules": [{
                    "id": code.code,
                    "name": code.code,
                    "shortDescription": {"text": code.summary},
                    "fullDescription": {"text": code.why},
                    "help": {"text": text_page(code), "markdown": markdown_page(code)},
                    "defaultConfiguration": {"level": "warning"},
                } for code in rules],
            }},
            "columnKind": "unicodeCodePoints",
            # Paths are relative to the folder the run was in: a viewer opened elsewhere resolves them from here.
            "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "invocations": [{
                "executionSuccessful": not unchecked,
                "toolExecutionNotifications": [{
                    "level": "error",
                    "message": {"text": f"{path}: {why}"},
                    "locations": [{"physicalLocation": {"artifactLocation": _artifact(_normal(path))}}],
                } for path, why in unchecked],
            }],
            "results": [_result(s, index) for s in shown],
        }],
    }
    return json.dumps(document, indent=2) + "\n"


def _result(s: Shown, index: dict[str, int]) -> dict:
    finding = s.finding
    location = {"artifactLocation": _artifact(s.path)}
    result = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": "warning",
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {**location, "region": {
            "startLine": finding.line, "startColumn": s.col, "endLine": finding.end_line, "endColumn": s.end_col,
        }}}],
    }
    if finding.fix is not None:
        result["fixes"] = [{
            "description": {"text": f"{finding.fix.title} ({finding.fix.applicability})"},
            "artifactChanges": [{**location, "replacements": [{
                "deletedRegion": {
                    "startLine": edit.line, "startColumn": edit.col + 1, "endLine": edit.end_line, "endColumn": edit.end_col + 1,
                },
                "insertedContent": {"text": edit.text},
            } for edit in finding.fix.edits]}],
        }]
    return result


def _artifact(path: str) -> dict:
    """A path below the run's folder as a URI relative to %SRCROOT%; any other as an absolute file URI."""
    if os.path.isabs(path) or path.split("/")[0] == os.pardir:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(path), "uriBaseId": SOURCE_ROOT}


def _github(shown: Sequence[Shown]) -> str:
    lines = []
    for s in shown:
        f = s.finding
        where = (
            f"file={_property(s.path)},line={f.line},col={s.col},endLine={f.end_line},endColumn={s.end_col},"
            f"title={_property('redundant-bias ' + f.code)}"
        )
        lines.append(f"::warning {where}::{_data(f.text)}\n")
    return "".join(lines)


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


RENDERERS: dict[str, Callable[[Sequence[Shown]], str]] = {"text": _text, "json": _json, "sarif": _sarif, "github": _github}


def statistics(shown: Sequence[Shown], format: str = "text") -> str:
    """Counts per code, and the parameters the bias findings waste where their size is known; as text or JSON."""
    counts = Counter(s.finding.code for s in shown)
    wasted: Counter[str] = Counter()
    sized: set[str] = set()
    fixes: Counter[str] = Counter()
    for s in shown:
        wasted[s.finding.code] += s.finding.wasted or 0
        fixes[s.finding.code] += s.finding.fix is not None
        if s.finding.wasted is not None:
            sized.add(s.finding.code)
    if format == "json":  # null: no finding of the code has a size the analysis knows (a decay finding never has)
        rows = [{"code": code, "summary": CODES[code].summary, "count": counts[code], "fixable": fixes[code],
                 "wasted_parameters": wasted[code] if code in sized else None} for code in sorted(counts)]
        return json.dumps(rows, indent=2) + "\n"
    lines = [
        f"{counts[code]:>5}  {code}  {CODES[code].summary}"
        + (f" ({wasted[code]} wasted parameter{'s' if wasted[code] != 1 else ''})" if wasted[code] else "")
        for code in sorted(counts)
    ]
    total = sum(wasted.values())
    lines.append(f"{sum(counts.values()):>5}  total; {total} wasted parameter{'s' if total != 1 else ''} where the size is known")
    return "".join(line + "\n" for line in lines)
