"""A whole optical job through the widgets: an eyeglass shop and its focimeter made on the
way from an empty database, the reference lenses' certified values and the readings typed
cell by cell with Enter, the checklist, both signatures, Ctrl+Enter finalize and Ctrl+E a
signed report that verifies VALID."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from inspector_app import i18n
from inspector_app.crypto.keys import init_identity
from inspector_app.paths import keys_dir
from inspector_app.services.verify import verify_report
from inspector_app.ui import inspection_editor as ie
from inspector_app.ui import main_window as mw
from inspector_app.ui import report_actions, settings
from inspector_app.ui.widgets import file_dialogs

PASSPHRASE = "lens day 3"


def type_text(widget, text):
    """One key event per character (an input method's way; Chinese included)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def when_modal(fill):
    """Fill the next modal dialog once it shows (its exec blocks the test meanwhile)."""

    def step():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(30, step)
            return
        fill(dialog)

    QTimer.singleShot(30, step)


def type_cell(qtbot, view, row, column, text):
    """Select the cell, type (the first key opens its editor), Enter."""
    model = view.model()
    index = model.index(row, column)
    view.scrollTo(index)
    view.setCurrentIndex(index)
    view.setFocus()
    qtbot.keyClicks(view, text[0])
    line = next(w for w in view.viewport().findChildren(QLineEdit) if w.isVisible())
    type_text(line, text[1:])
    qtbot.keyClick(line, Qt.Key.Key_Return)


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def test_focimeter_job_in_an_eyeglass_shop_to_a_signed_report(
    qtbot, store, db_path, tmp_path, monkeypatch
):
    settings.set_value("inspector_name", "李娜")
    init_identity(keys_dir(db_path), "李娜", PASSPHRASE.encode())
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()

    # New inspection… → new premises (an eyeglass shop) → new instrument (a focimeter)
    def new_inspection_dialog(d):
        def premises(p):
            kind = p.fields["kind"]
            kind.setCurrentIndex(kind.findData("optical_shop"))  # picked in the combo
            assert not p.fields["stall_no"].isVisibleTo(p)  # no stall for a shop
            type_text(p.fields["name"], "明亮眼镜店")
            type_text(p.fields["address"], "合肥市淮河路12号")
            qtbot.mouseClick(
                p.buttons.button(p.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
            )

        def instrument(i):
            fam = i.fields["family"]
            fam.setCurrentIndex(fam.findData("focimeter"))
            type_text(i.fields["maker"], "上海精密仪器")
            type_text(i.fields["model"], "JD-2")
            type_text(i.fields["serial"], "JD20230456")
            m = i.metro_fields["focimeter"]
            m["resolution"].setCurrentIndex(m["resolution"].findData("0.01"))
            type_text(m["range_min"], "－25")  # full-width minus, as a Chinese IME types it
            type_text(m["range_max"], "25")
            qtbot.mouseClick(
                i.buttons.button(i.buttons.StandardButton.Save), Qt.MouseButton.LeftButton
            )

        when_modal(premises)
        qtbot.mouseClick(d.new_premises_button, Qt.MouseButton.LeftButton)
        when_modal(instrument)
        qtbot.mouseClick(d.new_instrument_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(d.buttons.button(d.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)

    when_modal(new_inspection_dialog)
    qtbot.mouseClick(win.today_page.new_button, Qt.MouseButton.LeftButton)
    assert len(win.editors) == 1
    editor = next(iter(win.editors.values()))
    [shop] = store.premises.list()
    [ins] = store.instruments.list()
    assert shop.kind == "optical_shop" and ins.family == "focimeter"
    assert ins.metrology["range_min"] == "-25" and ins.metrology["resolution"] == "0.01"

    plate = editor.instrument_value.text()  # the nameplate in words, not data keys
    assert "测量范围 -25～25 D" in plate and "分辨力 0.01 D" in plate, plate
    assert "range_min" not in plate and "resolution" not in plate

    tables = {t.model.form_test.kind: t for t in editor.tables}
    # zero: one reading
    zero = tables["zero"]
    editor.scroll_area.ensureWidgetVisible(zero)
    type_cell(qtbot, zero.view, 0, 0, "0.01")
    # vertex power, prism, cylinder: the nominal is prefilled; certified and reading typed
    for kind, extra in (("vertex_power", "0.01"), ("prism", "0.02"), ("cylinder", "0.01")):
        table = tables[kind]
        editor.scroll_area.ensureWidgetVisible(table)
        m, v = table.model, table.view
        cols = {c.path: i for i, c in enumerate(m.columns)}
        for r in range(m.data_rows()):
            nominal = m.cell_value(r, "nominal")
            if nominal is None:
                continue
            certified = f"{nominal}.00" if "." not in nominal else nominal
            reading = str(Decimal(certified) + Decimal(extra))
            type_cell(qtbot, v, r, cols["certified"], certified)
            type_cell(qtbot, v, r, cols["reading"], reading)
    vp = tables["vertex_power"].model
    assert vp.cell_value(0, "certified") == "-25.00" and vp.cell_value(0, "reading") == "-24.99"
    assert not editor.failed(), editor.failed()

    # checklist: every legal check answered Yes by a click
    panel = editor.checklist
    for q in panel.questions:
        b = panel.buttons[(q.key, "yes")]
        editor.scroll_area.ensureWidgetVisible(b)
        qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    assert all(editor.insp.checklist.get(q.key) == "yes" for q in panel.questions), (
        editor.insp.checklist
    )

    # both signatures
    for role in ie.SIGNATURE_ROLES:
        pad = editor.pads[role]
        editor.scroll_area.ensureWidgetVisible(pad)
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 40))
        for x in range(30, 200, 20):
            qtbot.mouseMove(pad, QPoint(x, 30 + (x % 40)))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(210, 40))
        qtbot.mouseClick(
            editor.findChild(type(editor.sig_buttons[0]), f"save_{role}"),
            Qt.MouseButton.LeftButton,
        )

    # Ctrl+Enter: the finalize dialog says the verdict in Chinese; confirm
    monkeypatch.setattr(editor, "ask_passphrase", lambda message="": PASSPHRASE.encode())
    seen = {}

    def confirm(d):
        seen["text"] = "\n".join(w.text() for w in d.findChildren(type(d.verdict_label)))
        seen["failed"] = [d.failed_list.item(i).text() for i in range(d.failed_list.count())]
        d.accept()

    when_modal(confirm)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=3000)
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not editor.insp.is_draft, timeout=5000)
    assert "✔ 合格" in seen["text"], seen["text"]
    assert seen["failed"] == ["无不合格项目。"]
    stored = store.inspections.require(editor.insp.id)
    assert stored.status == "finalized" and stored.verdict == "pass"
    vertex = next(t for t in stored.tests if t["kind"] == "vertex_power")
    assert len(vertex["lenses"]) == 10
    assert vertex["lenses"][0] == {"nominal": "-25", "certified": "-25.00", "reading": "-24.99"}

    # Ctrl+E: the signed report, verified
    target = tmp_path / "focimeter.pdf"
    monkeypatch.setattr(file_dialogs, "get_save_file_name", lambda *a, **k: str(target))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASSPHRASE, True))
    monkeypatch.setattr(report_actions.QDesktopServices, "openUrl", lambda url: True)
    warnings = []
    monkeypatch.setattr(
        report_actions.QMessageBox, "warning", lambda *a, **k: warnings.append(a[2])
    )
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=3000)
    qtbot.keyClick(editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(target.is_file, timeout=10000)
    assert not warnings
    result = verify_report(target.read_bytes(), store, db_path)
    assert result.status == "VALID" and result.signer and "李娜" in result.signer
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True)
    page = text.stdout.decode()
    assert "JJG 580" in page and "明亮眼镜店" in page and "JD20230456" in page
