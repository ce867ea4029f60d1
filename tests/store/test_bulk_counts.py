"""A bulk load (demo data) lays the count triggers aside inside its transaction and adds the
new records' counts in one grouped statement: the kept counts still equal a recount, the
triggers are back afterwards, and a load that fails part-way leaves both as they were. The
same for the failures and days of schema 17 (``stat_failures``, ``stat_premises_days``,
``stat_instrument_days``), whose triggers are laid aside with those of schema 15."""

from __future__ import annotations

import sqlite3

import pytest

from inspector_app.services.demo import generate
from inspector_app.store import bulk, office_kept, open_database, stat_sql
from inspector_app.store.integrity import check
from inspector_app.store.migrations.m017_office_stats import (
    INSTRUMENT_DAYS,
    PREMISES_DAYS,
    RECOUNT,
)
from inspector_app.store.summary import mismatches

TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    " AND (name LIKE 'stat%' OR name LIKE 'search%') ORDER BY name"
)


def _counts(conn):
    return (
        conn.execute("SELECT * FROM stat_counts ORDER BY 1, 2, 3, 4, 5, 6, 7").fetchall(),
        conn.execute("SELECT * FROM search_pairs ORDER BY 1, 2").fetchall(),
        conn.execute("SELECT * FROM stat_failures ORDER BY 1, 2, 3, 4, 5, 6, 7").fetchall(),
        conn.execute("SELECT * FROM stat_premises_days ORDER BY 1, 2").fetchall(),
        conn.execute("SELECT * FROM stat_instrument_days ORDER BY 1, 2, 3, 4").fetchall(),
    )


def _rows(conn, sql):
    return sorted(tuple(r) for r in conn.execute(sql))


def assert_kept_equal_recount(store):
    """Every kept table equals a recount: through `check` and compared directly."""
    conn = store.conn
    assert [p for p in check(store) if p.kind == "statistics"] == []
    assert mismatches(conn) == [] and office_kept.mismatches(conn) == []
    failures = _rows(
        conn,
        "SELECT grain, period, city, market, what, key, text, n FROM stat_failures WHERE n <> 0",
    )
    assert failures == _rows(conn, RECOUNT)
    assert sum(r[7] for r in failures if r[0] == "d") > 0, "some failures are kept"
    nonzero = " OR ".join(f"w{j} <> 0" for j in range(6))
    for table, recount in (
        ("stat_premises_days", PREMISES_DAYS),
        ("stat_instrument_days", INSTRUMENT_DAYS),
    ):
        kept = _rows(conn, f"SELECT * FROM {table} WHERE {nonzero}")
        assert kept, table
        assert kept == _rows(conn, recount), table


def test_a_bulk_load_keeps_the_counts_and_puts_the_triggers_back(tmp_path, monkeypatch):
    calls = []
    real = bulk.load_records

    def counting(store, premises, instruments, inspections=(), **kw):
        rows = inspections if isinstance(inspections, bulk.Prepared) else None
        calls.append(len(rows.inspections) if rows else 0)
        return real(store, premises, instruments, inspections, **kw)

    store = open_database(tmp_path / "inspector.db")
    triggers = store.conn.execute(TRIGGERS).fetchall()
    names = {t[0] for t in triggers}
    assert {"stat_failures_insert", "stat_days_insert", "stat_days_premises"} <= names
    monkeypatch.setattr("inspector_app.services.demo.load_records", counting)
    generate(store, premises=30, inspections=600, seed=5)
    assert max(calls) >= stat_sql.SET_ASIDE_FROM, "the load took the set-aside path"
    assert store.conn.execute(TRIGGERS).fetchall() == triggers
    assert_kept_equal_recount(store)
    assert store.conn.execute("SELECT sum(n) FROM stat_counts WHERE grain = 'd'").fetchone()[0]
    # a second load on top adds to the rows already kept (days ORed into existing rows)
    generate(store, premises=10, inspections=400, seed=6)
    assert_kept_equal_recount(store)
    assert store.conn.execute(TRIGGERS).fetchall() == triggers
    store.close()


@pytest.mark.parametrize(
    "module, name",
    [(stat_sql, "ADD_PAIRS"), (office_kept, "ADD_INSTRUMENT_DAYS")],
    ids=["pairs", "instrument-days"],
)
def test_a_failed_bulk_load_leaves_counts_and_triggers_as_they_were(
    tmp_path, monkeypatch, module, name
):
    store = open_database(tmp_path / "inspector.db")
    generate(store, premises=20, inspections=300, seed=7)
    triggers = store.conn.execute(TRIGGERS).fetchall()
    before = _counts(store.conn)

    # fails after the triggers were dropped, the inspections inserted and their day and
    # month counts added: only the pairs' statement (or, later still, the one adding the
    # instruments' days, after the failures and the premises' days) goes wrong
    monkeypatch.setattr(module, name, "INSERT INTO no_such_table VALUES (:ids)")
    with pytest.raises(sqlite3.OperationalError):
        generate(store, premises=20, inspections=300, seed=8)
    assert store.conn.execute(TRIGGERS).fetchall() == triggers
    assert _counts(store.conn) == before
    assert_kept_equal_recount(store)
    store.close()
