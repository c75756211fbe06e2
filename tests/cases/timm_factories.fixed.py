"""timm's factories: create_conv2d (a conv whose bias defaults to False), create_norm_layer (a norm by name),
ConvNormAct (a conv and the norm its norm_layer names), PatchEmbed (a conv and the norm it is given), get_norm_layer
and get_norm_act_layer (a class by name)."""

from functools import partial

import torch.nn as nn
from timm.layers import ConvNormAct, PatchEmbed, create_conv2d, create_norm_layer, get_norm_act_layer, get_norm_layer

switched_on = nn.Sequential(create_conv2d(3, 8, 3, bias=False), create_norm_layer("batchnorm2d", 8))  # expect: RB101:29 "create_conv2d bias is cancelled by the BatchNorm2d that follows"
named_loosely = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), create_norm_layer("Batch_Norm", 8))  # expect: RB101:31 "Conv2d bias is cancelled by the BatchNorm2d that follows"
default_off = nn.Sequential(create_conv2d(3, 8, 3), create_norm_layer("batchnorm", 8))
layer_norm = nn.Sequential(create_conv2d(3, 8, 3, bias=True), create_norm_layer("layernorm2d", 8))
frozen = nn.Sequential(create_conv2d(3, 8, 3, bias=True), create_norm_layer("frozenbatchnorm2d", 8))
conditional = nn.Sequential(create_conv2d(3, 8, 3, bias=True, num_experts=4), create_norm_layer("batchnorm", 8))


class ConvNorm(nn.Module):
    """efficientformer_v2's block: the bias on by default, the norm a name."""

    def __init__(self, cin, cout, k=1, bias=True, norm_layer="batchnorm2d"):
        super().__init__()
        self.conv = create_conv2d(cin, cout, k, bias=bias)
        self.bn = create_norm_layer(norm_layer, cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class Uses(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = ConvNorm(c, c, 3, bias=False)  # expect: RB101:18 "create_conv2d (inside ConvNorm()) bias is cancelled by the BatchNorm2d that follows"
        self.b = ConvNorm(c, c, 3, bias=False)
        self.c = ConvNorm(c, c, 3, norm_layer="layernorm2d")
        # the block's forward applies its conv first: the dw conv's bias meets a 3x3 conv, not the norm
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c)
        self.proj = ConvNorm(c, c, 3, bias=False)

    def forward(self, x):
        return self.a(x), self.b(x), self.c(x), self.proj(self.dw(x))


# ConvNormAct: create_conv2d(..., bias=bias), then get_norm_act_layer(norm_layer)(out_channels) unless apply_norm=False.
conv_norm_act = ConvNormAct(3, 8, 3, bias=False)  # expect: RB101:17 "ConvNormAct bias is cancelled by the BatchNormAct2d that follows"
conv_norm_act_named = ConvNormAct(3, 8, 3, bias=False, norm_layer="batch_norm")  # expect: RB101:23 "ConvNormAct bias is cancelled by the BatchNormAct2d that follows"
conv_norm_act_off = ConvNormAct(3, 8, 3)
conv_norm_act_unnormed = ConvNormAct(3, 8, 3, bias=True, apply_norm=False)
conv_norm_act_layer_norm = ConvNormAct(3, 8, 3, bias=True, norm_layer=nn.LayerNorm)
conv_norm_act_group_norm = ConvNormAct(3, 8, 3, bias=True, norm_layer="groupnorm")
conv_norm_act_positional_off = ConvNormAct(3, 8, 3, 1, "", 1, 1, True, False)
# timm 0.9 takes norm_layer at position 9: a call passing a tenth positional argument is not read
conv_norm_act_old_timm = ConvNormAct(3, 8, 3, 1, "", 1, 1, True, True, nn.LayerNorm)
# get_norm_layer: the class itself, or the class its name maps to
looked_up = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), get_norm_layer("batchnorm")(8))  # expect: RB101:27 "Conv2d bias is cancelled by the BatchNorm2d that follows"
looked_up_class = nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), get_norm_layer(nn.BatchNorm2d)(8))  # expect: RB101:33 "Conv2d bias is cancelled by the BatchNorm2d that follows"
looked_up_layer_norm = nn.Sequential(nn.Conv2d(3, 8, 3), get_norm_layer("layernorm")(8))
looked_up_group_norm = nn.Sequential(nn.Conv2d(3, 8, 3), get_norm_layer(partial(nn.GroupNorm, 4))(8))


class Stem(nn.Module):
    """maxxvit's stem: a conv, then the norm-and-activation class of the norm's name, eps preset."""

    def __init__(self, cin, cout, bias=False, norm_layer="batchnorm2d", act_layer=nn.ReLU):
        super().__init__()
        norm_act_layer = partial(get_norm_act_layer(norm_layer, act_layer), eps=1e-5)
        self.conv = create_conv2d(cin, cout, 3, bias=bias)  # expect: RB101:21 "create_conv2d bias is cancelled by the BatchNormAct2d that follows"
        self.norm = norm_act_layer(cout)

    def forward(self, x):
        return self.norm(self.conv(x))


class LayerNormStem(nn.Module):
    """A norm get_norm_act_layer maps by its name to one that keeps the bias (LayerNormAct)."""

    def __init__(self, cout, norm_layer=nn.LayerNorm):
        super().__init__()
        norm_act_layer = get_norm_act_layer(norm_layer)
        self.conv = nn.Conv2d(cout, cout, 1)
        self.norm = norm_act_layer(cout)

    def forward(self, x):
        return self.norm(self.conv(x))


class EfficientFormerV2(nn.Module):
    """efficientformer_v2: the norm's name looked up once, preset, and handed to each ConvNormAct."""

    def __init__(self, norm_layer="batchnorm2d", norm_eps=1e-5):
        super().__init__()
        norm_layer = partial(get_norm_layer(norm_layer), eps=norm_eps)
        self.stem = ConvNormAct(3, 8, 3, bias=False, norm_layer=norm_layer)  # expect: RB101:21 "ConvNormAct bias is cancelled by the BatchNormAct2d that follows"
        self.head = ConvNormAct(8, 8, 1, norm_layer=norm_layer)

    def forward(self, x):
        return self.head(self.stem(x))


# PatchEmbed: its conv, then norm_layer(embed_dim) when given one, on (N, C, H, W) only when not flattened.
patches = PatchEmbed(224, 16, 3, 64, norm_layer=nn.BatchNorm2d, flatten=False, bias=False)  # expect: RB101:11 "PatchEmbed bias is cancelled by the BatchNorm2d that follows"
patches_flattened = PatchEmbed(224, 16, 3, 64, norm_layer=nn.BatchNorm2d)
patches_unnormed = PatchEmbed(224, 16, 3, 64, flatten=False)
patches_channels_last = PatchEmbed(224, 16, 3, 64, norm_layer=nn.BatchNorm2d, output_fmt="NHWC")
patches_without_bias = PatchEmbed(224, 16, 3, 64, norm_layer=nn.BatchNorm2d, flatten=False, bias=False)
