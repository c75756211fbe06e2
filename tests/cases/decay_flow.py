# RB201/RB202: decays and parameter lists that travel a step further than a literal.
from dataclasses import dataclass, field

import pytorch_lightning as pl
import torch
import torch.nn as nn


# ---------------------------------------------------------------- self.x set in __init__

class Trainer:
    def __init__(self, model, weight_decay=0.05):
        self.model = model
        self.weight_decay = weight_decay
        self.lr = 1e-3

    def build(self):
        return torch.optim.AdamW(self.model.parameters(), lr=self.lr, weight_decay=self.weight_decay)  # expect: RB201:16 "AdamW applies weight_decay=0.05 (the default of weight_decay in Trainer()) to the biases and normalization weights of self.model"


trainer = Trainer(nn.Conv2d(3, 8, 3))


class OverriddenTrainer:
    def __init__(self, model, weight_decay=0.05):
        self.model = model
        self.weight_decay = weight_decay

    def build(self):
        return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)


OverriddenTrainer(nn.Conv2d(3, 8, 3))
OverriddenTrainer(nn.Conv2d(3, 8, 3), weight_decay=0.0)  # one call turns it off: not every path decays


class SetLater:
    def __init__(self, model):
        self.model = model
        self.weight_decay = 0.01

    def configure(self, wd):
        self.weight_decay = wd

    def build(self):
        return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)


# ---------------------------------------------------------------- function parameter defaults

def make_sgd(model, wd=5e-4):
    return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)  # expect: RB201:12 "SGD applies weight_decay=0.0005 (the default of wd in make_sgd()) to the biases and normalization weights of model"


make_sgd(nn.Conv2d(3, 8, 3))


def make_sgd_passed(model, wd=5e-4):
    return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)


make_sgd_passed(nn.Conv2d(3, 8, 3), wd=0)


def make_sgd_same(model, wd=5e-4):
    return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)  # expect: RB201:12 "SGD applies weight_decay=0.0005 or 0.0001 to the biases and normalization weights of model"


make_sgd_same(nn.Conv2d(3, 8, 3))
make_sgd_same(nn.Conv2d(3, 8, 3), 1e-4)


def make_sgd_never_called(model, wd=5e-4):  # called from elsewhere: its default is what a plain call runs
    return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)  # expect: RB201:12 "SGD applies weight_decay=0.0005 (the default of wd in make_sgd_never_called()) to the biases and normalization weights of model"


def make_sgd_no_default(model, wd):
    return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)


def make_sgd_kwargs(model, wd=5e-4):
    return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)


make_sgd_kwargs(nn.Conv2d(3, 8, 3), **{"wd": 0.0})


def make_sgd_callback(model, wd=5e-4):
    return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=wd)


make_sgd_callback(nn.Conv2d(3, 8, 3))
FACTORIES = {"sgd": make_sgd_callback}  # used elsewhere as a value: its calls are not all visible


# ---------------------------------------------------------------- arithmetic on literals

def arithmetic(model):
    torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=2.5 * 1e-5)  # expect: RB201:5 "SGD applies weight_decay=2.5e-05 to the biases and normalization weights of model"
    torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=1e-4 * 0)
    base = 1e-4
    torch.optim.AdamW(model.parameters(), weight_decay=base / 2)  # expect: RB201:5 "AdamW applies weight_decay=5e-05 to the biases and normalization weights of model"
    torch.optim.AdamW(model.parameters(), weight_decay=base - base)


# ---------------------------------------------------------------- Lightning hparams

class LitModel(pl.LightningModule):
    def __init__(self, lr=1e-3, weight_decay=0.01):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(4, 4), nn.ReLU())

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)  # expect: RB201:16 "AdamW applies weight_decay=0.01 (the default of hparams.weight_decay) to the biases and normalization weights of self"


class LitByKey(pl.LightningModule):
    def __init__(self, weight_decay=1e-4):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), weight_decay=self.hparams["weight_decay"])  # expect: RB201:16 "Adam applies weight_decay=0.0001 (the default of hparams.weight_decay) to the biases and normalization weights of self"


class LitNoDecay(pl.LightningModule):
    def __init__(self, weight_decay=0.0):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)


class LitUnsaved(pl.LightningModule):
    def __init__(self, weight_decay=0.1):
        super().__init__()
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)


class LitBuiltHere(pl.LightningModule):
    def __init__(self, weight_decay=0.1):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)


lit = LitBuiltHere(weight_decay=0)


class LitBase(pl.LightningModule):
    def __init__(self, lr=1e-3, weight_decay=0.05):
        super().__init__()
        self.save_hyperparameters()


class LitChild(LitBase):
    def __init__(self):
        super().__init__(lr=1e-4)
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr, weight_decay=self.hparams.weight_decay)  # expect: RB201:16 "AdamW applies weight_decay=0.05 (the default of hparams.weight_decay) to the biases and normalization weights of self"


class LitChildPassing(LitBase):
    def __init__(self):
        super().__init__(weight_decay=0.0)
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)


class LitChildOwn(LitBase):
    def __init__(self, weight_decay=0.1):
        super().__init__(weight_decay=weight_decay)
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)


class LitMiddle(LitBase):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)


class LitLeaf(LitMiddle):
    def __init__(self, weight_decay=0.0):
        super().__init__()
        self.save_hyperparameters()


# ---------------------------------------------------------------- config objects

@dataclass
class TrainConfig:
    lr: float = 1e-3
    weight_decay: float = 0.05
    momentum: float = field(default=0.9)


class Hyper:
    weight_decay = 1e-4
    no_decay = 0.0


def with_dataclass(model):
    cfg = TrainConfig()
    return torch.optim.SGD(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)  # expect: RB201:12 "SGD applies weight_decay=0.05 (the default of TrainConfig.weight_decay) to the biases and normalization weights of model"


def with_dataclass_override(model):
    cfg = TrainConfig(weight_decay=0.0)
    return torch.optim.SGD(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)


def with_dataclass_positional(model):
    cfg = TrainConfig(1e-3, 0.0)
    return torch.optim.SGD(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)


def with_dataclass_parameter(model, cfg: TrainConfig):
    return torch.optim.SGD(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)


@dataclass
class NestedConfig:
    optim: TrainConfig = field(default_factory=TrainConfig)
    quiet: TrainConfig = field(default_factory=lambda: TrainConfig(weight_decay=0.0))


def with_nested_dataclass(model):
    cfg = NestedConfig()
    torch.optim.SGD(model.parameters(), lr=cfg.optim.lr, weight_decay=cfg.optim.weight_decay)  # expect: RB201:5 "SGD applies weight_decay=0.05 (the default of TrainConfig.weight_decay) to the biases and normalization weights of model"
    torch.optim.SGD(model.parameters(), lr=cfg.quiet.lr, weight_decay=cfg.quiet.weight_decay)
    given = NestedConfig(optim=TrainConfig(weight_decay=0.0))
    torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=given.optim.weight_decay)


def with_class_attribute(model):
    torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=Hyper.weight_decay)  # expect: RB201:5 "SGD applies weight_decay=0.0001 (the default of Hyper.weight_decay) to the biases and normalization weights of model"
    torch.optim.AdamW(model.parameters(), weight_decay=Hyper.no_decay)


# ---------------------------------------------------------------- parameter lists built in branches

def branch_params(model, extra, learn_logvar):
    params = list(model.parameters())
    if learn_logvar:
        params = params + [extra]
    return torch.optim.AdamW(params, lr=1e-4)  # expect: RB201:12 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"


def ifexp_params(model, head, finetune):
    params = head.parameters() if finetune else model.parameters()
    return torch.optim.AdamW(params)  # expect: RB201:12 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of head"


def ifexp_filtered(model, finetune):
    params = [p for p in model.parameters() if p.ndim > 1] if finetune else model.parameters()
    return torch.optim.AdamW(params)  # one path decays matrices only


def branch_filtered(model, finetune):
    params = model.parameters()
    if finetune:
        params = [p for p in model.parameters() if p.ndim > 1]
    return torch.optim.AdamW(params)


def rebound_before(model):
    params = model.parameters()
    params = [p for p in model.parameters() if p.ndim > 1]
    return torch.optim.AdamW(params)


def augmented(model, extra):
    params = list(model.parameters())
    params += [extra]
    return torch.optim.AdamW(params)  # expect: RB201:12 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"


# ---------------------------------------------------------------- groups split by module name

def split_by_name(model):
    backbone = [p for n, p in model.named_parameters() if "backbone" in n]
    head = [p for n, p in model.named_parameters() if "backbone" not in n]
    return torch.optim.AdamW(
        [{"params": backbone, "lr": 1e-5}, {"params": head, "lr": 1e-3}],  # expect: RB202:10 "parameter group with the optimizer's weight_decay=0.05 takes every parameter of model (split by name across 2 groups that all decay), biases and normalization weights included"
        weight_decay=0.05,
    )


def split_by_prefix(model):
    return torch.optim.SGD([
        {"params": [p for n, p in model.named_parameters() if n.startswith("encoder.")], "lr": 0.01},  # expect: RB202:9 "parameter group with the optimizer's weight_decay=0.0001 takes every parameter of model (split by name across 2 groups that all decay), biases and normalization weights included"
        {"params": [p for n, p in model.named_parameters() if not n.startswith("encoder.")]},
    ], lr=0.1, weight_decay=1e-4)


def split_exempt(model):
    decay = [p for n, p in model.named_parameters() if "bias" not in n]
    no_decay = [p for n, p in model.named_parameters() if "bias" in n]
    return torch.optim.AdamW([{"params": decay}, {"params": no_decay}], weight_decay=0.05)


def split_head_off(model):
    backbone = [p for n, p in model.named_parameters() if "backbone" in n]
    head = [p for n, p in model.named_parameters() if "backbone" not in n]
    return torch.optim.AdamW([{"params": backbone}, {"params": head, "weight_decay": 0.0}], weight_decay=0.05)


def split_partial(model):
    backbone = [p for n, p in model.named_parameters() if "backbone" in n]
    head = [p for n, p in model.named_parameters() if "head" in n]
    return torch.optim.AdamW([{"params": backbone}, {"params": head}], weight_decay=0.05)


def two_modules(model):
    return torch.optim.AdamW([  # one finding for the call, on the first decaying group
        {"params": model.backbone.parameters(), "lr": 1e-4},  # expect: RB202:9 "parameter group with the optimizer's weight_decay=0.05 takes every parameter of model.backbone (and 1 more group like it), biases and normalization weights included"
        {"params": model.head.parameters(), "lr": 1e-3},
    ], weight_decay=0.05)



# ---------------------------------------------------------------- self.x set by a base class of the file

class BaseRunner(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.weight_decay = 0.05


class SGDRunner(BaseRunner):
    def build(self):
        return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)  # expect: RB201:16 "SGD applies weight_decay=0.05 (self.weight_decay)"


class DeepRunner(SGDRunner):
    def rebuild(self):
        return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)  # expect: RB201:16 "SGD applies weight_decay=0.05 (self.weight_decay)"


class MixedRunner(BaseRunner, pl.LightningModule):
    """A base from another package may set the attribute too: unknown."""

    def build(self):
        return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)


class ZeroBase:
    weight_decay = 0.0


class ZeroRunner(ZeroBase):
    def build(self, model):
        return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=self.weight_decay)


class TunedBase:
    def __init__(self):
        self.weight_decay = 0.05


class TunedRunner(TunedBase):
    def build(self, model):
        return torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=self.weight_decay)


class ZeroedTuned(TunedRunner):
    def __init__(self):
        super().__init__()
        self.weight_decay = 0.0


# ---------------------------------------------------------------- parameters by name, then without their names

def named_values(model):
    torch.optim.SGD(list(dict(model.named_parameters()).values()), lr=0.1, weight_decay=1e-4)  # expect: RB201:5 "SGD applies weight_decay=0.0001 to the biases and normalization weights of model"
    torch.optim.SGD(dict(model.named_parameters(), extra=None).values(), lr=0.1, weight_decay=1e-4)
    torch.optim.SGD(dict(model.parameters()).values(), lr=0.1, weight_decay=1e-4)


# ---------------------------------------------------------------- groups appended to a list before it is taken

def appended_groups(model, lr):
    params_list = [{"params": model.backbone.parameters(), "lr": lr}]  # expect: RB202:20 "parameter group with the optimizer's weight_decay=0.0001 takes every parameter of model.backbone (and 1 more group like it), biases and normalization weights included"
    params_list.append({"params": model.head.parameters(), "lr": lr * 10})
    return torch.optim.SGD(params_list, lr=lr, momentum=0.9, weight_decay=1e-4)


def appended_dict_calls(model, lr):
    params = []
    params.append(dict(params=model.backbone.parameters(), lr=lr))  # expect: RB202:19 "parameter group with the optimizer's weight_decay=0.0001 takes every parameter of model.backbone (and 1 more group like it), biases and normalization weights included"
    params.append(dict(params=model.head.parameters(), lr=lr * 10))
    return torch.optim.SGD(params, lr=lr, weight_decay=1e-4)


def appended_exempt_group(model, lr):
    params = []
    params.append({"params": [p for p in model.parameters() if p.ndim > 1]})
    params.append({"params": [p for p in model.parameters() if p.ndim <= 1], "weight_decay": 0.0})
    return torch.optim.SGD(params, lr=lr, weight_decay=1e-4)


def appended_after_the_optimizer(model, lr):
    params = []
    params.append({"params": model.backbone.parameters()})  # expect: RB202:19 "parameter group with the optimizer's weight_decay=0.0001 takes every parameter of model.backbone, biases and normalization weights included"
    optimizer = torch.optim.SGD(params, lr=lr, weight_decay=1e-4)
    params.append({"params": model.head.parameters()})
    return optimizer


def appended_group_built_elsewhere(model, lr, extra):
    params = [{"params": model.backbone.parameters()}]
    params.append(extra)
    return torch.optim.SGD(params, lr=lr, weight_decay=1e-4)


def extended_groups(model, lr, extra):
    params = [{"params": model.backbone.parameters()}]
    params.extend(extra)
    return torch.optim.SGD(params, lr=lr, weight_decay=1e-4)


def appended_in_a_loop(model, lr):
    params = []
    for part in (model.backbone, model.head):
        params.append({"params": part.parameters()})  # expect: RB202:23 "parameter group with the optimizer's weight_decay=0.0001 takes every parameter of part, biases and normalization weights included"
    return torch.optim.SGD(params, lr=lr, weight_decay=1e-4)


def appended_in_a_nested_function(model, lr):
    params = []

    def add(part):
        params.append({"params": part.parameters()})

    add(model.backbone)
    return torch.optim.SGD(params, lr=lr, weight_decay=1e-4)


def appended_under_tests(model, lr):
    # PyTorch-Encoding's: the head's and the auxiliary head's groups only where the model has them
    params_list = [{"params": model.pretrained.parameters(), "lr": lr}]  # expect: RB202:20 "parameter group with the optimizer's weight_decay=0.0001 takes every parameter of model.pretrained (and up to 2 more groups like it), biases and normalization weights included"
    if hasattr(model, "head"):
        params_list.append({"params": model.head.parameters(), "lr": lr * 10})
    if hasattr(model, "auxlayer"):
        params_list.append({"params": model.auxlayer.parameters(), "lr": lr * 10})
    return torch.optim.SGD(params_list, lr=lr, momentum=0.9, weight_decay=1e-4)
