"""timm's factories: create_conv2d (a conv whose bias defaults to False) and create_norm_layer (a norm by name)."""

import torch.nn as nn
from timm.layers import create_conv2d, create_norm_layer

switched_on = nn.Sequential(create_conv2d(3, 8, 3, bias=True), create_norm_layer("batchnorm2d", 8))  # expect: RB101:29 "create_conv2d bias is cancelled by the BatchNorm2d that follows"
named_loosely = nn.Sequential(nn.Conv2d(3, 8, 3), create_norm_layer("Batch_Norm", 8))  # expect: RB101:31 "Conv2d bias is cancelled by the BatchNorm2d that follows"
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
        self.a = ConvNorm(c, c, 3)  # expect: RB101:18 "create_conv2d (inside ConvNorm()) bias is cancelled by the BatchNorm2d that follows"
        self.b = ConvNorm(c, c, 3, bias=False)
        self.c = ConvNorm(c, c, 3, norm_layer="layernorm2d")
        # the block's forward applies its conv first: the dw conv's bias meets a 3x3 conv, not the norm
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c)
        self.proj = ConvNorm(c, c, 3, bias=False)

    def forward(self, x):
        return self.a(x), self.b(x), self.c(x), self.proj(self.dw(x))
