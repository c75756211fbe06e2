"""One pass over a module: parents, scopes, and where each name is bound and read.

The walk is iterative, so a 10,000-term expression cannot exhaust the
recursion limit, and visits children in evaluation order (the value of an
assignment before its target), so that the events of a name, in order, tell
which reads a binding can reach.  The index is data: it answers where names
are bound and read, never what they hold (that is ``flow/``), and nothing in it
points back at the services built on it.
"""

from __future__ import annotations

import ast
import functools
from bisect import bisect_left, bisect_right
from typing import Callable, Container, Iterable, Iterator, NamedTuple, TypeVar

from .imports import ImportMap
from ..text import Text

SCOPE_NODES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)
FUNCTION_NODES = SCOPE_NODES[:4]  # the scopes of a function's or class's own statements
LOOPS = (ast.For, ast.AsyncFor, ast.While)
T = TypeVar("T")


class Block:
    """A list of statements; bindings in it are killed by re-bindings in it or above it."""

    __slots__ = ("parent", "loop", "start")

    def __init__(self, parent: Block | None, loop: bool = False) -> None:
        self.parent = parent
        self.loop = loop
        self.start: int | None = None

    def within(self, other: Block) -> bool:
        block: Block | None = self
        while block is not None:
            if block is other:
                return True
            block = block.parent
        return False


class Event(NamedTuple):
    """One binding or read of a name, in evaluation order.

    One is made for every name of a module: the walk builds them with ``_event``
    (``tuple.__new__``), which costs no Python frame.
    """

    order: int
    node: ast.AST
    store: bool
    block: Block
    opaque: bool = False  # a read from a nested function: a use we cannot follow


_event = tuple.__new__


class Scope:
    __slots__ = ("node", "parent", "events", "escaped", "bound", "tree", "outer")

    def __init__(self, node: ast.AST, parent: Scope | None) -> None:
        self.node = node
        self.parent = parent
        self.events: dict[str, list[Event]] = {}
        self.escaped: set[str] = set()
        self.bound: set[str] = set()  # names bound here so far: their reads here are local
        # The module the scope is in: which module's services answer for a value read here.
        self.tree: ast.AST = node if parent is None else parent.tree
        # The scopes whose names a read here can see, nearest first (class bodies are not among them).
        self.outer: tuple[Scope, ...] = ()
        if parent is not None:
            self.outer = parent.outer if isinstance(parent.node, ast.ClassDef) else (parent, *parent.outer)

    def enclosing(self) -> tuple[Scope, ...]:
        return self.outer


class _Escaped(set):
    """A module's names that code it does not walk may read or re-bind: those a ``global`` names, and ``also``."""

    __slots__ = ("also",)

    def __init__(self, also: Container[str]) -> None:
        super().__init__()
        self.also = also

    def __contains__(self, name: object) -> bool:
        return set.__contains__(self, name) or name in self.also


class Index:
    """Everything the analysis looks up, gathered in one walk of the tree."""

    def __init__(
        self, tree: ast.Module, imports: ImportMap, skip: frozenset | set = frozenset(), unknown: Container[str] = (),
        source: Text | None = None,
    ) -> None:
        """``skip``: top-level definitions not to walk; ``unknown``: names they may read or re-bind."""
        self.imports = imports
        self.source = source
        self.skipped = skip
        self.parents: dict[ast.AST, ast.AST] = {}
        self.scope_of: dict[ast.AST, Scope] = {}  # scope-creating node -> its scope
        self.calls: list[tuple[ast.Call, Scope]] = []
        self.keyword_calls: list[tuple[ast.Call, Scope]] = []  # those passing a keyword argument
        self._calls_inside: dict[ast.AST, list[tuple[ast.Call, Scope]]] = {}
        self._call_lines: tuple[list[int], list[int]] | None = None
        self.stores: dict[ast.AST, tuple[Scope, int]] = {}  # binding node -> its event
        self.attribute_stores: list[tuple[ast.Attribute, ast.AST, Scope]] = []
        self.attribute_loads: list[tuple[ast.Attribute, Scope]] = []
        self.functions: dict[str, ast.FunctionDef] = {}  # module level, for helpers
        self.classes: dict[str, ast.ClassDef] = {}  # module level, walked (not skipped)
        self.loops: list[tuple[ast.For, Scope]] = []
        self.comprehensions: list[tuple[ast.GeneratorExp | ast.ListComp, Scope]] = []
        self._order = 0
        self._stats: dict[tuple[Scope, str], tuple[list[Event], int]] = {}
        self._derived: dict[str, object] = {}
        self.module = Scope(tree, None)
        if unknown:
            self.module.escaped = _Escaped(unknown)
        self.unknown = unknown  # the names the definitions not walked spell
        self.declared: set[str] = set()  # the names a walked ``global`` or ``nonlocal`` statement declares
        self.scope_of[tree] = self.module
        self._walk(tree)

    # ------------------------------------------------------------ the walk

    def _walk(self, tree: ast.Module) -> None:
        root = Block(None)
        stack: list[tuple[ast.AST, Scope, Block]] = [
            (stmt, self.module, root) for stmt in reversed(tree.body)
        ]
        parents = self.parents
        push, pop = stack.append, stack.pop
        name_kind, constant_kind, attribute_kind, call_kind = ast.Name, ast.Constant, ast.Attribute, ast.Call
        plain_fields = _PLAIN_FIELDS  # node type -> the fields to walk; () for the types _visit handles
        store_kind, module, stores = ast.Store, self.module, self.stores
        calls, attribute_loads, keyword_calls = self.calls, self.attribute_loads, self.keyword_calls
        order = self._order  # kept here, and handed to ``_visit`` and back through ``self._order``
        while stack:
            node, scope, block = pop()
            kind = type(node)
            # The commonest nodes, inlined: the walk is the plugin's main cost.
            if kind is name_kind:
                # A name: one event in its scope, and (a read of a name the scope
                # does not bind) an opaque event in each enclosing scope.
                name = node.id
                order += 1
                events = scope.events.get(name)
                if events is None:
                    events = scope.events[name] = []
                if type(node.ctx) is store_kind:
                    if scope is module:
                        self.imports.add_rebinding(name)
                    stores[node] = (scope, len(events))
                    scope.bound.add(name)
                    events.append(_event(Event, (order, node, True, block, False)))
                    continue
                events.append(_event(Event, (order, node, False, block, False)))
                if scope.outer and name not in scope.bound:
                    event = _event(Event, (order, node, False, block, True))
                    for outer in scope.outer:
                        outer.events.setdefault(name, []).append(event)
                continue
            if kind is attribute_kind:
                value = node.value
                if type(value) is name_kind:
                    if type(node.ctx) is store_kind:
                        self.attribute_stores.append((node, parents.get(node), scope))
                    else:
                        attribute_loads.append((node, scope))
                parents[value] = node
                push((value, scope, block))
                continue
            if kind is call_kind:
                calls.append((node, scope))
                keywords = node.keywords
                if keywords:
                    keyword_calls.append((node, scope))
                    for keyword in reversed(keywords):  # a keyword holds one value: walked here, not as a node
                        parents[keyword] = node
                        value = keyword.value
                        parents[value] = keyword
                        if type(value) is not constant_kind:
                            push((value, scope, block))
                for child in reversed((node.func, *node.args)):
                    parents[child] = node
                    if type(child) is not constant_kind:
                        push((child, scope, block))
                continue
            # Only a statement can start a block, and no statement is one of the kinds above.
            if block.start is None:
                block.start = order
            fields = plain_fields.get(kind)
            if fields is None:
                fields = plain_fields[kind] = _evaluation_order(kind) if _plain(kind) else ()
            if not fields:
                self._order = order
                self._visit(node, scope, block, stack)
                order = self._order
                continue
            # The common case, inlined: an expression or simple statement whose
            # children share its scope and block.  A constant holds nothing to walk.
            for attr in reversed(fields):
                value = getattr(node, attr, None)
                if value is None:
                    continue
                if type(value) is list:
                    for item in reversed(value):
                        if isinstance(item, ast.AST):
                            parents[item] = node
                            if type(item) is not constant_kind:
                                push((item, scope, block))
                elif isinstance(value, ast.AST):
                    parents[value] = node
                    if type(value) is not constant_kind:
                        push((value, scope, block))
        self._order = order

    def _visit(self, node: ast.AST, scope: Scope, block: Block, stack: list) -> None:
        """Every node the inlined loop of ``_walk`` does not handle itself."""
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.imports.add_import(node)
            return
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            self.declared.update(node.names)
            for name in node.names:
                scope.escaped.add(name)
                for outer in scope.enclosing():
                    outer.escaped.add(name)
            return
        if isinstance(node, ast.For):
            self.loops.append((node, scope))
        elif isinstance(node, (ast.GeneratorExp, ast.ListComp)):
            self.comprehensions.append((node, scope))
        if scope is self.module and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.imports.add_rebinding(node.name)
            if node in self.skipped:
                return
            if isinstance(node, ast.FunctionDef):
                self.functions[node.name] = node
            elif isinstance(node, ast.ClassDef):
                self.classes[node.name] = node
        children = self._children(node, scope, block)
        for child, child_scope, child_block in reversed(children):
            self.parents[child] = node
            stack.append((child, child_scope, child_block))

    def _children(self, node: ast.AST, scope: Scope, block: Block) -> list:
        if isinstance(node, SCOPE_NODES):
            return _scope_children(self, node, scope, block)
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            # x += y reads x before it binds it.
            self.record(node.target.id, node.target, scope, block, store=False)
        children = []
        for name in _evaluation_order(type(node)):
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                if value and isinstance(value[0], ast.stmt):
                    inner = Block(block, loop=isinstance(node, LOOPS) and name == "body")
                    children.extend((stmt, scope, inner) for stmt in value)
                else:
                    children.extend((item, scope, block) for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                children.append((value, scope, block))
        return children

    # ------------------------------------------------------------ events

    def record(self, name: str, node: ast.AST, scope: Scope, block: Block, store: bool) -> None:
        """One event of a name, in walk order."""
        self._order += 1
        events = scope.events.setdefault(name, [])
        if store:
            self.stores[node] = (scope, len(events))
            scope.bound.add(name)
        events.append(_event(Event, (self._order, node, store, block, False)))

    # ------------------------------------------------------------ queries

    def bindings(self, scope: Scope, name: str) -> tuple[list[Event], int]:
        """The binding events of ``name`` in ``scope``, and how many reads it has (cached)."""
        key = (scope, name)
        found = self._stats.get(key)
        if found is None:
            events = scope.events.get(name, [])
            stores = [e for e in events if e.store]
            found = self._stats[key] = (stores, len(events) - len(stores))
        return found

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """A fact about the whole module that no call's arguments change, computed once (``compute``)."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]  # type: ignore[return-value]

    def single_binding(self, scope: Scope, name: str) -> ast.AST | None:
        """The one node that binds ``name`` in ``scope``, if there is exactly one."""
        if name in scope.escaped:
            return None
        stores, _ = self.bindings(scope, name)
        return stores[0].node if len(stores) == 1 else None

    def home(self, name: str, scope: Scope) -> Scope:
        """The scope whose binding of ``name`` a read in ``scope`` sees: the nearest that binds it."""
        for candidate in (scope, *scope.enclosing()):
            if self.bindings(candidate, name)[0]:
                return candidate
        return scope

    def bound(self, name: str, scope: Scope) -> bool:
        """Whether a scope a read in ``scope`` sees binds ``name``: a variable, not a module-level def or class."""
        return bool(self.bindings(self.home(name, scope), name)[0])

    def spells(self, node: ast.AST, words: Iterable[str], header: bool = False) -> bool:
        """Whether the source lines of a node (its header only) spell any of the words (True when unknown)."""
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if self.source is None or first is None or last is None:
            return True
        body = getattr(node, "body", None)
        if header and isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            last = max(first, body[0].lineno - 1)
        text = self.source.lines(first, last)
        return any(word in text for word in words)

    def under(self, scope: Scope, node: ast.AST) -> bool:
        """Whether the scope is the one of ``node`` (a class or function), or nested in it."""
        found: Scope | None = scope
        while found is not None:
            if found.node is node:
                return True
            found = found.parent
        return False

    def calls_inside(self, node: ast.AST) -> list[tuple[ast.Call, Scope]]:
        """The calls in a class or function, in the order of ``calls``; kept per node."""
        found = self._calls_inside.get(node)
        if found is None:
            calls = self.calls
            if self._call_lines is None:  # the calls' positions by line, once: a node's calls are a slice of them
                lines = [call.lineno for call, _ in calls]
                order = sorted(range(len(calls)), key=lines.__getitem__)
                self._call_lines = ([lines[i] for i in order], order)
            lines, order = self._call_lines
            inside = order[bisect_left(lines, node.lineno):bisect_right(lines, node.end_lineno)]  # type: ignore[attr-defined]
            found = self._calls_inside[node] = [calls[i] for i in sorted(inside) if self.under(calls[i][1], node)]
        return found

    def calls_of(self, name: str) -> list[tuple[ast.Call, Scope]]:
        """The calls of a module-level name (``ConvBN(...)``) anywhere in the module, off the name's reads: every
        read of a name a scope does not bind is also recorded in the scopes around it, up to the module."""
        return [(call, self.scope_at(call)) for call in self.calls_named(name)]

    def calls_named(self, name: str) -> Iterator[ast.Call]:
        """The calls of a module-level name, without their scopes (``calls_of``, for a filter that keeps few)."""
        return self._called(name, self.module)

    def called(self, name: str, scope: Scope | None = None) -> bool:
        """Whether a name of the scope (the module's by default) is called in it or in a scope inside it."""
        return next(self._called(name, scope or self.module), None) is not None

    def called_by(self, node: ast.AST) -> ast.Call | None:
        """The call a read of a name is the function of (``norm(c)`` for ``norm``), if it is one."""
        call = self.parents.get(node)
        return call if type(call) is ast.Call and call.func is node else None  # type: ignore[union-attr,return-value]

    def _called(self, name: str, scope: Scope) -> Iterator[ast.Call]:
        for event in scope.events.get(name, ()):
            call = None if event.store else self.called_by(event.node)
            if call is not None:
                yield call

    def scope_at(self, node: ast.AST) -> Scope:
        """The scope a node is evaluated in (a top-level statement's parent is the module)."""
        while node not in self.scope_of:
            parent = self.parents.get(node)
            if parent is None:
                return self.module
            node = parent
        return self.scope_of[node]


def branches_around(index: Index, node: ast.AST) -> list[tuple[ast.If | ast.IfExp, bool]]:
    """Each ``if`` and conditional expression around a node within its function, innermost first, with whether
    the node is in its body (else its other branch)."""
    found: list[tuple[ast.If | ast.IfExp, bool]] = []
    child, parent = node, index.parents.get(node)
    while parent is not None and not isinstance(parent, FUNCTION_NODES):
        if isinstance(parent, ast.If) and child is not parent.test:
            found.append((parent, any(child is item for item in parent.body)))
        elif isinstance(parent, ast.IfExp) and child is not parent.test:
            found.append((parent, child is parent.body))
        child, parent = parent, index.parents.get(parent)
    return found


def branch_apart(index: Index, first: ast.AST, second: ast.AST) -> tuple[ast.If | ast.IfExp, bool] | None:
    """The innermost ``if`` or conditional expression in different branches of which the two nodes lie (no run
    reaches both), and whether ``second`` is in its body; None when there is none."""
    sides = dict(branches_around(index, first))
    for branch, body in branches_around(index, second):
        if branch in sides and sides[branch] is not body:
            return branch, body
    return None


def if_apart(index: Index, first: ast.AST, second: ast.AST) -> bool:
    """The two nodes lie on the two sides of one ``if``/``else`` statement (``branch_apart``, of statements)."""
    apart = branch_apart(index, first, second)
    return apart is not None and isinstance(apart[0], ast.If)


def in_branch(index: Index, node: ast.AST) -> bool:
    """Whether a branch of an ``if`` holds the node, within its function: a statement a test may keep from running."""
    return any(isinstance(branch, ast.If) for branch, _ in branches_around(index, node))


def statement_of(index: Index, node: ast.AST) -> ast.stmt | None:
    """The statement holding a node (the node itself, when one)."""
    found: ast.AST | None = node
    while found is not None and not isinstance(found, ast.stmt):
        found = index.parents.get(found)
    return found


def is_parameter(scope: Scope, name: str) -> bool:
    """A parameter of the function the scope is, one a call passes alone (not ``*args`` or ``**kwargs``)."""
    function = scope.node
    return isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        param.arg == name for param in function.args.posonlyargs + function.args.args + function.args.kwonlyargs
    )


def event_name(node: ast.AST) -> str:
    """The name a binding or read node is of (a parameter is an ``ast.arg``)."""
    return node.arg if isinstance(node, ast.arg) else node.id  # type: ignore[attr-defined]


def called_name(call: ast.Call) -> str:
    """The name a call's function is spelled by: ``BatchNorm2d`` of ``nn.BatchNorm2d(c)``, ``setattr``; "" for
    anything else (``make()()``)."""
    return spelled_name(call.func)


def spelled_name(expr: ast.expr) -> str:
    """The last name an expression spells: ``BatchNorm2d`` of ``nn.BatchNorm2d``; "" for anything else."""
    return expr.attr if type(expr) is ast.Attribute else expr.id if type(expr) is ast.Name else ""  # type: ignore[attr-defined]


def method_named(owner: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    """The method of that name defined in the class body, if exactly one is."""
    found = [s for s in owner.body if isinstance(s, ast.FunctionDef) and s.name == name]
    return found[0] if len(found) == 1 else None


def parameter_defaults(args: ast.arguments) -> dict[str, ast.expr]:
    """Each parameter that has a default, to its default expression."""
    positional = args.posonlyargs + args.args
    defaults = {param.arg: default for param, default in zip(positional[len(positional) - len(args.defaults):], args.defaults)}
    defaults.update((param.arg, default) for param, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None)
    return defaults


def _scope_children(index: Index, node: ast.AST, scope: Scope, block: Block) -> list:
    """A scope's node's children: its defaults, decorators and bases in the scope around it, its body in its own."""
    inner_scope = Scope(node, scope)
    index.scope_of[node] = inner_scope
    inner_block = Block(None)
    outside: list[ast.AST] = []
    inside: list[ast.AST] = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        outside += [d for d in args.defaults + args.kw_defaults if d is not None]
        if not isinstance(node, ast.Lambda):
            outside += node.decorator_list  # annotations are types: they build and bind nothing
        for arg in _all_args(args):
            index.parents[arg] = node
            index.record(arg.arg, arg, inner_scope, inner_block, store=True)
        inside += node.body if isinstance(node.body, list) else [node.body]
    elif isinstance(node, ast.ClassDef):
        outside += node.decorator_list + node.bases + [k.value for k in node.keywords]
        inside += node.body
    else:  # comprehensions: the first iterable is evaluated outside
        generators = node.generators
        outside.append(generators[0].iter)
        index.parents[generators[0]] = node
        first = generators[0]
        inside += [first.target, *first.ifs]
        for comp in generators[1:]:
            index.parents[comp] = node
            inside += [comp.iter, comp.target, *comp.ifs]
        inside += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for child in inside[: 1 + len(first.ifs)]:
            index.parents[child] = first
    children = [(child, scope, block) for child in outside]
    children += [(child, inner_scope, inner_block) for child in inside]
    return children


def _all_args(args: ast.arguments) -> list[ast.arg]:
    every = args.posonlyargs + args.args + args.kwonlyargs
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    return every


# Node types the walk must look at itself: names, imports, the calls and
# loops the rules read, attributes on a name, scopes, and statements that hold
# statement lists (blocks).
SPECIAL = (
    ast.Name, ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Call, ast.For, ast.AsyncFor,
    ast.Attribute, ast.AugAssign, *SCOPE_NODES,
)
BLOCK_FIELDS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


@functools.lru_cache(maxsize=None)
def _plain(kind: type) -> bool:
    return not issubclass(kind, SPECIAL) and not BLOCK_FIELDS.intersection(kind._fields)


_PLAIN_FIELDS: dict[type, tuple[str, ...]] = {}

# Fields that hold no names or calls worth following: contexts (Load/Store),
# operators, and annotations (types: they build and bind nothing, and with
# ``from __future__ import annotations`` they are never evaluated).
INERT_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "kind", "annotation", "returns"})


@functools.lru_cache(maxsize=None)
def _evaluation_order(kind: type) -> tuple[str, ...]:
    """The fields of a node type worth walking, in the order Python evaluates them."""
    fields = [name for name in kind._fields if name not in INERT_FIELDS]
    if issubclass(kind, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
        # The value is computed before the targets are bound.
        fields.sort(key=lambda name: name != "value")
    elif issubclass(kind, (ast.For, ast.AsyncFor)):
        fields.sort(key=lambda name: name != "iter")
    return tuple(fields)
