"""Writing the program's output files: atomically (``NAME.part``, fsync, rename), with a
one-sentence error that names a full disk; and where the signed report PDFs of a database
are kept.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..domain.errors import InputError


def write_atomic(path: Path, data: bytes) -> None:
    """Write to ``NAME.part``, fsync, rename over *path*. On failure the ``.part`` file is
    removed and an InputError says why in one sentence (a full disk says so)."""
    import errno

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InputError(
                "output", f"the disk is full: {path} was not written (nothing else changed)"
            ) from None
        raise InputError("output", f"{path} could not be written: {exc.strerror or exc}") from None


def reports_folder(db_path: Path) -> Path:
    """Where signed review PDFs are kept: ``<db folder>/<db name>-reports/``."""
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}-reports"
