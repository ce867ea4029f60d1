"""Migrations 9 and 12 on a database an older program left: the decision of each judged
inspection (the earliest review), and each premises' county read from its address."""

from __future__ import annotations

from inspector_app.store import open_database
from inspector_app.store.db import connect, transaction
from inspector_app.store.migrations import MIGRATIONS, SCHEMA_VERSION

M009 = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__.endswith("m009_office_accounts")))
M012 = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__.endswith("m012_province")))


def _old(path, version: int) -> None:
    conn = connect(path)
    for number in range(1, version + 1):
        with transaction(conn):
            MIGRATIONS[number - 1].up(conn)
            conn.execute(f"PRAGMA user_version = {number}")
    conn.close()


def test_counties_are_read_from_the_addresses(tmp_path):
    path = tmp_path / "old.db"
    _old(path, M012)  # everything before migration 12
    conn = connect(path)
    with transaction(conn):
        for pid, address, city in (
            ("p1", "安徽省合肥市蜀山区长江路88号", "合肥市"),
            ("p2", "安徽省六安市霍山县衡山镇", "六安市"),
            ("p3", "合肥市某某路1号", "合肥市"),  # names no county
        ):
            conn.execute(
                "INSERT INTO premises (id, kind, name, address, city) VALUES (?, 'shop', ?, ?, ?)",
                (pid, pid, address, city),
            )
    conn.close()
    store = open_database(path, backup_dir=tmp_path / "backups")
    with store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        got = dict(store.conn.execute("SELECT id, county FROM premises ORDER BY id").fetchall())
        assert got == {"p1": "蜀山区", "p2": "霍山县", "p3": ""}
        # the premises themselves read as before
        assert store.premises.get("p1").address == "安徽省合肥市蜀山区长江路88号"


def test_the_earliest_review_becomes_the_decision(tmp_path):
    """A database where the old race left two reviews of one inspection: the earlier one is
    its decision, and a new decision on it is refused."""
    import sqlite3

    import pytest

    from inspector_app.services import review as rv

    path = tmp_path / "old.db"
    _old(path, M009)
    conn = connect(path)
    with transaction(conn):
        conn.execute("INSERT INTO premises (id, kind, name) VALUES ('p1', 'shop', '店')")
        conn.execute(
            "INSERT INTO instruments (id, premises_id, family) VALUES ('n1', 'p1', 'scale')"
        )
        conn.execute(
            "INSERT INTO inspections (id, record_id, revision, premises_id, instrument_id,"
            " family, check_kind, ruleset, inspector, started_at, status, origin)"
            " VALUES ('i1', 'r1', 1, 'p1', 'n1', 'scale', 'subsequent', 'JJG 539-2016', '李明',"
            " '2026-05-04T09:00:00+08:00', 'draft', 'lap')"
        )
        for rid, who, at, seq in (
            ("rv-b", "王五", "2026-05-04T02:43:00+00:00", 6),
            ("rv-a", "张三", "2026-05-04T02:42:00+00:00", 5),
        ):
            conn.execute(
                "INSERT INTO reviews (id, inspection_id, decision, reviewer, at, change_seq)"
                " VALUES (?, 'i1', 'approved', ?, ?, ?)",
                (rid, who, at, seq),
            )
    conn.close()
    store = open_database(path, backup_dir=tmp_path / "backups")
    with store:
        rows = store.conn.execute(
            "SELECT inspection_id, review_id, reviewer FROM review_decisions"
        ).fetchall()
        assert [tuple(r) for r in rows] == [("i1", "rv-a", "张三")]
        with pytest.raises(sqlite3.IntegrityError):  # the primary key refuses a second decision row
            store.conn.execute(
                "INSERT INTO review_decisions (inspection_id, review_id, decision, reviewer, at)"
                " VALUES ('i1', 'x', 'returned', '赵六', '2026-05-05')"
            )
        assert rv.review_repo(store).decision("i1").reviewer == "张三"
