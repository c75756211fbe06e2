"""Blocks: a class or function of the project that builds a producer and what follows it itself, read for one call.

``ConvBNReLU(64, 128, bias=True)`` builds ``nn.Conv2d(cin, cout, 3, bias=bias)`` and
``nn.BatchNorm2d(cout)`` inside; whether that bias is cancelled is decided at the call.
A block is read with the call's arguments bound (a class through its ``__init__``,
a function through its own parameters): every chain inside it (containers, a
``Sequential`` subclass's layers, ``forward`` applying what ``__init__`` built) is
found as in any module, and a producer built where the binding reaches is reported
at the call.  A chain the block decides without its caller is reported inside it,
where every call shares it, and not again at each call.
"""

from __future__ import annotations

import ast
from functools import partial
from typing import TYPE_CHECKING, Iterator, Mapping, Protocol

from ..containment import Unit, record
from .block_reads import Reads
from .block import Block, bound_function, local_callee, named_parameters, parameters_of, switch_at
from .block_search import (
    branch_flags, called_parameters, calls_by_value, chosen_blocks, defined_as, fills_a_norm, hands_a_norm,
    handing_in_place, handing_slots, held_block, holds_a_norm, layer_slots, partial_calls, passes_true, project_calls,
    switch_name, switches_passed,
)
from .flow.arguments import preset
from .flow.service import Flow
from .gates import Words, assigned_names, defaults_on, switches_of
from .index import Index, Scope
from .layers import Layer, Layers, built_through
from .sequences import Chain
from .values import Bound, is_literal

if TYPE_CHECKING:  # interfaces, for the types only
    from .block import Home

    class Homes(Protocol):
        def model_of(self, tree: ast.AST) -> Home: ...


NESTING = 3  # blocks inside blocks, read this deep


class Blocks:
    def __init__(
        self, index: Index, flow: Flow, layers: Layers, words: Words | None, homes: Homes,
        within: tuple[ast.AST, int, dict[str, Block], Reads] | None = None,
    ) -> None:
        """``within``: read inside one block for one call of it (``layers`` see its arguments): the block, how
        many blocks deep, and its module's blocks."""
        self.index = index
        self.flow = flow
        self.layers = layers
        self._words = words
        self._homes = homes
        self._within = within
        self._local: dict[str, Block] | None = within[2] if within is not None else None
        self._blocks: dict[object, Block | None] = {}  # a name as called here -> the block it names
        self._valued: dict[ast.Call, str] = {}  # a call of a name the outer call makes a block -> the block's name
        self._bias_keywords, self._switch_words = switches_of(layers.rows)

    def units(self) -> Iterator[Unit[Chain]]:
        """One unit per call of a block that may switch a bias on: a class or function of this module, or one
        imported from the project and passed a bias switch (``bias=True``).  Most calls name no block: they are
        told apart here, each contained alone."""
        if self._within is not None:  # a block inside a block being read: this module's own blocks only
            local, switching = self._local or {}, []
        else:
            handed, switching = switches_passed(self.index, self.layers, self._bias_keywords)
            local = self.local_blocks(handed)
        # A block given its switch by the block around it is read at that block's calls, not here.
        nested = self._within is not None
        # A block handing its parameter to a block inside it is read at its own calls; one never called in its
        # module (a model class a registry builds) leaves the calls inside it to be read here.
        outer = {block.function for name, block in local.items() if self._read_at_calls(name)}
        candidates = [
            (call, scope) for call, scope in self._calls_of(local)
            if (self._handed(call, scope, local) if nested else scope.node not in outer or not self._handed(call, scope, local))
        ]
        unswitched: set[ast.Call] = set()  # calls of the project's blocks handing neither a switch nor a norm
        if not nested and self.flow.follows_imports():
            resolve = self.index.imports.resolve
            named, norm_given = project_calls(self.index, self.layers, switching)
            unswitched = {call for call, _ in named}
            switching += named + norm_given
            candidates += [(call, scope) for call, scope in switching if not (
                local_callee(call, scope) in local or resolve(call.func) is not None)]
        names_layer = self._names_layer
        if not nested:
            yield from self._partial_units(local)
        for call, scope in candidates:
            func = call.func
            try:
                name = self._valued.get(call) or local_callee(call, scope)
                if name in local:
                    block = local[name]
                    if isinstance(func, ast.Name) and call not in self._valued and self._shadowed(name, scope):
                        continue
                else:  # a call passing no switch is worth a parse only where the definition names a norm itself
                    block = held_block(self.index, self.flow, self.layers, func, scope, local) or self._imported(
                        func, call in unswitched, hands_a_norm(self.layers, call, scope),
                        call in unswitched and not passes_true(call))
                # else one of two blocks by a test (``block_cls = Fused if fused else Plain``): each read on its path
                found = [(block, None)] if block is not None else chosen_blocks(
                    self.index, self.flow, self.layers, func, scope, local)
                given, spread = partial(names_layer, scope=scope), self._spread(call, scope) if found else None
                # (none left: no block, or nothing this call passes one can build a cancelled bias)
                found = [(each, path) for each, path in found if each.read_at(call, given, spread)]
            except Exception as error:  # noqa: BLE001 - one call's error loses that call only
                record(error)
                continue
            for each, path in found:
                yield partial(self._chains_at, call, scope, each, None, path)

    def _partial_units(self, local: dict[str, Block]) -> Iterator[Unit[Chain]]:
        """The calls of a ``partial`` of a block that hands it a norm or a switch (``SEWithNorm(c)``), read with
        the partial's presets before the call's arguments."""
        for call, scope, presets in partial_calls(self.index, self.flow, self.layers, self._bias_keywords):
            target = presets.args[0]
            try:
                name = target.id if type(target) is ast.Name else None
                block = local[name] if name in local else self._imported(target, False, hands_a_norm(self.layers, presets))
                # what the block sees, for the question whether it is worth reading: the call's keywords first
                both = ast.Call(target, [*presets.args[1:], *call.args], [*call.keywords, *presets.keywords])
                if block is None or not block.read_at(both, partial(self._names_layer, scope=scope)):
                    continue
            except Exception as error:  # noqa: BLE001 - one call's error loses that call only
                record(error)
                continue
            yield partial(self._chains_at, call, scope, block, presets)

    def _calls_of(self, local: dict[str, Block]) -> list[tuple[ast.Call, Scope]]:
        """The calls of this module's blocks (``ConvBN(...)``, a subclass's ``super().__init__(...)``), in order."""
        if not local:
            return []
        index = self.index
        calls = index.derived("block calls", partial(self._module_calls_of, local))  # the same for every read
        if self._within is not None:
            inside = index.derived("block calls inside", dict)
            within = self._within[0]
            if within not in inside:
                inside[within] = [(call, scope) for call, scope in calls if index.under(scope, within)]
            self._valued = calls_by_value(index, self.flow, self.layers, within, local)
            return inside[within] + [(call, index.scope_at(call)) for call in self._valued]
        return calls

    def _module_calls_of(self, local: dict[str, Block]) -> list[tuple[ast.Call, Scope]]:
        index = self.index
        calls = [found for name in local for found in index.calls_of(name)]
        for named, _ in index.calls_of("super"):
            init = index.parents.get(named)
            call = index.parents.get(init) if isinstance(init, ast.Attribute) and init.attr == "__init__" else None
            if isinstance(call, ast.Call) and call.func is init:
                scope = index.scope_at(call)
                if local_callee(call, scope) in local:
                    calls.append((call, scope))
        return sorted(calls, key=lambda found: (found[0].lineno, found[0].col_offset))

    def _read_at_calls(self, name: str) -> bool:
        """Whether the module calls the block by name or builds a subclass of it."""
        return self.index.called(name) or bool(self.flow.subclasses(name))

    def _spread(self, call: ast.Call, scope: Scope) -> Mapping[str, Bound] | None:
        """What a call's ``**dd`` spreads (``dd = {"device": device, "dtype": dtype}``), if the dicts are known."""
        if all(keyword.arg is not None for keyword in call.keywords):
            return None
        args = self.flow.call_args(call, scope, self.layers.environment(call))
        return None if args.open_keywords else args.keywords

    def _names_layer(self, given: ast.expr | None, scope: Scope | None = None) -> bool:
        """A layer slot's value worth reading the block for: a framework class (``nn.BatchNorm2d``) or a
        ``partial`` of one; inside a block read for a call, also the parameter it hands on (``norm_layer``), unless
        the call's arguments make it None (``scope``: where the call is)."""
        if type(given) is ast.Call:
            return True
        if type(given) is ast.Name and self._within is not None:
            return scope is None or not self._none(given, scope)
        if type(given) is ast.Name and scope is not None and self.index.scope_at(given) is scope:
            # a name of the caller's holding a norm class on every path (``norm_layer``, defaulting to one)
            return holds_a_norm(self.layers, given, scope, self.layers.environment(given))
        return type(given) in (ast.Name, ast.Attribute) and self.layers.row(given)[1] is not None  # type: ignore[arg-type]

    def _none(self, name: ast.Name, scope: Scope) -> bool:
        """A name the call passes that holds None on every path (RAFT's ``context_encoder_norm_layer=None``)."""
        if self.index.scope_at(name) is not scope:
            return False  # a default of the block's, read where it is defined
        origins = self.flow.origins(name, scope, self.layers.environment(name))
        return bool(origins) and all(is_literal(o.expr, None) for o in origins)

    def _handed(self, call: ast.Call, scope: Scope, local: dict[str, Block]) -> bool:
        """The call passes a parameter of the function it is in as a bias switch: by keyword (``bias=bias``),
        or in the place of one of the called block's switches (``super().__init__(cin, cout, bias)``)."""
        function = scope.node
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return False
        params = {param.arg for param in named_parameters(function)}
        if any(keyword.arg in self._bias_keywords and switch_name(keyword.value) in params for keyword in call.keywords):
            return True
        block = local.get(self._valued.get(call) or local_callee(call, scope))
        return block is not None and (any(
            switch_name(arg) in params and switch_at(block, position) for position, arg in enumerate(call.args)
        ) or any(
            switch_name(keyword.value) in params and keyword.arg == slot.arg
            for keyword in call.keywords for slot in block.slots
        ))

    def local_blocks(self, handed: dict[ast.AST, dict[str, set[str]]] | None = None) -> dict[str, Block]:
        """This module's blocks, by name: a top-level function or class (through its ``__init__``) that hands one
        of its parameters on as a bias switch, and names a norm or hands it to another block (kept)."""
        if self._local is None:
            self._local = self._local_blocks(
                handed if handed is not None else switches_passed(self.index, self.layers, self._bias_keywords)[0])
        return self._local

    def _local_blocks(self, handed: dict[ast.AST, dict[str, set[str]]]) -> dict[str, Block]:
        index, home = self.index, self._homes.model_of(self.index.module.node)
        slots, flags = layer_slots(index, self.layers), branch_flags(index, self._words.norms if self._words is not None else ())
        candidates = {}
        for function in {**handed, **slots, **flags}:
            if not isinstance(function, ast.FunctionDef):
                continue
            node = defined_as(index, function)
            if node is None:
                continue
            names = handed.get(function, {})
            switches, own_slots = parameters_of(function, set(names)), parameters_of(function, slots.get(function, set()))
            block = Block(node, function, switches, home, own_slots, parameters_of(function, flags.get(function, set())))
            if block.switches or block.slots or block.flags:
                callees = {callee for name in names for callee in names[name]}
                candidates[node.name] = (block, callees)
        found = {
            name: block for name, (block, _) in candidates.items()
            if block.slots or self._names_a_norm(block.node, index.module.node)
        }
        for _ in range(NESTING):  # a block that hands its switch to a block is one
            more = {name: block for name, (block, callees) in candidates.items() if name not in found and callees & found.keys()}
            more.update(handing_in_place(index, home, self._bias_keywords, found, more))
            more.update(handing_slots(index, home, found, more))
            if not more:
                break
            found.update(more)
        return found

    def _imported(self, func: ast.expr, named: bool = False, norm_given: bool = False, left: bool = False) -> Block | None:
        """The block of another module a name (``ConvBN``, ``blocks.ConvBN``) stands for, kept per name; ``named``:
        only one whose definition spells a norm; ``norm_given``: the call hands it a norm class (``ConvNorm(nn.Conv2d,
        c, c, bias=True, norm_op=nn.BatchNorm2d)``); ``left``: it passes no True, so one spelling ``bias=True``."""
        key = (func.id if isinstance(func, ast.Name) else _attribute_key(func), named, norm_given, left)
        if key[0] is None:
            return None
        if key not in self._blocks:
            self._blocks[key] = self._foreign_block(func, named, norm_given, left)
        return self._blocks[key]

    def _foreign_block(self, func: ast.expr, named: bool, norm_given: bool, left: bool) -> Block | None:
        if self._words is None:
            return None
        # Only a definition that hands a bias switch on by keyword (``bias=bias``) is worth a parse.
        words = defaults_on(self._bias_keywords) if left else self._switch_words
        found = self.flow.definition(func, words, also=self._words.norms if named and not norm_given else ())
        if found is None or not (norm_given or self._names_a_norm(*found)):
            return None
        node, tree = found
        home = self._homes.model_of(tree)
        function = bound_function(node)
        if function is None:
            return None
        index = home.flow.index  # type: ignore[attr-defined]
        switches = parameters_of(function, {
            keyword.value.id for call, _ in index.calls_inside(function) for keyword in call.keywords
            if keyword.arg in self._bias_keywords and isinstance(keyword.value, ast.Name)
        })
        scope = index.scope_of.get(function)
        # the parameters it calls to build a layer (``norm_layer(c) if norm_layer else nn.Identity()``)
        slots = parameters_of(function, called_parameters(index, scope, named_parameters(function))) if (
            norm_given and scope is not None) else ()
        return Block(node, function, switches, home, slots) if switches else None

    def _shadowed(self, name: str, scope: Scope) -> bool:
        """A variable of the same name, or the name re-bound: the call may not be the block's."""
        return self.index.bound(name, scope)

    def _chains_at(
        self, call: ast.Call, scope: Scope, block: Block, presets: ast.Call | None = None,
        path: tuple[ast.expr, bool] | None = None,
    ) -> Iterator[Chain]:
        """``presets``: the ``partial`` of the block the call calls, whose arguments come first; ``path``: the test
        under which the call builds this block, one of two (``Layer.path``)."""
        node, function, skip, home = block.node, block.function, block.skip, block.home
        args = self.flow.call_args(call, scope, self.layers.environment(call))
        if presets is not None:
            args = preset(self.flow.call_args(presets, self.index.module), args)
        env = home.flow.bind(function, args, skip=skip)
        if env is None:
            return
        within = self._within
        reads = within[3] if within is not None else Reads()  # the reads made inside one outer call's read
        depth = within[1] if within is not None else 0
        if within is not None and reads.again(self.flow, function, depth, env):
            return  # what this read would find, an earlier one inside the same outer read has found
        init = function if function is not node else None
        handed_norm = home.flow.index is not self.index and fills_a_norm(self.layers, function, env)  # type: ignore[attr-defined]
        for unit in home.bound_chains(function, env).units(node) if not block.hands_only else ():
            for producer, after in unit():
                if not self._decided_here(producer, function, home, handed_norm):
                    continue
                layer = built_through(self.layers, producer, call, node, home.layers, init)
                layer.inside, layer.built_at, layer.path = True, producer.call, path
                yield layer, after
        if depth + 1 < NESTING:
            for unit in home.bound_blocks(function, env, (node, depth + 1, home.blocks.local_blocks(), reads)).units():
                for inner, after in unit():  # a block inside this one, given its switch by this call
                    layer = Layer(inner.name, inner.spec, call, inner.args, node.name, home.flow.shown)
                    layer.alternatives = inner.alternatives
                    layer.inside, layer.built_at, layer.site = True, inner.built_at, self.index.module.node
                    layer.built_by, layer.built_in = function, home.flow.index.module.node  # type: ignore[attr-defined]
                    layer.origin, layer.path = inner.origin or self._origin(inner), path
                    yield layer, after

    def _origin(self, inner: Layer) -> str:
        """Where a layer of a block inside the block is built: ``line 94`` here, ``blocks.py:94`` elsewhere."""
        if inner.built_at is None or inner.built_in is None:
            return ""
        shown = self._homes.model_of(inner.built_in).flow.shown
        return f"{shown}:{inner.built_at.lineno}" if shown else f"line {inner.built_at.lineno}"

    def _names_a_norm(self, node: ast.AST, tree: ast.AST) -> bool:
        words = self._words.norms if self._words is not None else ()
        return bool(words) and names_a_norm(self._homes.model_of(tree).flow, node, words)  # type: ignore[attr-defined]

    def _decided_here(self, producer: Layer, function: ast.FunctionDef, home: Home, handed_norm: bool) -> bool:
        """Built where the call's binding reaches.  A block of another module whose bias is on for every call
        there is reported there, at the block, once (in this module the rule skips what it reported inside),
        unless this call hands it the norm (``handed_norm``)."""
        if producer.helper or producer.call is None:
            return False
        index = home.flow.index  # type: ignore[attr-defined]
        if not index.under(index.scope_at(producer.call), function):
            return False
        if home.flow.index is self.index:  # type: ignore[attr-defined]
            return True
        free = home.layers.construction(producer.call)
        return handed_norm or free is None or home.layers.bias_state(free) is not True


# The rows (a configuration's, the same for every module) -> their bias keywords, and what handing one on spells.
def _attribute_key(func: ast.expr) -> tuple[str, str] | None:
    """``blocks.ConvBN``: the module's local name and the attribute."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id, func.attr
    return None


def names_a_norm(flow: Flow, node: ast.AST, words: tuple[str, ...]) -> bool:
    """A block names the norm it builds (``nn.BatchNorm2d``, a ``norm_layer=nn.BatchNorm2d`` default), or calls
    a function or class of its module that names one (``norm_of(cout)``, returning ``nn.BatchNorm2d(c)``) or reads
    a table that does (``build_norm(norm, c)`` returning ``NORMS[norm](c)``), or a function of the project that
    does."""
    index = flow.index
    if index.spells(node, words):
        return True
    named = (*words, *index.derived("norm tables", partial(_tables_naming, index, words)))
    if any(index.spells(helper, named) for helper in _module_callees(index, node) if helper is not node):
        return True
    return flow.follows_imports() and any(
        flow.definition(call.func, words) is not None for call in _project_callees(index, node))


def _tables_naming(index: Index, words: tuple[str, ...]) -> tuple[str, ...]:
    """The module-level names bound to a dict that spells one of the words (``NORMS = {"bn2d": nn.BatchNorm2d}``)."""
    return tuple(
        name for stmt in index.module.node.body
        if type(getattr(stmt, "value", None)) is ast.Dict and index.spells(stmt, words) for name in assigned_names(stmt)
    )


def _project_callees(index: Index, node: ast.AST) -> Iterator[ast.Call]:
    """The calls a block makes of a function imported from the project (``build_norm(norm, c)``)."""
    for call, scope in index.calls_inside(node):
        func = call.func
        if type(func) is ast.Name and index.imports.imported(func.id) is not None and not index.bound(func.id, scope):
            yield call


def _module_callees(index: Index, node: ast.AST) -> Iterator[ast.AST]:
    """The functions and classes of the module that a block calls by name (not re-bound where it calls them)."""
    for call, scope in index.calls_inside(node):
        func = call.func
        if type(func) is ast.Name and not index.bound(func.id, scope):
            found = index.functions.get(func.id) or index.classes.get(func.id)
            if found is not None:
                yield found
