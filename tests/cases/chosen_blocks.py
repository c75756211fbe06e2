"""A block class chosen by a conditional expression, then called once (timm's LowFormer: ``block_cls =
FusedMBConv if fused_conv and in_channels < 256 else MBConv``): each class is read on its own path, and a bias
one of them wastes is reported under the test that chooses it, with no fix (the call's switch serves the other
class too)."""

import torch.nn as nn


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k=3, use_bias=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=use_bias)
        self.norm = norm_layer(cout) if norm_layer is not None else None

    def forward(self, x):
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        return x


class MBConv(nn.Module):
    def __init__(self, c, use_bias=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.inverted = ConvLayer(c, c * 4, 1, use_bias=use_bias, norm_layer=None)
        self.point = ConvLayer(c * 4, c, 1, use_bias=False, norm_layer=norm_layer)

    def forward(self, x):
        return self.point(self.inverted(x))


class FusedMBConv(nn.Module):
    def __init__(self, c, use_bias=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.spatial = ConvLayer(c, c * 4, 3, use_bias=use_bias, norm_layer=norm_layer)
        self.point = ConvLayer(c * 4, c, 1, use_bias=False, norm_layer=norm_layer)

    def forward(self, x):
        return self.point(self.spatial(x))


class Chosen(nn.Module):
    def __init__(self, c, fused_conv=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        block_cls = FusedMBConv if fused_conv and c < 256 else MBConv
        self.local = block_cls(c, use_bias=True, norm_layer=norm_layer)  # expect: RB101:22 "Conv2d (inside FusedMBConv(), built at line 12) bias is cancelled by the BatchNorm2d that follows when fused_conv and c < 256"

    def forward(self, x):
        return x + self.local(x)


class ChosenTheOtherWay(nn.Module):
    def __init__(self, c, plain):
        super().__init__()
        block_cls = MBConv if plain else FusedMBConv
        self.local = block_cls(c, use_bias=True)  # expect: RB101:22 "Conv2d (inside FusedMBConv(), built at line 12) bias is cancelled by the BatchNorm2d that follows when plain is false"

    def forward(self, x):
        return x + self.local(x)


class NeitherWastes(nn.Module):  # both classes need the bias they are given: silent
    def __init__(self, c, wide=False):
        super().__init__()
        block_cls = MBConv if wide else ConvLayer
        self.local = block_cls(c, use_bias=True, norm_layer=None)

    def forward(self, x):
        return x + self.local(x)


def make_block(c, use_bias=False):
    return nn.Conv2d(c, c, 3, bias=use_bias)


class OneSideUnknown(nn.Module):  # a class and anything else: not a choice between two blocks, silent
    def __init__(self, c, fused_conv=False):
        super().__init__()
        block_cls = FusedMBConv if fused_conv else getattr(nn, "Identity")
        self.local = block_cls(c, use_bias=True)

    def forward(self, x):
        return x + self.local(x)


class ChosenByStatement(nn.Module):
    def __init__(self, c, fused):
        super().__init__()
        if fused:
            block_cls = FusedMBConv
        else:
            block_cls = MBConv
        self.local = block_cls(c, use_bias=True)  # expect: RB101:22 "Conv2d (inside FusedMBConv(), built at line 12) bias is cancelled by the BatchNorm2d that follows when fused is true"

    def forward(self, x):
        return x + self.local(x)


class ChosenDeeper(nn.Module):  # a class assigned under a further test: its path is not one test, silent
    def __init__(self, c, fused, small):
        super().__init__()
        block_cls = MBConv
        if fused:
            if small:
                block_cls = FusedMBConv
        self.local = block_cls(c, use_bias=True)

    def forward(self, x):
        return x + self.local(x)
