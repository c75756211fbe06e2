"""A norm built or applied under a flag (``if self.use_bn: x = self.bn(x)``): reported for the path the flag's
callers or its default take, with a bias that follows the flag; silent where the flag is undecided."""

import torch
import torch.nn as nn
import torch.nn.functional as F


class AppliedUnderFlag(nn.Module):
    def __init__(self, cin, cout, use_bn=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when use_bn is true: pass bias=not use_bn"
        self.use_bn = use_bn
        if use_bn:
            self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        x = self.conv(x)
        if self.use_bn:
            x = self.bn(x)
        return F.relu(x)


class BasicConv(nn.Module):  # CBAM's: the norm built or None, applied when there is one
    def __init__(self, cin, cout, kernel_size, relu=True, bn=True, bias=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size, bias=bias)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when bn is true: pass bias=bias and not bn"
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.01, affine=True) if bn else None
        self.relu = nn.ReLU() if relu else None

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        if self.relu is not None:
            x = self.relu(x)
        return x


class AlwaysBuilt(nn.Module):  # the test always holds: no flag to follow
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv1d(c, c, 1)  # expect: RB101:21 "Conv1d bias is cancelled by the BatchNorm1d that follows: pass bias=False"
        self.bn = nn.BatchNorm1d(c)

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        return x


NORMED = True


class FlagFromState(nn.Module):  # the flag is a module constant: the bias follows it too
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when NORMED is true: pass bias=not NORMED"
        self.normed = NORMED
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        if self.normed:
            x = self.bn(x)
        return x


class FlagUndecided(nn.Module):  # the flag is a comparison the analysis does not decide: silent
    def __init__(self, c, mode="bn"):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.normed = mode == "bn"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        if self.normed:
            x = self.bn(x)
        return x


class SwitchedWithTheFlag(nn.Module):
    def __init__(self, c, use_bn=True):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, bias=not use_bn)
        self.use_bn = use_bn
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        if self.use_bn:
            x = self.bn(x)
        return x


class FlagBothWays(nn.Module):  # the file's calls pass the flag both ways: undecided, silent
    def __init__(self, c, use_bn=True):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.use_bn = use_bn
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        if self.use_bn:
            x = self.bn(x)
        return x


PAIR = [FlagBothWays(8), FlagBothWays(8, use_bn=False)]


class FlagOffByDefault(nn.Module):  # the norm only where a caller elsewhere asks: the default keeps the bias
    def __init__(self, c, use_bn=False):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.use_bn = use_bn
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        if self.use_bn:
            x = self.bn(x)
        return x


class TrainingOnly(nn.Module):  # the norm only in training: at evaluation the bias is all there is
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        if self.training:
            x = self.bn(x)
        return x


class ReadInTheBranch(nn.Module):  # the conv's output is also read where the flag holds
    def __init__(self, c, use_bn=True):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.use_bn = use_bn
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.conv(x)
        skip = x
        if self.use_bn:
            x = self.bn(x)
        return torch.cat([x, skip], 1)


class Generator(nn.Module):  # PyTorch-GAN's: a helper inside __init__, its norm under a flag most calls leave on
    def __init__(self, latent_dim, out_dim):
        super().__init__()

        def block(in_feat, out_feat, normalize=True):
            layers = [nn.Linear(in_feat, out_feat)]  # expect: RB101:23 "Linear bias is cancelled by the BatchNorm1d that follows when normalize is true: pass bias=not normalize"
            if normalize:
                layers.append(nn.BatchNorm1d(out_feat, 0.8))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(
            *block(latent_dim, 128, normalize=False),
            *block(128, 256),
            nn.Linear(256, out_dim),
            nn.Tanh(),
        )


class NeverNormalized(nn.Module):  # every call turns the flag off: the bias is used on every path
    def __init__(self, latent_dim, out_dim):
        super().__init__()

        def block(in_feat, out_feat, normalize=True):
            layers = [nn.Linear(in_feat, out_feat)]
            if normalize:
                layers.append(nn.BatchNorm1d(out_feat))
            layers.append(nn.LeakyReLU(0.2))
            return layers

        self.model = nn.Sequential(*block(latent_dim, 128, normalize=False), *block(128, out_dim, False))


class HelperHandedOut(nn.Module):  # the helper escapes: calls elsewhere may pass anything
    def __init__(self, latent_dim, out_dim, make=None):
        super().__init__()

        def block(in_feat, out_feat, normalize):
            layers = [nn.Linear(in_feat, out_feat)]
            if normalize:
                layers.append(nn.BatchNorm1d(out_feat))
            return layers

        self.make = make or block
        self.model = nn.Sequential(*block(latent_dim, out_dim, False))


class Discriminator(nn.Module):  # SRGAN's: a helper's list joined by extend, in a loop, its flag computed per turn
    def __init__(self, in_channels):
        super().__init__()

        def discriminator_block(in_filters, out_filters, first_block=False):
            layers = []
            layers.append(nn.Conv2d(in_filters, out_filters, 3, padding=1))  # expect: RB101:27 "Conv2d bias is cancelled by the BatchNorm2d that follows when first_block is false: pass bias=first_block"
            if not first_block:
                layers.append(nn.BatchNorm2d(out_filters))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            layers.append(nn.Conv2d(out_filters, out_filters, 3, stride=2, padding=1))  # expect: RB101:27 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
            layers.append(nn.BatchNorm2d(out_filters))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        layers = []
        in_filters = in_channels
        for i, out_filters in enumerate([64, 128, 256]):
            layers.extend(discriminator_block(in_filters, out_filters, first_block=(i == 0)))
            in_filters = out_filters
        layers.append(nn.Conv2d(in_filters, 1, 3, padding=1))
        self.model = nn.Sequential(*layers)


def conv_block(cin, cout):
    return [nn.Conv1d(cin, cout, 1), nn.BatchNorm1d(cout), nn.ReLU()]  # expect: RB101:13 "Conv1d bias is cancelled by the BatchNorm1d that follows: pass bias=False"


def joined_by_plus(widths):
    layers = []
    for cin, cout in zip(widths, widths[1:]):
        layers += conv_block(cin, cout)
    return nn.Sequential(*layers)


def joined_opaque(widths, make):
    layers = [nn.Conv1d(widths[0], widths[1], 1)]
    layers += make(widths[1])  # a helper the module does not define: what it adds is unknown
    return nn.Sequential(*layers)


class LoopedFlags(nn.Module):  # the context encoder's: each turn's flag from a literal list of tuples
    def __init__(self, channels):
        super().__init__()

        def block(in_filters, out_filters, stride, normalize):
            layers = [nn.Conv2d(in_filters, out_filters, 3, stride, 1)]  # expect: RB101:23 "Conv2d bias is cancelled by the InstanceNorm2d that follows when normalize is true: pass bias=not normalize"
            if normalize:
                layers.append(nn.InstanceNorm2d(out_filters))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        layers = []
        for out_filters, stride, normalize in [(64, 2, False), (128, 2, True)]:
            layers.extend(block(channels, out_filters, stride, normalize))
            channels = out_filters
        self.model = nn.Sequential(*layers)


class LoopedFlagsOff(nn.Module):  # every turn's flag is off
    def __init__(self, channels):
        super().__init__()

        def block(in_filters, out_filters, normalize):
            layers = [nn.Conv2d(in_filters, out_filters, 3)]
            if normalize:
                layers.append(nn.InstanceNorm2d(out_filters))
            return layers

        layers = []
        for out_filters, normalize in [(64, False), (128, False)]:
            layers += block(channels, out_filters, normalize)
            channels = out_filters
        self.model = nn.Sequential(*layers)


def functional_under_flag(x, weight, bias, use_bn=True):  # a functional bias is a tensor: no flag passes it
    y = F.conv2d(x, weight, bias)  # expect: RB102:9 "conv2d bias is cancelled by the batch_norm that follows when use_bn is true: turn the bias off on that path"
    if use_bn:
        y = F.batch_norm(y, None, None, training=True)
    return y


class SelfTested(nn.Module):  # a store under a test of the attribute it sets
    def __init__(self, c):
        super().__init__()
        self.bn = None
        if self.bn is None:
            self.bn = nn.BatchNorm2d(c)
        else:
            self.bn = nn.Identity()
        self.conv = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return self.bn(self.conv(x))


class EachOther(nn.Module):  # two stores, each under a test of the other attribute
    def __init__(self, c, deploy=False):
        super().__init__()
        if not deploy:
            self.a = nn.BatchNorm2d(c)
        if self.a is not None:
            self.b = nn.BatchNorm2d(c)
        else:
            self.b = None
        if self.b is None:
            self.a = None
        self.conv = nn.Conv2d(c, c, 1)

    def forward(self, x):
        return self.b(self.conv(x))


class StringChosen(nn.Module):  # one store of several, the one the default picks; the norm applied if held
    def __init__(self, cin, cout, norm="bn"):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm == 'bn': pass bias=norm != 'bn'"
        if norm == "bn":
            self.norm = nn.BatchNorm2d(cout)
        elif norm == "in":
            self.norm = nn.InstanceNorm2d(cout)
        else:
            self.norm = None

    def forward(self, x):
        x = self.conv(x)
        if self.norm:
            x = self.norm(x)
        return F.relu(x)


class ChosenByBranches(nn.Module):
    def __init__(self, cin, cout, use_bn=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when use_bn is true: pass bias=not use_bn"
        if use_bn:
            self.bn = nn.BatchNorm2d(cout)
        else:
            self.bn = nn.Identity()

    def forward(self, x):
        return self.bn(self.conv(x))


class ChosenTwoWays(nn.Module):  # a subclass passes the flag off, a call leaves it on: undecided, silent here
    def __init__(self, cin, cout, use_bn=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        if use_bn:
            self.bn = nn.BatchNorm2d(cout)
        else:
            self.bn = nn.Identity()

    def forward(self, x):
        return self.bn(self.conv(x))


class ChosenOff(ChosenTwoWays):
    def __init__(self, cin, cout):
        super().__init__(cin, cout, use_bn=False)


BOTH = [ChosenTwoWays(3, 8)]  # expect: RB101:9 "Conv2d (inside ChosenTwoWays()) bias is cancelled by the BatchNorm2d that follows: give ChosenTwoWays() a bias parameter and pass bias=False here"


class ReadInEitherBranch(nn.Module):  # CenterNet's fully_connected: the output normed, or taken as it is
    def __init__(self, cin, cout, with_bn=True):
        super().__init__()
        self.with_bn = with_bn
        self.linear = nn.Linear(cin, cout)  # expect: RB101:23 "Linear bias is cancelled by the BatchNorm1d that follows when with_bn is true: pass bias=not with_bn"
        if self.with_bn:
            self.bn = nn.BatchNorm1d(cout)

    def forward(self, x):
        linear = self.linear(x)
        bn = self.bn(linear) if self.with_bn else linear
        return F.relu(bn)


class ReadInEitherStatement(nn.Module):
    def __init__(self, cin, cout, with_bn=True):
        super().__init__()
        self.with_bn = with_bn
        self.linear = nn.Linear(cin, cout)  # expect: RB101:23 "Linear bias is cancelled by the BatchNorm1d that follows when with_bn is true: pass bias=not with_bn"
        self.bn = nn.BatchNorm1d(cout)

    def forward(self, x):
        linear = self.linear(x)
        if self.with_bn:
            out = self.bn(linear)
        else:
            out = linear
        return F.relu(out)


class ReadEitherWay(nn.Module):  # the file builds it both ways: undecided, silent
    def __init__(self, cin, cout, with_bn=True):
        super().__init__()
        self.with_bn = with_bn
        self.linear = nn.Linear(cin, cout)
        self.bn = nn.BatchNorm1d(cout)

    def forward(self, x):
        linear = self.linear(x)
        return F.relu(self.bn(linear) if self.with_bn else linear)


EITHER = [ReadEitherWay(3, 8), ReadEitherWay(3, 8, with_bn=False)]


class FlagFromANoneTest(nn.Module):  # ResNeSt's SplAtConv2d: the flag kept from a None test of the norm
    def __init__(self, c, inter, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.fc1 = nn.Conv2d(c, inter, 1)  # expect: RB101:20 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm_layer is not None: pass bias=norm_layer is None"
        self.use_bn = norm_layer is not None
        if self.use_bn:
            self.bn1 = norm_layer(inter)

    def forward(self, x):
        gap = self.fc1(x)
        if self.use_bn:
            gap = self.bn1(gap)
        return F.relu(gap)


class FlagFromANoneDefault(nn.Module):  # the same, with no norm by default and no call passing one: silent
    def __init__(self, c, inter, norm_layer=None):
        super().__init__()
        self.fc1 = nn.Conv2d(c, inter, 1)
        self.use_bn = norm_layer is not None
        if self.use_bn:
            self.bn1 = norm_layer(inter)

    def forward(self, x):
        gap = self.fc1(x)
        if self.use_bn:
            gap = self.bn1(gap)
        return F.relu(gap)


class AdaptiveInstanceNorm2d(nn.Module):  # a norm class of the project that the rows do not know
    def __init__(self, num_features):
        super().__init__()
        self.num_features = num_features

    def forward(self, x):
        return x


class NormByName(nn.Module):  # MUNIT: a name picks the project's class or a framework norm; the default decides
    def __init__(self, c, norm="in"):
        super().__init__()
        norm_layer = AdaptiveInstanceNorm2d if norm == "adain" else nn.InstanceNorm2d
        self.block = nn.Sequential(nn.Conv2d(c, c, 3), norm_layer(c))  # expect: RB101:36 "Conv2d bias is cancelled by the InstanceNorm2d that follows when norm != 'adain': pass bias=norm == 'adain'"

    def forward(self, x):
        return self.block(x)


class NormByNameOther(nn.Module):  # the default picks the class the rows do not know: silent
    def __init__(self, c, norm="adain"):
        super().__init__()
        norm_layer = AdaptiveInstanceNorm2d if norm == "adain" else nn.InstanceNorm2d
        self.block = nn.Sequential(nn.Conv2d(c, c, 3), norm_layer(c))

    def forward(self, x):
        return self.block(x)


class ConvBNRelu(nn.Module):  # pytorch-semseg's: a container with the norm in one branch, without it in the other
    def __init__(self, cin, cout, bias=True, is_batchnorm=True):
        super().__init__()
        conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
        if is_batchnorm:
            self.unit = nn.Sequential(conv, nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
        else:
            self.unit = nn.Sequential(conv, nn.ReLU(inplace=True))

    def forward(self, x):
        return self.unit(x)


class ICNetLike(nn.Module):  # its bias is on exactly where the flag keeps the norm out: the one call passes False
    def __init__(self, is_batchnorm=True):
        super().__init__()
        bias = not is_batchnorm
        self.stem = ConvBNRelu(3, 32, bias=bias, is_batchnorm=is_batchnorm)

    def forward(self, x):
        return self.stem(x)


class OffHere(nn.Module):  # pytorch-semseg's unetConv2: the file's one call turns the flag off, another module's on
    def __init__(self, c, use_bn=True):
        super().__init__()
        if use_bn:  # (the conv's bias is its own default: a caller elsewhere taking this branch wastes it)
            self.body = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c))  # expect: RB101:39 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        else:
            self.body = nn.Sequential(nn.Conv2d(c, c, 3), nn.ReLU())

    def forward(self, x):
        return self.body(x)


UNNORMED = [ICNetLike(is_batchnorm=False), OffHere(8, use_bn=False)]


class LiteralNormed(nn.Module):  # the same, the one call turns the flag on
    def __init__(self, c, use_bn=False):
        super().__init__()
        if use_bn:
            self.body = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c))  # expect: RB101:39 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        else:
            self.body = nn.Sequential(nn.Conv2d(c, c, 3), nn.ReLU())

    def forward(self, x):
        return self.body(x)


TURNED_ON = LiteralNormed(8, use_bn=True)


class BuiltBeforeTheFlag(nn.Module):  # the norm built first, put in the list only where the flag holds
    def __init__(self, c, use_bn=True):
        super().__init__()
        bn = nn.BatchNorm2d(c)
        layers = [nn.Conv2d(c, c, 3)]  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows when use_bn is true: pass bias=not use_bn"
        if use_bn:
            layers.append(bn)
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class HeldIfGiven(nn.Module):  # BicycleGAN's UnetBlock: the norm held in a variable, appended where it is not None
    def __init__(self, c, norm_layer=None):
        super().__init__()
        downnorm = norm_layer(c) if norm_layer is not None else None
        down = [nn.Conv2d(c, c, 3)]  # expect: RB101:17 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm_layer is not None: pass bias=norm_layer is None"
        if downnorm is not None:
            down += [downnorm]
        self.body = nn.Sequential(*down)

    def forward(self, x):
        return self.body(x)


GIVEN = HeldIfGiven(8, norm_layer=nn.BatchNorm2d)
