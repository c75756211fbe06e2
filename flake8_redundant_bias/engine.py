"""From a parsed module to diagnostics: the fast path built from the rules' trigger words, the rules, containment.

The plugin calls ``analyse`` on the tree flake8 parsed; the command calls
``analyse_source`` on a file's text.  Neither has analysis of its own.  The
model and the rules are imported when the first file that imports a framework
arrives: a run over code that imports none pays for the fast path alone.
"""

from __future__ import annotations

import ast
import gc
import io
from functools import partial
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from .config import Config
from .containment import contained
from .knowledge.schema import BuildsClass, Norm, NormBuilder, Optimizer, Producer, Spec
from .model.gates import (
    Spelled, Trigger, Words, config_roots, framework_roots, norm_lookups, shortest, skippable, switches_of,
)
from .text import Text

if TYPE_CHECKING:  # imported where they are first needed (see above)
    from .diagnostics import Diagnostic
    from .rules import Rule


def analyse(tree: ast.AST, lines: Sequence[str], config: Config, filename: str | None = None) -> list[Diagnostic]:
    """Diagnostics of a module; ``filename`` (a path, or stdin's display name) places it in its project."""
    text = Text(lines)
    roots = _roots(text.text, config) if isinstance(tree, ast.Module) else frozenset()
    return _analyse_module(tree, text, config, filename, roots) if roots else []  # type: ignore[arg-type]


def analyse_lines(tree: ast.AST, lines: Sequence[str], config: Config, filename: str | None = None) -> list[Diagnostic]:
    """``analyse`` for a caller that allocates around it (flake8's plugin, turning diagnostics into its tuples):
    the collector stays paused for the whole of it (see ``_without_collection``)."""
    return _without_collection(partial(analyse, tree, lines, config, filename))


def analyse_source(source: str, config: Config | None = None, filename: str | None = None) -> list[Diagnostic]:
    """Diagnostics of a module's text, parsed only when it names a framework the rows know.

    The command's entry (and the tests'): the same analysis as the plugin's, and a
    file that imports no framework costs one scan of its text.  A text the parser
    rejects raises ``SyntaxError`` (or ``ValueError`` for a null byte) to the caller.
    """
    config = config or Config()
    roots = _roots(source, config)
    if not roots:
        return []
    tree = ast.parse(source)
    lines = io.StringIO(source).readlines()  # as flake8 reads them
    return _analyse_module(tree, Text(lines), config, filename, roots)


def _roots(text: str, config: Config) -> frozenset[str]:
    """The frameworks a module imports; for one importing none, those whose training config it may be."""
    return framework_roots(text, config.roots) or config_roots(text, config.knowledge.configs, config.roots)


def _analyse_module(
    tree: ast.Module, text: Text, config: Config, filename: str | None, roots: frozenset[str],
) -> list[Diagnostic]:
    """A module whose import lines spell the frameworks ``roots``: the gates, then the rules that can fire."""
    return _without_collection(partial(_sorted, tree, text, config, filename, roots))


def _sorted(tree: ast.Module, text: Text, config: Config, filename: str | None, roots: frozenset[str]) -> list[Diagnostic]:
    return sorted(set(_gated(tree, text, config, filename, roots)), key=lambda diagnostic: diagnostic.key)


def _gated(tree: ast.Module, text: Text, config: Config, filename: str | None, roots: frozenset[str]) -> list[Diagnostic]:
    from .rules import RULES  # noqa: PLC0415 - the first file naming a framework loads the rules and the model

    gates = Gates.of(config)
    words = gates.words(roots)
    spelled = Spelled(text.text, words.rules, roots, words.keep)
    rules = [rule for number, rule in enumerate(RULES) if spelled.fires(number)]
    if not rules:
        return []  # no rule can fire in this text
    # A local name an import gives a layer (``BatchNorm2d as BN``) spells it in the import line: it changes what a
    # part of the file spells, never whether the file does.  A norm factory imported from the project (``from
    # .norms import get_norm``) is spelled as its local name; an import line naming "norm" that imports none
    # (``Normalize`` from torchvision) fires nothing then.
    groups = [
        tuple(trigger if trigger.names_imports and not spelled.spells(trigger) else trigger.with_aliases(tree, roots)
              for trigger in group)
        for group in words.rules
    ]
    if any(aliased is not trigger for group, given in zip(groups, words.rules) for aliased, trigger in zip(group, given)):
        spelled = Spelled(text.text, groups, roots, words.keep, spelled.fired)
        rules = [rule for number, rule in enumerate(RULES) if rule in rules and spelled.fires(number)]
        if not rules:
            return []
    return contained(partial(_run, tree, text, config, filename, spelled, words, gates, rules))


def _run(
    tree: ast.Module, text: Text, config: Config, filename: str | None, spelled: Spelled, words: Words, gates: Gates,
    rules: list[Rule],
) -> list[Diagnostic]:
    from .model.context import Workspace  # noqa: PLC0415 - see the module's docstring

    skip, unknown = skippable(tree, text, spelled, handing=words.handing_in(text.text))
    with Workspace.of(filename, config, gates).linted(tree, text, filename, skip, unknown, words) as model:
        if not model.imports.framework_imported and not config_roots(text.text, config.knowledge.configs, config.roots):
            return []  # the import lines only seemed to name a framework (a comment, a string)
        return [diagnostic for rule in rules for diagnostic in contained(partial(rule.check, model))]


def _without_collection(run: Callable[[], list[Diagnostic]]) -> list[Diagnostic]:
    """Run with the cyclic garbage collector paused.

    The analysis allocates many small objects, which reference counting frees
    (it builds no cycle that outlives it: nothing points back at a module's
    model), and a collection pass in the middle would traverse the whole tree,
    and every object of the process running it, for nothing.
    """
    paused = gc.isenabled()  # (False when a caller paused it already)
    if paused:
        gc.disable()
    try:
        return run()
    finally:
        if paused:
            gc.enable()


class Gates:
    """The words of each rule, for the rows of the frameworks a module imports: the fast path and every gate."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._words: dict[frozenset[str], Words] = {}

    @classmethod
    def of(cls, config: Config) -> Gates:
        """One per configuration's rows (which decide its knowledge), for the process."""
        found = _GATES.get(config.rows)
        if found is None:
            found = _GATES[config.rows] = cls(config)
        return found

    def words(self, roots: frozenset[str]) -> Words:
        """The words of the rows under ``roots`` (the frameworks a module's import lines spell)."""
        found = self._words.get(roots)
        if found is None:
            found = self._words[roots] = self._gather(roots)
        return found

    def _gather(self, roots: frozenset[str]) -> Words:
        knowledge = self.config.knowledge
        own = roots | {mine.partition(".")[0] for other, mine in knowledge.aliases if other.partition(".")[0] in roots}
        rows = {name: spec for name, spec in knowledge.rows.items() if name.partition(".")[0] in own}
        from .rules import RULES  # noqa: PLC0415 - see the module's docstring

        groups = tuple(rule.triggers(rows, knowledge) for rule in RULES)
        layers = _layer_words(rows)
        # A question from the linted file may ask another module for a helper or a class that
        # builds a layer (``conv3x3``, ``make_norm``): such a definition names a producer or a norm;
        # or for a base class that sets a decay its subclass reads (``self.weight_decay = 0.05``); or for a block
        # that hands its bias switch on to a layer class its caller gives it (``conv_op(c, c, 3, bias=bias)``); or
        # for a helper that builds an optimizer over the parameters its caller passes (``AdamW(params)``).
        switches, handed = switches_of(rows)
        optimizers = _optimizer_words(rows)
        foreign = (
            *(trigger for group in groups for trigger in group), Trigger(layers), Trigger(("decay",)), Trigger(handed),
            Trigger(optimizers),
        )
        keep = tuple(word for provider in knowledge.providers for word in provider.keeps)
        norms = shortest({
            *(n.rpartition(".")[2] for n, s in rows.items() if isinstance(s, (Norm, NormBuilder))),
            *norm_lookups(rows, knowledge.facts),
        })
        # (``norm``: a norm class a factory made, handed on by a variable, ``GlobalGenerator(c, norm_layer)``)
        handing = shortest({*switches, *layers, "decay", "norm"})
        # (Whatever the roots: inside its own package a framework names its builder by a relative import.)
        builders = tuple(sorted({
            name.rpartition(".")[2] for name, fact in knowledge.facts.items() if isinstance(fact, BuildsClass)
        }))
        return Words(groups, foreign, layers, norms, optimizers, keep, handing, builders)


_GATES: dict[tuple, Gates] = {}


def _layer_words(rows: Mapping[str, Spec]) -> tuple[str, ...]:
    """The names of the layers that add a bias and of the norms (a helper returns a module, so no functional row)."""
    return shortest({n.rpartition(".")[2] for n, s in rows.items()
                     if isinstance(s, (Producer, Norm)) and not getattr(s, "functional", False)})


def _optimizer_words(rows: Mapping[str, Spec]) -> tuple[str, ...]:
    return shortest({n.rpartition(".")[2] for n, s in rows.items() if isinstance(s, Optimizer)})
