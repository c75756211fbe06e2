"""Container contents, in the order a container runs them, as chains of (producer, the steps after it).

A container is ``nn.Sequential(...)`` (positional or an ordered mapping), a list
unpacked into one (``nn.Sequential(*layers)``, what the list holds there:
``contents.py``), a container grown after it is built (``model.add_module``,
Keras' ``model.add``), a ``Sequential`` subclass's ``__init__``, or the list a
helper returns (``nn.Sequential(*block(c))``).  Anything unknown becomes
``BARRIER``, a place no finding crosses.
"""

from __future__ import annotations

import ast
from functools import partial
from typing import Iterator, NamedTuple

from ..containment import Unit
from ..knowledge.schema import Container, Producer, Transparent
from .contents import Contents
from .flow.service import Flow
from .index import Index, Scope
from .layers import Layer, Layers, bias_off_by_default, own_method, own_norm
from .steps import Steps
from .values import is_literal
from .walks import element_handed_out

Chain = tuple[Layer, Iterator["Layer | Fork | None"]]
BARRIER = None
NESTING_LIMIT = 8  # containers inside containers
BRANCHINGS = 8  # ways of binding a container's elements by branch, read before the answer is "unknown"


READ, APPLIED, BUILT, HELD = "read", "applied", "built", "held"  # how a chain forks (``Fork.kind``)


class Fork(NamedTuple):
    """The steps down each path from a layer, in the order of the code, by ``kind``: its value ``READ`` in several
    places (``y = self.conv(x)``, then ``self.bn_a(y) + self.bn_b(y)``), the module ``APPLIED`` once in each branch
    of an ``if``/``else``, the layer put in a list each branch ``BUILT``, or its value applied to a module the class
    sets in each branch (``HELD``: the non-local block's ``W``).  The bias is the rule's to report only if every path
    cancels it, or, where each path is a branch's own (``sites``), the paths a guard picks do."""

    paths: tuple[Iterator[Layer | Fork | None], ...]
    kind: str = READ
    sites: tuple[ast.AST, ...] = ()  # each path's own branch: the list's binding, or the module's construction


class Sequences:
    """Container contents, recovered by reading the statements that build them in order."""

    def __init__(self, index: Index, flow: Flow, layers: Layers, steps: Steps, contents: Contents) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers
        self.steps = steps
        self.contents = contents

    def units(self, calls: list[tuple[ast.Call, Scope]], inside: ast.AST | None = None) -> Iterator[Unit[Chain]]:
        """One unit of work per container built, per container class, and per self-normalizing block
        (``calls``: the calls to read; ``inside``: the class or function they are in, if one)."""
        rows = self.layers.rows
        for call, scope in calls:
            # Containers and self-normalizing blocks are named by import: no need to build every call.
            name = self.index.imports.resolve(call.func)
            spec = rows.get(name) if name else None
            if isinstance(spec, Container):
                if self.layers.never_runs(call):
                    continue  # built in a branch the call a block is read for decides against
                yield partial(self._container_chains, call, scope, spec)
                target = _single_target(self.index.parents.get(call), call)
                if target is not None:  # grown after it is built: model.add_module(...), model.add(...)
                    yield partial(self._built_chains, target, scope)
            elif isinstance(spec, Producer) and spec.norm is not None:
                yield partial(self._block_chain, call)
        for scope in self._scopes(inside):
            if self.is_container_init(scope):
                yield partial(self._self_chains, scope)
        if isinstance(inside, ast.FunctionDef):  # a helper read for one call: the layer list it returns
            yield partial(self._returned_chains, inside)

    def _scopes(self, inside: ast.AST | None) -> Iterator[Scope]:
        """The scopes that may be a container's ``__init__``: all of them, or those of a class's methods."""
        scope_of = self.index.scope_of
        if inside is None:
            return iter(self.index.derived("initializers", lambda: [
                scope for node, scope in scope_of.items() if type(node) is ast.FunctionDef and node.name == "__init__"
            ]))
        body = inside.body if isinstance(inside, ast.ClassDef) else [inside]
        return (scope_of[node] for node in body if type(node) is ast.FunctionDef and node in scope_of)

    def _returned_chains(self, function: ast.FunctionDef) -> Iterator[Chain]:
        scope = self.index.scope_of.get(function)
        returned = self.flow.sole_return(function)
        if scope is None or returned is None:
            return iter(())
        if isinstance(returned, (ast.List, ast.Tuple)):
            return self._chains_of(list(returned.elts), scope)
        if isinstance(returned, ast.Name):
            items = self.contents.at(returned, scope)  # return layers: what it holds there
            return self._chains_of(items, scope) if items is not None else iter(())
        return iter(())

    def _built_chains(self, target: ast.expr, scope: Scope) -> Iterator[Chain]:
        items = self.contents.built(target, scope)
        return self._chains_of(items, scope) if items is not None else iter(())

    def _self_chains(self, scope: Scope) -> Iterator[Chain]:
        items = self.contents.of_self(scope)
        return self._chains_of(items, scope) if items is not None else iter(())

    def _block_chain(self, call: ast.Call) -> Iterator[Chain]:
        """A block that applies its own configured norm right after its producer (mmcv's ConvModule)."""
        layer = self.layers.construction(call)
        norm = own_norm(self.layers, layer) if layer is not None and not bias_off_by_default(layer) else None
        if norm is not None:
            yield layer, iter([norm])  # type: ignore[misc]

    def _container_chains(self, call: ast.Call, scope: Scope, spec: Container) -> Iterator[Chain]:
        if element_handed_out(self.index, self.flow, call):
            return iter(())
        return self._chains_of(self.steps.ordered_elements(call, spec), scope)

    def run(self, container: Layer) -> list[Layer | None] | None:
        """The layers a container applied as a step runs, in order (``self.head = nn.Sequential(..., nn.Conv2d(c, k,
        1))`` then ``self.bn(self.head(x))``): its first is the step a value meets, its last the producer of its
        output.  None for a container whose elements are not its positional arguments, or are handed out."""
        spec, call = container.spec, container.call
        if not isinstance(spec, Container) or spec.layers is not None or element_handed_out(self.index, self.flow, call):
            return None
        scope = self.index.scope_at(call)
        target = _single_target(self.index.parents.get(call), call)
        # Grown after it is built (``self.head.add_module("act", nn.ReLU())``): what it holds then.
        items = self.contents.built(target, scope) if target is not None else self.steps.ordered_elements(call, spec)
        if items is None:
            return None
        return list(self._expand(items, scope, 0)) or None

    def _chains_of(self, exprs: list, scope: Scope) -> Iterator[Chain]:
        return _agreed(*self._readings(exprs, scope))

    def _readings(self, exprs: list, scope: Scope) -> tuple[list[list[Layer | None]], tuple[ast.AST, ...]]:
        """The layers the elements are, in order; once for each branch that binds anew the one list a container
        unpacks (``nn.Sequential(*model)`` after ``if outermost: model = [...]`` ``else: model = [...]``), with
        each binding."""
        if len(exprs) == 1 and isinstance(exprs[0], ast.Starred) and isinstance(exprs[0].value, (ast.Name, ast.Attribute)):
            held = exprs[0].value  # (``*layers``, or NeMo's ``*self.decoder_layers``)
            bound = self.contents.branches(held, scope) if isinstance(held, ast.Name) else None
            if bound is not None:
                return [list(self._expand(items, scope, 1)) for items, _ in bound], tuple(site for _, site in bound)
            sides = self.contents.sides(held, scope)
            if sides is not None:
                return [list(self._expand(items, scope, 1)) for items in sides], ()
        return [list(self._expand(each, scope, 0)) for each in self._by_branch(exprs, scope)], ()

    def _by_branch(self, exprs: list, scope: Scope) -> list[list]:
        """The elements once for each way branches bind a local name among them to a layer built there (ENet's
        ``if downsample: conv = nn.Conv2d(...)`` ``elif upsample: conv = nn.ConvTranspose2d(...)`` ... then
        ``nn.Sequential(conv, nn.BatchNorm2d(c), nn.PReLU())``), where the container is the name's one read."""
        ways: list[list] = [[]]
        for expr in exprs:
            built = self._branch_built(expr, scope) if type(expr) is ast.Name else None
            options = built or [expr]
            if len(ways) * len(options) > BRANCHINGS:
                return [exprs]
            ways = [way + [option] for way in ways for option in options]
        return ways

    def _branch_built(self, name: ast.Name, scope: Scope) -> list[ast.expr] | None:
        """The calls a name bound in several branches may hold at its one read, when each builds a layer here (a
        ``None`` it may also hold breaks the container on that path, which then builds nothing)."""
        stores, reads = self.index.bindings(scope, name.id)
        if len(stores) < 2 or reads != 1:
            return None
        origins = self.flow.origins(name, scope, self.layers.environment(name))
        calls = [o.expr for o in origins or () if not is_literal(o.expr, None)]
        if len(calls) < 2 or any(type(c) is not ast.Call or self.index.scope_at(c) is not scope for c in calls):
            return None
        return calls if all(self.layers.built(call) is not None for call in calls) else None

    def _expand(self, exprs: list, scope: Scope, depth: int) -> Iterator[Layer | None]:
        for expr in exprs:
            if expr is BARRIER or depth > NESTING_LIMIT:
                yield BARRIER
            elif isinstance(expr, ast.Starred):
                if isinstance(expr.value, (ast.List, ast.Tuple)):
                    yield from self._expand(expr.value.elts, scope, depth + 1)
                elif isinstance(expr.value, (ast.Name, ast.Attribute)):
                    items = self.contents.at(expr.value, scope)
                    yield from self._expand(items, scope, depth + 1) if items is not None else iter([BARRIER])
                elif isinstance(expr.value, ast.Call):
                    yield from self._returned_layers(expr.value, scope, depth)
                else:
                    yield BARRIER
            else:
                layer = self.steps.element(expr, scope)
                if layer is not None and isinstance(layer.spec, Container):
                    yield from self._expand(self.steps.ordered_elements(layer.call, layer.spec), scope, depth + 1)
                else:
                    yield layer.placed_at(expr) if type(expr) is ast.Name and layer is not None else layer

    def _returned_layers(self, call: ast.Call, scope: Scope, depth: int) -> Iterator[Layer | None]:
        """``nn.Sequential(*block(...))``: the list a function of the file returns, in its own scope."""
        function = _function_named(call.func, scope, self.index) or self._method(call.func, scope)
        inner = self.index.scope_of.get(function) if function is not None else None
        returned = self.flow.sole_return(function) if function is not None else None
        items = None
        if isinstance(returned, (ast.List, ast.Tuple)):
            items = list(returned.elts)
        elif isinstance(returned, (ast.Name, ast.Attribute)) and inner is not None:
            items = self.contents.at(returned, inner)  # return layers: what it holds there
        if inner is None or items is None:
            yield BARRIER
            return
        yield from self._expand(items, inner, depth + 1)

    def _method(self, func: ast.expr, scope: Scope) -> ast.FunctionDef | None:
        """``self.get_layers(...)``: a method of the class that no class of the file deriving from it redefines."""
        owner = self.flow.method_owner(func.value, scope) if type(func) is ast.Attribute else None
        found = own_method(self.flow, owner, func.attr) if owner is not None else None  # type: ignore[attr-defined]
        return found[0] if found is not None else None

    def is_container_init(self, scope: Scope) -> bool:
        node = scope.node
        if not (isinstance(node, ast.FunctionDef) and node.name == "__init__" and scope.parent):
            return False
        owner = scope.parent.node
        return isinstance(owner, ast.ClassDef) and self.layers.is_container_class(owner)


def _agreed(readings: list[list[Layer | None]], sites: tuple[ast.AST, ...] = ()) -> Iterator[Chain]:
    """The chains of the readings, each producer once: one that several hold followed by the same steps, up to the
    first that is not transparent, as one chain; one they hold followed by other steps, as a fork of the paths
    (``downconv`` before a norm each branch builds; before ``downnorm`` in one branch and a ReLU in another, which
    cancels its bias on one path only); ``sites``: the binding each reading is of, if each is of one."""
    if len(readings) == 1:
        layers = readings[0]
        return ((layer, iter(layers[at + 1:])) for at, layer in enumerate(layers)
                if layer is not None and isinstance(layer.spec, Producer))
    first: dict[ast.AST, Layer] = {}
    paths: dict[ast.AST, list[list[Layer | None]]] = {}
    bindings: dict[ast.AST, list[ast.AST]] = {}
    for at, layers in enumerate(readings):
        for position, layer in enumerate(layers):
            if layer is not None and isinstance(layer.spec, Producer):
                first.setdefault(layer.call, layer)
                paths.setdefault(layer.call, []).append(layers[position + 1:])
                bindings.setdefault(layer.call, []).extend(sites[at:at + 1])
    return iter([
        (first[call], iter(_unplaced(after[0]) if len(after) > 1 else after[0]))
        if len({_next_steps(path) for path in after}) == 1 else
        (first[call], iter([Fork(tuple(iter(path) for path in after), BUILT, tuple(bindings[call]))]))
        for call, after in paths.items()
    ])


def _unplaced(layers: list[Layer | None]) -> list[Layer | None]:
    """The steps every reading has, where each puts them in: in no one place (``if pool: layers = [conv, norm,
    pool]`` ``else: layers = [conv, norm]``)."""
    return [layer.placed_at(None) if layer is not None and layer.placed is not None else layer for layer in layers]


def _next_steps(after: list[Layer | None]) -> tuple:
    """The calls of the steps after a producer, up to the first that is not transparent (None: a barrier)."""
    found: list[ast.AST | None] = []
    for step in after:
        found.append(step.call if step is not None else None)
        if step is None or not isinstance(step.spec, Transparent):
            break
    return tuple(found)


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


def _single_target(assign: ast.AST | None, value: ast.AST) -> ast.expr | None:
    """The name or ``name.attr`` a value is assigned to, alone."""
    if isinstance(assign, ast.Assign) and assign.value is value and len(assign.targets) == 1:
        target = assign.targets[0]
        if isinstance(target, ast.Name) or isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            return target
    return None
