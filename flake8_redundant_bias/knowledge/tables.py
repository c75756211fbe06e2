"""What a table of rows (or a whole knowledge) implies, derived once per table.

The built-in table and a project's own (``redundant-bias-rows``) each get theirs.  A table is kept by its identity,
with the table itself beside the answer: a table that died and left its ``id`` to another is derived again.
"""

from __future__ import annotations

from typing import Callable, TypeVar

Table = TypeVar("Table")
T = TypeVar("T")


def per_table(kept: dict[int, tuple[Table, T]], table: Table, derive: Callable[[Table], T]) -> T:
    """``derive(table)``, kept in ``kept``."""
    found = kept.get(id(table))
    if found is None or found[0] is not table:
        found = kept[id(table)] = (table, derive(table))
    return found[1]
