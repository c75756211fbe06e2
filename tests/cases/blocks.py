"""Blocks that build their conv and norm themselves, given the bias switch by their caller: reported at the call."""

import torch.nn as nn


class ConvBNReLU(nn.Module):
    def __init__(self, cin, cout, bias=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Stem(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = ConvBNReLU(3, 32, bias=True)  # expect: RB101:22 "Conv2d (inside ConvBNReLU()) bias is cancelled by the BatchNorm2d that follows"
        self.second = ConvBNReLU(32, 32)
        self.third = ConvBNReLU(32, 32, bias=False)
        self.fourth = ConvBNReLU(32, 32, True)  # expect: RB101:23 "Conv2d (inside ConvBNReLU()) bias is cancelled by the BatchNorm2d that follows"


class ConvNorm(nn.Sequential):
    """torchvision's shape: a layer list handed to Sequential, the norm chosen by a None default."""

    def __init__(self, cin, cout, norm_layer=None, bias=None):
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if bias is None:
            bias = norm_layer is None
        layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(cout))
        layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


head = nn.Sequential(
    ConvNorm(64, 64, bias=True),  # expect: RB101:5 "Conv2d (inside ConvNorm()) bias is cancelled by the BatchNorm2d that follows"
    ConvNorm(64, 64, norm_layer=nn.InstanceNorm2d, bias=True),  # expect: RB101:5 "Conv2d (inside ConvNorm()) bias is cancelled by the InstanceNorm2d that follows"
    ConvNorm(64, 64),
    ConvNorm(64, 64, norm_layer=nn.LayerNorm, bias=True),
    ConvNorm(64, 64, nn.BatchNorm2d, False),
)


class MaybeNorm(nn.Sequential):
    def __init__(self, cin, cout, norm_layer=nn.BatchNorm2d, bias=False):
        layers = [nn.Conv2d(cin, cout, 1, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(cout))
        super().__init__(*layers)


neck = nn.Sequential(
    MaybeNorm(8, 8, bias=True),  # expect: RB101:5 "Conv2d (inside MaybeNorm()) bias is cancelled by the BatchNorm2d that follows"
    MaybeNorm(8, 8, norm_layer=None, bias=True),
)


def conv_bn(cin, cout, bias=False):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, bias=bias), nn.BatchNorm2d(cout))


def conv_act(cin, cout, bias=False):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, bias=bias), nn.ReLU(), nn.BatchNorm2d(cout))


features = nn.Sequential(
    conv_bn(3, 16, bias=True),  # expect: RB101:5 "Conv2d (inside conv_bn()) bias is cancelled by the BatchNorm2d that follows"
    conv_bn(16, 16),
    conv_act(16, 16, bias=True),
)


class Residual(nn.Module):
    """The biased output is also added to the input: the bias reaches the output."""

    def __init__(self, c, bias=False):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=bias)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y


residual = Residual(8, bias=True)


def build(options):
    kept = ConvBNReLU(3, 8, **options)  # whatever the options hold: unknown
    ConvBNReLU = nn.Identity  # a variable of the same name: the call below is not the block's
    return kept, ConvBNReLU(3, 8, bias=True)


class Down(nn.Module):
    """A block inside a block: Down hands its switch on to ConvBNReLU."""

    def __init__(self, cin, cout, bias=False):
        super().__init__()
        self.pool = nn.MaxPool2d(2)
        self.block = ConvBNReLU(cin, cout, bias=bias)

    def forward(self, x):
        return self.block(self.pool(x))


class ConvBNAct(ConvBNReLU):
    """A subclass handing its switch up to the block it extends."""

    def __init__(self, cin, cout, bias=False):
        super().__init__(cin, cout, bias=bias)
        self.extra = nn.Identity()


encoder = nn.Sequential(
    Down(3, 16, bias=True),  # expect: RB101:5 "Conv2d (inside Down(), built at line 9) bias is cancelled by the BatchNorm2d that follows"
    Down(16, 32),
    ConvBNAct(32, 32, bias=True),  # expect: RB101:5 "Conv2d (inside ConvBNAct(), built at line 9) bias is cancelled by the BatchNorm2d that follows"
    ConvBNAct(32, 32, bias=False),
)


def conv_layers(cin, cout, bias=False):
    """A helper returning a layer list, unpacked into a Sequential by its caller."""
    layers = [nn.Conv2d(cin, cout, 3, bias=bias)]
    layers.append(nn.BatchNorm2d(cout))
    return layers


stage = nn.Sequential(
    *conv_layers(8, 8, bias=True),  # expect: RB101:6 "Conv2d (inside conv_layers()) bias is cancelled by the BatchNorm2d that follows"
    *conv_layers(8, 8),
    nn.ReLU(),
)


class Conv2dNormActivation(ConvNorm):
    """torchvision's shape: the switch handed up positionally."""

    def __init__(self, cin, cout, norm_layer=None, bias=None):
        super().__init__(cin, cout, norm_layer, bias)


stem = nn.Sequential(
    Conv2dNormActivation(3, 8, bias=True),  # expect: RB101:5 "Conv2d (inside Conv2dNormActivation(), built at line 34) bias is cancelled by the BatchNorm2d that follows"
    Conv2dNormActivation(8, 8),
    Conv2dNormActivation(8, 8, nn.LayerNorm, True),
)


def make_norm(c):
    return nn.BatchNorm2d(c)


normed = nn.Sequential(nn.Conv2d(3, 8, 3), make_norm(8))  # expect: RB101:24 "Conv2d bias is cancelled by the BatchNorm2d that follows"


class ConvNormSlot(nn.Module):
    """The caller picks the norm; the conv keeps its default bias."""

    def __init__(self, cin, cout, norm_layer=None, act_layer=nn.ReLU):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = norm_layer(cout) if norm_layer is not None else nn.Identity()
        self.act = act_layer()

    def forward(self, x):
        return self.act(self.norm(self.conv(x)))


def conv_norm(cin, cout, norm=nn.BatchNorm2d):
    return nn.Sequential(nn.Conv2d(cin, cout, 1), norm(cout))


def conv_norm_off(cin, cout, norm):
    return nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), norm(cout))


slotted = nn.Sequential(
    ConvNormSlot(8, 8, norm_layer=nn.BatchNorm2d),  # expect: RB101:5 "Conv2d (inside ConvNormSlot()) bias is cancelled by the BatchNorm2d that follows: give ConvNormSlot() a bias parameter and pass bias=False here (8 wasted parameters)"
    ConvNormSlot(8, 8, nn.InstanceNorm2d),  # expect: RB101:5 "Conv2d (inside ConvNormSlot()) bias is cancelled by the InstanceNorm2d that follows"
    ConvNormSlot(8, 8),
    ConvNormSlot(8, 8, norm_layer=nn.LayerNorm),
    ConvNormSlot(8, 8, act_layer=nn.GELU),
    conv_norm(8, 8),  # expect: RB101:5 "Conv2d (inside conv_norm()) bias is cancelled by the BatchNorm2d that follows"
    conv_norm(8, 8, norm=nn.GroupNorm),
    conv_norm_off(8, 8, nn.BatchNorm2d),
)


def apply(function, x):
    return function(x)


applied = apply(nn.BatchNorm2d, 8)


class SlotStage(nn.Module):
    """Hands its norm on to a block's slot of the same name: its caller picks the norm."""

    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.first = ConvNormSlot(c, c, norm_layer=norm_layer)
        self.second = conv_norm_off(c, c, norm_layer)


stages = [
    SlotStage(8),  # expect: RB101:5 "Conv2d (inside SlotStage(), built at line 169) bias is cancelled by the BatchNorm2d that follows: give SlotStage() a bias parameter and pass bias=False here"
    SlotStage(8, norm_layer=nn.InstanceNorm2d),  # expect: RB101:5 "Conv2d (inside SlotStage(), built at line 169) bias is cancelled by the InstanceNorm2d that follows"
    SlotStage(8, norm_layer=nn.LayerNorm),
]


class Embed(nn.Module):
    """timm's way: the norm is optional by truth, the layers take ``**dd`` (device and dtype)."""

    def __init__(self, cin, cout, norm_layer=nn.BatchNorm2d, device=None, dtype=None):
        super().__init__()
        dd = {"device": device, "dtype": dtype}
        self.proj = nn.Conv2d(cin, cout, 3, **dd)
        self.norm = norm_layer(cout, **dd) if norm_layer else nn.Identity()

    def forward(self, x):
        return self.norm(self.proj(x))


class Net(nn.Module):
    """Never called here (a registry builds it): the calls inside it are read as they stand."""

    def __init__(self, c=8, act_layer=nn.ReLU, norm_layer=nn.BatchNorm2d, device=None, dtype=None):
        super().__init__()
        dd = {"device": device, "dtype": dtype}
        known = {"norm_layer": nn.LayerNorm}
        self.stem = Embed(3, c, **dd)  # expect: RB101:21 "Conv2d (inside Embed()) bias is cancelled by the BatchNorm2d that follows"
        self.plain = Embed(c, c, norm_layer=None, **dd)
        self.layer = Embed(c, c, **known)
        self.stage = SlotStage(c)  # expect: RB101:22 "Conv2d (inside SlotStage(), built at line 169) bias is cancelled by the BatchNorm2d that follows"
        self.chosen = SlotStage(c, norm_layer=norm_layer)  # expect: RB101:23 "Conv2d (inside SlotStage(), built at line 169) bias is cancelled by the BatchNorm2d that follows: give SlotStage() a bias parameter and pass bias=False here (8 wasted parameters; BatchNorm2d from the default of norm_layer in Net())"
        self.unknown = Embed(c, c, **self.settings())

    def settings(self):
        return {}


class ConvFlag(nn.Sequential):
    """The norm under a flag: the call decides whether it is built."""

    def __init__(self, cin, cout, bias=True, use_bn=True):
        layers = [nn.Conv2d(cin, cout, 3, bias=bias)]
        if use_bn:
            layers.append(nn.BatchNorm2d(cout))
        else:
            layers.append(nn.ReLU())
        super().__init__(*layers)


flagged = [
    ConvFlag(8, 8),  # expect: RB101:5 "Conv2d (inside ConvFlag()) bias is cancelled by the BatchNorm2d that follows"
    ConvFlag(8, 8, use_bn=False),
    ConvFlag(8, 8, bias=False),
    ConvFlag(8, 8, use_bn=0),
]


def norm_of(c):
    return nn.BatchNorm2d(c)


def identity_of(c):
    return nn.Identity()


def conv_helped(cin, cout, bias=True):
    """The norm comes from a helper of the module: the block names none itself."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, bias=bias), norm_of(cout))


def conv_plain(cin, cout, bias=True):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, bias=bias), identity_of(cout))


helped = [
    conv_helped(8, 8),  # expect: RB101:5 "Conv2d (inside conv_helped()) bias is cancelled by the BatchNorm2d that follows"
    conv_helped(8, 8, bias=False),
    conv_plain(8, 8),
]


class FlaggedConvBN(nn.Sequential):
    """timm's StarNet ConvBN: the norm added under a flag, the conv given the caller's other keywords."""

    def __init__(self, cin, cout, k=1, with_bn=True, device=None, dtype=None, **kwargs):
        dd = {"device": device, "dtype": dtype}
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, k, **dd, **kwargs))
        if with_bn:
            self.add_module("bn", nn.BatchNorm2d(cout, **dd))


class FlaggedSetDefault(nn.Sequential):
    def __init__(self, cin, cout, with_bn=True, **kwargs):
        super().__init__()
        kwargs.setdefault("bias", False)  # the keywords are changed before they are handed on: unknown
        self.add_module("conv", nn.Conv2d(cin, cout, 1, **kwargs))
        if with_bn:
            self.add_module("bn", nn.BatchNorm2d(cout))


class Flagged(nn.Module):
    def __init__(self, c, flag, device=None):
        super().__init__()
        dd = {"device": device}
        self.a = FlaggedConvBN(c, c, 3, groups=c, with_bn=True, **dd)  # expect: RB101:18 "Conv2d (inside FlaggedConvBN()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to FlaggedConvBN()"
        self.b = FlaggedConvBN(c, c, 3, **dd)  # expect: RB101:18 "Conv2d (inside FlaggedConvBN()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to FlaggedConvBN()"
        self.c = FlaggedConvBN(c, c, 3, with_bn=False, **dd)
        self.d = FlaggedConvBN(c, c, 3, bias=False)
        self.e = FlaggedConvBN(c, c, 3, with_bn=flag)
        self.f = FlaggedSetDefault(c, c)
        self.g = nn.ModuleList([FlaggedConvBN(c, c, 1, **dd) for _ in range(2)])  # expect: RB101:33 "Conv2d (inside FlaggedConvBN()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to FlaggedConvBN()"


class KeywordsConvNorm(nn.Module):
    """facexlib's shape: the conv takes whatever keywords the call passes beyond the channels."""

    def __init__(self, in_channels, out_channels, **kwargs):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, **kwargs)
        self.bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        return self.bn(self.conv(x))


def keyword_blocks(options):
    return nn.Sequential(
        KeywordsConvNorm(3, 64, kernel_size=3, padding=1),  # expect: RB101:9 "Conv2d (inside KeywordsConvNorm()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to KeywordsConvNorm()"
        KeywordsConvNorm(64, 64, kernel_size=3, bias=False),
        KeywordsConvNorm(64, 64, **options),
    )


class Stages(nn.Module):
    """A block class handed to a helper method that builds it: the parameter holds ConvBNReLU on every path."""

    def __init__(self):
        super().__init__()
        self.layer1 = self._make_layer(ConvBNReLU, 32, 2)
        self.layer2 = self._make_plain(ConvBNReLU, 32)

    def _make_layer(self, block, c, n):
        return nn.Sequential(*[block(c, c, bias=True) for _ in range(n)])  # expect: RB101:32 "Conv2d (inside ConvBNReLU()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to ConvBNReLU() (32 wasted parameters)"

    def _make_plain(self, block, c):
        return block(c, c, bias=False)

    def forward(self, x):
        return self.layer2(self.layer1(x))


class Either(nn.Module):
    """Called with two different classes: the parameter holds neither on every path."""

    def __init__(self):
        super().__init__()
        self.a = self._stage(ConvBNReLU, 8)
        self.b = self._stage(KeywordsConvNorm, 8)

    def _stage(self, block, c):
        return block(c, c, bias=True)

    def forward(self, x):
        return self.b(self.a(x))
