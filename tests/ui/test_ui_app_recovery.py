"""Window start-up on a damaged file, the error dialog, and the log a user can send."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
from damage import overwrite_pages, pages_of
from PySide6.QtWidgets import QApplication, QMessageBox

from inspector_app import i18n, logs
from inspector_app.cli.main import main
from inspector_app.store import db as dbmod
from inspector_app.ui import app as app_module


@pytest.fixture(autouse=True)
def keep_language(monkeypatch, qtbot):
    # no first-start questions (role, demo data): they are queued for 200 ms after the
    # window shows, so let them run (as no-ops) before this test ends
    monkeypatch.setattr(app_module, "_first_questions", lambda *a: None)
    before = i18n.current_language()
    yield
    qtbot.wait(400)
    i18n.set_language(before)
    i18n.use_system_locale(None)


@pytest.fixture(params=["data pages", "schema pages"])
def damaged_db(request, db_path, capsys, monkeypatch):
    """Damage the program's own check finds (pages of its tables), or damage SQLite meets
    while setting up the connection (pages of the schema): the window treats them alike."""
    assert main(["--db", str(db_path), "demo", "--premises", "10", "--inspections", "200"]) == 0
    assert main(["--db", str(db_path), "list", "--json"]) == 0  # the day's backup
    capsys.readouterr()
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)
    # (a plain error box would wait for a click forever: fail instead)
    monkeypatch.setattr(
        QMessageBox, "critical", lambda *a: pytest.fail(f"a plain error box, not the offer: {a}")
    )
    if request.param == "schema pages":
        overwrite_pages(db_path, pages_of(db_path, "sqlite_schema")[1:3])
    else:
        overwrite_pages(db_path, pages_of(db_path, "readings")[2:8])
    return db_path


def _window():
    return next(
        w
        for w in QApplication.topLevelWidgets()
        if type(w).__name__ == "MainWindow" and w.isVisible()
    )


def test_damaged_database_offers_the_backup_and_opens_it_in_one_click(
    qtbot, damaged_db, monkeypatch
):
    shown = []

    def click_restore(box):
        shown.append((box.text(), box.informativeText()))
        restore = next(b for b in box.buttons() if b.text() == "Restore the backup")
        restore.click()
        return 0

    seen = {}

    def fake_exec(app):
        window = _window()
        seen["total"] = window.store.inspections.count()
        window.close()
        return 0

    monkeypatch.setattr(app_module, "_show_box", click_restore)
    monkeypatch.setattr(app_module, "_exec", fake_exec)
    assert app_module.run_gui(str(damaged_db), "en") == 0
    assert shown and "damaged" in shown[0][0] and "Restoring it loses" in shown[0][1]
    assert seen["total"] == 200
    assert damaged_db.with_name("inspector.before-restore-1.db").is_file()


def test_damaged_database_and_quit_changes_nothing(qtbot, damaged_db, monkeypatch):
    before = damaged_db.read_bytes()

    def click_quit(box):
        next(b for b in box.buttons() if b.text() == "Quit").click()
        return 0

    monkeypatch.setattr(app_module, "_show_box", click_quit)
    monkeypatch.setattr(app_module, "_exec", lambda app: pytest.fail("no window"))
    assert app_module.run_gui(str(damaged_db), "en") == 1
    assert damaged_db.read_bytes() == before


def test_an_exception_in_a_thread_shows_the_dialog_with_the_log(
    qtbot, store, stall, db_path, monkeypatch
):
    store.close()
    boxes = []

    def capture(box):
        boxes.append(box)
        copy = next(b for b in box.buttons() if b.text() == "Copy details")
        copy.click()
        return 0

    def fake_exec(app):
        def boom():
            raise RuntimeError("worker failed")

        t = threading.Thread(target=boom)
        t.start()
        t.join()
        qtbot.waitUntil(lambda: bool(boxes), timeout=5000)
        _window().close()
        return 0

    monkeypatch.setattr(app_module, "_show_box", capture)
    monkeypatch.setattr(app_module, "_exec", fake_exec)
    hooks = (sys.excepthook, threading.excepthook)
    assert app_module.run_gui(str(db_path), "en") == 0
    assert (sys.excepthook, threading.excepthook) == hooks, "hooks are put back"
    box = boxes[0]
    assert "records are saved" in box.text()
    assert str(logs.log_file()) in box.informativeText()
    assert "RuntimeError: worker failed" in QApplication.clipboard().text()
    text = logs.log_file().read_text(encoding="utf-8")
    assert "RuntimeError: worker failed" in text and "start gui" in text


def test_the_window_takes_the_language_from_qlocale(qtbot, store, stall, db_path, monkeypatch):
    from PySide6.QtCore import QLocale

    from inspector_app.ui import settings

    store.close()
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    real_get = settings.get
    monkeypatch.setattr(
        settings, "get", lambda key, *a: None if key == "language" else real_get(key, *a)
    )
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("zh_CN")))
    seen = {}

    def fake_exec(app):
        seen["lang"] = i18n.current_language()
        _window().close()
        return 0

    monkeypatch.setattr(app_module, "_exec", fake_exec)
    assert app_module.run_gui(str(db_path), None) == 0
    assert seen["lang"] == "zh"


def test_log_has_events_and_no_personal_data(db_path, capsys, tmp_path):
    assert main(["--db", str(db_path), "demo", "--premises", "5", "--inspections", "20"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "list"]) == 0
    capsys.readouterr()
    text = logs.log_file().read_text(encoding="utf-8")
    assert "start cli" in text and '"kind": "daily"' in text
    names = [
        r[0] for r in __import__("sqlite3").connect(db_path).execute("SELECT name FROM premises")
    ]
    assert names and not any(n in text for n in names)


def test_version_prints_versions_and_paths(db_path, capsys):
    assert main(["--version", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    for word in ("Inspector", "Python", "Qt 6.", "SQLite", f"database: {db_path}", "log: "):
        assert word in out, word


def test_a_native_crash_is_written_to_the_crash_log(tmp_path):
    code = (
        "import faulthandler\n"
        "from inspector_app import logs\n"
        "logs.setup('cli')\n"
        "faulthandler._sigsegv()\n"
    )
    env = {"INSPECTOR_LOG_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert proc.returncode != 0
    assert "Fatal Python error" in (tmp_path / "crash.log").read_text()


def test_an_unexpected_error_in_a_command_is_one_sentence_and_logged(db_path, capsys, monkeypatch):
    from inspector_app.cli import data_cmds

    def broken(args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(data_cmds, "cmd_list", broken)
    code = main(["--db", str(db_path), "list", "--json"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    message = json.loads(err)["error"]["message"]
    assert "unexpected error" in message and str(logs.log_file()) in message
    assert "ZeroDivisionError: boom" in logs.log_file().read_text(encoding="utf-8")


def test_a_qt_critical_message_is_logged_and_shown(qtbot, store, stall, db_path, monkeypatch):
    from PySide6.QtCore import qCritical

    store.close()
    boxes = []
    monkeypatch.setattr(app_module, "_show_box", lambda box: boxes.append(box.detailedText()))

    def fake_exec(app):
        qCritical("a Qt part failed")
        qtbot.waitUntil(lambda: bool(boxes), timeout=5000)
        _window().close()
        return 0

    monkeypatch.setattr(app_module, "_exec", fake_exec)
    assert app_module.run_gui(str(db_path), "en") == 0
    assert boxes == ["Qt: a Qt part failed"]
    assert "Qt: a Qt part failed" in logs.log_file().read_text(encoding="utf-8")
