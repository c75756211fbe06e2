"""Under which test a norm follows a producer: the flag a finding holds for, and the bias that says so.

A block often builds its norm under a flag (``if use_bn: layers.append(nn.BatchNorm2d(c))``,
``self.bn = nn.BatchNorm2d(c) if bn else None``, ``norm_layer = nn.BatchNorm2d if batch else
nn.Identity``) or applies it under one (``if self.use_bn: x = self.bn(x)``).  The flow service
decides such a test from the flag's callers or its default; the norm then follows on that path
only, and the bias is wasted only there.  The tests are read back here, each as the producer's
function would spell it (``self.use_bn`` set from ``use_bn``), so that a finding can say when it
holds, and a fix can pass ``bias=not use_bn`` rather than a ``bias=False`` that the other path
needs.
"""

from __future__ import annotations

import ast
from typing import Iterable

from ..knowledge.schema import Norm
from .flow.names import none_test
from .flow.service import Flow
from .index import Index, Scope, branches_around, if_apart, is_parameter
from .layers import Layer, Layers
from .values import is_literal

Test = tuple[ast.expr, bool, Scope, "ast.expr | None"]  # a test, the branch taken, where it is read, the other side


class Guard:
    """A test a norm follows under, as written (``shown``), and the bias that is off exactly when it holds, as
    the producer's function spells it (``off``; None when it cannot, the test read from its class's state)."""

    __slots__ = ("shown", "off")

    def __init__(self, shown: str, off: str | None) -> None:
        self.shown = shown
        self.off = off

    @property
    def when(self) -> str:
        """`` when use_bn is true``, `` when norm is not None``: the clause a message adds."""
        return f" when {self.shown}"


class Conditions:
    def __init__(self, index: Index, flow: Flow, layers: Layers) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers

    def guard(self, producer: Layer, norm: Layer, others: list[Layer] | tuple = ()) -> Guard | None:
        """The test under which ``norm`` follows ``producer`` and on no other path, when there is one (several
        tests together read as one, with no bias to pass); None when the norm follows whatever the flags say.
        ``others``: the norms that follow it down the other paths of a fork (a list each branch builds): a test
        with one of them on each side of it is no guard."""
        if producer.call not in self.index.parents:
            return None  # built in another module: the flags there are its own
        producer_tests = {test[0] for test in self._tests_around(producer.call)}
        producer_tests |= _split(self._tests_around(n.call) for n in (norm, *others)) if others else set()
        found = [test for test in self._tests_around(norm.call) if test[0] not in producer_tests]
        if norm.placed is not None:  # ``bn = nn.BatchNorm2d(c)``, then ``if use_bn: layers.append(bn)``
            found += [test for test in self._tests_around(norm.placed) if test[0] not in producer_tests]
        found += self._class_choice(norm)
        if norm.applied is not None and norm.reached_from is not None:
            around_producer = {test[0] for test in self._tests_around(norm.reached_from)}
            applied = norm.applied[0].func
            found += [
                test for test in self._tests_around(norm.applied[0])
                if test[0] not in around_producer and not _tests_holding(test[0], applied)
            ]
            found += self._replacements(norm.call, applied, norm.applied[1])
        home = self.index.scope_at(producer.call)
        guards: dict[str, Guard] = {}
        for test, holds, scope, other in found:
            if other is not None and self._cancels_too(other, scope):
                continue  # ``nn.SyncBatchNorm if sync else nn.BatchNorm2d``: a norm on either path
            guard = self._spelled(test, holds, scope, home)
            if guard is not None:
                guards.setdefault(guard.shown, guard)
        if not guards:
            return None
        if len(guards) == 1:
            return next(iter(guards.values()))
        return Guard(" and ".join(guards), None)

    def branch_guard(self, producer: Layer, kept: list[ast.AST], dropped: list[ast.AST]) -> tuple[bool, Guard | None]:
        """For a list each branch binds anew, a layer before a norm in the lists bound at ``kept`` and not in those
        bound at ``dropped`` (pix2pix's down conv, normed in the ``else`` alone): the tests every binding of
        ``kept`` is under, when they put each of ``dropped`` on their other side; (False, None) when they do not."""
        around = [{(test[0], test[1]): test for test in self._tests_around(site)} for site in kept]
        producer_tests = {test[0] for test in self._tests_around(producer.call)}
        common = [key for key in around[0] if key[0] not in producer_tests and all(key in tests for tests in around[1:])]
        for site in dropped:
            sides = {(test[0], test[1]) for test in self._tests_around(site)}
            if not any((test, not holds) in sides for test, holds in common):
                return False, None  # a branch keeping the bias that no test of the kept ones leaves out
        home = self.index.scope_at(producer.call)
        guards: dict[str, Guard] = {}
        for key in common:
            test, holds, scope, _ = around[0][key]
            guard = self._spelled(test, holds, scope, home)
            if guard is not None:
                guards.setdefault(guard.shown, guard)
        found = None
        for guard in guards.values():
            found = both(found, guard)
        return True, found

    def never(self, producer: Layer, norm: Layer, bias: ast.expr | None) -> bool:
        """Whether the producer's bias is handed in by the function's callers (``bias``: its argument) and a test
        the producer or the norm is built or applied under never holds, decided by the same calls or defaults: no
        path builds both with the bias on (pytorch-semseg's ICNet passes ``bias=not is_batchnorm`` and
        ``is_batchnorm=False`` to a block that builds its norm under ``if is_batchnorm:``).  A bias on by the
        layer's own default is left to the tests: a caller elsewhere may take the norm's branch."""
        if producer.call not in self.index.parents or norm.call not in self.index.parents:
            return False
        home = self.index.scope_at(producer.call)
        if not (isinstance(bias, ast.Name) and is_parameter(home, bias.id)):
            return False
        tests = self._tests_around(producer.call) + self._tests_around(norm.call)
        if norm.applied is not None:
            tests += self._tests_around(norm.applied[0])
        return any(self.flow.truth(test, scope) is (not holds) for test, holds, scope, _ in tests)

    def chosen(self, path: tuple[ast.expr, bool]) -> Guard:
        """The test a block class is chosen under (``Layer.path``), as written: no bias to pass, the call's switch
        serving the other class too."""
        return Guard(_shown(*path), None)

    def _tests_around(self, node: ast.AST) -> list[Test]:
        """The ``if`` and conditional-expression tests around a node in its function, each with the branch the node
        is in (True: the body), the scope it is read in, and a conditional expression's other side."""
        return [
            (branch.test, body, self.index.scope_at(branch), _other_side(branch, body))
            for branch, body in branches_around(self.index, node)
        ]

    def _replacements(self, built: ast.AST, applied: ast.expr, scope: Scope) -> list[Test]:
        """The class's other values for the attribute holding the norm, set where a flag decides they never are
        (``if not use_bn: setattr(self, "bn", nn.Identity())``): the norm stays while each one's test keeps it
        out (its innermost test), unless it is on the other side of an ``if`` the norm is built under."""
        owner = self.flow.method_owner(applied.value, scope) if isinstance(applied, ast.Attribute) else None
        holder = self.flow.holder(owner, applied.attr) if owner is not None else None  # type: ignore[union-attr]
        if holder is None:
            return []
        found = []
        for value, store_scope in self.flow.attribute_values(holder, applied.attr):  # type: ignore[union-attr]
            if value is None or value is built or self.flow.runs(value, store_scope, None) is not False:
                continue
            tests = self._tests_around(value)
            if tests and not if_apart(self.index, built, value):
                test, holds, test_scope, _ = tests[0]
                found.append((test, not holds, test_scope, None))
        return found

    def _cancels_too(self, other: ast.expr, scope: Scope) -> bool:
        """The other side builds or names a norm that cancels whatever it is given (a batch or instance norm)."""
        if isinstance(other, ast.Call):
            layer = self.layers.built(other)
            spec = layer.spec if layer is not None else None
        else:
            name = self.flow.resolved(other, scope)
            spec = self.layers.rows.get(name) if name is not None else None
        return isinstance(spec, Norm) and spec.when is None

    def _class_choice(self, norm: Layer) -> list[Test]:
        """``norm_layer = nn.BatchNorm2d if batch else nn.Identity`` then ``norm_layer(c)``: the test that chose the
        class, when the name is bound once, so, in the same function."""
        call = norm.call
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call not in self.index.parents:
            return []  # (a module built by a base class of another module: its own module's business)
        func = call.func
        scope = self.index.scope_at(call)
        stores, _ = self.index.bindings(scope, func.id)
        if len(stores) != 1:
            return []
        assign = self.index.parents.get(stores[0].node)
        if not isinstance(assign, ast.Assign) or assign.targets != [stores[0].node] or not isinstance(assign.value, ast.IfExp):
            return []
        choice = assign.value
        sides = [self.flow.resolved(side, scope) == norm.name for side in (choice.body, choice.orelse)]
        if sides.count(True) != 1:
            return []
        return [(choice.test, sides[0], scope, choice.orelse if sides[0] else choice.body)]

    def _spelled(self, test: ast.expr, holds: bool, scope: Scope, home: Scope) -> Guard | None:
        """The guard a test stands for, as the producer's function (``home``) reads it; None for a test that holds
        on every path (``self.bn is not None`` where the class always builds one)."""
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._spelled(test.operand, not holds, scope, home)
        chosen = self._chosen_or_none(test, scope)
        if chosen is not None:  # ``downnorm is not None`` with ``downnorm = norm_layer(c) if norm_layer else None``
            return self._spelled(chosen[0], chosen[1] is holds, scope, home)
        if scope is not home or isinstance((none_test(test) or (test,))[0], ast.Attribute):
            # (in the producer's own function too: ``self.use_bn = use_bn`` then ``if self.use_bn:``)
            test = self._from_state(test, scope, home)  # type: ignore[assignment]
            if test is None:
                return None
            if isinstance(test, Guard):
                return test
        return Guard(_shown(test, holds), _negated(test, holds) if _reads_only_parameters(test, home, self.index) else None)

    def _chosen_or_none(self, test: ast.expr, scope: Scope) -> tuple[ast.expr, bool] | None:
        """A test of whether a local name is None, where its one binding is a conditional expression with None on
        one side: that expression's test, and whether the test holding means the test of the name holds."""
        guard = none_test(test)
        name = guard[0] if guard is not None else None
        found = self.flow.reaching(name, scope) if type(name) is ast.Name else None  # type: ignore[arg-type]
        if found is None or len(found[1]) != 1:
            return None
        statement = self.index.parents.get(found[1][0].node)
        value = statement.value if type(statement) is ast.Assign and len(statement.targets) == 1 else None  # type: ignore
        if type(value) is not ast.IfExp or is_literal(value.body, None) is is_literal(value.orelse, None):
            return None
        none_when_true = is_literal(value.body, None)
        return value.test, none_when_true is guard[1]  # type: ignore[index]

    def _from_state(self, test: ast.expr, scope: Scope, home: Scope) -> ast.expr | Guard | None:
        """A test of the class's state in another method (``self.use_bn``, ``self.bn is not None``) as the
        producer's ``__init__`` sets it (``use_bn``, the test the norm is built under): the test as written there
        (a ``Guard`` with no bias to pass) when it is set otherwise; None when it always holds."""
        guard = none_test(test)
        attribute = guard[0] if guard is not None else test
        owner = self.flow.method_owner(attribute.value, scope) if isinstance(attribute, ast.Attribute) else None
        stores = self.flow.attribute_values(owner, attribute.attr) if owner is not None else []  # type: ignore[union-attr]
        if len(stores) != 1 or stores[0][0] is None or stores[0][1] is not home:
            return Guard(_shown(test, True), None)
        value = stores[0][0]
        if guard is None:
            return value
        if isinstance(value, ast.IfExp) and is_literal(value.orelse, None) and not guard[1]:
            return value.test  # ``self.bn = nn.BatchNorm2d(c) if bn else None``: not None when bn holds
        if isinstance(value, ast.IfExp) and is_literal(value.body, None) and not guard[1]:
            return ast.UnaryOp(ast.Not(), value.test)
        return None if not guard[1] and not is_literal(value, None) and self.flow.is_none(value, home) is False else Guard(
            _shown(test, True), None)


def _other_side(branch: ast.If | ast.IfExp, body: bool) -> ast.expr | None:
    """A conditional expression's side a node is not on (an ``if`` statement's: none to read)."""
    if isinstance(branch, ast.If):
        return None
    return branch.orelse if body else branch.body


def _tests_holding(test: ast.expr, applied: ast.expr) -> bool:
    """``if self.norm:`` (``is not None``) around ``self.norm(x)``: whether the class holds the norm it applies,
    which the tests it is built under already say."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return False
    guard = none_test(test)
    if guard is not None and guard[1]:
        return False  # ``if self.norm is None:`` around applying it: not the norm's path
    held = guard[0] if guard is not None else test
    return isinstance(held, ast.Attribute) and isinstance(applied, ast.Attribute) and ast.dump(held) == ast.dump(applied)


def _shown(test: ast.expr, holds: bool) -> str:
    """``use_bn is true``, ``use_bn is false``, ``norm is not None``, ``not (a and b)``."""
    text = ast.unparse(test)
    if isinstance(test, (ast.Name, ast.Attribute)):
        return f"{text} is {'true' if holds else 'false'}"
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _shown(test.operand, not holds)
    if not holds and isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in OPPOSITES:
        return ast.unparse(ast.Compare(test.left, [OPPOSITES[type(test.ops[0])]()], test.comparators))  # ``norm != "bn"``
    return text if holds else f"not ({text})"


def _negated(test: ast.expr, holds: bool) -> str:
    """The expression that is true exactly when the norm is absent: ``not use_bn``, ``norm is None``."""
    text = ast.unparse(test)
    if not holds:
        return text
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return ast.unparse(test.operand)
    guard = none_test(test)
    if guard is not None:
        return f"{ast.unparse(guard[0])} is {'not ' if guard[1] else ''}None"
    if isinstance(test, (ast.Name, ast.Attribute, ast.Call)):
        return f"not {text}"
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in OPPOSITES:
        return ast.unparse(ast.Compare(test.left, [OPPOSITES[type(test.ops[0])]()], test.comparators))
    return f"not ({text})"


OPPOSITES: dict[type, type] = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In}


def _reads_only_parameters(test: ast.expr, home: Scope, index: Index) -> bool:
    """Every name the test reads is a parameter of the producer's function that it never binds again, or a
    module constant bound once that it does not bind (``USE_BN``): the value it has where the producer is built."""
    if not isinstance(home.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    names = [node for node in ast.walk(test) if isinstance(node, ast.Name)]
    return bool(names) and all(
        len(index.bindings(home, name.id)[0]) == 1 if is_parameter(home, name.id) else _constant(index, home, name.id)
        for name in names
    ) and not any(isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)) for node in ast.walk(test))


def _constant(index: Index, home: Scope, name: str) -> bool:
    """A module-level name bound once, by an assignment, that no function between binds or declares global."""
    stores = index.bindings(index.module, name)[0]
    return (
        len(stores) == 1 and isinstance(index.parents.get(stores[0].node), ast.Assign) and name not in index.declared
        and index.home(name, home) is index.module and name not in index.module.escaped
    )


def both(first: Guard | None, second: Guard | None) -> Guard | None:
    """Two guards read as one, with no bias to pass."""
    if first is None or second is None or first.shown == second.shown:
        return first or second
    # (each a test or tests joined so: one that both spell is said once)
    shown = " and ".join(dict.fromkeys(f"{first.shown} and {second.shown}".split(" and ")))
    return Guard(shown, None) if shown != first.shown else first


def _split(tests: Iterable[list[Test]]) -> set[ast.expr]:
    """The tests some of the norms are built on one side of, and some on the other."""
    sides: dict[ast.expr, set[bool]] = {}
    for around in tests:
        for test, body, _, _ in around:
            sides.setdefault(test, set()).add(body)
    return {test for test, found in sides.items() if len(found) == 2}
