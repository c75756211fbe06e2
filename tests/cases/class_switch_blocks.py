"""A class switch handed down to a block with the norm it switches for: CycleGAN's ``ResnetBlock(dim,
norm_layer=norm_layer, use_bias=use_bias)``, where ``use_bias = norm_layer == nn.InstanceNorm2d``.  Inside the
block, the bias is on only when the norm it builds right after the conv is that InstanceNorm2d: read for each call of
the block with the caller's own switch on (CUT calls its block from three generators); one call handing another
norm keeps the block silent."""

import functools

import torch.nn as nn


class Generator(nn.Module):
    def __init__(self, ngf=64, norm_layer=nn.BatchNorm2d, n_blocks=2):
        super().__init__()
        if type(norm_layer) == functools.partial:
            use_bias = norm_layer.func == nn.InstanceNorm2d
        else:
            use_bias = norm_layer == nn.InstanceNorm2d
        model = []
        for _ in range(n_blocks):
            model += [ResnetBlock(ngf, norm_layer=norm_layer, use_bias=use_bias)]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class ResnetBlock(nn.Module):
    def __init__(self, dim, norm_layer, use_bias):
        super().__init__()
        self.conv_block = self.build_conv_block(dim, norm_layer, use_bias)

    def build_conv_block(self, dim, norm_layer, use_bias):
        conv_block = [nn.ReflectionPad2d(1)]
        conv_block += [nn.Conv2d(dim, dim, kernel_size=3, bias=use_bias), norm_layer(dim), nn.ReLU(True)]  # expect: RB101:24 "Conv2d bias is cancelled by the InstanceNorm2d that follows: pass bias=False (64 wasted parameters; InstanceNorm2d from norm_layer, the only class that turns use_bias on)"
        conv_block += [nn.ReflectionPad2d(1)]
        conv_block += [nn.Conv2d(dim, dim, kernel_size=3, bias=use_bias), norm_layer(dim)]  # expect: RB101:24 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
        return nn.Sequential(*conv_block)

    def forward(self, x):
        return x + self.conv_block(x)


class PlainGenerator(nn.Module):
    """The switch handed on, the norm not: the block's conv feeds an Identity, and its bias works."""

    def __init__(self, ngf=64, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        self.block = PlainBlock(ngf, nn.Identity, use_bias)

    def forward(self, x):
        return self.block(x)


class PlainBlock(nn.Module):
    def __init__(self, dim, norm_layer, use_bias):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(dim, dim, 3, padding=1, bias=use_bias), norm_layer(dim))

    def forward(self, x):
        return self.body(x)


class Encoder(nn.Module):
    """CUT's: the same block called from a second class, with a switch of its own."""

    def __init__(self, ngf=64, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        self.block = TwoCallers(ngf, norm_layer=norm_layer, use_bias=use_bias)

    def forward(self, x):
        return self.block(x)


class Decoder(nn.Module):
    def __init__(self, ngf=64, norm_layer=nn.BatchNorm2d):
        super().__init__()
        if type(norm_layer) == functools.partial:
            use_bias = norm_layer.func == nn.InstanceNorm2d
        else:
            use_bias = norm_layer == nn.InstanceNorm2d
        self.block = TwoCallers(ngf, norm_layer=norm_layer, use_bias=use_bias)

    def forward(self, x):
        return self.block(x)


class TwoCallers(nn.Module):
    def __init__(self, dim, norm_layer, use_bias):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(dim, dim, 3, padding=1, bias=use_bias), norm_layer(dim))  # expect: RB101:35 "Conv2d bias is cancelled by the InstanceNorm2d that follows"

    def forward(self, x):
        return x + self.body(x)


class Mixed(nn.Module):
    """One of its two callers hands its switch with another norm: that call's bias works, so none is reported."""

    def __init__(self, dim, norm_layer, use_bias):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(dim, dim, 3, padding=1, bias=use_bias), norm_layer(dim))

    def forward(self, x):
        return self.body(x)


class MixedCallers(nn.Module):
    def __init__(self, ngf=64, norm_layer=nn.BatchNorm2d):
        super().__init__()
        use_bias = norm_layer == nn.InstanceNorm2d
        self.kept = Mixed(ngf, norm_layer, use_bias)
        self.swapped = Mixed(ngf, nn.Identity, use_bias)

    def forward(self, x):
        return self.swapped(self.kept(x))
