from __future__ import annotations

from typing import NamedTuple


class Finding(NamedTuple):
    line: int
    col: int  # 0-based, as in the AST; flake8 adds 1 when it reports
    message: str
