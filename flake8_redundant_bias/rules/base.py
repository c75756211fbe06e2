"""What a rule is: the codes it owns, the words a part of a module must spell for it to fire, and its check.

A rule module holds one ``Rule``: its ``Code``s (summary, the measured facts
behind it, a wrong and a right example, whether and how it is fixed), its
``triggers`` (the engine's fast path and every gate are built from them), and
``check``, which asks the module's model questions and yields diagnostics.
``rules.RULES`` is the one registry the engine, the fast path, the pages, the
generated docs and the tests iterate.
"""

from __future__ import annotations

from typing import Iterator, Mapping

from ..diagnostics import Diagnostic
from ..knowledge import Knowledge
from ..knowledge.schema import ResetsParameters, Spec
from ..model.context import ModuleModel
from ..model.gates import Trigger


class Code:
    __slots__ = ("code", "summary", "template", "wrong", "right", "why", "fix")

    def __init__(
        self, code: str, summary: str, template: str, wrong: str, right: str, why: str = "", fix: str | None = None,
    ) -> None:
        self.code = code
        self.summary = summary
        self.template = template  # the message, without the code, with {fields}
        self.wrong = wrong  # an example the rule reports
        self.right = right  # the same code written so that it does not
        self.why = why  # the measured facts the rule rests on
        self.fix = fix  # the command's fix: diagnostics.SAFE, UNSAFE, or None

    def __repr__(self) -> str:
        return f"Code({self.code!r})"

    def message(self, **fields: object) -> str:
        return self.template.format(**fields)


class Rule:
    """A family of codes with one check; subclasses set ``codes`` and implement the two methods."""

    codes: tuple[Code, ...] = ()

    def triggers(self, rows: Mapping[str, Spec], knowledge: Knowledge) -> tuple[Trigger, ...]:
        """The words (for the rows of the frameworks a module imports) without which the rule cannot fire there."""
        raise NotImplementedError

    def check(self, model: ModuleModel) -> Iterator[Diagnostic]:
        """The rule's diagnostics in a module; each unit of work contained (``containment.contained``)."""
        raise NotImplementedError


def near_parameters(words: tuple[str, ...], knowledge: Knowledge, whole_names: bool = False) -> Trigger:
    """Words that count only in a part that also lists a module's parameters (``model.parameters()``); a method
    that only draws them anew (timm's ``self.reset_parameters()``, in many model classes) lists none."""
    resets = tuple(f"{name}(" for name, fact in knowledge.methods.items() if isinstance(fact, ResetsParameters))
    return Trigger(words, near="parameters(", whole_names=whole_names, near_not=resets)


def cost(parameters: int | None, *sources: str) -> str:
    """A message's closing parenthesis: what a bias costs, where its value was read when another module, and how
    the norm was chosen when by a default."""
    parts = [f"{parameters} wasted parameter{'s' if parameters != 1 else ''}"] if parameters is not None else []
    parts += [source for source in sources if source]
    return f" ({'; '.join(parts)})" if parts else ""
