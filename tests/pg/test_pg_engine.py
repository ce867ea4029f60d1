"""The PostgreSQL engine: SQL mapping, schema parity with SQLite, database-enforced
immutability, the audit chain under concurrent writers, and the laptop path untouched."""

from __future__ import annotations

import multiprocessing
import sqlite3

import pytest

from inspector_app.store import StoreError, open_database
from inspector_app.store.audit import verify_chain
from inspector_app.store.pg.connection import translate

PKS = {"tombstones": ["entity", "entity_id"], "local_meta": ["key"]}


# -- the SQL mapping (no server needed) --------------------------------------------------
@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
        ("UPDATE t SET a = :a WHERE id = :id", "UPDATE t SET a = %(a)s WHERE id = %(id)s"),
        # literals are kept as they are (a ? or :x inside one is text), % doubled for psycopg
        (
            "SELECT 'a?b:c' || x FROM t WHERE y LIKE '%' || ? || '%'",
            "SELECT 'a?b:c' || x FROM t WHERE y ILIKE '%%' || %s || '%%'",
        ),
        (
            "INSERT OR IGNORE INTO attachments (sha256, data) VALUES (?, ?)",
            "INSERT INTO attachments (sha256, data) VALUES (%s, %s) ON CONFLICT DO NOTHING",
        ),
        (
            "INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq) VALUES (?, ?, ?)",
            "INSERT INTO tombstones (entity, entity_id, change_seq) VALUES (%s, %s, %s)"
            " ON CONFLICT (entity, entity_id) DO UPDATE SET change_seq = EXCLUDED.change_seq",
        ),
        (
            "SELECT json_extract(i.tests_json, '$[0].sampling.campaign') FROM inspections i",
            "SELECT ((i.tests_json)::jsonb #>> '{0,sampling,campaign}') FROM inspections i",
        ),
        (
            "SELECT group_concat(DISTINCT name), group_concat(label, ', ') FROM t",
            "SELECT string_agg(DISTINCT name, ','), string_agg(label, ', ') FROM t",
        ),
        (
            "SELECT 1 WHERE a IS NOT b AND c IS d AND e IS NOT NULL AND f IS NULL",
            "SELECT 1 WHERE a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d"
            " AND e IS NOT NULL AND f IS NULL",
        ),
        ("SELECT rowid FROM t ORDER BY rowid", "SELECT ctid FROM t ORDER BY ctid"),
        (
            "SELECT a FROM inspections i INDEXED BY inspections_list\nWHERE x",
            "SELECT a FROM inspections i\nWHERE x",
        ),
    ],
)
def test_sql_is_mapped_to_postgresql(sqlite, postgres):
    assert translate(sqlite, PKS) == postgres


def test_insert_or_replace_needs_a_primary_key():
    with pytest.raises(sqlite3.OperationalError, match="no primary key"):
        translate("INSERT OR REPLACE INTO nowhere (a) VALUES (?)", PKS)


def test_the_laptop_keeps_a_plain_sqlite_connection(store):
    """No adapter, no translation on the laptop: the store's connection is sqlite3's own."""
    assert store.engine == "sqlite"
    assert isinstance(store.conn, sqlite3.Connection)
    assert type(store.conn).execute is sqlite3.Connection.execute


# -- on a real server ----------------------------------------------------------------------
@pytest.fixture
def pg_store(pg_url):
    s = open_database(pg_url)
    yield s
    s.close()


def _columns_sqlite(conn):
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}


def _columns_pg(conn):
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}


def test_same_schema_and_version_on_both_engines(pg_store, store):
    from inspector_app.store.migrations import SCHEMA_VERSION, current_version

    assert pg_store.engine == "postgresql"
    assert current_version(pg_store.conn) == current_version(store.conn) == SCHEMA_VERSION
    assert _columns_pg(pg_store.conn) == _columns_sqlite(store.conn)


def test_a_finalized_inspection_is_immutable_in_the_database(pg_store, stall):
    from inspector_app.services.demo import generate

    generate(pg_store, premises=2, inspections=3, seed=3)
    insp_id = pg_store.conn.execute(
        "SELECT id FROM inspections WHERE status = 'finalized' LIMIT 1"
    ).fetchone()[0]
    conn = pg_store.conn
    with pytest.raises(sqlite3.IntegrityError, match="a finalized inspection cannot be changed"):
        conn.execute("UPDATE inspections SET notes = 'edited' WHERE id = ?", (insp_id,))
    with pytest.raises(sqlite3.IntegrityError, match="a finalized inspection cannot be deleted"):
        conn.execute("DELETE FROM inspections WHERE id = ?", (insp_id,))
    with pytest.raises(sqlite3.IntegrityError, match="a finalized inspection cannot be changed"):
        conn.execute("DELETE FROM readings WHERE inspection_id = ?", (insp_id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET actor = 'x'")
    # what is not content may still change (the sync state)
    conn.execute("UPDATE inspections SET superseded_by = NULL WHERE id = ?", (insp_id,))


def test_a_rolled_back_write_leaves_no_gap_in_the_audit(pg_store):
    with pg_store.write("t", "first"):
        pass
    with pytest.raises(RuntimeError), pg_store.write("t", "rolled back"):
        pg_store.set_meta("x", "1")
        raise RuntimeError("stop")
    with pg_store.write("t", "second"):
        pass
    seqs = [r[0] for r in pg_store.conn.execute("SELECT seq FROM audit ORDER BY seq")]
    assert seqs == [1, 2]
    assert pg_store.meta("x") is None
    assert verify_chain(pg_store.conn) == []


def _writer(url: str, n: int, name: str) -> None:
    s = open_database(url)
    try:
        for k in range(n):
            with s.write(name, "test", "meta", f"{name}-{k}") as seq:
                s.set_meta(f"{name}-{k}", str(seq))
    finally:
        s.close()


def test_eight_writers_make_one_valid_audit_chain(pg_store, pg_url):
    """Eight processes writing at once: every write numbered once, one unbroken chain."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(pg_url, 25, f"w{i}")) for i in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    for p in procs:
        if p.is_alive():
            p.kill()
    assert [p.exitcode for p in procs] == [0] * 8
    rows = pg_store.conn.execute("SELECT seq, entity_id FROM audit ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == list(range(1, 201))
    assert len({r[1] for r in rows}) == 200
    assert verify_chain(pg_store.conn) == []
    # each write's change number is its own: 200 distinct numbers, none lost
    seqs = pg_store.conn.execute("SELECT value FROM local_meta WHERE key LIKE 'w%'").fetchall()
    assert sorted(int(r[0]) for r in seqs) == list(range(1, 201))


def test_rows_by_name_and_index(pg_store):
    row = pg_store.conn.execute("SELECT 1 AS one, 'two' AS two").fetchone()
    assert row[0] == 1 and row["two"] == "two" and row["ONE"] == 1
    assert dict(row) == {"one": 1, "two": "two"} and tuple(row) == (1, "two")
    assert pg_store.conn.execute("SELECT sum(x) FROM (VALUES (1), (2)) v(x)").fetchone()[0] == 3
    # a % in the text (modulo, a literal) with and without parameters
    assert tuple(pg_store.conn.execute("SELECT 7 % 3, '100%'").fetchone()) == (1, "100%")
    assert tuple(pg_store.conn.execute("SELECT 7 % ?, '1%'", (4,)).fetchone()) == (3, "1%")


def test_an_unreachable_server_is_one_sentence(tmp_path):
    url = f"postgresql://nobody@/nothing?host={tmp_path}&port=1"
    with pytest.raises(StoreError, match="cannot connect to the office database") as err:
        open_database(url)
    assert "\n" not in str(err.value).strip()


def test_check_is_clean_on_postgresql(pg_store):
    from inspector_app.services.demo import generate
    from inspector_app.store.integrity import check

    generate(pg_store, premises=3, inspections=12, seed=9)
    assert check(pg_store) == []
    with pg_store.write("t", "x"):
        pass
    assert verify_chain(pg_store.conn) == []


def test_an_office_file_copied_into_postgresql_is_the_same_database(tmp_path, pg_url):
    """Every row arrives as it was (the whole-database fingerprint is equal), the audit
    chain verifies, and a second copy into the now non-empty database is refused."""
    from inspector_app.services.demo import generate
    from inspector_app.store.integrity import check
    from inspector_app.store.pg.transfer import copy_sqlite_to_postgres

    src = open_database(tmp_path / "office.db")
    generate(src, premises=6, inspections=40, seed=4, photos=1)
    before = src.fingerprint()
    src.close()
    pg = open_database(pg_url)
    try:
        counts = copy_sqlite_to_postgres(tmp_path / "office.db", pg)
        assert counts["inspections"] == 40 and counts["attachments"] == 40
        assert pg.fingerprint() == before
        assert check(pg) == [] and verify_chain(pg.conn) == []
        with pytest.raises(StoreError, match="not empty"):
            copy_sqlite_to_postgres(tmp_path / "office.db", pg)
        # the immutability triggers are back on after the copy
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            pg.conn.execute("UPDATE inspections SET notes = 'x' WHERE status = 'finalized'")
    finally:
        pg.close()


def test_cli_check_and_list_on_a_postgresql_url(pg_url, capsys):
    import json

    from inspector_app.cli.main import main

    assert main(["--db", pg_url, "demo", "--premises", "3", "--inspections", "8"]) == 0
    capsys.readouterr()
    assert main(["--db", pg_url, "check"]) == 0
    out = capsys.readouterr().out
    assert "OK: 8 finalized inspections" in out
    assert main(["--db", pg_url, "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 8 and len(listed["inspections"]) == 8


def test_office_server_starts_reports_and_stops(request, capsys, pg_server):
    """The command a first-time office uses: a server in a folder, its URL, status, stop."""
    import json
    import os
    import shutil
    import tempfile

    from inspector_app.cli.main import main

    if pg_server.error:
        pytest.skip(pg_server.error)
    # Not under pytest's temporary root: as root the server runs as the postgres user, and
    # pytest makes that root private again whenever another session starts.
    base = tempfile.mkdtemp(prefix="inspector-office-server-")
    os.chmod(base, 0o755)
    folder = os.path.join(base, "office-db")
    request.addfinalizer(lambda: shutil.rmtree(base, ignore_errors=True))
    assert main(["office-server", "--dir", str(folder), "--json"]) == 0
    started = json.loads(capsys.readouterr().out)
    try:
        assert started["state"] == "running" and started["created"] is True
        s = open_database(started["url"])
        assert s.engine == "postgresql" and s.audit_head()[0] == 0
        s.close()
        assert main(["office-server", "--dir", str(folder), "--status"]) == 0
        assert "running" in capsys.readouterr().out
    finally:
        assert main(["office-server", "--dir", str(folder), "--stop"]) == 0
    assert main(["office-server", "--dir", str(folder), "--status"]) == 1
    assert "not running" in capsys.readouterr().out


def test_office_roles_viewer_reads_supervisor_writes(pg_url, capsys):
    """office-roles makes the group roles; a viewer log-in reads the statistics and the
    server refuses its writes; a supervisor log-in writes."""
    import json

    from inspector_app.cli.main import main
    from inspector_app.services.office_stats import office_statistics

    assert main(["--db", pg_url, "demo", "--premises", "3", "--inspections", "6"]) == 0
    capsys.readouterr()
    assert main(["office-roles", "--db", pg_url, "--add", "viewer_li", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["login"] == "viewer_li" and "inspector_viewer" in out["roles"]
    assert main(["office-roles", "--db", pg_url, "--add", "boss_wang", "--role", "supervisor"]) == 0
    assert "boss_wang: supervisor" in capsys.readouterr().out

    viewer = open_database(pg_url.replace("postgres@", "viewer_li@"))
    try:
        assert office_statistics(viewer).totals["inspections"] == 6
        with pytest.raises(sqlite3.OperationalError, match="permission denied"):
            with viewer.write("viewer_li", "try"):
                viewer.set_meta("x", "1")
    finally:
        viewer.close()
    boss = open_database(pg_url.replace("postgres@", "boss_wang@"))
    try:
        with boss.write("boss_wang", "try"):
            boss.set_meta("x", "1")
        assert boss.meta("x") == "1" and verify_chain(boss.conn) == []
    finally:
        boss.close()
    assert main(["office-roles", "--db", pg_url, "--add", "Bad Name"]) == 2
    assert "not a usable log-in name" in capsys.readouterr().err
