"""RB101 through an attention: a value projection's bias, summed with softmax weights, reshaped back, then a 1x1
conv and a norm (the non-local block).  The weights' rows add up to 1, so a bias constant along the summed axis
comes out unchanged."""
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- the bias comes through

class NonLocal(nn.Module):
    def __init__(self, c, inner):
        super().__init__()
        self.inner = inner
        self.g = nn.Conv2d(c, inner, 1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (through the attention's softmax-weighted sum and the 1x1 Conv2d after it)"
        self.theta = nn.Conv2d(c, inner, 1)
        self.phi = nn.Conv2d(c, inner, 1)
        self.W = nn.Sequential(nn.Conv2d(inner, c, 1), nn.BatchNorm2d(c))  # expect: RB101:32 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"

    def forward(self, x):
        b = x.size(0)
        g_x = self.g(x).view(b, self.inner, -1).permute(0, 2, 1)
        theta_x = self.theta(x).view(b, self.inner, -1).permute(0, 2, 1)
        phi_x = self.phi(x).view(b, self.inner, -1)
        f = F.softmax(torch.matmul(theta_x, phi_x), dim=-1)
        y = torch.matmul(f, g_x).permute(0, 2, 1).contiguous()
        return self.W(y.view(b, self.inner, *x.size()[2:])) + x


class PositionAttention(nn.Module):
    """DANet's form: the values on the left, the weights transposed, and a module's softmax."""

    def __init__(self, c):
        super().__init__()
        self.channels = c
        self.query = nn.Conv2d(c, c, 1)
        self.key = nn.Conv2d(c, c, 1)
        self.value = nn.Conv2d(c, c, 1)  # expect: RB101:22 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (through the attention's softmax-weighted sum and the 1x1 Conv2d after it)"
        self.softmax = nn.Softmax(dim=-1)
        self.proj = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        n, c, h, w = x.size()
        q = self.query(x).view(n, -1, h * w).permute(0, 2, 1)
        k = self.key(x).view(n, -1, h * w)
        attention = self.softmax(torch.bmm(q, k))
        v = self.value(x).view(n, self.channels, -1)
        out = torch.bmm(v, attention.permute(0, 2, 1))
        return self.bn(self.proj(out.view(n, self.channels, h, w)))


class Flattened(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.v = nn.Conv2d(c, self.c, 1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (through the attention's softmax-weighted sum and the 1x1 Conv2d after it)"
        self.k = nn.Conv2d(c, c, 1, bias=False)
        self.out = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        v = self.v(x).flatten(2).transpose(1, 2)
        k = self.k(x).flatten(2)
        weights = (k.transpose(1, 2) @ k).softmax(dim=-1)
        y = (weights @ v).transpose(1, 2)
        return self.bn(self.out(y.reshape(x.shape[0], self.c, *x.shape[2:])))


# ---------------------------------------------------------------- the bias stays

class DroppedWeights(nn.Module):
    """Dropout rescales each row of the weights in training: the sum is no longer 1."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.v = nn.Conv2d(c, c, 1)
        self.k = nn.Conv2d(c, c, 1, bias=False)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        b = x.size(0)
        v = self.v(x).view(b, self.c, -1).permute(0, 2, 1)
        k = self.k(x).view(b, self.c, -1)
        weights = self.drop(F.softmax(torch.matmul(v, k), dim=-1))
        y = torch.matmul(weights, v).permute(0, 2, 1).contiguous()
        return self.bn(self.out(y.view(b, self.c, *x.size()[2:])))


class WrongAxis(nn.Module):
    """Softmax over the queries: the rows the product sums do not add up to 1."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.v = nn.Conv2d(c, c, 1)
        self.out = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x, scores):
        b = x.size(0)
        v = self.v(x).view(b, self.c, -1).permute(0, 2, 1)
        y = torch.matmul(F.softmax(scores, dim=1), v).permute(0, 2, 1)
        return self.bn(self.out(y.reshape(b, self.c, *x.shape[2:])))


class OtherChannelCount(nn.Module):
    """``view(b, heads, -1)`` splits the channels into rows: their bias is no longer one per index of axis 1."""

    def __init__(self, c, heads):
        super().__init__()
        self.heads = heads
        self.v = nn.Conv2d(c, c, 1)
        self.out = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x, weights):
        b = x.size(0)
        v = self.v(x).view(b, self.heads, -1).permute(0, 2, 1)
        y = torch.matmul(weights.softmax(-1), v).permute(0, 2, 1)
        return self.bn(self.out(y.reshape(b, -1, *x.shape[2:])))


class ChannelsLastAtTheNorm(nn.Module):
    """The sum left channels-last: the norm reads the positions as its channels."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.v = nn.Conv1d(c, c, 1)
        self.bn = nn.BatchNorm1d(16)

    def forward(self, x, weights):
        v = self.v(x).view(x.size(0), self.c, -1).permute(0, 2, 1)
        return self.bn(torch.matmul(weights.softmax(-1), v))


class NonLocalND(nn.Module):
    """The non-local block as published: ``g`` sub-sampled by a max pool it is wrapped in again, and ``W`` with its
    norm only under ``bn_layer``."""

    def __init__(self, in_channels, inter_channels, sub_sample=True, bn_layer=True):
        super().__init__()
        self.inter_channels = inter_channels
        conv_nd, bn = nn.Conv2d, nn.BatchNorm2d
        self.g = conv_nd(in_channels=in_channels, out_channels=self.inter_channels, kernel_size=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows when bn_layer is true: pass bias=not bn_layer (through the attention's softmax-weighted sum and the 1x1 Conv2d after it)"
        if bn_layer:
            self.W = nn.Sequential(conv_nd(self.inter_channels, in_channels, 1), bn(in_channels))  # expect: RB101:36 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
            nn.init.constant_(self.W[1].weight, 0)
        else:
            self.W = conv_nd(self.inter_channels, in_channels, 1)
            nn.init.constant_(self.W.weight, 0)
        self.theta = conv_nd(in_channels, self.inter_channels, 1)
        self.phi = conv_nd(in_channels, self.inter_channels, 1)
        if sub_sample:
            self.g = nn.Sequential(self.g, nn.MaxPool2d(2))
            self.phi = nn.Sequential(self.phi, nn.MaxPool2d(2))

    def forward(self, x):
        batch_size = x.size(0)
        g_x = self.g(x).view(batch_size, self.inter_channels, -1)
        g_x = g_x.permute(0, 2, 1)
        theta_x = self.theta(x).view(batch_size, self.inter_channels, -1).permute(0, 2, 1)
        phi_x = self.phi(x).view(batch_size, self.inter_channels, -1)
        f_div_c = F.softmax(torch.matmul(theta_x, phi_x), dim=-1)
        y = torch.matmul(f_div_c, g_x).permute(0, 2, 1).contiguous()
        return self.W(y.view(batch_size, self.inter_channels, *x.size()[2:])) + x


class PooledByRank(nn.Module):
    """Attention-Gated-Networks' form: the max pool ``g`` is wrapped with is a class picked by the input's rank."""

    def __init__(self, c, inner, dimension=2, sub_sample=2):
        super().__init__()
        self.inner = inner
        max_pool = nn.MaxPool3d if dimension == 3 else nn.MaxPool2d
        self.g = nn.Conv2d(c, inner, kernel_size=1)  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (through the attention's softmax-weighted sum and the 1x1 Conv2d after it)"
        self.W = nn.Sequential(nn.Conv2d(inner, c, kernel_size=1, bias=False), nn.BatchNorm2d(c))
        if sub_sample > 1:
            self.g = nn.Sequential(self.g, max_pool(kernel_size=sub_sample))

    def forward(self, x, f):
        b = x.size(0)
        g_x = self.g(x).view(b, self.inner, -1).permute(0, 2, 1)
        y = torch.matmul(F.softmax(f, dim=-1), g_x).permute(0, 2, 1).contiguous()
        return self.W(y.view(b, self.inner, *x.size()[2:])) + x


class NormedEitherWay(nn.Module):
    """``W`` set by branch, a norm after its conv on each side: the bias goes through either module to a norm."""

    def __init__(self, c, inner, instance=False):
        super().__init__()
        self.inner = inner
        self.g = nn.Conv2d(c, inner, kernel_size=1)  # expect: RB101:18 "Conv2d bias is cancelled by the InstanceNorm2d that follows: pass bias=False (4 wasted parameters; given to a module set in 2 branches, a norm in each; through the attention's softmax-weighted sum and the 1x1 Conv2d after it)"
        if instance:
            self.W = nn.Sequential(nn.Conv2d(inner, c, 1, bias=False), nn.InstanceNorm2d(c))
        else:
            self.W = nn.Sequential(nn.Conv2d(inner, c, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x, f):
        b = x.size(0)
        g_x = self.g(x).view(b, self.inner, -1).permute(0, 2, 1)
        y = torch.matmul(F.softmax(f, dim=-1), g_x).permute(0, 2, 1).contiguous()
        return self.W(y.view(b, self.inner, *x.size()[2:])) + x


EITHER_WAY = [NormedEitherWay(8, 4), NormedEitherWay(8, 4, instance=True)]
