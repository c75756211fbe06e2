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


class UnetBlock(nn.Module):  # pix2pix's: the down conv is shared, its norm only in one branch
    def __init__(self, outer, inner, submodule=None, outermost=False, innermost=False, use_dropout=False):
        super().__init__()
        downconv = nn.Conv2d(outer, inner, 4, stride=2, padding=1)
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


class SharedApart(nn.Module):  # one conv in both branches, normed in one only: its bias is used in the other
    def __init__(self, cin, cout, plain=False):
        super().__init__()
        conv = nn.Conv2d(cin, cout, 3)
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
