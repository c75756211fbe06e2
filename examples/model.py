"""A small image classifier with the habits the plugin finds (and some it rightly accepts).

Run:  flake8 --select RB examples/
"""

from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv3x3(in_channels: int, out_channels: int, stride: int = 1, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=bias)


class BasicBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = conv3x3(channels, channels)  # RB101: the helper's bias defaults to True
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = conv3x3(channels, channels, bias=False)  # fine: no bias
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class Classifier(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.stem = nn.Sequential(OrderedDict([
            ("conv", nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3)),  # RB101
            ("pool", nn.MaxPool2d(3, stride=2, padding=1)),  # max pooling keeps the bias constant
            ("bn", nn.BatchNorm2d(64)),
            ("act", nn.ReLU(inplace=True)),
        ]))
        self.blocks = nn.Sequential(BasicBlock(64), BasicBlock(64))
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64, 128),  # RB101: BatchNorm1d over the same 128 features
            nn.BatchNorm1d(128),
            nn.ReLU(),
            nn.Linear(128, num_classes),  # fine: nothing normalizes the logits
        )
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.blocks(self.stem(x))))


def projection(in_channels: int, out_channels: int) -> nn.Sequential:
    layers = [nn.Conv2d(in_channels, out_channels, 1)]  # RB101
    layers.append(nn.GroupNorm(out_channels, out_channels))  # one channel per group: instance norm
    return nn.Sequential(*layers)


def fine(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3),
        nn.GroupNorm(32, out_channels),  # 32 groups: the bias is not cancelled
        nn.Conv2d(out_channels, out_channels, 3),
        nn.LayerNorm([out_channels, 6, 6]),  # LayerNorm does not cancel a per-channel bias
    )
