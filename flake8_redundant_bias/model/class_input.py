"""What a module class does to its input first, and what makes its output: the attributes its ``forward`` applies.

``return self.act(self.bn(x))`` applies ``bn`` and then ``act`` to ``x``; yolov7's ``Conv`` (``return
self.act(self.bn(self.conv(x)))``) applies ``conv``, ``bn``, ``act``.  A class whose input meets a norm first
cancels any bias per channel that comes in, and so does one whose input meets a bias-free 1x1 convolution and
then a norm: what comes in is the class's to the rule, a norm (with the convolution it passes on the way).
From the output in, ``return self.drop(self.fc2(x))`` applies ``fc2`` and then ``drop``: a class whose output is
one producer's, past steps that keep its bias, is that producer to what follows it.
"""

from __future__ import annotations

import ast

from .flow.service import Flow
from .index import Event, Index, Scope, method_named

DEPTH = 8  # nested applications followed from the return
SHAPE = frozenset({"shape", "size", "dim", "ndim", "dtype", "device"})  # what a read of the input may ask


def class_steps(flow: Flow, index: Index, owner: ast.ClassDef) -> tuple[list[str], list[str]]:
    """The attributes of ``self`` whose applications ``forward`` returns, from the output in (``return
    self.drop(self.fc2(x))``: drop, fc2), and those it applies to its input, from the input out."""
    forward = method_named(owner, "forward")
    scope = index.scope_of.get(forward) if forward is not None else None
    if forward is None or scope is None:
        return [], []
    return _output_attributes(flow, forward, scope), input_attributes(flow, index, owner)


def _output_attributes(flow: Flow, forward: ast.FunctionDef, scope: Scope) -> list[str]:
    """``return self.conv(...)``, directly or through variables each bound once, and the applications inside it
    while each is given one value alone: the attributes, outermost first."""
    expr = flow.sole_return(forward)
    found: list[str] = []
    for _ in range(DEPTH):
        if isinstance(expr, ast.Name):
            origin = flow.sole_origin(expr, scope)
            if origin is None:
                break
            expr = origin.expr
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and flow.method_owner(expr.func.value, scope):
            found.append(expr.func.attr)
            if len(expr.args) != 1 or isinstance(expr.args[0], ast.Starred):
                break
            expr = expr.args[0]
        else:
            break
    return found


def input_attributes(flow: Flow, index: Index, owner: ast.ClassDef) -> list[str]:
    """The attributes of ``self`` that ``forward`` applies to its input, first to last, when it returns their
    nested applications (directly, or through variables each bound once) to its input, each given that alone,
    and reads its input nowhere else but for its shape; else []."""
    forward = method_named(owner, "forward")
    scope = index.scope_of.get(forward) if forward is not None else None
    params = forward.args.posonlyargs + forward.args.args if forward is not None else []
    if scope is None or len(params) < 2:
        return []
    given = params[1].arg
    events = scope.events.get(given, [])
    if sum(event.store for event in events) != 1:
        return []  # re-bound: what reaches the output is not the input itself
    expr = flow.sole_return(forward)  # type: ignore[arg-type]
    found: list[str] = []
    for _ in range(DEPTH):
        if isinstance(expr, ast.Name):
            if expr.id == given:
                return found[::-1] if all(_shape_only(index, event, expr) for event in events) else []
            origin = flow.sole_origin(expr, scope)
            if origin is None:
                return []
            expr = origin.expr
        elif (
            isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and len(expr.args) == 1
            and all(isinstance(keyword.value, ast.Constant) for keyword in expr.keywords)
            and flow.method_owner(expr.func.value, scope) is owner
        ):
            found.append(expr.func.attr)
            expr = expr.args[0]
        else:
            return []
    return []


def _shape_only(index: Index, event: Event, read: ast.Name) -> bool:
    """An event of the input that adds nothing to the output: its binding, the read the chain applies, or a read
    of its shape (``B, C, H, W = x.shape``)."""
    if event.store or event.node is read:
        return True
    parent = index.parents.get(event.node)
    return isinstance(parent, ast.Attribute) and parent.attr in SHAPE and not event.opaque
