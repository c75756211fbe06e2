"""A norm built only when a parameter asks for one (``norm_layer(c) if norm_layer is not None else None``),
decided over every call of the class in the file, or its default when nothing here builds it."""

import torch.nn as nn


class ConvNorm(nn.Module):
    """Nothing in this file builds it: its defaults stand."""

    def __init__(self, cin, cout, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm_layer is not None: pass bias=norm_layer is None (BatchNorm2d from the default of norm_layer in ConvNorm())"
        self.norm = norm_layer(cout) if norm_layer is not None else None

    def forward(self, x):
        return self.norm(self.conv(x))


class FlagNorm(nn.Module):
    """A flag choosing the norm or none, which every call here keeps on: the bias is wasted where it holds, and a
    caller elsewhere may turn it off, so the bias the fix passes follows the flag."""

    def __init__(self, cin, cout, with_norm=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when with_norm is true: pass bias=not with_norm (8 wasted parameters)"
        self.norm = nn.BatchNorm2d(cout) if with_norm else nn.Identity()

    def forward(self, x):
        return self.norm(self.conv(x))


class MaybeNorm(nn.Module):
    """One call turns the norm off: the bias is used there, silent."""

    def __init__(self, cin, cout, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3)
        self.norm = norm_layer(cout) if norm_layer else nn.Identity()

    def forward(self, x):
        return self.norm(self.conv(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = FlagNorm(3, 8)
        self.b = FlagNorm(8, 8, with_norm=True)
        self.c = MaybeNorm(8, 8)  # expect: RB101:18 "Conv2d (inside MaybeNorm()) bias is cancelled by the BatchNorm2d that follows: give MaybeNorm() a bias parameter and pass bias=False here"
        self.d = MaybeNorm(8, 8, norm_layer=None)


class OrDefault(nn.Module):
    """``norm_layer or nn.BatchNorm2d``: the caller's class, or BatchNorm2d where it passes None (or nothing)."""

    def __init__(self, cin, cout, norm_layer=None):
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        self.conv = nn.Conv2d(cin, cout, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d or InstanceNorm2d that follows: pass bias=False"
        self.norm = norm_layer(cout)

    def forward(self, x):
        return self.norm(self.conv(x))


class OrIdentity(nn.Module):
    """``norm_layer or nn.Identity()``: where a caller passes None, no norm follows."""

    def __init__(self, cin, cout, norm_layer=nn.BatchNorm2d):
        super().__init__()
        norm = norm_layer(cout) if norm_layer else None
        self.conv = nn.Conv2d(cin, cout, 3)
        self.norm = norm or nn.Identity()

    def forward(self, x):
        return self.norm(self.conv(x))


class OrElse(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = OrDefault(3, 8)
        self.b = OrDefault(8, 8, nn.InstanceNorm2d)
        self.c = OrIdentity(8, 8)
        self.d = OrIdentity(8, 8, norm_layer=None)
