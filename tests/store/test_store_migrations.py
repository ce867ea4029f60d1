"""Migrations from every earlier version, the backup before migrating, refusing newer files."""

import sqlite3

import pytest

from inspector_app.store import DatabaseTooNewError, StoreError, open_database
from inspector_app.store.db import connect, transaction
from inspector_app.store.migrations import MIGRATIONS, SCHEMA_VERSION


def build_at_version(path, version):
    """A database file with only the first *version* migrations applied (as an old program left it)."""
    conn = connect(path)
    for number in range(1, version + 1):
        with transaction(conn):
            MIGRATIONS[number - 1].up(conn)
            conn.execute(f"PRAGMA user_version = {number}")
    if version >= 1:
        with transaction(conn):
            conn.execute(
                "INSERT INTO premises (id, kind, name) VALUES ('p1', 'market_stall', '老数据摊')"
            )
    conn.close()


@pytest.mark.parametrize("version", range(0, SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(tmp_path, version):
    path = tmp_path / "old.db"
    build_at_version(path, version)
    store = open_database(path, backup_dir=tmp_path / "backups")
    with store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if version >= 1:
            assert store.premises.get("p1").name == "老数据摊"
    backups = list((tmp_path / "backups").glob("*.db")) if (tmp_path / "backups").exists() else []
    if version >= 1:
        assert len(backups) == 1, "a backup is taken before migrating an existing file"
        copy = sqlite3.connect(backups[0])
        assert copy.execute("PRAGMA user_version").fetchone()[0] == version
        copy.close()
    else:
        assert backups == [], "a brand-new file needs no backup"


def test_reopening_applies_nothing(db_path):
    open_database(db_path).close()
    before = db_path.stat().st_mtime_ns
    store = open_database(db_path)
    store.close()
    assert not (db_path.parent / "backups").exists()
    assert db_path.stat().st_mtime_ns >= before


def test_refuses_a_database_from_a_newer_program(db_path):
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseTooNewError, match="newer version"):
        open_database(db_path)


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "x.db"
    build_at_version(path, SCHEMA_VERSION)

    class Broken:
        @staticmethod
        def up(conn):
            conn.execute("CREATE TABLE half_done (x)")
            raise RuntimeError("boom")

    from inspector_app.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, Broken])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(RuntimeError):
        open_database(path, backup_dir=tmp_path / "b")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert (
        conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0]
        == 0
    )
    conn.close()


def test_not_a_database(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable database"):
        open_database(path)


def test_pragmas_on_every_connection(store):
    c = store.conn
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_network_file_system_is_refused(tmp_path, monkeypatch):
    from inspector_app.store import filesystems

    monkeypatch.setattr(filesystems, "_filesystem_type", lambda path: "nfs4")
    with pytest.raises(StoreError, match="network file system"):
        open_database(tmp_path / "n.db")


def test_two_processes_opening_an_old_file_at_once(tmp_path):
    """Two windows started together: one migrates (with one backup), the other waits."""
    import subprocess
    import sys

    path = tmp_path / "old.db"
    build_at_version(path, 1)
    code = (
        "import sys; from inspector_app.store import open_database; "
        "s = open_database(sys.argv[1]); print(s.conn.execute('PRAGMA user_version').fetchone()[0])"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    assert {out.strip() for out, _ in results} == {str(SCHEMA_VERSION)}
    assert len(list((tmp_path / "backups").glob("*.db"))) == 1
