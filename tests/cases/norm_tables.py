"""Norms looked up in a table of classes by a string (EfficientViT's ``build_norm``, detectron2's ``get_norm``):
``NORMS[name](c)``, ``norm_cls = NORMS[name]`` under ``if name in NORMS:`` and ``{"BN": ...}[norm]``, read for the
key each call or default gives; a table something edits, a key the table lacks, or a key nobody knows is silence."""

import torch.nn as nn

NORMS: dict[str, type] = {"bn2d": nn.BatchNorm2d, "ln": nn.LayerNorm}
EDITED = {"bn2d": nn.BatchNorm2d}
EDITED["bn2d"] = nn.Identity


def build_norm(name="bn2d", num_features=None, **kwargs):
    if name in ["ln"]:
        kwargs["normalized_shape"] = num_features
    else:
        kwargs["num_features"] = num_features
    if name in NORMS:
        norm_cls = NORMS[name]
        return norm_cls(**kwargs)
    return None


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, use_bias=False, norm="bn2d"):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, bias=use_bias)
        self.norm = build_norm(norm, num_features=cout)

    def forward(self, x):
        x = self.conv(x)
        if self.norm:
            x = self.norm(x)
        return x


class Stem(nn.Module):
    def __init__(self, kind="bn2d"):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm = NORMS[kind](8)

    def forward(self, x):
        return self.norm(self.conv(x))


class EditedStem(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)  # EDITED["bn2d"] is re-bound: which class it holds is not read
        self.norm = EDITED["bn2d"](8)

    def forward(self, x):
        return self.norm(self.conv(x))


class UnknownKey(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)  # the key comes from outside the file
        self.norm = NORMS[kind](8)

    def forward(self, x):
        return self.norm(self.conv(x))


class Net(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.wasted = ConvLayer(3, 8, use_bias=True)  # expect: RB101:23 "Conv2d (inside ConvLayer()) bias is cancelled by the BatchNorm2d that follows: pass use_bias=False to ConvLayer()"
        self.plain = ConvLayer(3, 8, use_bias=True, norm=None)  # None is no key: no norm
        self.missing = ConvLayer(3, 8, use_bias=True, norm="in")  # "in" is no key: build_norm returns None
        self.last_axis = ConvLayer(3, 8, use_bias=True, norm="ln")  # a LayerNorm over the last axis keeps a channel bias
        self.stem = Stem()
        self.unknown = UnknownKey(kind)


def get_norm(norm, out_channels):
    """detectron2's: a string is looked up in a dict written where it is read."""
    if norm is None:
        return None
    if isinstance(norm, str):
        norm = {"BN": nn.BatchNorm2d, "LN": nn.LayerNorm}[norm]
    return norm(out_channels)


class Detectron(nn.Module):
    def __init__(self, norm="BN"):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm = get_norm(norm, 8)

    def forward(self, x):
        return self.norm(self.conv(x))


class DetectronLayerNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)  # "LN": a LayerNorm over the last axis
        self.norm = get_norm("LN", 8)

    def forward(self, x):
        return self.norm(self.conv(x))


def build_norm_inline(name="bn2d", num_features=None):
    return NORMS[name](num_features) if name in NORMS else None


class InlineConvLayer(nn.Module):
    def __init__(self, cin, cout, use_bias=False, norm="bn2d"):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, bias=use_bias)
        self.norm = build_norm_inline(norm, num_features=cout)

    def forward(self, x):
        x = self.conv(x)
        if self.norm:
            x = self.norm(x)
        return x


inline_wasted = InlineConvLayer(8, 16, use_bias=True)  # expect: RB101:17 "Conv2d (inside InlineConvLayer()) bias is cancelled by the BatchNorm2d that follows: pass use_bias=False to InlineConvLayer()"
inline_plain = InlineConvLayer(8, 16, use_bias=True, norm=None)
