"""Start-up to the first paint: what the window leaves until after it (H4).

The background reader's first reads wait for the window's first paint, not only for its
show; the shipped CJK font is registered only when the system lacks its family.
"""

from __future__ import annotations

import pytest
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


_FRESH = """
import json, sys
import PySide6.QtCore as QtCore, PySide6.QtWidgets as QtWidgets
from inspector_app import i18n
from inspector_app.store import open_database
from inspector_app.ui import app as app_module, settings
from inspector_app.ui.main_window import PAGES, MainWindow

i18n.set_language(sys.argv[2])
app = app_module.make_application([sys.argv[0]])
settings.save_geometry("page", [k for k, _t, _i in PAGES].index(sys.argv[3]))
window = MainWindow(open_database(sys.argv[1]))
window.show()
# (by the namespace only: asking the module for a class would make it)
made = {name: name in vars(QtCore) for name in ("QTranslator", "QLibraryInfo", "QEventLoop")}
made["QDialog"] = "QDialog" in vars(QtWidgets)
print("MADE " + json.dumps(made))
"""


def _classes_made(tmp_path, lang: str, page: str) -> dict:
    """Which of PySide's lazily made classes a fresh process has made once the window is
    built and shown in *lang* on *page* (PySide keeps what it made in the module's
    namespace)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _FRESH, str(tmp_path / "inspector.db"), lang, page],
        cwd=str(root),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("MADE "))
    return json.loads(line[len("MADE ") :])


@pytest.mark.parametrize("page", ["inspections", "today"])
def test_the_window_in_english_makes_no_dialog_loop_or_translator_class(tmp_path, page):
    made = _classes_made(tmp_path, "en", page)
    assert made == {
        "QTranslator": False,
        "QLibraryInfo": False,
        "QEventLoop": False,
        "QDialog": False,
    }


def test_the_window_in_chinese_still_installs_qt_s_catalogue(tmp_path):
    made = _classes_made(tmp_path, "zh", "inspections")
    assert made["QTranslator"] and made["QLibraryInfo"]  # the catalogue was looked for
    assert not made["QDialog"] and not made["QEventLoop"]


def test_a_setting_is_fixed_once_declared():
    setting = settings.BY_NAME["language"]
    assert (setting.name, setting.type, setting.default) == ("language", str, "")
    assert setting.choices and setting.title() in ("Language", "界面语言")
    page_size = settings.BY_NAME["page_size"]
    assert page_size.type is int and page_size.minimum < page_size.maximum
    try:
        setting.default = "zh"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("a Setting could be changed")
    assert setting.default == ""


def test_the_window_s_first_paint_watches_use_no_event_filter(qtbot, store, monkeypatch):
    from inspector_app.ui.first_paint import FirstPaint, after_first_paint

    seen: list = []
    real_filter = FirstPaint.eventFilter

    def counting(self, obj, event):
        seen.append(int(event.type().value))
        return real_filter(self, obj, event)

    monkeypatch.setattr(FirstPaint, "eventFilter", counting)
    window = MainWindow(store)
    qtbot.addWidget(window)
    ran: list = []
    later = after_first_paint(window, lambda: ran.append(window.isVisible()))
    assert later in window.paint_watches and later.pending
    window.show()
    assert ran == [] and window.reader._state.held  # shown, not painted yet
    qtbot.waitUntil(lambda: ran == [True], timeout=5000)
    assert not window._first_paint.pending and not window.reader._state.held
    assert seen == []  # told by the window's paintEvent, not by a filter on every event


def test_work_after_the_first_paint_is_dropped_when_the_window_closes_first(qtbot, store):
    from inspector_app.ui.first_paint import after_first_paint

    window = MainWindow(store)
    qtbot.addWidget(window)
    ran: list = []
    later = after_first_paint(window, lambda: ran.append("work"), fallback_ms=50)
    qtbot.waitUntil(lambda: not later.pending, timeout=5000)  # never shown: the fallback
    assert ran == []


def test_a_first_paint_watch_not_started_waits_for_start(qtbot):
    from PySide6.QtWidgets import QWidget

    from inspector_app.ui.first_paint import FirstPaint

    window = QWidget()
    qtbot.addWidget(window)
    ran: list = []
    watch = FirstPaint(window, lambda: ran.append("work"), fallback_ms=60_000, start=False)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    assert ran == [] and watch.pending  # painted, but not watched yet
    watch.start()
    window.update()
    qtbot.waitUntil(lambda: ran == ["work"], timeout=5000)
    assert not watch.pending
