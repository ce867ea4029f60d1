"""Numbered schema migrations.

Rules (docs/contributing.md): a released migration is never edited; each runs inside one
transaction on raw tables; the file is backed up before the first pending migration runs;
a database written by a newer program is refused. ``PRAGMA user_version`` holds the number
of the last migration applied.

To add one: create ``mNNN_what.py`` with ``def up(conn): ...`` and append it to MIGRATIONS.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

from ..db import DatabaseTooNewError, StoreError, transaction
from . import m001_initial, m002_sync, m003_search, m004_revocations, m005_certificates

MIGRATIONS = [m001_initial, m002_sync, m003_search, m004_revocations, m005_certificates]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def backup_file(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of the open database at *target*, checked with integrity_check."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise StoreError(f"{target} exists already; choose another file")
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
        ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dest.close()
    if ok != "ok":
        target.unlink(missing_ok=True)
        raise StoreError(f"the backup {target} failed its integrity check")
    return target


@contextlib.contextmanager
def _migration_lock(path: Path):
    """One process at a time backs up and migrates a given file (two windows started at
    once): an exclusive lock on a file beside the database, waited for, released after."""
    if str(path) == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the in-transaction check still guards
        yield
        return
    with open(path.with_name(path.name + ".migrate-lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def migrate(conn: sqlite3.Connection, path: Path, *, backup_dir: Path | None = None) -> list[int]:
    """Apply pending migrations; returns the numbers applied."""
    version = current_version(conn)
    if version > SCHEMA_VERSION:
        raise DatabaseTooNewError(
            f"{path} was written by a newer version of Inspector (schema {version}, this program "
            f"knows up to {SCHEMA_VERSION}); update the program before opening it"
        )
    if version == SCHEMA_VERSION:
        return []
    with _migration_lock(path):
        return _migrate_locked(conn, path, backup_dir)


def _migrate_locked(conn: sqlite3.Connection, path: Path, backup_dir: Path | None) -> list[int]:
    version = current_version(conn)  # again: another process may have finished meanwhile
    if version >= SCHEMA_VERSION:
        return []
    is_new = version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    if not is_new and str(path) != ":memory:":
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or path.parent / "backups"
        backup_file(conn, folder / f"{path.stem}-schema{version}-{stamp}.db")
    applied = []
    for number in range(version + 1, SCHEMA_VERSION + 1):
        module = MIGRATIONS[number - 1]
        with transaction(conn):
            # Another process may have migrated since we looked (two windows started at
            # once): decide again under the write lock, so no step ever runs twice.
            if current_version(conn) >= number:
                continue
            module.up(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        applied.append(number)
    return applied
