"""Where a database may live: network file systems, Windows shares and mapped network drives
are refused (their locking cannot be trusted, and a write-ahead log needs shared memory
on one machine), and a full disk or a file-size limit is named in one sentence.

Imports nothing of the program: :mod:`.db` stands on it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from pathlib import Path

NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "afs", "9p", "fuse.sshfs", "davfs"}


DRIVE_REMOTE = 4  # GetDriveTypeW: a mapped network drive


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
