"""Renders the README's generated sections from the package's own tables.

``python -m flake8_redundant_bias.docs README.md`` rewrites every section
between ``<!-- generated:NAME -->`` and ``<!-- end:NAME -->`` in place, so a
table is written once, in code, and the README can never drift from it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

from .codes import CATALOGUE
from .knowledge import SPECS
from .schema import Optimizer

SECTION = re.compile(r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end:(?P=name) -->)", re.S)


def render_rules() -> str:
    parts = ["| code | reports |", "|---|---|"]
    parts += [f"| {code.code} | {code.summary} |" for code in CATALOGUE.values()]
    for code in CATALOGUE.values():
        parts += [
            "",
            f"**{code.code}** — {code.summary}. Reported:",
            "",
            "```python",
            code.wrong.rstrip(),
            "```",
            "",
            "Fixed:",
            "",
            "```python",
            code.right.rstrip(),
            "```",
        ]
    return "\n".join(parts) + "\n"


def render_optimizers() -> str:
    parts = [
        "| optimizer | weight decay argument (position) | default | without an explicit value |",
        "|---|---|---|---|",
    ]
    for name, spec in SPECS.items():
        if not isinstance(spec, Optimizer):
            continue
        decay = spec.decay
        if spec.matrices_only:
            verdict = "never reported: it accepts matrices only, never a bias"
        elif decay.default:
            verdict = f"**decays** ({'RB201/RB202' if spec.code == 'RB201' else spec.code})"
        else:
            verdict = "no decay"
        parts.append(f"| `{name}` | `{decay.keyword}` ({decay.position}) | `{decay.default!r}` | {verdict} |")
    return "\n".join(parts) + "\n"


RENDERERS: dict[str, Callable[[], str]] = {"rules": render_rules, "optimizers": render_optimizers}


def render(readme: str) -> str:
    def replace(match: re.Match) -> str:
        renderer = RENDERERS.get(match["name"])
        body = renderer() if renderer else match["body"]
        return f"{match.group(1)}{body}{match.group(4)}"

    return SECTION.sub(replace, readme)


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "README.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
