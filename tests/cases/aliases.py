"""A norm imported under another name, called only inside definitions."""
from torch import nn as tnn
from torch.nn import BatchNorm2d as BN
from torch.nn import Conv2d as C

try:
    from torch.nn import InstanceNorm2d as IN
except ImportError:  # pragma: no cover
    raise


class Block(tnn.Module):
    def __init__(self):
        super().__init__()
        self.body = tnn.Sequential(C(3, 8, 3), BN(8))  # expect: RB101:36 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.other = tnn.Sequential(C(3, 8, 3, bias=False), BN(8))


def head():
    return tnn.Sequential(C(8, 8, 1), IN(8))  # expect: RB101:27 "Conv2d bias is cancelled by the InstanceNorm2d that follows"


def plain():
    return tnn.Sequential(C(8, 8, 1), tnn.ReLU(), BN(8))


# A chained assignment binds each name to the value (HRNet's bn_helper: BatchNorm2d_class = BatchNorm2d = ...).
NormClass = Norm = tnn.SyncBatchNorm
chained = tnn.Sequential(C(3, 8, 3), Norm(8))  # expect: RB101:26 "Conv2d bias is cancelled by the SyncBatchNorm that follows"
# Two names of one list alias it: what one adds, the other holds.
layers = extra = [C(3, 8, 3)]
extra.append(tnn.ReLU())
layers.append(BN(8))
aliased = tnn.Sequential(*layers)
