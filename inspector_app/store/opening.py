"""Opening a database: the file checked for damage before anything writes, backed up and
migrated to this program's schema, and wrapped in a :class:`~.store.Store`; a damaged file is
refused with one sentence naming the newest good backup and what it lacks.

This module sits above the others of the package: ``db`` (connections, locks, errors)
knows nothing of migrations, backups or the Store, so none of them imports back.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import db
from .db import DatabaseDamagedError, DiskFullError, connect
from .errors import StoreError
from .filesystems import disk_full_message
from .migrations import migrate as run_migrations
from .store import Store

if TYPE_CHECKING:
    from .backups import Backup


def _max_audit_seq(conn: sqlite3.Connection) -> int | None:
    try:
        value = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]
    except sqlite3.Error:
        return None
    return int(value) if value is not None else 0


def changes_after_backup(
    path: Path, backup: Path, conn: sqlite3.Connection | None = None
) -> int | None:
    """How many audited changes the damaged file at *path* holds beyond *backup* (counted
    by the audit sequence, never by the clock); None when the damaged file cannot tell."""
    try:
        with contextlib.closing(
            sqlite3.connect(f"{Path(backup).absolute().as_uri()}?mode=ro", uri=True)
        ) as b:
            kept = _max_audit_seq(b)
        if conn is not None:
            now = _max_audit_seq(conn)
        else:
            with contextlib.closing(
                sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
            ) as d:
                now = _max_audit_seq(d)
    except sqlite3.Error:
        return None
    if kept is None or now is None:
        return None
    return max(0, now - kept)


def damaged_message(path: Path, detail: str, conn: sqlite3.Connection | None = None) -> str:
    """One sentence: the file is damaged, and the newest good backup with what it loses."""
    from .backups import newest_good_backup

    return _damaged_message(path, detail, newest_good_backup(path), conn)


def _damaged_message(
    path: Path, detail: str, found: Backup | None, conn: sqlite3.Connection | None = None
) -> str:
    """:func:`damaged_message`, the newest good backup (*found*) looked for already."""
    if found is None:
        return (
            f"{path} is damaged ({detail}) and no good backup of it was found; nothing was written: "
            "run `inspector-app salvage -o NEW.db` to copy every record that can still be read"
        )
    when = f"{found.when:%Y-%m-%d %H:%M}"
    lost = changes_after_backup(path, found.path, conn)
    counted = f" ({lost} recorded change{'s' if lost != 1 else ''})" if lost is not None else ""
    return (
        f"{path} is damaged ({detail}); nothing was written: the newest good backup is "
        f"{found.path} of {when}, and `inspector-app restore --latest` brings it back, "
        f"losing the changes made after {when}{counted}"
    )


def _raise_damaged(path: Path, detail: str, conn: sqlite3.Connection | None = None) -> NoReturn:
    raise DatabaseDamagedError(damaged_message(path, detail, conn), path, detail)


def _refuse_unreadable(exc: DatabaseDamagedError) -> NoReturn:
    """SQLite could not even read the file's schema (or its header) to open it. Pages it
    cannot read mean damage: say so, naming the newest good backup. A header that is not a
    database's may also be a file that never was one (the wrong file chosen): that is called
    damage only when a good backup of this very file exists to offer."""
    from .backups import newest_good_backup

    found = newest_good_backup(exc.path)  # (each look checks the backup: once here)
    if "not a database" in exc.detail and found is None:
        raise StoreError(str(exc)) from None
    message = _damaged_message(exc.path, exc.detail, found)
    raise DatabaseDamagedError(message, exc.path, exc.detail) from None


def open_database(
    path: str | os.PathLike[str],
    *,
    migrate: bool = True,
    backup_dir: str | os.PathLike[str] | None = None,
    daily_backup: bool = False,
    progress: Callable[[], object] | None = None,
) -> Store:
    """Open (creating if needed) and migrate the database at *path*; returns a Store.

    Damage is looked for before anything writes (see :func:`db._needs_quick_check`); a damaged
    file raises :class:`DatabaseDamagedError` naming the newest good backup. With
    *daily_backup*, the first open of each day keeps a verified copy (see ``backups``).
    *progress()* is called now and then during a long check."""
    from .pg import is_postgres_url

    if is_postgres_url(path):  # the office database on a server (store/pg)
        from .pg import open_postgres

        store: Store = open_postgres(path, migrate=migrate)
        return store
    try:
        conn = connect(path)
    except DatabaseDamagedError as exc:
        _refuse_unreadable(exc)
    guard = getattr(conn, "_guard", None)
    path = guard.path if guard else Path(path)
    try:
        unclean = db._needs_quick_check(path, guard)  # (a module attribute: tests replace it)
        detail = ""
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if unclean:
                if progress is not None:  # e.g. the window keeps painting during the check
                    conn.set_progress_handler(lambda: (progress(), 0)[1], 200_000)
                try:
                    rows = conn.execute("PRAGMA quick_check").fetchall()
                finally:
                    conn.set_progress_handler(None, 0)
                if rows != [("ok",)]:
                    detail = "; ".join(r[0] for r in rows[:3])
        except sqlite3.DatabaseError as exc:
            full = disk_full_message(path, exc)
            if full:
                raise DiskFullError(full) from None
            detail = str(exc)
        if detail:
            if guard:
                guard.damaged = True
            _raise_damaged(path, detail, conn)
        if migrate:
            run_migrations(conn, path, backup_dir=Path(backup_dir) if backup_dir else None)
        if daily_backup and guard:  # (the window's is made after its first paint)
            from .backups import daily_backup as make_daily_backup

            make_daily_backup(conn, path)
    except BaseException:
        conn.close()
        raise
    return Store(conn, path)
