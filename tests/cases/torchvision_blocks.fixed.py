"""torchvision's Conv2dNormActivation (a conv and the norm its norm_layer names, bias=None: on only without a
norm), and blocks that hand it their caller's norm, also through a block class passed as a value and a method
(RAFT's FeatureEncoder(block=ResidualBlock) and _make_2_blocks)."""

import torch.nn as nn
from torchvision.ops import Conv2dNormActivation, Conv3dNormActivation

switched_on = Conv2dNormActivation(3, 8, bias=False)  # expect: RB101:15 "Conv2dNormActivation bias is cancelled by the BatchNorm2d that follows"
by_default = Conv2dNormActivation(3, 8)
no_norm = Conv2dNormActivation(3, 8, norm_layer=None, bias=True)
instance = Conv2dNormActivation(3, 8, 3, 1, None, 1, nn.InstanceNorm2d, None, 1, True, False)  # expect: RB101:12 "Conv2dNormActivation bias is cancelled by the InstanceNorm2d that follows"
layer_norm = Conv2dNormActivation(3, 8, norm_layer=nn.LayerNorm, bias=True)
volume = Conv3dNormActivation(3, 8, bias=False)  # expect: RB101:10 "Conv3dNormActivation bias is cancelled by the BatchNorm3d that follows"


class Residual(nn.Module):
    """Its bias on, its norm the caller's."""

    def __init__(self, cin, cout, *, norm_layer, stride=1):
        super().__init__()
        self.convnormrelu = Conv2dNormActivation(cin, cout, norm_layer=norm_layer, stride=stride, bias=True)

    def forward(self, x):
        return self.convnormrelu(x)


given_norm = Residual(3, 8, norm_layer=nn.BatchNorm2d)  # expect: RB101:14 "Conv2dNormActivation (inside Residual()) bias is cancelled by the BatchNorm2d that follows"
given_none = Residual(3, 8, norm_layer=None)


def residual(channels, norm):
    return Residual(channels, channels, norm_layer=norm)


renamed = residual(8, nn.BatchNorm2d)  # expect: RB101:11 "Conv2dNormActivation (inside residual(), built at line 21) bias is cancelled by the BatchNorm2d"
renamed_none = residual(8, None)


class Encoder(nn.Module):
    """The block class and the norm chosen by the caller, the blocks built by a method."""

    def __init__(self, *, block=Residual, norm_layer=None):
        super().__init__()
        self.layer1 = self._make_blocks(block, 8, 16, norm_layer=norm_layer)

    def _make_blocks(self, block, cin, cout, norm_layer):
        return nn.Sequential(block(cin, cout, norm_layer=norm_layer), block(cout, cout, norm_layer=norm_layer))

    def forward(self, x):
        return self.layer1(x)


class Plain(nn.Module):
    """A block with no bias to cancel."""

    def __init__(self, cin, cout, *, norm_layer):
        super().__init__()
        self.conv = Conv2dNormActivation(cin, cout, norm_layer=norm_layer)

    def forward(self, x):
        return self.conv(x)


def _model(*, encoder_norm, encoder_block):
    return Encoder(block=encoder_block, norm_layer=encoder_norm)


def large():
    return _model(encoder_norm=nn.InstanceNorm2d, encoder_block=Residual)  # expect: RB101:12 "Conv2dNormActivation (inside _model(), built at line 21) bias is cancelled by the InstanceNorm2d"


def small():
    return _model(encoder_norm=None, encoder_block=Residual)


def plain():
    return _model(encoder_norm=nn.BatchNorm2d, encoder_block=Plain)
