"""Switches and norms handed down in tuples, one place per layer (timm's CPUBone: ``FusedMBConv(...,
use_bias=(True, False), norm_layer=(norm_layer, norm_layer))``, read as ``use_bias[0]`` and ``norm_layer[0]``), and
a block inside a block whose norm its ``__init__`` builds only when given one (``norm_layer(c) if norm_layer is not
None else None``, applied under ``if self.norm is not None:``): read for each call of the outer block."""

import torch.nn as nn


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, use_bias=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=use_bias)
        self.norm = norm_layer(cout) if norm_layer is not None else None

    def forward(self, x):
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        return x


class FusedPair(nn.Module):
    """Each place of its tuples switches one layer."""

    def __init__(self, cin, cout, use_bias=(False, False), norm_layer=(nn.BatchNorm2d, nn.BatchNorm2d)):
        super().__init__()
        self.spatial = ConvLayer(cin, cout, use_bias=use_bias[0], norm_layer=norm_layer[0])
        self.point = ConvLayer(cout, cout, use_bias=use_bias[1], norm_layer=norm_layer[1])

    def forward(self, x):
        return self.point(self.spatial(x))


class SharedPair(nn.Module):
    """One switch for both layers."""

    def __init__(self, cin, cout, use_bias=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.spatial = ConvLayer(cin, cout, use_bias=use_bias, norm_layer=norm_layer)
        self.point = ConvLayer(cout, cout, use_bias=use_bias, norm_layer=norm_layer)

    def forward(self, x):
        return self.point(self.spatial(x))


class Stage(nn.Module):
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.fused = FusedPair(c, c, use_bias=(False, False), norm_layer=(norm_layer, norm_layer))  # expect: RB101:22 "Conv2d (inside FusedPair(), built at line 12) bias is cancelled by the BatchNorm2d that follows: make use_bias[0] False in this call of FusedPair() (BatchNorm2d from the default of norm_layer in Stage())"
        self.unnormed = FusedPair(c, c, use_bias=(True, False), norm_layer=(None, norm_layer))
        self.second = FusedPair(c, c, use_bias=(False, True), norm_layer=(norm_layer, None))
        self.layered = FusedPair(c, c, use_bias=(True, True), norm_layer=(nn.LayerNorm, None))
        self.shared = SharedPair(c, c, use_bias=True, norm_layer=norm_layer)  # expect: RB101:23 "Conv2d (inside SharedPair(), built at line 12) bias is cancelled by the BatchNorm2d that follows: SharedPair()'s use_bias parameter also switches its other layers: give this one a switch of its own"
        self.plain = SharedPair(c, c, use_bias=True, norm_layer=None)

    def forward(self, x):
        return self.plain(self.shared(self.layered(self.second(self.unnormed(self.fused(x))))))


def fused(use_bias=(True, False)):
    return nn.Sequential(nn.Conv2d(3, 8, 3, bias=use_bias[0]), nn.BatchNorm2d(8))  # expect: RB101:26 "Conv2d bias is cancelled by the BatchNorm2d that follows"


def listed(use_bias=[True, False]):
    return nn.Sequential(nn.Conv2d(3, 8, 3, bias=use_bias[0]), nn.BatchNorm2d(8))  # a list may change in place


def unpacked(use_bias=(True, False)):
    return nn.Sequential(nn.Conv2d(3, 8, 3, bias=use_bias[1]), nn.BatchNorm2d(8))
