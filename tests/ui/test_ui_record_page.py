"""New / edit / delete on the premises, instruments and reference-standards pages
(the shared RecordActions), asserting on the database."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from inspector_app import i18n
from inspector_app.domain.models import ReferenceStandard, new_id
from inspector_app.ui import main_window as mw


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


@pytest.fixture
def window(qtbot, store, stall):
    store.standards.save(
        ReferenceStandard(new_id(), "test_weight", "M1 砝码组 1 kg", "JZ-1", "2027-01-31")
    )
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    return win


def page_with_row(qtbot, window, key):
    window.show_page(key)
    page = window.pages[key]
    qtbot.waitUntil(lambda: page.model.rowCount() >= 1, timeout=10000)
    page.table.setCurrentIndex(page.model.index(0, 0))
    return page


class FakeEditor:
    """Stands in for the editor dialog: records how it was opened, accepts or cancels."""

    calls: list = []
    accept = True

    def __init__(self, store, record, parent, **kw):
        FakeEditor.calls.append((record, kw))
        self.saved_premises = self.saved_instrument = self.saved_standard = record or "new"

    def exec(self):
        return QDialog.DialogCode.Accepted if FakeEditor.accept else QDialog.DialogCode.Rejected


@pytest.mark.parametrize("key", ["premises", "instruments", "standards"])
def test_new_and_edit_open_the_editor_and_announce_changes(qtbot, window, monkeypatch, key):
    page = page_with_row(qtbot, window, key)
    monkeypatch.setattr(type(page), "editor_class", FakeEditor)
    FakeEditor.calls, FakeEditor.accept = [], True
    with qtbot.waitSignal(page.data_changed, timeout=2000):
        assert page.new_record() == "new"
    page.table.setCurrentIndex(page.model.index(0, 0))  # (the standards page re-reads its rows)
    selected = page.current()
    edited = page.edit_current()
    assert edited is not None and edited.id == selected.id
    assert [c[0] is None for c in FakeEditor.calls] == [True, False]
    FakeEditor.accept = False
    page.table.setCurrentIndex(page.model.index(0, 0))
    assert page.edit_current() is None


def test_new_instrument_for_given_premises(qtbot, window, monkeypatch, stall):
    page = page_with_row(qtbot, window, "instruments")
    monkeypatch.setattr(type(page), "editor_class", FakeEditor)
    FakeEditor.calls, FakeEditor.accept = [], True
    page.new_record(premises_id=stall[0].id)
    assert FakeEditor.calls == [(None, {"premises_id": stall[0].id})]


def test_delete_asks_and_deletes(qtbot, window, store, monkeypatch):
    page = page_with_row(qtbot, window, "standards")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    page.delete_current()
    assert len(store.standards.list()) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_current()
    assert store.standards.list() == []
    assert page.model.rowCount() == 0, "the standards page reads its rows again"


def test_delete_refused_by_the_store_is_explained(qtbot, window, store, stall, monkeypatch):
    page = page_with_row(qtbot, window, "premises")
    warnings = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text: warnings.append((title, text))
    )
    page.delete_current()
    assert store.premises.get(stall[0].id) is not None
    assert warnings and warnings[0][0] == "Delete premises" and "Could not delete" in warnings[0][1]
