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
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import portalocker

    def _lock(fh: BinaryIO, exclusive: bool) -> bool:
        flags = portalocker.LockFlags.EXCLUSIVE if exclusive else portalocker.LockFlags.SHARED
        try:
            portalocker.lock(fh, flags | portalocker.LockFlags.NON_BLOCKING)
        except portalocker.exceptions.LockException:
            return False
        return True

    def _unlock(fh: BinaryIO) -> None:
        with contextlib.suppress(portalocker.exceptions.LockException, OSError):
            portalocker.unlock(fh)

else:
    import fcntl

    def _lock(fh: BinaryIO, exclusive: bool) -> bool:
        try:
            fcntl.flock(
                fh.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
            )
        except BlockingIOError:
            return False
        return True

    def _unlock(fh: BinaryIO) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


BUSY_TIMEOUT_MS = 5000
NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "afs", "9p", "fuse.sshfs", "davfs"}
# Files beside the database that only SQLite (or this module) may ever open.
SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
LOCK_SUFFIXES = (".lock", ".write-lock", ".migrate-lock")
DRIVE_REMOTE = 4  # GetDriveTypeW: a mapped network drive
SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE = 1006


class StoreError(Exception):
    """The database cannot be used as asked; the message is one sentence for the user."""


class DatabaseTooNewError(StoreError):
    pass


class DatabaseDamagedError(StoreError):
    """The file fails SQLite's own check: nothing was written; a backup is offered."""

    def __init__(self, message: str, path: Path, detail: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.detail = detail


class DiskFullError(StoreError):
    pass


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
def _on_windows() -> bool:
    """A seam for tests that simulate Windows on Linux."""
    return os.name == "nt"


def _drive_type(root: str) -> int:
    """``GetDriveTypeW`` of a drive root such as ``"Z:\\\\"`` (0 = unknown off Windows)."""
    try:
        return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return 0


def _windows_network_reason(text: str) -> str | None:
    """Why a Windows path is on the network: a UNC path or a mapped network drive."""
    norm = text.replace("/", "\\")
    if norm.startswith("\\\\?\\") or norm.startswith("\\\\.\\"):
        rest = norm[4:]
        if rest.upper().startswith("UNC\\"):
            return "a network share"
        norm = rest  # a long local path such as \\?\C:\...
    elif norm.startswith("\\\\"):
        return "a network share"
    if len(norm) >= 2 and norm[1] == ":" and _drive_type(norm[:2] + "\\") == DRIVE_REMOTE:
        return "a mapped network drive"
    return None


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


def network_reason(path: Path) -> str | None:
    """A short phrase when *path* is on a network file system (WAL is unsafe there)."""
    if _on_windows():
        reason = _windows_network_reason(str(path))
        if reason is None:
            with contextlib.suppress(OSError, RuntimeError):
                reason = _windows_network_reason(str(path.resolve()))
        return reason
    fstype = _filesystem_type(path)
    if fstype in NETWORK_FS:
        return f"a network file system ({fstype})"
    return None


def _file_size_limited() -> bool:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return False
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return soft != resource.RLIM_INFINITY


def disk_full_message(path: Path, exc: BaseException) -> str | None:
    """One sentence when *exc* (an SQLite or OS error) comes from a full disk (or a file
    size limit), else None. SQLite often reports a full disk as a plain "disk I/O error"
    (for instance when the ``-shm`` file cannot grow), so an I/O error is checked against
    the free space (``shutil.disk_usage``) before it is called damage."""
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorcode", None)
    full = "full" in text or getattr(exc, "errno", None) == 28 or code == 13  # SQLITE_FULL
    if not full and ("disk i/o" in text or (code is not None and code & 0xFF == 10)):
        import shutil

        try:
            free = shutil.disk_usage(path.parent).free
        except OSError:
            free = None
        full = (free is not None and free < 16 * 1024 * 1024) or _file_size_limited()
    if not full:
        return None
    return (
        f"the disk is full (or the file size limit was reached) at {path.parent}; "
        "the last change was not saved and the database is as it was before it"
    )


# -- locks ----------------------------------------------------------------------------------
class FileLock:
    """A whole-file lock on one open file description (``flock`` / ``LockFileEx``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: BinaryIO | None = None
        self.held: str | None = None  # "shared" or "exclusive"

    def _file(self) -> BinaryIO:
        if self._fh is None:
            try:
                self._fh = open(self.path, "a+b")  # noqa: SIM115 - kept open on purpose
            except OSError as exc:
                raise StoreError(
                    f"cannot create the lock file {self.path} ({exc.strerror}); "
                    "check that the folder is writable"
                ) from None
        return self._fh

    def try_acquire(self, exclusive: bool) -> bool:
        if not _lock(self._file(), exclusive):
            return False
        self.held = "exclusive" if exclusive else "shared"
        return True

    def acquire(self, exclusive: bool, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        delay = 0.002
        while not self.try_acquire(exclusive):
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return True

    def release(self) -> None:
        if self.held is not None and self._fh is not None:
            _unlock(self._fh)
        self.held = None

    def close(self) -> None:
        self.release()
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    # The clean-close marker lives in the presence lock file (written only when alone).
    def read_text(self) -> str:
        fh = self._file()
        fh.seek(0)
        return fh.read(4096).decode("utf-8", "replace")

    def write_text(self, text: str) -> None:
        fh = self._file()
        fh.seek(0)
        fh.truncate()
        fh.write(text.encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())


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
        the write-ahead log into the database (TRUNCATE) and record a clean close."""
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
    if sys.implementation.name != "cpython" or sys.version_info[:2] != (3, 11):
        return False
    try:
        lib = _sqlite_library()
        handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
        if not handle:
            return False
        lib.sqlite3_db_filename.restype = ctypes.c_char_p
        lib.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        name = lib.sqlite3_db_filename(handle, b"main")
        if not name or os.path.realpath(os.fsdecode(name)) != os.path.realpath(path):
            return False
        lib.sqlite3_db_config.restype = ctypes.c_int
        out = ctypes.c_int(-1)
        rc = lib.sqlite3_db_config(
            ctypes.c_void_p(handle),
            ctypes.c_int(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE),
            ctypes.c_int(1),
            ctypes.byref(out),
        )
        return rc == 0 and out.value == 1
    except (OSError, AttributeError, ValueError):
        return False


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
        raise StoreError(f"{path} is not a usable database ({exc})") from None
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
