"""What a run writes for people around its findings: the closing line, each fix shown, the files it could not check."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence, TextIO

from ...diagnostics import Diagnostic, apply
from ...rules import CODES
from .checking import Checked, fixable, unsafe_only
from .outputs import Shown


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 'es' if word.endswith('x') else 's'}"


def closing_line(shown: Sequence[Shown], files: int, unchecked: int, fixed: int | None, unsafe_shown: bool) -> str:
    """``Found 2 findings (1 fixable with --fix --unsafe-fixes).``; after ``--fix``, what it fixed and what is left.

    ``fixed``: None without ``--fix``; ``unsafe_shown``: the unsafe fixes were applied, or asked for.
    """
    findings = [s.finding for s in shown]
    if not files and unchecked and not findings and not fixed:
        return f"No findings: {'the file could not' if unchecked == 1 else f'none of the {unchecked} files could'} be checked.\n"
    unchecked_note = f" ({plural(unchecked, 'file')} could not be checked)" if unchecked else ""
    hidden = unsafe_only(findings)
    if fixed is not None:
        if not findings and not fixed:
            return f"No findings in {plural(files, 'file')}{unchecked_note}.\n"
        line = f"Found {plural(len(findings) + fixed, 'finding')} ({fixed} fixed, {len(findings)} remaining){unchecked_note}.\n"
        return line + (hidden_fixes(hidden) if hidden and not unsafe_shown else "")
    if not findings:
        return f"No findings in {plural(files, 'file')}{unchecked_note}.\n"
    safe = fixable(findings, False)
    notes = ([f"{safe} fixable with --fix"] if safe else []) + ([f"{hidden} fixable with --fix --unsafe-fixes"] if hidden else [])
    return f"Found {plural(len(findings), 'finding')}{' (' + '; '.join(notes) + ')' if notes else ''}{unchecked_note}.\n"


def hidden_fixes(count: int) -> str:
    """What ``--fix`` or ``--diff`` left alone because every fix it had was unsafe."""
    return f"{plural(count, 'fix')} available with --unsafe-fixes.\n" if count else ""


def show_fixes(checked: Iterable[Checked], out: TextIO) -> None:
    """Each finding's fix as the lines it changes, then the code to write for each rule that has none."""
    without: list[str] = []
    for item in checked:
        if item.source is None:
            continue
        for finding in item.findings:
            if finding.fix is None:
                without.append(finding.code)
                continue
            out.write(f"\n{item.path}:{finding.line}:{finding.col + 1}: {finding.code} {finding.fix.title}"
                      f" ({'safe' if finding.fix.safe else 'unsafe: --fix --unsafe-fixes'})\n")
            out.write(_changed_lines(item.source.text, finding))
    for code in sorted(set(without)):
        rule = CODES[code]
        if rule.fix is not None:
            out.write(f"\n{code}: no fix where the bias is decided outside the reported call; the message says where\n")
        else:
            body = "".join("    " + line if line.strip() else line for line in rule.right.splitlines(keepends=True))
            out.write(f"\n{code} has no automatic fix; the rule's example of the code to write (keep your own "
                      f"model, values and arguments):\n\n{body}")
    out.write("\n")


def _changed_lines(text: str, finding: Diagnostic) -> str:
    """The lines the fix's edits touch, before (``-``) and after (``+``), numbered as in the file."""
    assert finding.fix is not None
    edits = finding.fix.edits
    first, last = min(edit.line for edit in edits), max(edit.end_line for edit in edits)
    fixed = apply(text, edits)
    before = text.splitlines()
    after = fixed.splitlines()
    grown = len(after) - len(before)
    width = len(str(last + max(grown, 0)))
    removed = [f"  {number:>{width}} - {before[number - 1]}\n" for number in range(first, last + 1)]
    added = [f"  {number:>{width}} + {after[number - 1]}\n" for number in range(first, last + grown + 1)]
    return "".join(removed + added)


def problems(checked: Sequence[Checked], err: TextIO) -> None:
    """Files that could not be checked, and internal errors: counted, one line each, on stderr."""
    for item in checked:
        if item.problem is not None:
            err.write(f"{item.path}: {item.problem}\n")
    errors = [(item.path, error) for item in checked for error in item.errors]
    if errors:
        files = len({path for path, _ in errors})
        err.write(
            f"redundant-bias: {plural(len(errors), 'internal error')} in {plural(files, 'file')}, "
            "contained (their findings may be incomplete; please report):\n"
        )
        for (path, error), count in Counter(errors).items():  # one unit after another may meet the same error
            err.write(f"  {path}: {error}{f' ({count} times)' if count > 1 else ''}\n")
