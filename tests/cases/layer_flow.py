"""RB101 where the bias or the norm travels a step further than a literal."""
import functools
from functools import partial

import torch
import torch.nn as nn
import torch.nn.modules
from mmcv.cnn import xavier_init
from torch.nn.modules import Conv2d as ModulesConv


# ---------------------------------------------------------------- torch.nn.modules spellings

modules_path = nn.Sequential(torch.nn.modules.Conv2d(3, 8, 3), nn.BatchNorm2d(8))  # expect: RB101:30 "Conv2d bias is cancelled by the BatchNorm2d that follows"
modules_import = nn.Sequential(ModulesConv(3, 8, 3), nn.BatchNorm2d(8))  # expect: RB101:32 "Conv2d bias is cancelled by the BatchNorm2d that follows"


# ---------------------------------------------------------------- **dd spread into every layer

class DeviceDtype(nn.Module):
    def __init__(self, c, device=None, dtype=None):
        super().__init__()
        dd = {"device": device, "dtype": dtype}
        self.conv = nn.Conv2d(c, c, 3, **dd)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c, **dd)

    def forward(self, x):
        return self.bn(self.conv(x))


class DictCall(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        factory = dict(device=device)
        self.conv = nn.Conv2d(c, c, 3, **factory)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c, **factory)

    def forward(self, x):
        return self.bn(self.conv(x))


class SpreadHoldsBias(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        dd = {"device": device, "bias": False}
        self.conv = nn.Conv2d(c, c, 3, **dd)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class SpreadChanged(nn.Module):
    def __init__(self, c, use_bias, device=None):
        super().__init__()
        dd = {"device": device}
        dd["bias"] = use_bias
        self.conv = nn.Conv2d(c, c, 3, **dd)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


# ---------------------------------------------------------------- a norm class in a variable or a parameter

def with_norm_variable(c):
    norm_layer = nn.InstanceNorm2d
    return nn.Sequential(nn.Conv2d(c, c, 3), norm_layer(c))  # expect: RB101:26 "Conv2d bias is cancelled by the InstanceNorm2d that follows"


class NormParameter(nn.Module):
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


net = NormParameter(8)


class NormParameterOverridden(nn.Module):
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


# The class's conv is not cancelled for every call: read at each call instead, with its norm bound.
NormParameterOverridden(8)  # expect: RB101:1 "Conv2d (inside NormParameterOverridden()) bias is cancelled by the BatchNorm2d that follows: give NormParameterOverridden() a bias parameter and pass bias=False here"
NormParameterOverridden(8, norm_layer=nn.LayerNorm)


class NormNoneDefault(nn.Module):
    def __init__(self, c, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self.conv = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = norm_layer(c)

    def forward(self, x):
        return self.bn(self.conv(x))


NormNoneDefault(16)


class NormUnused(nn.Module):  # no call in the file: its defaults are what a plain call from elsewhere builds
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (BatchNorm2d from the default of norm_layer in NormUnused())"
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


class NormRequired(nn.Module):  # no call in the file, and no default: the norm is the caller's
    def __init__(self, c, norm_layer):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


class NormUnusedExported(nn.Module):  # named as a value in the file: its calls are not all visible
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = norm_layer(c)

    def forward(self, x):
        return self.norm(self.conv(x))


REGISTRY = {"unused": NormUnusedExported}


BatchNormEps = partial(nn.BatchNorm2d, eps=1e-3)
ConvNoBias = functools.partial(nn.Conv2d, bias=False)
with_partial_norm = nn.Sequential(nn.Conv2d(3, 8, 3), BatchNormEps(8))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows"
with_partial_conv = nn.Sequential(ConvNoBias(3, 8, 3), nn.BatchNorm2d(8))


# ---------------------------------------------------------------- a same-file class that is a producer

class ConvLayer(nn.Module):
    def __init__(self, cin, cout, kernel_size, stride):
        super().__init__()
        self.pad = nn.ReflectionPad2d(kernel_size // 2)
        self.conv = nn.Conv2d(cin, cout, kernel_size, stride)

    def forward(self, x):
        out = self.pad(x)
        return self.conv(out)


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = ConvLayer(c, c, kernel_size=3, stride=1)  # expect: RB101:22 "Conv2d (built by ConvLayer()) bias is cancelled by the InstanceNorm2d that follows"
        self.in1 = nn.InstanceNorm2d(c, affine=True)
        self.conv2 = ConvLayer(c, c, kernel_size=3, stride=1)
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.relu(self.in1(self.conv1(x)))
        return self.relu(self.conv2(out) + x)


class ConvThenAct(nn.Module):  # not a producer: its output passes an activation
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3)

    def forward(self, x):
        return torch.relu(self.conv(x))


after_act = nn.Sequential(ConvThenAct(3, 8), nn.BatchNorm2d(8))


class ConvBnRelu(nn.Module):
    def __init__(self, cin, cout, bias=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


stem = ConvBnRelu(3, 32)
body = ConvBnRelu(32, 32, bias=True)


class ConvBnReluSwitch(nn.Module):
    def __init__(self, cin, cout, bias=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


ConvBnReluSwitch(3, 32)  # expect: RB101:1 "Conv2d (inside ConvBnReluSwitch()) bias is cancelled by the BatchNorm2d that follows"
ConvBnReluSwitch(32, 32, bias=False)


# ---------------------------------------------------------------- initialization code is not a use

class Initialized(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)
        nn.init.kaiming_normal_(self.conv.weight)
        nn.init.zeros_(self.bn.weight)
        xavier_init(self.conv)

    def forward(self, x):
        return self.bn(self.conv(x))


class InitUsesOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)
        self.out_shape = self.conv(torch.zeros(1, c, 8, 8)).shape

    def forward(self, x):
        return self.bn(self.conv(x))


# ---------------------------------------------------------------- ModuleLists used in order

class Stacked(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        for _ in range(n):
            self.convs.append(nn.Conv2d(c, c, 3, padding=1))  # expect: RB101:31 "Conv2d bias is cancelled by the BatchNorm2d that follows"
            self.norms.append(nn.BatchNorm2d(c))

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = torch.relu(norm(conv(x)))
        return x


class Indexed(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.n = n
        self.convs = nn.ModuleList([nn.Conv1d(c, c, 5, padding=2) for _ in range(n)])  # expect: RB101:37 "Conv1d bias is cancelled by the BatchNorm1d that follows"
        self.norms = nn.ModuleList([nn.BatchNorm1d(c) for _ in range(n)])

    def forward(self, x):
        for i in range(self.n):
            x = self.norms[i](self.convs[i](x))
        return x


class AliasedInLoop(nn.Module):  # PointNet++'s set abstraction: the norm read into a local first
    def __init__(self, c, widths):
        super().__init__()
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        for width in widths:
            self.convs.append(nn.Conv2d(c, width, 1))  # expect: RB101:31 "Conv2d bias is cancelled by the BatchNorm2d that follows"
            self.norms.append(nn.BatchNorm2d(width))
            c = width

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            norm = self.norms[i]
            x = torch.relu(norm(conv(x)))
        return x


class AliasedRebound(nn.Module):  # the last conv meets no norm: its bias counts
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(c, c, 1) for _ in range(n)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(c) for _ in range(n)])

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            norm = self.norms[i]
            if i == len(self.convs) - 1:
                norm = torch.tanh
            x = norm(conv(x))
        return x


class AliasedMixed(nn.Module):  # the elements are not all one norm
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(c, c, 1) for _ in range(n)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(c), nn.LayerNorm([c, 8, 8])])

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            norm = self.norms[i]
            x = norm(conv(x))
        return x


class ListsOfLists(nn.Module):  # PointNet++'s multi-scale grouping: a ModuleList of local ModuleLists per scale
    def __init__(self, c, widths_per_scale):
        super().__init__()
        self.conv_blocks = nn.ModuleList()
        self.bn_blocks = nn.ModuleList()
        for widths in widths_per_scale:
            convs = nn.ModuleList()
            bns = nn.ModuleList()
            last = c
            for width in widths:
                convs.append(nn.Conv2d(last, width, 1))  # expect: RB101:30 "Conv2d bias is cancelled by the BatchNorm2d that follows"
                bns.append(nn.BatchNorm2d(width))
                last = width
            self.conv_blocks.append(convs)
            self.bn_blocks.append(bns)

    def forward(self, x):
        out = []
        for i in range(len(self.conv_blocks)):
            y = x
            for j in range(len(self.conv_blocks[i])):
                conv = self.conv_blocks[i][j]
                norm = self.bn_blocks[i][j]
                y = torch.relu(norm(conv(y)))
            out.append(y)
        return out


class ListsOfMixedLists(nn.Module):  # an inner list holds a norm and a ReLU: no one kind of element
    def __init__(self, c, scales):
        super().__init__()
        self.conv_blocks = nn.ModuleList()
        self.bn_blocks = nn.ModuleList()
        for _ in range(scales):
            convs = nn.ModuleList()
            bns = nn.ModuleList()
            convs.append(nn.Conv2d(c, c, 1))
            bns.append(nn.BatchNorm2d(c))
            convs.append(nn.Conv2d(c, c, 1))
            bns.append(nn.ReLU())
            self.conv_blocks.append(convs)
            self.bn_blocks.append(bns)

    def forward(self, x):
        for i in range(len(self.conv_blocks)):
            for conv, norm in zip(self.conv_blocks[i], self.bn_blocks[i]):
                x = norm(conv(x))
        return x


class StackedLayerNorm(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv1d(c, c, 5, padding=2) for _ in range(n)])
        self.norms = nn.ModuleList([nn.LayerNorm(c) for _ in range(n)])

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = norm(conv(x))
        return x


class StackedMixed(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        for i in range(n):
            self.convs.append(nn.Conv2d(c, c, 3, padding=1))
            self.norms.append(nn.BatchNorm2d(c) if i else nn.GroupNorm(4, c))

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = norm(conv(x))
        return x


class StackedActivation(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(n)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(c) for _ in range(n)])

    def forward(self, x):
        for conv, norm in zip(self.convs, self.norms):
            x = norm(torch.relu(conv(x)))
        return x


# ---------------------------------------------------------------- a nested helper returning a layer list

def vgg(cfg):
    def block(cin, cout):
        layers = [nn.Conv2d(cin, cout, 3, padding=1)]  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU(inplace=True))
        return layers

    return nn.Sequential(*block(3, 64), *block(64, 128), nn.MaxPool2d(2))


def vgg_with_a_lambda(cfg):
    def block(cin, cout):
        act = lambda x: x  # noqa: E731 - a nested scope: its own return is not the helper's
        layers = [nn.Conv2d(cin, cout, 3, padding=1)]  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        layers.append(nn.BatchNorm2d(cout))
        return layers

    return nn.Sequential(*block(3, 64))


def vgg_with_a_nested_def(cfg):
    def block(cin, cout):
        def init(module):
            return module

        return [init(nn.Conv2d(cin, cout, 3, padding=1)), nn.BatchNorm2d(cout)]

    def plain(cin, cout):
        def init(module):
            return module

        return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout)]  # expect: RB101:17 "Conv2d bias is cancelled by the BatchNorm2d that follows"

    return nn.Sequential(*block(3, 64), *plain(3, 64))


def vgg_optional(cfg, batch_norm):
    def block(cin, cout):
        layers = [nn.Conv2d(cin, cout, 3, padding=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU(inplace=True))
        return layers

    return nn.Sequential(*block(3, 64))


# ---------------------------------------------------------------- transposes and concatenation

class Transposed(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.proj = nn.Linear(c, c)  # expect: RB101:21 "Linear bias is cancelled by the BatchNorm1d that follows"
        self.bn = nn.BatchNorm1d(c)

    def forward(self, x):  # x: (N, L, C)
        return self.bn(self.proj(x).transpose(1, 2)).transpose(1, 2)


class TransposedConv(nn.Module):  # a conv's channels leave axis 1: the norm sees another axis
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv1d(c, c, 3)
        self.bn = nn.BatchNorm1d(c)

    def forward(self, x):
        return self.bn(self.conv(x).transpose(1, 2))


class TransposedOther(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.proj = nn.Linear(c, c)
        self.bn = nn.BatchNorm1d(n)

    def forward(self, x):
        return self.bn(self.proj(x).transpose(1, 2))


class Inception(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.b = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(3 * c)

    def forward(self, x):
        return torch.relu(self.bn(torch.cat([self.a(x), self.b(x), x], dim=1)))


class ConcatLastAxis(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(torch.cat([self.a(x), x], dim=3))


class Repeated(nn.Module):
    """Bound again later in the same turn of the loop: the conv's output goes to the norm only."""

    def __init__(self, c, n):
        super().__init__()
        self.n = n
        self.conv = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        for _ in range(self.n):
            x = self.conv(x)
            x = self.bn(x)
        return x


class RepeatedByIndex(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(n)])  # expect: RB101:37 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bns = nn.ModuleList([nn.BatchNorm2d(c) for _ in range(n)])
        self.n = n

    def forward(self, x):
        for i in range(self.n):
            x = self.convs[i](x)
            x = self.bns[i](x)
        return x


class RepeatedWithContinue(nn.Module):
    """A turn that skips the norm feeds the conv's output to the conv again."""

    def __init__(self, c, n):
        super().__init__()
        self.n = n
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        for i in range(self.n):
            x = self.conv(x)
            if i % 2:
                continue
            x = self.bn(x)
        return x


class RepeatedOverLength(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(n)])  # expect: RB101:37 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bns = nn.ModuleList([nn.BatchNorm2d(c) for _ in range(n)])

    def forward(self, x):
        for i in range(len(self.convs)):
            x = self.bns[i](self.convs[i](x))
        return x


class Enumerated(nn.Module):
    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList()
        self.bns = nn.ModuleList()
        for _ in range(n):
            self.convs.append(nn.Conv2d(c, c, 3, padding=1))  # expect: RB101:31 "Conv2d bias is cancelled by the BatchNorm2d that follows"
            self.bns.append(nn.BatchNorm2d(c))

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            x = conv(x)
            x = self.bns[i](x)
        return x


class EnumeratedAndProbed(nn.Module):
    """The first conv is also applied on its own, to an input no norm follows."""

    def __init__(self, c, n):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(c, c, 3, padding=1) for _ in range(n)])
        self.bns = nn.ModuleList([nn.BatchNorm2d(c) for _ in range(n)])

    def forward(self, x):
        for i, conv in enumerate(self.convs):
            x = self.bns[i](conv(x))
        return x

    def probe(self, x):
        return self.convs[0](x)


class Delegated(nn.Module):
    """SlowFast's non-local block: __init__ hands its norm class, a default, to the method that builds the layers."""

    def __init__(self, dim, norm_module=nn.BatchNorm3d):
        super().__init__()
        self._construct(dim, norm_module)

    def _construct(self, dim, norm_module):
        self.conv_out = nn.Conv3d(dim, dim, 1, 1, 0)  # expect: RB101:25 "Conv3d bias is cancelled by the BatchNorm3d that follows: pass bias=False (BatchNorm3d from the default of norm_module in Delegated())"
        self.bn = norm_module(num_features=dim)

    def forward(self, x):
        return self.bn(self.conv_out(x))


class TemplateBase(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self._construct(dim, nn.LayerNorm)


class TemplateConcrete(TemplateBase):
    def _construct(self, dim, norm_module=nn.BatchNorm3d):  # the base's call passes a LayerNorm
        self.conv_out = nn.Conv3d(dim, dim, 1, 1, 0)
        self.bn = norm_module(dim)

    def forward(self, x):
        return self.bn(self.conv_out(x))


class DelegatedEscaped(nn.Module):
    def __init__(self, dim, build):
        super().__init__()
        build(self._construct)  # handed on: called with anything
        self._construct(dim, nn.BatchNorm3d)

    def _construct(self, dim, norm_module):
        self.conv_out = nn.Conv3d(dim, dim, 1, 1, 0)
        self.bn = norm_module(num_features=dim)

    def forward(self, x):
        return self.bn(self.conv_out(x))


class TemplateBaseNormed(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self._construct(dim, nn.BatchNorm3d)


class DelegatedPublic(nn.Module):
    """pix2pixHD's ResnetBlock: a public method only the class's own __init__ calls builds the layers."""

    def __init__(self, dim, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.block = self.build_conv_block(dim, norm_layer)

    def build_conv_block(self, dim, norm_layer):
        return nn.Sequential(nn.Conv2d(dim, dim, 3, padding=1), norm_layer(dim))  # expect: RB101:30 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (BatchNorm2d from the default of norm_layer in DelegatedPublic())"

    def forward(self, x):
        return x + self.block(x)


class PublicCalledOutside(nn.Module):  # a public method other code calls too: with anything
    def __init__(self, dim, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.block = self.build_block(dim, norm_layer)

    def build_block(self, dim, norm_layer):
        return nn.Sequential(nn.Conv2d(dim, dim, 3, padding=1), norm_layer(dim))

    def forward(self, x):
        return x + self.block(x)


OUTSIDE = PublicCalledOutside(8)
OUTSIDE.block = OUTSIDE.build_block(8, nn.Identity)


class TemplateNormed(TemplateBaseNormed):
    def _construct(self, dim, norm_module):  # the base's call decides the norm
        self.conv_out = nn.Conv3d(dim, dim, 1, 1, 0)  # expect: RB101:25 "Conv3d bias is cancelled by the BatchNorm3d that follows"
        self.bn = norm_module(dim)

    def forward(self, x):
        return self.bn(self.conv_out(x))
