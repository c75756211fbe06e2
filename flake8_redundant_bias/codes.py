"""The rule catalogue: stable codes, message templates, and an example of each.

Codes are never renumbered.  The README's rule section is rendered from this
module (``python -m flake8_redundant_bias.docs``), and ``tests/test_docs.py``
checks both that the README is current and that every ``wrong`` example is
reported and every ``right`` one is not.
"""

from __future__ import annotations

from typing import NamedTuple


CANCELLED = (
    "A normalization that subtracts a per-channel mean, taken over every axis but the channel axis, removes any "
    "per-channel constant added before it: the bias learns nothing and costs memory, optimizer state and a kernel "
    "launch. "
)


class Code(NamedTuple):
    code: str
    summary: str
    template: str
    wrong: str
    right: str
    why: str = ""  # the measured facts the rule rests on
    fixable: bool = False  # the command can fix it: unsafely, for the reason in FIX_SAFETY

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
    why=CANCELLED + (
        'Measured (tests/test_physics.py, float64, torch 2.13): changing only the bias moves the output of each '
        'of the 56 cancelling configurations by at most 2.7e-14, and its gradient is zero; in eval mode the bias '
        'is folded into running_mean and stays redundant.'
    ),
    fixable=True,
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
    why=CANCELLED + (
        'The functional forms compute what the modules compute (F.batch_norm with training=True, and '
        'F.instance_norm); the same physics test measures them.'
    ),
    fixable=True,
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
    why=CANCELLED + (
        'Keras adds the bias on the channel axis (the last one for channels_last), so the norm must normalize '
        'that axis. Each row is measured on the JAX backend in tests/test_keras_rows.py.'
    ),
    fixable=True,
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
    why=CANCELLED + (
        'Measured in float32 with flax 0.12.8 (tests/test_flax_rows.py): the 48 cancelling configurations move '
        'the output by at most 2.5e-5, the 58 breaking ones by 1.97 to 9.3.'
    ),
    fixable=True,
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
    why=(
        'Weight decay pulls every parameter it is applied to towards zero. A bias or a normalization weight is '
        'not multiplied by an input, so shrinking it regularizes nothing and only pulls against the model (a '
        'BatchNorm weight pulled towards zero turns its channel down). Measured (tests/test_decay_physics.py): '
        'one step at zero gradient moves every bias and BatchNorm weight towards zero under exactly the '
        'constructions this rule reports; a group with weight_decay=0.0 leaves them untouched.'
    ),
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
    why=(
        "Each parameter group decays what it holds; a group holding all of a module's parameters decays its "
        'biases and normalization weights, which regularizes nothing (see RB201). Measured by the same one-step '
        'test (tests/test_decay_physics.py).'
    ),
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
    why=(
        'optax.adamw and add_decayed_weights add weight_decay * p for every leaf of the tree unless mask= chooses'
        ' leaves. Measured (tests/test_optax_rows.py): one update at zero gradient without a mask moves every '
        'leaf (kernel, bias and scale alike); with a mask only the kernel.'
    ),
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
    why=(
        'A Keras optimizer applies weight_decay to every trainable variable not excluded with '
        'exclude_from_weight_decay(); nothing is excluded by default. Measured with keras 3.15.1: one AdamW step '
        "at zero gradient moves the bias, gamma and beta; after exclude_from_weight_decay(var_names=['bias', "
        "'gamma', 'beta']) only the kernel moves."
    ),
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
    why=(
        'An L1 or L2 penalty summed over every parameter shrinks the biases and normalization weights as weight '
        'decay does (see RB201); a Keras regularizer on a bias or a normalization weight does the same to that '
        'variable.'
    ),
)

CATALOGUE: dict[str, Code] = {code.code: code for code in (RB101, RB102, RB103, RB104, RB201, RB202, RB203, RB204, RB205)}


def cost(parameters: int | None, source: str = "") -> str:
    """The message's closing parenthesis: what the bias costs, and where its value was read when another module."""
    parts = [f"{parameters} wasted parameter{'s' if parameters != 1 else ''}"] if parameters is not None else []
    parts += [source] if source else []
    return f" ({'; '.join(parts)})" if parts else ""
