"""How often a class uses each module it holds on itself: ``self.conv`` applied once has one output to follow.

A read of the module's state (``self.conv.weight``), of whether it holds one (``if self.bn is not None:``), of how
many (``len(self.convs)``), an initializer's (``xavier_init(self.conv)``) and a store wrapping it again
(``self.conv = spectral_norm(self.conv)``) are no uses; ``getattr(self, "bn")`` is one.
"""

from __future__ import annotations

import ast
from typing import Mapping

from ..knowledge.schema import Fact, Initializer
from .families import getattr_read
from .flow.members import rewraps
from .flow.names import none_test
from .flow.service import Flow
from .index import Index, Scope, if_apart


class AttributeUses:
    def __init__(self, index: Index, flow: Flow, facts: Mapping[str, Fact]) -> None:
        self.index = index
        self.flow = flow
        self.facts = facts
        self._uses: dict[tuple[ast.ClassDef, str], int] | None = None

    def counts(self) -> dict[tuple[ast.ClassDef, str], int]:
        """(class, attribute) -> how often the class uses the module ``self.<attribute>`` holds on one path: applied
        once in each branch of an ``if``/``else`` is once."""
        if self._uses is None:  # counted once per module
            self._uses = self.index.derived("attribute uses", self._count)
        return self._uses

    def by_branch(self, owner: ast.ClassDef, attr: str) -> list[ast.Call] | None:
        """The calls applying ``self.<attr>`` once in each branch of an ``if``/``else`` (EDANet's ``if self.ninput <
        self.noutput: output = torch.cat([self.conv(x), self.pool(x)], 1)`` ``else: output = self.conv(x)``)."""
        self.counts()
        return self.index.derived("attributes applied by branch", dict).get((owner, attr))

    def _count(self) -> dict[tuple[ast.ClassDef, str], int]:
        """How often each ``self.x`` is used as a module: a read of its state or an initializer's is not a use."""
        uses: dict[tuple[ast.ClassDef, str], int] = {}
        loads: dict[tuple[ast.ClassDef, str], list[ast.Attribute]] = {}
        for load, scope in self.index.attribute_loads:
            owner = self.flow.method_owner(load.value, scope)
            if owner is None:
                continue
            parent = self.index.parents.get(load)
            if isinstance(parent, ast.Attribute) and parent.value is load:
                continue  # self.conv.weight: a read of the module's state, not a use of its output
            if isinstance(parent, ast.Subscript) and parent.value is load and state_read(self.index, parent):
                continue  # self.W[1].weight: a read of an item's state (the non-local block zeroes its norm's)
            if self._counted(load, parent, scope) or _compared_with_none(load, parent):
                continue  # len(self.convs): how many, not a use of any; ``if self.bn is not None:``
            if self._initialized(load, parent) or self._stored_back(parent, load):
                continue  # (``self.conv = spectral_norm(self.conv)`` hands the module on to itself)
            key = (owner, load.attr)
            uses[key] = uses.get(key, 0) + 1
            loads.setdefault(key, []).append(load)
        self._count_getattr(uses)
        branched = self.index.derived("attributes applied by branch", dict)
        for key, count in uses.items():
            calls = _applied_apart(self.index, loads[key]) if 1 < count == len(loads.get(key, ())) else None
            if calls is not None:
                uses[key], branched[key] = 1, calls
        return uses

    def _count_getattr(self, uses: dict[tuple[ast.ClassDef, str], int]) -> None:
        """``getattr(self, "bn")`` is a use of ``self.bn``.  A name built at run time (``getattr(self, layer_name)``
        over the names a loop stored its stages under, OpenMMLab's ResNets) is not counted against the attributes
        assigned by name: it reads what was stored under such names."""
        for call, scope in self.index.calls_of("getattr"):
            read = getattr_read(self.flow, call, scope)
            if read is None:
                continue
            owner, name = read
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                uses[(owner, name.value)] = uses.get((owner, name.value), 0) + 1

    def _stored_back(self, call: ast.AST | None, load: ast.Attribute) -> bool:
        """The call wraps the module the attribute holds and is the value of an assignment to that attribute."""
        if not rewraps(self.index, self.facts, call, load.attr):  # type: ignore[arg-type]
            return False
        statement = self.index.parents.get(call) if call is not None else None
        return isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Attribute) and target.attr == load.attr for target in statement.targets)

    def _counted(self, load: ast.Attribute, parent: ast.AST | None, scope: Scope) -> bool:
        """``len(self.convs)`` (or ``len(self.conv_blocks[i])``), with Python's builtin ``len``."""
        if isinstance(parent, ast.Subscript) and parent.value is load:
            load, parent = parent, self.index.parents.get(parent)  # type: ignore[assignment]
        return (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "len"
                and parent.args == [load] and not parent.keywords and self.flow.builtin("len", scope))

    def _initialized(self, load: ast.Attribute, parent: ast.AST | None) -> bool:
        """``xavier_init(self.conv)``, ``nn.init.zeros_(self.bn.weight)``: set up, never run."""
        if not isinstance(parent, ast.Call) or load not in parent.args:
            return False
        name = self.index.imports.resolve(parent.func)
        return name is not None and (
            isinstance(self.facts.get(name), Initializer) or isinstance(self.facts.get(name.rpartition(".")[0]), Initializer)
        )

    def name_reads(self, owner: ast.ClassDef, attr: str) -> int:
        """How often the class (or a class of the file deriving from it) reads ``self.<attr>``."""
        classes = set(self.flow.descendants(owner))
        return sum(1 for load, scope in self.index.attribute_loads
                   if load.attr == attr and self.flow.method_owner(load.value, scope) in classes)


def state_read(index: Index, read: ast.Attribute | ast.Subscript) -> bool:
    """``self.W.weight``, ``self.W[1].weight``: a read of a container's or an item's state, which leaves its layers as
    they are (the non-local block zeroes its norm's weight so); not a method it calls."""
    parent = index.parents.get(read)
    if type(read.ctx) is not ast.Load:
        return False
    if type(read) is ast.Subscript:
        return type(parent) is ast.Attribute
    return not (type(parent) is ast.Call and parent.func is read)  # type: ignore[union-attr]


def _applied_apart(index: Index, loads: list[ast.Attribute]) -> list[ast.Call] | None:
    """The calls applying the loads, when each is applied and no two can run in one call of the method: each on its
    own side of one ``if``/``else`` (two of them)."""
    calls = [index.called_by(load) for load in loads]
    if len(calls) != 2 or None in calls or not if_apart(index, calls[0], calls[1]):  # type: ignore[arg-type]
        return None
    return calls  # type: ignore[return-value]


def _compared_with_none(load: ast.Attribute, parent: ast.AST | None) -> bool:
    """``self.bn is None``, ``self.bn is not None``, ``if self.bn:``: whether the class holds a module, not a use
    of it."""
    if isinstance(parent, (ast.If, ast.IfExp)) and parent.test is load:
        return True
    guard = none_test(parent) if isinstance(parent, ast.Compare) else None
    return guard is not None and guard[0] is load
