"""Flax linen and nnx: RB104 in compact bodies, setup + __call__, nnx attributes and Sequential, with the negatives."""
from functools import partial

import flax.linen as nn
from flax import nnx


class Compact(nn.Module):
    @nn.compact
    def __call__(self, x, train: bool):
        x = nn.Conv(64, (3, 3))(x)  # expect: RB104:13 "Conv bias is cancelled by the BatchNorm that follows"
        x = nn.BatchNorm(use_running_average=not train)(x)
        y = nn.Dense(32)(x)  # expect: RB104:13 "Dense bias is cancelled by the BatchNorm that follows"
        y = nn.BatchNorm()(y, use_running_average=not train)
        z = nn.Conv(64, (3, 3), use_bias=False)(y)
        z = nn.BatchNorm(use_running_average=not train)(z)
        a = nn.Conv(64, (3, 3))(z)
        a = nn.BatchNorm(use_running_average=True)(a)  # running statistics only: the bias is not cancelled
        b = nn.Conv(64, (3, 3))(a)
        b = nn.relu(b)
        b = nn.BatchNorm(use_running_average=not train)(b)
        c = nn.Conv(64, (3, 3))(b)
        c = nn.LayerNorm()(c)
        d = nn.Conv(64, (3, 3))(c)
        d = nn.GroupNorm(num_groups=8)(d)
        e = nn.Conv(64, (3, 3))(d)  # expect: RB104:13 "Conv bias is cancelled by the GroupNorm that follows"
        e = nn.GroupNorm(num_groups=None, group_size=1)(e)
        f = nn.Conv(64, (3, 3))(e)
        f = nn.BatchNorm(use_running_average=not train, axis=1)(f)  # axis 1 is not where the bias lies
        g = nn.Conv(64, (3, 3))(f)  # expect: RB104:13 "Conv bias is cancelled by the BatchNorm that follows"
        g = nn.max_pool(g, (2, 2))
        g = nn.BatchNorm(use_running_average=False)(g)
        h = nn.Conv(64, (3, 3))(g)
        h = nn.BatchNorm()(h)  # the mode comes from nowhere: linen raises, and the rule is silent
        return h


class Frozen(nn.Module):
    @nn.compact
    def __call__(self, x):
        train = False
        x = nn.Conv(8, (3, 3))(x)
        return nn.BatchNorm(use_running_average=not train)(x)


class Preset(nn.Module):
    @nn.compact
    def __call__(self, x, train: bool):
        conv = partial(nn.Conv, use_bias=False)
        biased = partial(nn.Conv, kernel_size=(3, 3))
        norm = partial(nn.BatchNorm, use_running_average=not train)
        x = norm()(conv(32, (3, 3))(x))
        return norm()(biased(32)(x))  # expect: RB104:23 "Conv bias is cancelled by the BatchNorm that follows"


class WithSetup(nn.Module):
    def setup(self):
        self.conv = nn.Conv(16, (3, 3))  # expect: RB104:21 "Conv bias is cancelled by the BatchNorm that follows"
        self.bn = nn.BatchNorm(use_running_average=False)
        self.lean = nn.Conv(16, (3, 3), use_bias=False)
        self.bn2 = nn.BatchNorm(use_running_average=False)

    def __call__(self, x):
        return self.bn2(self.lean(self.bn(self.conv(x))))


stacked = nn.Sequential([nn.Dense(8), nn.BatchNorm(use_running_average=False)])  # expect: RB104:26 "Dense bias is cancelled by the BatchNorm that follows"
unknown_mode = nn.Sequential([nn.Dense(8), nn.BatchNorm()])


class Nnx(nnx.Module):
    def __init__(self, rngs: nnx.Rngs):
        self.conv = nnx.Conv(3, 32, (3, 3), rngs=rngs)  # expect: RB104:21 "Conv bias is cancelled by the BatchNorm that follows"
        self.bn = nnx.BatchNorm(32, rngs=rngs)
        self.linear = nnx.Linear(32, 10, rngs=rngs)
        self.frozen = nnx.BatchNorm(10, use_running_average=True, rngs=rngs)
        self.lean = nnx.Linear(10, 10, use_bias=False, rngs=rngs)
        self.gn = nnx.GroupNorm(10, num_groups=10, rngs=rngs)

    def __call__(self, x):
        x = self.bn(self.conv(x))
        return self.gn(self.lean(self.frozen(self.linear(x))))


nnx_stack = nnx.Sequential(
    nnx.Linear(4, 8, rngs=nnx.Rngs(0)),  # expect: RB104:5 "Linear bias is cancelled by the GroupNorm that follows"
    nnx.GroupNorm(8, num_groups=8, rngs=nnx.Rngs(0)),
    nnx.Linear(8, 8, rngs=nnx.Rngs(0)),
    nnx.GroupNorm(8, num_groups=2, rngs=nnx.Rngs(0)),
)


class ReusedAfterTheNorm(nn.Module):
    """The dense output is added again after the norm: the bias is not cancelled there."""

    @nn.compact
    def __call__(self, g, d: int, train: bool):
        r = nn.Dense(d)(g)
        return nn.BatchNorm(use_running_average=not train)(r) + r


class ReusedThroughAName(nn.Module):
    @nn.compact
    def __call__(self, g, train: bool):
        r = nn.Dense(16)(g)
        y = nn.BatchNorm(use_running_average=not train)(r)
        return y + r

