"""Value providers: libraries whose values the flow service reads where the code states them.

Each provider reads one kind of row of ``knowledge/`` (an option parser, a
decorator that keeps arguments, classes with field defaults) and answers the
few questions the flow asks of values it cannot follow as plain Python: an
attribute (``args.lr``), a subscript (``self.hparams["lr"]``), a ``**``
spread (``Model(**vars(args))``), a class-level default.  A hook answers
``PASS`` when the question is not its own, so that the next provider is asked.
"""

from __future__ import annotations

from ...knowledge.schema import ClassFields, OptionParser, Provider as Row, SavedArguments
from ..imports import ImportMap
from ..index import Index
from .base import PASS, Provider
from .fields import Fields
from .options import Options
from .saved import Saved

__all__ = ["PASS", "Provider", "providers_for"]


# Which provider reads each kind of row.
IMPLEMENTATIONS: dict[type, type] = {SavedArguments: Saved, ClassFields: Fields, OptionParser: Options}


def providers_for(rows: tuple[Row, ...], index: Index, imports: ImportMap) -> tuple[Provider, ...]:
    """One provider for each row, for one module, in the order the flow asks them."""
    made = [IMPLEMENTATIONS[type(row)](row, index, imports) for row in rows]
    return tuple(sorted(made, key=lambda provider: provider.order))
