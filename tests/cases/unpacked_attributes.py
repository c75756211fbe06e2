"""Layers stored on ``self`` by one tuple assignment (``self.conv, self.bn = nn.Conv2d(...), nn.BatchNorm2d(...)``):
each attribute holds the value written in its place."""

import torch.nn as nn


class Pair(nn.Module):
    def __init__(self, c: int = 16):
        super().__init__()
        self.c1, self.bn = nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c)  # expect: RB101:28 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (16 wasted parameters)"
        self.c2, self.act = nn.Conv2d(c, c, 3, padding=1), nn.ReLU()  # a ReLU follows: the bias works
        self.c3, self.gn = [nn.Conv2d(c, c, 3, padding=1), nn.GroupNorm(4, c)]  # four channels a group keep it

    def forward(self, x):
        x = self.act(self.c2(self.bn(self.c1(x))))
        return self.gn(self.c3(x))
