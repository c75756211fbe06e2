"""A layer attribute built one way or another by branch and applied once (timm's CPUBone pads an even kernel with a
``ZeroPad2d`` before its conv, and not an odd one): whichever side is built is what ``forward`` applies, so each
side's conv is read where it is built, and reported when a norm cancels its bias."""

import torch
import torch.nn as nn


def same_padding(k):
    return k // 2 if k % 2 else -1


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k=3, use_bias=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        padding = same_padding(k)
        if padding == -1:
            self.conv = nn.Sequential(nn.ZeroPad2d((1, 0, 1, 0)), nn.Conv2d(cin, cout, k, bias=use_bias))
        else:
            self.conv = nn.Conv2d(cin, cout, k, padding=padding, bias=use_bias)
        self.norm = norm_layer(cout) if norm_layer is not None else None

    def forward(self, x):
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        return x


class Pair(nn.Module):
    def __init__(self, c, use_bias=(False, False), norm_layer=(nn.BatchNorm2d, nn.BatchNorm2d)):
        super().__init__()
        self.spatial = ConvLayer(c, c, 2, use_bias=use_bias[0], norm_layer=norm_layer[0])
        self.point = ConvLayer(c, c, 1, use_bias=use_bias[1], norm_layer=norm_layer[1])

    def forward(self, x):
        return self.point(self.spatial(x))


class Stage(nn.Module):
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        # one finding for each side's conv, both fixed by the one edit
        self.fused = Pair(c, use_bias=(True, False), norm_layer=(norm_layer, norm_layer))  # expect: RB101:22 "Conv2d (inside Pair(), built at line 18) bias is cancelled by the BatchNorm2d that follows: make use_bias[0] False in this call of Pair()"  # expect: RB101:22 "Conv2d (inside Pair(), built at line 20) bias is cancelled by the BatchNorm2d that follows: make use_bias[0] False in this call of Pair()"
        self.plain = Pair(c, use_bias=(True, False), norm_layer=(None, norm_layer))

    def forward(self, x):
        return self.plain(self.fused(x))


class Chosen(nn.Module):
    def __init__(self, c, pad):
        super().__init__()
        self.conv = nn.Sequential(nn.ZeroPad2d(1), nn.Conv2d(c, c, 3)) if pad else nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:52 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"  # expect: RB101:84 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class OneSideOff(nn.Module):
    def __init__(self, c, pad):
        super().__init__()
        if pad:
            self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        else:
            self.conv = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:25 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class ActivatedSide(nn.Module):
    """One side ends in a ReLU: only the other is cancelled."""

    def __init__(self, c, pad):
        super().__init__()
        if pad:
            self.conv = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:25 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        else:
            self.conv = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.ReLU())
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class AppliedTwice(nn.Module):
    """The attribute is applied twice, once to a value no norm reads."""

    def __init__(self, c, pad):
        super().__init__()
        if pad:
            self.conv = nn.Conv2d(c, c, 3, padding=1)
        else:
            self.conv = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x)) + self.conv(x)


class TwoIfs(nn.Module):
    """Two tests, not the two sides of one: the attribute may be set twice."""

    def __init__(self, c, pad, wide):
        super().__init__()
        if pad:
            self.conv = nn.Conv2d(c, c, 3, padding=1)
        if wide:
            self.conv = nn.Conv2d(c, 2 * c, 1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class DownsamplerBlock(nn.Module):
    """EDANet's (and ERFNet's kin): the conv built by branch and applied once in each branch of the same test, a
    BatchNorm after the two."""

    def __init__(self, ninput, noutput):
        super().__init__()
        self.ninput = ninput
        self.noutput = noutput
        if self.ninput < self.noutput:
            self.conv = nn.Conv2d(ninput, noutput - ninput, kernel_size=3, stride=2, padding=1)  # expect: RB101:25 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (applied in 2 branches, a norm after each)"
            self.pool = nn.MaxPool2d(2, stride=2)
        else:
            self.conv = nn.Conv2d(ninput, noutput, kernel_size=3, stride=2, padding=1)  # expect: RB101:25 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (applied in 2 branches, a norm after each)"
        self.bn = nn.BatchNorm2d(noutput)

    def forward(self, x):
        if self.ninput < self.noutput:
            output = torch.cat([self.conv(x), self.pool(x)], 1)
        else:
            output = self.conv(x)
        return self.bn(output)


class ReturnedOnOneSide(nn.Module):
    """Applied twice, once returned as it is: the bias lives on that path."""

    def __init__(self, c, fused=False):
        super().__init__()
        self.fused = fused
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        if self.fused:
            return self.conv(x)
        return self.bn(self.conv(x))


class AppliedTwiceOnOnePath(nn.Module):
    """Applied twice in one call: two outputs, not one."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x)) + self.conv(x)
