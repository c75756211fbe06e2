"""Every finding of the command on some code bases, written one per line, to compare two versions.

    python benchmarks/snapshot.py OUT DIR [DIR ...]     # write the findings of each DIR to OUT
    python benchmarks/snapshot.py --compare OLD NEW     # print what differs; exit 1 when anything does

A change to the analysis that should keep every finding (a refactoring) is checked by
running the first form before and after it (``PYTHONPATH`` chooses the checkout) and
comparing.  Each DIR is checked from inside it, with no configuration, cache or
``.gitignore``, so that the paths and the project root are the same for every version.
A line holds the path, position, code, message and fix of one finding; internal
errors and unreadable files are written too (``!`` lines), since they hide findings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def snapshot(out: Path, folders: list[Path]) -> None:
    lines: list[str] = []
    for folder in folders:
        result = subprocess.run(
            [sys.executable, "-m", "flake8_redundant_bias", "check", "--isolated", "--no-cache",
             "--no-respect-gitignore", "--output-format", "json", "--exit-zero", "."],
            cwd=folder, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"{folder}: status {result.returncode}\n{result.stderr}")
        for finding in json.loads(result.stdout):
            fix = finding["fix"]
            edits = [] if fix is None else [
                (e["location"]["row"], e["location"]["column"], e["end_location"]["row"], e["end_location"]["column"],
                 e["content"]) for e in fix["edits"]
            ]
            where = f"{folder.name}/{finding['filename']}:{finding['location']['row']}:{finding['location']['column']}"
            shown = f"{where}: {finding['code']} {finding['message']}"
            if fix is not None:
                shown += f" | fix {fix['applicability']}: {fix['message']} {edits}"
            lines.append(shown)
        lines += [f"! {folder.name}: {line}" for line in result.stderr.splitlines() if line.strip()]
    out.write_text("".join(line + "\n" for line in sorted(lines)))
    print(f"{out}: {sum(not line.startswith('!') for line in lines)} findings, "
          f"{sum(line.startswith('!') for line in lines)} other lines")


def compare(old: Path, new: Path) -> int:
    before, after = set(old.read_text().splitlines()), set(new.read_text().splitlines())
    for line in sorted(before - after):
        print(f"- {line}")
    for line in sorted(after - before):
        print(f"+ {line}")
    print(f"{len(before)} before, {len(after)} after: {len(before - after)} gone, {len(after - before)} new")
    return 1 if before != after else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"] and len(argv) == 3:
        return compare(Path(argv[1]), Path(argv[2]))
    if len(argv) < 2 or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    snapshot(Path(argv[0]), [Path(folder).resolve() for folder in argv[1:]])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
