"""A base class's parameters over the calls of its subclasses in the module: one without an ``__init__`` of its own
takes the base's calls (mixins of the module before it change nothing), one with its own hands them on through
``super().__init__(...)``, and one handing on what no one knows (``*args``) leaves them unknown."""

import torch.nn as nn


class Tail(nn.Module):
    def __init__(self, channels, up_norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.model = nn.Sequential(nn.ConvTranspose2d(channels, channels, 3), up_norm_layer(channels))  # expect: RB101:36 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows"

    def forward(self, x):
        return self.model(x)


class OutputMixin:
    def forward(self, x):
        return super().forward(x)[0]


class SingleTail(OutputMixin, Tail):
    pass


single = SingleTail(8)


class Head(nn.Module):
    def __init__(self, channels, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.model = nn.Sequential(nn.Conv2d(channels, channels, 3), norm_layer(channels))

    def forward(self, x):
        return self.model(x)


class PlainHead(Head):
    def __init__(self, channels):
        super().__init__(channels, norm_layer=nn.Identity)  # no norm: the bias does its work here


head = Head(8)  # expect: RB101:8 "Conv2d (inside Head()) bias is cancelled by the BatchNorm2d that follows"


class Open(nn.Module):
    def __init__(self, channels, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.model = nn.Sequential(nn.Conv2d(channels, channels, 3), norm_layer(channels))

    def forward(self, x):
        return self.model(x)


class Forwarding(Open):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


class Sized(nn.Module):
    def __init__(self, channels, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.model = nn.Sequential(nn.Conv2d(channels, channels, 3), norm_layer(channels))  # expect: RB101:36 "Conv2d bias is cancelled by the BatchNorm2d that follows"

    def forward(self, x):
        return self.model(x)


class Wide(Sized):
    def __init__(self, channels):
        super().__init__(channels * 2)


wide = Wide(8)
