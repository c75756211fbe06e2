"""OpenMMLab builders: build_norm_layer(cfg, C)[1], ConvModule, mmengine's Sequential."""
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, build_conv_layer, build_norm_layer
from mmengine.model import Sequential

bn_block = nn.Sequential(nn.Conv2d(3, 64, 3, bias=False), build_norm_layer(dict(type="BN"), 64)[1])  # expect: RB101:26 "Conv2d bias is cancelled by the BatchNorm2d that follows"
sync_block = nn.Sequential(nn.Conv2d(3, 64, 3, bias=False), build_norm_layer({"type": "SyncBN", "requires_grad": True}, 64)[1])  # expect: RB101:28 "Conv2d bias is cancelled by the SyncBatchNorm that follows"
in_block = nn.Sequential(nn.Conv1d(3, 64, 3, bias=False), build_norm_layer(dict(type="IN1d"), 64)[1])  # expect: RB101:26 "Conv1d bias is cancelled by the InstanceNorm1d that follows"
gn_per_channel = nn.Sequential(nn.Conv2d(3, 32, 3, bias=False), build_norm_layer(dict(type="GN", num_groups=32), 32)[1])  # expect: RB101:32 "Conv2d bias is cancelled by the GroupNorm that follows"
gn_grouped = nn.Sequential(nn.Conv2d(3, 64, 3), build_norm_layer(dict(type="GN", num_groups=32), 64)[1])
ln_block = nn.Sequential(nn.Conv2d(3, 64, 3), build_norm_layer(dict(type="LN"), 64)[1])
frozen_block = nn.Sequential(nn.Conv2d(3, 64, 3), build_norm_layer(dict(type="FrozenBN"), 64)[1])
name_only = nn.Sequential(nn.Conv2d(3, 64, 3), build_norm_layer(dict(type="BN"), 64)[0])
off_block = nn.Sequential(nn.Conv2d(3, 64, 3, bias=False), build_norm_layer(dict(type="BN"), 64)[1])
mm_sequential = Sequential(nn.Conv2d(3, 64, 3, bias=False), nn.BatchNorm2d(64))  # expect: RB101:28 "Conv2d bias is cancelled by the BatchNorm2d that follows"


class Head(nn.Module):
    def __init__(self, c):
        super().__init__()
        norm_cfg = dict(type="BN")
        self.conv = nn.Conv2d(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm = build_norm_layer(norm_cfg, c)[1]

    def forward(self, x):
        return self.norm(self.conv(x))


class ChangedConfig(nn.Module):
    def __init__(self, c, kind):
        super().__init__()
        norm_cfg = dict(type="BN")
        norm_cfg["type"] = kind
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = build_norm_layer(norm_cfg, c)[1]

    def forward(self, x):
        return self.norm(self.conv(x))


explicit_bias = ConvModule(3, 64, 3, bias='auto', norm_cfg=dict(type="BN"))  # expect: RB101:17 "ConvModule bias is cancelled by the BatchNorm2d that follows"
positional_bias = ConvModule(3, 64, 3, 1, 1, 1, 1, 'auto', None, dict(type="SyncBN"))  # expect: RB101:19 "ConvModule bias is cancelled by the SyncBatchNorm that follows"
auto_bias = ConvModule(3, 64, 3, norm_cfg=dict(type="BN"))  # bias="auto": off with a norm
no_norm = ConvModule(3, 64, 3, bias=True)
group_norm = ConvModule(3, 64, 3, bias=True, norm_cfg=dict(type="GN", num_groups=32))
act_first = ConvModule(3, 64, 3, bias=True, norm_cfg=dict(type="BN"), order=("conv", "act", "norm"))
norm_first = ConvModule(3, 64, 3, bias=True, norm_cfg=dict(type="BN"), order=("norm", "conv", "act"))
act_then_conv_norm = ConvModule(3, 64, 3, bias='auto', norm_cfg=dict(type="IN"), order=("act", "conv", "norm"))  # expect: RB101:22 "ConvModule bias is cancelled by the InstanceNorm2d that follows"


class ConfiguredHead(nn.Module):
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        self.norm = build_norm_layer(norm_cfg, c)[1]

    def forward(self, x):
        return self.norm(self.conv(x))


heads = [ConfiguredHead(64), ConfiguredHead(128)]  # two calls leave one default


class ConfiguredSwitch(nn.Module):
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.norm = build_norm_layer(norm_cfg, c)[1]

    def forward(self, x):
        return self.norm(self.conv(x))


switched = [ConfiguredSwitch(64), ConfiguredSwitch(64, norm_cfg=dict(type="LN"))]


class KeptConfig(nn.Module):
    def __init__(self, c, norm_cfg=dict(type="BN", eps=1e-3)):
        super().__init__()
        self.norm_cfg = norm_cfg
        self.conv = nn.ConvTranspose2d(c, c, 3, stride=2, padding=1, output_padding=1, bias=False)  # expect: RB101:21 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows"
        self.bn = build_norm_layer(self.norm_cfg, c)[1]

    def forward(self, x):
        return self.bn(self.conv(x))


kept = [KeptConfig(8), KeptConfig(16)]


class EditedConfig(nn.Module):
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.norm_cfg = norm_cfg
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = build_norm_layer(self.norm_cfg, c)[1]

    def forward(self, x):
        return self.bn(self.conv(x))

    def use_layer_norm(self):
        self.norm_cfg["type"] = "LN"


edited = EditedConfig(8)


class HeadFromConfig(nn.Module):
    """Built by a registry from config files, never here: its defaults are what a config that sets nothing builds."""

    def __init__(self, c, norm_cfg=dict(type="BN1d"), bias=False):
        super().__init__()
        self.conv = ConvModule(c, c, 1, conv_cfg=dict(type="Conv1d"), norm_cfg=norm_cfg, bias=bias)  # expect: RB101:21 "ConvModule bias is cancelled by the BatchNorm1d that follows: make bias=False in HeadFromConfig.__init__() and its calls (BatchNorm1d from the default of norm_cfg in HeadFromConfig())"
        self.proj = nn.Linear(c, c, bias=False)  # expect: RB101:21 "Linear bias is cancelled by the BatchNorm1d that follows: pass bias=False (BatchNorm1d from the default of norm_cfg in HeadFromConfig())"
        self.norm = build_norm_layer(norm_cfg, c)[1]

    def forward(self, x, y):
        return self.conv(x), self.norm(self.proj(y))


class StoredConfig(nn.Module):
    """mmagic's FBA decoder: the config kept on the object, its type compared, the modules' children unpacked."""

    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.norm_cfg = norm_cfg
        self.direct = ConvModule(c, c, 3, bias='auto', norm_cfg=norm_cfg)  # expect: RB101:23 "ConvModule bias is cancelled by the BatchNorm2d that follows: pass bias='auto' (BatchNorm2d from the default of norm_cfg in StoredConfig())"
        self.up = nn.Sequential(*ConvModule(c, c, 3, bias='auto', norm_cfg=self.norm_cfg).children())  # expect: RB101:34 "ConvModule bias is cancelled by the BatchNorm2d that follows: pass bias='auto' (BatchNorm2d from the default of norm_cfg in StoredConfig())"
        width = 128 if self.norm_cfg["type"] == "BN" else 64
        self.out = nn.Conv2d(c, width, 1)


class StoredConfigEdited(nn.Module):
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.norm_cfg = norm_cfg
        self.norm_cfg.update(type="LN")  # changes the dict the conv is given: unknown
        self.conv = ConvModule(c, c, 3, bias=True, norm_cfg=norm_cfg)


class StoredConfigAliased(nn.Module):
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.norm_cfg = norm_cfg
        inner = self.norm_cfg["type"]  # an entry used other than in a comparison may be a dict something edits
        self.conv = ConvModule(c, c, 3, bias=True, norm_cfg=norm_cfg)
        self.kind = inner


class SwitchedByType(nn.Module):
    """mmagic's CycleGAN generator: the bias on only for an IN config, which the default is; a key asked for."""

    def __init__(self, c, norm_cfg=dict(type="IN")):
        super().__init__()
        assert "type" in norm_cfg, "'norm_cfg' must have key 'type'"
        use_bias = norm_cfg["type"] == "IN"
        self.conv = ConvModule(c, c, 3, bias=use_bias, norm_cfg=norm_cfg)  # expect: RB101:21 "ConvModule bias is cancelled by the InstanceNorm2d that follows: pass bias='auto' (InstanceNorm2d from the default of norm_cfg in SwitchedByType())"

    def forward(self, x):
        return self.conv(x)


class SwitchedOffByDefault(nn.Module):
    """The same test, a BN default: the bias is off."""

    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        use_bias = norm_cfg["type"] == "IN"
        self.conv = ConvModule(c, c, 3, bias=use_bias, norm_cfg=norm_cfg)

    def forward(self, x):
        return self.conv(x)


class SwitchedByName(nn.Module):
    """A plain parameter's default tested: the bias is on, and a BatchNorm2d follows."""

    def __init__(self, c, kind="instance"):
        super().__init__()
        use_bias = kind in ("instance", "none")
        self.conv = nn.Conv2d(c, c, 3, bias=use_bias)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(x))


class BiFusion(nn.Module):
    """mmyolo's YOLOv6 neck: an upsampling conv concatenated into a 1x1 ConvModule, whose own norm then follows."""

    def __init__(self, c, norm_cfg=dict(type="BN", momentum=0.03, eps=0.001)):
        super().__init__()
        self.conv1 = ConvModule(c, c, kernel_size=1, stride=1, padding=0, bias=False, norm_cfg=norm_cfg)
        self.conv3 = ConvModule(c * 2, c, kernel_size=1, stride=1, padding=0, bias=False, norm_cfg=norm_cfg)
        self.upsample = nn.ConvTranspose2d(c, c, kernel_size=2, stride=2, bias=False)  # expect: RB101:25 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (through the 1x1 ConvModule after it; BatchNorm2d from the default of norm_cfg in BiFusion())"
        # a 3x3 ConvModule with padding: the border positions get part of the bias
        self.padded = ConvModule(c * 2, c, kernel_size=3, padding=1, norm_cfg=norm_cfg)
        self.up_padded = nn.ConvTranspose2d(c, c, kernel_size=2, stride=2)
        self.unnormed = ConvModule(c * 2, c, kernel_size=1, norm_cfg=None)
        self.up_unnormed = nn.ConvTranspose2d(c, c, kernel_size=2, stride=2)
        self.deformable = ConvModule(c * 2, c, kernel_size=1, conv_cfg=dict(type="DCNv2"), norm_cfg=norm_cfg)
        self.up_deformable = nn.ConvTranspose2d(c, c, kernel_size=2, stride=2)
        self.act_first = ConvModule(c * 2, c, kernel_size=1, norm_cfg=norm_cfg, order=("conv", "act", "norm"))
        self.up_act_first = nn.ConvTranspose2d(c, c, kernel_size=2, stride=2)

    def forward(self, x0, x1):
        fused = self.conv3(torch.cat((self.upsample(x0), self.conv1(x1)), dim=1))
        padded = self.padded(torch.cat((self.up_padded(x0), x1), dim=1))
        unnormed = self.unnormed(torch.cat((self.up_unnormed(x0), x1), dim=1))
        deformable = self.deformable(torch.cat((self.up_deformable(x0), x1), dim=1))
        return fused, padded, unnormed, deformable, self.act_first(torch.cat((self.up_act_first(x0), x1), dim=1))


class SplitAttention(nn.Module):
    # mmdet's ResNeSt: its attention conv from build_conv_layer with no config (an nn.Conv2d), then a norm
    def __init__(self, c, inter, conv_cfg=None, dcn=None):
        super().__init__()
        self.fc1 = build_conv_layer(None, c, inter, 1, bias=False)  # expect: RB101:20 "build_conv_layer bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.bn1 = nn.BatchNorm2d(inter)
        self.fc2 = build_conv_layer(None, inter, c, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.deform = build_conv_layer(dict(type="DCNv2"), c, c, 3, padding=1)  # another registered class: not read
        self.bn3 = nn.BatchNorm2d(c)
        self.by_default = build_conv_layer(conv_cfg, c, c, 3, padding=1, bias=False)  # expect: RB101:27 "build_conv_layer bias is cancelled by the BatchNorm2d that follows"
        self.bn4 = nn.BatchNorm2d(c)

    def forward(self, x):
        x = self.bn2(self.fc2(self.bn1(self.fc1(x))))
        return self.bn4(self.by_default(self.bn3(self.deform(x))))


class Unpacked(nn.Module):
    # the builder's tuple unpacked: (name, layer)
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows"
        _, norm = build_norm_layer(norm_cfg, c)
        self.norm = norm
        self.lconv = nn.Conv2d(c, c, 3)
        name, self.lnorm = build_norm_layer(dict(type="LN"), c)

    def forward(self, x):
        return self.lnorm(self.lconv(self.norm(self.conv(x))))


class CSP(nn.Module):
    # mmyolo's CSP blocks: the input read by two 1x1 ConvModules, each with its norm.
    def __init__(self, c):
        super().__init__()
        self.main = ConvModule(c, c, 1, norm_cfg=dict(type="BN"))
        self.short = ConvModule(c, c, 1, norm_cfg=dict(type="BN"))

    def forward(self, x):
        return torch.cat((self.main(x), self.short(x)), 1)


class PaddedCSP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.main = ConvModule(c, c, 3, padding=1, norm_cfg=dict(type="BN"))
        self.short = ConvModule(c, c, 1, norm_cfg=dict(type="BN"))

    def forward(self, x):
        return torch.cat((self.main(x), self.short(x)), 1)


class Neck(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.up = nn.ConvTranspose2d(c, c, 2, stride=2, bias=False)  # expect: RB101:19 "ConvTranspose2d bias is cancelled by the BatchNorm2d that follows: pass bias=False (read by 2 layers in CSP(), a norm after each; through the 1x1 ConvModule after it)"
        self.top_down = CSP(2 * c)
        self.up_padded = nn.ConvTranspose2d(c, c, 2, stride=2)
        self.padded = PaddedCSP(2 * c)

    def forward(self, high, low):
        x = self.top_down(torch.cat([self.up(high), low], 1))
        return self.padded(torch.cat([self.up_padded(x), low], 1))


class ConvWrapper(nn.Module):
    # mmyolo's ConvWrapper: a flag of its own handed to ConvModule, which says off with 'auto' too.
    def __init__(self, cin, cout, kernel_size=3, bias: bool = True, norm_cfg=None):
        super().__init__()
        self.block = ConvModule(cin, cout, kernel_size, padding=kernel_size // 2, bias=bias, norm_cfg=norm_cfg)

    def forward(self, x):
        return self.block(x)


wrapped_stem = ConvWrapper(3, 16, norm_cfg=dict(type="BN"), bias=False)  # expect: RB101:16 "ConvModule (inside ConvWrapper()) bias is cancelled by the BatchNorm2d that follows: pass bias=False to ConvWrapper()"
wrapped_plain = ConvWrapper(16, 16)


class SplitAttentionNamed(nn.Module):
    # mmdet's ResNeSt: the norm stored under the name build_norm_layer gives it, read back through a property.
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.fc1 = build_conv_layer(None, c, 32, 1, bias=False)  # expect: RB101:20 "build_conv_layer bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, 32, postfix=1)
        self.add_module(self.norm1_name, norm1)
        self.conv = nn.Conv2d(c, c, 3, bias=False)  # expect: RB101:21 "Conv2d bias is cancelled by the BatchNorm2d that follows: pass bias=False"
        self.bn = nn.BatchNorm2d(c)

    @property
    def norm1(self):
        return getattr(self, self.norm1_name)

    def forward(self, x):
        return self.norm1(self.fc1(x)) + self.bn(self.conv(x))


class NameReadTwice(nn.Module):
    # The name read again elsewhere: the module stored under it may be used there too.
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.fc1 = build_conv_layer(None, c, 32, 1)
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, 32, postfix=1)
        self.add_module(self.norm1_name, norm1)

    @property
    def norm1(self):
        return getattr(self, self.norm1_name)

    def features(self, x):
        return getattr(self, self.norm1_name)(x)

    def forward(self, x):
        return self.norm1(self.fc1(x))


class NamedByUnknown(nn.Module):
    # A name no row describes may be any attribute's: "bn" may be replaced by the module stored under it.
    def __init__(self, c, make):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn = nn.BatchNorm2d(c)
        self.extra_name, extra = make(c)
        self.add_module(self.extra_name, extra)

    def forward(self, x):
        return self.bn(self.conv(x))


class NamedLikeTheNorm(nn.Module):
    # build_norm_layer names its layer "bn1": the class's own bn1 may be the module stored under that name.
    def __init__(self, c, norm_cfg=dict(type="BN")):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3)
        self.bn1 = nn.BatchNorm2d(c)
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, c, postfix=1)
        self.add_module(self.norm1_name, norm1)

    def forward(self, x):
        return self.bn1(self.conv(x))
