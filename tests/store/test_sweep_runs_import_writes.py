"""An import writes the sweep rows of its sealed visits in runs (``store.visit_bundles``):
a row whose reading and inspection columns hold the schema's defaults goes in without
them, any other with every column. The rows stored are the rows of the bundle, value for
value and type for type, in the bundle's order (rowids included), whichever way each went
in; the check after the guard was laid aside (``store.sweep_guard``) still counts every
row written into a visit the import did not create, and only those."""

from __future__ import annotations

import operator
import uuid

import pytest

from inspector_app.services import demo
from inspector_app.store import StoreError, open_database, sweep_guard, visit_bundles
from inspector_app.store.visit_codec import SWEEP_ROW_COLUMNS

COLUMNS = ", ".join(SWEEP_ROW_COLUMNS)
TYPES = ", ".join(f"typeof({c})" for c in SWEEP_ROW_COLUMNS)


def _new_lines(store, n):
    """*n* sealed visits of the demo's as new ones (new ids, no inspections), their rows
    given readings and inspections in a pattern that mixes both kinds of rows, runs of one
    and of several."""
    lines = [v for v in visit_bundles.sealed_for_bundle(store.conn) if v["rows"]][:n]
    inspections = [r[0] for r in store.conn.execute("SELECT id FROM inspections LIMIT 5")]
    k = 0
    for v in lines:
        v["id"] = str(uuid.uuid4())
        v["inspections"] = []
        for r in v["rows"]:
            r["id"] = str(uuid.uuid4())
            r["visit_id"] = v["id"]
            k += 1
            if k % 7 in (3, 4):  # a reading
                r.update(load="10 kg", indication="10.005", error="0.005", mpe="0.01")
                r.update(quick_verdict="pass", rule="JJG 539")
            if k % 11 == 5:  # an inspection made from the row
                r["inspection_id"] = inspections[k % len(inspections)]
            if k % 13 == 6:  # a note alone
                r["note"] = "秤盘有油污"
    return lines


def test_rows_in_runs_are_the_bundles_rows_in_its_order(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 1)
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=20, inspections=120, seed=4)
    lines = _new_lines(store, 12)
    rows = [r for v in lines for r in v["rows"]]
    runs = list(visit_bundles._sweep_runs(lines))
    kinds = [sql == visit_bundles._INSERT_HEADS for sql, _ in runs]
    assert True in kinds and False in kinds and len(runs) > 4, "both kinds, in several runs"
    assert sum(len(p) for _, p in runs) == len(rows)
    assert list(visit_bundles._sweep_runs([{**lines[0], "rows": []}])) == []
    conn = store.conn
    top = conn.execute("SELECT max(rowid) FROM sweep_rows").fetchone()[0]
    with store.write("t", "test") as seq:
        with sweep_guard.guard_aside(conn, "sqlite", [v["id"] for v in lines], len(rows)):
            visit_bundles.insert_sealed(conn, lines, seq, "laptop")
    stored = conn.execute(
        f"SELECT rowid, {COLUMNS} FROM sweep_rows WHERE rowid > ? ORDER BY rowid", (top,)
    ).fetchall()
    assert [r[0] for r in stored] == list(range(top + 1, top + 1 + len(rows)))
    expected = [operator.itemgetter(*SWEEP_ROW_COLUMNS)(r) for r in rows]
    assert [tuple(r[1:]) for r in stored] == [
        tuple(int(x) if type(x) is bool else x for x in e) for e in expected
    ]
    types = conn.execute(f"SELECT {TYPES} FROM sweep_rows WHERE rowid > ? ORDER BY rowid", (top,))
    for t, r in zip(types, rows, strict=True):
        assert t[SWEEP_ROW_COLUMNS.index("load")] == "text"
        assert t[SWEEP_ROW_COLUMNS.index("rest_ok")] == "integer"
        want = "null" if r["inspection_id"] is None else "text"
        assert t[SWEEP_ROW_COLUMNS.index("inspection_id")] == want
    # the visits arrived sealed, their rows guarded again
    with pytest.raises(Exception, match="a finalized visit cannot be changed"):
        with store.write("t", "test"):
            conn.execute(
                "INSERT INTO sweep_rows (id, visit_id, seq) VALUES ('x', ?, 9999)",
                (lines[0]["id"],),
            )
    store.close()


def test_the_check_counts_only_rows_outside_the_new_visits(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_guard, "ASIDE_FROM", 1)
    store = open_database(tmp_path / "inspector.db")
    demo.generate(store, premises=20, inspections=120, seed=4)
    conn = store.conn
    old = conn.execute(
        "SELECT visit_id, instrument_id, premises_id FROM sweep_rows LIMIT 1"
    ).fetchone()
    held = conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0]
    lines = _new_lines(store, 3)
    ids = [v["id"] for v in lines]
    n = sum(len(v["rows"]) for v in lines)
    insert = (
        "INSERT INTO sweep_rows (id, visit_id, seq, instrument_id, premises_id)"
        " VALUES (?, ?, ?, ?, ?)"
    )
    # a new visit named twice counts its rows once; two rows into a visit that was here
    with pytest.raises(StoreError, match="^2 sweep rows were written into visits"):
        with store.write("t", "test") as seq:
            with sweep_guard.guard_aside(conn, "sqlite", ids + ids[:1], n):
                visit_bundles.insert_sealed(conn, lines, seq, "laptop")
                for k in (1, 2):
                    conn.execute(insert, (f"stray{k}", old[0], 9000 + k, old[1], old[2]))
    assert conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0] == held
    # the same rows without the strays: no complaint
    with store.write("t", "test") as seq:
        with sweep_guard.guard_aside(conn, "sqlite", ids + ids[:1], n):
            visit_bundles.insert_sealed(conn, lines, seq, "laptop")
    assert conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0] == held + n
    store.close()
