"""A bulk write of sweep rows lays their insert guard and instrument index aside inside its
transaction: both are back afterwards (the schema check passes), and a write that fails
part-way leaves both, and the tables, as they were."""

from __future__ import annotations

import pytest

from inspector_app.services import demo
from inspector_app.store import bulk_visits, open_database, sweep_guard
from inspector_app.store.errors import StoreError
from inspector_app.store.integrity import check

ASIDE = (
    "SELECT type, name, sql FROM sqlite_master WHERE name IN"
    " ('sweep_rows_finalized_no_insert', 'sweep_rows_instrument') ORDER BY name"
)


def test_the_guard_and_index_are_laid_aside_and_back(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_visits, "SET_ASIDE_FROM", 10)
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 10)
    store = open_database(tmp_path / "inspector.db")
    schema = store.conn.execute(ASIDE).fetchall()
    assert len(schema) == 2
    during = []
    real = bulk_visits.insert_sweep_rows

    def watching(conn, rows):
        during.append(conn.execute(ASIDE).fetchall())
        real(conn, rows)

    monkeypatch.setattr(bulk_visits, "insert_sweep_rows", watching)
    counts = demo.generate(store, premises=30, inspections=600, seed=3)
    assert counts["sweep_rows"] >= 10
    assert during and all(d == [] for d in during), "laid aside while the rows went in"
    assert store.conn.execute(ASIDE).fetchall() == schema
    assert check(store) == []
    # a sealed visit's rows are guarded again
    vid = store.conn.execute("SELECT visit_id FROM sweep_rows LIMIT 1").fetchone()[0]
    with pytest.raises(Exception, match="finalized visit"):
        store.conn.execute(
            "INSERT INTO sweep_rows (id, visit_id, seq) VALUES ('x', ?, 99999)", (vid,)
        )
    store.close()


def test_the_index_stays_when_the_table_is_larger_than_the_write(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_visits, "SET_ASIDE_FROM", 10)
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 10)
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=30, inspections=600, seed=3)
    held = store.conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0]
    with store.write("t", "t"):
        with bulk_visits.sweep_rows_laid_aside(store.conn, store.engine, held - 1, []):
            names = [r[1] for r in store.conn.execute(ASIDE)]
    assert names == ["sweep_rows_instrument"], "only the guard was laid aside"
    with store.write("t", "t"):
        with bulk_visits.sweep_rows_laid_aside(store.conn, store.engine, 9, []):
            assert len(store.conn.execute(ASIDE).fetchall()) == 2, "too few rows: nothing aside"
    assert len(store.conn.execute(ASIDE).fetchall()) == 2
    store.close()


def test_a_failed_write_leaves_guard_index_and_rows_as_they_were(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_visits, "SET_ASIDE_FROM", 10)
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 10)
    store = open_database(tmp_path / "inspector.db")
    schema = store.conn.execute(ASIDE).fetchall()

    def failing(conn, rows):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk_visits, "insert_sweep_rows", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        demo.generate(store, premises=30, inspections=600, seed=3)
    assert store.conn.execute(ASIDE).fetchall() == schema
    for table in ("visits", "sweep_rows", "assignments"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    store.close()


def test_a_row_written_aside_into_a_visit_not_new_fails_the_write(tmp_path, monkeypatch):
    """The same check as an import's: while the guard is aside, every row written must
    belong to one of the new visits; a row of a visit that was there before (here a sealed
    one) fails the write, and the guard, index and rows are as they were."""
    monkeypatch.setattr(bulk_visits, "SET_ASIDE_FROM", 10)
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 10)
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=30, inspections=600, seed=3)
    schema = store.conn.execute(ASIDE).fetchall()
    held = store.conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0]
    vid = store.conn.execute(
        "SELECT id FROM visits WHERE status = 'finalized' AND market <> '' LIMIT 1"
    ).fetchone()[0]
    with pytest.raises(StoreError, match="1 sweep rows"), store.write("t", "t"):
        with bulk_visits.sweep_rows_laid_aside(store.conn, store.engine, 20, ["a-new-visit"]):
            names = [r[1] for r in store.conn.execute(ASIDE)]
            assert names == ["sweep_rows_instrument"], "the guard is aside"
            store.conn.execute(
                "INSERT INTO sweep_rows (id, visit_id, seq) VALUES ('stray', ?, 99999)", (vid,)
            )
    assert store.conn.execute(ASIDE).fetchall() == schema
    assert store.conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0] == held
    store.close()
