# RB201: an optimizer class looked up by name in torch.optim, the name a literal or an option's default.
import argparse

import torch
from torch import optim

parser = argparse.ArgumentParser()
parser.add_argument("--optimizer", default="AdamW")
parser.add_argument("--plain", default="SGD")
parser.add_argument("--wd", type=float, default=1e-4)
args = parser.parse_args()


def by_option(model):
    getattr(torch.optim, args.optimizer)(model.parameters(), lr=1e-3)  # expect: RB201:5 "AdamW applies weight_decay=0.01 (its default) to the biases and normalization weights of model"
    getattr(optim, args.plain)(model.parameters(), lr=0.1, weight_decay=args.wd)  # expect: RB201:5 "SGD applies weight_decay=0.0001 (the default of --wd) to the biases and normalization weights of model"
    getattr(optim, args.plain)(model.parameters(), lr=0.1)


def by_literal(model, name):
    optimizer_class = getattr(torch.optim, "Adam")
    optimizer_class(model.parameters(), lr=1e-3, weight_decay=1e-2)  # expect: RB201:5 "Adam applies weight_decay=0.01 to the biases and normalization weights of model"
    getattr(torch.optim, name)(model.parameters(), lr=1e-3)
    getattr(torch.optim, "Muon")(model.parameters())
    getattr(torch.optim, "AdamW", None)(model.parameters())
    getattr(args, "optimizer")(model.parameters())
