"""Numbered schema migrations.

Rules (docs/contributing.md): a released migration is never edited; each runs inside one
transaction on raw tables; the file is backed up before the first pending migration runs;
a database written by a newer program is refused. ``PRAGMA user_version`` holds the number
of the last migration applied.

To add one: create ``mNNN_what.py`` with ``def up(conn): ...`` and append its name to
MIGRATION_NAMES (``MIGRATIONS``, the modules themselves, is built from it on first use).
"""

from __future__ import annotations

import contextlib
import importlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from ..db import DatabaseTooNewError, StoreError, transaction
from ..locks import FileLock

# The migrations in order, by module name. The modules are imported only when a database
# is migrated (or when something reads MIGRATIONS): opening a current database needs only
# the number, and importing fifteen modules on every start would cost milliseconds.
MIGRATION_NAMES = (
    "m001_initial",
    "m002_sync",
    "m003_search",
    "m004_revocations",
    "m005_certificates",
    "m006_visits",
    "m007_cases",
    "m008_rule_data",
    "m009_office_accounts",
    "m010_certificate_voids",
    "m011_visit_required",
    "m012_province",
    "m013_visit_photos",
    "m014_form_versions",
    "m015_stat_counts",
    "m016_sweep_inspection_index",
    "m017_office_stats",
)
SCHEMA_VERSION = len(MIGRATION_NAMES)


def _migrations() -> list[ModuleType]:
    """The migration modules in order (imported on first use)."""
    loaded = globals().get("MIGRATIONS")
    if loaded is None:
        loaded = [importlib.import_module(f"{__name__}.{name}") for name in MIGRATION_NAMES]
        globals()["MIGRATIONS"] = loaded
    return loaded


def __getattr__(name: str) -> list[ModuleType]:
    # ``from inspector_app.store.migrations import MIGRATIONS`` still works: the list is
    # built when first asked for.
    if name == "MIGRATIONS":
        return _migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_file(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent copy of the open database at *target*, checked with integrity_check
    (written under a temporary name and renamed once checked)."""
    from ..backups import write_backup

    return write_backup(conn, target)


@contextlib.contextmanager
def _migration_lock(path: Path) -> Iterator[None]:
    """One process at a time backs up and migrates a given file (two windows started at
    once): an exclusive lock on a file beside the database (portalocker: ``flock`` on POSIX,
    ``LockFileEx`` on Windows), waited for, released after."""
    if str(path) == ":memory:":
        yield
        return
    lock = FileLock(path.with_name(path.name + ".migrate-lock"))
    try:
        if not lock.acquire(True, 600):
            raise StoreError(
                f"another program has been migrating {path} for ten minutes; try again later"
            )
        yield
    finally:
        lock.close()


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
        from ..backups import make_backup

        make_backup(conn, path, f"schema{version}", folder=backup_dir)
    applied = []
    migrations = _migrations()
    for number in range(version + 1, SCHEMA_VERSION + 1):
        module = migrations[number - 1]
        with transaction(conn):
            # Another process may have migrated since we looked (two windows started at
            # once): decide again under the write lock, so no step ever runs twice.
            if current_version(conn) >= number:
                continue
            module.up(conn)
            conn.execute(f"PRAGMA user_version = {number}")
        applied.append(number)
    if applied:
        from ...logs import log_event

        log_event("migrate", applied=applied, schema=current_version(conn))
    return applied
