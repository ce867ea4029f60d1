"""A large write's checkpoint after it, in a background thread, instead of inside its commit.

When a commit leaves more than ``wal_autocheckpoint`` pages (1,000) in the write-ahead log,
SQLite copies the log into the database file right there, in the committing call. For an
import of a year's bundle (some 200 MB of new pages) that copy is about a third of the
commit: 0.3 s of processor time and a sync of the database file, after the data is already
safe (the log is synced at the commit, ``synchronous=FULL``). :func:`afterwards` lets such a
write commit without that copy and makes it in a thread of its own right after, on a
connection of its own (``PASSIVE``: it waits for nobody, and readers and writers go on
meanwhile). The copy is the same work, done once; the import's answer does not wait for it.

A close that may be the last one (which folds the log into the database, ``TRUNCATE``, and
records a clean close) first waits for the checkpoints still running on the same file
(``db.wait_for_background``, called by every close); otherwise it would find the
database busy, and the next open would read the whole file to check it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .bulk_cache import automatic_checkpoints_off

# How long :func:`later` waits at most for its thread to be inside the checkpoint. The
# checkpoint itself runs in SQLite without Python's lock, beside whatever the writer does
# next; opening the thread's connection needs that lock, though, and what an import does
# right after its commit is to let go of its records, one deallocation that holds the lock
# from start to end (0.2-0.3 s for 10,000 inspections). Started beside it, the checkpoint
# waited for all of it before it began: measured on the 10,000-inspection benchmark bundle,
# the thread connected 0.26 s after it started, just as the import answered. Waiting here
# for the connection (a few milliseconds) lets the two run side by side.
READY_WITHIN = 0.5

if TYPE_CHECKING:
    from .store import Store


@contextmanager
def afterwards(store: Store, large: bool = True) -> Iterator[None]:
    """Run the block (one write transaction) with no automatic checkpoint at its commit and,
    when it ended without an error, checkpoint the log in the background (:func:`later`).
    Nothing changes for a write that is not *large*, on PostgreSQL, or in memory."""
    path = getattr(store, "path", None)
    conn = store.conn
    if (
        not large
        or store.engine != "sqlite"
        or path is None
        or str(path) == ":memory:"
        or not isinstance(conn, sqlite3.Connection)
    ):
        yield
        return
    with automatic_checkpoints_off(conn):
        yield
    if not conn.in_transaction:
        later(Path(path))


def later(path: Path) -> threading.Thread:
    """Checkpoint *path*'s log in a background thread that every close of *path* waits for
    (see the module's text). Returns once the thread is inside the checkpoint (or after
    :data:`READY_WITHIN` seconds): see :data:`READY_WITHIN` for why."""
    from .db import run_in_background

    ready = threading.Event()
    thread = run_in_background(path, lambda: _checkpoint(path, ready), "wal-checkpoint")
    ready.wait(READY_WITHIN)
    return thread


def _checkpoint(path: Path, ready: threading.Event | None = None) -> None:
    """One PASSIVE checkpoint on a connection of the program's own kind (its locks, no
    checkpoint at its close); any failure leaves the log as it is, for the next checkpoint.
    *ready* is set when the checkpoint is about to run (or will not run)."""
    from .db import connect

    try:
        conn = connect(path)
    except Exception:  # noqa: BLE001 - busy, closed meanwhile...: the next checkpoint does it
        return
    finally:
        if ready is not None:
            ready.set()
    try:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        conn.close()
