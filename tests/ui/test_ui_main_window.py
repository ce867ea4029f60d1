"""The main window on a demo database: navigation, lazy table, search, filters, sorting,
opening inspections, new inspection, remembered layout."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from inspector_app import i18n
from inspector_app.store import open_database
from inspector_app.store.inspections import InspectionFilter
from inspector_app.ui import main_window as mw
from inspector_app.ui import settings


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    from inspector_app.services.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_database(path) as s:
        generate(s, premises=60, inspections=500, seed=3)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def demo(demo_template, db_path):
    shutil.copy(demo_template, db_path)
    s = open_database(db_path)
    yield s
    s.close()


@pytest.fixture
def window(qtbot, demo):
    win = mw.MainWindow(demo)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.inspections_page.model.loaded_once, timeout=10000)
    return win


class FakeEditor(QWidget):
    from PySide6.QtCore import Signal

    saved = Signal(str)
    finalized = Signal(str)
    opened: list = []

    def __init__(self, store, inspection_id, parent=None):
        super().__init__(parent)
        self.inspection_id = inspection_id
        FakeEditor.opened.append(inspection_id)

    @classmethod
    def new_for_instrument(cls, store, instrument_id, inspector, check="in_service", parent=None):
        from inspector_app.services.drafts import new_draft

        insp = new_draft(store, instrument_id, inspector, check)
        return cls(store, insp.id, parent)


def type_text(widget, text):
    """Type any text (QTest.keyClicks aborts on non-Latin characters): one key event per character."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def test_window_opens_with_counts_and_lazy_table(qtbot, window, demo):
    page = window.inspections_page
    assert window.current_page_key() == "inspections"
    assert page.model.total == 500 == demo.inspections.count()
    assert page.count_label.text() == "500 inspections"
    assert page.model.loaded_pages() == [0]  # not every row is read
    qtbot.waitUntil(lambda: "500 inspections" in window.counts_label.text(), timeout=5000)
    assert str(demo.path) in window.db_label.text()
    assert window.menuBar().actions()[0].text() == "&File"


def test_search_as_you_type_finds_premises_by_two_chinese_characters(qtbot, window, demo):
    page = window.inspections_page
    target = demo.inspections.list(InspectionFilter(family="scale"), limit=1)[0]
    query = target.premises_name[:2]
    expected = demo.inspections.count(InspectionFilter(search=query))
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        type_text(page.search, query)
    assert page.model.total == expected < 500
    shown = [page.model.data(page.model.index(r, 1)) for r in range(min(expected, 50))]
    assert target.premises_name in shown or query in "".join(shown)
    assert page.count_label.text() == f"{expected} inspections"


def test_filters_by_family_verdict_and_date(qtbot, window, demo):
    page = window.inspections_page
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        page.family.setCurrentIndex(page.family.findData("fuel_dispenser"))
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        page.verdict.setCurrentIndex(page.verdict.findData("pass"))
    assert page.model.total == demo.inspections.count(InspectionFilter(family="fuel_dispenser", verdict="pass"))
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        page.date_from.set_iso("2026-06-01")
    f = page.current_filter()
    assert f.date_from == "2026-06-01" and f.family == "fuel_dispenser"
    assert page.model.total == demo.inspections.count(f)
    market = demo.premises.markets()[0]
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        page.market.setCurrentIndex(page.market.findData(market))
    assert page.model.total == demo.inspections.count(page.current_filter())
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        window.actions_by_name["clear_filters"].trigger()
    assert page.model.total == 500


def test_header_click_sorts(qtbot, window):
    page = window.inspections_page
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(6) + 5  # inspector
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.viewport().rect().topLeft()
                         + type(header.viewport().rect().topLeft())(x, 5))
    assert page.model.sort_key[0] == "inspector"
    names = [page.model.data(page.model.index(r, 6)) for r in range(100)]
    assert names == sorted(names) or names == sorted(names, reverse=True)


def test_enter_opens_the_inspection_editor(qtbot, window, monkeypatch):
    monkeypatch.setattr(mw, "_editor_class", lambda: FakeEditor)
    FakeEditor.opened.clear()
    table = window.inspections_page.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(3, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    expected = table.model().data(table.model().index(3, 0), Qt.ItemDataRole.UserRole)
    assert FakeEditor.opened == [expected]
    assert expected in window.editors and window.editors[expected].isWindow()


def test_missing_editor_shows_a_message(qtbot, window, monkeypatch):
    monkeypatch.setattr(mw, "_editor_class", lambda: None)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    assert window.open_inspection("anything") is None
    assert shown and "not available" in shown[0]


def test_new_inspection_creates_a_draft_with_the_chosen_check(qtbot, window, demo, monkeypatch):
    monkeypatch.setattr(mw, "_editor_class", lambda: FakeEditor)
    FakeEditor.opened.clear()
    dialog = mw.NewInspectionDialog(demo, window)
    qtbot.addWidget(dialog)
    premises = demo.premises.list(kind="market_stall", limit=1)[0]
    with qtbot.waitSignal(dialog.search.search_changed, timeout=2000):
        type_text(dialog.search, premises.name)
    assert dialog.premises_list.currentItem().data(Qt.ItemDataRole.UserRole) == premises.id
    assert dialog.instrument_list.count() >= 1
    dialog.check.setCurrentIndex(dialog.check.findData("covert"))
    _pid, instrument_id, check = dialog.selection()
    editor = window.start_inspection(instrument_id, check)
    draft = demo.inspections.get(editor.inspection_id)
    assert draft.status == "draft" and draft.check == "covert" and draft.instrument_id == instrument_id
    assert FakeEditor.opened == [draft.id]


def test_new_inspection_dialog_refuses_without_instrument(qtbot, demo):
    dialog = mw.NewInspectionDialog(demo)
    qtbot.addWidget(dialog)
    dialog.instrument_list.clear()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "Choose premises" in dialog.error.text()


def test_navigation_by_keyboard_and_shortcuts_in_menus(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "premises"
    window.actions_by_name["page_dashboard"].trigger()
    assert window.current_page_key() == "dashboard"
    for menu in window.menus.values():
        assert menu.actions()
    assert not window.actions_by_name["new_inspection"].shortcut().isEmpty()
    assert window.actions_by_name["settings"].shortcut().toString() == "Ctrl+,"


def test_geometry_is_remembered(qtbot, demo):
    win = mw.MainWindow(demo)
    qtbot.addWidget(win)
    win.resize(701, 502)
    win.show_page("standards")
    win.close()
    again = mw.MainWindow(demo)
    qtbot.addWidget(again)
    assert again.size().width() == 701
    assert again.current_page_key() == "standards"
    assert settings.settings_path().is_file()
    again.close()
