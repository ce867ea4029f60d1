"""A disk that fills up in the middle of a write, for the tests of the program's output files:
every file opened for writing inside one folder takes the first half of what is written to it,
then fails with ENOSPC, as a full disk does. Files elsewhere (the database, its backups) are
written as usual."""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path


class _FillingFile:
    """A file that keeps half of the first write, then reports a full disk."""

    def __init__(self, fh) -> None:
        self._fh = fh

    def write(self, data) -> int:
        self._fh.write(bytes(data)[: max(1, len(data) // 2)])
        self._fh.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()

    def __getattr__(self, name):
        return getattr(self._fh, name)


def fill_disk(monkeypatch, folder: Path) -> None:
    """From now on (to the test's end), writes to files in *folder* fail half way with ENOSPC."""
    real_open = io.open
    folder = Path(folder).resolve()

    def opening(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        writes = any(c in mode for c in "wax+")
        if writes and isinstance(file, (str, os.PathLike)):
            if Path(os.fspath(file)).resolve().parent == folder:
                return _FillingFile(fh)
        return fh

    monkeypatch.setattr(io, "open", opening)
    monkeypatch.setattr(builtins, "open", opening)
