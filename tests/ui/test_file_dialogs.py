"""The window's file dialogs never open a listed file, and refuse the database itself.

The probe: this process holds a POSIX lock on each file, and a child process asks whether
it could lock the file. If anything in this process opened and closed the file, the lock
is gone (POSIX locks belong to the process) and the child gets it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

fcntl = pytest.importorskip("fcntl")

from inspector_app.store import open_database  # noqa: E402
from inspector_app.ui.widgets import file_dialogs  # noqa: E402

PROBE = (
    "import fcntl, sys\n"
    "f = open(sys.argv[1], 'rb+')\n"
    "try:\n"
    "    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
    "    print('free')\n"
    "except OSError:\n"
    "    print('held')\n"
)


def _held(path: Path) -> bool:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=30
    )
    return out.stdout.strip() == "held"


def _locked_files(folder: Path) -> tuple[list[Path], list]:
    names = [folder / "field.db", folder / "field.db-wal", folder / "field.db-shm"]
    handles = []
    for p in names:
        p.write_bytes(b"SQLite format 3\x00" + bytes(4096))
        fh = open(p, "rb+")  # noqa: SIM115 - held for the test
        fcntl.lockf(fh, fcntl.LOCK_SH)
        handles.append(fh)
    return names, handles


def _list_in(dialog: QFileDialog, qtbot) -> None:
    from PySide6.QtWidgets import QTreeView

    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    dialog.show()
    qtbot.wait(600)
    for view in dialog.findChildren(QTreeView):
        model = view.model()
        root = view.rootIndex()
        for row in range(model.rowCount(root)):
            for col in range(model.columnCount(root)):
                idx = model.index(row, col, root)
                model.data(idx)
                model.data(idx, 1)
    qtbot.wait(300)
    dialog.reject()


def test_probe_sees_a_lock_dropped_by_qt_reading_a_file(qtbot, tmp_path):
    """The control: Qt's content sniffing does drop the lock, so the probe can fail."""
    from PySide6.QtCore import QMimeDatabase

    names, handles = _locked_files(tmp_path)
    try:
        assert _held(names[1])
        QMimeDatabase().mimeTypeForFile(str(names[1]), QMimeDatabase.MatchMode.MatchContent)
        assert not _held(names[1])
    finally:
        for fh in handles:
            fh.close()


def test_our_dialog_lists_the_folder_without_opening_any_file(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(file_dialogs, "use_native_dialog", lambda: False)
    names, handles = _locked_files(tmp_path)
    try:
        dialog = file_dialogs.make_dialog(None, "Add photo", str(tmp_path), "")
        assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
        assert isinstance(dialog.iconProvider(), file_dialogs.NameOnlyIconProvider)
        _list_in(dialog, qtbot)
        assert all(_held(p) for p in names), "a listed file was opened"
    finally:
        for fh in handles:
            fh.close()


def test_start_folder_is_never_the_database_folder(db_path):
    store = open_database(db_path)
    try:
        assert file_dialogs.safe_start_folder(str(db_path.parent)) == str(Path.home())
        assert file_dialogs.safe_start_folder(str(db_path.parent / "a.pdf")) == str(
            Path.home() / "a.pdf"
        )
        elsewhere = db_path.parent.parent
        assert file_dialogs.safe_start_folder(str(elsewhere)) == str(elsewhere)
    finally:
        store.close()


def test_a_chosen_database_file_is_refused_in_one_sentence(qtbot, db_path, monkeypatch):
    store = open_database(db_path)
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: said.append(a[2]))
    try:
        for chosen in (db_path, Path(f"{db_path}-wal"), db_path.with_name("inspector.db.lock")):
            monkeypatch.setattr(file_dialogs, "_run", lambda d, c=chosen: [str(c)])
            assert file_dialogs.get_open_file_name(None, "Add photo") == ""
            assert file_dialogs.get_save_file_name(None, "Export") == ""
        photo = db_path.parent / "p.png"
        photo.write_bytes(b"\x89PNG")
        monkeypatch.setattr(file_dialogs, "_run", lambda d: [str(db_path), str(photo)])
        assert file_dialogs.get_open_file_names(None, "Add photo") == [str(photo)]
    finally:
        store.close()
    assert said and all("inspector.db" in s for s in said)
