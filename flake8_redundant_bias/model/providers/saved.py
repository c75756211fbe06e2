"""Arguments a class keeps: ``self.save_hyperparameters()`` in ``__init__``, read back as ``self.hparams.lr``.

The value is the ``__init__`` parameter's: what the class's calls in the file
pass, or, when nothing in the file builds it (a command line or a config does),
the parameter's default.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ...knowledge.schema import SavedArguments
from ..imports import ImportMap
from ..index import Index, Scope, method_named, parameter_defaults
from ..values import Bound, Env, Origin
from .base import PASS, Provider

if TYPE_CHECKING:  # the service's interface, for the types only
    from ..flow.questions import Questions


class Saved(Provider):
    order = 0

    def __init__(self, row: SavedArguments, index: Index, imports: ImportMap) -> None:
        self.row = row
        self.index = index
        self.words = (row.method,)

    def attribute(self, flow: Questions, expr: ast.Attribute, scope: Scope, env: Env | None, depth: int) -> object:
        base = expr.value
        if not (isinstance(base, ast.Attribute) and base.attr == self.row.holder):
            return PASS
        owner = flow.method_owner(base.value, scope)
        return self._argument(flow, owner, expr.attr, depth) if owner is not None else None

    def subscript(self, flow: Questions, expr: ast.Subscript, scope: Scope, depth: int) -> object:
        """``self.hparams["x"]``."""
        base, key = expr.value, expr.slice
        if isinstance(base, ast.Attribute) and base.attr == self.row.holder and isinstance(key, ast.Constant):
            owner = flow.method_owner(base.value, scope)
            if owner is not None and isinstance(key.value, str):
                return self._argument(flow, owner, key.value, depth)
        return PASS

    def _argument(self, flow: Questions, owner: ast.ClassDef, name: str, depth: int) -> list[Origin] | None:
        """The ``__init__`` parameter ``name``, when ``__init__`` keeps it, or the one its base class keeps."""
        init = method_named(owner, "__init__")
        if init is None:
            return None
        if not self._keeps(init, name):
            return self._from_base(flow, owner, init, name, depth)
        param = _parameter(init, name)
        if param is None:
            return None
        scope = self.index.scope_of.get(init)
        if scope is None or self.index.single_binding(scope, name) is not param:
            return None
        if self.index.classes.get(owner.name) is not owner:
            return None
        calls = flow.callers(owner.name)
        if calls is None:
            return None  # used in ways other than a plain call: a subclass, a factory
        if calls:  # built in the file: the values those calls give
            return flow.parameter(param, depth + 1, f"{self.row.holder}.{name}")
        # Built by a command line or a config (LightningCLI): the default, as for argparse.
        default = parameter_defaults(init.args).get(name)
        if default is None:
            return None
        note = f"the default of {self.row.holder}.{name}"
        return flow.origins_at(default, scope.parent, None, depth + 1, note)  # type: ignore[arg-type]

    def _from_base(
        self, flow: Questions, owner: ast.ClassDef, init: ast.FunctionDef, name: str, depth: int,
    ) -> list[Origin] | None:
        """``name`` kept by the ``__init__`` of the one base class of the project (in this module or another) that
        ``super().__init__(...)`` calls, once, from an ``__init__`` without a parameter of that name: what that call
        passes for it, or the base's default.  (Lightning keeps the arguments of every ``__init__`` on the way;
        a subclass's own parameter of the name would win, and a subclass of the file may pass another value.)"""
        scope = self.index.scope_of.get(init)
        if scope is None or len(owner.bases) != 1 or not isinstance(owner.bases[0], ast.Name) or owner.keywords:
            return None
        if _parameter(init, name) is not None or flow.descendants(owner)[1:]:
            return None
        calls = [call for call, _ in self.index.calls_inside(init) if _super_init(call)]
        if len(calls) != 1 or not isinstance(self.index.parents.get(calls[0]), ast.Expr):
            return None
        base = flow.class_named(owner.bases[0].id, scope.parent or scope)
        base_init = method_named(base[0], "__init__") if base is not None else None
        if base is None or base_init is None or not self._keeps(base_init, name) or _parameter(base_init, name) is None:
            return None
        home = base[1]
        env = home.bind(base_init, flow.call_args(calls[0], scope), skip=1)  # type: ignore[attr-defined]
        bound = env.lookup(name) if env is not None else None
        if not isinstance(bound, Bound):
            return None
        note = home.located(f"the default of {self.row.holder}.{name}") if bound.scope is None else f"{self.row.holder}.{name}"
        return home.origins_at(bound.expr, bound.scope or home.index.scope_of[base[0]], bound.env, depth + 1, note)

    def _keeps(self, init: ast.FunctionDef, name: str) -> bool:
        """``self.save_hyperparameters()`` (or with ``ignore=`` naming other parameters) keeps ``name``."""
        for node in ast.walk(init):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == self.row.method):
                continue
            if node.args or any(k.arg != "ignore" for k in node.keywords):
                continue
            ignored = [ast.literal_eval(k.value) if _literal_strings(k.value) else None for k in node.keywords]
            if all(isinstance(i, (str, list, tuple)) and name != i and name not in i for i in ignored):
                return True
        return False


def _parameter(function: ast.FunctionDef, name: str) -> ast.arg | None:
    """The parameter of that name a call may pass by keyword."""
    return next((a for a in function.args.args + function.args.kwonlyargs if a.arg == name), None)


def _super_init(call: ast.Call) -> bool:
    """``super().__init__(...)``."""
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name) and func.value.func.id == "super")


def _literal_strings(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if not isinstance(expr, (ast.List, ast.Tuple)):
        return False
    return all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in expr.elts)
