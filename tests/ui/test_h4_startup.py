"""Start-up to the first paint: what the window leaves until after it (H4).

The background reader's first reads wait for the window's first paint, not only for its
show; the shipped CJK font is registered only when the system lacks its family.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from inspector_app.services.demo import generate
from inspector_app.ui import fonts, settings
from inspector_app.ui.main_window import PAGES, MainWindow


def test_the_first_reads_wait_for_the_first_paint(qtbot, store):
    generate(store, premises=5, inspections=20, seed=1)
    settings.save_geometry("page", [k for k, _t, _i in PAGES].index("inspections"))
    window = MainWindow(store)
    qtbot.addWidget(window)
    state = window.reader._state
    window.show()
    # shown, not yet painted: the first page's query is queued, the reader still holds it
    assert window._first_paint.pending
    assert state.held and state.pending and state.conn is None
    model = window.inspections_page.model
    qtbot.waitUntil(lambda: not window._first_paint.pending, timeout=5000)
    assert not state.held
    qtbot.waitUntil(lambda: model.loaded_once and not model.counting, timeout=10000)
    assert model.total == 20 and model.rowCount() == 20


def test_a_window_never_painted_reads_after_the_fallback(qtbot, store):
    generate(store, premises=5, inspections=7, seed=2)
    window = MainWindow(store)  # never shown: released by the first paint's fallback
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.reader._state.held, timeout=5000)
    qtbot.waitUntil(lambda: window._counts is not None, timeout=5000)
    assert window._counts[0] == 7


def _fresh_fonts(monkeypatch) -> list:
    """load_cjk_font as in a new process (nothing loaded yet); returns the files registered."""
    monkeypatch.setattr(fonts, "_loaded", [])
    added: list = []
    real_add = QFontDatabase.addApplicationFont

    def add(path):
        added.append(path)
        return real_add(path)

    monkeypatch.setattr(QFontDatabase, "addApplicationFont", staticmethod(add))
    return added


def test_a_system_cjk_family_is_used_without_registering_the_file(qapp, monkeypatch):
    assert isinstance(qapp, QApplication)
    added = _fresh_fonts(monkeypatch)
    monkeypatch.setattr(QFontDatabase, "hasFamily", staticmethod(lambda name: True))
    assert fonts.load_cjk_font() == [fonts.CJK_FAMILY]
    assert added == []


def test_without_the_system_family_the_shipped_file_is_registered(qapp, monkeypatch):
    assert isinstance(qapp, QApplication)
    added = _fresh_fonts(monkeypatch)
    asked: list = []

    def has_family(name):
        asked.append(name)
        return False

    monkeypatch.setattr(QFontDatabase, "hasFamily", staticmethod(has_family))
    families = fonts.load_cjk_font()
    assert asked == [fonts.CJK_FAMILY]
    assert len(added) == 1 and added[0].endswith("wqy-microhei.ttc")
    # the family the constant names is the file's first face
    assert families and families[0] == fonts.CJK_FAMILY
