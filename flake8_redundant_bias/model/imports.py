"""Import-aware name resolution: which framework object does a local name mean.

Only names bound by an ``import`` of a framework resolve.  A user's own
``Conv2d`` class, or a name that is both imported and re-bound in the same
file, resolves to nothing, so the rules stay silent about it.  Imports of
anything else are kept as they are written (``ImportTarget``): the project
may hold that module, and ``project.py`` finds it on disk when a question
needs it.
"""

from __future__ import annotations

import ast
import functools
import sys

from typing import NamedTuple

from ..knowledge import KNOWLEDGE, Knowledge
from ..knowledge.tables import per_table


class ImportTarget(NamedTuple):
    """What an import binds a local name to, as written: ``from ..ops import misc`` is (2, "ops", "misc")."""

    level: int  # 0 for an absolute import
    module: str  # dotted; "" for ``from . import x``
    name: str | None  # the imported name; None when the local name is the module itself


class ImportMap:
    """Local names bound by imports of the frameworks, to qualified names."""

    def __init__(self, knowledge: Knowledge = KNOWLEDGE, package: str | None = None) -> None:
        """``package``: the dotted package the module is in, for its relative imports of a framework's own names
        (``from ._builder import build_model_with_cfg`` inside timm)."""
        self._knowledge = knowledge
        self._package = package
        self._roots = knowledge.roots
        self._support = knowledge.support_roots
        self._aliases: dict[str, str] = {}
        self._rebound: set[str] = set()
        self._others: dict[str, ImportTarget | None] = {}  # None: bound by two different imports
        self._resolved: dict[ast.expr, str | None] = {}  # each rule asks of the same calls: answered once
        self.framework_imported = False

    def add_import(self, node: ast.Import | ast.ImportFrom) -> None:
        self._resolved.clear()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._bind(alias.asname, alias.name, ImportTarget(0, alias.name, None))
                else:
                    top = alias.name.partition(".")[0]
                    self._bind(top, top, ImportTarget(0, top, None))
        else:
            for alias in node.names:
                if alias.name == "*":
                    continue
                local, target = alias.asname or alias.name, ImportTarget(node.level, node.module or "", alias.name)
                if node.level:
                    known = self._framework_name(node.level, node.module, alias.name)
                    if known is not None:
                        self._bind(local, known, target)
                    else:
                        self._other(local, target)
                elif node.module and self._own_unknown(node.module, alias.name):
                    self._other(local, target)  # inside timm, ``from timm.layers import SEModule``: timm's own code
                elif node.module:
                    self._bind(local, f"{node.module}.{alias.name}", target)

    def _framework_name(self, level: int, module: str | None, name: str) -> str | None:
        """A relative import's qualified name inside a framework's own package, when a row or fact names it
        (another of its modules stays the project's, read from disk)."""
        if self._package is None or name not in _last_names(self._knowledge):
            return None  # (most relative imports name no row's or fact's class: told apart without a string built)
        parts = self._package.split(".")
        if level - 1 >= len(parts):
            return None
        base = parts[:len(parts) - (level - 1)]
        qualified = ".".join([*base, *([module] if module else []), name])
        knowledge = self._knowledge
        return qualified if qualified in knowledge.rows or qualified in knowledge.facts else None

    def _own_unknown(self, module: str, name: str) -> bool:
        """An absolute import, from a framework's own package, of a name no row or fact knows: a module of the
        project being linted, read from disk as a relative import of it would be."""
        package = self._package
        if package is None or package.partition(".")[0] != module.partition(".")[0] or name in _last_names(self._knowledge):
            return False
        return module.partition(".")[0] in self._roots

    def _bind(self, local: str, qualified: str, target: ImportTarget) -> None:
        root = qualified.partition(".")[0]
        if root in self._roots:
            self.framework_imported = True
            self._aliases[local] = qualified
        elif root in self._support:
            self._aliases[local] = qualified
        else:
            self._other(local, target)

    def _other(self, local: str, target: ImportTarget) -> None:
        if self._others.get(local, target) != target:
            target = None  # type: ignore[assignment]
        self._others[local] = target

    def imported(self, local: str) -> ImportTarget | None:
        """The import that binds a local name to something not a framework's, if one import alone does."""
        if local in self._rebound:
            return None
        return self._others.get(local)

    def project_names(self) -> list[str]:
        """The local names one import alone binds to something of neither a framework nor the standard library:
        the project's, or another library's."""
        return [
            local for local, target in self._others.items() if target is not None and local not in self._rebound
            and (target.level or target.module.partition(".")[0] not in sys.stdlib_module_names)
        ]

    def imports_root(self, root: str) -> bool:
        """Whether some import binds a name to that framework (``keras``, also as ``tensorflow.keras``)."""
        return any(canonical(qualified).partition(".")[0] == root for qualified in self._aliases.values())

    def add_rebinding(self, name: str) -> None:
        """A class, function or assignment at module level that shadows a name."""
        self._rebound.add(name)
        self._resolved.clear()

    def resolve(self, expr: ast.expr) -> str | None:
        """The qualified name an expression like ``nn.Conv2d`` stands for."""
        if type(expr) is ast.Name:  # the commonest question, and mostly a name no import binds
            base = self._aliases.get(expr.id)  # type: ignore[attr-defined]
            return None if base is None or expr.id in self._rebound else canonical(base)  # type: ignore[attr-defined]
        found = self._resolved.get(expr, self)
        if found is self:
            found = self._resolved[expr] = self._dotted(expr)
        return found  # type: ignore[return-value]

    def _dotted(self, expr: ast.expr) -> str | None:
        parts: list[str] = []
        while isinstance(expr, ast.Attribute):
            parts.append(expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name) or expr.id in self._rebound:
            return None
        base = self._aliases.get(expr.id)
        if base is None:
            return None
        parts.append(base)
        return canonical(".".join(reversed(parts)))


_LAST_NAMES: dict[int, tuple[Knowledge, frozenset[str]]] = {}


def _last_names(knowledge: Knowledge) -> frozenset[str]:
    """The last part of every name the rows and facts know (``build_model_with_cfg``), per knowledge."""
    return per_table(_LAST_NAMES, knowledge, lambda known: frozenset(
        name.rpartition(".")[2] for name in (*known.rows, *known.facts)
    ))


@functools.lru_cache(maxsize=8192)
def canonical(qualified: str) -> str:
    for other, own in KNOWLEDGE.aliases:  # tensorflow.keras.layers.Dense -> keras.layers.Dense
        if qualified.startswith(other):
            qualified = own + qualified[len(other):]
            break
    for internal, public in KNOWLEDGE.internal:
        if qualified.startswith(internal):
            rest = qualified[len(internal):]
            module, dot, name = rest.partition(".")
            if not dot:
                return public + module  # torch.nn.modules.Conv2d: the package re-exports it
            if "." not in name:
                return public + name
    return qualified
