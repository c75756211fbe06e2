"""A block used only through a ``partial`` that presets its norm (timm's rexnet), by a class that spells no norm
itself: the name bound to the partial stands for the block, and the block is read at the partial's calls."""
from functools import partial

from torch import nn


class SE(nn.Module):
    def __init__(self, channels, rd_channels=8, bias=True, norm_layer=None):
        super().__init__()
        self.fc1 = nn.Conv2d(channels, rd_channels, kernel_size=1, bias=bias)
        self.bn = norm_layer(rd_channels) if norm_layer else nn.Identity()
        self.fc2 = nn.Conv2d(rd_channels, channels, kernel_size=1)

    def forward(self, x):
        return x * self.fc2(self.bn(self.fc1(x.mean((2, 3), keepdim=True)))).sigmoid()


SEWithNorm = partial(SE, norm_layer=nn.BatchNorm2d)
SEWithLayerNorm = partial(SE, norm_layer=nn.LayerNorm)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.se = SEWithNorm(c, bias=False)  # expect: RB101:19 "Conv2d (inside SE()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to SE() (8 wasted parameters)"

    def forward(self, x):
        return self.se(x)


class LayerNormed(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.se = SEWithLayerNorm(c)
        self.off = SEWithNorm(c, bias=False)

    def forward(self, x):
        return self.off(self.se(x))
