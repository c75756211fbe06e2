"""A project's own norm class: a subclass of a framework norm that changes nothing it computes is that norm."""
import torch.nn as nn


class SyncBN(nn.BatchNorm2d):
    """Renamed only."""


class ChannelNorm(nn.BatchNorm2d):
    def __init__(self, channels, **kwargs):
        super().__init__(channels, **kwargs)

    def _check_input_dim(self, input):
        return None


class ProjectGN(nn.GroupNorm):
    pass


Renamed = ChannelNorm  # a module-level alias of the project's class


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm = SyncBN(8)
        self.body = nn.Sequential(nn.Conv2d(8, 8, 3), ChannelNorm(8))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.group = nn.Sequential(nn.Conv2d(8, 8, 3), ProjectGN(8, 8))  # expect: RB101:36 "Conv2d bias is cancelled by the GroupNorm that follows"
        self.aliased = nn.Sequential(nn.Conv2d(8, 8, 3), Renamed(8))  # expect: RB101:38 "Conv2d bias is cancelled by the BatchNorm2d that follows"

    def forward(self, x):
        return self.group(self.body(self.norm(self.conv(x))))


# ---- negatives


class FrozenBN(nn.BatchNorm2d):
    def train(self, mode=True):
        return super().train(False)  # always its running statistics: the bias shifts the output


class ScaledBN(nn.BatchNorm2d):
    def forward(self, x):
        return super().forward(x) + x


class GroupsOfEight(nn.GroupNorm):
    def __init__(self, channels):
        super().__init__(channels // 8, channels)  # its own parameters: not GroupNorm's


class Mixed(nn.BatchNorm2d, nn.Identity):  # two bases: not read (it would cancel)
    pass


class Silent(nn.Module):
    def __init__(self):
        super().__init__()
        self.frozen = nn.Sequential(nn.Conv2d(8, 8, 3), FrozenBN(8))
        self.scaled = nn.Sequential(nn.Conv2d(8, 8, 3), ScaledBN(8))
        self.groups = nn.Sequential(nn.Conv2d(8, 8, 3), GroupsOfEight(8))
        self.mixed = nn.Sequential(nn.Conv2d(8, 8, 3), Mixed(8))
        self.pairs = nn.Sequential(nn.Conv2d(8, 8, 3), ProjectGN(4, 8))  # groups of two channels keep a bias
        self.off = nn.Sequential(nn.Conv2d(8, 8, 3, bias=False), SyncBN(8))
