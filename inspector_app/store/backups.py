"""The program's own rotating backups, and restoring one.

Backups live in ``backups/`` beside the database and are made with SQLite's online backup
API from the open connection (a consistent copy even while the window writes):

* ``<stem>-daily-YYYYMMDD.db`` at the first start of each day (the last 7 days are kept);
* ``<stem>-before-import-<bundle>-<time>.db`` before a bundle import and
  ``<stem>-schema<N>-<time>.db`` before a schema migration (the last N of these are kept,
  N = the ``backup.keep`` setting, default 10).

A bundle import is one transaction (all or nothing) and needs no copy to stay safe; its
backup is there to go back to the state before an import that was accepted but unwanted.
A full copy of a large office database takes seconds (6.6 s for 752 MB, measured), so an
import writes one only when the newest backup of this database is older than
:data:`IMPORT_BACKUP_INTERVAL_S` (an hour); otherwise it names that backup
(:func:`recent_backup`). Restoring it loses at most the hour of work after it, whose bundles
the import ledger lists by id.

Each copy is written under a temporary name ``.<name>.partial``, checked with
``PRAGMA integrity_check`` and only then renamed to its real name, so a copy interrupted by
a crash or a kill never looks like a backup and never blocks the next one; leftovers are
removed by the next backup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .db import SQLITE_SIDECARS, StoreError, sidecar_paths
from .locks import FileLock

DEFAULT_KEEP = 10
IMPORT_BACKUP_INTERVAL_S = 3600  # an import copies the database at most once an hour
KEEP_DAILY = 7
PARTIAL = ".partial"
BACKUP_LOCK = ".backup-lock"
LOCK_WAIT_S = 120.0


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # daily, before-import, schema, manual
    when: dt.datetime
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "kind": self.kind,
            "time": self.when.isoformat(timespec="seconds"),
            "bytes": self.size,
        }


def backup_folder(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be opened for fsync there
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_backup(conn: sqlite3.Connection, target: Path) -> Path:
    """A consistent, verified copy of the open database *conn* at *target*.

    Written as ``.<name>.partial`` beside it and renamed only after ``integrity_check``
    passes; the copy is a self-contained file (rollback journal mode, no -wal needed)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _folder_lock(target.parent):
        return _write_backup_locked(conn, target)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One backup at a time per folder across processes (two commands or windows started
    together would otherwise write, and clean up, the same half-written file)."""
    lock = FileLock(folder / BACKUP_LOCK)
    try:
        if not lock.acquire(True, LOCK_WAIT_S):
            raise StoreError(
                f"another program is writing a backup in {folder}; try again in a moment"
            )
        yield
    finally:
        lock.close()


def _write_backup_locked(conn: sqlite3.Connection, target: Path) -> Path:
    if target.exists():
        raise StoreError(f"{target} exists already; choose another file")
    tmp = target.with_name(f".{target.name}{PARTIAL}")
    for stale in [tmp] + [Path(str(tmp) + s) for s in SQLITE_SIDECARS]:
        stale.unlink(missing_ok=True)
    dest = sqlite3.connect(str(tmp))
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        ok = dest.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        dest.close()
        tmp.unlink(missing_ok=True)
        from .filesystems import disk_full_message

        full = disk_full_message(target, exc)
        raise StoreError(full or f"the backup {target} could not be written ({exc})") from None
    finally:
        with contextlib.suppress(sqlite3.Error):
            dest.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise StoreError(f"the backup {target} failed its integrity check")
    with open(tmp, "rb+") as fh:  # a backup file of ours, never the live database
        os.fsync(fh.fileno())
    if target.exists():
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{target} exists already; choose another file")
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    return target


def _kind_of(name: str, stem: str) -> str | None:
    if not name.startswith(stem + "-") or not name.endswith(".db"):
        return None
    rest = name[len(stem) + 1 : -3]
    if rest.startswith("daily-"):
        return "daily"
    if rest.startswith("before-import-"):
        return "before-import"
    if re.match(r"schema\d+-", rest):
        return "schema"
    return None


def list_backups(db_path: Path, folder: Path | None = None) -> list[Backup]:
    """This database's own backups, newest first (half-written ``.partial`` files excluded)."""
    db_path = Path(db_path)
    folder = folder or backup_folder(db_path)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        kind = _kind_of(entry.name, db_path.stem)
        if kind is None or not entry.is_file():
            continue
        st = entry.stat()
        found.append(Backup(entry, kind, dt.datetime.fromtimestamp(st.st_mtime), st.st_size))
    found.sort(key=lambda b: (b.when, b.path.name), reverse=True)
    return found


def recent_backup(
    db_path: Path, max_age_s: float = IMPORT_BACKUP_INTERVAL_S, folder: Path | None = None
) -> Backup | None:
    """The newest of this database's own backups when it was written less than *max_age_s*
    seconds ago (a backup dated in the future, after a clock change, does not count). Every
    listed backup passed ``integrity_check`` before it got its name (:func:`write_backup`)."""
    backups = list_backups(db_path, folder)
    if not backups:
        return None
    age = time.time() - backups[0].path.stat().st_mtime
    return backups[0] if 0 <= age < max_age_s else None


def keep_setting(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT value FROM local_meta WHERE key = 'backup.keep'").fetchone()
    except sqlite3.Error:
        return DEFAULT_KEEP
    try:
        return max(1, int(row[0])) if row else DEFAULT_KEEP
    except ValueError:
        return DEFAULT_KEEP


def prune(db_path: Path, keep: int, folder: Path | None = None) -> list[Path]:
    """Delete all but the newest *keep* event backups and the newest 7 daily ones, and any
    half-written leftovers; returns what was deleted."""
    folder = folder or backup_folder(db_path)
    removed = []
    backups = list_backups(db_path, folder)
    daily = [b for b in backups if b.kind == "daily"]
    events = [b for b in backups if b.kind != "daily"]
    for b in daily[KEEP_DAILY:] + events[keep:]:
        with contextlib.suppress(OSError):
            b.path.unlink()
            removed.append(b.path)
    if folder.is_dir():
        with _folder_lock(folder):  # never a file another process is still writing
            for entry in folder.glob(f".{Path(db_path).stem}-*{PARTIAL}*"):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


def make_backup(
    conn: sqlite3.Connection,
    db_path: Path,
    kind: str,
    tag: str = "",
    folder: Path | None = None,
) -> Path:
    """A rotating backup of the open database (*kind*: ``before-import`` or ``schemaN``)."""
    db_path = Path(db_path)
    folder = folder or backup_folder(db_path)
    name = f"{db_path.stem}-{kind}-" + (f"{tag}-" if tag else "") + f"{_stamp()}.db"
    path = write_backup(conn, folder / name)
    prune(db_path, keep_setting(conn), folder)
    from ..logs import log_event

    log_event("backup", kind=kind, file=path.name, bytes=path.stat().st_size)
    return path


def daily_backup(
    conn: sqlite3.Connection, db_path: Path, folder: Path | None = None
) -> Path | None:
    """Today's backup unless there is one already (or the database is still empty)."""
    db_path = Path(db_path)
    folder = folder or backup_folder(db_path)
    target = folder / f"{db_path.stem}-daily-{dt.date.today():%Y%m%d}.db"
    if target.exists():
        return None
    try:
        empty = conn.execute("SELECT count(*) FROM premises").fetchone()[0] == 0
    except sqlite3.Error:
        empty = True
    if empty:
        return None
    try:
        path = write_backup(conn, target)
    except StoreError as exc:
        if target.exists():  # another process made it meanwhile
            return None
        from ..logs import log_event

        log_event("backup-failed", kind="daily", error=str(exc))
        return None
    prune(db_path, keep_setting(conn), folder)
    from ..logs import log_event

    log_event("backup", kind="daily", file=path.name, bytes=path.stat().st_size)
    return path


def verify_file(path: Path, *, full: bool = False) -> str:
    """``"ok"`` or what SQLite says is wrong with the database file *path* (read only)."""
    try:
        conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        pragma = "integrity_check" if full else "quick_check"
        return str(conn.execute(f"PRAGMA {pragma}").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


def newest_good_backup(db_path: Path, folder: Path | None = None) -> Backup | None:
    """The newest backup of *db_path* that passes ``quick_check``."""
    for b in list_backups(db_path, folder):
        if verify_file(b.path) == "ok":
            return b
    return None


def _refuse_live(source: Path, target: Path) -> None:
    for p in sidecar_paths(target):
        with contextlib.suppress(OSError):
            if p.exists() and os.path.samefile(source, p):
                raise StoreError(f"{source} is the database itself; choose a backup file")


def restore(
    source: str | os.PathLike[str], target: str | os.PathLike[str]
) -> tuple[Path, Path | None]:
    """Replace the database at *target* with a checked copy of *source*; returns the target
    and where the previous file (damaged or not) was kept, with its write-ahead log.

    Refused while any window or command has the database open."""
    from .migrations import SCHEMA_VERSION

    source, target = Path(source).absolute(), Path(target).absolute()
    if not source.is_file():
        raise StoreError(f"{source} does not exist")
    _refuse_live(source, target)
    try:
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            ok = src.execute("PRAGMA integrity_check").fetchone()[0]
            version = src.execute("PRAGMA user_version").fetchone()[0]
            has_audit = src.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit'").fetchone()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{source} is not a database ({exc})") from None
    if ok != "ok":
        raise StoreError(f"{source} failed the integrity check; it was not restored")
    if version > SCHEMA_VERSION or not has_audit:
        raise StoreError(f"{source} is not an Inspector database this program can read")
    if not target.parent.is_dir():
        raise StoreError(f"the folder {target.parent} does not exist")
    presence = FileLock(target.with_name(target.name + ".lock"))
    try:
        if not presence.try_acquire(True):
            raise StoreError(
                f"{target} is open in a window or another command; close it and run restore again"
            )
        tmp = target.with_name(f".{target.name}.restoring")
        tmp.unlink(missing_ok=True)
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        kept: Path | None = None
        if target.exists():
            n = 1
            while (aside := target.with_name(f"{target.stem}.before-restore-{n}.db")).exists():
                n += 1
            for suffix in SQLITE_SIDECARS:
                side = Path(str(target) + suffix)
                if side.exists():
                    os.replace(side, Path(str(aside) + suffix))
            os.replace(target, aside)
            kept = aside
        else:
            for suffix in SQLITE_SIDECARS:
                Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
        presence.write_text("{}")  # the next open checks the restored file in full
    finally:
        presence.close()
    from ..logs import log_event

    log_event("restore", source=source.name, kept=kept.name if kept else "")
    return target, kept
