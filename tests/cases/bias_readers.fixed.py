"""Code that reads a layer's bias as if every layer had one: switching the bias off would break it, so the finding
names that code and carries no fix (the generative-model-collections' initializer, DCGAN's weights_init)."""
import torch.nn as nn


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        m.weight.data.normal_(0.0, 0.02)
        m.bias.data.fill_(0)
    elif classname.find("BatchNorm") != -1:
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)


class Generator(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.ConvTranspose2d(c, c, 4), nn.BatchNorm2d(c), nn.ReLU())  # expect: RB101:35 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (weights_init() at line 10 reads the bias without checking for None: make it check first)"
        self.apply(weights_init)

    def forward(self, x):
        return self.body(x)


class Looped(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(c, c), nn.BatchNorm1d(c))  # expect: RB101:35 "Linear bias is cancelled by the BatchNorm1d that follows: pass bias=False (__init__() at line 32 reads the bias without checking for None: make it check first)"
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.body(x)


class Checked(nn.Module):
    """The reader checks first: the fix breaks nothing."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), nn.BatchNorm2d(c))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.apply(self._init_weights)

    def _init_weights(self, m):
        if isinstance(m, nn.Conv2d) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.body(x)


class NormsOnly(nn.Module):
    """The reader reads the norms' biases alone, which stay."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, bias=False), nn.BatchNorm2d(c))  # expect: RB101:35 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.body(x)
