"""A call of a class chosen by path: reported when every class it may build wastes the bias."""

import torch.nn as nn


class Renamed(nn.Module):
    def __init__(self, c, dimension=2):
        super().__init__()
        conv_nd, bn = (nn.Conv3d, nn.BatchNorm3d) if dimension == 3 else (nn.Conv2d, nn.BatchNorm2d)
        self.conv = conv_nd(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d or Conv3d bias is cancelled by the BatchNorm2d or BatchNorm3d that follows"
        self.bn = bn(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class RenamedByBranch(nn.Module):
    def __init__(self, c, dimension=2):
        super().__init__()
        if dimension == 3:
            conv_nd, bn = nn.Conv3d, nn.BatchNorm3d
        else:
            conv_nd, bn = nn.Conv2d, nn.BatchNorm2d
        self.conv = conv_nd(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d or Conv3d bias is cancelled by the BatchNorm2d or BatchNorm3d that follows"
        self.bn = bn(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class EitherNorm(nn.Module):
    def __init__(self, c, sync=False):
        super().__init__()
        norm_layer = nn.SyncBatchNorm if sync else nn.BatchNorm2d
        self.conv = nn.Conv2d(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d or SyncBatchNorm that follows"
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


EITHER = [EitherNorm(8), EitherNorm(8, sync=True)]  # the flag both ways: each class it may be


class NormOrLayerNorm(nn.Module):  # a flag its default decides: the bias is wasted where it holds
    def __init__(self, c, batch=True):
        super().__init__()
        norm_layer = nn.BatchNorm2d if batch else nn.LayerNorm
        self.conv = nn.Conv2d(c, c, 3, bias=not batch)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when batch is true: pass bias=not batch"
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


class NormOrIdentity(nn.Module):
    def __init__(self, c, batch=True):
        super().__init__()
        norm_layer = nn.Identity if not batch else nn.BatchNorm2d
        self.conv = nn.Conv2d(c, c, 3, bias=not batch)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when batch is true: pass bias=not batch"
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


class NormOrIdentitySwitched(nn.Module):  # the bias already off where the norm is built
    def __init__(self, c, batch=True):
        super().__init__()
        norm_layer = nn.BatchNorm2d if batch else nn.Identity
        self.conv = nn.Conv2d(c, c, 3, bias=not batch)
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


class NormOrIdentityBothWays(nn.Module):  # the module's calls pass the flag both ways: undecided, silent
    def __init__(self, c, batch=True):
        super().__init__()
        norm_layer = nn.BatchNorm2d if batch else nn.Identity
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


BOTH_WAYS = [NormOrIdentityBothWays(8), NormOrIdentityBothWays(8, batch=False)]


class ConvOrLinear(nn.Module):
    """A linear layer's bias is on the last axis: BatchNorm2d normalizes another one."""

    def __init__(self, c, spatial=True):
        super().__init__()
        layer, norm = (nn.Conv2d, nn.BatchNorm2d) if spatial else (nn.Linear, nn.BatchNorm2d)
        self.proj = layer(c, c)
        self.norm = norm(c)

    def forward(self, x):
        return self.norm(self.proj(x))


class Unpacked(nn.Module):
    def __init__(self, c, pairs):
        super().__init__()
        conv, bn = pairs
        self.conv = conv(c, c, 3)
        self.bn = bn(c)

    def forward(self, x):
        return self.bn(self.conv(x))
