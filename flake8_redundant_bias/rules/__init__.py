"""The rules, one module each, and ``RULES``: the one registry the engine, the fast path, the pages, the docs
and the tests iterate.  Adding a rule is a module here (its codes, its trigger words, its check), its row in
``RULES``, and a case file in ``tests/cases/``."""

from __future__ import annotations

from .base import Code, Rule
from .bias_before_norm import BiasBeforeNorm
from .config_decay import ConfigDecay
from .penalties import Penalties
from .unexempted_decay import UnexemptedDecay
from .weight_decay import WeightDecay

RULES: tuple[Rule, ...] = (BiasBeforeNorm(), WeightDecay(), UnexemptedDecay(), Penalties(), ConfigDecay())
CODES: dict[str, Code] = {code.code: code for rule in RULES for code in rule.codes}
