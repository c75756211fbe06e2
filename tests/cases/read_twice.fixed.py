"""RB101 where the layer's output is read in several places: the bias is wasted only if a norm cancels it on every path."""
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- every path meets a norm

class BothNorms(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (its output read in 2 places, a norm on every path)"
        self.bn_a = nn.BatchNorm2d(c)
        self.bn_b = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn_a(y) + self.bn_b(y)


class PreActivatedResidual(nn.Module):
    """face-alignment's FAN: the conv's output feeds a pre-activation block and its identity path, and the sum
    a 1x1 conv and a norm."""

    def __init__(self, c):
        super().__init__()
        self.bl = nn.Conv2d(c, c, 1, bias=False)  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (its output read in 2 places, a norm on every path; through the 1x1 Conv2d after it)"
        self.bn = nn.BatchNorm2d(c)
        self.inner = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.last = nn.Conv2d(c, c, 1, bias=False)
        self.bn_end = nn.BatchNorm2d(c)

    def forward(self, x):
        p = self.bl(x)
        h = p + self.inner(F.relu(self.bn(p)))
        return self.bn_end(self.last(h))


class Stream(nn.Module):
    """pytorch-pose's hourglass: a sum on the residual stream read by the next block's norm and by its skip."""

    def __init__(self, c):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c)
        self.conv1 = nn.Conv2d(c, c, 1, bias=False)  # expect: RB101:22 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn2 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c)

    def forward(self, x):
        a = self.conv1(F.relu(self.bn1(x))) + x
        b = self.conv2(F.relu(self.bn2(a))) + a
        return self.bn3(b)


# ---------------------------------------------------------------- a path that keeps the bias: silent

class OneReturned(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y), y


class OneActivated(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.bn_a = nn.BatchNorm2d(c)
        self.bn_b = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn_a(y) + self.bn_b(F.relu(y))


class OneGrouped(nn.Module):
    """A GroupNorm with several channels per group keeps what is not the group's mean."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c)
        self.gn = nn.GroupNorm(2, c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + self.gn(y)


class KeptAside(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        self.features = y
        return self.bn(y)


class SumReturned(nn.Module):
    """The identity path's sum leaves the module: its bias reaches whatever reads the output."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y
