"""Same-file helpers that return a producer count as that producer, with their own bias argument."""
import json
from functools import partial

import torch.nn as nn


def conv3x3(in_planes, out_planes, stride=1, bias=True):
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=bias)


def conv1x1(in_planes, out_planes):
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, bias=False)


def conv_any(*args, **kwargs):
    return nn.Conv2d(*args, **kwargs)


def conv_rebinds(cin, cout, bias=None):
    if bias is None:
        bias = not use_bn
    return nn.Conv2d(cin, cout, 3, bias=bias)


def conv_two_returns(cin, cout, depthwise=False):
    if depthwise:
        return nn.Conv2d(cin, cout, 3, groups=cin)
    return nn.Conv2d(cin, cout, 3)


def conv_bn(cin, cout):
    return nn.Sequential(
        conv3x3(cin, cout, bias=False),  # expect: RB101:9 "Conv2d (built by conv3x3()) bias is cancelled by the BatchNorm2d that follows"
        nn.BatchNorm2d(cout),
    )


ok_helper = nn.Sequential(conv3x3(3, 64, bias=False), nn.BatchNorm2d(64))
ok_positional = nn.Sequential(conv3x3(3, 64, 1, False), nn.BatchNorm2d(64))
ok_fixed = nn.Sequential(conv1x1(3, 64), nn.BatchNorm2d(64))
forwarded = nn.Sequential(conv_any(3, 64, 3, bias=False), nn.BatchNorm2d(64))  # expect: RB101:27 "Conv2d (built by conv_any()) bias is cancelled by the BatchNorm2d that follows"
forwarded_off = nn.Sequential(conv_any(3, 64, 3, bias=False), nn.BatchNorm2d(64))
forwarded_positional_off = nn.Sequential(conv_any(3, 64, 3, 1, 0, 1, 1, False), nn.BatchNorm2d(64))
unknown_rebinding = nn.Sequential(conv_rebinds(3, 64), nn.BatchNorm2d(64))
picked_branch = nn.Sequential(conv_two_returns(3, 64), nn.BatchNorm2d(64))  # expect: RB101:31 "Conv2d (built by conv_two_returns()) bias is cancelled by the BatchNorm2d that follows: give conv_two_returns() a bias parameter"
unknown_kwargs = nn.Sequential(conv3x3(3, 64, **options), nn.BatchNorm2d(64))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = conv3x3(c, c, bias=False)  # expect: RB101:21 "Conv2d (built by conv3x3()) bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


def norm_class():
    return nn.BatchNorm2d


def norm_preset(eps=1e-3):
    return partial(nn.BatchNorm2d, eps=eps)


def norm_chosen(kind):
    if kind == "batch":
        return nn.BatchNorm2d
    return nn.Identity


def norm_instance(c):
    return nn.BatchNorm2d(c)


class Chooses(nn.Module):
    """A class a function of the file returns: calling what it returns builds that class."""

    def __init__(self, c):
        super().__init__()
        norm, preset, chosen, built = norm_class(), norm_preset(), norm_chosen("batch"), norm_instance(c)
        self.plain = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), norm(c))  # expect: RB101:36 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.preset = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), preset(c))  # expect: RB101:37 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.direct = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), norm_class()(c))  # expect: RB101:37 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.chosen = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), chosen(c))  # expect: RB101:37 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.built = nn.Sequential(nn.Conv2d(c, c, 3), built(c))


def get_norm(kind, c):
    """A string factory: a call's literal picks the branch that runs."""
    if kind == "bn":
        return nn.BatchNorm2d(c)
    elif kind in ("gn", "group"):
        return nn.GroupNorm(32, c)
    if kind == "none":
        return nn.Identity()
    raise ValueError(kind)


def get_norm_layer(norm_type="instance"):
    if norm_type == "batch":
        norm_layer = partial(nn.BatchNorm2d, affine=True)
    elif norm_type == "instance":
        norm_layer = partial(nn.InstanceNorm2d, affine=False)
    else:
        raise NotImplementedError(norm_type)
    return norm_layer


def norm_in_loop(kind, c):
    for name, cls in (("bn", nn.BatchNorm2d),):
        if kind == name:
            return cls(c)
    return nn.Identity()


class Factories(nn.Module):
    def __init__(self, c, kind):
        super().__init__()
        self.bn = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), get_norm("bn", c))  # expect: RB101:33 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.gn = nn.Sequential(nn.Conv2d(c, c, 3), get_norm("group", c))
        self.none = nn.Sequential(nn.Conv2d(c, c, 3), get_norm("none", c))
        self.unknown = nn.Sequential(nn.Conv2d(c, c, 3), get_norm(kind, c))
        self.batch = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), get_norm_layer("batch")(c))  # expect: RB101:36 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.default = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), get_norm_layer()(c))  # expect: RB101:38 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
        # either partial may be returned: both cancel whatever they are given
        self.chosen = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), get_norm_layer(kind)(c))  # expect: RB101:37 "Conv2d bias is cancelled by the BatchNorm2d or InstanceNorm2d that follows"
        self.looped = nn.Sequential(nn.Conv2d(c, c, 3), norm_in_loop("bn", c))


class MethodHelpers(nn.Module):
    """Layers built by the class's own methods (mmyolo's build_upsample_layer), read with the call's arguments."""

    def __init__(self, c, kind):
        super().__init__()
        self.up = self.build_upsample_layer(c)  # expect: RB101:19 "ConvTranspose2d (built by build_upsample_layer()) bias is cancelled by the BatchNorm2d that follows: give build_upsample_layer() a bias parameter and pass bias=False here"
        self.up_bn = nn.BatchNorm2d(c)
        self.down = self.build_conv(c, bias=False)  # expect: RB101:21 "Conv2d (built by build_conv()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to build_conv()"
        self.down_bn = self.make_norm(c, "bn")
        self.off = self.build_conv(c)
        self.off_bn = nn.BatchNorm2d(c)
        self.other = self.make_norm(c, kind)
        self.other_conv = self.build_conv(c, bias=True)
        self.cached = self.cached_conv(c)
        self.cached_bn = nn.BatchNorm2d(c)
        self.head = self.build_head(c)  # a subclass of the file builds its own head
        self.head_bn = nn.BatchNorm2d(c)

    def build_upsample_layer(self, c):
        return nn.ConvTranspose2d(c, c, kernel_size=2, stride=2)

    def build_conv(self, c, bias=False):
        return nn.Conv2d(c, c, 3, padding=1, bias=bias)

    @staticmethod
    def make_norm(c, kind):
        if kind == "bn":
            return nn.BatchNorm2d(c)
        return nn.GroupNorm(4, c)

    def build_head(self, c):
        return nn.Conv2d(c, c, 1)

    @property
    def cached_conv(self):
        return partial(nn.Conv2d, kernel_size=3)

    def forward(self, x):
        x = self.up_bn(self.up(x))
        x = self.down_bn(self.down(x))
        x = self.off_bn(self.off(x))
        x = self.other(self.other_conv(x))
        x = self.head_bn(self.head(x))
        return self.cached_bn(self.cached(x))


class RedefinedBuilder(MethodHelpers):
    """A subclass of the file builds another layer: the base's method is not the only one its calls run."""

    def build_head(self, c):
        return nn.Sequential(nn.Conv2d(c, c, 1), nn.ReLU())


class SpreadHead(nn.Module):
    """A private method called with ``**dd`` (timm's ``dd = {"device": device, "dtype": dtype}``): its keywords are
    known, so the method's parameters hold what its calls pass (HRNet's ``_make_head(..., conv_bias=..., **dd)``)."""

    def __init__(self, c, head="classification", device=None, dtype=None, settings_file="head.json"):
        dd = {"device": device, "dtype": dtype}
        super().__init__()
        if head == "classification":
            self.head = self._make_head(c, conv_bias=False, **dd)
        else:
            self.head = self._make_head(c, **dd)
        self.other = self._make_other(c, **dd)
        with open(settings_file) as settings:
            self.opened = self._make_opened(c, **json.load(settings))  # keywords nobody here knows: bias may be off

    def _make_head(self, c, conv_bias=False, device=None, dtype=None):
        dd = {"device": device, "dtype": dtype}
        return nn.Sequential(nn.Conv2d(c, c, 1, bias=conv_bias, **dd), nn.BatchNorm2d(c, **dd))  # expect: RB101:30 "Conv2d bias is cancelled by the BatchNorm2d that follows: make conv_bias=False in SpreadHead._make_head() and its calls"

    def _make_other(self, c, conv_bias=False, device=None, dtype=None):
        return nn.Sequential(nn.Conv2d(c, c, 1, bias=conv_bias, device=device), nn.BatchNorm2d(c))

    def _make_opened(self, c, conv_bias=True, device=None):
        return nn.Sequential(nn.Conv2d(c, c, 1, bias=conv_bias, device=device), nn.BatchNorm2d(c))
