"""A large write's checkpoint runs after its commit, in a background thread
(``store.checkpoints``): the commit leaves the log as it is, the thread folds it into the
database, and a close that may be the last waits for that thread, so the close is still
recorded as clean and the next open does not read the whole file. Real SQLite files."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from inspector_app.store import checkpoints, open_database
from inspector_app.store import db as dbmod

ROWS = 3000  # enough pages (more than 1,000) that a commit would checkpoint by itself


def _fill(store, tag: str) -> None:
    for i in range(ROWS):
        store.set_meta(f"{tag}-{i}", "x" * 2000)


def _closed_cleanly(path: Path) -> bool:
    """Whether the last close was recorded as clean (the next open skips its full check)."""
    again = dbmod._Guard(path)
    try:
        again.alone_at_open = True
        return not dbmod._needs_quick_check(path, again)
    finally:
        again.close_files()


@pytest.fixture
def held(monkeypatch):
    """The background checkpoints, held at their start until the test lets them go."""
    gate, started = threading.Event(), []
    real = checkpoints._checkpoint

    def gated(path, ready=None):
        started.append(path)
        if ready is not None:
            ready.set()  # (as if inside the checkpoint: the writer goes on)
        gate.wait(30)
        real(path)

    monkeypatch.setattr(checkpoints, "_checkpoint", gated)
    return gate, started


def test_a_large_write_commits_without_the_copy_and_the_thread_makes_it(db_path, held, monkeypatch):
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)  # (small files: always checked)
    gate, started = held
    store = open_database(db_path)
    wal = Path(str(db_path) + "-wal")
    try:
        auto = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        size_before = db_path.stat().st_size
        with checkpoints.afterwards(store), store.write("t", "bulk"):
            _fill(store, "a")
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == auto
        assert started == [db_path]  # the thread is waiting at the gate
        assert db_path.stat().st_size == size_before  # the commit copied nothing
        assert wal.stat().st_size > 1000 * 4096  # the log holds the write
        gate.set()
        dbmod.wait_for_background(db_path)
        assert db_path.stat().st_size > size_before  # the pages are in the database now
        assert store.meta("a-2999") == "x" * 2000
    finally:
        gate.set()
        store.close()
    assert wal.stat().st_size == 0  # the last close folded and truncated the log
    assert _closed_cleanly(db_path)


def test_the_last_close_waits_for_a_checkpoint_still_running(db_path, held, monkeypatch):
    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)  # (small files: always checked)
    gate, started = held
    store = open_database(db_path)
    with checkpoints.afterwards(store), store.write("t", "bulk"):
        _fill(store, "b")
    assert len(started) == 1
    threads = list(dbmod._background[str(db_path)])
    threading.Timer(0.3, gate.set).start()  # the checkpoint goes on while the close is asked
    store.close()
    assert not any(t.is_alive() for t in threads)
    assert str(db_path) not in dbmod._background
    assert Path(str(db_path) + "-wal").stat().st_size == 0
    assert _closed_cleanly(db_path)
    reopened = open_database(db_path)
    try:
        assert reopened.meta("b-0") == "x" * 2000
    finally:
        reopened.close()


def test_two_checkpoints_on_one_file_do_not_wait_for_each_other(db_path):
    store = open_database(db_path)
    try:
        for tag in ("c", "d"):
            with checkpoints.afterwards(store), store.write("t", "bulk"):
                _fill(store, tag)
        threads = [checkpoints.later(db_path), checkpoints.later(db_path)]
        dbmod.wait_for_background(db_path)
        assert not any(t.is_alive() for t in threads)
    finally:
        store.close()
    assert Path(str(db_path) + "-wal").stat().st_size == 0


def test_a_write_that_fails_starts_no_checkpoint_and_keeps_the_setting(db_path, held):
    _gate, started = held
    store = open_database(db_path)
    try:
        auto = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        with pytest.raises(RuntimeError), checkpoints.afterwards(store):
            with store.write("t", "bulk"):
                _fill(store, "e")
                raise RuntimeError("stop")
        assert started == []
        assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == auto
        assert store.meta("e-0") is None  # rolled back
    finally:
        store.close()


def test_a_small_write_checkpoints_as_always(db_path, held):
    _gate, started = held
    store = open_database(db_path)
    try:
        size_before = db_path.stat().st_size
        with checkpoints.afterwards(store, large=False), store.write("t", "bulk"):
            _fill(store, "f")
        assert started == []
        # the commit itself copied the log into the database (the automatic checkpoint)
        assert db_path.stat().st_size > size_before + 1000 * 4096
    finally:
        store.close()


def _logged(store, tag: str) -> None:
    """A write that leaves its pages in the log (no checkpoint at its commit)."""
    with checkpoints.automatic_checkpoints_off(store.conn), store.write("t", "bulk"):
        _fill(store, tag)


def test_the_writer_goes_on_once_the_thread_has_its_connection(db_path, monkeypatch):
    """What a writer does right after its commit (an import lets go of its records: one
    deallocation that holds Python's lock throughout) must not keep the checkpoint's
    thread from opening its connection: ``later`` returns once the thread has it."""
    store = open_database(db_path)
    try:
        _logged(store, "g")
        real = dbmod.connect
        connected: list[Path] = []

        def slow_connect(path, *args, **kwargs):
            time.sleep(0.2)
            conn = real(path, *args, **kwargs)
            connected.append(Path(path))
            return conn

        monkeypatch.setattr(dbmod, "connect", slow_connect)
        thread = checkpoints.later(db_path)
        assert connected == [db_path]
        dbmod.wait_for_background(db_path)
        assert not thread.is_alive()
        size = db_path.stat().st_size
        assert size > 1000 * 4096  # the log's pages are in the database
    finally:
        store.close()


def test_a_connection_slow_to_come_holds_the_writer_no_longer_than_the_limit(db_path, monkeypatch):
    store = open_database(db_path)
    release = threading.Event()
    try:
        _logged(store, "h")
        real = dbmod.connect

        def stuck_connect(path, *args, **kwargs):
            release.wait(30)
            return real(path, *args, **kwargs)

        monkeypatch.setattr(dbmod, "connect", stuck_connect)
        monkeypatch.setattr(checkpoints, "READY_WITHIN", 0.2)
        t = time.perf_counter()
        thread = checkpoints.later(db_path)
        waited = time.perf_counter() - t
        assert 0.15 < waited < 5  # it waited for the limit, then went on
        assert thread.is_alive()  # the checkpoint still comes, once the connection does
        release.set()
        dbmod.wait_for_background(db_path)
        assert not thread.is_alive()
    finally:
        release.set()
        store.close()


def test_a_connection_that_fails_lets_the_writer_go_on_at_once(db_path, monkeypatch):
    store = open_database(db_path)
    try:
        _logged(store, "i")

        def failing_connect(path, *args, **kwargs):
            raise dbmod.StoreError("busy")

        monkeypatch.setattr(dbmod, "connect", failing_connect)
        monkeypatch.setattr(checkpoints, "READY_WITHIN", 30)
        t = time.perf_counter()
        thread = checkpoints.later(db_path)
        assert time.perf_counter() - t < 10  # not the 30 s limit
        thread.join(10)
        assert not thread.is_alive()
    finally:
        store.close()
    assert Path(str(db_path) + "-wal").stat().st_size == 0  # the close folded the log in


# -- a write's pages flushed to the log before its commit (store.db.flush_cache) ----------
def _frames(path: Path) -> int:
    wal = Path(str(path) + "-wal")
    return max(0, (wal.stat().st_size - 32) // (4096 + 24)) if wal.exists() else 0


def test_a_flush_writes_the_open_transactions_pages_to_the_log_and_the_commit_keeps_them(db_path):
    store = open_database(db_path)
    store.conn.execute("PRAGMA cache_size = -65536")  # room for every changed page
    other = dbmod.connect(db_path)
    try:
        with checkpoints.automatic_checkpoints_off(store.conn), store.write("t", "bulk"):
            _fill(store, "j")
            before = _frames(db_path)
            assert dbmod.flush_cache(store.conn, db_path)
            flushed = _frames(db_path)
            assert flushed > before + 1000  # the changed pages are in the log now
            # not committed: another connection does not see them
            assert (
                other.execute("SELECT value FROM local_meta WHERE key = 'j-0'").fetchone() is None
            )
        assert _frames(db_path) < flushed + 100  # the commit wrote little more
        assert other.execute("SELECT value FROM local_meta WHERE key = 'j-2999'").fetchone() == (
            "x" * 2000,
        )
    finally:
        other.close()
        store.close()


def test_a_flushed_write_that_fails_leaves_nothing(db_path):
    store = open_database(db_path)
    try:
        with pytest.raises(RuntimeError):
            with store.write("t", "bulk"):
                _fill(store, "k")
                assert dbmod.flush_cache(store.conn, db_path)
                raise RuntimeError("stop")
        assert store.meta("k-0") is None
    finally:
        store.close()
    reopened = open_database(db_path)
    try:
        assert reopened.meta("k-0") is None
        assert tuple(reopened.conn.execute("PRAGMA integrity_check").fetchone()) == ("ok",)
    finally:
        reopened.close()


def test_a_flush_asks_for_the_connections_own_file(db_path, tmp_path):
    store = open_database(db_path)
    try:
        assert not dbmod.flush_cache(store.conn, tmp_path / "another.db")
    finally:
        store.close()
