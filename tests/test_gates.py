"""Which top-level parts of a framework file are walked: what cannot matter is skipped, and made unknown."""

from __future__ import annotations

import ast
import textwrap

from flake8_redundant_bias.config import Config
from flake8_redundant_bias.engine import Gates
from flake8_redundant_bias.model.gates import Spelled, skippable
from flake8_redundant_bias.rules import RULES
from flake8_redundant_bias.text import Text

ZOO = """\
    import torch.nn as nn

    __all__ = ["ResNet", "resnet50", "resnet_wide", "resnet_biased", "Weights50", "Tuned"]


    class ResNet(nn.Module):
        def __init__(self, width, bias=False):
            super().__init__()
            self.conv = nn.Conv2d(3, width, 3, bias=bias)
            self.bn = nn.BatchNorm2d(width)


    class Weights50:
        url = "https://example.org/resnet50.pth"


    class Tuned(ResNet):
        pass


    def resnet50(*, weights=None, progress=True, **kwargs):
        return ResNet(64, **kwargs)


    def resnet_wide(**kwargs):
        return ResNet(128, **kwargs)


    def resnet_biased():
        return ResNet(64, bias=True)


    def resnet_layered():
        return ResNet(64, conv=nn.Conv2d)
    """


def skipped_names(source: str) -> set[str]:
    text = textwrap.dedent(source)
    tree = ast.parse(text)
    config = Config()
    words = Gates.of(config).words(frozenset({"torch"}))
    spelled = Spelled(text, words.rules, frozenset({"torch"}), words.keep)
    skip, _ = skippable(tree, Text.of(text), spelled, handing=words.handing)
    return {node.name for node in skip}  # type: ignore[attr-defined]


def test_builders_that_only_call_the_model_are_skipped_with_what_only_they_name() -> None:
    # resnet50 and resnet_wide pass sizes and **kwargs: nothing that changes what ResNet builds; __all__ names
    # them without using them, and the weight table only __all__ names (its URL names resnet50 in a string).
    assert skipped_names(ZOO) == {"resnet50", "resnet_wide", "Weights50"}


def test_a_builder_that_may_hand_a_switch_or_a_layer_class_is_walked() -> None:
    # resnet_biased passes bias=True, resnet_layered a layer class; Tuned subclasses ResNet (it may
    # re-assign what its base built).
    assert {"resnet_biased", "resnet_layered", "Tuned", "ResNet"}.isdisjoint(skipped_names(ZOO))


WEIGHTED_ZOO = """\
    import torch.nn as nn


    class DenseNet(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.conv = nn.Conv2d(3, width, 3)
            self.bn = nn.BatchNorm2d(width)


    class DenseNet121_Weights:
        url = "https://example.org/densenet121-a639ec97.pth"


    def densenet121(*, weights=None, **kwargs):
        weights = DenseNet121_Weights.verify(weights)
        return _densenet(32, weights, **kwargs)


    def _densenet(width, weights, **kwargs):
        return DenseNet(width, **kwargs)


    class DenseNetTuned(DenseNet):
        pass
    """


def test_a_name_counts_only_spelled_whole() -> None:
    # torchvision's shape: a weights class whose name begins with the model's (DenseNet121_Weights is not
    # DenseNet) names no relevant part, so neither does its URL name the builder (densenet121-a639ec97.pth);
    # the builder and the helper only it calls are skipped with it.  A subclass naming its base is walked.
    assert skipped_names(WEIGHTED_ZOO) == {"DenseNet121_Weights", "densenet121", "_densenet"}


def bias_rule_fires(source: str) -> bool:
    """Whether the bias rule's triggers fire on a module, the local names its imports give them included."""
    from flake8_redundant_bias.rules import RULES
    from flake8_redundant_bias.rules.bias_before_norm import BiasBeforeNorm

    text = textwrap.dedent(source)
    tree = ast.parse(text)
    roots = frozenset({"torch"})
    words = Gates.of(Config()).words(roots)
    groups = [tuple(trigger.with_aliases(tree, roots) for trigger in group) for group in words.rules]
    number = next(n for n, rule in enumerate(RULES) if isinstance(rule, BiasBeforeNorm))
    return Spelled(text, groups, roots, words.keep).fires(number)


def test_a_norm_factory_imported_from_the_project_fires_the_bias_rule() -> None:
    model = "import torch.nn as nn\n{}\n\nlayer = nn.Sequential(nn.Conv2d(3, 8, 3), make(8))\n"
    assert bias_rule_fires(model.format("from .norms import get_norm_layer as make"))
    assert bias_rule_fires(model.format("from utils.layers import build_norm"))
    # A block named for its norm may build it after a bias its default leaves on (``ConvBNReLU(3, 8)``).
    assert bias_rule_fires(model.format("from .blocks import ConvNormAct as make"))
    assert bias_rule_fires(model.format("from .blocks import ConvBNReLU as make"))
    assert bias_rule_fires(model.format("from .blocks import conv_bn as make"))
    # A framework's function, and names that only begin with the word or spell it inside another, are neither.
    assert not bias_rule_fires(model.format("from torch.nn.utils import clip_grad_norm_ as make"))
    assert not bias_rule_fires(model.format("from .transforms import normalize as make"))
    assert not bias_rule_fires(model.format("from .transforms import Normalize as make"))
    assert not bias_rule_fires(model.format("from .blocks import ConvBlock, abnormal as make"))


def test_a_block_of_the_project_switched_on_fires_the_bias_rule() -> None:
    model = "import torch.nn as nn\nfrom . import blocks\nfrom .blocks import Conv, Attention\n\n{}\n"
    assert bias_rule_fires(model.format("layer = Conv(3, 8, bias=True)"))
    assert bias_rule_fires(model.format("layer = blocks.Conv(3, 8, bias=True)"))
    assert bias_rule_fires(model.format("layer = nn.Sequential(\n    Conv(\n        3, 8,\n        bias=True,\n    ))"))
    # Switched on for a layer of the framework, another keyword (qkv_bias), or left at its default by a block whose
    # name says nothing of a norm: nothing to read.
    assert not bias_rule_fires(model.format("layer = Conv(3, nn.Linear(3, 8, bias=True))"))
    assert not bias_rule_fires(model.format("layer = Attention(8, qkv_bias=True)"))
    assert not bias_rule_fires(model.format("layer = Conv(3, 8)  # bias=True"))


def test_a_class_of_the_project_bound_as_a_norm_fires_the_bias_rule() -> None:
    model = "import torch.nn as nn\nfrom .normalization import SPADE\n\n\nclass Block(nn.Module):\n    def __init__(self):\n{}\n"
    # SPADE's blocks: the class's name says nothing of a norm, the name it is bound to does.
    assert bias_rule_fires(model.format("        self.norm_0 = SPADE('spadebatch3x3', 8, 3)"))
    assert bias_rule_fires(model.format("        self.param_free_norm = SPADE('spadebatch3x3', 8, 3)"))
    assert bias_rule_fires(model.format("        bn2 = SPADE('spadebatch3x3', 8, 3)"))
    assert bias_rule_fires("import torch.nn as nn\nfrom .normalization import SPADE\n\nnorm = SPADE('spadebatch3x3', 8, 3)\n")
    assert not bias_rule_fires(model.format("        self.conv = SPADE('spadebatch3x3', 8, 3)"))
    assert not bias_rule_fires(model.format("        self.normal = SPADE('spadebatch3x3', 8, 3)"))
    assert not bias_rule_fires(model.format("        self.norm_0 = nn.Identity()  # SPADE(8)"))


def test_a_comment_naming_a_builder_walks_nothing_more() -> None:
    # What is skipped, and so unknown, must not depend on a comment (round 37: a comment naming _hrnet() made the
    # builders walked, and a finding appear); a comment in the code of a walked class names nothing either.
    commented = ZOO.replace("import torch.nn as nn\n", "import torch.nn as nn\n\n    # Built by resnet50(), or resnet_wide().\n")
    commented = commented.replace("super().__init__()\n", "super().__init__()  # resnet50, Weights50\n", 1)
    assert commented != ZOO
    assert skipped_names(commented) == skipped_names(ZOO) == {"resnet50", "resnet_wide", "Weights50"}


PENALIZED = """\
    import torch
    import torch.nn as nn


    class Block(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.norm = nn.LayerNorm(c)
            self.k_norm = nn.LayerNorm(c)

        def forward(self, x):
            return self.k_norm(self.norm(x))

        def frozen(self):
            return [p for p in self.parameters() if not p.requires_grad]


    def l2_penalty(model):
        return sum(p.norm(2) for p in model.parameters())


    def grad_norms(model):
        return [torch.norm(p.grad) for p in model.parameters()]
    """


def test_a_call_of_the_model_s_own_norm_spells_no_penalty() -> None:
    # A penalty is on a parameter (p.norm(2), torch.norm(p)); self.norm(x) and self.k_norm(x) call the model's own
    # modules, and with self.parameters() in the same class they made every model class with a norm walked (21%
    # of what was walked of timm's models/ and layers/).
    assert skipped_names(PENALIZED) == {"Block"}


RESET = """\
    import torch.nn as nn


    class Attention(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.qkv = nn.Linear(c, 3 * c)
            self.reset_parameters()

        def reset_parameters(self):
            nn.init.trunc_normal_(self.qkv.weight, std=0.02)

        def forward(self, x, attn):
            return attn.norm(self.qkv(x))
    """


def fired(source: str) -> list[str]:
    text = textwrap.dedent(source)
    words = Gates.of(Config()).words(frozenset({"torch"}))
    spelled = Spelled(text, words.rules, frozenset({"torch"}), words.keep)
    return [type(rule).__name__ for number, rule in enumerate(RULES) if spelled.fires(number)]


def test_a_method_that_only_draws_parameters_anew_lists_none() -> None:
    # reset_parameters() spells "parameters(" and re-initialises the layers in place: near a penalty's word
    # (attn.norm(...)) it made timm's attention classes, and every part naming them, walked for the penalty rule.
    assert fired(RESET) == []
    listed = RESET.replace("self.reset_parameters()", "self.frozen = [p for p in self.parameters() if p.norm() == 0]")
    assert fired(listed) == ["Penalties"]


COMMENTED = """\
    import torch.nn as nn


    class Model(nn.Module):
        def init_weights(self):
            # default PyTorch init works well for AdamW
            self.names = [k for k, _ in self.named_parameters()]
    """


def test_a_word_in_a_comment_fires_no_rule() -> None:
    # maxxvit's comment naming AdamW, beside named_parameters(), walked 2,500 lines of model code for the
    # weight-decay rules.
    assert fired(COMMENTED) == []
    assert fired(COMMENTED.replace("# default PyTorch init works well for AdamW", "self.opt = AdamW")) == ["WeightDecay"]
