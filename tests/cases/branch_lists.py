"""A layer list bound anew in each branch of an ``if`` and unpacked after it (``nn.Sequential(*model)``): read
once per branch; a layer several branches hold is reported only where each has it followed by the same steps."""

import torch
import torch.nn as nn


class EachBranch(nn.Module):
    def __init__(self, cin, cout, last=False):
        super().__init__()
        if last:
            model = [nn.Conv2d(cin, cout, 3), nn.InstanceNorm2d(cout)]  # expect: RB101:22 "Conv2d bias is cancelled by the InstanceNorm2d that follows: pass bias=False"
        else:
            model = [nn.Conv2d(cin, cout, 3), nn.InstanceNorm2d(cout), nn.ReLU(True)]  # expect: RB101:22 "Conv2d bias is cancelled by the InstanceNorm2d that follows: pass bias=False"
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class UnetBlock(nn.Module):  # pix2pix's: the down conv is shared, its norm only in the last branch: wasted there
    def __init__(self, outer, inner, submodule=None, outermost=False, innermost=False, use_dropout=False):
        super().__init__()
        downconv = nn.Conv2d(outer, inner, 4, stride=2, padding=1)  # expect: RB101:20 "Conv2d bias is cancelled by the BatchNorm2d that follows when innermost is false and outermost is false: turn the bias off on that path"
        downrelu = nn.LeakyReLU(0.2, True)
        downnorm = nn.BatchNorm2d(inner)
        uprelu = nn.ReLU(True)
        upnorm = nn.BatchNorm2d(outer)
        if outermost:
            upconv = nn.ConvTranspose2d(inner * 2, outer, 4, stride=2, padding=1)
            down = [downconv]
            up = [uprelu, upconv, nn.Tanh()]
            model = down + [submodule] + up
        elif innermost:
            upconv = nn.ConvTranspose2d(inner, outer, 4, stride=2, padding=1)  # expect: RB101:22 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
            down = [downrelu, downconv]
            up = [uprelu, upconv, upnorm]
            model = down + up
        else:
            upconv = nn.ConvTranspose2d(inner * 2, outer, 4, stride=2, padding=1)  # expect: RB101:22 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
            down = [downrelu, downconv, downnorm]
            up = [uprelu, upconv, upnorm]
            if use_dropout:
                model = down + [submodule] + up + [nn.Dropout(0.5)]
            else:
                model = down + [submodule] + up
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return torch.cat([x, self.model(x)], 1)


class SharedAlike(nn.Module):  # one conv in both branches, its norm right after it in each
    def __init__(self, cin, cout, pool=False):
        super().__init__()
        conv = nn.Conv2d(cin, cout, 3)  # expect: RB101:16 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        norm = nn.BatchNorm2d(cout)
        if pool:
            layers = [conv, norm, nn.MaxPool2d(2)]
        else:
            layers = [conv, norm]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class SharedApart(nn.Module):  # one conv in both branches, normed in one only: wasted on that branch alone
    def __init__(self, cin, cout, plain=False):
        super().__init__()
        conv = nn.Conv2d(cin, cout, 3)  # expect: RB101:16 "Conv2d bias is cancelled by the BatchNorm2d that follows when plain is false: pass bias=plain"
        if plain:
            layers = [conv, nn.ReLU()]
        else:
            layers = [conv, nn.BatchNorm2d(cout)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class BoundBefore(nn.Module):  # bound before the if and again in one branch: not one binding per branch, silent
    def __init__(self, cin, cout, deep=False):
        super().__init__()
        conv = nn.Conv2d(cin, cout, 3)
        layers = [conv, nn.ReLU()]
        if deep:
            layers = [conv, nn.BatchNorm2d(cout)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)



class EitherSide(nn.Module):  # NeMo's decoder: one layer or another appended by an if/else, then a 1x1 and a norm
    def __init__(self, h, k, stride_layers=1, transpose=True):
        super().__init__()
        layers = [nn.Conv1d(h, h, kernel_size=1)]
        for _ in range(stride_layers):
            layers.append(nn.ReLU())
            if transpose:
                layers.append(nn.ConvTranspose1d(h, h, k, stride=2, groups=h))  # expect: RB101:31 "ConvTranspose1d bias is cancelled by the BatchNorm1d that follows: pass bias=False (8 wasted parameters; through the 1x1 Conv1d after it)"
            else:
                layers.append(nn.Conv1d(h, h, k, stride=2, groups=h))  # expect: RB101:31 "Conv1d bias is cancelled by the BatchNorm1d that follows: pass bias=False (8 wasted parameters; through the 1x1 Conv1d after it)"
            layers.append(nn.Conv1d(h, h, kernel_size=1))  # expect: RB101:27 "Conv1d bias is cancelled by the BatchNorm1d that follows: pass bias=False"
            layers.append(nn.BatchNorm1d(h))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


decoders = [EitherSide(8, 3), EitherSide(8, 3, transpose=False)]  # each side runs for one of them


class EitherSideHeld(nn.Module):  # the list held on self (NeMo's ``*self.decoder_layers``); a default is not every caller's
    def __init__(self, h, k, transpose=True):
        super().__init__()
        self.decoder_layers = [nn.Conv1d(h, h, kernel_size=1)]
        if transpose:
            self.decoder_layers.append(nn.ConvTranspose1d(h, h, k, stride=2, groups=h))  # expect: RB101:40 "ConvTranspose1d bias is cancelled by the BatchNorm1d that follows: pass bias=False (through the 1x1 Conv1d after it)"
        else:
            self.decoder_layers.append(nn.Conv1d(h, h, k, stride=2, groups=h))  # expect: RB101:40 "Conv1d bias is cancelled by the BatchNorm1d that follows: pass bias=False (through the 1x1 Conv1d after it)"
        self.decoder_layers.append(nn.Conv1d(h, h, kernel_size=1))  # expect: RB101:36 "Conv1d bias is cancelled by the BatchNorm1d that follows: pass bias=False"
        self.decoder_layers.append(nn.BatchNorm1d(h))
        self.decoder_layers = nn.Sequential(*self.decoder_layers)

    def forward(self, x):
        return self.decoder_layers(x)


class EitherStep(nn.Module):  # an activation on one side only: the conv's bias reaches the norm on one path alone
    def __init__(self, cin, cout, act=True):
        super().__init__()
        layers = [nn.Conv2d(cin, cout, 3)]
        if act:
            layers.append(nn.ReLU())
        else:
            layers.append(nn.Identity())
        layers.append(nn.BatchNorm2d(cout))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class EitherMore(nn.Module):  # a side that does more than add to the list: not read side by side, silent
    def __init__(self, cin, cout, down=True):
        super().__init__()
        layers = []
        if down:
            layers.append(nn.Conv2d(cin, cout, 3, stride=2))
            cout = cout * 2
        else:
            layers.append(nn.Conv2d(cin, cout, 3))
        layers.append(nn.BatchNorm2d(cout))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class EitherOrMore(nn.Module):  # if/elif/else: not read side by side, silent
    def __init__(self, cin, cout, mode="a"):
        super().__init__()
        layers = []
        if mode == "a":
            layers.append(nn.Conv2d(cin, cout, 3))
        elif mode == "b":
            layers.append(nn.Conv2d(cin, cout, 5))
        else:
            layers.append(nn.Conv2d(cin, cout, 1))
        layers.append(nn.BatchNorm2d(cout))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)


class NormInEachBranch(nn.Module):  # BicycleGAN's: a shared list joined into each branch's list, a norm built in each
    def __init__(self, cin, cout, outermost=False):
        super().__init__()
        downconv = [nn.Conv2d(cin, cout, 4, stride=2, padding=1)]  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (built in 2 branches, a norm after it in each)"
        if outermost:
            down = downconv + [nn.BatchNorm2d(cout)]
        else:
            down = [nn.LeakyReLU(0.2, True)] + downconv + [nn.BatchNorm2d(cout)]
        self.down = nn.Sequential(*down)

    def forward(self, x):
        return self.down(x)


class AliasedInOneBranch(nn.Module):  # the list itself in one branch, with no norm after the conv: wasted in the other
    def __init__(self, cin, cout, outermost=False):
        super().__init__()
        downconv = [nn.Conv2d(cin, cout, 4, stride=2, padding=1)]  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows when outermost is false: pass bias=outermost"
        if outermost:
            down = downconv
        else:
            down = [nn.LeakyReLU(0.2, True)] + downconv + [nn.BatchNorm2d(cout)]
        self.down = nn.Sequential(*down)

    def forward(self, x):
        return self.down(x)


class NormedInTheLastBranch(nn.Module):  # pix2pix's down conv with a default bias: normed in the else alone
    def __init__(self, cin, cout, submodule, outermost=False, innermost=False):
        super().__init__()
        downconv = nn.Conv2d(cin, cout, 4, stride=2, padding=1)  # expect: RB101:20 "Conv2d bias is cancelled by the BatchNorm2d that follows when innermost is false and outermost is false: turn the bias off on that path"
        downnorm = nn.BatchNorm2d(cout)
        if outermost:
            model = [downconv, submodule]
        elif innermost:
            model = [nn.LeakyReLU(0.2, True), downconv, nn.ReLU(True)]
        else:
            model = [nn.LeakyReLU(0.2, True), downconv, downnorm, submodule]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        return self.model(x)


class NormedOutsideTheBranches(nn.Module):  # the norm after the conv in one branch, after a ReLU in the other
    def __init__(self, cin, cout, plain=False):
        super().__init__()
        conv = nn.Conv2d(cin, cout, 3)  # expect: RB101:16 "Conv2d bias is cancelled by the BatchNorm2d that follows when plain is false: pass bias=plain"
        norm = nn.BatchNorm2d(cout)
        if plain:
            layers = [conv, nn.ReLU(), norm]
        else:
            layers = [conv, norm]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return self.body(x)
