"""Norms a project writes by hand: a module class that reads its input only to subtract its mean over the spatial
axes, and to take its spread there (the instance norm of SimSwap-style AdaIN blocks, as insightface's jmlr copies it)."""
import torch
import torch.nn as nn


class InstanceNorm(nn.Module):
    def __init__(self, epsilon=1e-8):
        super().__init__()
        self.epsilon = epsilon

    def forward(self, x):
        x = x - torch.mean(x, (2, 3), True)
        tmp = torch.rsqrt(torch.mean(x * x, (2, 3), True) + self.epsilon)
        return x * tmp


class Cached(nn.Module):
    def forward(self, x):
        self.last = x  # the input kept: what comes in is not only centered
        return x - x.mean((2, 3), keepdim=True)


class PixelNorm(nn.Module):
    # StyleGAN's: scaled over the channels, not centered
    def forward(self, x):
        return x * torch.rsqrt(torch.mean(x ** 2, dim=1, keepdim=True) + 1e-8)


class AdaINBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        layers = [nn.ReflectionPad2d(1)]
        layers += [nn.Conv2d(dim, dim, kernel_size=3, bias=False), InstanceNorm()]  # expect: RB101:20 "Conv2d bias is cancelled by the InstanceNorm that follows: pass bias=False (64 wasted parameters)"
        self.conv = nn.Sequential(*layers)
        self.cached = nn.Sequential(nn.Conv2d(dim, dim, 3), Cached())
        self.pixel = nn.Sequential(nn.Conv2d(dim, dim, 3), PixelNorm())
        self.stem = nn.Sequential(nn.Conv2d(dim, dim, 3, bias=False), nn.BatchNorm2d(dim))

    def forward(self, x):
        return self.stem(self.pixel(self.cached(self.conv(x))))


block = AdaINBlock(64)
