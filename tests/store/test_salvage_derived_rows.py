"""Salvage of a file whose readings or test rows were damaged: a finalized inspection kept
(its content hash matched) gets its readings and test rows made again from its sealed
result, so the rescued file passes the integrity check; copied as they were, the rows on
the damaged page were lost and the rescued file held inspections whose readings no longer
matched their results, while salvage said nothing was left out."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from inspector_app.cli.main import main
from inspector_app.store import open_database
from inspector_app.store.inspections import reading_rows
from inspector_app.store.integrity import check


@pytest.fixture
def demo_db(db_path, capsys):
    assert main(["--db", str(db_path), "demo", "--premises", "20", "--inspections", "300"]) == 0
    capsys.readouterr()
    return db_path


def _damage_a_page_of(path, table: str, seed: int) -> None:
    conn = sqlite3.connect(path)
    pages = [
        r[0]
        for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,),
        )
    ]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert len(pages) >= 3, f"too few pages of {table} to damage one in the middle"
    rnd = random.Random(seed)
    page = rnd.choice(pages[1:-1])
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * size + 200)
        fh.write(bytes(rnd.getrandbits(8) for _ in range(size - 400)))


@pytest.mark.parametrize(
    ("table", "seed"), [("readings", 1), ("readings", 5), ("inspection_tests", 2)]
)
def test_the_rows_derived_from_a_sealed_result_are_made_again(
    demo_db, capsys, tmp_path, table, seed
):
    _damage_a_page_of(demo_db, table, seed)
    out_db = tmp_path / "rescued.db"
    code = main(["--db", str(demo_db), "salvage", "-o", str(out_db), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["finalized"] > 0
    store = open_database(out_db)
    with store:
        assert check(store) == []  # (the kept statistics too: counted once, not copied)
        conn = store.conn
        finalized = [
            r[0] for r in conn.execute("SELECT id FROM inspections WHERE status = 'finalized'")
        ]
        assert len(finalized) == result["finalized"]
        readings = sum(len(reading_rows(store.inspections.get(i))) for i in finalized)
        assert readings > 0
        assert (
            conn.execute(
                "SELECT count(*) FROM readings WHERE inspection_id IN"
                " (SELECT id FROM inspections WHERE status = 'finalized')"
            ).fetchone()[0]
            == readings
        )
        tests = sum(
            len((store.inspections.get(i).result or {}).get("tests", [])) for i in finalized
        )
        assert (
            conn.execute(
                "SELECT count(*) FROM inspection_tests WHERE inspection_id IN"
                " (SELECT id FROM inspections WHERE status = 'finalized')"
            ).fetchone()[0]
            == tests
        )
