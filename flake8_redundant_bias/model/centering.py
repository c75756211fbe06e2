"""A norm a project writes by hand: a module class whose ``forward`` reads its input only to subtract the input's
mean over axes that are not the channels' (``x = x - torch.mean(x, (2, 3), True)``, the instance norm that
face-swapping and style-transfer code copies), and to take a variance or standard deviation over such axes.  Each
of those is blind to a constant added per channel, so the class cancels any bias per channel that comes in, as an
instance norm does; anything else it does with its input (keeping it, adding it back) and it is no norm.
"""

from __future__ import annotations

import ast
from typing import Mapping

from ..knowledge.schema import Norm, Spec
from .flow.service import Flow
from .index import Index, method_named
from .values import is_literal

INSTANCE_NORM = "torch.nn.InstanceNorm2d"  # its row: a norm of each channel over the axes after it
REDUCTIONS = {"torch.mean": "mean", "torch.var": "var", "torch.std": "std"}
METHODS = frozenset(REDUCTIONS.values())


def centering_norm(index: Index, flow: Flow, rows: Mapping[str, Spec], owner: ast.ClassDef) -> tuple[str, Norm] | None:
    """The class's name and the row it computes as, when it is such a norm (``index``, ``flow``: its module's)."""
    forward = method_named(owner, "forward")
    if forward is None or len(owner.bases) != 1 or index.imports.resolve(owner.bases[0]) != "torch.nn.Module":
        return None
    params = forward.args.posonlyargs + forward.args.args
    reads = flow.uses(params[1]) if len(params) > 1 and not forward.args.vararg else None
    if not reads:
        return None
    centered = False
    for event in reads:
        read = event.node
        parent = index.parents.get(read)
        if type(parent) is ast.BinOp and type(parent.op) is ast.Sub and parent.left is read:
            if _reduction(index, parent.right, read.id) != "mean":  # type: ignore[attr-defined]
                return None
            centered = True
        elif not _reduced(index, read):
            return None
    spec = rows.get(INSTANCE_NORM)
    return (owner.name, spec) if centered and isinstance(spec, Norm) else None


def _reduced(index: Index, read: ast.Name) -> bool:
    """The read is what a mean, variance or standard deviation over the axes after the channels reduces; a mean only
    where it is subtracted from the input itself (``x - x.mean((2, 3), keepdim=True)``)."""
    call = index.parents.get(read)
    if type(call) is ast.Attribute:  # x.mean(...)
        call = index.called_by(call)
    kind = _reduction(index, call, read.id) if type(call) is ast.Call else None
    if kind is None:
        return False
    if kind != "mean":
        return True
    difference = index.parents.get(call)  # type: ignore[arg-type]
    return type(difference) is ast.BinOp and type(difference.op) is ast.Sub and difference.right is call and (
        type(difference.left) is ast.Name and difference.left.id == read.id
    )


def _reduction(index: Index, expr: ast.expr, name: str) -> str | None:
    """``torch.mean(x, dims, True)``, ``x.mean(dims, keepdim=True)`` (or ``var``/``std``, whatever they keep) over
    axes that are all after the channels' (2 and up, written as numbers): which of the three, for ``x`` named ``name``."""
    if type(expr) is not ast.Call:
        return None
    func, args = expr.func, list(expr.args)
    if type(func) is ast.Attribute and type(func.value) is ast.Name and func.value.id == name and func.attr in METHODS:
        kind = func.attr
    else:
        kind = REDUCTIONS.get(index.imports.resolve(func) or "")
        if kind is None or not args or type(args[0]) is not ast.Name or args[0].id != name:
            return None
        args = args[1:]
    keywords = {keyword.arg: keyword.value for keyword in expr.keywords}
    dims = args[0] if args else keywords.get("dim")
    if not _later_axes(dims):
        return None
    if kind == "mean":  # kept, to be subtracted from every position it was taken over
        keep = args[1] if len(args) > 1 else keywords.get("keepdim")
        if not is_literal(keep, True):
            return None
    return kind


def _later_axes(dims: ast.expr | None) -> bool:
    """Axes written as numbers, all of them 2 or more: none of them the batch's or the channels'."""
    items = dims.elts if type(dims) in (ast.Tuple, ast.List) else [dims] if dims is not None else []  # type: ignore[union-attr]
    return bool(items) and all(
        type(item) is ast.Constant and type(item.value) is int and item.value >= 2 for item in items
    )
