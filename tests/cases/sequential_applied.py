# RB101: a container held by the model and applied as one step: its output is its last layer's, and a value
# it is applied to meets its first layer.
import torch.nn as nn


class Ends(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, (5, 1)))  # expect: RB101:46 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.bn = nn.BatchNorm2d(c)
        self.head = nn.Conv2d(c, c, 1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.post = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU())

    def forward(self, x):
        x = self.bn(self.conv(x))
        return self.post(self.head(x))


class GrownHere(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(c, c, 1))
        self.conv.add_module("act", nn.ReLU())
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class GrownElsewhere(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, 1))
        self.bn = nn.BatchNorm2d(c)
        self._grow()

    def _grow(self):
        self.conv.add_module("act", nn.ReLU())

    def forward(self, x):
        return self.bn(self.conv(x))


class AppendedInForward(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, 1))
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        self.conv.append(nn.ReLU())
        return self.bn(self.conv(x))


class Replaced(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, 1))
        self.conv[1] = nn.Identity()
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class AppliedTwice(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(c, c, 1))
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(self.conv(x)))


class EndsInAnActivation(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(c, c, 1), nn.ReLU())
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class EndsInAPool(nn.Module):  # the non-local block's sub-sampled g: a conv, then a max pool, then the norm
    def __init__(self, c):
        super().__init__()
        self.g = nn.Sequential(nn.Conv2d(c, c, 1), nn.MaxPool2d(2))  # expect: RB101:32 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.g(x))


class EndsInAPoolAndAnActivation(nn.Module):  # a step after the pool keeps the bias
    def __init__(self, c):
        super().__init__()
        self.g = nn.Sequential(nn.Conv2d(c, c, 1), nn.MaxPool2d(2), nn.ReLU())
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.g(x))


class EndsInAPaddedPool(nn.Module):  # an average pool over zero padding is not transparent
    def __init__(self, c):
        super().__init__()
        self.g = nn.Sequential(nn.Conv2d(c, c, 1), nn.AvgPool2d(3, padding=1))
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.g(x))
