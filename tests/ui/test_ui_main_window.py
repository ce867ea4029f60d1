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
from inspector_app.ui import record_opening, settings
from inspector_app.ui.dialogs.new_inspection import NewInspectionDialog


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
    settings.save_geometry("page", 1)  # these tests start on the inspections list
    win = mw.MainWindow(demo)
    qtbot.addWidget(win)
    win.show()
    model = win.inspections_page.model
    qtbot.waitUntil(lambda: model.loaded_once and not model.counting, timeout=10000)
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
    assert page.model.total == demo.inspections.count(
        InspectionFilter(family="fuel_dispenser", verdict="pass")
    )
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
        qtbot.mouseClick(
            header.viewport(),
            Qt.MouseButton.LeftButton,
            pos=header.viewport().rect().topLeft() + type(header.viewport().rect().topLeft())(x, 5),
        )
    assert page.model.sort_key[0] == "inspector"
    names = [page.model.data(page.model.index(r, 6)) for r in range(100)]
    assert names == sorted(names) or names == sorted(names, reverse=True)


def test_enter_opens_the_inspection_editor(qtbot, window, monkeypatch):
    monkeypatch.setattr(record_opening, "_editor_class", lambda: FakeEditor)
    FakeEditor.opened.clear()
    table = window.inspections_page.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(3, 0))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    expected = table.model().data(table.model().index(3, 0), Qt.ItemDataRole.UserRole)
    assert FakeEditor.opened == [expected]
    assert expected in window.editors and window.editors[expected].isWindow()


def test_missing_editor_shows_a_message(qtbot, window, monkeypatch):
    monkeypatch.setattr(record_opening, "_editor_class", lambda: None)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    assert window.open_inspection("anything") is None
    assert shown and "not available" in shown[0]


def test_new_inspection_creates_a_draft_with_the_chosen_check(qtbot, window, demo, monkeypatch):
    monkeypatch.setattr(record_opening, "_editor_class", lambda: FakeEditor)
    FakeEditor.opened.clear()
    dialog = NewInspectionDialog(demo, window)
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
    assert (
        draft.status == "draft" and draft.check == "covert" and draft.instrument_id == instrument_id
    )
    assert FakeEditor.opened == [draft.id]


def test_new_inspection_dialog_refuses_without_instrument(qtbot, demo):
    dialog = NewInspectionDialog(demo)
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


# ---- reports, bundles, keys from the menus ----------------------------------------------------------


def _menu_names(window, menu):
    return [a.objectName() for a in window.menus[menu].actions() if not a.isSeparator()]


def test_menus_reach_bundles_reports_and_keys_with_shortcuts(window):
    assert {"export_bundle", "import_bundle"} <= set(_menu_names(window, "file"))
    assert {"export_report", "export_reports"} <= set(_menu_names(window, "inspection"))
    assert "keys" in _menu_names(window, "tools")
    shortcuts = {
        n: window.actions_by_name[n].shortcut().toString()
        for n in ("export_bundle", "import_bundle", "export_report", "export_reports", "keys")
    }
    assert all(shortcuts.values()) and len(set(shortcuts.values())) == 5
    assert window.actions_by_name["keys"].text() == "&Keys and trust…"


def _capture_exec(monkeypatch, cls):
    shown = []
    monkeypatch.setattr(cls, "exec", lambda self: shown.append(self) or 0)
    return shown


def test_keys_action_opens_the_keys_dialog(qtbot, window, monkeypatch):
    from inspector_app.ui.keys_dialog import KeysDialog

    shown = _capture_exec(monkeypatch, KeysDialog)
    qtbot.keyClick(
        window,
        Qt.Key.Key_K,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert (
        len(shown) == 1
        and shown[0].store is window.store
        and shown[0].windowTitle() == "Keys and trust"
    )


def test_bundle_actions_open_the_dialogs_in_the_roles_direction(
    qtbot, window, demo, db_path, monkeypatch
):
    from inspector_app.crypto.keys import init_identity
    from inspector_app.paths import keys_dir
    from inspector_app.services.review import set_role
    from inspector_app.ui.bundle_dialogs import ExportBundleDialog, ImportBundleDialog
    from inspector_app.ui.keys_dialog import KeysDialog

    # no identity yet: the window says so and opens Keys and trust instead
    keys_shown = _capture_exec(monkeypatch, KeysDialog)
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    exports = _capture_exec(monkeypatch, ExportBundleDialog)
    window.actions_by_name["export_bundle"].trigger()
    assert exports == [] and len(keys_shown) == 1 and "signing identity" in told[0]
    init_identity(keys_dir(db_path), "张伟", b"bundle pass 1")
    window.actions_by_name["export_bundle"].trigger()
    assert exports[-1].direction.currentData() == "field"
    set_role(demo, "supervisor")
    window.actions_by_name["export_bundle"].trigger()
    assert exports[-1].direction.currentData() == "office"
    imports = _capture_exec(monkeypatch, ImportBundleDialog)
    window.actions_by_name["import_bundle"].trigger()
    assert len(imports) == 1 and imports[0].db_path == demo.path


def _select_rows(table, rows):
    from PySide6.QtCore import QItemSelectionModel

    sm = table.selectionModel()
    sm.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    sm.setCurrentIndex(table.model().index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    for r in rows:
        sm.select(table.model().index(r, 0), flags)


def test_export_report_for_the_current_row(qtbot, window, demo, tmp_path, monkeypatch):
    from inspector_app.ui import report_actions
    from inspector_app.ui.widgets import file_dialogs

    monkeypatch.setattr(
        file_dialogs, "get_save_file_name", lambda *a, **k: str(tmp_path / "one.pdf")
    )
    opened = []
    monkeypatch.setattr(
        report_actions.QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile())
    )
    # no signing identity here: the user is asked, and chooses an unsigned report
    monkeypatch.setattr(report_actions, "offer_identity", lambda p: report_actions.UNSIGNED)
    table = window.inspections_page.table
    _select_rows(table, [2])
    table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert (tmp_path / "one.pdf").read_bytes().startswith(b"%PDF-") and opened == [
        str(tmp_path / "one.pdf")
    ]


def test_export_reports_for_the_selection(qtbot, window, demo, tmp_path, monkeypatch):
    from inspector_app.ui.widgets import file_dialogs

    monkeypatch.setattr(
        file_dialogs, "get_existing_directory", lambda *a, **k: str(tmp_path / "batch")
    )
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    page = window.inspections_page
    _select_rows(page.table, [0, 1, 4])
    expected = [
        page.model.data(page.model.index(r, 0), Qt.ItemDataRole.UserRole) for r in (0, 1, 4)
    ]
    assert page.selected_ids() == expected
    result = window.export_reports_for_selection()
    assert len(result.written) == 3 and len(list((tmp_path / "batch").glob("*.pdf"))) == 3
    assert "3 reports written" in told[-1]


def test_selected_ids_reads_rows_not_loaded_yet(qtbot, window, demo):
    page = window.inspections_page
    assert page.model.loaded_pages() == [0]
    ids = page.model.ids_for_rows(demo, [1, 250, 251, 499])
    listed = [s.id for s in demo.inspections.list(InspectionFilter(), limit=500)]
    assert ids == [listed[1], listed[250], listed[251], listed[499]]


def test_returned_inspections_are_marked_in_the_list(qtbot, window, demo, db_path):
    from inspector_app.crypto.keys import init_identity
    from inspector_app.services import review

    finalized = demo.inspections.list(InspectionFilter(status="finalized"), limit=1)[0]
    supervisor = init_identity(db_path.parent / "office-keys", "李主任", b"office pass 1")
    review.set_role(demo, "supervisor")
    review.return_inspection(demo, finalized.id, supervisor, "读数不全")
    review.set_role(demo, "inspector")
    page = window.inspections_page
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        window.refresh_all()
    row = next(
        r
        for r in range(100)
        if page.model.data(page.model.index(r, 0), Qt.ItemDataRole.UserRole) == finalized.id
    )
    status = page.model.index(row, 8)
    assert page.model.data(status).startswith("↩ Returned")
    assert page.model.data(status, Qt.ItemDataRole.ForegroundRole).color().name() == "#b35900"
    assert "读数不全" in page.model.data(status, Qt.ItemDataRole.ToolTipRole)
    other = page.model.index(0 if row else 1, 8)
    assert "Returned" not in page.model.data(other)
