"""Opening a database file safely: pragmas, file-system checks, migrations with a backup.

Every connection gets WAL, ``synchronous=FULL``, ``foreign_keys=ON`` (read back and checked)
and a busy timeout. Writes happen only inside :func:`transaction` (``BEGIN IMMEDIATE``), so
a multi-statement write is all or nothing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

BUSY_TIMEOUT_MS = 5000
NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "afs", "9p", "fuse.sshfs", "davfs"}


class StoreError(Exception):
    """The database cannot be used as asked; the message is one sentence for the user."""


class DatabaseTooNewError(StoreError):
    pass


def _filesystem_type(path: Path) -> str | None:
    """The mount type holding *path* (Linux only; None elsewhere or when unknown)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, fstype = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and (
            target == parts[1] or target.startswith(parts[1].rstrip("/") + "/")
        ):
            if len(parts[1]) > len(best):
                best, fstype = parts[1], parts[2]
    return fstype


def connect(path: str | os.PathLike) -> sqlite3.Connection:
    """A raw connection with the project's pragmas (no migrations)."""
    path = Path(path)
    if str(path) != ":memory:":
        parent = path.resolve().parent
        if not parent.is_dir():
            raise StoreError(f"the folder {parent} does not exist")
        fstype = _filesystem_type(parent)
        if fstype in NETWORK_FS:
            raise StoreError(
                f"{path} is on a network file system ({fstype}); keep the database on a local disk"
            )
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA trusted_schema = OFF")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a usable database ({exc})") from None
    if str(path) != ":memory:" and mode.lower() != "wal":
        conn.close()
        raise StoreError(f"could not switch {path} to write-ahead logging (journal mode is {mode})")
    if conn.execute("PRAGMA foreign_keys").fetchone()[0] != 1:
        conn.close()
        raise StoreError("this SQLite build does not enforce foreign keys")
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All-or-nothing write: ``BEGIN IMMEDIATE`` … ``COMMIT``; nested calls use savepoints."""
    if conn.in_transaction:
        name = f"sp_{id(object()):x}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
            raise
        else:
            conn.execute(f"RELEASE {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


QUICK_CHECK_ALWAYS_BYTES = 32 * 1024 * 1024


def _needs_quick_check(path: Path) -> bool:
    """Whether opening *path* should run ``PRAGMA quick_check`` (which reads the whole file:
    about 2-8 s for 100,000 inspections). Yes for small files, where it is cheap, and when
    the last session did not end cleanly (a non-empty write-ahead log is left behind by a
    crash or by another open connection); a clean close checkpoints and removes the log.
    ``inspector-app check``, backups and restores always check in full."""
    if str(path) == ":memory:":
        return False
    try:
        size = path.stat().st_size
    except OSError:
        return True
    wal = Path(str(path) + "-wal")
    return size <= QUICK_CHECK_ALWAYS_BYTES or (wal.exists() and wal.stat().st_size > 0)


def open_database(
    path: str | os.PathLike, *, migrate: bool = True, backup_dir: str | os.PathLike | None = None
):
    """Open (creating if needed) and migrate the database at *path*; returns a Store."""
    from .migrations import migrate as run_migrations
    from .store import Store

    unclean = _needs_quick_check(Path(path))
    conn = connect(path)
    try:
        if unclean:
            integrity_ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        else:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            integrity_ok = True
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path} is not a usable database ({exc})") from None
    if not integrity_ok:
        conn.close()
        raise StoreError(
            f"{path} failed the integrity check; restore it from a backup (inspector-app restore)"
        )
    try:
        if migrate:
            run_migrations(conn, Path(path), backup_dir=Path(backup_dir) if backup_dir else None)
    except BaseException:
        conn.close()
        raise
    return Store(conn, Path(path))
