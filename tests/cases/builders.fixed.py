"""A model zoo's builders: functions that only call the model function are skipped, unless they may hand it a
switch, a layer class or a decay; then a finding at their call is read as at any other."""

import torch.nn as nn

__all__ = ["conv_bn", "switched", "sized", "spread"]


def conv_bn(cin, cout, bias=False):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, bias=bias), nn.BatchNorm2d(cout))


def switched():
    return conv_bn(3, 8, bias=False)  # expect: RB101:12 "Conv2d (inside conv_bn()) bias is cancelled by the BatchNorm2d that follows"


def sized():
    return conv_bn(3, 8)


def spread(**kwargs):
    return conv_bn(3, 8, **kwargs)
