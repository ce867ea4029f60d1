"""A whole job through the widgets: a newcomer on an empty database records a market scale
with a failing reading and hands over a signed report. Keys and clicks are counted (the
inspector's effort): only what a person would type or click is done here."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLineEdit

from inspector_app import i18n
from inspector_app.crypto.keys import init_identity
from inspector_app.paths import keys_dir
from inspector_app.services.verify import verify_report
from inspector_app.ui import inspection_editor as ie
from inspector_app.ui import main_window as mw
from inspector_app.ui import report_actions, settings
from inspector_app.ui.widgets import file_dialogs

PASSPHRASE = "market day 7"


class Effort:
    keys = 0
    clicks = 0


def click(qtbot, widget, pos=None):
    Effort.clicks += 1
    if pos is None:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def type_text(widget, text):
    """One key event per character (an input method's way; Chinese included)."""
    for ch in text:
        Effort.keys += 1
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def key(qtbot, widget, k):
    Effort.keys += 1
    qtbot.keyClick(widget, k)


def when_modal(fill):
    """Fill the next modal dialog once it shows (its exec blocks the test meanwhile)."""

    def step():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(30, step)
            return
        fill(dialog)

    QTimer.singleShot(30, step)


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def test_market_scale_job_from_an_empty_database_to_a_signed_report(
    qtbot, store, db_path, tmp_path, monkeypatch
):
    Effort.keys = Effort.clicks = 0
    settings.set_value("inspector_name", "张伟")
    init_identity(keys_dir(db_path), "张伟", PASSPHRASE.encode())  # the guide's identity step
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    assert win.current_page_key() == "today"

    # New inspection… → new premises → new instrument → start
    def new_inspection_dialog(d):
        def premises(p):
            type_text(p.fields["name"], "张记水产")
            type_text(p.fields["address"], "合肥市长江路1号")
            p.fields["market"].setFocus()
            type_text(p.fields["market"].lineEdit(), "周谷堆市场")
            type_text(p.fields["stall_no"], "A12")
            click(qtbot, p.buttons.button(p.buttons.StandardButton.Save))

        def instrument(i):
            type_text(i.fields["maker"], "上海友声")
            type_text(i.fields["model"], "ACS-15")
            type_text(i.fields["serial"], "S2023000123")
            m = i.metro_fields["scale"]
            type_text(
                m["max"], "１５０００"
            )  # full-width, as a pinyin IME in full-width mode types
            type_text(m["min"], "100")
            type_text(m["e"], "5")
            type_text(m["d"], "5")
            click(qtbot, i.buttons.button(i.buttons.StandardButton.Save))

        when_modal(premises)
        click(qtbot, d.new_premises_button)
        when_modal(instrument)
        click(qtbot, d.new_instrument_button)
        d.check.setCurrentIndex(d.check.findData("subsequent"))
        Effort.clicks += 2  # open the combo, pick the kind of check
        click(qtbot, d.buttons.button(d.buttons.StandardButton.Ok))

    when_modal(new_inspection_dialog)
    click(qtbot, win.today_page.new_button)
    assert len(win.editors) == 1
    editor = next(iter(win.editors.values()))
    assert store.instruments.list()[0].metrology["max"] == "15000"

    # readings: the weighing points are prefilled; type each indication and Enter (down)
    weighing = next(t for t in editor.tables if t.model.form_test.kind == "weighing")
    model, view = weighing.model, weighing.view
    ind = next(i for i, c in enumerate(model.columns) if c.path == "indication")
    loads = [model.cell_value(r, "load") for r in range(model.data_rows())]
    readings = {"100": "100", "2500": "2505", "10000": "10010", "15000": "15000"}
    view.setFocus()
    Effort.clicks += 1  # a click into the first indication cell
    for r, load in enumerate(loads):
        if load not in readings:
            continue
        view.setCurrentIndex(model.index(r, ind))
        view.scrollTo(model.index(r, ind))
        editor.scroll_area.ensureWidgetVisible(weighing)
        Effort.keys += 1
        qtbot.keyClicks(view, readings[load][0])  # typing starts the cell's editor…
        line = next(w for w in view.viewport().findChildren(QLineEdit) if w.isVisible())
        type_text(line, readings[load][1:])  # …which takes the rest
        key(qtbot, line, Qt.Key.Key_Return)
    assert any("10000" in f or "10 kg" in f or "10000 g" in f for f in editor.failed()), (
        editor.failed()
    )

    # checklist: "Yes" down the legal checks, one click for the cheating indicators
    panel = editor.checklist
    for q in panel.questions:
        if q.group == "legal":
            b = panel.buttons[(q.key, "no" if q.key == "seals" else "yes")]
            editor.scroll_area.ensureWidgetVisible(b)
            click(qtbot, b)
    editor.scroll_area.ensureWidgetVisible(panel.all_clean_button)
    click(qtbot, panel.all_clean_button)
    assert all(editor.insp.checklist.get(q.key) for q in panel.questions)

    # both signatures on the pads
    for role in ie.SIGNATURE_ROLES:
        pad = editor.pads[role]
        editor.scroll_area.ensureWidgetVisible(pad)
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 40))
        for x in range(30, 200, 20):
            qtbot.mouseMove(pad, QPoint(x, 30 + (x % 40)))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(210, 40))
        Effort.clicks += 1  # one stroke
        click(qtbot, editor.findChild(type(editor.sig_buttons[0]), f"save_{role}"))

    # finalize (Ctrl+Enter): the dialog lists what is missing; confirm; the passphrase once
    monkeypatch.setattr(editor, "ask_passphrase", lambda message="": PASSPHRASE.encode())
    seen = {}

    def confirm(d):
        seen["text"] = "\n".join(w.text() for w in d.findChildren(type(d.verdict_label)))
        d.accept()

    when_modal(confirm)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=3000)
    Effort.keys += 1
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not editor.insp.is_draft, timeout=5000)
    assert "不合格" in seen["text"]  # the verdict, in Chinese
    assert "未记录使用的计量标准器" in seen["text"]  # no reference standard: said before sealing

    # export the signed report (Ctrl+E), path and passphrase
    target = tmp_path / "notice.pdf"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: str(target))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASSPHRASE, True))
    monkeypatch.setattr(report_actions.QDesktopServices, "openUrl", lambda url: True)
    warnings = []
    monkeypatch.setattr(
        report_actions.QMessageBox, "warning", lambda *a, **k: warnings.append(a[2])
    )
    Effort.keys += 1 + len(str(target.name)) + len(PASSPHRASE) + 1
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=3000)
    qtbot.keyClick(editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(target.is_file, timeout=10000)
    assert not warnings
    result = verify_report(target.read_bytes(), store, db_path)
    assert result.status == "VALID" and result.signer and "张伟" in result.signer
    # the effort, for the record (a newcomer, premises and instrument included)
    print(f"\nmarket scale job: {Effort.keys} keys, {Effort.clicks} clicks")
    assert Effort.keys < 200 and Effort.clicks < 40
    assert QDialog  # (imported for the modal helpers' types)
