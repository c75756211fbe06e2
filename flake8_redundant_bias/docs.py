"""Renders the README's generated sections from the package's own tables.

``python -m flake8_redundant_bias.docs [README.md]`` rewrites every section
between ``<!-- generated:NAME -->`` and ``<!-- end:NAME -->`` in place, so a
table is written once, in code, and the README can never drift from it.
Without an argument it rewrites the README of the checkout it runs from (next
to the package), not one in the current folder; a file without the markers is
left alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

from .knowledge import KNOWLEDGE
from .knowledge.schema import Optimizer
from .options import LIST, OPTIONS
from .pages import markdown_page
from .rules import CODES
from .rules.unexempted_decay import BY_FRAMEWORK

SECTION = re.compile(r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end:(?P=name) -->)", re.S)


def render_rules() -> str:
    """The table of codes, then each rule's page: the pages ``redundant-bias explain`` prints."""
    parts = ["| code | reports | fix |", "|---|---|---|"]
    parts += [f"| {code.code} | {code.summary} | {code.fix or 'none'} |" for code in CODES.values()]
    parts += ["", "\n".join(markdown_page(code) for code in CODES.values()).rstrip()]
    return "\n".join(parts) + "\n"


def render_optimizers() -> str:
    parts = [
        "| optimizer | weight decay argument (position) | default | without an explicit value |",
        "|---|---|---|---|",
    ]
    for name, spec in KNOWLEDGE.rows.items():
        if not isinstance(spec, Optimizer):
            continue
        decay = spec.decay
        if spec.matrices_only:
            verdict = "never reported: it accepts matrices only, never a bias"
        elif decay.default:
            code = "RB201/RB202" if spec.params is not None else BY_FRAMEWORK[KNOWLEDGE.framework_of[name]].code
            verdict = f"**decays** ({code})"
        else:
            verdict = "no decay"
        parts.append(f"| `{name}` | `{decay.keyword}` ({decay.position}) | `{decay.default!r}` | {verdict} |")
    return "\n".join(parts) + "\n"


def render_options() -> str:
    """Every setting: its key in [tool.redundant-bias] and on the command line, and its flake8 option."""
    parts = [
        "| `[tool.redundant-bias]` key, command flag | flake8 option | value | default |",
        "|---|---|---|---|",
    ]
    for option in OPTIONS:
        flag = f"`--{option.key}`" if option.kind == LIST or option.flake8 else f"`--no-{option.key}`"
        flake8 = f"`{option.flake8_flag}`" if option.flake8 else f"flake8's own `--{option.key}`" if option.native else "–"
        default = ", ".join(option.default) if isinstance(option.default, list) else str(option.default).lower()
        shown = "the usual folders" if option.default is None else f"`{default}`" if default else "none"
        parts.append(f"| `{option.key}`, {flag} | {flake8} | {option.help.replace('|', chr(92) + '|')} | {shown} |")
    return "\n".join(parts) + "\n"


RENDERERS: dict[str, Callable[[], str]] = {"rules": render_rules, "optimizers": render_optimizers, "options": render_options}


def render(readme: str) -> str:
    def replace(match: re.Match) -> str:
        renderer = RENDERERS.get(match["name"])
        body = renderer() if renderer else match["body"]
        return f"{match.group(1)}{body}{match.group(4)}"

    return SECTION.sub(replace, readme)


def main(argv: list[str]) -> int:
    """Rewrite the README named, or this checkout's own; never a file without the generated markers."""
    path = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "README.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        print(f"flake8_redundant_bias.docs: {path}: cannot be read ({error.strerror})", file=sys.stderr)
        return 2
    if not SECTION.search(text):
        print(f"flake8_redundant_bias.docs: {path} has no <!-- generated:NAME --> section: left unchanged", file=sys.stderr)
        return 2
    rendered = render(text)
    if rendered != text:
        path.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
