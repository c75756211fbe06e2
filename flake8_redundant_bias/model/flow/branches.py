"""Which branches of a function run for one call: the tests its arguments decide.

A string factory picks its norm by comparing a parameter with literals
(``get_norm("bn", c)`` returning ``nn.BatchNorm2d(c)`` under ``if kind == "bn":``,
``get_norm_layer("batch")`` assigning a ``partial`` in an ``if``/``elif`` chain), and a
block guards a default (``if norm is None: norm = nn.BatchNorm2d``).  Read with a
call's arguments bound, a branch whose test the call decides against never runs,
and a binding whose every test the call decides for always does.  A test it
cannot decide keeps both branches.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ...knowledge.schema import InstanceType, Version
from ..index import Index, Scope, branch_apart, statement_of
from ..values import Env, same_literal
from .calls import STATEMENT_LISTS
from .names import names_a_class, none_test

if TYPE_CHECKING:  # the service's interface, for the types only
    from .questions import Decide, Questions

LITERALS = (str, int, bool, type(None))  # the values a test on a parameter compares (floats are rarely equal)
COMPARISONS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
BUILTIN_TYPES = {"str": str, "int": int, "bool": bool, "float": float, "type": type}  # an ``isinstance`` test names
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class Branches:
    __slots__ = ("index", "_exits")

    def __init__(self, index: Index) -> None:
        self.index = index
        self._exits: dict[tuple[ast.AST, str], int] = {}  # a statement list -> where the first that may return is

    def holds(self, flow: Questions, test: ast.expr, scope: Scope, env: Env) -> bool | None:
        """Whether a test holds for the call ``env`` binds: ``p is None``, ``p == "bn"``, ``p != "bn"``,
        ``p in ("bn", "batch")``, ``p not in ...``, ``p``, ``not p``, and ``and``/``or`` of them; None when the call
        does not decide it."""
        if isinstance(test, ast.BoolOp):
            # ``nonlin_first and norm is not None``: one operand decides it, or all of them do.
            decisive = isinstance(test.op, ast.Or)
            found = [self.holds(flow, value, scope, env) for value in test.values]
            return decisive if decisive in found else (not decisive if None not in found else None)
        guard = none_test(test)
        if guard is not None:
            none = flow.is_none(guard[0], scope, env)
            return None if none is None else none is guard[1]
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], COMPARISONS):
            return self._compared(flow, test, scope, env)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call):
            held = self.holds(flow, test.operand, scope, env)
            return None if held is None else not held
        if isinstance(test, (ast.Name, ast.Attribute)) or isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return flow.truth(test, scope, env)
        if isinstance(test, ast.Call):
            return self._instance_test(flow, test, scope, env) if _names(test.func, "isinstance") else _version_test(
                flow, test, scope)
        return None

    def _instance_test(self, flow: Questions, test: ast.Call, scope: Scope, env: Env) -> bool | None:
        """``isinstance(kind, str)``, ``isinstance(norm_layer, functools.partial)``, of a literal or a class the call
        passes (a factory given a name or a class)."""
        if len(test.args) != 2 or test.keywords or self.index.bound("isinstance", scope):
            return None
        kinds = self._types(flow, test.args[1], scope)
        if kinds is None:
            return None
        values = self._literals(flow, test.args[0], scope, env)
        if values is None:  # a class (detectron2's ``get_norm(nn.BatchNorm2d, c)``) is an instance of ``type`` alone
            origins = flow.origins(test.args[0], scope, env)
            return type in kinds if origins and all(names_a_class(flow, o.expr, o.scope) for o in origins) else None
        held = {isinstance(value, kinds) for value in values}
        return held.pop() if len(held) == 1 else None

    def _types(self, flow: Questions, spec: ast.expr, scope: Scope) -> tuple[type, ...] | None:
        """The types an ``isinstance`` test names, one or a tuple of them: builtins and the standard library's that
        the rows know (``InstanceType``); None when it names another."""
        kinds = []
        for element in spec.elts if isinstance(spec, ast.Tuple) else [spec]:
            if type(element) is ast.Name and element.id in BUILTIN_TYPES and not self.index.bound(element.id, scope):
                kinds.append(BUILTIN_TYPES[element.id])
                continue
            fact = flow.fact(element, scope)
            if not isinstance(fact, InstanceType):
                return None
            kinds.append(fact.kind)
        return tuple(kinds)

    def _compared(self, flow: Questions, test: ast.Compare, scope: Scope, env: Env) -> bool | None:
        op, right = test.ops[0], test.comparators[0]
        left = self._literals(flow, test.left, scope, env)
        if isinstance(op, (ast.In, ast.NotIn)):
            options = self._members(flow, right, scope, env)
            if left is None or options is None:
                return None
            member = {any(same_literal(value, option) for option in options) for value in left}
            return None if len(member) != 1 else member.pop() is isinstance(op, ast.In)
        others = self._literals(flow, right, scope, env)
        if left is None or others is None:
            return None
        equal = {same_literal(one, other) for one in left for other in others}
        return None if len(equal) != 1 else equal.pop() is isinstance(op, ast.Eq)

    def _members(self, flow: Questions, container: ast.expr, scope: Scope, env: Env) -> list[object] | None:
        """What ``in`` looks for a value among: a literal tuple, list or set, or the keys of a lookup table."""
        if not isinstance(container, (ast.Tuple, ast.List, ast.Set)):
            entries = flow.table(container, scope, env)
            return None if entries is None else list(entries)
        options: list[object] = []
        for element in container.elts:
            found = self._literals(flow, element, scope, env)
            if found is None or len(found) != 1:
                return None
            options += found
        return options

    def _literals(self, flow: Questions, expr: ast.expr, scope: Scope, env: Env) -> list[object] | None:
        found = flow.constants(expr, scope, env)
        if not found or not all(isinstance(value, LITERALS) for value, _ in found):
            return None
        return [value for value, _ in found]

    def returns(self, flow: Questions, function: ast.FunctionDef, env: Env) -> list[ast.expr] | None:
        """The expressions one call of the function may return, the branches it decides against left out; None
        when a return sits in a loop, ``try`` or ``with``, the function may end without one, or it yields."""
        if self.index.spells(function, ("yield",)):
            return None
        found: list[ast.expr] = []
        ends = self._returns(flow, function.body, self.index.scope_of[function], env, found)
        return found if ends else None

    def _returns(self, flow: Questions, body: list[ast.stmt], scope: Scope, env: Env, found: list) -> bool | None:
        """Adds the returns the statements may run; whether every path through them ends (a return or a raise);
        None where a return is out of sight."""
        for stmt in body:
            if isinstance(stmt, ast.Return):
                if stmt.value is None:
                    return None
                found.append(stmt.value)
                return True
            if isinstance(stmt, ast.Raise):
                return True
            if isinstance(stmt, ast.If):
                holds = self.holds(flow, stmt.test, scope, env)
                taken = [branch for branch, runs in ((stmt.body, True), (stmt.orelse, False)) if holds in (None, runs)]
                ends = [self._returns(flow, branch, scope, env, found) for branch in taken]
                if None in ends:
                    return None
                if all(ends):
                    return True
            elif _returns_inside(stmt):
                return None
        return False

    def taken(self, flow: Questions, first: ast.AST, second: ast.AST, decide: Decide | None = None) -> ast.AST | None:
        """Of two nodes in different branches of one test, the one in the branch the test takes on every path (the
        body of ``self.bn(x) if self.with_bn else x`` where ``with_bn`` always holds); None when they are not so
        placed, or the test is not decided.  ``decide``: tests a reading for one call decides first."""
        apart = branch_apart(self.index, first, second)
        if apart is None:
            return None
        branch, body = apart
        holds = self._decided(flow, branch.test, self.index.scope_at(branch), decide)
        return None if holds is None else second if holds is body else first

    def _decided(self, flow: Questions, test: ast.expr, scope: Scope, decide: Decide | None) -> bool | None:
        found = decide(test, scope) if decide is not None else None
        return found if found is not None else self.holds(flow, test, scope, None)  # type: ignore[arg-type]

    def runs(self, flow: Questions, node: ast.AST, scope: Scope, env: Env) -> bool | None:
        """Whether a statement of the function (a binding's) runs for the call: False when a test on the way
        is decided against it, or a ``return`` before it is decided for; True when every test is decided for it,
        no ``return`` before it may run, and no loop, ``try`` or ``with`` holds it; None otherwise."""
        parents, certain = self.index.parents, True
        child, parent = node, self.index.parents.get(node)
        while parent is not None and not isinstance(parent, (*FUNCTIONS, ast.Module)):
            if isinstance(child, ast.stmt):
                before = self._returns_before(flow, parent, child, scope, env)
                if before:
                    return False
                certain = certain and before is not None
            if isinstance(parent, ast.If) and child is not parent.test:
                holds = self.holds(flow, parent.test, scope, env)
                if holds is not None and holds is not (child in parent.body):
                    return False
                certain = certain and holds is not None
            elif isinstance(parent, ast.stmt) and hasattr(parent, "body"):
                certain = False  # a loop, try or with: it may run the statement no times, or end before it
            child, parent = parent, parents.get(parent)
        if isinstance(child, ast.stmt) and parent is not None:
            before = self._returns_before(flow, parent, child, scope, env)
            if before:
                return False
            certain = certain and before is not None
        return True if certain and parent is scope.node else None

    def follows(self, flow: Questions, node: ast.AST, binding: ast.AST, decide: Decide | None = None) -> bool:
        """Whether the statement holding ``node`` runs whenever the one holding ``binding`` does, after it: a later
        statement of the same list, or inside ``if`` branches one opens, each test decided for it on every path
        (``x = self.conv(x)``, then ``if self.use_bn: x = self.bn(x)`` where ``use_bn`` always holds).
        ``decide``: tests a reading for one call decides first (``if self.norm:`` of a block read for a call)."""
        parents = self.index.parents
        first, child = statement_of(self.index, binding), statement_of(self.index, node)
        owner = parents.get(first) if first is not None else None
        scope = self.index.scope_at(node)
        while child is not None and owner is not None:
            parent = parents.get(child)
            if parent is owner:
                return any(first in body and child in body for body in _statement_lists(owner))
            if not isinstance(parent, ast.If) or child is parent.test:
                return False  # a loop, ``try`` or ``with`` may run it no times, or end before it
            holds = self._decided(flow, parent.test, scope, decide)
            if holds is None or holds is not any(child is stmt for stmt in parent.body):
                return False
            child = parent
        return False

    def _returns_before(self, flow: Questions, parent: ast.AST, stmt: ast.stmt, scope: Scope, env: Env) -> bool | None:
        """Whether a statement before ``stmt``, in the same list, returns for the call (True), cannot (False), or
        may (None).  (A ``raise`` before it chooses no other value: the statement runs, or nothing does.)"""
        for field in STATEMENT_LISTS:
            body = getattr(parent, field, None)
            if type(body) is list and any(item is stmt for item in body):
                place = _place(body, stmt)
                if self._first_exit(parent, field, body) >= place:
                    return False  # (most statements hold no return: decided without reading a test)
                verdicts = [self._ends(flow, earlier, scope, env) for earlier in body[:place]]
                return True if True in verdicts else None if None in verdicts else False
        return False

    def _first_exit(self, parent: ast.AST, field: str, body: list[ast.stmt]) -> int:
        """Where the first statement of a list that may return is (its length when none may)."""
        key = (parent, field)
        found = self._exits.get(key)
        if found is None:
            spells = self.index.spells  # (a statement whose lines never spell "return" holds none: no walk)
            found = self._exits[key] = next((
                i for i, item in enumerate(body)
                if isinstance(item, ast.Return) or spells(item, ("return",)) and _returns_inside(item)
            ), len(body))
        return found

    def _ends(self, flow: Questions, stmt: ast.stmt, scope: Scope, env: Env) -> bool | None:
        if isinstance(stmt, ast.Return):
            return True
        if isinstance(stmt, ast.If):
            holds = self.holds(flow, stmt.test, scope, env)
            verdicts = [
                self._ends_all(flow, branch, scope, env)
                for branch, runs in ((stmt.body, True), (stmt.orelse, False)) if holds in (None, runs)
            ]
            return True if all(verdicts) else False if not any(v is not False for v in verdicts) else None
        return None if _returns_inside(stmt) else False

    def _ends_all(self, flow: Questions, body: list[ast.stmt], scope: Scope, env: Env) -> bool | None:
        """Whether the statements return for the call on every path (True), on none (False), or may (None)."""
        for stmt in body:
            ends = self._ends(flow, stmt, scope, env)
            if ends is not False:
                return ends
        return False


def _statement_lists(owner: ast.AST) -> list[list[ast.stmt]]:
    return [body for field in STATEMENT_LISTS for body in [getattr(owner, field, None)] if type(body) is list]


def _place(body: list[ast.stmt], stmt: ast.stmt) -> int:
    return next(i for i, item in enumerate(body) if item is stmt)


def _returns_inside(stmt: ast.stmt) -> bool:
    """A ``return`` in a compound statement, not in a function or class defined there."""
    pending: list[ast.AST] = [stmt]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            return True
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef, ast.Lambda)) or node is stmt:
            pending.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
    return False


def _names(func: ast.expr, name: str) -> bool:
    return type(func) is ast.Name and func.id == name


def _version_test(flow: Questions, test: ast.Call, scope: Scope) -> bool | None:
    """``torch.__version__.startswith("0")``, as the library's version row answers it."""
    func = test.func
    if type(func) is not ast.Attribute or func.attr != "startswith" or test.keywords or len(test.args) != 1:
        return None
    prefix = test.args[0]
    if type(prefix) is not ast.Constant or not isinstance(prefix.value, str):
        return None
    version = flow.fact(func.value, scope)
    return version.starts_with(prefix.value) if isinstance(version, Version) else None
