"""Every import spelling resolves; names not bound to torch by an import do not."""
import torch
import torch.nn
from torch import nn as tnn
from torch.nn import BatchNorm2d as BN
from torch.nn import Conv2d as C
from torch.nn.modules.batchnorm import BatchNorm1d
from torch.nn.modules.conv import Conv1d

a = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8))  # expect: RB101:25 "Conv2d bias is cancelled by the BatchNorm2d that follows"
b = tnn.Sequential(C(3, 8, 3), BN(8))  # expect: RB101:20 "Conv2d bias is cancelled by the BatchNorm2d that follows"
c = torch.nn.modules.container.Sequential(torch.nn.modules.conv.Conv2d(3, 8, 3), BN(8))  # expect: RB101:43 "Conv2d bias is cancelled by the BatchNorm2d that follows"
d = tnn.Sequential(Conv1d(3, 8, 3), BatchNorm1d(8))  # expect: RB101:20 "Conv1d bias is cancelled by the BatchNorm1d that follows"


class Conv2d:  # a user's own class, not torch's
    def __init__(self, *args):
        pass


class BatchNorm2d:
    def __init__(self, *args):
        pass


mine = tnn.Sequential(Conv2d(3, 8, 3), BatchNorm2d(8))
mine_norm = tnn.Sequential(C(3, 8, 3), BatchNorm2d(8))
undefined = tnn.Sequential(Conv3d(3, 8, 3), BatchNorm3d(8))
