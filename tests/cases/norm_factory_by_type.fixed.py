"""detectron2's ``get_norm(norm, out_channels)``: a norm given as a string is looked up in a table, one given as a
class is built as it is (``if isinstance(norm, str):`` is false for a class), and an empty string or None builds
none (``len(norm) == 0`` of a literal is decided)."""

import torch.nn as nn


def get_norm(norm, out_channels):
    if norm is None:
        return None
    if isinstance(norm, str):
        if len(norm) == 0:
            return None
        norm = {"BN": nn.BatchNorm2d, "GN": lambda channels: nn.GroupNorm(32, channels), "LN": nn.LayerNorm}[norm]
    return norm(out_channels)


class Head(nn.Module):
    """RetinaNet's head: the norm appended after each conv only when one is asked for."""

    def __init__(self, channels, norm=nn.BatchNorm2d):
        super().__init__()
        layers = []
        for _ in range(2):
            layers.append(nn.Conv2d(channels, channels, 3, padding=1, bias=not norm))  # expect: RB101:27 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm is true: pass bias=not norm"
            if norm:
                layers.append(get_norm(norm, channels))
            layers.append(nn.ReLU())
        self.tower = nn.Sequential(*layers)

    def forward(self, x):
        return self.tower(x)


by_class = nn.Sequential(nn.Conv2d(64, 64, 3, bias=False), get_norm(nn.BatchNorm2d, 64))  # expect: RB101:26 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (64 wasted parameters)"
by_name = nn.Sequential(nn.Conv2d(64, 64, 3, bias=False), get_norm("BN", 64))  # expect: RB101:25 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (64 wasted parameters)"
grouped = nn.Sequential(nn.Conv2d(64, 64, 3), get_norm("GN", 64))
layered = nn.Sequential(nn.Conv2d(64, 64, 3), get_norm(nn.LayerNorm, 64))
empty = nn.Sequential(nn.Conv2d(64, 64, 3), get_norm("", 64))
none = nn.Sequential(nn.Conv2d(64, 64, 3), get_norm(None, 64))
partial_norm = nn.Sequential(nn.Conv2d(64, 64, 3), get_norm(lambda channels: nn.GroupNorm(8, channels), 64))
