"""What the rules know: each framework module exports one ``Framework`` record, and this module gathers them.

Every fact about a framework is a row: which calls produce a per-channel bias,
which normalizations cancel it, which steps between them keep it constant per
channel, which wrappers return the module they are given, which optimizers
decay what, which libraries hold values the flow can read.  The analysis code
never names a framework class; adding a layer means adding a row, adding a
framework means adding a module here and its record to ``FRAMEWORKS``.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from . import flax, keras, lightning, openmmlab, optax, python, torch, torch_thirdparty
from .schema import Fact, Framework, NamedBy, Provider, ReturnsModule, Spec, TrainingConfig, Wrapper

FRAMEWORKS: tuple[Framework, ...] = (
    torch.FRAMEWORK, torch_thirdparty.FRAMEWORK, openmmlab.FRAMEWORK, keras.FRAMEWORK, flax.FRAMEWORK, optax.FRAMEWORK,
    python.FRAMEWORK, lightning.FRAMEWORK,
)


class Knowledge:
    """The records merged: one table of each kind, and which record each row came from."""

    __slots__ = (
        "rows", "framework_of", "facts", "methods", "aliases", "internal", "named_optimizers", "named_by",
        "exemption_words", "providers", "roots", "support_roots", "configs",
    )

    def __init__(
        self,
        rows: Mapping[str, Spec],
        framework_of: Mapping[str, str],  # qualified name of a row -> its record's name
        facts: Mapping[str, Fact],
        methods: Mapping[str, Fact],
        aliases: tuple[tuple[str, str], ...],
        internal: tuple[tuple[str, str], ...],
        named_optimizers: Mapping[str, str],
        named_by: NamedBy | None,
        exemption_words: tuple[str, ...],
        providers: tuple[Provider, ...],
        roots: frozenset[str],  # packages whose import marks a file as worth analysing
        support_roots: frozenset[str],  # other packages whose names the tables use, which alone do not
        configs: tuple[TrainingConfig, ...] = (),  # training config files, marked by what they assign, not by imports
    ) -> None:
        self.rows = rows
        self.framework_of = framework_of
        self.facts = facts
        self.methods = methods
        self.aliases = aliases
        self.internal = internal
        self.named_optimizers = named_optimizers
        self.named_by = named_by
        self.exemption_words = exemption_words
        self.providers = providers
        self.roots = roots
        self.support_roots = support_roots
        self.configs = configs

    def spelled_as(self, roots: Iterable[str]) -> frozenset[str]:
        """The frameworks ``roots``, also under the other names their modules go by (``tensorflow`` for ``keras``)."""
        named = frozenset(roots)
        return named | {other.partition(".")[0] for other, own in self.aliases if own.partition(".")[0] in named}

    def with_rows(self, rows: Mapping[str, Spec], framework_of: Mapping[str, str], roots: frozenset[str]) -> Knowledge:
        """The same knowledge with other rows (the built-in ones and a project's own)."""
        return Knowledge(
            rows, framework_of, self.facts, self.methods, self.aliases, self.internal, self.named_optimizers,
            self.named_by, self.exemption_words, self.providers, roots, self.support_roots, self.configs,
        )


def gather(frameworks: tuple[Framework, ...]) -> Knowledge:
    rows: dict[str, Spec] = {}
    framework_of: dict[str, str] = {}
    for framework in frameworks:
        for name, spec in framework.rows.items():
            rows[name] = spec
            framework_of[name] = framework.name
    aliases = tuple(pair for framework in frameworks for pair in framework.aliases)
    facts = {name: fact for framework in frameworks for name, fact in framework.facts.items()}
    facts.update({name: ReturnsModule(spec.module) for name, spec in rows.items() if isinstance(spec, Wrapper)})
    providers = tuple(provider for framework in frameworks for provider in framework.providers)
    roots = frozenset({name.partition(".")[0] for name in rows} | {other.partition(".")[0] for other, _ in aliases})
    named = [name for provider in providers for name in provider.names]
    support = frozenset(name.partition(".")[0] for name in [*facts, *named]) - roots
    named_by = [framework.named_by for framework in frameworks if framework.named_by is not None]
    return Knowledge(
        rows, framework_of, facts,
        {name: fact for framework in frameworks for name, fact in framework.methods.items()},
        aliases, tuple(pair for framework in frameworks for pair in framework.internal),
        {name: qualified for framework in frameworks for name, qualified in framework.named_optimizers.items()},
        named_by[0] if named_by else None,
        tuple(word for framework in frameworks for word in framework.exemption_words),
        providers, roots, support, tuple(config for framework in frameworks for config in framework.configs),
    )


KNOWLEDGE = gather(FRAMEWORKS)
