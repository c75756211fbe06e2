"""torchvision's Conv2dNormActivation (a conv and the norm its norm_layer names, bias=None: on only without a
norm), and blocks that hand it their caller's norm."""

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


def residual(channels, norm_layer):
    return Residual(channels, channels, norm_layer=norm_layer)


handed_on = residual(8, nn.BatchNorm2d)  # expect: RB101:13 "Conv2dNormActivation (inside residual(), built at line 20) bias is cancelled by the BatchNorm2d"
handed_none = residual(8, None)
