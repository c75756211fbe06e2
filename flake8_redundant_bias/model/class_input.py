"""What a module class does to its input first, and what makes its output: the attributes its ``forward`` applies.

``return self.act(self.bn(x))`` applies ``bn`` and then ``act`` to ``x``; yolov7's ``Conv`` (``return
self.act(self.bn(self.conv(x)))``) applies ``conv``, ``bn``, ``act``, and so does Inception's ``BasicConv2d``
written as statements (``x = self.conv(x); x = self.bn(x); x = self.relu(x); return x``).  A class whose input
meets a norm first cancels any bias per channel that comes in, and so does one whose input meets a bias-free 1x1
convolution and then a norm: what comes in is the class's to the rule, a norm (with the convolution it passes on
the way); so does one whose input goes to several layers, each of them a norm or a 1x1 block with its own (a CSP
block's ``torch.cat((self.main(x), self.short(x)), 1)``).
From the output in, ``return self.drop(self.fc2(x))`` applies ``fc2`` and then ``drop``: a class whose output is
one producer's, past steps that keep its bias, or past a residual sum with a variable (``return self.conv(y) +
x``), is that producer to what follows it.
"""

from __future__ import annotations

import ast

from .flow.service import Flow
from .flow.uses import asks_shape
from .index import Event, Index, Scope, method_named
from .values import Env, is_literal

DEPTH = 8  # nested applications followed from the return
READERS = 4  # the attributes an input read in several places is given to


def class_steps(flow: Flow, index: Index, owner: ast.ClassDef) -> tuple[list[tuple[str, bool]], list[str], list[str]]:
    """The attributes of ``self`` whose applications ``forward`` returns, from the output in (``return
    self.drop(self.fc2(x))``: drop, fc2), each with whether it is applied only under an ``if`` (``if self.norm is
    not None: x = self.norm(x)``); those it applies to its input, from the input out; and, where the input is read
    in several places, each given to an attribute alone (``self.conv1(x)``, ``self.conv2(x)``), those attributes."""
    forward = method_named(owner, "forward")
    scope = index.scope_of.get(forward) if forward is not None else None
    params = forward.args.posonlyargs + forward.args.args if forward is not None else []
    if forward is None or scope is None:
        return [], [], []
    given = params[1] if len(params) > 1 else None
    calls, read, optional = _returned_applications(flow, forward, scope, given)
    outputs = [(call.func.attr, call in optional) for call in calls]  # type: ignore[attr-defined]
    if given is not None and read is None and not _bound_again(scope, given):
        applied = _applications(flow, index, owner, scope, scope.events.get(given.arg, []))
        return outputs, applied if len(applied) == 1 else [], applied if len(applied) > 1 else []
    if read is None or given is None:
        return outputs, [], []
    # The input's other reads: its name's, or, where the name is bound again (``x = self.conv(x); x = self.bn(x)``),
    # those the parameter's own binding reaches.
    events = flow.uses(given) if _bound_again(scope, given) else scope.events.get(given.arg, [])
    return outputs, _input_attributes(flow, index, owner, scope, read, calls, events or []), []


def none_for_call(flow: Flow, owner: ast.ClassDef, init: ast.FunctionDef, name: str, env: Env) -> bool:
    """``self.<name>`` is None for one call of the class: every store of it is in ``__init__``, and each that runs
    for the call (``init_env``) stores None (NeMo's ``ConvNorm(c, c)``: ``self.norm = None`` unless given a norm)."""
    stores = flow.attribute_values(owner, name)
    live = [value for value, scope in stores if value is not None and flow.runs(value, scope, env) is not False]
    return bool(live) and all(scope.node is init for _, scope in stores) and all(
        is_literal(value, None) for value in live)


def _returned_applications(
    flow: Flow, forward: ast.FunctionDef, scope: Scope, given: ast.arg | None,
) -> tuple[list[ast.Call], ast.Name | None, set[ast.Call]]:
    """``return self.act(self.bn(x))``, directly or through variables (``x = self.bn(x); return x``): the
    applications of the class's attributes, outermost first, followed while each is given one value alone; the
    read of the input ``given`` they end at, if they do; and those applied only under an ``if`` of their own."""
    expr = flow.sole_return(forward)
    found: list[ast.Call] = []
    optional: set[ast.Call] = set()
    skipped: ast.Name | None = None  # the read an optional step's input also reaches, where the step does not run
    for _ in range(DEPTH):
        if isinstance(expr, ast.Name):
            if given is not None and expr.id == given.arg and _reads_input(flow, expr, scope, given):
                return found, expr, optional
            origin = flow.sole_origin(expr, scope)
            step = _optional_step(flow, expr, scope) if origin is None and skipped is None else None
            if step is not None:  # ``if self.norm is not None: x = self.norm(x)``, then ``return x``
                found.append(step)
                optional.add(step)
                expr, skipped = step.args[0], expr
                continue
            if origin is None or not _read_once(flow, expr, scope, skipped):
                break
            expr, skipped = origin.expr, None
        elif _applies_an_attribute(flow, expr, scope):
            found.append(expr)  # type: ignore[arg-type]
            if len(expr.args) != 1 or isinstance(expr.args[0], ast.Starred):  # type: ignore[attr-defined]
                break
            expr = expr.args[0]  # type: ignore[attr-defined]
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub)) and not found:
            # ``return self.conv1(self.relu(self.bn1(x))) + x``, or as statements ``out = self.conv1(out)``, then
            # ``out += residual``: a residual sum, one side the class's layers applied and the other a variable,
            # carries the bias on as a constant per channel (the variable cannot hold that output: it is bound to
            # no name, or to one the sum alone reads, and a layer applied twice is no one layer's)
            sides = [side for side in (expr.left, expr.right) if _applies_an_attribute(flow, side, scope)
                     or isinstance(side, ast.Name) and _applies_an_attribute(flow, _origin_of(flow, side, scope), scope)]
            if len(sides) != 1 or not isinstance(expr.left if sides[0] is expr.right else expr.right, ast.Name):
                break
            expr = sides[0]
        else:
            break
    return found, None, optional


def _origin_of(flow: Flow, name: ast.Name, scope: Scope) -> ast.expr | None:
    origin = flow.sole_origin(name, scope)
    return origin.expr if origin is not None else None


def _applies_an_attribute(flow: Flow, expr: ast.expr | None, scope: Scope) -> bool:
    """``self.<attr>(...)``: a call of something the class holds."""
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and flow.method_owner(
        expr.func.value, scope) is not None


def _optional_step(flow: Flow, name: ast.Name, scope: Scope) -> ast.Call | None:
    """The two bindings reaching a read are one before an ``if`` with no ``else`` and the ``if``'s one statement,
    ``x = self.<attr>(x)``, given that value alone and read nowhere else: that application, which may not run."""
    found = flow.reaching(name, scope)
    if found is None or len(found[1]) != 2:
        return None
    parents = flow.index.parents
    inner = [event for event in found[1] if isinstance(parents.get(parents.get(event.node)), ast.If)]
    if len(inner) != 1:
        return None
    assign = parents.get(inner[0].node)
    branch, call = parents.get(assign), getattr(assign, "value", None)
    if not (isinstance(assign, ast.Assign) and branch.body == [assign] and not branch.orelse  # type: ignore[union-attr]
            and isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and not call.keywords
            and len(call.args) == 1 and isinstance(call.args[0], ast.Name) and call.args[0].id == name.id
            and flow.method_owner(call.func.value, scope) is not None):
        return None
    reads = flow.uses(inner[0].node)
    return call if reads is not None and [event.node for event in reads] == [name] else None


def _read_once(flow: Flow, name: ast.Name, scope: Scope, also: ast.Name | None = None) -> bool:
    """The one binding that reaches the read reaches no other read (``also``: but the one an optional step's
    skipping leaves it to): the value goes on nowhere else (a copy kept aside, ``self.cache = x``, keeps what the
    next step takes away)."""
    found = flow.reaching(name, scope)
    if found is None or len(found[1]) != 1:
        return False
    reads = flow.uses(found[1][0].node)
    return reads is not None and [event.node for event in reads if event.node is not also] == [name]


def _bound_again(scope: Scope, given: ast.arg) -> bool:
    return sum(event.store for event in scope.events.get(given.arg, [])) != 1


def _reads_input(flow: Flow, name: ast.Name, scope: Scope, given: ast.arg) -> bool:
    """The read can only see the parameter's own value: the name is bound once, or only that binding reaches it."""
    if not _bound_again(scope, given):
        return True
    found = flow.reaching(name, scope)
    return found is not None and found[0] is scope and [event.node for event in found[1]] == [given]


def _input_attributes(
    flow: Flow, index: Index, owner: ast.ClassDef, scope: Scope, read: ast.Name, calls: list[ast.Call],
    events: list[Event],
) -> list[str]:
    """The attributes of ``self`` the returned applications apply to the input, first to last, when each is of
    this class, given the input's value alone (any keyword a constant), and the input's ``events`` are its
    binding, ``read`` and reads of its shape; else []."""
    for call in calls:
        if not all(isinstance(keyword.value, ast.Constant) for keyword in call.keywords):
            return []
        if flow.method_owner(call.func.value, scope) is not owner:  # type: ignore[attr-defined]
            return []
    if not calls or not all(_shape_only(index, event, read) for event in events):
        return []
    return [call.func.attr for call in reversed(calls)]  # type: ignore[attr-defined]


def _applications(flow: Flow, index: Index, owner: ast.ClassDef, scope: Scope, events: list[Event]) -> list[str]:
    """The attributes of ``self`` the reads of the input are each given to alone, in the order of the code, whatever
    ``forward`` does with what they return (BigGAN's conditional norm: ``out = self.bn(x)``, then ``out * gain +
    bias`` on one path, the output as it is on the other; SPADE's ``self.param_free_norm(x)``; a CSP block's
    ``torch.cat((self.conv1(x), self.conv2(x)), 1)``), reads of its shape aside; [] where a read is anything else."""
    applied: dict[str, None] = {}
    for event in events:
        if event.store or not event.opaque and asks_shape(index, event.node):
            continue
        call = index.parents.get(event.node)
        if event.opaque or type(call) is not ast.Call or call.args != [event.node] or call.keywords:  # type: ignore[union-attr]
            return []
        func = call.func  # type: ignore[union-attr]
        if type(func) is not ast.Attribute or flow.method_owner(func.value, scope) is not owner:
            return []
        applied[func.attr] = None
    return list(applied) if len(applied) <= READERS else []


def _shape_only(index: Index, event: Event, read: ast.Name) -> bool:
    """An event of the input that adds nothing to the output: its binding, the read the chain applies, or a read
    of its shape (``B, C, H, W = x.shape``)."""
    if event.store or event.node is read:
        return True
    return not event.opaque and asks_shape(index, event.node)
