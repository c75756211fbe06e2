"""Container contents, in the order a container runs them, read from the statements that build it.

A container is ``nn.Sequential(...)`` (positional or an ordered mapping), a list
built by statements and unpacked into one, a container variable grown with
``add_module``/``append``, or a ``Sequential`` subclass's ``__init__``.  Anything
unknown becomes ``BARRIER``, a place no finding crosses.
"""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterable, Iterator, Mapping

from ..containment import Unit, attempt
from ..knowledge.schema import Container, Producer, Spec
from .flow.service import Flow
from .index import Index, Scope
from .layers import Layer, Layers
from .steps import Steps

Chain = tuple[Layer, Iterator["Layer | None"]]
BARRIER = None
NESTING_LIMIT = 8  # containers inside containers
LIST_METHODS = frozenset({"append", "extend"})
HARMLESS_READS = frozenset({"len"})


class _Tracked:
    __slots__ = ("items", "valid", "container", "grow", "epoch", "reset_depth", "attrs")

    def __init__(
        self, container: bool = False, reset_depth: int = 0, epoch: int = -1, grow: tuple[str, ...] = (),
    ) -> None:
        self.items: list = []
        self.valid = True
        self.container = container
        self.grow = grow  # a container row's own methods that add one layer at the end (add_module is read apart)
        self.epoch = epoch
        self.reset_depth = reset_depth
        self.attrs: set = set()

    def add(self, exprs: Iterable, epoch: int) -> None:
        if self.items and self.epoch != epoch:
            self.items.append(BARRIER)
        self.items.extend(exprs)
        self.epoch = epoch


class Sequences:
    """Container contents, recovered by reading the statements that build them in order."""

    def __init__(self, index: Index, flow: Flow, layers: Layers, steps: Steps) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers
        self.steps = steps
        self.snapshots: dict[ast.Starred, list] = {}
        self.returned: dict[ast.AST, list] = {}  # a function -> the layer list it returns
        self.built: list[tuple[list, Scope]] = []
        self.blocks: list[Layer] = []
        self.methods = _growing_methods(layers.rows)

    def units(self) -> Iterator[Unit[Chain]]:
        containers: list[tuple[ast.Call, Scope, Container]] = []
        walk_scopes: dict[Scope, None] = {}
        growing: dict[Scope, None] = {}
        rows = self.layers.rows
        for call, scope in self.index.calls:
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in self.methods:
                growing[scope] = None
            # Containers and self-normalizing blocks are named by import: no need to build every call.
            name = self.index.imports.resolve(func)
            spec = rows.get(name) if name else None
            if isinstance(spec, Container):
                containers.append((call, scope, spec))
                walk_scopes[scope] = None
            elif isinstance(spec, Producer) and spec.norm is not None:
                layer = self.layers.construction(call)
                if layer is not None:
                    self.blocks.append(layer)
        for scope in self.index.scope_of.values():
            if self.is_container_init(scope):
                walk_scopes[scope] = None
        # A list grown (outs.append(x)) in a scope that builds no container matters only if returned whole.
        walk_scopes.update((scope, None) for scope in growing if _returns_whole(scope.node))
        for scope in walk_scopes:
            attempt(partial(self._walk_scope, scope))
        for items, scope in self.built:
            yield partial(self._chains_of, items, scope)
        for call, scope, spec in containers:
            yield partial(self._container_chains, call, scope, spec)
        for block in self.blocks:
            yield partial(self._block_chain, block)

    def _block_chain(self, layer: Layer) -> Iterator[Chain]:
        """A block that applies its own configured norm right after its producer (mmcv's ConvModule)."""
        slot = layer.spec.norm  # type: ignore[union-attr]
        order = self.flow.value(layer.args, slot.order)
        if not isinstance(order, tuple) or not _adjacent(order, slot.adjacent):
            return
        size = layer.args.get(layer.spec.size) if layer.spec.size else None  # type: ignore[union-attr]
        scope = self.index.scope_at(layer.call)
        norm = self.layers.configured_norm(slot.builder, layer.args.get(slot.cfg), size, layer.call, scope)
        if norm is not None:
            yield layer, iter([norm])

    def _container_chains(self, call: ast.Call, scope: Scope, spec: Container) -> Iterator[Chain]:
        if self.element_handed_out(call):
            return iter(())
        return self._chains_of(self.steps.ordered_elements(call, spec), scope)

    def element_handed_out(self, call: ast.Call) -> bool:
        """``model[1]`` passed to a call or given a method call (``freeze_module(model[1])``, ``model[1].eval()``).

        Code that singles out a layer of the container may freeze its norm
        (eval mode: running statistics keep the bias): what it does is unknown.
        """
        target = self.index.parents.get(call)
        if not (isinstance(target, ast.Assign) and len(target.targets) == 1 and isinstance(target.targets[0], ast.Name)):
            return False
        reads = self.flow.uses(target.targets[0]) or ()
        for event in reads:
            taken = self.index.parents.get(event.node)
            if not (isinstance(taken, ast.Subscript) and taken.value is event.node):
                continue
            user = self.index.parents.get(taken)
            method_call = self.index.parents.get(user) if isinstance(user, ast.Attribute) else None
            if isinstance(user, ast.Call) and taken in user.args:
                return True
            if isinstance(method_call, ast.Call) and method_call.func is user:
                return True
        return False

    def _chains_of(self, exprs: list, scope: Scope) -> Iterator[Chain]:
        layers = [layer for layer in self._expand(exprs, scope, 0)]
        for position, layer in enumerate(layers):
            if layer is not None and isinstance(layer.spec, Producer):
                yield layer, iter(layers[position + 1:])

    def _expand(self, exprs: list, scope: Scope, depth: int) -> Iterator[Layer | None]:
        for expr in exprs:
            if expr is BARRIER or depth > NESTING_LIMIT:
                yield BARRIER
            elif isinstance(expr, ast.Starred):
                if isinstance(expr.value, (ast.List, ast.Tuple)):
                    yield from self._expand(expr.value.elts, scope, depth + 1)
                elif expr in self.snapshots:
                    yield from self._expand(self.snapshots[expr], scope, depth + 1)
                elif isinstance(expr.value, ast.Call):
                    yield from self._returned_layers(expr.value, scope, depth)
                else:
                    yield BARRIER
            else:
                layer = self.steps.element(expr, scope)
                if layer is not None and isinstance(layer.spec, Container):
                    yield from self._expand(self.steps.ordered_elements(layer.call, layer.spec), scope, depth + 1)
                else:
                    yield layer

    def _returned_layers(self, call: ast.Call, scope: Scope, depth: int) -> Iterator[Layer | None]:
        """``nn.Sequential(*block(...))``: the list a function of the file returns, in its own scope."""
        function = _function_named(call.func, scope, self.index)
        inner = self.index.scope_of.get(function) if function is not None else None
        returned = self.flow.sole_return(function) if function is not None else None
        if isinstance(returned, (ast.List, ast.Tuple)):
            items = list(returned.elts)
        else:
            items = self.returned.get(function)  # type: ignore[arg-type]
        if inner is None or items is None:
            yield BARRIER
            return
        yield from self._expand(items, inner, depth + 1)

    # -------------------------------------------------------- the walk

    def _walk_scope(self, scope: Scope) -> None:
        node = scope.node
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            return
        walker = _StatementWalker(self, scope)
        walker.walk(body, 0)
        for tracked in walker.tracked.values():
            if tracked.valid and tracked.container:
                self.built.append((tracked.items, scope))

    def is_container_init(self, scope: Scope) -> bool:
        node = scope.node
        if not (isinstance(node, ast.FunctionDef) and node.name == "__init__" and scope.parent):
            return False
        owner = scope.parent.node
        return isinstance(owner, ast.ClassDef) and self.layers.is_container_class(owner)


class _StatementWalker:
    """Reads one function body once, in order, tracking each container being built."""

    def __init__(self, sequences: Sequences, scope: Scope) -> None:
        self.sequences = sequences
        self.index = sequences.index
        self.scope = scope
        self.tracked: dict[str, _Tracked] = {}
        self.epoch = 0
        self.self_name: str | None = None
        node = scope.node
        if sequences.is_container_init(scope):
            params = node.args.posonlyargs + node.args.args  # type: ignore[attr-defined]
            if params:
                self.self_name = params[0].arg
                self.tracked[self.self_name] = _Tracked(container=True)

    def walk(self, body: list[ast.stmt], depth: int) -> None:
        for stmt in body:
            inner = [
                value for _, value in ast.iter_fields(stmt)
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt)
            ]
            handlers = getattr(stmt, "handlers", None) or getattr(stmt, "cases", None) or []
            if not inner and not handlers:
                self._simple(stmt, depth)
                continue
            self._reads(stmt, headers_only=True)
            self.epoch += 1
            for block in inner:
                self.walk(block, depth + 1)
                self.epoch += 1
            for handler in handlers:
                self.walk(handler.body, depth + 1)
                self.epoch += 1

    def _simple(self, stmt: ast.stmt, depth: int) -> None:
        handled = self._reads(stmt, headers_only=False)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if len(targets) == 1 and stmt.value is not None:
                self._assign(targets[0], stmt.value, depth, handled)
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
            key = _key(stmt.target)
            if key in self.tracked:
                self._extend(key, stmt.value)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._method_call(stmt.value)
        elif isinstance(stmt, ast.Return) and depth == 0 and _key(stmt.value) in self.tracked:
            tracked = self.tracked[_key(stmt.value)]  # type: ignore[index]
            if tracked.valid and not tracked.container:
                self.sequences.returned[self.scope.node] = list(tracked.items)

    def _assign(self, target: ast.expr, value: ast.expr, depth: int, handled: set) -> None:
        key = _key(target)
        if key is None:
            return
        if self.self_name and isinstance(target, ast.Attribute) and _key(target.value) == self.self_name:
            tracked = self.tracked[self.self_name]
            if target.attr in tracked.attrs:
                tracked.valid = False
            tracked.attrs.add(target.attr)
            tracked.add([value], self.epoch)
        elements, grow = self._initial_elements(value)
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and _key(value.left) == key and key in self.tracked:
            self._extend(key, value.right)
            return
        if elements is None:
            if key in self.tracked:
                self.tracked[key].valid = False
            return
        existing = self.tracked.get(key)
        if existing is not None and existing.reset_depth != depth:
            existing.valid = False
            return
        fresh = _Tracked(container=grow is not None, reset_depth=depth, epoch=self.epoch, grow=grow or ())
        fresh.items.extend(elements)
        self.tracked[key] = fresh

    def _initial_elements(self, value: ast.expr) -> tuple[list | None, tuple[str, ...] | None]:
        """The items a list or a container starts with, and the container's own growing methods (None: a list)."""
        if isinstance(value, (ast.List, ast.Tuple)):
            return list(value.elts), None
        if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            layer = self.sequences.layers.construction(value)
            if layer is not None and isinstance(layer.spec, Container) and not self.sequences.element_handed_out(value):
                return self.sequences.steps.ordered_elements(value, layer.spec), layer.spec.grow
        return None, None

    def _extend(self, key: str, value: ast.expr) -> None:
        if isinstance(value, (ast.List, ast.Tuple)):
            self.tracked[key].add(value.elts, self.epoch)
        else:
            self.tracked[key].valid = False

    def _method_call(self, call: ast.Call) -> None:
        func = call.func
        if _is_super_init(call) and self.self_name:
            self.tracked[self.self_name].add(self.sequences.steps.ordered_elements(call), self.epoch)
            return
        if not isinstance(func, ast.Attribute):
            return
        key = _key(func.value)
        tracked = self.tracked.get(key) if key else None
        if tracked is None:
            return
        if func.attr == "append" and len(call.args) == 1 and not call.keywords:
            tracked.add(call.args, self.epoch)
        elif func.attr == "extend" and len(call.args) == 1 and not call.keywords:
            self._extend(key, call.args[0])  # type: ignore[arg-type]
        elif func.attr == "add_module" and tracked.container:
            module = call.args[1] if len(call.args) == 2 else next((k.value for k in call.keywords if k.arg == "module"), None)
            if module is None:
                tracked.valid = False
            else:
                tracked.add([module], self.epoch)
        elif func.attr in tracked.grow and len(call.args) == 1 and not call.keywords:
            tracked.add(call.args, self.epoch)  # a container's own append: Keras' model.add(layer)

    def _reads(self, stmt: ast.stmt, headers_only: bool) -> set:
        """Snapshot lists unpacked here; a read we cannot account for spoils what it reads."""
        if not self.tracked:
            return set()  # nothing is being built yet: no read can matter
        if not self.index.spells(stmt, [key.rpartition(".")[2] for key in self.tracked], headers_only):
            return set()  # the statement never spells a tracked name: it cannot read one
        nodes: list[ast.AST] = []
        if headers_only:
            for _, value in ast.iter_fields(stmt):
                if isinstance(value, ast.AST) and not isinstance(value, ast.stmt):
                    nodes.extend(ast.walk(value))
        else:
            nodes.extend(ast.walk(stmt))
        handled: set = set()
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Name):
            handled.add(stmt.value)  # returned whole: its order is kept (see _simple)
        for node in nodes:
            if isinstance(node, ast.Starred) and _key(node.value) in self.tracked:
                tracked = self.tracked[_key(node.value)]  # type: ignore[index]
                if tracked.valid:
                    self.sequences.snapshots[node] = list(tracked.items)
                handled.add(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                key = _key(node.func.value)
                if key in self.tracked:
                    handled.add(node.func.value)
                    statement_call = isinstance(stmt, ast.Expr) and stmt.value is node
                    if node.func.attr not in self.sequences.methods or not statement_call:
                        self._unaccounted_read(self.tracked[key])
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in HARMLESS_READS:
                handled.update(node.args)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and _key(node.left) in self.tracked:
                handled.add(node.left)  # layers = layers + [...]: an extension, judged by _assign
        for node in nodes:
            if isinstance(node, ast.Name) and node.id in self.tracked and node not in handled and node.id != self.self_name:
                if isinstance(node.ctx, ast.Load):
                    self._unaccounted_read(self.tracked[node.id])
        return handled

    def _unaccounted_read(self, tracked: _Tracked) -> None:
        # A list passed elsewhere may be reordered; a container can only be
        # grown, so what it already holds keeps its order.
        if tracked.container:
            tracked.add([BARRIER], self.epoch)
        else:
            tracked.valid = False


def _key(expr: ast.AST | None) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        return f"{expr.value.id}.{expr.attr}"
    return None


def _growing_methods(specs: Mapping[str, Spec]) -> frozenset[str]:
    """Methods that grow a list or a container at the end: a list's, and every container row's own."""
    cached = _GROWING.get(id(specs))
    if cached is None or cached[0] is not specs:  # the rows are kept with the answer: an id is never reused
        cached = _GROWING[id(specs)] = specs, LIST_METHODS.union(
            *(spec.grow for spec in specs.values() if isinstance(spec, Container))
        )
    return cached[1]


_GROWING: dict[int, tuple[Mapping[str, Spec], frozenset[str]]] = {}


def _returns_whole(node: ast.AST) -> bool:
    """The function's own body ends a path with ``return name`` (or ``return self.name``)."""
    body = getattr(node, "body", None)
    return isinstance(body, list) and any(isinstance(stmt, ast.Return) and _key(stmt.value) for stmt in body)


def _adjacent(order: tuple, pair: tuple[str, str]) -> bool:
    return any(order[i:i + 2] == pair for i in range(len(order) - 1))


def _function_named(func: ast.expr, scope: Scope, index: Index) -> ast.FunctionDef | None:
    """A function of the file called by name: module level, or defined in an enclosing function."""
    if not isinstance(func, ast.Name):
        return None
    for candidate in (scope, *scope.enclosing()):
        if index.bindings(candidate, func.id)[0]:
            return None  # the name is re-bound: not (only) the function
        body = getattr(candidate.node, "body", None)
        if isinstance(body, list):
            found = [s for s in body if isinstance(s, ast.FunctionDef) and s.name == func.id]
            if found:
                return found[0] if len(found) == 1 else None
    return None


def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
    )
