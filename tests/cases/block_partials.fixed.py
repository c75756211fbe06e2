"""Blocks given their norm, not their switch: a call handing a norm class to a block whose bias is on by default,
and a ``partial`` of a block that presets the norm (timm's rexnet: ``SEWithNorm = partial(SEModule,
norm_layer=nn.BatchNorm2d)``)."""
from functools import partial

from torch import nn


class SE(nn.Module):
    # timm's SEModule (fc2 keeps its own bias here): no norm unless the caller hands one; the bias on by default.
    def __init__(self, channels, rd_channels, bias=True, norm_layer=None):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, rd_channels, kernel_size=1, bias=bias)
        self.bn = norm_layer(rd_channels) if norm_layer else nn.Identity()
        self.act = nn.ReLU()
        self.fc2 = nn.Conv2d(rd_channels, channels, kernel_size=1)

    def forward(self, x):
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.act(self.bn(self.fc1(x_se)))
        return x * self.fc2(x_se).sigmoid()


class PreNorm(nn.Module):
    # The norm before the conv: nothing the conv's bias reaches.
    def __init__(self, channels, bias=True, norm_layer=None):
        super().__init__()
        self.norm = norm_layer(channels) if norm_layer else nn.Identity()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1, bias=bias)

    def forward(self, x):
        return self.conv(self.norm(x))


SEWithNorm = partial(SE, norm_layer=nn.BatchNorm2d)
SEOf64 = partial(SE, 64, norm_layer=nn.BatchNorm2d)
SEBiasFree = partial(SE, norm_layer=nn.BatchNorm2d, bias=False)
SEPlain = partial(SE, bias=True)
PreNormed = partial(PreNorm, norm_layer=nn.BatchNorm2d)
Rebound = partial(SE, norm_layer=nn.BatchNorm2d)
Rebound = SE


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.se = SEWithNorm(64, 16, bias=False)  # expect: RB101:19 "Conv2d (inside SE()) bias is cancelled by the BatchNorm2d that follows"
        self.keyworded = SEWithNorm(64, rd_channels=16, bias=False)  # expect: RB101:26 "Conv2d (inside SE()) bias is cancelled by the BatchNorm2d that follows"
        self.direct = SE(64, 16, norm_layer=nn.BatchNorm2d, bias=False)  # expect: RB101:23 "Conv2d (inside SE()) bias is cancelled by the BatchNorm2d that follows"
        self.placed = SEOf64(16, bias=False)  # expect: RB101:23 "Conv2d (inside SE()) bias is cancelled by the BatchNorm2d that follows"
        self.switched_off = SEWithNorm(64, 16, bias=False)
        self.preset_off = SEBiasFree(64, 16)
        self.no_norm = SE(64, 16)
        self.plain = SEPlain(64, 16)
        self.pre = PreNormed(64)
        self.rebound = Rebound(64, 16)
