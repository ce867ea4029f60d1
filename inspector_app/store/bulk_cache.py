"""A larger page cache for the length of a bulk write (the demo's data set).

A connection keeps SQLite's default page cache of 2 MB. A bulk write of a year's records
adds keys in random order (UUIDs) to indexes of tens of megabytes: with 2 MB nearly every
insert reads its index page back and pushes a changed one out into the write-ahead log.
For the 1.46 million sweep rows of the 100k demo that was half the main process's CPU
time of the visits (91 s against 46 s with 64 MB, 41 s with 256 MB, on a loaded machine).
The cache grows only as pages are used and shrinks back when the old size is set again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

BULK_CACHE_MIB = 128


@contextmanager
def larger_cache(
    conn: sqlite3.Connection, engine: str, mib: int = BULK_CACHE_MIB
) -> Iterator[None]:
    """Let the connection's page cache grow to *mib* MiB (SQLite only), then set it back."""
    if engine != "sqlite":
        yield
        return
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = {-1024 * mib}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")
