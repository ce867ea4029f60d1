"""The main window's status bar counts (inspections · premises · instruments) follow every
change: an instrument added or deleted on the Instruments page, found on the spot during a
visit, or entered in the New inspection dialog shows in the count at once."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from inspector_app import i18n
from inspector_app.domain.models import Instrument, new_id
from inspector_app.ui import instrument_editor
from inspector_app.ui import main_window as mw

SCALE = {"max": "15", "e": "0.005", "d": "0.005", "min": "0.1", "unit": "kg"}


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _window(qtbot, store):
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    return win


def _instruments_shown(qtbot, win, n: int) -> None:
    qtbot.waitUntil(lambda: f"· {n} instruments" in win.counts_label.text(), timeout=5000)


def _fake_exec(store, premises_id):
    def fake_exec(dialog):
        dialog.saved_instrument = store.instruments.save(
            Instrument(new_id(), premises_id, "scale", "凯丰", "ACS-15", "S-0099", "", "III", SCALE)
        )
        return QDialog.DialogCode.Accepted

    return fake_exec


def test_instruments_added_and_deleted_on_their_page(qtbot, store, stall, monkeypatch):
    premises, _scale = stall
    win = _window(qtbot, store)
    _instruments_shown(qtbot, win, 1)
    win.show_page("instruments")
    page = win.instruments_page
    monkeypatch.setattr(instrument_editor.InstrumentEditor, "exec", _fake_exec(store, premises.id))
    added = page.new_record()
    assert added is not None and store.instruments.count() == 2
    _instruments_shown(qtbot, win, 2)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    row = next(r for r in range(2) if page.model.record(r).id == added.id)
    page.table.setCurrentIndex(page.model.index(row, 0))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.delete_current()
    assert store.instruments.count() == 1
    _instruments_shown(qtbot, win, 1)


def test_an_instrument_found_during_a_visit(qtbot, store, stall, monkeypatch):
    premises, _scale = stall
    win = _window(qtbot, store)
    _instruments_shown(qtbot, win, 1)
    win.show_page("visits")
    editor = win.visits_page.new_visit(premises_id=premises.id)
    assert editor is not None
    monkeypatch.setattr(instrument_editor.InstrumentEditor, "exec", _fake_exec(store, premises.id))
    assert editor.add_instrument() is not None
    assert store.instruments.count() == 2
    _instruments_shown(qtbot, win, 2)
    # a full inspection started from the sweep counts at once too
    editor.table.setCurrentCell(editor.table.rowCount() - 1, 0)
    assert editor.full_inspection() is not None
    qtbot.waitUntil(lambda: win.counts_label.text().startswith("1 inspections"), timeout=5000)
