"""Fixtures shared by every test: no test touches the user's real profile."""

from __future__ import annotations

import gc

import pytest

from inspector_app.domain.credit_code import make_credit_code
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.store import open_database


@pytest.fixture(autouse=True)
def collect_in_the_window_thread(request):
    """A test that drives widgets (it uses qtbot, or lives in tests/ui) runs with Python's
    garbage collector only in its own thread, as the window runs (``ui.gui_gc``): automatic
    collection off during the test, one full collection after it. Otherwise a reader
    thread may free a Qt object of an earlier test's window and stop both threads for good
    (``~QObject`` waiting for the interpreter in the reader, ``~QAction`` waiting for Qt's
    lock in the main thread)."""
    if "qtbot" not in request.fixturenames and "ui" not in request.path.parent.parts[-1:]:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Redirect every application directory into the test's temp folder."""
    home = tmp_path / "home"
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("INSPECTOR_DB", str(tmp_path / "data" / "inspector.db"))
    monkeypatch.delenv("INSPECTOR_PASSPHRASE", raising=False)
    (tmp_path / "data").mkdir()
    return tmp_path


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "data" / "inspector.db"


@pytest.fixture
def store(db_path):
    s = open_database(db_path)
    yield s
    s.close()


@pytest.fixture
def stall(store):
    """A market stall with one class III 15 kg / 5 g scale."""
    p = store.premises.save(
        Premises(
            new_id(),
            "market_stall",
            "王芳蔬菜摊",
            make_credit_code("92340100MA2TX8K5J"),
            "安徽省合肥市蜀山区长江路88号",
            "合肥市",
            "合肥市周谷堆农产品批发市场",
            "A012",
            "王芳",
            "13855100000",
        )
    )
    i = store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "scale",
            "上海友声衡器有限公司",
            "ACS-15-YZ",
            "S2023000123",
            "皖制00000123",
            "III",
            {"max": "15000", "e": "5", "d": "5", "min": "100", "unit": "g"},
        )
    )
    return p, i


# -- the office on both engines (tests/pg_support.py: a throwaway PostgreSQL server) --------
@pytest.fixture(scope="session")
def pg_server():
    """The session's throwaway PostgreSQL cluster (stopped at the end of the session)."""
    import pg_support

    yield pg_support.server()
    pg_support.shutdown()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, migrated PostgreSQL database for this test (skipped without the server
    programs, failed instead when INSPECTOR_TEST_POSTGRES=required)."""
    import pg_support

    url = pg_support.new_postgres_url()
    yield url
    pg_server.drop(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def office_db_path(request, tmp_path, monkeypatch):
    """The office database on each engine: a SQLite file's path, or the target of a fresh
    PostgreSQL database (it stands where the path stood; ``str()`` is its URL). A test module
    runs its office tests on both by overriding ``db_path`` with this fixture."""
    if request.param == "sqlite":
        return tmp_path / "data" / "inspector.db"
    from inspector_app.store.pg import PostgresTarget

    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("INSPECTOR_DB", url)
    monkeypatch.setenv("INSPECTOR_OFFICE_DIR", str(tmp_path / "data"))
    return PostgresTarget(url)
