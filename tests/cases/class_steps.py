"""A module class of the file whose input meets a norm first (``return self.act(self.bn(x))``), or a bias-free 1x1
convolution and then a norm (yolov7's ``Conv(c, c, 1)``), cancels the bias of the layer it is applied to; one whose
output is a producer's past a step that keeps its bias (a ``Dropout(0)``) wastes that bias before a norm."""
import torch
import torch.nn.functional as F
from torch import nn


class BNAct(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(x))


class Conv(nn.Module):
    # yolov7's Conv: conv, norm, activation, composed in forward.
    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Shaped(nn.Module):
    # Reads its input's shape, and applies the norm through variables bound once.
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
        self.act = nn.ReLU()

    def forward(self, x):
        assert x.dim() == 4, x.shape
        y = self.bn(x)
        return self.act(y)


class Residual(nn.Module):
    # The input also reaches the output past the norm: its bias is not cancelled.
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(x) + x


class Mix(nn.Module):
    def forward(self, a, b):
        return a + b


class TwoInputs(nn.Module):
    # The step after the norm is given the input again.
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
        self.mix = Mix()

    def forward(self, x):
        return self.mix(self.bn(x), x)


class ActFirst(nn.Module):
    # A nonlinearity between the 1x1 convolution and the norm.
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1, bias=False)
        self.act = nn.ReLU()
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.act(self.conv(x)))



class Mlp(nn.Module):
    # yolov7's Mlp: its output is fc2's, past a dropout that drops nothing by default.
    def __init__(self, c, hidden, drop=0.0):
        super().__init__()
        self.fc1 = nn.Linear(c, hidden)
        self.act = nn.SiLU()
        self.fc2 = nn.Linear(hidden, c)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        x = self.drop(self.act(self.fc1(x)))
        return self.drop(self.fc2(x))


class Tokens(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.mlp = Mlp(c, 4 * c)  # expect: RB101:20 "Linear (built by Mlp()) bias is cancelled by the BatchNorm1d that follows"
        self.bn = nn.BatchNorm1d(c)
        self.mlp_drop = Mlp(c, 4 * c, drop=0.1)  # a dropout that drops: a random mask per element
        self.bn_drop = nn.BatchNorm1d(c)
        # A 1x1 convolution after a Linear whose bias a permute moved onto the channels.
        self.fc = nn.Linear(c, c)  # expect: RB101:19 "Linear bias is cancelled by the BatchNorm1d that follows"
        self.pw = nn.Conv1d(c, c, 1, bias=False)
        self.bn_pw = nn.BatchNorm1d(c)
        self.fc3 = nn.Linear(c, c)  # a 3-wide convolution with padding after it: not constant at the ends
        self.conv3 = nn.Conv1d(c, c, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm1d(c)

    def forward(self, x):  # x: (B, L, C)
        x = self.bn(self.mlp(x).permute(0, 2, 1)).permute(0, 2, 1)
        x = self.bn_pw(self.pw(self.fc(x).permute(0, 2, 1))).permute(0, 2, 1)
        x = self.bn3(self.conv3(self.fc3(x).permute(0, 2, 1))).permute(0, 2, 1)
        return self.bn_drop(self.mlp_drop(x).permute(0, 2, 1))


class PaddedConv(nn.Module):
    # Emu3's Conv3d: its input's name re-bound on the way (padded, then convolved); its output is the conv's.
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)

    def forward(self, x):
        x = F.pad(x, (1, 1, 1, 1), mode="replicate")
        x = self.conv(x)
        return x

class BasicConv(nn.Module):
    # Inception's BasicConv2d: the same steps written as statements re-binding the input's name.
    def __init__(self, c1, c2):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.conv(x)
        x = self.bn(x)
        x = self.relu(x)
        return x


class KeptInput(nn.Module):
    # As statements, but the input is also kept aside: something else may read it.
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        self.kept = x
        x = self.conv(x)
        x = self.bn(x)
        return x


class Cached(nn.Module):
    # As statements, but the convolution's output is also kept aside before the norm takes its mean away.
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, kernel_size=1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        self.cache = x
        x = self.bn(x)
        return x


class ConditionalNorm(nn.Module):
    # BigGAN's conditional norm: its input goes to the norm alone, on every path, whatever comes after it.
    def __init__(self, c, dim, use_cbn=True):
        super().__init__()
        self.use_cbn = use_cbn
        self.gain = nn.Linear(dim, c, bias=False)
        self.shift = nn.Linear(dim, c, bias=False)
        self.bn = nn.BatchNorm2d(c, affine=not use_cbn)

    def forward(self, x, y):
        if self.use_cbn:
            gain = (1.0 + self.gain(y)).view(y.size(0), -1, 1, 1)
            shift = self.shift(y).view(y.size(0), -1, 1, 1)
            out = self.bn(x)
            out = out * gain + shift
        else:
            out = self.bn(x)
        return out


class Spade(nn.Module):
    # SPADE: a parameter-free norm, then a scale and shift computed from another input, sized by the first.
    def __init__(self, c, label_nc):
        super().__init__()
        self.param_free_norm = nn.InstanceNorm2d(c, affine=False)
        self.shared = nn.Sequential(nn.Conv2d(label_nc, 128, 3, padding=1), nn.ReLU())
        self.gamma = nn.Conv2d(128, c, 3, padding=1)
        self.beta = nn.Conv2d(128, c, 3, padding=1)

    def forward(self, x, segmap):
        normalized = self.param_free_norm(x)
        segmap = F.interpolate(segmap, size=x.size()[2:], mode="nearest")
        actv = self.shared(segmap)
        return normalized * (1 + self.gamma(actv)) + self.beta(actv)


class SpadeByKind(nn.Module):
    # SPADE as written: its parameter-free norm picked by a string, every kind one that cancels.
    def __init__(self, kind, c, label_nc):
        super().__init__()
        if kind == "instance":
            self.param_free_norm = nn.InstanceNorm2d(c, affine=False)
        elif kind == "batch":
            self.param_free_norm = nn.BatchNorm2d(c, affine=False)
        elif kind == "syncbatch":  # (SPADE's vendored SynchronizedBatchNorm2d reads as a BatchNorm2d: named once)
            self.param_free_norm = nn.BatchNorm2d(c, affine=False)
        else:
            raise ValueError(kind)
        self.gamma = nn.Conv2d(label_nc, c, 3, padding=1)

    def forward(self, x, segmap):
        return self.param_free_norm(x) * (1 + self.gamma(segmap))


class SpadeOrGroups(nn.Module):
    # One kind keeps the bias (a GroupNorm with several channels per group).
    def __init__(self, kind, c):
        super().__init__()
        if kind == "batch":
            self.norm = nn.BatchNorm2d(c)
        else:
            self.norm = nn.GroupNorm(4, c)

    def forward(self, x, y):
        return self.norm(x) * y


class LeakyConditional(nn.Module):
    # The input also reaches the output past the norm.
    def __init__(self, c, dim):
        super().__init__()
        self.gain = nn.Linear(dim, c, bias=False)
        self.bn = nn.BatchNorm2d(c, affine=False)

    def forward(self, x, y):
        return self.bn(x) * self.gain(y).view(y.size(0), -1, 1, 1) + x


class EitherNorm(nn.Module):
    # Given to one norm or another by path: one of them keeps a per-channel bias.
    def __init__(self, c, batch=True):
        super().__init__()
        self.batch = batch
        self.bn = nn.BatchNorm2d(c)
        self.ln = nn.GroupNorm(4, c)

    def forward(self, x, y):
        if self.batch:
            return self.bn(x) * y
        return self.ln(x) * y


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.post_a = BNAct(c)
        self.b = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.post_b = Conv(c, c, 1)
        self.c = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.post_c = Shaped(c)
        self.seq = nn.Sequential(nn.Conv2d(c, c, 3, padding=1), Conv(c, c))  # expect: RB101:34 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.padded = PaddedConv(c)  # expect: RB101:23 "Conv2d (built by PaddedConv()) bias is cancelled by the BatchNorm2d that follows"
        self.bn_padded = nn.BatchNorm2d(c)
        self.i = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.post_i = BasicConv(c, c)
        # ---- negatives
        self.d = nn.Conv2d(c, c, 3, padding=1)
        self.post_d = Conv(c, c, 3)  # a 3x3 convolution with padding: the bias is not constant at the border
        self.e = nn.Conv2d(c, c, 3, padding=1)
        self.post_e = Residual(c)
        self.f = nn.Conv2d(c, c, 3, padding=1)
        self.post_f = TwoInputs(c)
        self.g = nn.Conv2d(c, c, 3, padding=1)
        self.post_g = ActFirst(c)
        self.h = nn.Linear(c, c)  # a bias along the last axis: a 1x1 convolution mixes it across channels
        self.post_h = Conv(c, c, 1)
        self.j = nn.Conv2d(c, c, 3, padding=1)
        self.post_j = KeptInput(c)
        self.k = nn.Conv2d(c, c, 3, padding=1)
        self.post_k = Cached(c)

    def forward(self, x):
        x = self.post_a(self.a(x))
        x = self.post_b(self.b(x))
        x = self.post_c(self.c(x))
        x = self.seq(x)
        x = self.bn_padded(self.padded(x))
        x = self.post_i(self.i(x))
        x = self.post_j(self.j(x))
        x = self.post_k(self.k(x))
        x = self.post_d(self.d(x))
        x = self.post_e(self.e(x))
        x = self.post_f(self.f(x))
        x = self.post_g(self.g(x))
        return self.post_h(self.h(x))


class ConvMaybeAct(nn.Module):
    # NeMo's ConvNorm: an optional layer after the conv, applied under an if; None unless the call asks for it.
    def __init__(self, cin, cout, act=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        if act:
            self.act = nn.ReLU()
        else:
            self.act = None

    def forward(self, x):
        y = self.conv(x)
        if self.act is not None:
            y = self.act(y)
        return y


class Wrapped(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.plain = nn.Sequential(ConvMaybeAct(c, c), nn.BatchNorm2d(c))  # expect: RB101:36 "Conv2d (built by ConvMaybeAct()) bias is cancelled by the BatchNorm2d that follows: give ConvMaybeAct() a bias parameter and pass bias=False here"
        self.activated = nn.Sequential(ConvMaybeAct(c, c, act=True), nn.BatchNorm2d(c))  # a ReLU between: kept

    def forward(self, x):
        return self.activated(self.plain(x))


class Conditioned(nn.Module):
    def __init__(self, c, dim, kind):
        super().__init__()
        self.a = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.post_a = ConditionalNorm(c, dim)
        self.b = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the InstanceNorm2d that follows"
        self.post_b = Spade(c, 3)
        self.e = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the InstanceNorm2d or BatchNorm2d that follows"
        self.post_e = SpadeByKind(kind, c, 3)
        self.f = nn.Conv2d(c, c, 3, padding=1)
        self.post_f = SpadeOrGroups(kind, c)
        # ---- negatives
        self.c = nn.Conv2d(c, c, 3, padding=1)
        self.post_c = LeakyConditional(c, dim)
        self.d = nn.Conv2d(c, c, 3, padding=1)
        self.post_d = EitherNorm(c)

    def forward(self, x, y, segmap):
        x = self.post_a(self.a(x), y)
        x = self.post_b(self.b(x), segmap)
        x = self.post_e(self.e(x), segmap)
        x = self.post_f(self.f(x), segmap)
        x = self.post_c(self.c(x), y)
        return self.post_d(self.d(x), y)


net = Net(8)
y = net(torch.randn(2, 8, 8, 8))  # the Linear acts on the last axis (width 8)
tokens = Tokens(8)
z = tokens(torch.randn(2, 5, 8))


# ---------------------------------------------------------------- an input read in several places

class TwoNorms(nn.Module):
    # Each read of the input goes to a norm alone: whatever follows, its bias is gone on every path.
    def __init__(self, c):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(c)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        return torch.cat((self.bn1(x), self.bn2(x)), 1)


class NormAndGroups(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
        self.gn = nn.GroupNorm(2, c)

    def forward(self, x):
        return self.bn(x) + self.gn(x)


class NormAndActivation(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.bn(x) * self.act(x)


both_normed = nn.Sequential(nn.Conv2d(3, 8, 3), TwoNorms(8))  # expect: RB101:29 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (8 wasted parameters; read by 2 layers in TwoNorms(), a norm after each)"
one_grouped = nn.Sequential(nn.Conv2d(3, 8, 3), NormAndGroups(8))
one_activated = nn.Sequential(nn.Conv2d(3, 8, 3), NormAndActivation(8))


# ---------------------------------------------------------------- a residual sum returned

class PreActivated(nn.Module):
    # The output is the conv's plus the input: the conv's bias goes on as a constant per channel.
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
        self.conv = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return self.conv(F.relu(self.bn(x))) + x


class Gated(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return self.conv(x) * x


class TwoBranches(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.shortcut = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return self.conv(x) + self.shortcut(x)


class Stated(nn.Module):
    # pytorch-pose's hourglass block, written as statements.
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(c, c, 1)

    def forward(self, x):
        residual = x
        out = self.bn(x)
        out = self.relu(out)
        out = self.conv(out)
        out += residual
        return out


class StatedKept(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)

    def forward(self, x):
        out = self.conv(x)
        self.kept = out
        out += x
        return out


pre_activated = nn.Sequential(PreActivated(8), nn.BatchNorm2d(8))  # expect: RB101:31 "Conv2d (built by PreActivated()) bias is cancelled by the BatchNorm2d that follows"
gated = nn.Sequential(Gated(8), nn.BatchNorm2d(8))
two_branches = nn.Sequential(TwoBranches(8), nn.BatchNorm2d(8))
stated = nn.Sequential(Stated(8), nn.BatchNorm2d(8))  # expect: RB101:24 "Conv2d (built by Stated()) bias is cancelled by the BatchNorm2d that follows"
stated_kept = nn.Sequential(StatedKept(8), nn.BatchNorm2d(8))
