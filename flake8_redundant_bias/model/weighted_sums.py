"""Products with weights that sum to 1: what an attention does to its values.

``torch.matmul(F.softmax(scores, dim=-1), v)`` sums the rows of ``v`` with
weights that add up to 1, so a bias constant along those rows (one per
channel, on ``v``'s last axis) comes out unchanged; so does ``torch.bmm(v,
attention.permute(0, 2, 1))`` for a bias constant along ``v``'s last axis.
Weights count only where every value they may hold is such a softmax, read
right where it is taken: dropout on them (``self.attn_drop(attn)``) rescales a
row, and a mask or a division changes its sum.
"""

from __future__ import annotations

import ast

from ..knowledge.schema import AxisMove, Contraction, Softmax
from .flow.service import Flow
from .index import Index, Scope
from .layers import Layer, Layers
from .steps import Steps
from .values import CallArgs

# A product's weights transposed: their last two axes swapped, on any rank; or axes 1 and 2 of a 3-D tensor.
SWAPS = frozenset({(-1, -2), (-2, -1)})
SWAPS_3D = frozenset({(1, 2), (2, 1), (1, -1), (-1, 1), (0, 2, 1)})


class Averaging:
    """A product's step for the value it sums: ``over_last``, the value on the left, summed along its last axis
    (``v @ weights.T``); else the value on the right, summed along the axis before its last (``weights @ v``)."""

    __slots__ = ("over_last",)

    def __init__(self, over_last: bool) -> None:
        self.over_last = over_last


OVER_LAST, OVER_ROWS = Averaging(True), Averaging(False)


class WeightedSums:
    def __init__(self, index: Index, flow: Flow, layers: Layers, steps: Steps) -> None:
        self.index = index
        self.flow = flow
        self.layers = layers
        self.steps = steps

    def step(self, product: ast.Call | ast.BinOp, value: ast.AST | None, scope: Scope) -> Layer | None:
        """The product (``torch.matmul(w, v)``, ``torch.bmm(v, w)``, ``w @ v``) as a step of the value read as
        one of its operands: a weighted sum when the other operand's weights sum to 1 along the axis it sums."""
        operands = self._operands(product, scope)
        if operands is None or value is None:
            return None
        (left, right), batched = operands
        if value is right and self._sum_to_one(left, scope, batched):
            spec = OVER_ROWS
        elif value is left and self._sum_to_one(right, scope, batched, transposed=True):
            spec = OVER_LAST
        else:
            return None
        layer = Layer("weighted sum", spec, product, CallArgs([], {}))  # type: ignore[arg-type]
        layer.site = self.index.module.node
        return layer

    def contracts(self, call: ast.Call) -> bool:
        """The call is a matrix product (``torch.matmul``, ``torch.bmm``)."""
        return isinstance(self.layers.row(call.func)[1], Contraction)

    def _operands(self, product: ast.Call | ast.BinOp, scope: Scope) -> tuple[tuple[ast.expr, ast.expr], bool] | None:
        if isinstance(product, ast.BinOp):
            return (product.left, product.right), False
        spec = self.layers.row(product.func)[1]
        if not isinstance(spec, Contraction) or product.keywords or len(product.args) != 2:
            return None
        left, right = product.args
        return (left, right), spec.batched

    def _sum_to_one(self, expr: ast.expr, scope: Scope, batched: bool, transposed: bool = False) -> bool:
        """Every value ``expr`` may hold sums to 1 along its last axis (``transposed``: along the axis before it)."""
        origins = self.flow.origins(expr, scope, self.layers.environment(expr))
        return bool(origins) and all(
            type(origin.expr) is ast.Call and self._weights(origin.expr, origin.scope, batched, transposed)
            for origin in origins  # type: ignore[union-attr]
        )

    def _weights(self, call: ast.Call, scope: Scope, batched: bool, transposed: bool) -> bool:
        func = call.func
        if transposed:
            if not self._tensor_method(func, scope, AxisMove) or call.keywords:
                return False
            moved = tuple(self.flow.literal(arg) for arg in self.flow.call_args(call, scope).positional)
            # (a permute of three axes holds a 3-D tensor)
            if not (moved in SWAPS or moved == (0, 2, 1) or batched and moved in SWAPS_3D):
                return False
            return self._sum_to_one(func.value, scope, batched)  # type: ignore[attr-defined]
        spec, args = self._softmax(call, scope)
        if spec is None or args is None:
            return False
        dim = self.flow.literal(args.get(spec.dim))
        return type(dim) is int and (dim == -1 or batched and dim == 2)

    def _softmax(self, call: ast.Call, scope: Scope) -> tuple[Softmax | None, CallArgs | None]:
        """The softmax a call takes, and its arguments: a function (``F.softmax``), a tensor's method
        (``scores.softmax(-1)``), or a module the class holds (``self.softmax = nn.Softmax(dim=-1)``)."""
        name, spec = self.layers.row(call.func)
        if name is not None:
            return (spec, self.flow.call_args(call, scope)) if isinstance(spec, Softmax) and spec.functional else (None, None)
        func = call.func
        if self._tensor_method(func, scope, Softmax):
            return self.steps.methods[func.attr], self.flow.call_args(call, scope)  # type: ignore[attr-defined,return-value]
        applied = self.steps.application(call, scope)
        if applied is not None and isinstance(applied.spec, Softmax) and not applied.spec.functional:
            return applied.spec, applied.args
        return None, None

    def _tensor_method(self, func: ast.expr, scope: Scope, kind: type) -> bool:
        """``scores.softmax(-1)``, ``attention.permute(0, 2, 1)``: a method of that kind, of a value no class holds
        as itself (``self.softmax(x)`` applies a module)."""
        return (type(func) is ast.Attribute and isinstance(self.steps.methods.get(func.attr), kind)
                and self.flow.method_owner(func.value, scope) is None)  # type: ignore[attr-defined]
