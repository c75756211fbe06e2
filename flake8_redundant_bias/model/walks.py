"""Containers a class walks layer by layer: a layer's output may be taken between its layers.

CUT's ``for layer_id, layer in enumerate(self.model): feat = layer(feat)`` keeps the
outputs its contrastive loss names, among them a conv's before its InstanceNorm, and
``nn.Sequential(*list(self.features.children())[:5])`` runs a part alone: no chain through
such a container is known.  A walk that only reads or sets the layers' state (weight
initialisation: ``for m in self.head.modules(): if isinstance(m, nn.Conv2d):
nn.init.kaiming_normal_(m.weight)``, or ``init_weights(self.head.modules())`` of a
function doing that) runs no layer and takes no output, and neither does an item's
state read or set (``self.fc[6].bias.requires_grad = False``).  A method called on a
layer (``m.eval()`` freezes a norm) is a use.
"""

from __future__ import annotations

import ast

from .flow.service import Flow
from .index import FUNCTION_NODES, Index, Scope

LAYER_WALKS = frozenset({"enumerate", "zip", "list", "tuple", "iter", "reversed"})
CHILDREN = frozenset({"children", "named_children", "modules", "named_modules"})
INIT_WORDS = ("for ",)  # a function of another module that walks what it is given spells a loop


def element_handed_out(index: Index, flow: Flow, call: ast.Call) -> bool:
    """``model[1]`` passed to a call or given a method call (``freeze_module(model[1])``, ``model[1].eval()``):
    code that singles out a layer may freeze its norm; or a container the class walks layer by layer."""
    target = index.parents.get(call)
    if isinstance(target, ast.Assign) and len(target.targets) == 1 and isinstance(target.targets[0], ast.Attribute):
        return stepped_through(index, flow, target.targets[0])
    if not (isinstance(target, ast.Assign) and len(target.targets) == 1 and isinstance(target.targets[0], ast.Name)):
        return False
    for event in flow.uses(target.targets[0]) or ():
        taken = index.parents.get(event.node)
        if not (isinstance(taken, ast.Subscript) and taken.value is event.node):
            continue
        user = index.parents.get(taken)
        method_call = index.parents.get(user) if isinstance(user, ast.Attribute) else None
        if isinstance(user, ast.Call) and taken in user.args:
            return True
        if isinstance(method_call, ast.Call) and method_call.func is user:
            return True
    return False


def stepped_through(index: Index, flow: Flow, held: ast.Attribute) -> bool:
    """A container the class holds (``self.model = nn.Sequential(*model)``) that its code walks layer by layer or
    indexes (``for layer_id, layer in enumerate(self.model): feat = layer(feat)``, ``self.model[4]``,
    ``self.model.children()``)."""
    owner = flow.method_owner(held.value, index.scope_at(held))
    walked = index.derived("walked containers", lambda: _walked(index, flow))  # one pass over the module's loads
    return owner is None or (owner, held.attr) in walked


def _walked(index: Index, flow: Flow) -> set[tuple[ast.ClassDef | None, str]]:
    found = set()
    for load, scope in index.attribute_loads:
        parent = index.parents.get(load)
        if (isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is load
                or isinstance(parent, ast.Subscript) and not _state_read(index, parent, scope)
                or isinstance(parent, ast.Call) and load in parent.args and getattr(parent.func, "id", None) in LAYER_WALKS
                or isinstance(parent, ast.Attribute) and parent.attr in CHILDREN and not _sets_state(index, flow, parent, scope)):
            found.add((flow.method_owner(load.value, scope), load.attr))
    return found


def _sets_state(index: Index, flow: Flow, children: ast.Attribute, scope: Scope) -> bool:
    """``self.head.modules()`` looped over, or handed to a function of the project that loops over it, where each
    layer's state alone is read or set."""
    call = index.parents.get(children)
    if not (type(call) is ast.Call and call.func is children and not call.args and not call.keywords):
        return False
    user = index.parents.get(call)
    if type(user) is ast.For and user.iter is call:
        return _state_loop(index, user, scope, children.attr)
    if type(user) is ast.Call and call in user.args and not user.keywords and type(user.func) is ast.Name:
        return _state_function(index, flow, user, user.args.index(call), scope, children.attr)
    return False


def _state_function(index: Index, flow: Flow, call: ast.Call, position: int, scope: Scope, method: str) -> bool:
    """The function the call names (of this module, or imported from the project) loops over its argument at
    ``position`` and does nothing else with it, each layer's state alone read or set."""
    name = call.func.id  # type: ignore[attr-defined]
    home_index, function = index, None
    if not index.bound(name, scope):
        function = index.functions.get(name)
    if function is None and flow.follows_imports():
        found = flow.definition(call.func, INIT_WORDS)
        if found is not None and isinstance(found[0], ast.FunctionDef):
            function, home_index = found[0], flow.flow_of_tree(found[1]).index  # type: ignore[attr-defined]
    if function is None or any(isinstance(arg, ast.Starred) for arg in call.args):
        return False
    params = function.args.posonlyargs + function.args.args
    if position >= len(params):
        return False
    inner = home_index.scope_of[function]
    reads = [event for event in inner.events.get(params[position].arg, ()) if not event.store]
    if not reads or any(event.opaque for event in reads):
        return False
    loops = [home_index.parents.get(event.node) for event in reads]
    return all(
        type(loop) is ast.For and loop.iter is event.node and _state_loop(home_index, loop, inner, method)
        for loop, event in zip(loops, reads)
    )


def _state_loop(index: Index, loop: ast.For, scope: Scope, method: str) -> bool:
    """``for m in ...modules():`` (``for name, m in ...named_modules():``) whose body reads or sets ``m``'s state
    alone: ``m.weight``, ``m.bias is not None``, ``isinstance(m, nn.Conv2d)``; never calls ``m`` or a method of it,
    nor hands it on."""
    target = loop.target
    if method.startswith("named_"):
        if not (type(target) is ast.Tuple and len(target.elts) == 2):
            return False
        target = target.elts[1]
    if type(target) is not ast.Name or loop.orelse or target.id in scope.escaped:
        return False
    events = scope.events.get(target.id, ())
    stores = [event for event in events if event.store]  # (in evaluation order, as the walk records them)
    own = next((event for event in stores if event.node is target), None)
    if any(event.node is not target and _within(index, event.node, loop) for event in stores):
        return False  # bound again inside the loop
    for event in events:
        if event.store:
            continue
        if event.opaque:
            return False
        if _within(index, event.node, loop):
            if not _state_read(index, event.node, scope):
                return False
        # After the loop, a read the loop's binding reaches holds its last layer: a use.  (Another loop binding the
        # same name in between is another binding.)
        elif [store for store in stores if store.order < event.order][-1:] == [own]:
            return False
    return True


def _state_read(index: Index, node: ast.AST, scope: Scope) -> bool:
    parent = index.parents.get(node)
    if type(parent) is ast.Attribute and parent.value is node:
        user = index.parents.get(parent)
        return not (type(user) is ast.Call and user.func is parent)  # ``m.eval()``: a method of the layer
    return (
        type(parent) is ast.Call and type(parent.func) is ast.Name and parent.func.id == "isinstance"
        and parent.args[:1] == [node] and not index.bound("isinstance", scope)
    )


def _within(index: Index, node: ast.AST, loop: ast.For) -> bool:
    """The node is in the loop's body (a read after the loop sees its last layer: a use)."""
    found = index.parents.get(node)
    while found is not None and not isinstance(found, FUNCTION_NODES):
        if found is loop:
            return True
        found = index.parents.get(found)
    return False
