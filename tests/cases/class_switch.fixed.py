"""A bias switched on by the class of the norm a parameter holds: CycleGAN's ``use_bias = norm_layer ==
nn.InstanceNorm2d``.  Whatever a caller passes, the bias is on only when that norm follows it."""

import functools

import torch.nn as nn
from torch.nn import InstanceNorm2d


def get_norm_layer(norm_type="instance"):
    if norm_type == "batch":
        return functools.partial(nn.BatchNorm2d, affine=True, track_running_stats=True)
    if norm_type == "instance":
        return functools.partial(nn.InstanceNorm2d, affine=False, track_running_stats=False)
    raise NotImplementedError(norm_type)


class Generator(nn.Module):
    """CycleGAN's ResnetGenerator: a partial or a class, and layers added to a list in a loop."""

    def __init__(self, input_nc, ngf=64, norm_layer=nn.BatchNorm2d, n_down=2):
        super().__init__()
        if type(norm_layer) == functools.partial:
            use_bias = norm_layer.func == nn.InstanceNorm2d
        else:
            use_bias = norm_layer == nn.InstanceNorm2d
        model = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(input_nc, ngf, kernel_size=7, padding=0, bias=False),  # expect: RB101:13 "Conv2d bias is cancelled by the InstanceNorm2d that follows: pass bias=False (64 wasted parameters; InstanceNorm2d from norm_layer, the only class that turns use_bias on)"
            norm_layer(ngf),
            nn.ReLU(True),
        ]
        for i in range(n_down):
            mult = 2 ** i
            model += [
                nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=False),  # expect: RB101:17 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
                norm_layer(ngf * mult * 2),
                nn.ReLU(True),
            ]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


def define_generator(norm="batch"):
    return Generator(3, norm_layer=get_norm_layer(norm_type=norm))


class Discriminator(nn.Module):
    """The ``is`` form, a class imported by name, and callers in the module passing either norm."""

    def __init__(self, ndf=64, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer is InstanceNorm2d
        self.net = nn.Sequential(
            nn.Conv2d(ndf, ndf * 2, kernel_size=1, bias=False),  # expect: RB101:13 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
            norm_layer(ndf * 2),
        )

    def forward(self, x):
        return self.net(x)


batch_discriminator = Discriminator(norm_layer=nn.BatchNorm2d)
instance_discriminator = Discriminator(norm_layer=InstanceNorm2d)


class BatchSwitched(nn.Module):
    """On only for BatchNorm2d, which cancels it too."""

    def __init__(self, c, norm_layer=nn.InstanceNorm2d):
        super().__init__()
        bias = norm_layer == nn.BatchNorm2d
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


# ---------------------------------------------------------------- silent


class Tail(nn.Module):
    """DeblurGANv2's ``DicsriminatorTail``: every call in the module leaves the norm a BatchNorm2d, so the bias
    is never on (the module's calls decide, as for any parameter)."""

    def __init__(self, nf, norm_layer=nn.BatchNorm2d):
        super().__init__()
        if type(norm_layer) == functools.partial:
            use_bias = norm_layer.func == nn.InstanceNorm2d
        else:
            use_bias = norm_layer == nn.InstanceNorm2d
        self.model = nn.Sequential(nn.Conv2d(nf, nf, 4, bias=use_bias), norm_layer(nf), nn.LeakyReLU(0.2, True))

    def forward(self, x):
        return self.model(x)


class Tails(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = Tail(64)
        self.second = Tail(128, norm_layer=nn.BatchNorm2d)

    def forward(self, x):
        return self.first(x), self.second(x)


class NotBatch(nn.Module):
    """CycleGAN's NLayerDiscriminator: on for every norm but BatchNorm2d, also one that keeps the bias."""

    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer != nn.BatchNorm2d
        self.net = nn.Sequential(nn.Conv2d(c, c, 3, bias=use_bias), norm_layer(c))

    def forward(self, x):
        return self.net(x)


class LayerNormSwitched(nn.Module):
    """On only for a norm that keeps a per-channel bias."""

    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.GroupNorm
        self.net = nn.Sequential(nn.Conv2d(c, c, 3, bias=use_bias), norm_layer(c))

    def forward(self, x):
        return self.net(x)


class OtherParameter(nn.Module):
    """The switch tests one parameter, the norm comes from another: a caller may pair them any way."""

    def __init__(self, c, kind=nn.BatchNorm2d, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = kind == nn.InstanceNorm2d
        self.net = nn.Sequential(nn.Conv2d(c, c, 3, bias=use_bias), norm_layer(c))

    def forward(self, x):
        return self.net(x)


class AlsoOn(nn.Module):
    """Another origin turns the bias on whatever the norm."""

    def __init__(self, c, always=False, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        if always:
            use_bias = True
        self.net = nn.Sequential(nn.Conv2d(c, c, 3, bias=use_bias), norm_layer(c))

    def forward(self, x):
        return self.net(x)


class ActivationBetween(nn.Module):
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        self.net = nn.Sequential(nn.Conv2d(c, c, 3, bias=use_bias), nn.ReLU(), norm_layer(c))

    def forward(self, x):
        return self.net(x)


class Rebound(nn.Module):
    """The parameter is bound again in the function: the compared value may not be what builds the norm."""

    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        norm_layer = nn.LayerNorm
        self.net = nn.Sequential(nn.Conv2d(c, c, 3, bias=use_bias), norm_layer(c))

    def forward(self, x):
        return self.net(x)


class InnerParameter(nn.Module):
    """The norm after the conv is built by a name of the same spelling in a function inside: not the parameter."""

    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d

        def make(norm_layer=nn.LayerNorm):
            return norm_layer(c)

        self.net = nn.Sequential(nn.Conv2d(c, c, 3, bias=use_bias), make())

    def forward(self, x):
        return self.net(x)


class AntialiasedDiscriminator(nn.Module):
    """CUT's NLayerDiscriminator: an ``if`` on another flag, off by default, that its options turn on; read for
    the class that turns the bias on, the flag stays unknown and both branches are read."""

    def __init__(self, ndf=64, norm_layer=nn.BatchNorm2d, no_antialias=False):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        if no_antialias:
            sequence = [nn.Conv2d(ndf, ndf * 2, 4, stride=2, bias=False), norm_layer(ndf * 2), nn.LeakyReLU(0.2)]  # expect: RB101:25 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
        else:
            sequence = [nn.Conv2d(ndf, ndf * 2, 4, bias=False), norm_layer(ndf * 2), nn.LeakyReLU(0.2), nn.AvgPool2d(2)]  # expect: RB101:25 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
        self.model = nn.Sequential(*sequence)

    def forward(self, x):
        return self.model(x)



class AntialiasedDecoder(nn.Module):
    """CUT's ResnetDecoder: each side of the ``if`` on the flag adds a layer and its norm to one list, in a loop."""

    def __init__(self, ngf=64, norm_layer=nn.BatchNorm2d, no_antialias=False):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        model = []
        for i in range(2):
            mult = 2 ** (2 - i)
            if no_antialias:
                model += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, stride=2, bias=False), norm_layer(ngf * mult // 2), nn.ReLU(True)]  # expect: RB101:27 "ConvTranspose2d bias is cancelled by the InstanceNorm2d that follows"
            else:
                model += [nn.Upsample(scale_factor=2), nn.Conv2d(ngf * mult, ngf * mult // 2, 3, bias=False), norm_layer(ngf * mult // 2), nn.ReLU(True)]  # expect: RB101:56 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)
