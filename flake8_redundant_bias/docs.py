"""Renders the docs' generated parts from the package's own tables: a table is written once, in code.

``python -m flake8_redundant_bias.docs [ROOT]`` rewrites, in the checkout at
ROOT (by default the one it runs from, next to the package), every section
between ``<!-- generated:NAME -->`` and ``<!-- end:NAME -->`` of the README and
of ``docs/*.md``, and writes ``docs/rules/CODE.md``, one page per rule (the page
``redundant-bias explain`` prints), removing pages of codes that are gone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Callable

from .knowledge import KNOWLEDGE
from .knowledge.schema import Optimizer
from .options import OPTIONS, SWITCH
from .pages import markdown_page
from .rules import CODES
from .rules.unexempted_decay import BY_FRAMEWORK

SECTION = re.compile(r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end:(?P=name) -->)", re.S)


RULE_PAGES = "docs/rules"  # from the checkout's root


def render_rules() -> str:
    """The table of codes, each linked to its page (the README's links start at the checkout's root)."""
    parts = ["| code | reports | fix |", "|---|---|---|"]
    parts += [
        f"| [{code.code}]({RULE_PAGES}/{code.code}.md) | {code.summary} | {code.fix or 'none'} |" for code in CODES.values()
    ]
    return "\n".join(parts) + "\n"


def rule_pages() -> dict[str, str]:
    """Each rule's page, by its path from the checkout's root."""
    return {f"{RULE_PAGES}/{code.code}.md": markdown_page(code) for code in CODES.values()}


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
        flag = f"`--no-{option.key}`" if option.kind == SWITCH and not option.flake8 else f"`--{option.key}`"
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


def documents(root: Path) -> list[Path]:
    """The files with generated sections: the README and the pages of docs/."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def main(argv: list[str]) -> int:
    """Rewrite the generated parts of the checkout at ``argv[0]``, or of this checkout."""
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[1]
    if not (root / "README.md").is_file():
        print(f"flake8_redundant_bias.docs: {root} holds no README.md: not a checkout", file=sys.stderr)
        return 2
    for path in documents(root):
        text = path.read_text(encoding="utf-8")
        rendered = render(text)
        if rendered != text:
            path.write_text(rendered, encoding="utf-8")
    pages = rule_pages()
    (root / RULE_PAGES).mkdir(parents=True, exist_ok=True)
    for stale in (root / RULE_PAGES).glob("*.md"):
        if f"{RULE_PAGES}/{stale.name}" not in pages:
            stale.unlink()
    for name, page in pages.items():
        path = root / name
        if not path.is_file() or path.read_text(encoding="utf-8") != page:
            path.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
