"""Layers assigned in __init__ and composed in forward."""
import torch.nn as nn
import torch.nn.functional as F


class Nested(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(64)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Statements(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.pool = nn.MaxPool2d(2)
        self.bn = nn.BatchNorm2d(c)
        self.act = nn.ReLU()

    def forward(self, x):
        x = self.conv(x)
        x = self.pool(x)
        x = self.bn(x)
        return self.act(x)


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x, skip):
        y = self.conv(x) + skip
        return self.bn(y)


class Functional(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(F.max_pool2d(self.conv(x), 2))


# ---- negatives


class ReusedOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y


class AppliedTwice(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x)), self.conv(x)


class ActivationBetween(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        x = F.relu(x)
        return self.bn(x)


class OptionalNorm(nn.Module):
    def __init__(self, c, use_bn):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)
        self.use_bn = use_bn

    def forward(self, x):
        x = self.conv(x)
        if self.use_bn:
            x = self.bn(x)
        return x


class ConditionalLayer(nn.Module):
    def __init__(self, c, use_bn):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        if use_bn:
            self.norm = nn.BatchNorm2d(c)
        else:
            self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.conv(x))


class Base(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.norm(self.conv(x))


class Derived(Base):
    def __init__(self, c):
        super().__init__(c)
        self.norm = nn.LayerNorm(c)


class PassedIn(nn.Module):
    def __init__(self, conv, c):
        super().__init__()
        self.conv = conv
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class Frozen(nn.Module):
    def __init__(self, c):
        super().__init__()
        from torchvision.ops import FrozenBatchNorm2d

        self.conv = nn.Conv2d(c, c, 3)
        self.bn = FrozenBatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class TransposedFirst(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.proj = nn.Linear(c, c, bias=False)  # expect: RB101:21 "Linear bias is cancelled by the BatchNorm1d that follows"
        self.bn = nn.BatchNorm1d(c)

    def forward(self, x):  # (N, L, C) -> (N, C, L): the features land on the norm's channel axis
        return self.bn(self.proj(x).transpose(1, 2))
