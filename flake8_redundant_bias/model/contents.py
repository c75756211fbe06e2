"""What a list or a container holds where it is read, in order: its binding, then what the events after
that binding do to it.

``layers = [conv]; layers.append(bn); nn.Sequential(*layers)`` holds ``conv, bn``
at the ``*layers``: the binding's items, then each event of the name between the
binding and the read, in the order they run (the index's events, the flow
service's ``reaching`` and ``uses`` over them).  An event that grows it
(``append``, ``extend``, ``+=``, ``x = x + [...]``, ``add_module``, a container's
own ``add``) adds items; items added in another block than the ones before them
(a branch, a loop) are set apart by a ``BARRIER``, a place no finding crosses.
Any other read (the list passed to a call, indexed, read from a nested function)
may reorder a list, which then holds nothing known, and only ends what a
container holds so far.  ``self.layers`` is read the same way, through the events
of ``self``; a container class's own ``__init__`` builds ``self`` itself
(``super().__init__(*layers)``, ``self.add_module(...)``, ``self.conv = ...``).
"""

from __future__ import annotations

import ast
from functools import partial
from itertools import product
from typing import Callable, Iterable

from ..knowledge.schema import Container
from .flow.names import none_test
from .flow.service import Flow
from .index import Block, Event, Index, Scope, branch_apart, is_parameter, statement_of
from .layers import Layers
from .steps import Steps
from .values import is_literal
from .walks import element_handed_out

BARRIER = None
HARMLESS_CALLS = frozenset({"len"})  # builtins that read a list without changing or handing it on
EVENT_LIMIT = 2048  # events of one name read past a binding; past that, unknown rather than quadratic

Start = tuple[list, "frozenset[str] | None", Block]  # the items a binding gives, a container's growing methods, its block
Use = tuple[Event, ast.expr]  # an event of the name, and the name or ``name.attr`` it is of


class Contents:
    def __init__(self, index: Index, flow: Flow, layers: Layers, steps: Steps) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers
        self.steps = steps

    # ------------------------------------------------------------ at a read

    def at(self, read: ast.expr, scope: Scope) -> list | None:
        """The items ``read`` (a name, or ``name.attr``) holds where it is read; None when they are not known."""
        found = self._key_events(read, scope)
        if found is None:
            return None
        uses, position = found
        start = self._binding(uses, position)
        if start is None:
            return None
        begin, (items, growing, block) = start
        # (an event in a branch apart from the read, ``if outermost: down = downconv``, never runs before it)
        between = [use for use in uses[begin + 1:position] if not branch_apart(self.index, read, use[0].node)]
        return self._fold(items, growing, block, between)

    def branches(self, read: ast.Name, scope: Scope) -> list[tuple[list, ast.AST]] | None:
        """What a list holds where it is read, once for each binding in a branch of the ``if``s before it
        (``if outermost: model = [...]`` ``else: model = [...]``, then ``nn.Sequential(*model)``), with that
        binding; None unless more than one binding may reach the read, each in a branch apart from the others."""
        found = self._key_events(read, scope)
        if found is None:
            return None
        uses, position = found
        stores = _reaching_stores(uses, position, partial(_event_kind, self.index))
        nodes = [uses[at][0].node for at in stores]
        if len(stores) < 2 or not all(branch_apart(self.index, a, b) for a in nodes for b in nodes if a is not b):
            return None
        readings = []
        for at, node in zip(stores, nodes):
            start = self._start(uses[at])
            after = [use for use in uses[at + 1:position] if not branch_apart(self.index, node, use[0].node)]
            items = self._fold(*start, after) if start is not None else None
            readings.append((items if items is not None else [BARRIER], node))
        return readings

    def sides(self, read: ast.expr, scope: Scope) -> list[list] | None:
        """What a list holds where it is read, once for each way through the ``if``/``else``s before it whose two
        sides each add to it and do nothing else (NeMo's ``if stride_transpose: layers.append(nn.ConvTranspose1d(
        ...))`` ``else: layers.append(nn.Conv1d(...))``, then a 1x1 convolution and a norm appended after each);
        None when there is none."""
        found = self._key_events(read, scope)
        start = self._binding(*found) if found is not None else None
        if found is None or start is None:
            return None
        begin, (items, growing, block) = start
        after = found[0][begin + 1:found[1]]
        growths = {use[1]: added for use in after for kind, added in [_event_kind(self.index, use, growing)] if kind == GROWS}
        either = _either_sides(self.index, [use for use in after if use[1] in growths], growths)
        if not either or len(either) > EITHER_LIMIT:
            return None
        # Read for a call, the side the call takes alone; read for none, both (a default is not every caller's).
        choices = [(0, 1) if side is None else (side,) for side in (self._taken(branch) for branch, _ in either)]
        readings = []
        for taken in product(*choices):
            chosen = frozenset(node for (_, sides), side in zip(either, taken) for node in sides[side])
            dropped = frozenset(node for (_, sides), side in zip(either, taken) for node in sides[1 - side])
            folded = self._fold(items, growing, block, [use for use in after if use[1] not in dropped], chosen)
            readings.append(folded if folded is not None else [BARRIER])
        return readings

    def built(self, target: ast.expr, scope: Scope) -> list | None:
        """What the container bound to ``target`` holds once every event of it in its scope has run."""
        found = self._key_events(target, scope)
        if found is None:
            return None
        uses, position = found
        start = self._start(uses[position])
        if start is None or start[1] is None:
            return None
        later = uses[position + 1:]
        end = next((i for i, use in enumerate(later) if _event_kind(self.index, use)[0] == STORE), len(later))
        return self._fold(start[0], start[1], start[2], later[:end])

    def _key_events(self, key: ast.expr, scope: Scope) -> tuple[list[Use], int] | None:
        """The events of a name, or of ``name.attr`` (those of ``name`` under that attribute), in the scope, each
        with what it is of, and where ``key`` is among them."""
        base = key if isinstance(key, ast.Name) else key.value if isinstance(key, ast.Attribute) else None
        if not isinstance(base, ast.Name) or base.id in scope.escaped:
            return None
        events = scope.events.get(base.id, ())
        if len(events) > EVENT_LIMIT:
            return None
        if isinstance(key, ast.Attribute):
            uses = [(e, a) for e in events for a in [_attribute_of(self.index, e)] if a is not None and a.attr == key.attr]
        else:
            uses = [(e, e.node) for e in events]
        position = next((i for i, (event, _) in enumerate(uses) if event.node is base and not event.store), None)
        if position is None:  # a name's own binding: its store event
            position = next((i for i, (event, _) in enumerate(uses) if event.node is base), None)
        return (uses, position) if position is not None else None

    def _binding(self, events: list[Use], position: int) -> tuple[int, Start] | None:
        """The last binding before the read that gives the name items, and what it gives.

        A growing store (``x += [...]``, ``x = x + [...]``) is not a binding; an
        earlier binding at another depth than that one (``layers = []``, then
        ``layers = [...]`` inside a loop) leaves which one reaches the read unknown,
        unless it lies in another branch of an ``if`` than the read.
        A binding in a branch the read is not in (``if a: x = [...]`` ``else: x = [...]``,
        then ``nn.Sequential(*x)``) is only one of those that may: what it holds is
        unknown there, and only what is added to it after is known.
        """
        stores = [i for i in range(position) if _event_kind(self.index, events[i])[0] == STORE]
        if not stores:
            return None
        last = stores[-1]
        depth = _depth(events[last][0].block)
        read = events[position][0].node
        if any(
            _depth(events[i][0].block) != depth and not branch_apart(self.index, events[i][0].node, read)
            for i in stores[:-1]
        ):
            return None  # (a binding in another branch of an ``if`` around the read never reaches it)
        start = self._start(events[last])
        if start is not None and not events[position][0].block.within(events[last][0].block):
            start = ([BARRIER], start[1], start[2])
        return (last, start) if start is not None else None

    def _start(self, use: Use) -> Start | None:
        kind, value = _event_kind(self.index, use)
        if kind != STORE or value is None:
            return None
        initial = self.initial(value)  # type: ignore[arg-type]
        return (initial[0], initial[1], use[0].block) if initial is not None else None

    def initial(self, value: ast.expr) -> tuple[list, frozenset[str] | None] | None:
        """The items a list or a container starts with, and the container's own growing methods (None: a list)."""
        if isinstance(value, (ast.List, ast.Tuple)):
            return list(value.elts), None
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):  # [conv, bn] + ([act] if a else [])
            return _joined(value, self._list_at), None
        if isinstance(value, ast.Name):  # ``down = downconv``: one list under two names
            items = self._aliased(value)
            return (items, None) if items is not None else None
        if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
            layer = self.layers.construction(value)
            if layer is not None and isinstance(layer.spec, Container) and not element_handed_out(self.index, self.flow, value):
                return self.steps.ordered_elements(value, layer.spec), frozenset(layer.spec.grow)
            if layer is None:  # ``layers = self.get_layers(...)``: the list it returns, where its function is read
                return [ast.Starred(value, ast.Load())], None
        return None

    def _aliased(self, name: ast.Name) -> list | None:
        """The items of the list a name holds where another name is bound to it, when nothing that may run after
        changes it (both names hold the one list)."""
        scope = self.index.scope_at(name)
        found = self._key_events(name, scope)
        if found is None:
            return None
        uses, position = found
        later = uses[position + 1:]
        if any(_event_kind(self.index, use)[0] != KEEPS and not branch_apart(self.index, name, use[0].node) for use in later):
            return None
        return self.at(name, scope)

    def _list_at(self, name: ast.Name) -> list | None:
        """The items a name joined into a list holds there, when it holds a list."""
        return self.at(name, self.index.scope_at(name))

    # ------------------------------------------------------------ the events

    def _fold(
        self, items: list, growing: frozenset[str] | None, block: Block, uses: Iterable[Use],
        chosen: frozenset[ast.expr] = frozenset(),
    ) -> list | None:
        """The items once ``uses`` (in the order they run) have run on a list or a container; ``chosen``: the reads
        in one side of an ``if``/``else`` taken (``sides``), read as if written in the block around it."""
        items = list(items)
        last: Block | None = block
        for use in uses:
            event = use[0]
            if event.block is not block and self._never_runs(event):
                continue  # in a branch the call being read decides against (``if dropout is not None:``, None)
            kind, added = _event_kind(self.index, use, growing)
            if kind == KEEPS:
                continue
            if kind == GROWS:
                if event.block is not last and last is not None and (
                    use[1] in chosen and _branch(self.index, event, last) is not None
                    or self._runs(event, last) or self._may_run(event, last)
                ):
                    items += added  # type: ignore[operator]
                    continue  # an ``if`` the call being read decides, or a flag's: as if written in the block around it
                if items and event.block is not last:
                    items.append(BARRIER)
                items += added  # type: ignore[operator]
                last = event.block
                continue
            if growing is None:
                return None  # a list read in a way not accounted for, or bound again, may hold anything
            items.append(BARRIER)  # a container is only grown: what it holds keeps its order
            last = None
        return items

    def _runs(self, event: Event, block: Block) -> bool:
        """The event sits in the branch of an ``if`` right in ``block`` that runs: the body of ``if x is not
        None:`` (the ``else`` of ``if x is None:``) where ``x`` is never None, or of ``if use_bn:`` where
        ``use_bn`` always holds (the ``else`` where it never does), on every path or for the call a block is
        read for."""
        found = _branch(self.index, event, block)
        if found is None:
            return False
        branch, node = found
        scope, env = self.index.scope_at(branch), self.layers.environment(branch)
        test = none_test(branch.test)
        if test is None:
            holds = self.flow.truth(branch.test, scope, env)
            return holds is not None and node in (branch.body if holds else branch.orelse)
        name, holds_when_none = test
        if node not in (branch.orelse if holds_when_none else branch.body):
            return False
        return self.flow.is_none(name, scope, env) is False

    def _taken(self, branch: ast.If) -> int | None:
        """The side of an ``if``/``else`` (0: its body) the call a block is read for takes; None: either."""
        if not self.layers.bound:
            return None
        scope, env = self.index.scope_at(branch), self.layers.environment(branch)
        test = none_test(branch.test)
        none = self.flow.is_none(test[0], scope, env) if test is not None else None
        holds = self.flow.truth(branch.test, scope, env) if test is None else None if none is None else none is test[1]
        return None if holds is None else 0 if holds else 1

    def _may_run(self, event: Event, block: Block) -> bool:
        """The event sits in an ``if use_bn:`` (or ``if not first_block:``) right in ``block``, with no ``else``, on a
        parameter its default or a caller sets so (or to a value computed at run time, ``first_block=(i == 0)``):
        what it adds is read on that path, and a finding it leads to says so (``conditions.py``)."""
        found = _branch(self.index, event, block)
        if found is None or found[0].orelse:
            return False
        test = found[0].test
        scope = self.index.scope_at(found[0])
        guard = none_test(test)
        if guard is not None and not guard[1] and isinstance(guard[0], ast.Name) and not is_parameter(scope, guard[0].id):
            # ``if downnorm is not None:`` with ``downnorm = norm_layer(c) if norm_layer is not None else None``
            held = self.flow.origins(guard[0], scope, self.layers.environment(found[0]))
            return bool(held) and any(not is_literal(o.expr, None) for o in held)
        negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        flag = test.operand if negated else test  # type: ignore[attr-defined]
        if not isinstance(flag, ast.Name) or not is_parameter(scope, flag.id):
            return False
        origins = self.flow.origins(flag, scope, self.layers.environment(found[0]))
        return bool(origins) and any(
            not isinstance(o.expr, ast.Constant) or bool(o.expr.value) is not negated for o in origins  # type: ignore
        )

    def _never_runs(self, event: Event) -> bool:
        """The event sits in a branch that the call a block is read for decides against (``if dropout_op is not
        None:`` for a call passing None).  Read for no call, a function's own calls in the file are not all of
        its calls: a branch they never take may run for another."""
        return self.layers.never_runs(event.node)

    # ------------------------------------------------------------ a container class's self

    def of_self(self, scope: Scope) -> list | None:
        """What a container class's ``__init__`` (``scope``) makes ``self`` hold, in the order it adds them."""
        receiver = self.flow.receiver(scope)[1]
        if receiver is None:
            return None
        items: list = []
        attrs: set[str] = set()
        last: Block | None = None
        for event in _self_events(self.index, scope, receiver):
            if self._never_runs(event):
                continue  # ``if with_dropout: self.add_module(...)`` for a call passing False
            added = _self_added(self.index, self.steps, event, attrs)
            if added is False:
                return None
            if not added:
                continue
            if event.block is not last and last is not None and self._runs(event, last):
                items += added  # type: ignore[operator]
                continue  # ``if with_bn: self.add_module("bn", ...)`` where the flag holds: as if unconditional
            if items and event.block is not last:
                items.append(BARRIER)
            items += added  # type: ignore[operator]
            last = event.block
        return items


STORE, GROWS, KEEPS, OTHER = "store", "grows", "keeps", "other"


def _event_kind(index: Index, use: Use, growing: frozenset[str] | None = None) -> tuple[str, object]:
    """What one event of a name (or of ``name.attr``) is: a binding and its value, a growth and the items it
    adds, a read that keeps the items (``KEEPS``), or anything else (``OTHER``)."""
    event, node = use
    parent = index.parents.get(node)
    if event.opaque:
        return OTHER, None
    if isinstance(parent, ast.AugAssign) and parent.target is node:
        if event.store:
            return KEEPS, None  # x += [...]: its read event grows the list
        if not isinstance(parent.op, ast.Add):
            return OTHER, None
        # x += helper(...): the list the helper returns, where the module defines it (else a barrier)
        return GROWS, _items(parent.value)
    if event.store or isinstance(getattr(node, "ctx", None), ast.Store):
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and _single_target(parent, node):
            if _extends(parent.value, node):
                return KEEPS, None  # x = x + [...]: the read of x grows it
            return STORE, parent.value
        return STORE, None  # unpacked, a loop's target: a binding of unknown items
    if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
        assign = index.parents.get(parent)
        if parent.left is node and isinstance(assign, ast.Assign) and _single_target(assign, assign.targets[0]) and _same(
                assign.targets[0], node):
            return GROWS, _items(parent.right)
        return KEEPS, None  # joined into a new list (``down = [relu] + downconv + [norm]``): this one is unchanged
    if isinstance(parent, ast.Starred) or isinstance(parent, ast.Return) and parent.value is node:
        return KEEPS, None  # unpacked or returned whole: its order is kept
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in HARMLESS_CALLS:
        return KEEPS, None
    if isinstance(parent, ast.Subscript) and parent.value is node and _read_through(index, parent):
        return KEEPS, None  # layers[0].weight: a read of one item's state
    if isinstance(parent, ast.Attribute) and parent.value is node:
        call = index.parents.get(parent)
        if isinstance(call, ast.Call) and call.func is parent and _statement(index, call):
            added = _grown(call, parent.attr, growing)
            return (GROWS, added) if added is not None else (OTHER, None)
    return OTHER, None


def _read_through(index: Index, item: ast.Subscript) -> bool:
    """``layers[0].weight`` read, not assigned, not called (``layers[0].register_parameter(...)``): the item's
    state, the list unchanged."""
    attribute = index.parents.get(item)
    if not (isinstance(attribute, ast.Attribute) and attribute.value is item and isinstance(attribute.ctx, ast.Load)):
        return False
    call = index.parents.get(attribute)
    return not (isinstance(call, ast.Call) and call.func is attribute)


def _attribute_of(index: Index, event: Event) -> ast.Attribute | None:
    parent = index.parents.get(event.node)
    return parent if isinstance(parent, ast.Attribute) and parent.value is event.node else None


def _reaching_stores(uses: list[Use], position: int, kind: Callable[[Use], tuple[str, object]]) -> list[int]:
    """Where the bindings that may reach the read at ``position`` are among ``uses``: back from the read to the
    first one that binds on every path to it."""
    block = uses[position][0].block
    found = []
    for at in range(position - 1, -1, -1):
        if kind(uses[at])[0] == STORE:
            found.append(at)
            if block.within(uses[at][0].block):
                break
    return found[::-1]


def _self_events(index: Index, scope: Scope, receiver: str) -> list[Event]:
    """The receiver's events and each ``super().__init__(...)``'s ``super``, in the order they run."""
    supers = [e for e in scope.events.get("super", ()) if _super_init(index, e.node) is not None]
    return sorted([*scope.events.get(receiver, ()), *supers], key=lambda event: event.order)


def _self_added(index: Index, steps: Steps, event: Event, attrs: set[str]) -> list | bool:
    """What one event adds to ``self``: items, nothing ([]), or it spoils what it holds (False)."""
    if event.store:
        return []
    if event.opaque:
        return [BARRIER]
    if event.node.id == "super":  # type: ignore[attr-defined]
        return steps.ordered_elements(_super_init(index, event.node))  # type: ignore[arg-type]
    attribute = _attribute_of(index, event)
    if attribute is None:
        return []  # self itself, handed on: what a module does with itself is not read
    if isinstance(attribute.ctx, ast.Store):
        assign = index.parents.get(attribute)
        if attribute.attr in attrs:
            return False  # assigned twice: which one is the layer is not known
        attrs.add(attribute.attr)
        single = isinstance(assign, (ast.Assign, ast.AnnAssign)) and _single_target(assign, attribute)
        return [assign.value] if single else [BARRIER]  # type: ignore[union-attr]
    call = index.parents.get(attribute)
    if not (isinstance(call, ast.Call) and call.func is attribute):
        return []  # self.conv: a read of an attribute
    grown = _grown(call, attribute.attr, frozenset()) if _statement(index, call) else None
    return grown if grown is not None else [BARRIER]


def _grown(call: ast.Call, method: str, growing: frozenset[str] | None) -> list | None:
    """The items a growing method called as a statement adds (``growing``: a container's own, None for a list)."""
    one = len(call.args) == 1 and not call.keywords
    if method == "append" and one:
        return list(call.args)
    if method == "extend" and one:
        return _items(call.args[0]) if isinstance(call.args[0], (ast.List, ast.Tuple, ast.Call, ast.Name)) else None
    if method == "add_module" and growing is not None:
        module = call.args[1] if len(call.args) == 2 else next((k.value for k in call.keywords if k.arg == "module"), None)
        return [module] if module is not None else None
    if growing and method in growing and one:
        return list(call.args)  # a container's own append: Keras' model.add(layer)
    return None


def _joined(value: ast.expr, named: Callable[[ast.Name], list | None]) -> list:
    """The items of lists joined by ``+``, in order: literals, and names whose items ``named`` knows where they
    are read (U-Net's ``model = down + [submodule] + up``); anything else joined in is a barrier."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        return _joined(value.left, named) + _joined(value.right, named)
    if _literal_list(value):
        return list(value.elts)  # type: ignore[attr-defined]
    if isinstance(value, ast.Call):
        return [ast.Starred(value, ast.Load())]  # ``upsample_layer(c, c) + [norm]``: the list a function returns
    items = named(value) if isinstance(value, ast.Name) else None
    return items if items is not None else [BARRIER]


def _items(value: ast.expr) -> list:
    """What joining a value onto a list adds: a literal's items, or the value unpacked (``layers.extend(block(c))``
    as ``*block(c)``: the list a helper of the module returns, or a list a name holds), which a container's reading
    expands; anything else a barrier."""
    if _literal_list(value):
        return list(value.elts)  # type: ignore[attr-defined]
    if isinstance(value, (ast.Call, ast.Name)):
        return [ast.Starred(value, ast.Load())]
    return [BARRIER]


def _literal_list(expr: ast.expr) -> bool:
    return isinstance(expr, (ast.List, ast.Tuple))


def _extends(value: ast.expr, target: ast.expr) -> bool:
    """``x = x + [...]``."""
    return isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and _same(value.left, target)


def _same(a: ast.expr, b: ast.expr) -> bool:
    """The same name, or the same attribute of the same name."""
    if isinstance(a, ast.Name) and isinstance(b, ast.Name):
        return a.id == b.id
    return (
        isinstance(a, ast.Attribute) and isinstance(b, ast.Attribute) and a.attr == b.attr
        and isinstance(a.value, ast.Name) and isinstance(b.value, ast.Name) and a.value.id == b.value.id
    )


def _single_target(parent: ast.AST, target: ast.AST) -> bool:
    if isinstance(parent, ast.Assign):
        return parent.targets == [target]
    return isinstance(parent, ast.AnnAssign) and parent.target is target and parent.value is not None


def _depth(block: Block | None) -> int:
    depth = 0
    while block is not None:
        block, depth = block.parent, depth + 1
    return depth


def _super_init(index: Index, node: ast.AST) -> ast.Call | None:
    """The ``super().__init__(...)`` call whose ``super`` is ``node``."""
    inner = index.parents.get(node)
    attribute = index.parents.get(inner)
    call = index.parents.get(attribute)
    if (
        isinstance(inner, ast.Call) and inner.func is node and isinstance(attribute, ast.Attribute)
        and attribute.attr == "__init__" and isinstance(call, ast.Call) and call.func is attribute
    ):
        return call
    return None


def _statement(index: Index, call: ast.Call) -> bool:
    """The call is a statement of its own: an expression statement, also one a trailing comma makes a tuple of it
    (``self.add_module("conv1", nn.Conv2d(...)),``, as torchvision's old DenseNet and its copies write it)."""
    parent = index.parents.get(call)
    if type(parent) is ast.Tuple and len(parent.elts) == 1:  # type: ignore[union-attr]
        parent = index.parents.get(parent)
    return type(parent) is ast.Expr


EITHER_LIMIT = 2  # ``if``/``else``s read side by side: 4 readings at most


def _either_sides(
    index: Index, growths: list[Use], added: dict[ast.expr, object],
) -> list[tuple[ast.If, tuple[list[ast.expr], list[ast.expr]]]]:
    """The ``if``/``else``s each of whose statements, on both sides, is one of ``growths`` (a list's ``append``),
    adding layers of its own (a layer both add, VGG's ``conv2d`` before a norm on one side and not the other, is
    read where the branches are built as flags), with the reads each side holds."""
    found: dict[ast.If, tuple[list[ast.expr], list[ast.expr]]] = {}
    for event, node in growths:
        statement = statement_of(index, event.node)
        branch = index.parents.get(statement) if statement is not None else None
        if isinstance(branch, ast.If) and branch.orelse:
            sides = found.setdefault(branch, ([], []))
            sides[0 if statement in branch.body else 1].append(node)
    holding = {statement_of(index, node) for _, node in growths}
    return [
        (branch, sides) for branch, sides in found.items()
        if all(stmt in holding for stmt in branch.body + branch.orelse) and _names_apart(sides, added)
    ]


def _names_apart(sides: tuple[list[ast.expr], list[ast.expr]], added: dict[ast.expr, object]) -> bool:
    """No layer bound to a name is added on both sides: each adds layers of its own."""
    left, right = ({item.id for read in side for item in added[read] or () if type(item) is ast.Name} for side in sides)
    return left.isdisjoint(right)


def _branch(index: Index, event: Event, block: Block) -> tuple[ast.If, ast.stmt] | None:
    """The ``if`` right in ``block`` one of whose branches holds the event, and the event's statement."""
    if event.block.parent is not block:
        return None
    node = statement_of(index, event.node)
    branch = index.parents.get(node) if node is not None else None
    return (branch, node) if isinstance(branch, ast.If) else None  # type: ignore[return-value]
