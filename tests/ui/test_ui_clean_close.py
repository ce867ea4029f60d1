"""A window closed normally leaves the clean-close marker, even with a read in flight.

The marker (the database file's identity, written into ``<db>.lock`` by the last connection
to close) is what lets the next start skip ``PRAGMA quick_check``, which reads the whole
file (close to a minute for 100,000 inspections). It can be written only by a connection
that is alone, so the window's background reader must have closed its own connection
before the window's store closes."""

from __future__ import annotations

import json
import threading
import time

import pytest

from inspector_app.store import db as dbmod
from inspector_app.store import open_database
from inspector_app.ui import main_window as mw

# Many virtual-machine steps per statement (so an interrupt or a progress handler sees it),
# a few milliseconds each.
SLOW_SQL = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT count(*) FROM n"


def _marker(db_path):
    text = db_path.with_name(db_path.name + ".lock").read_text() or "{}"
    return json.loads(text)


def _wal_size(db_path):
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.fixture
def checks(monkeypatch):
    """Every open's answer to "run quick_check?", with the size rule off so the marker
    decides (as on a large database)."""
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)
    answers: list[bool] = []
    real = dbmod._needs_quick_check

    def spy(path, guard):
        answer = real(path, guard)
        answers.append(answer)
        return answer

    monkeypatch.setattr(dbmod, "_needs_quick_check", spy)
    return answers


def _open_and_change(db_path):
    """The store of a session that wrote something (so the last marker is out of date)."""
    open_database(db_path).close()
    store = open_database(db_path, migrate=False)
    with dbmod.transaction(store.conn) as conn:
        conn.execute("CREATE TABLE scratch (x)")
        conn.execute("INSERT INTO scratch VALUES (1)")
    assert _wal_size(db_path) > 0  # the change is in the log: a close must fold it in
    return store


def _close_and_reopen(qtbot, win, store, db_path, checks):
    win.close()
    store.close()  # as the program does after the event loop
    # the log folded into the file and the file's identity recorded: a clean close
    assert _wal_size(db_path) == 0
    assert _marker(db_path) == dbmod.file_identity(db_path)
    checks.clear()
    again = open_database(db_path, migrate=False)
    again.close()
    assert checks == [False]  # the second start does not read the whole file


def test_close_with_a_long_multi_statement_read_in_flight(qtbot, db_path, checks):
    """A read of many statements (a search's count, then its page) running when the window
    closes: interrupting the statement running at that moment does not stop the next one,
    so the reader must refuse every further statement once it is told to stop."""
    store = _open_and_change(db_path)
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not win.reader._state.held)  # reads start after the first paint
    started = threading.Event()

    def slow_read(s):  # captures no widget; at most 20 s even if nothing stops it
        started.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            s.conn.execute(SLOW_SQL).fetchone()
            time.sleep(0.005)
        return "finished"

    results = []
    win.reader.submit("slow", slow_read, results.append)
    assert started.wait(10)
    t0 = time.monotonic()
    _close_and_reopen(qtbot, win, store, db_path, checks)
    assert time.monotonic() - t0 < 5  # the close does not wait for the read to finish
    assert not win.reader._thread.is_alive()
    assert results == []  # nothing is delivered to a closed window


def test_stop_while_the_reader_opens_its_connection(qtbot, db_path, monkeypatch):
    """The first request of a session opens the reader's connection; a stop arriving during
    that open must not let the request run afterwards (nothing could interrupt it)."""
    open_database(db_path).close()
    from inspector_app import store as store_pkg
    from inspector_app.ui.workers import StoreReader

    opening = threading.Event()
    release = threading.Event()
    real_open = store_pkg.open_database

    def slow_open(*args, **kwargs):
        opening.set()
        release.wait(10)
        return real_open(*args, **kwargs)

    ran = threading.Event()

    def read(s):
        ran.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            s.conn.execute(SLOW_SQL).fetchone()
            time.sleep(0.005)

    monkeypatch.setattr(store_pkg, "open_database", slow_open)
    reader = StoreReader(db_path)
    reader.submit("first", read, lambda _r: None)
    assert opening.wait(10)
    threading.Timer(0.3, release.set).start()  # the open finishes while the stop waits
    t0 = time.monotonic()
    reader.stop()
    assert time.monotonic() - t0 < 4
    assert not reader._thread.is_alive()
    assert not ran.is_set()
    assert db_path.absolute() not in dbmod.open_database_paths()  # its connection closed


def test_window_closed_at_once_then_closed_again(qtbot, db_path, checks):
    """A window closed while its reader is still opening its connection, then closed again
    (as a test's clean-up does): the second close finds the reader ended and its connection
    gone, and the store's close is clean."""
    store = _open_and_change(db_path)
    win = mw.MainWindow(store)
    qtbot.addWidget(win)
    win.show()
    _close_and_reopen(qtbot, win, store, db_path, checks)
    assert win.reader._state.conn is None
    assert win.reader.stop() is True
    win.close()  # no error from a closed connection
