"""What a call applies to its input, and what an expression stands for as a container's element.

``self.bn(self.conv(x))`` applies the module ``self.conv`` holds, ``F.batch_norm(...)``
a functional row, ``x.transpose(1, 2)`` a tensor method's row, ``conv(x)`` the module a
local name was bound to, ``self.norms[i](x)`` an element of a module list, and
``for conv, norm in zip(self.convs, self.norms)`` each list's element in turn.
"""

from __future__ import annotations

import ast
from typing import Mapping

from ..knowledge.schema import AxisMove, Container, Fact, OrderedMapping, Reshape, Transparent
from .attributes import ModuleAttributes
from .families import Families
from .flow.names import none_test
from .flow.service import Flow
from .index import Index, Scope, if_apart
from .layers import Layer, Layers
from .values import ABSENT, Bound, CallArgs


STEP_METHODS = (Reshape, Transparent)  # a tensor's own methods that a value passes through (not a module it holds)


class Steps:
    def __init__(
        self, index: Index, flow: Flow, layers: Layers, attributes: ModuleAttributes, families: Families,
        facts: Mapping[str, Fact], methods: Mapping[str, Fact],
    ) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers
        self.attributes = attributes
        self.families = families
        self.facts = facts
        self.methods = methods

    def application(self, call: ast.Call, scope: Scope) -> Layer | None:
        """The step a call applies to its first argument: functional, or a module built elsewhere."""
        func = call.func
        name = self.index.imports.resolve(func)  # as layers.row(), inline: asked of every call
        if name is not None:
            spec = self.layers.rows.get(name)
            if spec is not None and getattr(spec, "functional", False):
                return self._step(name, spec, call, scope)
            return None
        if isinstance(func, ast.Call):  # nn.Conv2d(...)(x), getattr(self, f"conv{i}")(x)
            return self.layers.construction(func) or self.families.element(func, scope)
        if isinstance(func, ast.Name):
            return self.local(func, scope) or self._loop_element(func, scope)
        if isinstance(func, ast.Attribute):
            method = self.methods.get(func.attr)
            if isinstance(method, AxisMove) and call.args:
                return self._step(func.attr, method, call, scope, direct=False)
            if isinstance(method, STEP_METHODS) and self.flow.method_owner(func.value, scope) is None:
                return self._step(func.attr, method, call, scope, direct=False)  # x.view(b, c, -1), x.contiguous()
            return self.attributes.attribute(func, scope)
        if isinstance(func, ast.Subscript):
            return self._subscripted(func, scope)
        return None

    def _subscripted(self, item: ast.Subscript, scope: Scope) -> Layer | None:
        """``self.norms[i]``, ``self._modules["conv" + str(i)]``, ``self.bn_blocks[i][j]``: the module an item of
        a list the class holds is."""
        if isinstance(item.value, ast.Attribute):
            return self.attributes.list_element(item.value, scope) or self.families.element(item, scope)
        if isinstance(item.value, ast.Subscript) and isinstance(item.value.value, ast.Attribute):
            return self.attributes.nested_element(item.value.value, scope)
        return None

    def _step(self, name: str, spec: object, call: ast.Call, scope: Scope, direct: bool = True) -> Layer:
        step = Layer(name, spec, call, self.flow.call_args(call, scope), direct=direct)  # type: ignore[arg-type]
        step.site = self.index.module.node
        return step

    def element(self, expr: ast.expr, scope: Scope) -> Layer | None:
        """The module an expression stands for, as an element of a container."""
        if isinstance(expr, (ast.Call, ast.Subscript)):
            return self.layers.built(expr)
        if isinstance(expr, ast.Name):
            return self.local(expr, scope, rebound=True)
        if isinstance(expr, ast.Attribute):
            return self.attributes.attribute(expr, scope)
        return None

    def local(self, name: ast.Name, scope: Scope, rebound: bool = False) -> Layer | None:
        """A local name bound to one construction and read once on any path through the code (``rebound``: or
        bound again, where the binding that reaches this read reaches no other: a container's element).

        ``if bn: layers += [conv, nn.BatchNorm2d(c)] else: layers += [conv]`` reads
        ``conv`` twice, in branches of which one runs: each run uses it once.
        """
        stores, reads = self.index.bindings(scope, name.id)
        if rebound and reads != 1 and len(stores) > 1 and self._read_here_alone(name, scope):
            reads = 1  # ENet's ``batch_norm = ...`` bound again for another block: each binding read once
        if reads != 1 and stores:
            reads = len(self._module_reads(scope, name.id))
        if not stores or reads != 1 and (reads > 4 or not self._exclusive_reads(scope, name.id)):
            return None  # used elsewhere too, or bound outside this scope (an import, a global)
        origin = self.flow.sole_origin(name, scope)
        if origin is None or origin.scope.tree is not self.index.module.node:
            return None
        expr = origin.expr
        if isinstance(expr, ast.Subscript) and isinstance(expr.value, (ast.Attribute, ast.Subscript)) and origin.scope is scope:
            # ``bn = self.bns[i]`` then ``bn(conv(x))``: as ``self.bns[i](conv(x))`` (PointNet++'s loops)
            return self._subscripted(expr, scope)
        return self.layers.built(expr)

    def _read_here_alone(self, name: ast.Name, scope: Scope) -> bool:
        """The one binding that reaches this read of a name bound several times reaches no other read."""
        found = self.flow.reaching(name, scope)
        if found is None or found[0] is not scope or len(found[1]) != 1:
            return False
        uses = self.flow.uses(found[1][0].node)
        return uses is not None and [use.node for use in uses] == [name]

    def _module_reads(self, scope: Scope, name: str) -> list[ast.AST]:
        """The reads of a name that use the module it holds: not a read of its state (``nn.init.ones_(bn.weight)``,
        ``bn.bias``), which neither runs it nor changes what it does with its input, nor a test of whether it is
        None (``if downnorm is not None:``).  A method call (``bn.eval()``) and an opaque read (in a nested function)
        are uses."""
        parents = self.index.parents
        found = []
        for event in scope.events.get(name, ()):
            if event.store:
                continue
            attribute = parents.get(event.node)
            if type(attribute) is ast.Compare and none_test(attribute) is not None and not event.opaque:
                continue
            state = type(attribute) is ast.Attribute and type(attribute.ctx) is ast.Load  # type: ignore[union-attr]
            if state and not event.opaque:
                call = parents.get(attribute)
                if not (type(call) is ast.Call and call.func is attribute):  # type: ignore[union-attr]
                    continue
            found.append(event.node)
        return found

    def _exclusive_reads(self, scope: Scope, name: str) -> bool:
        """Every two reads of the name lie in different branches of one ``if``/``else``."""
        events = scope.events.get(name, ())
        if any(event.opaque for event in events):
            return False
        reads = self._module_reads(scope, name)
        return all(if_apart(self.index, first, second) for i, first in enumerate(reads) for second in reads[i + 1:])

    def _loop_element(self, name: ast.Name, scope: Scope) -> Layer | None:
        """``for conv, norm in zip(self.convs, self.norms): ... conv(x)``, or ``for i, conv in
        enumerate(self.convs)``: an element of a module list."""
        _, reads = self.index.bindings(scope, name.id)
        if reads != 1:
            return None
        reaching = self.flow.reaching(name, scope)
        if reaching is None or len(reaching[1]) != 1:
            return None
        target = reaching[1][0].node
        parent = self.index.parents.get(target)
        position = None
        if isinstance(parent, ast.Tuple) and isinstance(self.index.parents.get(parent), ast.For):
            loop, position = self.index.parents[parent], parent.elts.index(target)  # type: ignore[arg-type]
            if loop.target is not parent:  # type: ignore[attr-defined]
                return None
        elif isinstance(parent, ast.For) and parent.target is target:
            loop = parent
        else:
            return None
        source = loop.iter  # type: ignore[attr-defined]
        if position is not None:
            if self._builtin_call(source, "enumerate", scope) and len(source.args) == 1 and len(parent.elts) == 2:  # type: ignore
                if position != 1:
                    return None  # the count, not an element
                source = source.args[0]  # type: ignore[attr-defined]
            elif not self._builtin_call(source, "zip", scope) or len(source.args) != len(parent.elts):  # type: ignore
                return None
            else:
                source = source.args[position]  # type: ignore[attr-defined]
        if isinstance(source, ast.Subscript) and isinstance(source.value, ast.Attribute):
            return self.attributes.nested_element(source.value, scope)  # zip(self.conv_blocks[i], self.bn_blocks[i])
        if not isinstance(source, ast.Attribute):
            return None
        return self.attributes.list_element(source, scope)

    def _builtin_call(self, expr: ast.expr, name: str, scope: Scope) -> bool:
        """``zip(...)``, ``enumerate(...)`` read in ``scope``: Python's builtin of that name, without keywords."""
        return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == name
                and not expr.keywords and self.flow.builtin(name, scope))

    def ordered_elements(self, call: ast.Call, spec: Container | None = None) -> list[ast.expr]:
        """Positional elements, the values of an ordered mapping given as the only argument, or a list argument's items."""
        if spec is not None and spec.layers is not None:
            given = CallArgs.of(call).get(spec.layers)
            if given is ABSENT:
                return []
            listed = given.expr if isinstance(given, Bound) else None
            return list(listed.elts) if isinstance(listed, (ast.List, ast.Tuple)) else [ast.Starred(listed or call, ast.Load())]
        if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Call):
            inner = call.args[0]
            name = self.index.imports.resolve(inner.func)
            if isinstance(self.facts.get(name) if name else None, OrderedMapping):
                return _ordered_mapping_values(inner)
        return list(call.args)


def _ordered_mapping_values(call: ast.Call) -> list[ast.expr]:
    if call.keywords and not call.args:
        return [k.value if k.arg is not None else ast.Starred(k.value, ast.Load()) for k in call.keywords]
    if len(call.args) == 1 and isinstance(call.args[0], (ast.List, ast.Tuple)) and not call.keywords:
        values: list[ast.expr] = []
        for item in call.args[0].elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                values.append(item.elts[1])
            else:
                values.append(ast.Starred(item, ast.Load()))  # unknown: a barrier
        return values
    return [ast.Starred(call, ast.Load())]
