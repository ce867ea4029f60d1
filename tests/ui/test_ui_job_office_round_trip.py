"""The office round trip through the widgets, in Chinese: the laptop exports its field bundle
(File → Export bundle…, Ctrl+Shift+E), the office (a supervisor trusting the laptop's
certificate) imports it (Ctrl+Shift+O), the review queue approves one inspection and returns
another with a comment, the office bundle goes back (Ctrl+Shift+E as supervisor) and the
laptop's inspection list shows one approved and one returned with the comment."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app import i18n
from inspector_app.crypto import keys
from inspector_app.paths import keys_dir
from inspector_app.services import review as rv
from inspector_app.services.demo import generate
from inspector_app.store import open_database
from inspector_app.ui import main_window as mw
from inspector_app.ui import office
from inspector_app.ui.models.inspections import COLUMNS, IdRole
from inspector_app.ui.office import dialogs

LAPTOP_PASS = "field day 12"
OFFICE_PASS = "office desk 3"
COMMENT = "称量点不足，请补测。"


def type_text(widget, text):
    """One key event per character (an input method's way; Chinese included)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def when_modal(fill, kind=None):
    """Act on the next modal dialog (of this type) once it shows; its exec blocks meanwhile."""

    def step():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or (kind and not isinstance(dialog, kind)):
            QTimer.singleShot(30, step)
            return
        fill(dialog)

    QTimer.singleShot(30, step)


class Side:
    def __init__(self, folder: Path, name: str, passphrase: str) -> None:
        (folder / name).mkdir()
        self.path = folder / name / f"{name}.db"
        self.store = open_database(self.path)
        self.identity = keys.init_identity(keys_dir(self.path), name, passphrase.encode())
        _ = self.store.device_id

    def trust(self, other: Side, kind: str) -> None:
        i = other.identity
        self.store.trust.add(i.fingerprint, i.name, kind, i.certificate_pem().decode(), "test")


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


@pytest.fixture
def sides(tmp_path):
    lap, off = Side(tmp_path, "张伟", LAPTOP_PASS), Side(tmp_path, "王主任", OFFICE_PASS)
    off.trust(lap, "inspector")
    lap.trust(off, "office")
    generate(lap.store, premises=3, inspections=6, seed=31)
    rv.set_role(off.store, "supervisor", "王主任")
    yield lap, off
    lap.store.close()
    off.store.close()


def run_bundle_dialog(qtbot, win, shortcut, path: Path, passphrase: str | None, signal: str):
    """Open the export/import dialog with its shortcut, type the file (and passphrase), start
    it with the button, wait for the work, close with the Close button; return its result."""
    seen = {}

    def fill(d):
        seen["dialog"] = d
        d.path_edit.setFocus()
        type_text(d.path_edit, str(path))
        if passphrase is not None:
            d.passphrase.setFocus()
            type_text(d.passphrase, passphrase)
        getattr(d, signal).connect(lambda result: seen.setdefault("result", result))
        qtbot.mouseClick(d.go, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "result" in seen, timeout=30000)
        seen["status"] = d.status.text() + " " + getattr(d, "reason", d.status).text()
        qtbot.mouseClick(d.close_button, Qt.MouseButton.LeftButton)

    when_modal(fill)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    qtbot.keyClick(
        win, shortcut, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: "result" in seen and not seen["dialog"].isVisible(), timeout=30000)
    return seen


def test_office_round_trip_through_the_widgets(qtbot, sides, tmp_path, monkeypatch):
    lap, off = sides
    field_zip, office_zip = tmp_path / "field.zip", tmp_path / "office.zip"
    ids = [
        r[0]
        for r in lap.store.conn.execute("SELECT id FROM inspections WHERE status = 'finalized'")
    ]
    assert len(ids) >= 2

    # the laptop: File → Export bundle… (Ctrl+Shift+E)
    laptop = mw.MainWindow(lap.store)
    qtbot.addWidget(laptop)
    laptop.show()
    seen = run_bundle_dialog(qtbot, laptop, Qt.Key.Key_E, field_zip, LAPTOP_PASS, "exported")
    assert field_zip.is_file() and seen["result"].counts["inspections"] == len(
        list(lap.store.conn.execute("SELECT id FROM inspections"))
    )
    assert "已写入" in seen["status"], seen["status"]
    laptop.hide()

    # the office: File → Import bundle… (Ctrl+Shift+O)
    desk = mw.MainWindow(off.store)
    qtbot.addWidget(desk)
    mode = office.install(desk)
    desk.show()
    assert mode.role == "supervisor"
    seen = run_bundle_dialog(qtbot, desk, Qt.Key.Key_O, field_zip, None, "imported")
    assert seen["result"].status == "imported", seen["status"]
    assert "张伟" in seen["status"]
    assert off.store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == len(
        list(lap.store.conn.execute("SELECT id FROM inspections"))
    )

    # the review queue: approve the first row, return the next with a comment
    monkeypatch.setattr(dialogs, "ask_passphrase", lambda parent, prompt="": OFFICE_PASS.encode())
    mode.show("review")
    page = mode.review_page
    assert desk.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.rowCount() >= 2, timeout=5000)
    panel = page.panel
    page.table.setFocus()
    page.table.selectRow(0)
    approved = page.model.rows[0].id
    qtbot.waitUntil(lambda: panel.inspection_id == approved, timeout=3000)
    pdf = panel.values["pdf"].text()  # made here, not yet signed: said in Chinese
    assert "尚未签名" in pdf and "unlock" not in pdf, pdf
    assert "记录完整" in panel.values["record"].text()
    i18n.set_language("en")  # the panel follows a switch: the title and record line too
    assert "记录完整" not in panel.values["record"].text()
    assert not any(w in panel.title.text() for w in ("衡器", "燃油加油机", "焦度计", "验光仪"))
    i18n.set_language("zh")
    asked = {}

    def yes(box):
        asked["text"] = box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(yes, QMessageBox)
    with qtbot.waitSignal(panel.decided, timeout=10000):
        qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    assert asked["text"]  # approving asked first
    assert not any(c.isascii() and c.isalpha() for c in asked["text"].replace("PDF", "")), asked
    qtbot.waitUntil(lambda: approved not in [r.id for r in page.model.rows], timeout=3000)
    returned = page.model.rows[0].id
    assert page.select_inspection(returned)
    qtbot.waitUntil(lambda: panel.inspection_id == returned, timeout=3000)
    panel.comment.setFocus()
    type_text(panel.comment, COMMENT)
    with qtbot.waitSignal(panel.decided, timeout=10000):
        qtbot.mouseClick(panel.return_button, Qt.MouseButton.LeftButton)
    rows = dict(off.store.conn.execute("SELECT inspection_id, decision FROM reviews").fetchall())
    assert rows == {approved: "approved", returned: "returned"}
    assert (
        off.store.conn.execute(
            "SELECT comment FROM reviews WHERE inspection_id = ?", (returned,)
        ).fetchone()[0]
        == COMMENT
    )

    # the office bundle: Ctrl+Shift+E as supervisor writes the office direction
    seen = run_bundle_dialog(qtbot, desk, Qt.Key.Key_E, office_zip, OFFICE_PASS, "exported")
    assert seen["dialog"].direction.currentData() == "office" and office_zip.is_file()
    desk.hide()

    # the laptop imports it and its list shows the decisions
    laptop.show()
    seen = run_bundle_dialog(qtbot, laptop, Qt.Key.Key_O, office_zip, None, "imported")
    assert seen["result"].status == "imported", seen["status"]
    decisions = {r.inspection_id: r.decision for r in rv.reviews_for(lap.store, approved)}
    assert decisions.get(approved) == "approved"
    back = rv.reviews_for(lap.store, returned)
    assert back[0].returned and back[0].comment == COMMENT and back[0].reviewer == "王主任"
    laptop.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is laptop, timeout=3000)
    qtbot.keyClick(laptop, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # Inspections
    assert laptop.current_page_key() == "inspections"
    model = laptop.inspections_page.model
    qtbot.waitUntil(lambda: model.loaded_once and not model.counting, timeout=10000)
    status = next(i for i, c in enumerate(COLUMNS) if c[0] == "status")

    def cell(iid, role=Qt.ItemDataRole.DisplayRole):
        for r in range(model.rowCount()):
            if model.index(r, status).data(IdRole) == iid:
                return model.index(r, status).data(role)
        return None

    qtbot.waitUntil(lambda: cell(approved) is not None and cell(returned) is not None, timeout=5000)
    assert cell(approved) == "✔ 已批准"
    assert cell(returned) == "↩ 已退回"
    tip = cell(returned, Qt.ItemDataRole.ToolTipRole)
    assert "退回" in tip and COMMENT in tip
