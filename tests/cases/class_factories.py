"""Factories that return a layer class picked by a string (``get_norm("bn")``), guarded by ``isinstance`` for a
class handed over as it is, a conv class from such a factory too, and a norm class made a ``partial`` of itself."""

from functools import partial

import torch.nn as nn


def get_conv(kind="default"):
    if not isinstance(kind, str):
        return kind
    if kind == "default":
        return nn.Conv2d
    raise ValueError(kind)


def get_norm(kind="bn"):
    if not isinstance(kind, str):
        return kind
    if kind == "bn":
        return nn.BatchNorm2d
    if kind == "none":
        return nn.Identity
    raise ValueError(kind)


class Net(nn.Module):
    def __init__(self, channels=8, norm="bn", conv_kind="default"):
        super().__init__()
        conv = get_conv(conv_kind)
        norm_layer = get_norm(norm)
        self.body = nn.Sequential(conv(channels, channels, 3), norm_layer(channels), nn.ReLU())  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows"

    def forward(self, x):
        return self.body(x)


class Plain(nn.Module):
    def __init__(self, channels=8):
        super().__init__()
        norm_layer = get_norm("none")
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3), norm_layer(channels))  # no norm: the bias works

    def forward(self, x):
        return self.body(x)


class Chosen(nn.Module):
    def __init__(self, channels=8, norm="bn"):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3)
        self.norm = get_norm(norm)(channels)

    def forward(self, x):
        return self.norm(self.conv(x))


plain_chosen = Chosen(norm="none")


class Affine(nn.Module):
    """The norm class made a ``partial`` of itself under a flag: a preset scale and shift change nothing."""

    def __init__(self, channels=8, norm="bn", affine=None):
        super().__init__()
        norm_layer = get_norm(norm)
        if affine is not None:
            norm_layer = partial(norm_layer, affine=affine)
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3), norm_layer(channels))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows"

    def forward(self, x):
        return self.body(x)


class Swapped(nn.Module):
    """The norm class replaced by no norm under a flag."""

    def __init__(self, channels=8, norm_layer=nn.BatchNorm2d, plain=False):
        super().__init__()
        if plain:
            norm_layer = nn.Identity
        self.body = nn.Sequential(nn.Conv2d(channels, channels, 3), norm_layer(channels))

    def forward(self, x):
        return self.body(x)
