"""Steps between the biased layer and the norm: transparent ones keep the chain."""
import torch
import torch.nn as nn

chains = [
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.Identity(), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.MaxPool2d(2, padding=1), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv1d(3, 8, 3, bias=False), nn.AdaptiveMaxPool1d(4), nn.BatchNorm1d(8)),  # expect: RB101:19 "Conv1d bias is cancelled by the BatchNorm1d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.AdaptiveAvgPool2d(1), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.AvgPool2d(2), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.AvgPool2d(3, 1, 1, count_include_pad=False), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.Upsample(scale_factor=2), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.Upsample(scale_factor=2, mode="bilinear"), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.ReflectionPad2d(1), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.ReplicationPad2d(1), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.Flatten(), nn.BatchNorm1d(8 * 4 * 4)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm1d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.Dropout(0.0), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.Conv2d(3, 8, 3, bias=False), nn.MaxPool2d(2), nn.Identity(), nn.BatchNorm2d(8)),  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
]

# ---- breaking steps: silent
breaking = [
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.LeakyReLU(0.1), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.GELU(), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.Dropout(0.1), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.Dropout2d(), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.ZeroPad2d(1), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.ConstantPad2d(1, 0.0), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.AvgPool2d(3, 1, 1), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.AvgPool2d(2, divisor_override=1), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.ConvTranspose2d(8, 8, 2, stride=2, bias=False), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.PixelShuffle(2), nn.BatchNorm2d(2)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.Upsample(scale_factor=2, mode=mode), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.AvgPool2d(3, padding=pad), nn.BatchNorm2d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.Flatten(0), nn.BatchNorm1d(8)),
    nn.Sequential(nn.Conv2d(3, 8, 3), nn.Dropout(p), nn.BatchNorm2d(8)),
]


class Separable(nn.Module):
    """A depthwise convolution, then a pointwise one: the 1x1 convolution carries the first bias to the norm."""

    def __init__(self, cin, cout):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False)  # expect: RB101:26 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (through the 1x1 Conv2d after it)"
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.pointwise(self.depthwise(x)))


padded_pointwise = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, 1, padding=1, bias=False), nn.BatchNorm2d(8))
wide_pointwise = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, (1, 3), bias=False), nn.BatchNorm2d(8))
pointwise_after_linear = nn.Sequential(nn.Linear(8, 8), nn.Conv1d(8, 8, 1, bias=False), nn.BatchNorm1d(8))


class Scaled(nn.Module):
    """Inception-ResNet's residual scale: a number times the conv's output keeps its bias a constant per channel."""

    def __init__(self, c, scale=0.2):
        super().__init__()
        self.scale = scale
        self.conv = nn.Conv2d(c, c, 1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)
        self.halved = nn.Conv2d(c, c, 1, bias=False)  # expect: RB101:23 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn_half = nn.BatchNorm2d(c)
        self.gated = nn.Conv2d(c, c, 1)  # times a tensor, which varies across positions
        self.bn_gated = nn.BatchNorm2d(c)
        self.inverted = nn.Conv2d(c, c, 1)  # a number divided by it
        self.bn_inverted = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.bn(self.conv(x) * self.scale + x)
        y = self.bn_half(0.5 * self.halved(y) / 2)
        y = self.bn_gated(self.gated(y) * torch.sigmoid(y))
        return self.bn_inverted(1.0 / self.inverted(y))


class ShapeRead(nn.Module):
    """A read of the conv's output that asks only its shape takes none of its values."""

    def __init__(self, c):
        super().__init__()
        self.proj = nn.Conv2d(3, c, 4, 4, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)
        self.sized = nn.Conv2d(c, c, 1, bias=False)  # expect: RB101:22 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn_sized = nn.BatchNorm2d(c)
        self.kept = nn.Conv2d(c, c, 1)  # also stored: a copy keeps the bias
        self.bn_kept = nn.BatchNorm2d(c)
        self.summed = nn.Conv2d(c, c, 1)  # its mean is logged: the bias moves it
        self.bn_summed = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.proj(x)
        B, C, H, W = x.shape
        x = self.bn(x)
        y = self.sized(x)
        print(y.size(1), y.dtype)
        y = self.bn_sized(y)
        z = self.kept(y)
        self.features = z
        z = self.bn_kept(z)
        w = self.summed(z)
        print(w.mean())
        return self.bn_summed(w).view(B, C, H, W)
