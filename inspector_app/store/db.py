"""Opening a database file safely: pragmas, file-system checks, locks, damage detection.

Every connection gets WAL, ``synchronous=FULL``, ``foreign_keys=ON`` (read back and checked)
and a busy timeout. Writes happen only inside :func:`transaction` (``BEGIN IMMEDIATE``), so
a multi-statement write is all or nothing.

Why the program keeps its own locks beside SQLite's (see docs/architecture.md, "Storage"):
SQLite's locks on Unix are POSIX advisory locks, which belong to the *process*; any code in
the process that opens and closes the database file (a file dialog guessing a file's type
from its content, say) silently drops all of them. Another process that then closes the
database believes it is the last user and deletes the write-ahead log under the running
program. So:

* every connection sets ``SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE``: closing never checkpoints or
  deletes the log, whatever SQLite believes about other users;
* every connection holds a *shared* ``flock``-style lock on ``<db>.lock`` while it is open
  (held per open file description, so no other file handle in the process can drop it); the
  log is checkpointed into the database (``TRUNCATE``) only by a connection that can take
  that lock *exclusively*, i.e. knows it is alone;
* every write transaction, and the set-up of a new connection's shared memory, holds an
  exclusive lock on ``<db>.write-lock``: two processes of ours never write at the same time
  even if one of them lost its SQLite locks.

The locks are ``fcntl.flock`` on POSIX and portalocker's ``LockFileEx`` on Windows (portalocker
uses ``flock`` on POSIX too; calling it directly there keeps its import, about 40 ms with
its package-metadata look-up, off the program's start).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import DatabaseDamagedError as DatabaseDamagedError  # callers import them here
from .errors import DatabaseTooNewError as DatabaseTooNewError
from .errors import DiskFullError as DiskFullError
from .errors import StoreError as StoreError
from .filesystems import disk_full_message as disk_full_message  # the command line's import
from .filesystems import network_reason
from .locks import FileLock

BUSY_TIMEOUT_MS = 5000
# SQLite's result codes for a file whose pages (SQLITE_CORRUPT) or header (SQLITE_NOTADB)
# cannot be read as a database.
DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
# Files beside the database that only SQLite (or this module) may ever open.
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
LOCK_SUFFIXES = (".lock", ".write-lock", ".migrate-lock")
SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE = 1006


def sidecar_paths(path: str | os.PathLike[str]) -> list[Path]:
    """The database file and every file beside it that belongs to it."""
    path = Path(path)
    return (
        [path]
        + [Path(str(path) + s) for s in SQLITE_SIDECARS]
        + [path.with_name(path.name + s) for s in LOCK_SUFFIXES]
    )


_open_paths: dict[Path, int] = {}
_open_lock = threading.Lock()


def open_database_paths() -> list[Path]:
    """The database files this process has open now."""
    with _open_lock:
        return list(_open_paths)


def is_database_file(path: str | os.PathLike[str], extra: list[Path] | None = None) -> bool:
    """Whether *path* is a database this process has open (or one in *extra*), or one of
    the files beside it (-wal, -shm, -journal, lock files). Compared by ``os.stat`` only:
    the file is never opened, since opening and closing it would drop SQLite's locks."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    # (an office database on a server, in *extra*, has no files here)
    for db in open_database_paths() + [e for e in extra or [] if isinstance(e, str | os.PathLike)]:
        for side in sidecar_paths(db):
            try:
                other = os.stat(side)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (other.st_dev, other.st_ino):
                return True
    return False


# -- file systems ---------------------------------------------------------------------------


# -- locks ----------------------------------------------------------------------------------


class _Guard:
    """The program's own locks for one connection (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.presence = FileLock(path.with_name(path.name + ".lock"))
        self.writer = FileLock(path.with_name(path.name + ".write-lock"))
        self._depth = 0
        self._mutex = threading.RLock()
        self.no_ckpt_on_close = False
        self.damaged = False
        self.alone_at_open = False
        with _open_lock:
            _open_paths[path] = _open_paths.get(path, 0) + 1
        self._registered = True

    def enter_presence(self) -> None:
        if not self.presence.acquire(False, BUSY_TIMEOUT_MS / 1000 * 6):
            self.close_files()
            raise StoreError(
                f"{self.path} is being restored or closed by another program; try again in a moment"
            )

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Exclusive writer lock for the outermost write (re-entrant within a connection)."""
        with self._mutex:
            if self._depth == 0 and not self.writer.acquire(True, BUSY_TIMEOUT_MS / 1000):
                raise sqlite3.OperationalError("database is locked")
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.writer.release()

    def close_connection(self, conn: sqlite3.Connection, real_close: Callable[[], None]) -> None:
        """Close *conn*; if no other connection of any process of ours is open, first fold
        the write-ahead log into the database (TRUNCATE) and record a clean close. A
        checkpoint still running in the background (``checkpoints.later``) ends first."""
        wait_for_background(self.path)
        try:
            self.presence.release()
            if self.damaged:
                # Never fold the log into a damaged file; make sure the next open checks it.
                if self.presence.try_acquire(True):
                    with contextlib.suppress(OSError):
                        self.presence.write_text("{}")
            elif self.presence.try_acquire(True):
                with contextlib.suppress(sqlite3.Error, OSError):
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                    if busy == 0:
                        self.presence.write_text(json.dumps(file_identity(self.path)))
        finally:
            try:
                real_close()
            finally:
                self.close_files()

    def close_files(self) -> None:
        self.presence.close()
        self.writer.close()
        if self._registered:
            self._registered = False
            with _open_lock:
                left = _open_paths.get(self.path, 1) - 1
                if left > 0:
                    _open_paths[self.path] = left
                else:
                    _open_paths.pop(self.path, None)


_background_lock = threading.Lock()
_background: dict[str, list[threading.Thread]] = {}  # database file -> checkpoint threads


def run_in_background(path: Path, target: Callable[[], None], name: str) -> threading.Thread:
    """Start *target* in a thread that every close of *path* waits for (a checkpoint after
    a large write: ``store.checkpoints``)."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    with _background_lock:
        _background.setdefault(str(path), []).append(thread)
    thread.start()
    return thread


def wait_for_background(path: Path) -> None:
    """Wait for the threads :func:`run_in_background` started for *path*. Such a thread's
    own connection, when it closes, waits for nobody (two of them would wait for each
    other)."""
    key, me = str(path), threading.current_thread()
    with _background_lock:
        threads = list(_background.get(key, []))
    if not threads or me in threads:
        return
    for thread in threads:
        thread.join()
    with _background_lock:
        left = [t for t in _background.get(key, []) if t.is_alive()]
        if left:
            _background[key] = left
        else:
            _background.pop(key, None)


def file_identity(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "ino": st.st_ino}


class Connection(sqlite3.Connection):
    """A connection that carries the program's locks and releases them on close."""

    _guard: _Guard | None = None

    def close(self) -> None:
        guard, self._guard = self._guard, None
        if guard is None:
            super().close()
        else:
            guard.close_connection(self, super().close)


def _sqlite_library() -> ctypes.CDLL:
    """The SQLite library the ``sqlite3`` module is linked against (for ctypes calls)."""
    import _sqlite3

    if os.name == "nt":  # pragma: no cover - Windows ships sqlite3.dll beside _sqlite3.pyd
        return ctypes.CDLL(str(Path(_sqlite3.__file__).with_name("sqlite3.dll")))
    return ctypes.CDLL(_sqlite3.__file__)


def _handle(conn: sqlite3.Connection, path: Path) -> int | None:
    """The ``sqlite3*`` handle of *conn* (CPython 3.11, the version this program ships
    with: the first field after the object header of ``pysqlite_Connection``), checked by
    asking SQLite for that handle's file name; None when it cannot be read or is not
    *path*'s (and on any other Python: the field is not read)."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        return None
    try:
        lib = _sqlite_library()
        handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
        if not handle:
            return None
        lib.sqlite3_db_filename.restype = ctypes.c_char_p
        lib.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        name = lib.sqlite3_db_filename(handle, b"main")
        if not name or os.path.realpath(os.fsdecode(name)) != os.path.realpath(path):
            return None
        return int(handle)
    except (OSError, AttributeError, ValueError):
        return None


def _on_handle(
    conn: sqlite3.Connection, path: Path, call: Callable[[ctypes.CDLL, ctypes.c_void_p], bool]
) -> bool:
    """*call* with the SQLite library and *conn*'s handle (:func:`_handle`); False when the
    handle cannot be read or the call fails."""
    handle = _handle(conn, path)
    if handle is None:
        return False
    try:
        return call(_sqlite_library(), ctypes.c_void_p(handle))
    except (OSError, AttributeError, ValueError):
        return False


def flush_cache(conn: sqlite3.Connection, path: Path) -> bool:
    """Write the changed pages of *conn*'s page cache to the database (in WAL mode: to the
    log, as frames the commit has not made part of the database yet) in the middle of its
    write transaction, with ``sqlite3_db_cacheflush``; the commit then has only what changes
    after this to write. True when it was done (SQLite, on CPython 3.11: see
    :func:`_handle`); where it is not, the commit writes them as before."""
    if not isinstance(conn, sqlite3.Connection):
        return False

    def flush(lib: ctypes.CDLL, handle: ctypes.c_void_p) -> bool:
        lib.sqlite3_db_cacheflush.restype = ctypes.c_int
        lib.sqlite3_db_cacheflush.argtypes = [ctypes.c_void_p]
        return bool(lib.sqlite3_db_cacheflush(handle) == 0)

    return _on_handle(conn, path, flush)


def set_no_checkpoint_on_close(conn: sqlite3.Connection, path: Path) -> bool:
    """Make closing *conn* never checkpoint or delete the write-ahead log; True if active.

    Python 3.12 has ``Connection.setconfig``. On 3.11 the ``sqlite3*`` handle is read from the
    connection object (the first field after the object header in CPython's
    ``pysqlite_Connection``), checked by asking SQLite for that handle's file name, and the
    option is set with ``sqlite3_db_config`` and read back."""
    if hasattr(conn, "setconfig") and hasattr(sqlite3, "SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE"):
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, True)
        # (Python 3.12+, hence the hasattr above; the 3.11 stubs have no getconfig)
        return bool(conn.getconfig(sqlite3.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE))  # type: ignore[attr-defined]

    def no_checkpoint(lib: ctypes.CDLL, handle: ctypes.c_void_p) -> bool:
        lib.sqlite3_db_config.restype = ctypes.c_int
        out = ctypes.c_int(-1)
        rc = lib.sqlite3_db_config(
            handle,
            ctypes.c_int(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE),
            ctypes.c_int(1),
            ctypes.byref(out),
        )
        return bool(rc == 0 and out.value == 1)

    return _on_handle(conn, path, no_checkpoint)


def connect(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A raw connection with the project's pragmas and locks (no migrations)."""
    path = Path(path)
    memory = str(path) == ":memory:"
    guard = None
    if not memory:
        reason = network_reason(path)  # as given: a UNC path or a drive letter tells already
        path = path.absolute()
        parent = path.parent
        if not reason and not parent.is_dir():
            raise StoreError(
                f"the folder {parent} does not exist; create it first or choose another"
            )
        if reason:
            raise StoreError(
                f"{path} is on {reason}; keep the database on a local disk (write-ahead logging is unsafe over a network)"
            )
        guard = _Guard(path)
        # Alone? (Then a non-empty log means the last session did not end cleanly.)
        guard.alone_at_open = guard.presence.try_acquire(True)
        guard.presence.release()
        guard.enter_presence()
    try:
        # A new connection sets up the shared memory (and may rebuild it): never while
        # another process of ours is in the middle of a write.
        with guard.writing() if guard else contextlib.nullcontext():
            conn = sqlite3.connect(
                str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, factory=Connection
            )
            try:
                if guard:
                    guard.no_ckpt_on_close = set_no_checkpoint_on_close(conn, path)
                    conn._guard = guard
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA trusted_schema = OFF")
            except BaseException:
                conn.close()
                raise
    except sqlite3.DatabaseError as exc:
        if guard:
            guard.close_files()
        full = disk_full_message(path, exc) if not memory else None
        if full:
            raise DiskFullError(full) from None
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"{path} is being written by another program (a long import?); try again in a moment"
            ) from None
        message = f"{path} is not a usable database ({exc})"
        if not memory and getattr(exc, "sqlite_errorcode", None) in DAMAGE_CODES:
            # e.g. a page of the schema damaged: SQLite reads the schema as soon as the
            # journal mode is set. ``opening`` words it and offers the newest good backup.
            raise DatabaseDamagedError(message, path, str(exc)) from None
        raise StoreError(message) from None
    except BaseException:
        if guard:
            guard.close_files()
        raise
    if not memory and mode.lower() != "wal":
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
    guard = getattr(conn, "_guard", None)
    with guard.writing() if guard else contextlib.nullcontext():
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


def _needs_quick_check(path: Path, guard: _Guard | None) -> bool:
    """Whether opening *path* should run ``PRAGMA quick_check`` (which reads the whole file:
    a few seconds for 100,000 inspections). Yes for small files, where it is cheap; yes when
    the write-ahead log is not empty (the last session did not end cleanly, or another
    program has it open); and yes unless the file is exactly as the last clean close left it
    (size, modification time and inode recorded in the lock file), so a file changed by
    anything else (a copy, a disk tool, scribbled pages) is checked before anything writes.
    Not when another window or command of ours has the file open: it checked the file when
    it opened it (so a command beside the window starts at once).
    ``inspector-app check``, backups and restores always check in full."""
    if guard is None:
        return False
    try:
        size = path.stat().st_size
    except OSError:
        return True
    if size <= QUICK_CHECK_ALWAYS_BYTES:
        return True
    if not guard.alone_at_open:
        # A window or command of ours has the file open now and checked it when it opened
        # it; its log is in use, not left over. The last one to close records a clean close.
        return False
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return True
    try:
        marker = json.loads(guard.presence.read_text() or "{}")
    except (ValueError, OSError):
        return True
    return bool(marker != file_identity(path))
