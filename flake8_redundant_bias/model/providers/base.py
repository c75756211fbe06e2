"""The hooks a value provider answers; each says ``PASS`` when a question is not its own."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..index import Scope
from ..values import PASS, Env, Origin

if TYPE_CHECKING:  # the service's interface, for the types only
    from ..flow.questions import Questions

__all__ = ["PASS", "Provider"]


class Provider:
    """The hooks, each answering ``PASS`` (or nothing) by default."""

    words: tuple[str, ...] = ()  # spelled by the parts of a module whose values it may read
    order = 0  # asked before the providers with a higher order

    def attribute(self, flow: Questions, expr: ast.Attribute, scope: Scope, env: Env | None, depth: int) -> object:
        """``x.attr`` that plain Python could not follow: origins, None (unknown), or ``PASS``."""
        return PASS

    def subscript(self, flow: Questions, expr: ast.Subscript, scope: Scope, depth: int) -> object:
        return PASS

    def spread_value(self, flow: Questions, name: str) -> list[Origin] | None:
        """What a ``**`` spread this provider reads passes under ``name`` (a parameter of that name)."""
        return None

    def spreads(self, flow: Questions, expr: ast.expr) -> bool:
        """``**expr`` passes only values this provider can name."""
        return False

    def class_default(self, flow: Questions, owner: ast.ClassDef, attr: str, depth: int) -> object:
        return PASS
