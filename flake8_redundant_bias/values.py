"""The number a hyper-parameter expression stands for, as training scripts write it.

A literal, a constant bound once (in the function or at module level), or an
``argparse`` option read as ``args.weight_decay`` whose ``add_argument`` with
a ``default=`` is in the same file.  Anything else is unknown (``None``), and
the rules stay silent on it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .scopes import Index, Scope

CONVERTERS = {"float": float, "int": int}


@dataclass(frozen=True)
class Number:
    value: float
    origin: str  # how the code states it, for messages: "" for a literal

    def describe(self) -> str:
        return f"{self.value!r}{f' ({self.origin})' if self.origin else ''}"


def literal_number(expr: ast.expr) -> float | None:
    try:
        found = ast.literal_eval(expr)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return None
    return found


def assigned_value(index: Index, name: str, scope: Scope) -> ast.expr | None:
    """The value of the one assignment to ``name`` visible from ``scope``."""
    binding = index.single_binding(index.home(name, scope), name)
    parent = index.parents.get(binding) if binding is not None else None
    if isinstance(parent, ast.Assign) and parent.targets == [binding]:
        return parent.value
    if isinstance(parent, ast.AnnAssign) and parent.target is binding:
        return parent.value
    return None


class Numbers:
    def __init__(self, index: Index) -> None:
        self.index = index
        self._options: dict[str, ast.expr | None] | None = None

    def number(self, expr: ast.expr, scope: Scope) -> Number | None:
        found = literal_number(expr)
        if found is not None:
            return Number(found, "")
        if isinstance(expr, ast.Name):
            value = assigned_value(self.index, expr.id, scope)
            found = literal_number(value) if value is not None else None
            return Number(found, expr.id) if found is not None else None
        if isinstance(expr, ast.Attribute):
            return self._option_default(expr.attr)
        return None

    def _option_default(self, dest: str) -> Number | None:
        if self._options is None:
            self._options = self._argparse_defaults()
        default = self._options.get(dest)
        if default is None:
            return None
        flag = "--" + dest.replace("_", "-")
        return Number(default, f"the default of {flag}") if isinstance(default, (int, float)) else None

    def _argparse_defaults(self) -> dict[str, ast.expr | None]:
        """dest -> default for every ``add_argument`` of the file; None when ambiguous."""
        found: dict[str, object] = {}
        overridden: set[str] = set()
        for call, _ in self.index.calls:
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            if func.attr == "add_argument":
                dest = _dest(call)
                if dest is not None:
                    found[dest] = None if dest in found else _default(call)
            elif func.attr == "set_defaults":
                overridden.update(k.arg for k in call.keywords if k.arg)
        # A script that writes args.weight_decay = ... no longer reads the default.
        overridden.update(target.attr for target, _, _ in self.index.attribute_stores)
        return {dest: value for dest, value in found.items() if dest not in overridden}  # type: ignore[misc]


def _dest(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "dest":
            given = keyword.value
            return given.value if isinstance(given, ast.Constant) and isinstance(given.value, str) else None
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(flags) != len(call.args) or not flags:
        return None
    long = [f for f in flags if f.startswith("--")]
    chosen = long[0][2:] if long else flags[0].lstrip("-")
    return chosen.replace("-", "_") or None


def _default(call: ast.Call) -> object:
    keywords = {k.arg: k.value for k in call.keywords}
    if None in keywords or "default" not in keywords:
        return None
    if "action" in keywords or "nargs" in keywords:
        return None
    value = literal_number(keywords["default"])
    if value is not None:
        return value
    # argparse converts a string default with the option's type: default="1e-2", type=float
    kind = keywords.get("type")
    text = keywords["default"]
    if isinstance(kind, ast.Name) and kind.id in CONVERTERS and isinstance(text, ast.Constant) and isinstance(text.value, str):
        try:
            return CONVERTERS[kind.id](text.value)
        except ValueError:
            return None
    return None
