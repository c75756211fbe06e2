"""The rule catalogue: stable codes, message templates, and an example of each.

Codes are never renumbered.  The README's rule section is rendered from this
module (``python -m flake8_redundant_bias.docs``), and ``tests/test_docs.py``
checks both that the README is current and that every ``wrong`` example is
reported and every ``right`` one is not.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    code: str
    summary: str
    template: str
    wrong: str
    right: str

    def message(self, **fields: object) -> str:
        return f"{self.code} {self.template.format(**fields)}"


RB101 = Code(
    "RB101",
    "a PyTorch convolution/linear layer whose bias the normalization after it cancels",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
    wrong="""\
import torch.nn as nn

block = nn.Sequential(
    nn.Conv2d(64, 128, 3, padding=1),
    nn.BatchNorm2d(128),
    nn.ReLU(),
)
""",
    right="""\
import torch.nn as nn

block = nn.Sequential(
    nn.Conv2d(64, 128, 3, padding=1, bias=False),
    nn.BatchNorm2d(128),
    nn.ReLU(),
)
""",
)
RB102 = Code(
    "RB102",
    "a functional convolution/linear bias cancelled by a functional normalization",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
    wrong="""\
import torch.nn.functional as F


def block(x, w, b, mean, var):
    return F.batch_norm(F.conv2d(x, w, b), mean, var, training=True)
""",
    right="""\
import torch.nn.functional as F


def block(x, w, mean, var):
    return F.batch_norm(F.conv2d(x, w), mean, var, training=True)
""",
)
RB103 = Code(
    "RB103",
    "a Keras convolution/dense layer whose bias the normalization after it cancels",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
    wrong="""\
from keras import layers


def block(x):
    x = layers.Conv2D(128, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)
""",
    right="""\
from keras import layers


def block(x):
    x = layers.Conv2D(128, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)
""",
)
RB104 = Code(
    "RB104",
    "a Flax convolution/dense layer whose bias the normalization after it cancels",
    "{producer} bias is cancelled by the {norm} that follows: pass {fix}{cost}",
    wrong="""\
import flax.linen as nn


class Block(nn.Module):
    @nn.compact
    def __call__(self, x, train: bool):
        x = nn.Conv(128, (3, 3))(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        return nn.relu(x)
""",
    right="""\
import flax.linen as nn


class Block(nn.Module):
    @nn.compact
    def __call__(self, x, train: bool):
        x = nn.Conv(128, (3, 3), use_bias=False)(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        return nn.relu(x)
""",
)

RB201 = Code(
    "RB201",
    "an optimizer that applies weight decay to every parameter of a module, biases and norms included",
    "{optimizer} applies weight_decay={decay} to the biases and normalization weights of {module}: "
    "put them in a parameter group with weight_decay=0.0",
    wrong="""\
import torch


def make_optimizer(model):
    return torch.optim.AdamW(model.parameters(), lr=3e-4)
""",
    right="""\
import torch


def make_optimizer(model):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW(
        [{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], lr=3e-4
    )
""",
)
RB202 = Code(
    "RB202",
    "a parameter group that decays every parameter of a module, in a list with no group exempting biases and norms",
    "parameter group with weight_decay={decay} takes every parameter of {module}{more}, biases and normalization "
    "weights included: give those a group with weight_decay=0.0",
    wrong="""\
import torch


def make_optimizer(model):
    return torch.optim.AdamW([
        {"params": model.backbone.parameters(), "lr": 1e-4},
        {"params": model.head.parameters(), "lr": 1e-3},
    ], weight_decay=0.05)
""",
    right="""\
import torch


def groups(module, lr):
    decay = [p for p in module.parameters() if p.ndim >= 2]
    no_decay = [p for p in module.parameters() if p.ndim < 2]
    return [{"params": decay, "lr": lr}, {"params": no_decay, "lr": lr, "weight_decay": 0.0}]


def make_optimizer(model):
    return torch.optim.AdamW(groups(model.backbone, 1e-4) + groups(model.head, 1e-3), weight_decay=0.05)
""",
)
RB203 = Code(
    "RB203",
    "an Optax transform that decays every parameter, biases and norms included (no mask)",
    "{optimizer} applies {keyword}={decay} to every parameter, biases and normalization weights included: "
    "pass mask= (e.g. lambda p: jax.tree_util.tree_map(lambda x: x.ndim > 1, p))",
    wrong="""\
import optax

tx = optax.adamw(learning_rate=1e-3)
""",
    right="""\
import jax
import optax

tx = optax.adamw(learning_rate=1e-3, mask=lambda p: jax.tree_util.tree_map(lambda x: x.ndim > 1, p))
""",
)
RB204 = Code(
    "RB204",
    "a Keras optimizer that decays every variable, biases and norms included (nothing excluded)",
    "{optimizer} applies {keyword}={decay} to every variable, biases and normalization weights included: "
    'exclude them with exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])',
    wrong="""\
import keras

optimizer = keras.optimizers.AdamW(learning_rate=1e-3)
""",
    right="""\
import keras

optimizer = keras.optimizers.AdamW(learning_rate=1e-3)
optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
""",
)
RB205 = Code(
    "RB205",
    "a penalty on biases or normalization weights: a hand-written L1/L2 sum over every parameter, or a Keras regularizer",
    "{penalty} shrinks {shrunk}: {fix}",
    wrong="""\
import torch


def loss_fn(model, criterion, x, y):
    penalty = sum(p.pow(2).sum() for p in model.parameters())
    return criterion(model(x), y) + 1e-4 * penalty
""",
    right="""\
import torch


def loss_fn(model, criterion, x, y):
    penalty = sum(p.pow(2).sum() for p in model.parameters() if p.dim() >= 2)
    return criterion(model(x), y) + 1e-4 * penalty
""",
)

CATALOGUE: dict[str, Code] = {code.code: code for code in (RB101, RB102, RB103, RB104, RB201, RB202, RB203, RB204, RB205)}


def cost(parameters: int | None, source: str = "") -> str:
    """The message's closing parenthesis: what the bias costs, and where its value was read when another module."""
    parts = [f"{parameters} wasted parameter{'s' if parameters != 1 else ''}"] if parameters is not None else []
    parts += [source] if source else []
    return f" ({'; '.join(parts)})" if parts else ""
