"""Start-up work: only the shown page is built, its first page is the first read, the
version and settings path are read once; search shows rows before it counts them, and a
single Latin letter waits for a second one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QElapsedTimer

from inspector_app import i18n
from inspector_app.services.demo import generate
from inspector_app.store.inspections import InspectionFilter
from inspector_app.ui import main_window as mw
from inspector_app.ui import settings
from inspector_app.ui.models.inspections import SINGLE_LATIN_IDLE_MS, search_delay_ms
from inspector_app.ui.workers import StoreReader


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def inspections_page_last_shown():
    """These tests time the start on the inspections list (the page last shown)."""
    settings.save_geometry("page", 1)


@pytest.fixture
def demo(store):
    generate(store, premises=20, inspections=260, seed=5)
    return store


def test_only_the_shown_page_is_built_and_its_first_page_is_read_first(qtbot, demo, monkeypatch):
    submitted = []
    original = StoreReader.submit

    def spy(self, key, fn, callback, **kw):
        submitted.append(key)
        return original(self, key, fn, callback, **kw)

    monkeypatch.setattr(StoreReader, "submit", spy)
    win = mw.MainWindow(demo)
    qtbot.addWidget(win)
    assert set(win.pages) == {"inspections"} and win.current_page_key() == "inspections"
    model = win.pages["inspections"].model
    assert submitted == [
        (id(model), "count"),
        (id(model), "first"),
    ]  # (stop a running count) then page 0
    win.show()
    qtbot.waitUntil(lambda: "260 inspections" in win.counts_label.text(), timeout=10000)
    assert submitted.index(("status-counts",)) > submitted.index((id(model), "first"))
    # markets arrive after the first page, on the reader thread: wait for them
    qtbot.waitUntil(lambda: win.pages["inspections"].market.count() > 1, timeout=10000)
    # another page is built when first shown, and reads then
    win.show_page("premises")
    assert "premises" in win.pages and "dashboard" not in win.pages
    qtbot.waitUntil(
        lambda: win.pages["premises"].model.rowCount() == demo.premises.count(), timeout=10000
    )


def test_hidden_pages_reread_when_shown_again(qtbot, demo):
    win = mw.MainWindow(demo)
    qtbot.addWidget(win)
    win.show()
    win.show_page("premises")
    qtbot.waitUntil(
        lambda: win.pages["premises"].model.rowCount() == demo.premises.count(), timeout=10000
    )
    win.show_page("inspections")
    win.refresh_all()
    assert "premises" in win._stale
    win.show_page("premises")
    assert "premises" not in win._stale


def test_first_page_shows_before_the_count(qtbot, demo, db_path):
    reader = StoreReader(db_path)
    try:
        model = mw.InspectionTableModel(reader, page_size=50)
        with qtbot.waitSignal(model.modelReset, timeout=10000):
            model.refresh()
        assert model.loaded_once and model.rowCount() in (50, 260)  # the count may already be there
        if model.counting:
            with qtbot.waitSignal(model.counted, timeout=10000):
                pass
        assert not model.counting and model.rowCount() == 260 == demo.inspections.count()
        # a short result is exact at once: no count query
        with qtbot.waitSignal(model.counted, timeout=10000):
            model.set_filter(InspectionFilter(search="no such thing at all"))
        assert model.rowCount() == 0 and not model.counting
    finally:
        reader.stop()


def test_counting_label_then_exact_count(qtbot, demo):
    win = mw.MainWindow(demo)
    qtbot.addWidget(win)
    page = win.pages["inspections"]
    page.model.counting = True
    page.model._total = 100
    page._update_count()
    assert page.count_label.text() == "100 inspections, counting…"
    i18n.set_language("zh")
    assert page.count_label.text() == "100+ 条检查记录，正在统计……"


def test_search_delay_policy():
    assert search_delay_ms("a") == SINGLE_LATIN_IDLE_MS == 400
    assert search_delay_ms("7") == 400
    assert search_delay_ms("ab") == 0
    assert search_delay_ms("王") == 0  # one Chinese character searches at once
    assert search_delay_ms("") == 0


def test_one_latin_letter_waits_a_second_letter_does_not(qtbot, demo):
    win = mw.MainWindow(demo)
    qtbot.addWidget(win)
    win.show()
    page = win.pages["inspections"]
    model = page.model
    qtbot.waitUntil(lambda: model.loaded_once and not model.counting, timeout=10000)
    clock = QElapsedTimer()
    clock.start()
    with qtbot.waitSignal(model.counted, timeout=5000):
        page.search.setText("s")
    assert clock.elapsed() >= 380 and model.filter.search == "s"
    page.search.setText("")
    with qtbot.waitSignal(model.counted, timeout=5000):
        page.search._fire()
    # a second letter typed within the wait: one query, for both letters, without the wait
    generation = model._generation
    page.search.setText("s")
    page.search._fire()
    assert page._search_wait.isActive() and model._generation == generation
    clock.restart()
    with qtbot.waitSignal(model.counted, timeout=5000):
        page.search.setText("s2")
        page.search._fire()
    assert (
        clock.elapsed() < 380
        and model.filter.search == "s2"
        and model._generation == generation + 1
    )
    assert not page._search_wait.isActive()
    # one Chinese character: at once
    clock.restart()
    with qtbot.waitSignal(model.counted, timeout=5000):
        page.search.setText("王")
        page.search._fire()
    assert clock.elapsed() < 380 and model.filter.search == "王"


def test_version_is_read_lazily():
    code = (
        "import sys, inspector_app; assert 'importlib.metadata' not in sys.modules; "
        "v = inspector_app.__version__; assert 'importlib.metadata' in sys.modules; "
        "from inspector_app import __version__; print(v == __version__ == inspector_app.get_version(), v)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert out.stdout.startswith("True ")
    import inspector_app

    with pytest.raises(AttributeError):
        inspector_app.no_such_attribute  # noqa: B018


def test_settings_file_follows_the_config_folder(tmp_path, monkeypatch):
    import platformdirs

    settings.set_value("inspector_name", "张伟")
    first = settings.settings_path()
    assert first.parent == __import__("pathlib").Path(
        platformdirs.user_config_dir("inspector-app", appauthor=False)
    )
    assert settings.qsettings() is settings.qsettings()  # one object per folder
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    second = settings.settings_path()
    assert second != first and second.parent.parent == tmp_path / "elsewhere"
    assert settings.get("inspector_name") == ""  # a fresh file
    settings.set_value("inspector_name", "王芳")
    assert second.is_file()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(first.parent.parent))
    assert settings.get("inspector_name") == "张伟"
