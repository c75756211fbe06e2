"""Weight reparametrizations keep the bias; subclasses of nn.Sequential run in order."""
import torch.nn as nn
from torch.nn.utils import parametrizations, spectral_norm


sn = nn.Sequential(spectral_norm(nn.Conv2d(3, 8, 3, bias=False)), nn.BatchNorm2d(8))  # expect: RB101:34 "Conv2d bias is cancelled by the BatchNorm2d that follows"
wn = nn.Sequential(nn.utils.weight_norm(nn.Conv2d(3, 8, 3, bias=False)), nn.BatchNorm2d(8))  # expect: RB101:41 "Conv2d bias is cancelled by the BatchNorm2d that follows"
pn = nn.Sequential(parametrizations.spectral_norm(nn.Linear(4, 8, bias=False)), nn.BatchNorm1d(8))  # expect: RB101:51 "Linear bias is cancelled by the BatchNorm1d that follows"
sn_off = nn.Sequential(spectral_norm(nn.Conv2d(3, 8, 3, bias=False)), nn.BatchNorm2d(8))


class ConvBNAct(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 3, padding=1, bias=False))  # expect: RB101:33 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.add_module("bn", nn.BatchNorm2d(cout))
        self.add_module("act", nn.ReLU(inplace=True))


class ConvBNBySuper(nn.Sequential):
    def __init__(self, cin, cout):
        layers = [nn.Conv2d(cin, cout, 1, bias=False)]  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        layers.append(nn.BatchNorm2d(cout))
        super().__init__(*layers)


class ConvBNAttributes(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(cout)


class DenseNetStyle(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential()
        self.features.add_module("conv0", nn.Conv2d(3, 64, 7, 2, 3, bias=False))  # expect: RB101:43 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.features.add_module("norm0", nn.BatchNorm2d(64))


# ---- negatives


class OptionalNorm(nn.Sequential):
    def __init__(self, cin, cout, use_bn):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 3))
        if use_bn:
            self.add_module("bn", nn.BatchNorm2d(cout))


class HelperBetween(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 3))
        self._add_activation()
        self.add_module("bn", nn.BatchNorm2d(cout))


class PlainModule(nn.Module):
    """add_module on a plain Module registers, but does not order, the forward pass."""

    def __init__(self, cin, cout):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 3))
        self.add_module("bn", nn.BatchNorm2d(cout))



class Rewrapped(nn.Module):
    """SPADE's and BigGAN's shape: a module stored, then stored again through a row that returns it."""

    def __init__(self, c, sn=True, sync=False):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        if sn:
            self.conv = spectral_norm(self.conv)
        self.bn = nn.BatchNorm2d(c)
        if sync:
            self.bn = nn.SyncBatchNorm.convert_sync_batchnorm(self.bn)

    def forward(self, x):
        return self.bn(self.conv(x))


class RewrappedOther(nn.Module):
    """Stored again as another module: not the one it held."""

    def __init__(self, c, plain=True):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        if plain:
            self.conv = spectral_norm(nn.Conv2d(c, c, 3, padding=1, bias=False))
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class SpectralBase(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class Spectral(SpectralBase):
    """A subclass wrapping the base's conv again holds that conv: no other module to read."""

    def __init__(self, c):
        super().__init__(c)
        self.conv = spectral_norm(self.conv)


class ReplacedBase(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class Replaced(ReplacedBase):
    """A subclass storing another module there: the base's conv may be replaced."""

    def __init__(self, c):
        super().__init__(c)
        self.conv = spectral_norm(nn.Conv2d(c, c, 3, padding=1, bias=False))
