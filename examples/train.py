"""Training script for the classifier in model.py, with the optimizer habits the plugin finds.

Run:  flake8 --select RB examples/
"""

import argparse

import torch
import torch.nn.functional as F

from model import Classifier

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=3e-4)
parser.add_argument("--weight-decay", type=float, default=0.05)
parser.add_argument("--epochs", type=int, default=10)


def train(model, loader, args):
    # RB201: AdamW decays the biases and BatchNorm weights with --weight-decay's default 0.05.
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    for _ in range(args.epochs):
        for images, labels in loader:
            loss = F.cross_entropy(model(images), labels)
            # RB205: an L2 penalty over every parameter, biases and norms included.
            loss = loss + 1e-5 * sum(p.pow(2).sum() for p in model.parameters())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def fine_tune(model, loader, args):
    # Fine: matrices decay, biases and norm weights (one-dimensional) do not.
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr,
    )
    for images, labels in loader:
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


if __name__ == "__main__":
    arguments = parser.parse_args()
    data = [(torch.randn(8, 3, 64, 64), torch.randint(0, 10, (8,)))]
    train(Classifier(), data, arguments)
