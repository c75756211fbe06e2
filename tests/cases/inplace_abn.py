"""mapillary's inplace_abn: a batch norm and its activation in one module (semantic segmentation's DeepLab and
human parsing code, as the norm a model takes by default)."""
import torch.nn as nn
from inplace_abn import ABN, InPlaceABN, InPlaceABNSync


class Head(nn.Module):
    def __init__(self, cin, cout, abn=InPlaceABNSync):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the InPlaceABNSync that follows: pass bias=False (8 wasted parameters; InPlaceABNSync from the default of abn in Head())"
        self.bn = abn(cout)
        self.lean = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = abn(cout)

    def forward(self, x):
        return self.bn2(self.lean(self.bn(self.conv(x))))


head = Head(3, 8)
stem = nn.Sequential(nn.Conv2d(3, 8, 3), InPlaceABN(8))  # expect: RB101:22 "Conv2d bias is cancelled by the InPlaceABN that follows"
fc = nn.Sequential(nn.Linear(16, 8), ABN(8))  # expect: RB101:20 "Linear bias is cancelled by the ABN that follows"
pre = nn.Sequential(InPlaceABN(3), nn.Conv2d(3, 8, 3))
wider = nn.Sequential(nn.Linear(16, 8), ABN(16))
