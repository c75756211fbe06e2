"""What the rules know, gathered from the framework modules (rows only) and the few facts of plain Python.

Every fact about a framework is a row in ``frameworks/``: which calls produce a
per-channel bias, which normalizations cancel it, which steps between them keep
it constant per channel, which wrappers return the module they are given, which
optimizers decay what.  The analysis code never names a framework class; adding
a layer means adding a row, adding a framework means adding a module.
"""

from __future__ import annotations

from . import flax, keras, openmmlab, optax, torch, torch_thirdparty
from .schema import Spec

FRAMEWORKS = (torch, torch_thirdparty, openmmlab, keras, flax, optax)
SPECS: dict[str, Spec] = {name: spec for framework in FRAMEWORKS for name, spec in framework.ROWS.items()}
# A framework's internal module layout: torch.nn.modules.conv.Conv2d is torch.nn.Conv2d.
INTERNAL_PREFIXES: tuple[tuple[str, str], ...] = torch.INTERNAL
# Another package's name for the same modules: tensorflow.keras.layers is keras.layers.
ALIASED_PREFIXES: tuple[tuple[str, str], ...] = keras.ALIASES

# Optimizers a string names where a framework looks them up: model.compile(optimizer="adamw").
OPTIMIZERS_BY_NAME: dict[str, str] = keras.BY_NAME
NAMED_OPTIMIZER = keras.COMPILE  # the method taking such a string, and where

# Modules whose import marks a file as worth analysing at all: every package a row names,
# under its own name or another's.
FRAMEWORK_ROOTS = frozenset(
    {name.partition(".")[0] for name in SPECS} | {prefix.partition(".")[0] for prefix, _ in ALIASED_PREFIXES}
)
# Other modules whose names the tables use, which alone do not make a file worth analysing.
SUPPORT_ROOTS = frozenset({"collections", "typing", "itertools", "functools", "dataclasses", "peft", "diffusers"})

# What the value-flow service knows of the standard library and training frameworks.
PARTIALS = frozenset({"functools.partial"})
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass"})
DATACLASS_FIELD = frozenset({"dataclasses.field"})
LIGHTNING_SAVE = frozenset({"save_hyperparameters"})  # self.save_hyperparameters() keeps __init__'s arguments
# Naming a layer in an initializer is not a use of its output.
INITIALIZERS = torch.INITIALIZERS | openmmlab.INITIALIZERS
MODULE_LISTS = torch.MODULE_LISTS | openmmlab.MODULE_LISTS

# Qualified names that build an ordered mapping of layers for a container.
ORDERED_DICTS = frozenset({"collections.OrderedDict", "typing.OrderedDict"})
