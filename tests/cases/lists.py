"""Layer lists built by statements, then unpacked into nn.Sequential."""
import torch.nn as nn


def literal_then_unpack(c):
    layers = [nn.Conv2d(c, 64, 3), nn.BatchNorm2d(64)]  # expect: RB101
    return nn.Sequential(*layers)


def appended(c):
    layers = []
    layers.append(nn.Conv2d(c, 32, 3))  # expect: RB101
    layers.append(nn.BatchNorm2d(32))
    layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def extended_and_added(c):
    layers = [nn.Conv2d(c, 16, 1), nn.ReLU()]
    layers += [nn.Conv2d(16, 16, 3)]  # expect: RB101
    layers.extend([nn.BatchNorm2d(16), nn.ReLU()])
    layers = layers + [nn.Linear(16, 4)]
    return nn.Sequential(*layers)


def in_a_loop(widths):
    layers = []
    for cin, cout in zip(widths, widths[1:]):
        layers.append(nn.Conv2d(cin, cout, 3))  # expect: RB101
        layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def local_names():
    conv = nn.Conv2d(3, 8, 3)  # expect: RB101
    bn = nn.BatchNorm2d(8)
    return nn.Sequential(conv, bn)


def grown_container(c):
    block = nn.Sequential()
    block.add_module("conv", nn.Conv2d(c, 8, 3))  # expect: RB101
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
