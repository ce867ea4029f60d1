"""run_gui: opening the database, refusing a too-new one, the font, the language."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app import i18n
from inspector_app.store import open_database
from inspector_app.ui import app as app_module
from inspector_app.ui import fonts


@pytest.fixture(autouse=True)
def keep_language():
    before = i18n.current_language()
    yield
    i18n.set_language(before)


def test_too_new_database_shows_an_error_and_returns_1(qtbot, db_path, monkeypatch):
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a[2]))
    monkeypatch.setattr(app_module, "_exec", lambda app: pytest.fail("the window must not open"))
    assert app_module.run_gui(str(db_path), "en") == 1
    assert shown and "newer version" in shown[0]


def test_run_gui_opens_the_window_in_the_chosen_language(qtbot, store, stall, db_path, monkeypatch):
    seen = {}

    def fake_exec(app):
        main = next(
            w
            for w in QApplication.topLevelWidgets()
            if type(w).__name__ == "MainWindow" and w.isVisible()
        )
        seen["title"] = main.windowTitle()
        seen["db"] = main.store.path
        main.close()
        return 0

    monkeypatch.setattr(app_module, "_exec", fake_exec)
    assert app_module.run_gui(str(db_path), "zh") == 0
    assert seen["title"] == "计量监督检查" and seen["db"] == db_path
    assert QApplication.instance().applicationName() == "inspector-app"


def test_first_start_runs_the_guide_once_with_the_demo_offer(qtbot, db_path, monkeypatch):
    from inspector_app.ui import first_start

    guided, shown = [], []
    monkeypatch.setattr(
        first_start,
        "run_first_start",
        lambda window, office, ask_role, offer_demo: guided.append(
            (window, office, ask_role, offer_demo)
        ),
    )

    def fake_exec(app):
        from PySide6.QtCore import QCoreApplication

        main = next(
            w
            for w in QApplication.topLevelWidgets()
            if type(w).__name__ == "MainWindow" and w.isVisible()
        )
        shown.append(main)
        qtbot.waitUntil(lambda: any(g[0] is main for g in guided), timeout=3000)
        QCoreApplication.processEvents()
        main.close()
        return 0

    monkeypatch.setattr(app_module, "_exec", fake_exec)
    assert app_module.run_gui(str(db_path), "en") == 0
    # (an earlier test's window may have queued its own: count this window's only)
    mine = [g for g in guided if g[0] is shown[0]]
    assert len(mine) == 1, "a first start runs the guide once, after the window is shown"
    assert mine[0][1] is shown[0].office and mine[0][2] is True and mine[0][3] is True


def test_demo_data_loads_in_a_worker_with_progress(qtbot, store, monkeypatch):
    from inspector_app.ui.main_window import MainWindow

    win = MainWindow(store)
    qtbot.addWidget(win)
    result = win.offer_demo_data(ask=False, premises=10, inspections=50)
    assert result["inspections"] == 50
    assert store.inspections.count() == 50


def test_cjk_font_is_loaded():
    families = fonts.load_cjk_font()
    assert families and "WenQuanYi" in families[0]
    font = fonts.install_cjk_font(QApplication.instance())
    assert font == families[0]
    assert families[0] in QApplication.instance().font().families()


def test_a_window_closed_at_once_asks_no_first_start_questions(qtbot, db_path, monkeypatch):
    # The questions wait 200 ms for the window to paint; a window closed before then must not
    # open the guide later (its modal exec() would block whatever runs the event loop next).
    from inspector_app.ui import first_start

    guided = []
    monkeypatch.setattr(first_start, "run_first_start", lambda *a: guided.append(a))

    def fake_exec(app):
        window = next(
            w
            for w in QApplication.topLevelWidgets()
            if type(w).__name__ == "MainWindow" and w.isVisible()
        )
        window.close()
        return 0

    monkeypatch.setattr(app_module, "_exec", fake_exec)
    assert app_module.run_gui(str(db_path), "en") == 0
    qtbot.wait(400)
    assert guided == []
