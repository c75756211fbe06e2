# RB201/RB202/RB205: weight decay and penalties on biases and norm weights.
import argparse
import itertools

import bitsandbytes as bnb
import lion_pytorch
import timm
import torch
import torch.nn as nn
import torch.optim as optim
import transformers
from apex.optimizers import FusedAdam, FusedLAMB
from peft import get_peft_model
from timm.optim import Lamb, create_optimizer_v2, param_groups_weight_decay
from torch.optim import SGD, Adam, AdamW

WEIGHT_DECAY = 0.05
NO_DECAY = 0.0

parser = argparse.ArgumentParser()
parser.add_argument("--weight-decay", type=float, default=1e-2)
parser.add_argument("--wd", default="0.1", type=float)
parser.add_argument("--zero_wd", type=float, default=0.0)
parser.add_argument("--lr", type=float, default=1e-3)
parser.add_argument("--no-default-wd", type=float)
parser.add_argument("--use-8bit", action="store_true")
parser.add_argument("--overridden-wd", type=float, default=0.1)
parser.set_defaults(overridden_wd=0.0)
args = parser.parse_args()


# ---------------------------------------------------------------- the default decays

def defaults(model):
    AdamW(model.parameters())  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    torch.optim.AdamW(model.parameters(), lr=1e-3)  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    optim.AdamW(params=model.parameters())  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    bnb.optim.AdamW8bit(model.parameters(), lr=2e-4)  # expect: RB201:5 "AdamW8bit applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    bnb.optim.PagedAdamW(model.parameters())  # expect: RB201:5 "PagedAdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    FusedLAMB(model.parameters(), lr=1e-3)  # expect: RB201:5 "FusedLAMB applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    Lamb(model.parameters())  # expect: RB201:5 "Lamb applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    timm.optim.NAdamW(model.parameters())  # expect: RB201:5 "NAdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    torch.optim.Adam(model.parameters(), lr=1e-3)  # Adam's default is 0
    SGD(model.parameters(), lr=0.1, momentum=0.9)  # default 0
    FusedAdam(model.parameters())  # default 0
    lion_pytorch.Lion(model.parameters())  # default 0
    transformers.AdamW(model.parameters())  # default 0
    bnb.optim.Lion8bit(model.parameters())  # default 0
    torch.optim.Muon(model.parameters())  # Muon takes only matrices: it would refuse a bias
    torch.optim.LBFGS(model.parameters())  # no weight decay at all


# ---------------------------------------------------------------- explicit values

def explicit(model):
    torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)  # expect: RB201:5 "SGD applies weight_decay=0.0005 to the biases and normalization weights of model"
    Adam(model.parameters(), 1e-3, (0.9, 0.999), 1e-8, 1e-4)  # expect: RB201:5 "Adam applies weight_decay=0.0001 to the biases and normalization weights of model"
    torch.optim.Adam(model.parameters(), weight_decay=1e-5)  # expect: RB201:5 "Adam applies weight_decay=1e-05 to the biases and normalization weights of model"
    lion_pytorch.Lion(model.parameters(), lr=1e-4, weight_decay=1e-2)  # expect: RB201:5 "Lion applies weight_decay=0.01 to the biases and normalization weights of model"
    FusedAdam(model.parameters(), lr=1e-3, weight_decay=0.01)  # expect: RB201:5 "FusedAdam applies weight_decay=0.01 to the biases and normalization weights of model"
    transformers.AdamW(model.parameters(), weight_decay=0.01)  # expect: RB201:5 "AdamW applies weight_decay=0.01 to the biases and normalization weights of model"
    AdamW(model.parameters(), weight_decay=WEIGHT_DECAY)  # expect: RB201:5 "AdamW applies weight_decay=0.05 (WEIGHT_DECAY) to the biases and normalization weights of model"
    AdamW(model.parameters(), weight_decay=0)  # explicit zero
    AdamW(model.parameters(), weight_decay=0.0)
    AdamW(model.parameters(), 1e-3, (0.9, 0.999), 1e-8, 0.0)  # positional zero
    AdamW(model.parameters(), weight_decay=NO_DECAY)
    torch.optim.SGD(model.parameters(), 0.1, 0.9, 0, 0)  # positional zero
    AdamW(model.parameters(), weight_decay=config_value())  # unknown
    AdamW(model.parameters(), **optimizer_kwargs())  # may carry weight_decay=0
    AdamW(*make_args(model))  # nothing to see through
    local_wd = 0.02
    AdamW(model.parameters(), weight_decay=local_wd)  # expect: RB201:5 "AdamW applies weight_decay=0.02 (local_wd) to the biases and normalization weights of model"


def optimizer_kwargs():
    return {}


def config_value():
    return 0.0


def make_args(model):
    return (model.parameters(),)


# ---------------------------------------------------------------- argparse defaults

def from_args(model, args):
    AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)  # expect: RB201:5 "AdamW applies weight_decay=0.01 (the default of --weight-decay) to the biases and normalization weights of model"
    torch.optim.SGD(model.parameters(), lr=args.lr, weight_decay=args.wd)  # expect: RB201:5 "SGD applies weight_decay=0.1 (the default of --wd) to the biases and normalization weights of model"
    AdamW(model.parameters(), weight_decay=args.zero_wd)  # default 0.0
    AdamW(model.parameters(), weight_decay=args.no_default_wd)  # no default: None, not known
    AdamW(model.parameters(), weight_decay=args.overridden_wd)  # set_defaults changes it
    AdamW(model.parameters(), weight_decay=args.not_an_option)  # not defined in this file


def class_variable(model, args):
    optimizer_class = bnb.optim.AdamW8bit if args.use_8bit else torch.optim.AdamW
    optimizer_class(model.parameters(), lr=args.lr)  # expect: RB201:5 "AdamW8bit or AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    optimizer_cls = bnb.optim.Adam8bit if args.use_8bit else torch.optim.AdamW
    optimizer_cls(model.parameters(), lr=args.lr)  # Adam8bit does not decay by default


def class_variable_in_branches(model, args):
    if args.use_8bit:
        optimizer_cls = bnb.optim.AdamW8bit
    else:
        optimizer_cls = torch.optim.AdamW
    return optimizer_cls(model.parameters(), lr=args.lr)  # expect: RB201:12 "AdamW or AdamW8bit applies weight_decay=0.01 (its default) to the biases and normalization weights of model"


def class_variable_unknown(model, args):
    optimizer_cls = getattr(torch.optim, args.optimizer)
    return optimizer_cls(model.parameters(), weight_decay=0.1)  # could be anything


# ---------------------------------------------------------------- every parameter, as written

def every_parameter(model, encoder, decoder):
    AdamW(filter(lambda p: p.requires_grad, model.parameters()), lr=1e-4)  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    AdamW([p for p in model.parameters() if p.requires_grad])  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    AdamW((p for _, p in model.named_parameters()))  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    AdamW([p for n, p in model.named_parameters() if p.requires_grad])  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    AdamW(model.named_parameters())  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    AdamW(list(model.parameters()))  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    AdamW(itertools.chain(encoder.parameters(), decoder.parameters()))  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of encoder"
    AdamW(list(encoder.parameters()) + list(decoder.parameters()))  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of encoder"
    AdamW(model.module.parameters())  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model.module"
    AdamW(model.parameters(recurse=True))  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    params = model.parameters()
    AdamW(params, lr=1e-3)  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    trainable = [p for p in model.parameters() if p.requires_grad]
    torch.optim.AdamW(trainable, lr=1e-3)  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"


def chosen_parameters(model):
    AdamW([p for p in model.parameters() if p.dim() >= 2])  # nanoGPT: matrices only
    AdamW([p for n, p in model.named_parameters() if "bias" not in n])
    AdamW(filter(lambda p: p.requires_grad and p.ndim > 1, model.parameters()))
    AdamW([model.weight, model.other_weight])  # single weight tensors
    AdamW(model.parameters(recurse=False))  # only the module's own parameters
    AdamW(model.get_input_embeddings().parameters())  # an embedding alone
    AdamW(model.lora_parameters())  # not every parameter
    AdamW(get_params(model))  # unknown helper


def get_params(model):
    return [model.weight]


# ---------------------------------------------------------------- parameter groups

def groups(model):
    AdamW([
        {"params": model.backbone.parameters(), "lr": 1e-4},  # expect: RB202:9 "parameter group with the optimizer's weight_decay=0.05 takes every parameter of model.backbone (and 1 more group like it), biases and normalization weights included"
        {"params": model.head.parameters(), "lr": 1e-3},  # the same mistake: one finding per optimizer
    ], weight_decay=0.05)
    torch.optim.SGD([
        {"params": model.backbone.parameters(), "weight_decay": 1e-4},  # expect: RB202:9 "parameter group with weight_decay=0.0001 takes every parameter of model.backbone, biases and normalization weights included"
        {"params": model.head.parameters()},  # SGD's default decay is 0
    ], lr=0.1)
    param_groups = [{"params": model.parameters(), "weight_decay": 0.1}]  # expect: RB202:21 "parameter group with weight_decay=0.1 takes every parameter of model, biases and normalization weights included"
    AdamW(param_groups, lr=1e-3)


def groups_with_exemption(model, decay_params, no_decay_params):
    AdamW([{"params": decay_params, "weight_decay": 0.1}, {"params": no_decay_params, "weight_decay": 0.0}])
    no_decay = ["bias", "LayerNorm.weight"]
    grouped = [
        {"params": [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    AdamW(grouped, lr=5e-5)
    AdamW([{"params": model.encoder.parameters()}, {"params": model.norms.parameters(), "weight_decay": 0}])
    AdamW([{"params": model.parameters(), "weight_decay": args.zero_wd}])
    AdamW([{**base_group(), "params": model.parameters()}])  # unknown keys
    AdamW([{"params": model.parameters()}, extra_group(model)])  # a group built elsewhere
    built = [{"params": model.parameters()}]
    built.append({"params": model.extra.parameters(), "weight_decay": 0.0})
    AdamW(built)  # the list grows: silent
    AdamW(param_groups_weight_decay(model, 0.05), lr=1e-3)  # timm's split
    create_optimizer_v2(model, "adamw", lr=1e-3, weight_decay=0.05)  # filter_bias_and_bn=True by default


def base_group():
    return {"lr": 1.0}


def extra_group(model):
    return {"params": [], "weight_decay": 0.0}


def mingpt(model):
    decay, no_decay = set(), set()
    whitelist = (nn.Linear,)
    for mn, m in model.named_modules():
        for pn, p in m.named_parameters():
            fpn = f"{mn}.{pn}" if mn else pn
            if pn.endswith("bias"):
                no_decay.add(fpn)
            elif pn.endswith("weight") and isinstance(m, whitelist):
                decay.add(fpn)
    param_dict = dict(model.named_parameters())
    optim_groups = [
        {"params": [param_dict[pn] for pn in sorted(decay)], "weight_decay": 0.1},
        {"params": [param_dict[pn] for pn in sorted(no_decay)], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(optim_groups, lr=3e-4, betas=(0.9, 0.95))


# ---------------------------------------------------------------- frozen, bias-free, LoRA

def lora_training(unet, text_encoder, lora_config):
    unet.requires_grad_(False)
    unet.add_adapter(lora_config)
    lora_layers = filter(lambda p: p.requires_grad, unet.parameters())
    AdamW(lora_layers, lr=1e-4)  # only the adapters train
    text_encoder.requires_grad_(False)
    torch.optim.AdamW(text_encoder.parameters())  # frozen: no gradient, no step


def full_finetune(unet, vae, text_encoder, args):
    vae.requires_grad_(False)
    text_encoder.requires_grad_(False)
    return torch.optim.AdamW(unet.parameters(), lr=args.lr, weight_decay=args.weight_decay)  # expect: RB201:12 "AdamW applies weight_decay=0.01 (the default of --weight-decay) to the biases and normalization weights of unet"


def peft_training(base_model, config):
    model = get_peft_model(base_model, config)
    return AdamW(model.parameters(), lr=1e-4)  # LoRA matrices only


def embedding_only(vocab):
    embedding = nn.Embedding(vocab, 64)
    AdamW(embedding.parameters())
    projection = nn.Linear(64, 64, bias=False)
    AdamW(projection.parameters())
    biased = nn.Linear(64, 64)
    AdamW(biased.parameters())  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of biased"


class Factorized(nn.Module):
    def __init__(self, rank: int, dim=64):
        super().__init__()
        self.rank = rank
        self.u = nn.Parameter(torch.randn(dim, rank))
        self.v = nn.Parameter(torch.randn(rank, dim))
        self.proj = nn.Linear(dim, dim, bias=False)

    def forward(self, x):
        return self.proj(x @ self.u @ self.v)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)  # no bias, no norm in this class


class Biased(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim)
        self.embed = nn.Embedding(10, dim)

    def configure_optimizers(self):
        torch.optim.AdamW(self.embed.parameters())  # the embedding alone
        return torch.optim.AdamW(self.parameters(), lr=1e-3)  # expect: RB201:16 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of self"


class Wrapped(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def configure_optimizers(self):
        return AdamW(self.parameters())  # expect: RB201:16 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of self"


class ThisReceiver(nn.Module):
    """A method's receiver is its first parameter, whatever it is named."""

    def __init__(this, vocab, dim):
        super().__init__()
        this.emb = nn.Embedding(vocab, dim)
        this.proj = nn.Linear(dim, dim)

    def configure_optimizers(this):
        torch.optim.AdamW(this.emb.parameters(), lr=1e-3)  # an embedding: no bias, no norm
        return torch.optim.AdamW(this.proj.parameters(), lr=1e-3)  # expect: RB201:16 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of this.proj"


class ThisOnlyEmbedding(nn.Module):
    def __init__(this, vocab, dim):
        super().__init__()
        this.emb = nn.Embedding(vocab, dim)

    def configure_optimizers(this):
        return torch.optim.AdamW(this.parameters(), lr=1e-3)  # the whole class holds only an embedding


def bias_free_model():
    model = Factorized(8)
    AdamW(model.parameters())
    other = Biased(8)
    AdamW(other.parameters())  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of other"


# ---------------------------------------------------------------- RB205: hand-written penalties

def penalties(model, criterion, x, y, lam):
    loss = criterion(model(x), y)
    loss = loss + lam * sum(p.pow(2).sum() for p in model.parameters())  # expect: RB205:28 "penalty over every parameter of model shrinks its biases and normalization weights"
    l2 = sum(torch.norm(p) for p in model.parameters())  # expect: RB205:13 "penalty over every parameter of model shrinks its biases and normalization weights"
    loss = loss + 1e-4 * l2
    loss += 1e-5 * sum((p ** 2).sum() for _, p in model.named_parameters())  # expect: RB205:23 "penalty over every parameter of model shrinks its biases and normalization weights"
    l1 = torch.tensor(0.0)
    for param in model.parameters():  # expect: RB205:5 "penalty over every parameter of model shrinks its biases and normalization weights"
        l1 += param.abs().sum()
    loss = loss + lam * l1
    reg = 0
    for p in model.parameters():  # expect: RB205:5 "penalty over every parameter of model shrinks its biases and normalization weights"
        reg += torch.square(p).sum()
    reg.backward()
    return loss


class SelfRegularized(nn.Module):
    """Its own modules' calls (self.norm(x), self.q_norm(q)) spell no penalty; its p.norm(2) does."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.norm = nn.LayerNorm(4)
        self.q_norm = nn.LayerNorm(4)

    def forward(self, x):
        return self.q_norm(self.norm(self.fc(x)))

    def loss(self, criterion, x, y):
        return criterion(self(x), y) + 1e-4 * sum(p.norm(2) for p in self.parameters())  # expect: RB205:50 "penalty over every parameter of self shrinks its biases and normalization weights"


def not_penalties(model, criterion, x, y):
    grad_norm = sum(p.grad.norm() ** 2 for p in model.parameters()) ** 0.5  # gradient norm, logged
    weight_norm = sum(p.norm() ** 2 for p in model.parameters()) ** 0.5  # weight norm, logged
    print(grad_norm, weight_norm)
    loss = criterion(model(x), y)
    loss = loss + 1e-4 * sum(p.pow(2).sum() for p in model.parameters() if p.dim() > 1)  # matrices only
    loss = loss + 1e-4 * sum(p.pow(2).sum() for n, p in model.named_parameters() if "weight" in n)
    total = 0.0
    for p in model.parameters():
        total += p.numel()  # counting, not a penalty
    norms = 0.0
    for p in model.parameters():
        norms += p.norm() ** 2
    print(norms ** 0.5)
    count = sum(p.numel() for p in model.parameters())
    return loss + count


# ---------------------------------------------------------------- same-file models, composed

class Attention(nn.Module):
    def __init__(self, in_features: int, out_features: int, heads: int, concat: bool = False):
        super().__init__()
        self.concat = concat
        self.hidden = out_features // heads
        self.W = nn.Parameter(torch.empty(size=(in_features, self.hidden * heads)))
        self.a = nn.Parameter(torch.empty(size=(heads, 2 * self.hidden, 1)))
        self.act = nn.LeakyReLU(0.2)


class AttentionNet(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.first = Attention(features, 64, 8)
        self.second = Attention(64, classes, 1)


class WithBiasVector(nn.Module):
    def __init__(self, features: int):
        super().__init__()
        self.kernel = nn.Parameter(torch.Tensor(features, features))
        self.bias = nn.Parameter(torch.zeros(features))


def composed(device):
    net = AttentionNet(16, 4).to(device)
    Adam(net.parameters(), lr=5e-3, weight_decay=5e-4)  # weights only, however composed
    layer = WithBiasVector(8).to(device)
    Adam(layer.parameters(), lr=5e-3, weight_decay=5e-4)  # expect: RB201:5 "Adam applies weight_decay=0.0005 to the biases and normalization weights of layer"


class GraphConv(nn.Module):
    def __init__(self, input_dim, output_dim, use_bias=False):
        super().__init__()
        self.kernel = nn.Parameter(torch.Tensor(input_dim, output_dim))
        self.bias = None
        if use_bias:
            self.bias = nn.Parameter(torch.Tensor(output_dim))


class GraphNet(nn.Module):
    def __init__(self, features, hidden, classes, use_bias=False, p=0.5):
        super().__init__()
        self.first = GraphConv(features, hidden, use_bias=use_bias)
        self.second = GraphConv(hidden, classes, use_bias=use_bias)
        self.dropout = nn.Dropout(p)


class ConfigurableHead(nn.Module):
    def __init__(self, features, use_bias):
        super().__init__()
        self.fc = nn.Linear(features, features, bias=use_bias)


class NormedNet(nn.Module):
    def __init__(self, features, use_bias):
        super().__init__()
        self.head = ConfigurableHead(features, use_bias)
        self.norm = nn.LayerNorm(features)


def configurable(device, args):
    net = GraphNet(16, 32, 4, args.use_bias).to(device)
    Adam(net.parameters(), lr=1e-2, weight_decay=5e-4)  # a bias only with --use-bias: silent
    head = ConfigurableHead(8, args.use_bias)
    Adam(head.parameters(), weight_decay=5e-4)  # bias=use_bias
    normed = NormedNet(8, args.use_bias)
    Adam(normed.parameters(), weight_decay=5e-4)  # expect: RB201:5 "Adam applies weight_decay=0.0005 to the biases and normalization weights of normed"


def moved(model, device):
    model = model.to(device)
    AdamW(model.parameters())  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"


def penalty_over_branch_built_list(model, extra, criterion, x, y, learn_extra):
    params = list(model.parameters())
    if learn_extra:
        params = params + [extra]
    penalty = sum(p.pow(2).sum() for p in params)  # expect: RB205:18 "penalty over every parameter of model shrinks its biases and normalization weights"
    return criterion(model(x), y) + 1e-4 * penalty


def penalty_over_matrices_in_a_branch(model, criterion, x, y, matrices_only):
    params = model.parameters()
    if matrices_only:
        params = [p for p in model.parameters() if p.dim() >= 2]
    penalty = sum(p.pow(2).sum() for p in params)
    return criterion(model(x), y) + 1e-4 * penalty


class BiasFreeRestorer(nn.Module):
    """MIRNet's shape: bias-free convs and PReLUs, no norm: no bias or norm weight to decay."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.PReLU(), nn.Conv2d(c, c, 3, bias=False))
        self.act = nn.PReLU()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=2e-4, weight_decay=1e-8)


class BiasedInSequence(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.PReLU(), nn.Conv2d(c, c, 3))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=2e-4, weight_decay=1e-8)  # expect: RB201:16 "Adam applies weight_decay=1e-08 to the biases and normalization weights of self"
