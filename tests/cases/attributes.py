"""Layers assigned in __init__ and composed in forward."""
import torch.nn as nn
import torch.nn.functional as F


class Nested(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 64, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(64)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Statements(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.pool = nn.MaxPool2d(2)
        self.bn = nn.BatchNorm2d(c)
        self.act = nn.ReLU()

    def forward(self, x):
        x = self.conv(x)
        x = self.pool(x)
        x = self.bn(x)
        return self.act(x)


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x, skip):
        y = self.conv(x) + skip
        return self.bn(y)


class Functional(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(F.max_pool2d(self.conv(x), 2))


# ---- negatives


class ReusedOutput(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y


class AppliedTwice(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x)), self.conv(x)


class ActivationBetween(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        x = F.relu(x)
        return self.bn(x)


class OptionalNorm(nn.Module):
    def __init__(self, c, use_bn):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)
        self.use_bn = use_bn

    def forward(self, x):
        x = self.conv(x)
        if self.use_bn:
            x = self.bn(x)
        return x


class ConditionalLayer(nn.Module):
    def __init__(self, c, use_bn):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        if use_bn:
            self.norm = nn.BatchNorm2d(c)
        else:
            self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.conv(x))


class Base(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.norm(self.conv(x))


class Derived(Base):
    def __init__(self, c):
        super().__init__(c)
        self.norm = nn.LayerNorm(c)


class PassedIn(nn.Module):
    def __init__(self, conv, c):
        super().__init__()
        self.conv = conv
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class Frozen(nn.Module):
    def __init__(self, c):
        super().__init__()
        from torchvision.ops import FrozenBatchNorm2d

        self.conv = nn.Conv2d(c, c, 3)
        self.bn = FrozenBatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class TransposedFirst(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.proj = nn.Linear(c, c)  # expect: RB101:21 "Linear bias is cancelled by the BatchNorm1d that follows"
        self.bn = nn.BatchNorm1d(c)

    def forward(self, x):  # (N, L, C) -> (N, C, L): the features land on the norm's channel axis
        return self.bn(self.proj(x).transpose(1, 2))


class Registered(nn.Module):
    """add_module stores under a name, as an assignment to self does."""

    def __init__(self, c):
        super().__init__()
        self.add_module("conv", nn.Conv2d(c, c, 3))  # expect: RB101:33 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.register_module("bn", nn.BatchNorm2d(c))

    def forward(self, x):
        return self.bn(self.conv(x))


class RegisteredTwice(nn.Module):
    def __init__(self, c, plain):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        if plain:
            self.add_module("conv", nn.Identity())
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class RegisteredByPattern(nn.Module):
    """A name built at run time: every attribute it may be is unknown, the others are not."""

    def __init__(self, c, n):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)
        self.proj = nn.Linear(c, c)  # expect: RB101:21 "Linear bias is cancelled by the BatchNorm1d that follows"
        self.norm = nn.BatchNorm1d(c)
        for i in range(n):
            self.add_module(f"conv{i}", nn.Identity())

    def forward(self, x, y):
        return self.bn(self.conv(x)), self.norm(self.proj(y))


class RegisteredByAnyName(nn.Module):
    def __init__(self, c, name):
        super().__init__()
        self.proj = nn.Linear(c, c)
        self.norm = nn.BatchNorm1d(c)
        self.add_module(name, nn.Identity())

    def forward(self, y):
        return self.norm(self.proj(y))


class RegisteredElsewhere(nn.Module):
    def __init__(self, c, other):
        super().__init__()
        other.add_module("conv", nn.Identity())
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class RegisteredByVariable(nn.Module):
    """The name held in a variable assigned once (mmocr's ResNetABI): what it starts with is read there."""

    def __init__(self, c, n):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3)  # expect: RB101:22 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn1 = nn.BatchNorm2d(c)
        for i in range(n):
            layer_name = f"layer{i + 1}"
            self.add_module(layer_name, nn.Identity())

    def forward(self, x):
        return self.bn1(self.conv1(x))


class RegisteredByFormat(nn.Module):
    """torchvision's DenseNet names its layers "denselayer%d" % (i + 1): only attributes so named are unknown."""

    def __init__(self, c, n):
        super().__init__()
        self.conv0 = nn.Conv2d(c, c, 3)  # expect: RB101:22 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm0 = nn.BatchNorm2d(c)
        for i in range(n):
            self.add_module("denselayer%d" % (i + 1), nn.Identity())
            self.add_module("transition{}".format(i), nn.Identity())
            self.add_module("pool" + str(i), nn.Identity())

    def forward(self, x):
        return self.norm0(self.conv0(x))


class NamedAtRunTime(nn.Module):
    """face-alignment's FAN: modules stored under names built in a loop and read back the same way."""

    def __init__(self, n):
        super().__init__()
        self.n = n
        for i in range(n):
            self.add_module("conv_last" + str(i), nn.Conv2d(8, 8, 1))  # expect: RB101:51 "Conv2d bias is cancelled by the BatchNorm2d that follows"
            self.add_module("bn_end" + str(i), nn.BatchNorm2d(8))
            self.add_module("head" + str(i), nn.Conv2d(8, 8, 1))
            self.add_module("head_norm" + str(i), nn.BatchNorm2d(8))
            self.add_module("dup" + str(i), nn.Conv2d(8, 8, 1))
            self.add_module("norm_dup" + str(i), nn.BatchNorm2d(8))
            self.add_module("lit" + str(i), nn.Conv2d(8, 8, 1))
            self.add_module("norm_lit" + str(i), nn.BatchNorm2d(8))
            self.add_module(f"cond{i}", nn.Conv2d(8, 8, 1) if i else nn.Identity())
            self.add_module(f"norm_cond{i}", nn.BatchNorm2d(8))
        self.lit_extra = nn.Identity()

    def forward(self, x):
        outs = []
        for i in range(self.n):
            outs.append(self._modules["bn_end" + str(i)](self._modules["conv_last" + str(i)](x)))
            # "head" begins "head_norm" too: the two reads may be of one module
            outs.append(self._modules["head_norm" + str(i)](self._modules["head" + str(i)](x)))
            # read in two places: the output of one module may go two ways
            outs.append(self._modules["norm_dup" + str(i)](self._modules["dup" + str(i)](x)))
            outs.append(self._modules["dup" + str(i)](x))
            # self.lit_extra is a "lit" name too; a conditional construction is two
            outs.append(self._modules["norm_lit" + str(i)](self._modules["lit" + str(i)](x)))
            outs.append(self._modules[f"norm_cond{i}"](self._modules[f"cond{i}"](x)))
        return outs


class Built(nn.Module):
    """A base that builds the layers its subclass applies (torchvision's quantizable blocks have this shape)."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = nn.BatchNorm2d(c)


class Applied(Built):
    def __init__(self, c):
        super().__init__(c)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class BuiltTwice(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)
        self.act = nn.ReLU()


class AppliedCancelled(BuiltTwice):
    def forward(self, x):
        return self.bn(self.conv(x))


class AppliedKept(BuiltTwice):
    # a sibling applies the same conv before an activation: the base's conv keeps its bias there
    def forward(self, x):
        return self.bn(self.act(self.conv(x)))


class BuiltThenReplaced(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)


class ReplacesNorm(BuiltThenReplaced):
    def __init__(self, c):
        super().__init__(c)
        self.bn = nn.Identity()

    def forward(self, x):
        return self.bn(self.conv(x))


class Mixin:
    pass


class BuiltBesideMixin(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)


class AppliedWithForeignBase(BuiltBesideMixin, SomeMixin):  # noqa: F821 - a base of another module may set self.bn
    def forward(self, x):
        return self.bn(self.conv(x))


class ReplacedBySetattr(nn.Module):
    """setattr(self, name, module) stores as self.name = module does: it replaces the norm where use_bn is false,
    which its default is not: the finding holds where use_bn is true, and its fix follows the flag."""

    def __init__(self, c, use_bn=True):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when use_bn is true: pass bias=not use_bn"
        self.bn = nn.BatchNorm2d(c)
        if not use_bn:
            setattr(self, "bn", nn.Identity())

    def forward(self, x):
        return self.bn(self.conv(x))


class ReplacedByAnyName(nn.Module):
    def __init__(self, c, names=("bn",)):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)
        for name in names:
            setattr(self, name, nn.Identity())

    def forward(self, x):
        return self.bn(self.conv(x))


class AppliedByGetattr(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x)), getattr(self, "conv")(x)  # the conv is applied twice


class StoredBySetattr(nn.Module):
    def __init__(self, c):
        super().__init__()
        setattr(self, "conv", nn.Conv2d(c, c, 3))  # expect: RB101:31 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        setattr(self, "bn", nn.BatchNorm2d(c))

    def forward(self, x):
        return self.bn(self.conv(x))


class SetattrLooped(nn.Module):
    """The issue's shape: layers stored with setattr in a loop, read back with getattr."""

    def __init__(self, c, n=3):
        super().__init__()
        self.n = n
        for i in range(n):
            setattr(self, f"conv{i}", nn.Conv2d(c, c, 3, padding=1))  # expect: RB101:39 "Conv2d bias is cancelled by the BatchNorm2d that follows"
            setattr(self, f"bn{i}", nn.BatchNorm2d(c))

    def forward(self, x):
        for i in range(self.n):
            x = getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(x))
        return x


class SetattrLoopedTwice(nn.Module):
    def __init__(self, c, n=3):
        super().__init__()
        self.n = n
        for i in range(n):
            setattr(self, f"conv{i}", nn.Conv2d(c, c, 3, padding=1))
            setattr(self, f"bn{i}", nn.BatchNorm2d(c))

    def forward(self, x):
        for i in range(self.n):
            x = getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(x))
        return x, getattr(self, "conv0")(x)  # one of the family read again by its name


class NormProperty(nn.Module):
    """The norm read through a property of the class."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self._bn = nn.BatchNorm2d(c)

    @property
    def norm1(self):
        """The norm."""
        return self._bn

    def forward(self, x):
        return self.norm1(self.conv(x))


class BaseWithProperty(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self._bn = nn.BatchNorm2d(c)

    @property
    def norm1(self):
        return self._bn

    def forward(self, x):
        return self.norm1(self.conv(x))


class Redefined(BaseWithProperty):
    @property
    def norm1(self):  # a subclass applies another module: the base's conv meets no norm there
        return nn.Identity()


class CachedProperty(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self._bn = nn.BatchNorm2d(c)

    @property
    def norm1(self):
        self.calls = getattr(self, "calls", 0) + 1
        return self._bn

    def forward(self, x):
        return self.norm1(self.conv(x))


class TrailingCommas(nn.Sequential):
    """torchvision's old DenseNet layer, as its copies write it: a comma after each add_module makes each statement a
    tuple of the call, which stores the module all the same."""

    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.add_module("conv1", nn.Conv2d(c, c, 1)),  # expect: RB101:34 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.add_module("norm1", norm_layer(c)),
        self.add_module("relu1", nn.ReLU(True)),

