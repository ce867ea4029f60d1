"""Nothing in the program's own process may let another process delete the live database's
write-ahead log.

POSIX advisory locks belong to the process: when anything in the process opens and closes
the database file (or its -wal/-shm) outside SQLite, every SQLite lock on it is dropped. Qt
does that when it guesses a file's type from its content (a file dialog listing the folder).
The next process that opened and closed the database (the command line) then believed it
was the last user, checkpointed and deleted the log under the running program: the writes
made after that went into a deleted file and were lost, and the database was damaged.

This test does exactly that sequence through the real store, real Qt and the real command
line, and checks that the log is never unlinked under the live connection and that every
acknowledged write is there afterwards.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from inspector_app.domain.credit_code import make_credit_code
from inspector_app.domain.models import Premises, new_id
from inspector_app.store import open_database


def _premises(n: int) -> Premises:
    return Premises(
        new_id(),
        "market_stall",
        f"摊位{n}",
        make_credit_code("92340100MA2TX8K5J"),
        "安徽省合肥市蜀山区长江路88号",
        "合肥市",
        "合肥市周谷堆农产品批发市场",
        f"A{n:03d}",
        "王芳",
        "13855100000",
    )


def _open_fds(path: Path) -> list[str]:
    """/proc/self/fd entries of this process that point at *path* (even when deleted)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target == str(path) or target == f"{path} (deleted)":
            found.append(f"/proc/self/fd/{fd}")
    return found


def _links(fd_path: str) -> int:
    """Hard links of the file behind an open descriptor: 0 once it was unlinked."""
    return os.stat(fd_path).st_nlink


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("INSPECTOR_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _let_qt_touch_the_folder(qtbot, db: Path) -> None:
    """What a file dialog, a completer and a photo chooser do to the database's folder."""
    from PySide6.QtCore import QMimeDatabase
    from PySide6.QtWidgets import QFileDialog, QFileSystemModel

    names = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
    mimes = QMimeDatabase()
    for p in names:
        assert p.exists(), p
        mimes.mimeTypeForFile(str(p), QMimeDatabase.MatchMode.MatchContent)
    model = QFileSystemModel()
    with qtbot.waitSignal(model.directoryLoaded, timeout=5000):
        root = model.setRootPath(str(db.parent))
    for row in range(model.rowCount(root)):
        for col in range(model.columnCount(root)):
            idx = model.index(row, col, root)
            model.data(idx)
            model.data(idx, 1)  # DecorationRole: the icon, from the file's type
    dialog = QFileDialog(None, "Add photo", str(db.parent))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.show()
    qtbot.wait(300)
    dialog.reject()
    # And any code of ours that opens a chosen file in this process and closes it again.
    for p in names:
        with open(p, "rb") as fh:
            fh.read(64)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_cli_beside_a_running_store_never_deletes_its_log(qtbot, db_path):
    store = open_database(db_path)
    acknowledged: list[str] = []
    try:
        for n in range(5):
            acknowledged.append(store.premises.save(_premises(n)).id)
        wal = Path(f"{db_path}-wal")
        wal_fds = _open_fds(wal)
        assert wal_fds, "the store keeps its write-ahead log open"
        wal_inode = os.stat(wal_fds[0]).st_ino

        _let_qt_touch_the_folder(qtbot, db_path)

        listed = _cli(db_path, "list")
        assert listed.returncode == 0, listed.stderr
        checked = _cli(db_path, "check")
        assert checked.returncode == 0, checked.stdout + checked.stderr

        for n in range(5, 25):
            acknowledged.append(store.premises.save(_premises(n)).id)
            assert _links(wal_fds[0]) >= 1, "the live write-ahead log was deleted"
        assert wal.exists() and wal.stat().st_ino == wal_inode, "the log was replaced"
        again = _cli(db_path, "list")
        assert again.returncode == 0, again.stderr
        acknowledged.append(store.premises.save(_premises(99)).id)
        assert _links(wal_fds[0]) >= 1, "the live write-ahead log was deleted"
    finally:
        store.close()

    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT id FROM premises")}
    finally:
        conn.close()
    assert set(acknowledged) <= stored, (
        f"{len(set(acknowledged) - stored)} acknowledged writes lost"
    )
