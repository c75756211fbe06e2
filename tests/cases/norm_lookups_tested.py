"""A norm class a lookup or a factory returns, tested for None or by ``isinstance`` before it is built: timm's
CPUBone keeps ``self.norm_layer = get_norm_layer(norm_layer)`` and hands it on, through a tuple, to a block that
builds ``norm_layer(c) if norm_layer is not None else None``; timm's own ``get_norm_layer`` asks
``isinstance(norm_layer, functools.partial)`` first."""

import functools
import types

import torch.nn as nn
from timm.layers import get_norm_layer


class ConvNorm(nn.Module):
    def __init__(self, cin, cout, use_bias=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=use_bias)
        self.norm = norm_layer(cout) if norm_layer is not None else None

    def forward(self, x):
        x = self.conv(x)
        if self.norm is not None:
            x = self.norm(x)
        return x


class Pair(nn.Module):
    def __init__(self, c, use_bias=(False, False), norm_layer=(nn.BatchNorm2d, nn.BatchNorm2d)):
        super().__init__()
        self.first = ConvNorm(c, c, use_bias=use_bias[0], norm_layer=norm_layer[0])
        self.second = ConvNorm(c, c, use_bias=use_bias[1], norm_layer=norm_layer[1])

    def forward(self, x):
        return self.second(self.first(x))


class Looked(nn.Module):
    """The lookup's answer for a class is that class: never None."""

    def __init__(self, c=16, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.norm_layer = get_norm_layer(norm_layer)
        self.blocks = self._stage(c)

    def _stage(self, c):
        return nn.Sequential(Pair(c, use_bias=(True, False), norm_layer=(self.norm_layer, self.norm_layer)))  # expect: RB101:30 "Conv2d (inside Pair(), built at line 16) bias is cancelled by the BatchNorm2d that follows: make use_bias[0] False in this call of Pair()"


NORMS = {"bn": nn.BatchNorm2d}


def make_norm(norm_layer):
    """timm's get_norm_layer, written in the module."""
    if norm_layer is None:
        return None
    assert isinstance(norm_layer, (type, str, types.FunctionType, functools.partial))
    kwargs = {}
    if isinstance(norm_layer, functools.partial):
        kwargs.update(norm_layer.keywords)
        norm_layer = norm_layer.func
    if isinstance(norm_layer, str):
        norm_layer = NORMS[norm_layer]
    if kwargs:
        norm_layer = functools.partial(norm_layer, **kwargs)
    return norm_layer


class Made(nn.Module):
    """A class is no partial: the factory returns it (or a partial of it), never None, unless a caller passes None."""

    def __init__(self, c=16, norm_layer=nn.BatchNorm2d):
        super().__init__()
        norm_layer = make_norm(norm_layer)
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm_layer is not None"
        self.bn = norm_layer(c) if norm_layer is not None else nn.Identity()

    def forward(self, x):
        return self.bn(self.conv(x))


def unless_class(norm_layer):
    if isinstance(norm_layer, type):
        return None
    return norm_layer


class Unless(nn.Module):
    """A class is an instance of ``type``: the factory returns None, and no norm is built."""

    def __init__(self, c=16, norm_layer=nn.BatchNorm2d):
        super().__init__()
        norm_layer = unless_class(norm_layer)
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = norm_layer(c) if norm_layer is not None else nn.Identity()

    def forward(self, x):
        return self.bn(self.conv(x))


class Custom:
    pass


def unless_custom(norm_layer):
    if isinstance(norm_layer, Custom):
        return None
    return norm_layer


class Undecided(nn.Module):
    """A test against a class the rows do not know decides nothing: silent."""

    def __init__(self, c=16, norm_layer=nn.BatchNorm2d):
        super().__init__()
        norm_layer = unless_custom(norm_layer)
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = norm_layer(c) if norm_layer is not None else nn.Identity()

    def forward(self, x):
        return self.bn(self.conv(x))


def unless_function(norm_layer):
    if isinstance(norm_layer, (types.FunctionType, str)):
        return None
    return norm_layer


class Kept(nn.Module):
    """A class is neither a function nor a string: the factory keeps it."""

    def __init__(self, c=16, norm_layer=nn.BatchNorm2d):
        super().__init__()
        norm_layer = unless_function(norm_layer)
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm_layer is not None"
        self.bn = norm_layer(c) if norm_layer is not None else nn.Identity()

    def forward(self, x):
        return self.bn(self.conv(x))
