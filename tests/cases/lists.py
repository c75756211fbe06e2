"""Layer lists built by statements, then unpacked into nn.Sequential."""
import torch.nn as nn


def literal_then_unpack(c):
    layers = [nn.Conv2d(c, 64, 3), nn.BatchNorm2d(64)]  # expect: RB101:15 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    return nn.Sequential(*layers)


def appended(c):
    layers = []
    layers.append(nn.Conv2d(c, 32, 3))  # expect: RB101:19 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    layers.append(nn.BatchNorm2d(32))
    layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def extended_and_added(c):
    layers = [nn.Conv2d(c, 16, 1), nn.ReLU()]
    layers += [nn.Conv2d(16, 16, 3)]  # expect: RB101:16 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    layers.extend([nn.BatchNorm2d(16), nn.ReLU()])
    layers = layers + [nn.Linear(16, 4)]
    return nn.Sequential(*layers)


def in_a_loop(widths):
    layers = []
    for cin, cout in zip(widths, widths[1:]):
        layers.append(nn.Conv2d(cin, cout, 3))  # expect: RB101:23 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def local_names():
    conv = nn.Conv2d(3, 8, 3)  # expect: RB101:12 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    bn = nn.BatchNorm2d(8)
    return nn.Sequential(conv, bn)


def grown_container(c):
    block = nn.Sequential()
    block.add_module("conv", nn.Conv2d(c, 8, 3))  # expect: RB101:30 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    block.add_module("bn", nn.BatchNorm2d(8))
    block.append(nn.ReLU())
    return block


# ---- negatives


def conditional_norm(c, use_bn):
    layers = [nn.Conv2d(c, 64, 3)]
    if use_bn:
        layers.append(nn.BatchNorm2d(64))
    layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def reordered(c):
    layers = [nn.BatchNorm2d(64), nn.ReLU()]
    layers.insert(0, nn.Conv2d(c, 64, 3))
    return nn.Sequential(*layers)


def passed_away(c):
    layers = [nn.Conv2d(c, 64, 3)]
    add_norm(layers)
    layers.append(nn.BatchNorm2d(64))
    return nn.Sequential(*layers)


def reset_in_branch(c, deep):
    layers = [nn.Conv2d(c, 64, 3)]
    if deep:
        layers = [nn.Conv2d(c, 64, 3), nn.ReLU()]
    layers.append(nn.BatchNorm2d(64))
    return nn.Sequential(*layers)


def unpacked_elsewhere(c):
    layers = [nn.Conv2d(c, 64, 3), nn.ReLU(), nn.BatchNorm2d(64)]
    return nn.Sequential(*layers)


def shared_module():
    conv = nn.Conv2d(3, 8, 3)
    with_norm = nn.Sequential(conv, nn.BatchNorm2d(8))
    without = nn.Sequential(conv, nn.ReLU())
    return with_norm, without


def extended_by_unknown(c, more):
    layers = [nn.Conv2d(c, 64, 3)]
    layers.extend(more)
    layers.append(nn.BatchNorm2d(64))
    return nn.Sequential(*layers)


def comprehension(c):
    layers = [nn.Conv2d(c, c, 3) for _ in range(3)]
    return nn.Sequential(*layers, nn.BatchNorm2d(c))


# ---------------------------------------------------------------- a layer read in branches of which one runs

def vgg_make_layers(cfg, batch_norm=False):
    # torchvision's vgg: the conv is read twice, once per branch; the vgg*_bn models take the first.
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)  # expect: RB101:22 "Conv2d bias is cancelled by the BatchNorm2d that follows"
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


def conv_in_two_blocks(c):
    conv = nn.Conv2d(c, c, 3)  # both blocks run: the conv also feeds a ReLU without a norm
    with_norm = nn.Sequential(conv, nn.BatchNorm2d(c))
    without = nn.Sequential(conv, nn.ReLU())
    return with_norm, without


def conv_in_nested_branches(c, flag, other):
    conv = nn.Conv2d(c, c, 3)  # the second block runs whenever the first does
    blocks = []
    if flag:
        if other:
            blocks.append(nn.Sequential(conv, nn.BatchNorm2d(c)))
        blocks.append(nn.Sequential(conv, nn.ReLU()))
    return blocks


def joined_literals(c, last, dropout):
    # fairseq's tacotron2 Postnet: list literals joined with +, one item's weight read for its init
    layers = (
        [nn.Conv1d(c, c, 5, padding=2), nn.BatchNorm1d(c)]  # expect: RB101:10 "Conv1d bias is cancelled by the BatchNorm1d that follows"
        + ([nn.Tanh()] if not last else [])
        + [nn.Dropout(dropout)]
    )
    nn.init.xavier_uniform_(layers[0].weight)
    return nn.Sequential(*layers)


def joined_after_something_else(c, head):
    layers = head + [nn.BatchNorm1d(c)]  # what head ends with is not known
    return nn.Sequential(*layers)


def joined_names(c, inner):
    # a U-Net block: lists bound to names, joined around the block inside
    down = [nn.LeakyReLU(0.2), nn.Conv2d(c, c * 2, 4, stride=2, padding=1, bias=False)]
    up = [nn.ReLU(), nn.ConvTranspose2d(c * 4, c, 4, stride=2, padding=1), nn.BatchNorm2d(c)]  # expect: RB101:22 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows"
    model = down + [inner] + up
    return nn.Sequential(*model)


def joined_names_by_branch(c, inner, innermost):
    # the U-Net's shared down conv, followed by its norm in one branch only: silent
    downconv = nn.Conv2d(c, c * 2, 4, stride=2, padding=1)
    if innermost:
        down = [nn.LeakyReLU(0.2), downconv]
    else:
        down = [nn.LeakyReLU(0.2), downconv, nn.BatchNorm2d(c * 2)]
    model = down + [inner]
    return nn.Sequential(*model)


def listed_by_branch(c, innermost):
    # the conv is shared by both branches' lists, followed by a norm in one of them: wasted on that branch alone
    downconv = nn.Conv2d(c, c * 2, 4, stride=2, padding=1)  # expect: RB101:16 "Conv2d bias is cancelled by the BatchNorm2d that follows when innermost is false: pass bias=innermost"
    if innermost:
        down = [nn.LeakyReLU(0.2), downconv, nn.ReLU()]
    else:
        down = [nn.LeakyReLU(0.2), downconv, nn.BatchNorm2d(c * 2)]
    return nn.Sequential(*down)


def grown_after_branches(c, strided):
    # CycleGAN's NLayerDiscriminator: the list bound by branch, then grown where both reach
    if strided:
        sequence = [nn.Conv2d(3, c, 4, stride=2), nn.LeakyReLU(0.2)]
    else:
        sequence = [nn.Conv2d(3, c, 4), nn.LeakyReLU(0.2)]
    sequence += [nn.Conv2d(c, c, 4), nn.BatchNorm2d(c), nn.LeakyReLU(0.2)]  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    return nn.Sequential(*sequence)


def joined_name_changed_before(c, inner):
    down = [nn.Conv2d(c, c, 3)]
    down.append(nn.ReLU())  # the list as it is where it is joined
    model = down + [nn.BatchNorm2d(c)]
    return nn.Sequential(*model)


def joined_then_item_changed(c):
    layers = [nn.Conv1d(c, c, 5), nn.BatchNorm1d(c)] + [nn.ReLU()]
    layers[0].register_parameter("bias", None)  # a call on an item may change it
    return nn.Sequential(*layers)


def joined_then_item_replaced(c):
    layers = [nn.Conv1d(c, c, 5), nn.BatchNorm1d(c)] + [nn.ReLU()]
    layers[1] = nn.Identity()
    return nn.Sequential(*layers)


def flagged_norm(c, use_bn):
    layers = [nn.Conv2d(c, c, 3)]  # expect: RB101:15 "Conv2d bias is cancelled by the BatchNorm2d that follows"
    if use_bn:
        layers.append(nn.BatchNorm2d(c))
    return nn.Sequential(*layers)


def flagged_either_way(c, norm):
    layers = [nn.Conv2d(c, c, 3)]  # expect: RB101:15 "Conv2d bias is cancelled by the BatchNorm2d that follows when norm is true: pass bias=not norm"
    if norm:
        layers.append(nn.BatchNorm2d(c))
    return nn.Sequential(*layers)


every_call_normed = [flagged_norm(8, True), flagged_norm(16, use_bn=True)]
# the calls disagree: the call that adds the norm wastes the bias, which the fix turns off with the flag
calls_disagree = [flagged_either_way(8, True), flagged_either_way(8, False)]


def extra_blocks(n):
    blocks = []
    for _ in range(n):
        blocks.append(nn.ReLU())
    return blocks


class GrownByHelper(nn.Module):
    """Items a helper returns, added with ``+=``: unknown where they go, a barrier, the rest of the list still read."""

    def __init__(self, c, n=2):
        super().__init__()
        model = [nn.Conv2d(c, c, 3), nn.BatchNorm2d(c)]  # expect: RB101:18 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        model += extra_blocks(n)
        model = model + extra_blocks(n)
        model += [nn.Conv2d(c, c, 3), nn.ReLU()]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class SplitByHelper(nn.Module):
    """A helper's items between a conv and a norm: what they do to the bias is not known."""

    def __init__(self, c, n=2):
        super().__init__()
        model = [nn.Conv2d(c, c, 3)]
        model += extra_blocks(n)
        model += [nn.BatchNorm2d(c)]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class StepsThroughItsLayers(nn.Module):  # CUT: a layer's output taken between layers, for a loss (a negative)
    def __init__(self, c):
        super().__init__()
        model = [nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c), nn.ReLU(True)]
        self.model = nn.Sequential(*model)

    def forward(self, x, taps=()):
        feats = []
        for layer_id, layer in enumerate(self.model):
            x = layer(x)
            if layer_id in taps:
                feats.append(x)
        return x, feats


class AppliedWhole(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.model = nn.Sequential(nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c), nn.ReLU(True))  # expect: RB101:36 "Conv2d bias is cancelled by the InstanceNorm2d that follows: pass bias=False"

    def forward(self, x):
        return self.model(x)


class CutShort(nn.Module):  # the container indexed: a part of it may run alone
    def __init__(self, c):
        super().__init__()
        self.model = nn.Sequential(nn.Conv2d(c, c, 3), nn.InstanceNorm2d(c), nn.ReLU(True))

    def forward(self, x):
        return self.model[:1](x)


def init_weights(modules):
    for m in modules:
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight)
            if m.bias is not None:
                m.bias.data.zero_()
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.data.fill_(1)


class InitialisedInPlace(nn.Module):  # CRAFT's RefineNet: a walk that only sets weights runs no layer
    def __init__(self, c):
        super().__init__()
        self.head = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.tail = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (__init__() at line 322 reads the bias without checking for None: make it check first)"
        self.body = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        init_weights(self.head.modules())
        for m in self.tail.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.zeros_(m.bias)
        for name, m in self.body.named_modules():
            if isinstance(m, nn.BatchNorm2d) and "0" in name:
                m.weight.requires_grad = False

    def forward(self, x):
        return self.body(self.tail(self.head(x)))


class ItemsInitialised(nn.Module):  # SimSiam: an item's weights set, its bias frozen; the chain stands
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(c, c), nn.BatchNorm1d(c), nn.ReLU(True), nn.Linear(c, c), nn.BatchNorm1d(c))  # expect: RB101:33 "Linear bias is cancelled by the BatchNorm1d that follows: pass bias=False" expect: RB101:84 "Linear bias is cancelled by the BatchNorm1d that follows: pass bias=False"
        self.fc[0].weight.data.normal_(0, 0.01)
        self.fc[3].bias.requires_grad = False

    def forward(self, x):
        return self.fc(x)


class ItemReplaced(nn.Module):  # an item replaced, or its mode set: a part of the container is another (negatives)
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(c, c), nn.BatchNorm1d(c))
        self.fc[1] = nn.Identity()
        self.head = nn.Sequential(nn.Linear(c, c), nn.BatchNorm1d(c))
        self.head[1].eval()

    def forward(self, x):
        return self.head(self.fc(x))


def hand_out(modules):
    found = []
    for m in modules:
        found.append(m)
    return found


class WalkedForUse(nn.Module):  # the layers frozen, handed out or run one by one: a walk (negatives)
    def __init__(self, c):
        super().__init__()
        self.frozen = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))
        self.handed = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))
        self.listed = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))
        self.stepped = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))
        self.kept = nn.Sequential(nn.Conv2d(c, c, 3), nn.BatchNorm2d(c), nn.ReLU(True))
        for m in self.kept.children():
            nn.init.zeros_(m.weight) if isinstance(m, nn.BatchNorm2d) else None
        self.last = m  # the walk's last layer, kept
        for m in self.frozen.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        self.parts = hand_out(self.handed.modules())
        self.first = [m for m in self.listed.children()][0]

    def forward(self, x):
        x = self.kept(self.listed(self.handed(self.frozen(x))))
        for layer in self.stepped.children():
            x = layer(x)
        return x


class MethodLists(nn.Module):
    """BicycleGAN's multi-scale discriminator: the layer list a method builds, unpacked by its caller."""

    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        layers = self.get_layers(c, norm_layer)
        self.model = nn.Sequential(*layers)

    def get_layers(self, c, norm_layer=nn.BatchNorm2d):
        sequence = [nn.Conv2d(3, c, 4, stride=2), nn.LeakyReLU(0.2)]
        sequence += [nn.Conv2d(c, c * 2, 4), norm_layer(c * 2), nn.LeakyReLU(0.2)]  # expect: RB101:22 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        return sequence

    def forward(self, x):
        return self.model(x)


def upsample_layers(cin, cout):
    return [nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1)]  # expect: RB101:13 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"


def joined_with_a_helper_list(cin, cout):
    # a helper's list joined before a norm; another helper's, not read, stays a barrier
    up = [nn.ReLU()] + upsample_layers(cin, cout) + [nn.BatchNorm2d(cout)]
    return nn.Sequential(*up, *unknown_layers(cout), nn.BatchNorm2d(cout))
