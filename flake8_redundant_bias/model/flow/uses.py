"""Where a value goes: the reads a binding reaches, and the expression that takes a value next.

The forward half of the flow service, over the same events as the backward
half (``names.py``): a binding reaches the later reads of its name up to a
re-binding in its own block or one around it (a re-binding inside a branch
does not stop them), and in a loop the reads earlier in the loop body, which
may see it on the next turn.  A read from a nested function is *opaque*: a use
whose time cannot be known.
"""

from __future__ import annotations

import ast
from typing import Callable

from ..index import Event, Index, event_name

# A binding is followed through at most this many later events of its name;
# past that the analysis gives up (stays silent) instead of going quadratic.
SCAN_LIMIT = 64
VALUE_DEPTH = 8  # single-use variables followed, one into the next
READS = 6  # the reads of one value followed to every reader
SHAPE = frozenset({"shape", "size", "dim", "ndim", "dtype", "device"})  # what a read may ask of a tensor, not its values


Follows = Callable[[ast.AST, ast.AST], bool]


class Uses:
    __slots__ = ("index", "_leaves")

    def __init__(self, index: Index) -> None:
        self.index = index
        self._leaves: dict[ast.AST, bool] = {}  # loop -> whether a continue or break may leave a turn early

    def of_binding(self, binding: ast.AST, follows: Follows | None = None) -> list[Event] | None:
        """The reads a binding can reach, or None when that cannot be known (``global``, too many events).
        ``follows(node, binding)``: whether the statement holding ``node`` runs whenever the one holding ``binding``
        does, after it (the flow service decides the tests between them); a binding again there (``if
        self.use_bn: x = self.bn(x)`` where ``use_bn`` always holds) hides it from the reads after, as one outside
        any ``if`` does."""
        found = self.index.stores.get(binding)
        if found is None:
            return None
        scope, position = found
        name = event_name(binding)
        if name in scope.escaped:
            return None
        events = scope.events[name]
        event = events[position]
        uses: list[Event] = []
        for later in events[position + 1: position + 1 + SCAN_LIMIT]:
            if later.store:
                if event.block.within(later.block) or (
                    follows is not None and later.block.within(event.block) and follows(later.node, binding)
                ):
                    # Bound again later in the same turn of the loop, it cannot reach the turn after.
                    return uses if self._bound_again_in_turn(binding, later.node) else uses + self._loop_reads(events, position)
                continue
            uses.append(later)
        else:
            if len(events) > position + 1 + SCAN_LIMIT:
                return None
        return uses + self._loop_reads(events, position)

    def _bound_again_in_turn(self, binding: ast.AST, again: ast.AST) -> bool:
        """Whether ``again`` re-binds the name on every path from ``binding`` to the end of the loop turn both are
        in: in the loop's body, with no ``continue`` or ``break`` in it to leave the turn in between."""
        loop = self._loop_of(binding)
        if loop is None or self._loop_of(again) is not loop:
            return False
        if loop not in self._leaves:
            self._leaves[loop] = any(isinstance(node, (ast.Continue, ast.Break)) for node in ast.walk(loop))
        return not self._leaves[loop]

    def _loop_of(self, node: ast.AST) -> ast.AST | None:
        """The innermost loop whose body holds the node, within its function."""
        parents = self.index.parents
        child, parent = node, parents.get(node)
        while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            if isinstance(parent, (ast.For, ast.AsyncFor, ast.While)) and child in parent.body:
                return parent
            child, parent = parent, parents.get(parent)
        return None

    def _loop_reads(self, events: list[Event], position: int) -> list[Event]:
        block = events[position].block
        while block is not None and not block.loop:
            block = block.parent
        if block is None:
            return []
        start = block.start or 0
        return [e for e in events[max(0, position - SCAN_LIMIT):position] if not e.store and e.order >= start]

    def reads(self, node: ast.AST, follows: Follows | None = None) -> list[ast.AST] | None:
        """Where the value computed at ``node`` is read: ``node`` itself, or, when it is assigned to a
        plain name, the reads that binding reaches (None when one of them cannot be placed in time)."""
        target = _single_name_target(self.index.parents.get(node), node)
        if target is None:
            return [node]
        events = self.of_binding(target, follows)
        if events is None or any(event.opaque for event in events):
            return None
        return [event.node for event in events]

    def sole_read(
        self, node: ast.AST, follows: Follows | None = None,
        between: Callable[[ast.AST, ast.AST], ast.AST | None] | None = None,
    ) -> ast.AST | None:
        """The one place the value computed at ``node`` is read, following single-use variables; a read that only
        asks its shape (``B, C, H, W = x.shape``, ``print(x.size())``) takes none of its values and is not one.
        ``between(a, b)``: of two reads in the branches of one test, the one the test decides runs (``self.bn(x)
        if self.with_bn else x`` where ``with_bn`` always holds)."""
        found = node
        for _ in range(VALUE_DEPTH):
            reads = self.reads(found, follows)
            if reads is not None and reads != [found]:
                reads = [read for read in reads if not asks_shape(self.index, read)]
                if len(reads) == 2 and between is not None:
                    taken = between(*reads)
                    reads = [taken] if taken is not None else reads
            if reads is None or len(reads) != 1:
                return None
            if reads[0] is found:
                return found
            found = reads[0]
        return None

    def every_read(self, node: ast.AST, follows: Follows | None = None) -> list[ast.AST] | None:
        """Every place the value computed at ``node`` is read, in the order of the code, following the variables it
        is assigned to (reads of its shape aside); None when one cannot be placed in time, or past ``READS`` reads."""
        found: list[ast.AST] = []
        pending: list[tuple[ast.AST, int]] = [(node, 0)]
        for at, depth in pending:  # (grows as it goes: each read assigned to a name adds that name's reads)
            reads = self.reads(at, follows) if depth <= VALUE_DEPTH else None
            if reads is None or len(found) + len(pending) > READS:
                return None
            if reads == [at]:
                found.append(at)
            else:
                pending += [(read, depth + 1) for read in reads if not asks_shape(self.index, read)]
        return found

    def reads_after_block(self, binding: ast.AST) -> list[ast.AST] | None:
        """The reads a binding reaches outside the block it is bound in (after the loop that binds it);
        a read from a nested function is left out."""
        found = self.index.stores.get(binding)
        events = self.of_binding(binding)
        if found is None or events is None:
            return None
        scope, position = found
        block = scope.events[event_name(binding)][position].block
        return [event.node for event in events if not event.opaque and not event.block.within(block)]

    def appended(self, binding: ast.AST, read: ast.Name) -> list[ast.expr] | None:
        """What is appended to the list a binding holds before ``read`` takes it: every read the binding reaches
        before ``read`` is a statement ``x.append(value)`` (None otherwise, or when one cannot be placed in time).
        (``params_list = []`` then ``params_list.append({"params": ..., "lr": lr})`` per part, then
        ``SGD(params_list, ...)``: what happens to the list after it is read is not what was read.)"""
        events = self.of_binding(binding)
        found = self.index.stores.get(binding)
        if events is None or found is None or not any(event.node is read for event in events):
            return None
        scope, position = found
        start = scope.events[event_name(binding)][position].order
        taken = next(event.order for event in events if event.node is read)
        values = []
        for event in events:
            if event.opaque:
                return None
            if event.node is read or event.order > taken:
                continue
            if event.order < start:
                return None  # a read earlier in a loop: it may append on a later turn
            call = self._method_call(event.node)
            if call is None or not isinstance(self.index.parents.get(call), ast.Expr) or not _appends(call):
                return None
            values.append(call.args[0])
        return values

    def receives_calls(self, binding: ast.AST) -> bool | None:
        """Some read of the binding calls a method on its value (``groups.append(...)``); None when unknown."""
        events = self.of_binding(binding)
        if events is None:
            return None
        return any(event.opaque or self._method_call(event.node) is not None for event in events)

    def _method_call(self, read: ast.AST) -> ast.Call | None:
        """The call of a method of the value read (``groups.append(...)`` for ``groups``)."""
        attribute = self.index.parents.get(read)
        call = self.index.parents.get(attribute) if isinstance(attribute, ast.Attribute) else None
        return call if isinstance(call, ast.Call) and call.func is attribute else None


def _appends(call: ast.Call) -> bool:
    """``x.append(value)``: one value, nothing else."""
    return call.func.attr == "append" and len(call.args) == 1 and not call.keywords  # type: ignore[attr-defined]


def asks_shape(index: Index, read: ast.AST) -> bool:
    """The read asks its value's shape, type or device (``x.shape``, ``x.size(1)``), nothing that depends on it."""
    parent = index.parents.get(read)
    return type(parent) is ast.Attribute and parent.value is read and parent.attr in SHAPE


def _single_name_target(parent: ast.AST | None, node: ast.AST) -> ast.Name | None:
    if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1:
        target = parent.targets[0]
        return target if isinstance(target, ast.Name) else None
    return None
