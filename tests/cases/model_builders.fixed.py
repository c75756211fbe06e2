"""Model classes that timm's ``build_model_with_cfg`` builds: the variant's keywords, and whatever the caller of a
registered function passes (nothing, as a class nothing calls is read with its defaults), reach the class."""

import torch.nn as nn
from timm.models import build_model_with_cfg, register_model


class Stem(nn.Sequential):
    def __init__(self, cin, cout, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 3, stride=2, padding=1, bias=False))  # expect: RB101:33 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (BatchNorm2d from the default of norm_layer in Net())"
        self.add_module("norm", norm_layer(cout))


class Net(nn.Module):
    def __init__(self, depth=3, dim=16, norm_layer=nn.BatchNorm2d, num_classes=1000):
        super().__init__()
        self.stem = Stem(3, dim, norm_layer=norm_layer)
        self.head = nn.Linear(dim, num_classes)


def _create_net(variant, pretrained=False, **kwargs):
    out_indices = kwargs.pop("out_indices", 4)
    return build_model_with_cfg(Net, variant, pretrained, feature_cfg=dict(out_indices=out_indices), **kwargs)


@register_model
def net_small(pretrained=False, **kwargs) -> Net:
    model_args = dict(depth=2, dim=32)
    return _create_net("net_small", pretrained=pretrained, **dict(model_args, **kwargs))


@register_model
def net_large(pretrained=False, **kwargs) -> Net:
    return _create_net("net_large", pretrained=pretrained, depth=4, **kwargs)


class Plain(nn.Module):
    """VGG: the norm only where a variant names one."""

    def __init__(self, widths=(8, 16), norm_layer=None):
        super().__init__()
        layers = []
        cin = 3
        for width in widths:
            conv = nn.Conv2d(cin, width, 3, padding=1, bias=norm_layer is None)  # expect: RB101:20 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm_layer is not None: pass bias=norm_layer is None"
            if norm_layer is not None:
                layers += [conv, norm_layer(width), nn.ReLU()]
            else:
                layers += [conv, nn.ReLU()]
            cin = width
        self.features = nn.Sequential(*layers)


def _create_plain(variant, pretrained=False, **kwargs):
    return build_model_with_cfg(Plain, variant, pretrained, **kwargs)


@register_model
def plain(pretrained=False, **kwargs):
    return _create_plain("plain", pretrained=pretrained, **dict(**kwargs))


@register_model
def plain_bn(pretrained=False, **kwargs):
    model_args = dict(norm_layer=nn.BatchNorm2d, **kwargs)
    return _create_plain("plain_bn", pretrained=pretrained, **model_args)


class Switched(nn.Module):
    """One variant names a norm that keeps the bias: silent."""

    def __init__(self, dim=8, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(3, dim, 3)
        self.norm = norm_layer(dim)

    def forward(self, x):
        return self.norm(self.conv(x))


def _create_switched(variant, pretrained=False, **kwargs):
    return build_model_with_cfg(Switched, variant, pretrained, **kwargs)


@register_model
def switched_bn(pretrained=False, **kwargs):
    return _create_switched("switched_bn", pretrained=pretrained, **kwargs)


@register_model
def switched_id(pretrained=False, **kwargs):
    return _create_switched("switched_id", pretrained=pretrained, **dict(dict(norm_layer=nn.Identity), **kwargs))


class Edited(nn.Module):
    """The builder's keywords edited before they are handed on: unknown, silent."""

    def __init__(self, dim=8, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(3, dim, 3)
        self.norm = norm_layer(dim)

    def forward(self, x):
        return self.norm(self.conv(x))


def _create_edited(variant, pretrained=False, **kwargs):
    kwargs.setdefault("norm_layer", variant_norm(variant))
    return build_model_with_cfg(Edited, variant, pretrained, **kwargs)


def variant_norm(variant):
    return nn.GroupNorm if "gn" in variant else nn.BatchNorm2d


@register_model
def edited(pretrained=False, **kwargs):
    return _create_edited("edited_gn", pretrained=pretrained, **kwargs)


class Given(nn.Module):
    """A class the builder may be given keywords for by a caller this file cannot see: a registered function
    whose spread comes from an argument of another name."""

    def __init__(self, dim=8, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(3, dim, 3)
        self.norm = norm_layer(dim)

    def forward(self, x):
        return self.norm(self.conv(x))


@register_model
def given(pretrained=False, model_args=None, **kwargs):
    return build_model_with_cfg(Given, "given", pretrained, **model_args)


class Configured(nn.Module):
    """The builder may set in_chans from the pretrained config: a bias that depends on it is unknown."""

    def __init__(self, in_chans=3, dim=8):
        super().__init__()
        self.conv = nn.Conv2d(in_chans, dim, 3, bias=in_chans == 3)
        self.norm = nn.BatchNorm2d(dim)

    def forward(self, x):
        return self.norm(self.conv(x))


@register_model
def configured(pretrained=False, **kwargs):
    return build_model_with_cfg(Configured, "configured", pretrained, **kwargs)


class Helped(nn.Module):
    """A variant's keywords built by a helper of the module (timm's ``model_args = _cpubone_b1_args()``), read with
    the helper's own arguments bound: its default norm reaches the class."""

    def __init__(self, dim=8, norm_layer=nn.Identity):
        super().__init__()
        self.conv = nn.Conv2d(3, dim, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.norm = norm_layer(dim)

    def forward(self, x):
        return self.norm(self.conv(x))


def _helped_args(norm=nn.BatchNorm2d, dim=16):
    return dict(dim=dim, norm_layer=norm)


@register_model
def helped(pretrained=False, **kwargs):
    model_args = _helped_args()
    return build_model_with_cfg(Helped, "helped", pretrained, **dict(model_args, **kwargs))


class HelpedOff(nn.Module):
    """The helper is called with a norm that keeps the bias: silent."""

    def __init__(self, dim=8, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(3, dim, 3)
        self.norm = norm_layer(dim)

    def forward(self, x):
        return self.norm(self.conv(x))


@register_model
def helped_off(pretrained=False, **kwargs):
    model_args = _helped_args(norm=nn.Identity)
    return build_model_with_cfg(HelpedOff, "helped_off", pretrained, **dict(model_args, **kwargs))
