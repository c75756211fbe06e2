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


def get_norm_layer(norm_type="instance"):
    """pix2pixHD's factory: a ``partial`` of a norm class for each name."""
    if norm_type == "batch":
        norm_layer = partial(nn.BatchNorm2d, affine=True)
    elif norm_type == "instance":
        norm_layer = partial(nn.InstanceNorm2d, affine=False)
    else:
        raise NotImplementedError(norm_type)
    return norm_layer


class Generator(nn.Module):
    def __init__(self, input_nc, ngf=64, norm_layer=nn.BatchNorm2d):
        super().__init__()
        model = [nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, kernel_size=7, padding=0), norm_layer(ngf), nn.ReLU(True)]  # expect: RB101:41 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


def define_generator(input_nc, norm="instance"):
    """Names no norm class: the factory's class reaches the model through a variable."""
    norm_layer = get_norm_layer(norm_type=norm)
    return Generator(input_nc, 64, norm_layer)
