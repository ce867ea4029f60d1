"""A newcomer's first minutes: Today's work leads to a first inspection without a dead end."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from inspector_app import i18n
from inspector_app.ui import main_window as mw
from inspector_app.ui import settings
from inspector_app.ui.dialogs.new_inspection import NewInspectionDialog


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def window(qtbot, store):
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    return win


def test_first_start_opens_on_todays_work_with_a_hint(qtbot, window):
    assert window.current_page_key() == "today"
    page = window.today_page
    qtbot.waitUntil(lambda: page.empty_hint.isVisible(), timeout=5000)
    assert "New inspection" in page.empty_hint.text()


def test_the_big_new_inspection_button_opens_the_dialog(qtbot, window, monkeypatch):
    seen = []

    def fake_exec(self):
        seen.append(self)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(NewInspectionDialog, "exec", fake_exec)
    page = window.today_page
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    # its mnemonic is Alt+N (Qt presses the button for it: the same clicked signal)
    assert page.new_button.shortcut().toString() == "Alt+N"
    page.new_button.animateClick()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=2000)


def _fill_and_save_when_shown(qtbot, fill):
    """Fill the next modal dialog that appears, then accept it (a modal exec blocks the test)."""

    def step():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, step)
            return
        fill(dialog)
        dialog.accept()

    QTimer.singleShot(50, step)


def test_empty_database_new_inspection_creates_premises_and_instrument_on_the_way(
    qtbot, window, store
):
    dialog = NewInspectionDialog(store, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.premises_list.count() == 0
    assert dialog.premises_hint.isVisible()
    assert not dialog.new_instrument_button.isEnabled()

    def premises(d):
        d.fields["name"].setText("张记水产")
        d.fields["address"].setText("合肥市长江路 1 号")
        d.fields["market"].setCurrentText("周谷堆市场")

    _fill_and_save_when_shown(qtbot, premises)
    qtbot.mouseClick(dialog.new_premises_button, Qt.MouseButton.LeftButton)
    assert dialog.premises_list.count() == 1
    assert "张记水产" in dialog.premises_list.currentItem().text()
    assert dialog.new_instrument_button.isEnabled()
    assert not dialog.premises_hint.isVisible()

    def instrument(d):
        d.fields["maker"].setText("友声")
        d.fields["model"].setText("ACS-15")
        d.fields["serial"].setText("S1")
        m = d.metro_fields["scale"]
        m["max"].setText("15000")
        m["e"].setText("5")
        m["min"].setText("100")

    _fill_and_save_when_shown(qtbot, instrument)
    qtbot.mouseClick(dialog.new_instrument_button, Qt.MouseButton.LeftButton)
    assert dialog.instrument_list.count() == 1
    pid, iid, _check = dialog.selection()
    assert store.instruments.get(iid).premises_id == pid
    assert dialog.created


def test_today_lists_a_draft_once(qtbot, window, store, stall):
    from inspector_app.services.drafts import new_draft

    _p, scale = stall
    new_draft(store, scale.id, "张伟", "in_service")
    page = window.today_page
    page.refresh()
    qtbot.waitUntil(lambda: page.drafts.loaded_once and page.today.loaded_once, timeout=5000)
    qtbot.waitUntil(lambda: page.drafts.total == 1, timeout=5000)
    assert page.today.total == 0  # finished today only, not the draft again
    assert not page.empty_hint.isVisible()
    assert settings.qsettings() is not None


def test_the_main_window_fits_the_screen_on_first_start(qtbot, window):
    avail = window.screen().availableGeometry()
    assert window.width() <= avail.width() and window.height() <= avail.height() - 32
    assert window.y() >= avail.y()


def test_instruments_list_marks_an_overdue_instrument(qtbot, window, store, stall):
    import dataclasses

    _p, scale = stall
    store.instruments.save(dataclasses.replace(scale, next_due="2026-02-28"))
    window.show_page("instruments")
    page = window.instruments_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    col = [k for k, _t in page.model.columns].index("next_due")
    index = page.model.index(0, col)
    assert "overdue" in index.data()
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#9b0019"


def test_instrument_dialog_reads_full_width_numbers(qtbot, store, stall):
    from inspector_app.ui.instrument_editor import InstrumentEditor

    p, _scale = stall
    d = InstrumentEditor(store, None, None, premises_id=p.id)
    qtbot.addWidget(d)
    d.fields["serial"].setText("S9")
    m = d.metro_fields["scale"]
    m["max"].setText("１５０００")
    m["e"].setText("５")
    m["min"].setText("１００")
    d.accept()
    assert d.saved_instrument is not None
    assert d.saved_instrument.metrology["max"] == "15000"
    assert d.saved_instrument.metrology["e"] == "5"


@pytest.fixture
def instrument_dialog(qtbot, store, stall):
    from inspector_app.ui.instrument_editor import InstrumentEditor

    p, _scale = stall
    d = InstrumentEditor(store, None, None, premises_id=p.id)
    qtbot.addWidget(d)
    d.show()
    return d


def test_instrument_dialog_family_switch_min_above_max_and_typed_premises(
    qtbot, instrument_dialog, stall
):
    d = instrument_dialog
    p, _scale = stall
    fam = d.fields["family"]
    assert d.fields["accuracy_class"].currentText() == "III"
    fam.setCurrentIndex(fam.findData("pd_meter"))
    assert d.fields["accuracy_class"].currentText() == ""  # not "III" for a PD meter
    fam.setCurrentIndex(fam.findData("scale"))
    d.fields["serial"].setText("S7")
    m = d.metro_fields["scale"]
    m["max"].setText("15")
    m["e"].setText("5")
    m["min"].setText("100")
    d.accept()
    assert d.saved_instrument is None
    assert "below Max" in d.findChild(type(d.form_error), "error_min").text() or any(
        "below Max" in w.text() for w in d.findChildren(type(d.form_error)) if w.isVisible()
    )
    # the premises typed (part of the name), not picked from the list
    m["max"].setText("15000")
    m["min"].setText("100")
    d.fields["premises_id"].setCurrentIndex(0)
    d.fields["premises_id"].setEditText("王芳")
    d.accept()
    assert d.saved_instrument is not None and d.saved_instrument.premises_id == p.id


def test_escape_asks_before_discarding_a_filled_dialog(qtbot, instrument_dialog):
    d = instrument_dialog
    asked = []
    d.confirm_discard = lambda: asked.append(1) or False
    d.fields["serial"].setText("S8")
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert asked == [1] and d.isVisible()
    d.confirm_discard = lambda: True
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible()


def test_premises_dialog_market_fields_only_for_market_premises(qtbot, store):
    from inspector_app.ui.premises_editor import PremisesEditor

    d = PremisesEditor(store, None)
    qtbot.addWidget(d)
    d.show()
    kind = d.fields["kind"]
    kind.setCurrentIndex(kind.findData("market_stall"))
    assert d.fields["market"].isVisible() and d.fields["market"].width() > 100
    kind.setCurrentIndex(kind.findData("filling_station"))
    assert not d.fields["market"].isVisible() and not d.fields["stall_no"].isVisible()
    height = d.height()
    qtbot.keyClicks(d.fields["credit_code"], "9234")
    assert d.height() == height  # the hint line was there already: no jump


def test_an_approved_inspection_is_not_shown_as_merely_finalized(qtbot, store, stall):
    from types import SimpleNamespace

    from inspector_app.services.drafts import new_draft
    from inspector_app.ui.models.inspections import COLUMNS, InspectionTableModel
    from inspector_app.ui.workers import StoreReader

    _p, scale = stall
    insp = new_draft(store, scale.id, "张伟", "in_service")
    reader = StoreReader(store.path)
    try:
        model = InspectionTableModel(reader)
        with qtbot.waitSignal(model.modelReset, timeout=5000):
            model.refresh()
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
        model._reviews[insp.id] = SimpleNamespace(
            decision="approved", reviewer="李科长", comment="", at="2026-12-04"
        )
        col = [c[0] for c in COLUMNS].index("status")
        index = model.index(0, col)
        assert "Approved" in index.data()
        assert "李科长" in index.data(Qt.ItemDataRole.ToolTipRole)
    finally:
        reader.stop()


def test_instruments_page_starts_an_inspection_of_the_chosen_instrument(
    qtbot, window, store, stall, monkeypatch
):
    _p, scale = stall
    started = []
    monkeypatch.setattr(window, "start_inspection", lambda iid, check: started.append((iid, check)))
    window.show_page("instruments")
    page = window.instruments_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.mouseClick(page.inspect_button, Qt.MouseButton.LeftButton)
    assert started == [(scale.id, settings.get("default_check"))]
