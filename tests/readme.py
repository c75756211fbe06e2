"""The README's fenced blocks, for the tests that run them.

A test takes a block by its first line, ``block("redundant-bias check examples/ --statistics")``;
``test_docs`` finds every such call in the tests and fails while a block of the README is
taken by none, so that each command the README shows is run by a test.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCED = re.compile(r"^```(?P<language>\w*)\n(?P<body>.*?)^```$", re.M | re.S)


def blocks() -> list[tuple[str, str]]:
    """Every fenced block: (its language, its text)."""
    return [(match["language"], match["body"]) for match in FENCED.finditer(README)]


def block(first: str) -> str:
    """The one block whose first line is ``first``."""
    found = [body for _, body in blocks() if body.split("\n", 1)[0].strip() == first]
    assert len(found) == 1, f"the README has {len(found)} blocks starting {first!r}"
    return found[0]


def output_after(first: str) -> str:
    """The block printed right after the block whose first line is ``first``: what the README says it prints."""
    bodies = [body for _, body in blocks()]
    return bodies[bodies.index(block(first)) + 1]
