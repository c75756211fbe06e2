"""Blocks read for a call: a branch the call decides against never runs, whatever it would add or reorder; a
switch is whatever parameter reaches the conv's bias, by any name and in any place."""
from torch import nn


class ConvDropNorm(nn.Module):
    # dynamic-network-architectures' ConvDropoutNormReLU: an optional dropout between the conv and the norm.
    def __init__(self, conv_op, cin, cout, conv_bias=False, norm_op=None, dropout_op=None):
        super().__init__()
        ops = []
        self.conv = conv_op(cin, cout, 3, padding=1, bias=conv_bias)
        ops.append(self.conv)
        if dropout_op is not None:
            self.dropout = dropout_op()
            ops.append(self.dropout)
        if norm_op is not None:
            self.norm = norm_op(cout)
            ops.append(self.norm)
        self.all_modules = nn.Sequential(*ops)

    def forward(self, x):
        return self.all_modules(x)


class ConvNormAct(nn.Module):
    # The activation moved before the norm under a flag left at False.
    def __init__(self, cin, cout, conv_bias=False, nonlin_first=False):
        super().__init__()
        ops = [nn.Conv2d(cin, cout, 3, padding=1, bias=conv_bias), nn.BatchNorm2d(cout), nn.LeakyReLU()]
        if nonlin_first:
            ops[-1], ops[-2] = ops[-2], ops[-1]
        self.all_modules = nn.Sequential(*ops)

    def forward(self, x):
        return self.all_modules(x)


class ConvBN(nn.Module):
    def __init__(self, cin, cout, conv_bias=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=conv_bias)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class Basic(nn.Module):
    # Hands its switch on by position, under a name no framework spells.
    def __init__(self, cin, cout, conv_bias=False):
        super().__init__()
        self.c = ConvBN(cin, cout, conv_bias)

    def forward(self, x):
        return self.c(x)


class Other(nn.Module):
    def __init__(self, cin, cout, conv_bias=False):
        super().__init__()
        self.b = Basic(cin, cout, conv_bias)

    def forward(self, x):
        return self.b(x)


class SelfBuilt(nn.Sequential):
    def __init__(self, cin, cout, bias=True, with_dropout=False):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, 1, bias=bias))
        if with_dropout:
            self.add_module("drop", nn.Dropout2d(0.1))
        self.add_module("bn", nn.BatchNorm2d(cout))



class ConvNormActGuarded(nn.Module):
    # The swap guarded by the flag and by the layers being there (dynamic-network-architectures).
    def __init__(self, cin, cout, conv_bias=False, nonlin=None, nonlin_first=False):
        super().__init__()
        ops = [nn.Conv2d(cin, cout, 3, padding=1, bias=conv_bias), nn.BatchNorm2d(cout)]
        if nonlin is not None:
            ops.append(nonlin())
        if nonlin_first and (nonlin is not None):
            ops[-1], ops[-2] = ops[-2], ops[-1]
        self.all_modules = nn.Sequential(*ops)

    def forward(self, x):
        return self.all_modules(x)

plain = ConvDropNorm(nn.Conv2d, 3, 24, False, nn.BatchNorm2d, None)  # expect: RB101:9 "Conv2d (inside ConvDropNorm()) bias is cancelled by the BatchNorm2d that follows"
by_keyword = ConvDropNorm(nn.Conv2d, 3, 24, conv_bias=False, norm_op=nn.BatchNorm2d)  # expect: RB101:14 "Conv2d (inside ConvDropNorm()) bias is cancelled by the BatchNorm2d that follows"
norm_then_act = ConvNormAct(3, 24, False)  # expect: RB101:17 "Conv2d (inside ConvNormAct()) bias is cancelled by the BatchNorm2d that follows"
stem = Basic(1, 8, False)  # expect: RB101:8 "Conv2d (inside Basic(), built at line 41) bias is cancelled by the BatchNorm2d that follows"
container = SelfBuilt(8, 8, bias=False)  # expect: RB101:13 "Conv2d (inside SelfBuilt()) bias is cancelled by the BatchNorm2d that follows"
guarded = ConvNormActGuarded(3, 24, False, nn.ReLU)  # expect: RB101:11 "Conv2d (inside ConvNormActGuarded()) bias is cancelled by the BatchNorm2d that follows"
guarded_no_act = ConvNormActGuarded(3, 24, False, None, True)  # expect: RB101:18 "Conv2d (inside ConvNormActGuarded()) bias is cancelled by the BatchNorm2d that follows"

# ---- negatives
dropped = ConvDropNorm(nn.Conv2d, 3, 24, True, nn.BatchNorm2d, nn.Dropout2d)  # a dropout between: the bias stays
unknown_dropout = ConvDropNorm(nn.Conv2d, 3, 24, True, nn.BatchNorm2d, nn.Dropout2d if len([]) else None)
act_then_norm = ConvNormAct(3, 24, True, nonlin_first=True)  # the LeakyReLU comes first
off = Basic(1, 8, False)
container_dropped = SelfBuilt(8, 8, with_dropout=True)
guarded_swapped = ConvNormActGuarded(3, 24, True, nn.ReLU, True)  # the ReLU comes first
guarded_unknown = ConvNormActGuarded(3, 24, True, nn.ReLU, len([]) > 0)  # the flag is not known: both orders may run


class StringNorm(nn.Module):
    # MUNIT's Conv2dBlock: the norm picked by a string in branches of __init__, the bias a fixed True.
    def __init__(self, cin, cout, norm="none", bias=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=bias)
        if norm == "bn":
            self.norm = nn.BatchNorm2d(cout)
        elif norm == "in":
            self.norm = nn.InstanceNorm2d(cout)
        elif norm == "ln":
            self.norm = nn.GroupNorm(1, cout)
        else:
            self.norm = nn.Identity()

    def forward(self, x):
        return self.norm(self.conv(x))


instance_normed = StringNorm(3, 24, norm="in", bias=False)  # expect: RB101:19 "Conv2d (inside StringNorm()) bias is cancelled by the InstanceNorm2d that follows: pass bias=False to StringNorm()"
batch_normed = StringNorm(3, 24, "bn", bias=False)  # expect: RB101:16 "Conv2d (inside StringNorm()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to StringNorm()"
layer_normed = StringNorm(3, 24, norm="ln")
plain_string = StringNorm(3, 24)
unbiased = StringNorm(3, 24, norm="in", bias=False)


class StringNormApplied(nn.Module):
    # MUNIT's Conv2dBlock as it is: no norm is None, applied under `if self.norm:`; the bias fixed on inside.
    def __init__(self, cin, cout, norm="none"):
        super().__init__()
        self.use_bias = True
        if norm == "in":
            self.norm = nn.InstanceNorm2d(cout)
        elif norm == "none":
            self.norm = None
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=self.use_bias)

    def forward(self, x):
        x = self.conv(x)
        if self.norm:
            x = self.norm(x)
        return x


applied_in = StringNormApplied(3, 24, norm="in")  # expect: RB101:14 "Conv2d (inside StringNormApplied()) bias is cancelled by the InstanceNorm2d that follows: give StringNormApplied() a bias parameter and pass bias=False here"
applied_none = StringNormApplied(3, 24, norm="none")
