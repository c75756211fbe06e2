"""nn.Sequential in its positional and OrderedDict forms."""
from collections import OrderedDict

import torch.nn as nn

positional = nn.Sequential(
    nn.Conv2d(3, 64, 3, bias=False),  # expect: RB101:5 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.BatchNorm2d(64),
    nn.ReLU(),
)
tuples = nn.Sequential(OrderedDict([
    ("conv", nn.Conv2d(3, 64, 3, padding=1, bias=False)),  # expect: RB101:14 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    ("bn", nn.BatchNorm2d(64)),
]))
keywords = nn.Sequential(OrderedDict(
    conv=nn.Conv1d(8, 16, 1, bias=False),  # expect: RB101:10 "Conv1d bias is cancelled by the BatchNorm1d that follows"
    norm=nn.BatchNorm1d(16),
))
nested = nn.Sequential(
    nn.Conv2d(3, 8, 1, bias=False),  # expect: RB101:5 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    nn.Sequential(nn.BatchNorm2d(8), nn.ReLU()),
)
every_producer = nn.Sequential(
    nn.Conv1d(1, 2, 3, bias=False), nn.BatchNorm1d(2),  # expect: RB101:5 "Conv1d bias is cancelled by the BatchNorm1d that follows"
    nn.Conv3d(1, 2, 3, bias=False), nn.BatchNorm3d(2),  # expect: RB101:5 "Conv3d bias is cancelled by the BatchNorm3d that follows"
    nn.ConvTranspose1d(1, 2, 3, bias=False), nn.InstanceNorm1d(2),  # expect: RB101:5 "ConvTranspose1d bias is cancelled by the InstanceNorm1d that follows"
    nn.ConvTranspose2d(1, 2, 3, bias=False), nn.InstanceNorm2d(2, affine=True),  # expect: RB101:5 "ConvTranspose2d bias is cancelled by the InstanceNorm2d that follows"
    nn.ConvTranspose3d(1, 2, 3, bias=False), nn.InstanceNorm3d(2),  # expect: RB101:5 "ConvTranspose3d bias is cancelled by the InstanceNorm3d that follows"
    nn.LazyConv1d(2, 3, bias=False), nn.LazyBatchNorm1d(),  # expect: RB101:5 "LazyConv1d bias is cancelled by the LazyBatchNorm1d that follows"
    nn.LazyConv2d(2, 3, bias=False), nn.LazyBatchNorm2d(),  # expect: RB101:5 "LazyConv2d bias is cancelled by the LazyBatchNorm2d that follows"
    nn.LazyConv3d(2, 3, bias=False), nn.LazyBatchNorm3d(),  # expect: RB101:5 "LazyConv3d bias is cancelled by the LazyBatchNorm3d that follows"
    nn.LazyConvTranspose1d(2, 3, bias=False), nn.LazyInstanceNorm1d(),  # expect: RB101:5 "LazyConvTranspose1d bias is cancelled by the LazyInstanceNorm1d that follows"
    nn.LazyConvTranspose2d(2, 3, bias=False), nn.LazyInstanceNorm2d(),  # expect: RB101:5 "LazyConvTranspose2d bias is cancelled by the LazyInstanceNorm2d that follows"
    nn.LazyConvTranspose3d(2, 3, bias=False), nn.LazyInstanceNorm3d(),  # expect: RB101:5 "LazyConvTranspose3d bias is cancelled by the LazyInstanceNorm3d that follows"
    nn.Conv2d(1, 2, 3, bias=False), nn.SyncBatchNorm(2),  # expect: RB101:5 "Conv2d bias is cancelled by the SyncBatchNorm that follows"
    nn.Conv2d(1, 2, 3, bias=False), nn.GroupNorm(2, 2),  # expect: RB101:5 "Conv2d bias is cancelled by the GroupNorm that follows"
    nn.Linear(4, 8, bias=False), nn.BatchNorm1d(8),  # expect: RB101:5 "Linear bias is cancelled by the BatchNorm1d that follows"
    nn.Linear(4, 8, bias=False), nn.SyncBatchNorm(8),  # expect: RB101:5 "Linear bias is cancelled by the SyncBatchNorm that follows"
    nn.LazyLinear(8, bias=False), nn.BatchNorm1d(8),  # expect: RB101:5 "LazyLinear bias is cancelled by the BatchNorm1d that follows"
    nn.Bilinear(4, 4, 8, bias=False), nn.BatchNorm1d(8),  # expect: RB101:5 "Bilinear bias is cancelled by the BatchNorm1d that follows"
)


def group_norm_same_expression(c):
    return nn.Sequential(nn.Conv2d(c, c, 3, bias=False), nn.GroupNorm(c, c))  # expect: RB101:26 "Conv2d bias is cancelled by the GroupNorm that follows"


# ---- negatives

no_bias = nn.Sequential(nn.Conv2d(3, 64, 3, bias=False), nn.BatchNorm2d(64))
activation_between = nn.Sequential(nn.Conv2d(3, 64, 3), nn.ReLU(), nn.BatchNorm2d(64))
layer_norm = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8))
rms_norm = nn.Sequential(nn.Linear(4, 8), nn.RMSNorm(8))
group_norm_fewer_groups = nn.Sequential(nn.Conv2d(3, 64, 3), nn.GroupNorm(32, 64))
group_norm_unknown = nn.Sequential(nn.Conv2d(3, 64, 3), nn.GroupNorm(groups, 64))
norm_before = nn.Sequential(nn.BatchNorm2d(3), nn.Conv2d(3, 64, 3))
last_element = nn.Sequential(nn.BatchNorm2d(3), nn.ReLU(), nn.Conv2d(3, 64, 3))
# A Linear's bias is on the last axis; these norms normalize another axis.
linear_instance_norm = nn.Sequential(nn.Linear(16, 16), nn.InstanceNorm1d(1))
linear_other_width = nn.Sequential(nn.Linear(16, 16), nn.BatchNorm1d(5))
linear_unknown_width = nn.Sequential(nn.Linear(16, width), nn.BatchNorm1d(other))
linear_lazy_norm = nn.Sequential(nn.Linear(16, 16), nn.LazyBatchNorm1d())
unknown_between = nn.Sequential(nn.Conv2d(3, 64, 3), make_layer(), nn.BatchNorm2d(64))
starred_unknown = nn.Sequential(nn.Conv2d(3, 64, 3), *tail)
dict_unknown = nn.Sequential(OrderedDict(pairs))
conditional_norm = nn.Sequential(nn.Conv2d(3, 64, 3), nn.BatchNorm2d(64) if bn else nn.Identity())


# ---------------------------------------------------------------- a layer of the container singled out

def freeze_module(module):  # stands for a project helper: puts the norm in eval mode
    module.eval()


def frozen_norm_in_a_test():
    # YOLOX tests/utils/test_model_utils.py: the BatchNorm is frozen before the only forward.
    model = nn.Sequential(nn.Conv2d(3, 10, 1), nn.BatchNorm2d(10), nn.ReLU())
    freeze_module(model[1])
    return model


def norm_put_in_eval_mode():
    model = nn.Sequential(nn.Conv2d(3, 10, 1), nn.BatchNorm2d(10))
    model[1].eval()
    return model


def element_only_read():
    model = nn.Sequential(nn.Conv2d(3, 10, 1, bias=False), nn.BatchNorm2d(10))  # expect: RB101:27 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    print(model[1].num_features)
    return model


class InitializedNorm(nn.Sequential):
    """doctr's StarNet ConvBN: the norm set up through its state before it is added; not run, not frozen."""

    def __init__(self, cin, cout):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 3, 1, 1, bias=False))  # expect: RB101:33 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        bn = nn.BatchNorm2d(cout)
        nn.init.constant_(bn.weight, 1)
        nn.init.constant_(bn.bias, 0)
        self.add_module("bn", bn)


class FrozenLocalNorm(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 3, 1, 1))
        bn = nn.BatchNorm2d(cout)
        bn.eval()
        self.add_module("bn", bn)


class Bottleneck(nn.Module):
    """ENet's: the middle conv bound by branch, its norm's name bound again after another block read it."""

    def __init__(self, cin, c, downsampling=False, upsampling=False, asymmetric=False):
        super().__init__()
        conv = None
        if downsampling:
            conv = nn.Conv2d(c, c, 3, padding=1, bias=False)  # expect: RB101:20 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        elif upsampling:
            batch_norm = nn.BatchNorm2d(c)
            self.before_unpool = nn.Sequential(nn.Conv2d(cin, c, 1, bias=False), batch_norm)
            conv = nn.ConvTranspose2d(c, c, 3, stride=2, padding=1, output_padding=1, bias=False)  # expect: RB101:20 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows"
        elif asymmetric:
            conv = nn.Sequential(nn.Conv2d(c, c, (5, 1), padding=(2, 0), bias=False), nn.Conv2d(c, c, (1, 5), padding=(0, 2), bias=False))  # expect: RB101:87 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        else:
            conv = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), nn.ReLU())  # a ReLU between: alive
        batch_norm = nn.BatchNorm2d(c)
        self.middle = nn.Sequential(conv, batch_norm, nn.PReLU(c))

    def forward(self, x):
        return self.middle(x)


class BoundByBranchReadTwice(nn.Module):
    """The name read again: its layer's output goes elsewhere too."""

    def __init__(self, c, dilated=False):
        super().__init__()
        if dilated:
            conv = nn.Conv2d(c, c, 3, padding=2, dilation=2)
        else:
            conv = nn.Conv2d(c, c, 3, padding=1)
        self.middle = nn.Sequential(conv, nn.BatchNorm2d(c))
        self.side = conv

    def forward(self, x):
        return self.middle(x) + self.side(x)


class NormBoundAgainReadTwice(nn.Module):
    """The norm's binding read by two containers: one module in two places."""

    def __init__(self, c):
        super().__init__()
        batch_norm = nn.BatchNorm2d(c)
        self.a = nn.Sequential(nn.Conv2d(c, c, 1), batch_norm)
        self.b = nn.Sequential(nn.Conv2d(c, c, 1), batch_norm)
        batch_norm = nn.BatchNorm2d(c)
        self.c = nn.Sequential(nn.Conv2d(c, c, 1, bias=False), batch_norm)  # expect: RB101:32 "Conv2d bias is cancelled by the BatchNorm2d that follows"

    def forward(self, x):
        return self.c(self.b(self.a(x)))
