"""What every part of the sync repository shares: the store it works on, batching of long
id lists into ``IN (...)`` queries, and the table of each kind of record."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..bulk_cache import larger_cache

if TYPE_CHECKING:
    from ..store import Store

BATCH = 500
BULK_CACHE_MIB = 256  # the page cache of an import's writes (grows only as pages are used)
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

    @contextmanager
    def bulk_cache(self, mib: int = BULK_CACHE_MIB) -> Iterator[None]:
        """A page cache of *mib* MiB on SQLite while the block runs (the default 2 MiB makes
        a large import's index inserts read their pages again and again: measured on
        200,000 sweep rows, 3.9 s of processor time with the default, 2.5 s with 32 MiB or
        more); the previous size afterwards. Nothing on PostgreSQL.

        256 MiB rather than 64: a year's bundle (10,000 inspections, 190,000 sweep rows)
        changes some 200 MB of pages in its one transaction. With 64 MiB the cache spills
        changed pages into the write-ahead log during the merge, and the random-key
        indexes change many of them again (written twice) or read them back; with room
        for all of them each page is written once, at the commit. Measured (processor
        time, merge + record + commit): 4.36 s with 64 MiB, 4.14 s with 256. The cache
        holds only pages the import touched, and is given back afterwards."""
        conn = self.conn
        if not isinstance(conn, sqlite3.Connection):
            yield
            return
        with larger_cache(conn, "sqlite", mib):
            yield
