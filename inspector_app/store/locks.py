"""The program's own file locks beside SQLite's: a whole-file lock on one open file
description (``fcntl.flock`` on POSIX, portalocker's ``LockFileEx`` on Windows), which no
other file handle in the process can drop (see :mod:`.db` for why SQLite's own locks are not
enough). portalocker is imported on Windows only: on POSIX it would call ``flock`` anyway
and its import costs about 40 ms of the program's start.

Imports nothing of the program: :mod:`.db` stands on it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import BinaryIO

from .errors import StoreError

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
