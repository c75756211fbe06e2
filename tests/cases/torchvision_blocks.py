"""torchvision's Conv2dNormActivation (a conv and the norm its norm_layer names, bias=None: on only without a
norm), and blocks that hand it their caller's norm."""

import torch.nn as nn
from torchvision.ops import Conv2dNormActivation, Conv3dNormActivation

switched_on = Conv2dNormActivation(3, 8, bias=True)  # expect: RB101:15 "Conv2dNormActivation bias is cancelled by the BatchNorm2d that follows"
by_default = Conv2dNormActivation(3, 8)
no_norm = Conv2dNormActivation(3, 8, norm_layer=None, bias=True)
instance = Conv2dNormActivation(3, 8, 3, 1, None, 1, nn.InstanceNorm2d, None, 1, True, True)  # expect: RB101:12 "Conv2dNormActivation bias is cancelled by the InstanceNorm2d that follows"
layer_norm = Conv2dNormActivation(3, 8, norm_layer=nn.LayerNorm, bias=True)
volume = Conv3dNormActivation(3, 8, bias=True)  # expect: RB101:10 "Conv3dNormActivation bias is cancelled by the BatchNorm3d that follows"


class Residual(nn.Module):
    """Its bias on, its norm the caller's."""

    def __init__(self, cin, cout, *, norm_layer, stride=1):
        super().__init__()
        self.convnormrelu = Conv2dNormActivation(cin, cout, norm_layer=norm_layer, stride=stride, bias=True)

    def forward(self, x):
        return self.convnormrelu(x)


given_norm = Residual(3, 8, norm_layer=nn.BatchNorm2d)  # expect: RB101:14 "Conv2dNormActivation (inside Residual()) bias is cancelled by the BatchNorm2d that follows"
given_none = Residual(3, 8, norm_layer=None)


def residual(channels, norm_layer):
    return Residual(channels, channels, norm_layer=norm_layer)


handed_on = residual(8, nn.BatchNorm2d)  # expect: RB101:13 "Conv2dNormActivation (inside residual(), built at line 20) bias is cancelled by the BatchNorm2d"
handed_none = residual(8, None)


def renamed(channels, norm):
    return Residual(channels, channels, norm_layer=norm)  # a parameter of another name, handed to the block's slot


renamed_on = renamed(8, nn.InstanceNorm2d)  # expect: RB101:14 "Conv2dNormActivation (inside renamed(), built at line 20) bias is cancelled by the InstanceNorm2d"
renamed_none = renamed(8, None)


class Encoder(nn.Module):
    """RAFT's FeatureEncoder: the block class is a value its caller picks, built by a private method."""

    def __init__(self, *, block=Residual, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.stem = Conv2dNormActivation(3, 8, norm_layer=norm_layer, bias=True)
        self.layer1 = self._make_2_blocks(block, 8, 8, norm_layer=norm_layer)

    def _make_2_blocks(self, block, cin, cout, norm_layer):
        first = block(cin, cout, norm_layer=norm_layer)
        second = block(cout, cout, norm_layer=norm_layer, stride=1)
        return nn.Sequential(first, second)

    def forward(self, x):
        return self.layer1(self.stem(x))


class Plain(nn.Module):
    """Another block the encoder may be given: its conv keeps its bias off."""

    def __init__(self, cin, cout, *, norm_layer, stride=1):
        super().__init__()
        self.convnormrelu = Conv2dNormActivation(cin, cout, norm_layer=norm_layer, stride=stride, bias=False)

    def forward(self, x):
        return self.convnormrelu(x)


def _encoders(block, norm, **kwargs):
    return Encoder(block=block, norm_layer=norm)


def large(**kwargs):
    return _encoders(Residual, nn.InstanceNorm2d, **kwargs)  # expect: RB101:12 "Conv2dNormActivation (inside _encoders(), built at line 51) bias is cancelled by the InstanceNorm2d" RB101:12 "Conv2dNormActivation (inside _encoders(), built at line 20) bias is cancelled by the InstanceNorm2d"


def small(**kwargs):
    return _encoders(Plain, nn.InstanceNorm2d, **kwargs)  # expect: RB101:12 "Conv2dNormActivation (inside _encoders(), built at line 51) bias is cancelled by the InstanceNorm2d"


def without_norms(**kwargs):
    return _encoders(Residual, None, **kwargs)


class Shared(nn.Module):
    """A private method called from another method too: what it is handed is not the constructor's alone."""

    def __init__(self, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.layer = self._make(Residual, norm_layer)

    def _make(self, block, norm_layer):
        return block(8, 8, norm_layer=norm_layer)

    def grow(self):
        return self._make(Residual, None)

    def forward(self, x):
        return self.layer(x)


shared = Shared(norm_layer=nn.BatchNorm2d)


class Stage(nn.Module):
    """Its norm reaches the block through a private method its constructor calls."""

    def __init__(self, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.blocks = self._make_layer(8, norm_layer)

    def _make_layer(self, channels, norm):
        return nn.Sequential(Residual(channels, channels, norm_layer=norm))

    def forward(self, x):
        return self.blocks(x)


stage = Stage()  # expect: RB101:9 "Conv2dNormActivation (inside Stage(), built at line 20) bias is cancelled by the BatchNorm2d"
stage_without_norm = Stage(norm_layer=None)
