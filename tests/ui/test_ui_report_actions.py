"""Report actions in the window: export with the passphrase prompt and open the result;
batch export with progress and Cancel. Modal dialogs are patched, not the code under test."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton, QWidget

from inspector_app.crypto.keys import init_identity
from inspector_app.paths import keys_dir
from inspector_app.services.demo import generate
from inspector_app.services.verify import verify_report
from inspector_app.store.inspections import InspectionFilter
from inspector_app.ui import report_actions
from inspector_app.ui.widgets import file_dialogs
from inspector_app.ui.workers import run_with_progress

PASSPHRASE = "ui passphrase 9"


@pytest.fixture
def world(store, db_path, qtbot, monkeypatch):
    generate(store, premises=8, inspections=24, seed=9)
    # the identity of the inspector who made the first inspection: a report is signed by its
    # own inspector
    first = store.inspections.list(InspectionFilter(), limit=1)[0]
    init_identity(keys_dir(db_path), first.inspector, PASSPHRASE.encode())
    parent = QWidget()
    qtbot.addWidget(parent)
    opened = []
    monkeypatch.setattr(
        report_actions.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    messages = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: messages.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: messages.append(a[2]))
    ids = [s.id for s in store.inspections.list(InspectionFilter(), limit=100)]
    return parent, ids, opened, messages


def test_export_asks_where_and_the_passphrase_then_opens_a_signed_pdf(
    world, store, db_path, tmp_path, monkeypatch
):
    parent, ids, opened, messages = world
    target = tmp_path / "chosen"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: str(target))
    answers = iter([("wrong passphrase", True), (PASSPHRASE, True)])
    prompts = []

    def get_text(parent_, title, label, echo, *a, **k):
        prompts.append((label, echo))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    path = report_actions.export_report(parent, store, db_path, ids[0], lang="zh")
    assert path == tmp_path / "chosen.pdf" and path.is_file()
    assert len(prompts) == 2 and ("口令错误" in prompts[1][0] or "wrong" in prompts[1][0])
    assert prompts[0][1] == report_actions.QLineEdit.EchoMode.Password
    assert opened == [str(path)]
    result = verify_report(path.read_bytes(), store, db_path)
    assert result.status == "VALID" and result.record_check == "matches" and not messages


def test_cancelling_the_passphrase_writes_nothing(world, store, db_path, tmp_path, monkeypatch):
    parent, ids, opened, _ = world
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    assert (
        report_actions.export_report(parent, store, db_path, ids[0], path=tmp_path / "x.pdf")
        is None
    )
    assert not (tmp_path / "x.pdf").exists() and opened == []


def test_unsigned_export_without_prompt(world, store, db_path, tmp_path, monkeypatch):
    parent, ids, opened, _ = world
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: pytest.fail("no prompt expected"))
    path = report_actions.export_report(
        parent, store, db_path, ids[1], path=tmp_path / "u.pdf", sign=False, open_result=False
    )
    assert path.read_bytes().startswith(b"%PDF-") and opened == []
    assert verify_report(path.read_bytes(), store, db_path).status == "INVALID"  # not signed


def _watch_dialog(on_value):
    """Poll the progress dialog of the next run_with_progress call (not an earlier one)."""
    before = getattr(run_with_progress, "last_dialog", None)
    timer = QTimer()
    timer.setInterval(5)

    def poll():
        dialog = getattr(run_with_progress, "last_dialog", None)
        if dialog is not None and dialog is not before:
            on_value(dialog, timer)

    timer.timeout.connect(poll)
    timer.start()
    return timer


def test_batch_export_with_progress(world, db_path, tmp_path, qtbot):
    parent, ids, _, messages = world
    seen = []
    timer = _watch_dialog(lambda dialog, t: seen.append((dialog.value(), dialog.maximum())))
    result = report_actions.batch_export(
        parent, db_path, ids[:6], tmp_path / "out", lang="en", workers=1
    )
    timer.stop()
    assert len(result.written) == 6 and not result.cancelled
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == sorted(
        p.name for p in result.written
    )
    values = [v for v, m in seen if m == 6 and v >= 0]
    assert values and values == sorted(values)  # the bar moved forward, out of 6
    assert "6 reports written" in messages[-1]


def test_batch_export_cancel_keeps_what_was_written(world, db_path, tmp_path, qtbot):
    parent, ids, _, messages = world

    def cancel_after_first(dialog, timer):
        if dialog.value() >= 1:
            dialog.findChild(QPushButton).click()  # the Cancel button, as the user would
            timer.stop()

    timer = _watch_dialog(cancel_after_first)
    result = report_actions.batch_export(parent, db_path, ids, tmp_path / "out", workers=1)
    timer.stop()
    assert result.cancelled
    written = list((tmp_path / "out").glob("*.pdf"))
    assert 1 <= len(written) < len(ids)
    assert "Cancelled" in messages[-1] or "取消" in messages[-1]
