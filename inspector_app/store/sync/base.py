"""What every part of the sync repository shares: the store it works on, batching of long
id lists into ``IN (...)`` queries, and the table of each kind of record."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store

BATCH = 500
ENTITY_TABLES = {
    "premises": "premises",
    "instrument": "instruments",
    "standard": "reference_standards",
    "inspection": "inspections",
    "assignment": "assignments",
}


def _chunks(items: list[Any], n: int = BATCH) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


class RepoPart:
    """One part of :class:`SyncRepo`: the store and its connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn
