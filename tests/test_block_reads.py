"""The reads of blocks inside one outer read: a read whose binding gives every name an earlier read of the same
block, as deep, looked up the same value finds nothing new, and is skipped; any other is made."""

from __future__ import annotations

import ast

from test_flow import model_of

from flake8_redundant_bias.model.block_reads import Reads
from flake8_redundant_bias.model.values import UNRECORDED, Bound, Env

SOURCE = """\
from torch import nn


def block(cin, cout, norm_layer, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, bias=True), norm_layer(cout))


batch = nn.BatchNorm2d
instance = nn.InstanceNorm2d
again = nn.BatchNorm2d
first = 1
second = 2
"""


def test_a_read_is_skipped_only_where_every_name_an_earlier_one_looked_up_holds_the_same() -> None:
    with model_of(SOURCE) as model:
        module, flow = model.index.module, model.flow
        function = model.index.functions["block"]
        values = {target.id: node.value for node in model.tree.body if isinstance(node, ast.Assign)
                  for target in node.targets if isinstance(target, ast.Name)}

        def binding(**given: ast.expr) -> Env:
            return Env({name: Bound(expr, None, module) for name, expr in given.items()})

        reads = Reads()
        first = binding(cin=ast.Constant(3), cout=ast.Constant(8), norm_layer=values["batch"])
        assert not reads.again(flow, function, 1, first)
        first.lookup("norm_layer")  # what the read looked up decides what it finds
        UNRECORDED.append(True)
        first.lookup("cout")  # the wasted parameters a message counts decide nothing that is found
        UNRECORDED.pop()
        assert first.looked == {"norm_layer"}
        # nn.BatchNorm2d written elsewhere is the same class; the channels were never looked up
        assert reads.again(flow, function, 1, binding(cin=ast.Constant(8), cout=ast.Constant(16), norm_layer=values["again"]))
        other_norm = binding(cin=ast.Constant(3), cout=ast.Constant(8), norm_layer=values["instance"])
        assert not reads.again(flow, function, 1, other_norm)
        assert not reads.again(flow, function, 2, binding(norm_layer=values["batch"]))  # another depth: read anew
        other_norm.lookup("norm_layer")
        other_norm.lookup("stride")
        with_stride = binding(norm_layer=values["instance"], stride=values["first"])
        assert not reads.again(flow, function, 1, with_stride)  # stride absent before, 1 now
        with_stride.lookup("norm_layer")
        with_stride.lookup("stride")
        assert reads.again(flow, function, 1, binding(norm_layer=values["instance"], stride=ast.Constant(1)))
        assert not reads.again(flow, function, 1, binding(norm_layer=values["instance"], stride=values["second"]))
