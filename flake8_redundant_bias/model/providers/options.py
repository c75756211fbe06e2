"""Command-line options: ``parser.add_argument("--wd", type=float, default=0.05)`` read as ``args.wd``.

Any ``X.wd`` in a module that declares the option ``wd`` holds its default,
unless the module changes it (``set_defaults``, ``args.wd = ...``) or declares
it twice; ``**vars(args)`` passes every option by its name.  ``args =
get_args()`` with ``get_args`` a function of another module of the project
reads that module's options.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ...knowledge.schema import OptionParser
from ..imports import ImportMap
from ..index import Index, Scope
from ..values import Env, Origin
from .base import Provider

if TYPE_CHECKING:  # the service's interface, for the types only
    from ..flow.questions import Questions

CONVERTERS = {"float": float, "int": int}


class Options(Provider):
    order = 2  # last: any attribute of that name may be an option

    def __init__(self, row: OptionParser, index: Index, imports: ImportMap) -> None:
        self.row = row
        self.index = index
        self.words = (row.add,)
        self._defaults: dict[str, object] | None = None
        self._dests: set[str] = set()  # every option's dest in the module
        self._flags: dict[str, str | None] = {}  # an option's dest -> its long flag as the code spells it

    def attribute(self, flow: Questions, expr: ast.Attribute, scope: Scope, env: Env | None, depth: int) -> object:
        found = self.option(expr.attr)
        if found is None and isinstance(expr.value, ast.Name) and flow.follows_imports():
            return self._imported(flow, expr.value, expr.attr, scope)
        return found

    def spread_value(self, flow: Questions, name: str) -> list[Origin] | None:
        # An option added elsewhere (Trainer.add_argparse_args(parser)) may carry any name: only a declared one.
        return self.option(name) if name in self._table()[1] else None

    def spreads(self, flow: Questions, expr: ast.expr) -> bool:
        """``**vars(args)`` or ``**args.__dict__``, ``args`` what ``parse_args()`` returned: every option, by its dest."""
        if isinstance(expr, ast.Attribute) and expr.attr == "__dict__":
            namespace = expr.value
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "vars":
            if len(expr.args) != 1 or expr.keywords or not flow.builtin("vars", self.index.scope_at(expr)):
                return False
            namespace = expr.args[0]
        else:
            return False
        origins = flow.origins(namespace, self.index.scope_at(expr))
        return bool(origins) and all(
            isinstance(o.expr, ast.Call) and isinstance(o.expr.func, ast.Attribute)
            and o.expr.func.attr == self.row.parse for o in origins  # type: ignore[union-attr]
        )

    def option(self, dest: str) -> list[Origin] | None:
        """The default of the option ``dest``, when the module states it once and never changes it."""
        default = self._table()[0].get(dest)
        if default is None:
            return None
        flag = self._flags.get(dest) or f"--{dest.replace('_', '-')}"
        return [Origin(ast.Constant(default), self.index.module, None, f"the default of {flag}")]

    def _imported(self, flow: Questions, base: ast.Name, attr: str, scope: Scope) -> list[Origin] | None:
        """``args.lr`` where ``args = get_args()`` and the project module defining it adds the option."""
        if self._dests and attr not in self._dests:
            return None
        origin = flow.sole_origin(base, scope)
        call = origin.expr if origin is not None else None
        if not isinstance(call, ast.Call) or origin.scope.tree is not self.index.module.node:  # type: ignore[union-attr]
            return None
        defined = flow.definition(call.func, (self.row.add,))
        if defined is None or not isinstance(defined[0], ast.FunctionDef):
            return None
        other = flow.flow_of_tree(defined[1])
        options = other.spread_value(attr)
        return [o._replace(note=other.located(o.note)) for o in options] if options else None

    def _table(self) -> tuple[dict[str, object], set[str]]:
        """dest -> default for every option of the module (None when ambiguous), and every dest."""
        if self._defaults is None:
            self._defaults = self._read_defaults()
        return self._defaults, self._dests

    def _read_defaults(self) -> dict[str, object]:
        found: dict[str, object] = {}
        overridden: set[str] = set()
        for call, _ in self.index.calls:
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            if func.attr == self.row.add:
                dest = _dest(call)
                if dest is not None:
                    self._dests.add(dest)
                    found[dest] = None if dest in found else _default(call)
                    self._flags[dest] = _long_flag(call)
            elif func.attr == self.row.defaults:
                overridden.update(k.arg for k in call.keywords if k.arg)
        # A script that writes args.weight_decay = ... no longer reads the default.
        overridden.update(target.attr for target, _, _ in self.index.attribute_stores)
        return {dest: value for dest, value in found.items() if dest not in overridden}


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


def _long_flag(call: ast.Call) -> str | None:
    """``--weight_decay`` as written (its dest is the same either way), for messages."""
    return next((a.value for a in call.args if isinstance(a, ast.Constant) and str(a.value).startswith("--")), None)


def _default(call: ast.Call) -> object:
    keywords = {k.arg: k.value for k in call.keywords}
    if None in keywords or "default" not in keywords:
        return None
    if "action" in keywords or "nargs" in keywords:
        return None
    given = keywords["default"]
    try:
        value = ast.literal_eval(given)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    # argparse converts a string default with the option's type: default="1e-2", type=float
    kind = keywords.get("type")
    if isinstance(value, str) and (kind is None or isinstance(kind, ast.Name) and kind.id == "str"):
        return value  # a helper's choice by name (``if args.optimizer_type == "":``)
    if isinstance(kind, ast.Name) and kind.id in CONVERTERS and isinstance(value, str):
        try:
            return CONVERTERS[kind.id](value)
        except ValueError:
            return None
    return None
