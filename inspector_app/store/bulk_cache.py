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


@contextmanager
def one_checkpoint(conn: sqlite3.Connection, engine: str) -> Iterator[None]:
    """No automatic checkpoint during a bulk write of many transactions (SQLite only), one
    checkpoint at its end.

    After each commit that leaves more than ``wal_autocheckpoint`` pages (1000) in the
    write-ahead log, SQLite copies the log into the database file. A chunk of the demo's
    inspections changes pages of every index (random UUIDs), so each chunk's pages were
    written twice: into the log at the commit, into the database by that checkpoint; the
    next chunk changes most of the same pages again. Here the log keeps every chunk's
    pages and the latest copy of each is written into the database once, at the end (a
    PASSIVE checkpoint, what the automatic one does). Each commit is as durable as before
    (the log is synced at every commit, ``synchronous=FULL``); a crash in between leaves a
    longer log, which the next open reads back as always."""
    if engine != "sqlite":
        yield
        return
    try:
        with automatic_checkpoints_off(conn):
            yield
    finally:
        if not conn.in_transaction:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()


@contextmanager
def automatic_checkpoints_off(conn: sqlite3.Connection) -> Iterator[None]:
    """No automatic checkpoint at the commits made inside the block (SQLite); the
    connection's setting back afterwards, whatever happens."""
    before = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA wal_autocheckpoint = {before}")
