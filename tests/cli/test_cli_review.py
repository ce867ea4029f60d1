"""Office commands end to end through the real entry point: two laptops' bundles imported,
the queue listed, one inspection approved and one returned, the return seen on the laptop;
role refusals; stats; export-list."""

from __future__ import annotations

import csv
import json
import sqlite3

import pytest

from inspector_app.cli.main import main

PASS = "correct horse battery"


def _connect(db):
    """A plain connection to the office database on either engine (its store's)."""
    from inspector_app.store import open_database

    return open_database(db, migrate=False).conn


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(tmp_path, capsys, monkeypatch, office_db_path):
    """An office database (on each engine) that imported the field bundles of two laptops
    (all via the CLI)."""
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASS)
    dbs = {}
    for name in ("lap1", "lap2", "office"):
        (tmp_path / name).mkdir()
        dbs[name] = tmp_path / name / f"{name}.db"
    if office_db_path.name != "inspector.db":  # the office on PostgreSQL: --db URL
        dbs["office"] = office_db_path
    for name in ("lap1", "lap2", "office"):
        assert run(capsys, "--db", dbs[name], "keys", "init", "--name", name)[0] == 0
        assert (
            run(capsys, "--db", dbs[name], "keys", "export-cert", "-o", tmp_path / f"{name}.pem")[0]
            == 0
        )
    for n, lap in enumerate(("lap1", "lap2")):
        assert (
            run(
                capsys,
                "--db",
                dbs[lap],
                "demo",
                "--premises",
                "4",
                "--inspections",
                "5",
                "--seed",
                20 + n,
            )[0]
            == 0
        )
        assert run(capsys, "--db", dbs["office"], "trust", "add", tmp_path / f"{lap}.pem")[0] == 0
        assert run(capsys, "--db", dbs[lap], "trust", "add", tmp_path / "office.pem")[0] == 0
        bundle = tmp_path / f"{lap}.zip"
        assert run(capsys, "--db", dbs[lap], "bundle", "export", "-o", bundle)[0] == 0
        code, out, err = run(capsys, "--db", dbs["office"], "bundle", "import", bundle)
        assert code == 0, err
    return dbs


def test_review_refused_on_an_inspector_database(office, capsys):
    code, out, err = run(capsys, "--db", office["office"], "review", "list")
    assert (
        code == 2
        and "inspector's database" in err
        and "role supervisor" in err
        and "Traceback" not in err
    )
    code, _, err = run(capsys, "--db", office["lap1"], "review", "approve", "abcdef12")
    assert code == 2 and "inspector's database" in err
    code, _, err = run(capsys, "--db", office["office"], "review", "list", "--json")
    assert code == 2 and json.loads(err)["error"]["path"] == "role"


def test_office_workflow_and_return_seen_on_laptop(office, capsys, tmp_path):
    db = office["office"]
    assert run(capsys, "--db", db, "role")[1].startswith("inspector (not chosen")
    assert run(capsys, "--db", db, "role", "supervisor")[0] == 0
    assert run(capsys, "--db", db, "role")[1].strip() == "supervisor"
    code, out, _ = run(capsys, "--db", db, "review", "list", "--json")
    queue = json.loads(out)
    assert code == 0 and queue["total"] == 10
    lap1_ids = {r[0] for r in sqlite3.connect(office["lap1"]).execute("SELECT id FROM inspections")}
    target = next(r for r in queue["inspections"] if r["id"] in lap1_ids)
    other = next(r for r in queue["inspections"] if r["id"] != target["id"])
    code, out, _ = run(
        capsys, "--db", db, "review", "list", "--inspector", target["inspector"], "--json"
    )
    assert {r["inspector"] for r in json.loads(out)["inspections"]} == {target["inspector"]}
    code, out, err = run(capsys, "--db", db, "review", "approve", other["id"][:10])
    assert code == 0 and "approved" in out and "signed by office" in out, err
    code, _, err = run(capsys, "--db", db, "review", "return", target["id"], "--comment", "  ")
    assert code == 2 and "say why" in err
    code, out, err = run(
        capsys, "--db", db, "review", "return", target["id"], "--comment", "偏载测试缺少一个位置。"
    )
    assert code == 0 and "returned" in out, err
    code, _, err = run(capsys, "--db", db, "review", "approve", target["id"])
    assert code == 2 and "Already returned by office at " in err
    rows = (
        _connect(db)
        .execute("SELECT inspection_id, decision, comment FROM reviews ORDER BY change_seq")
        .fetchall()
    )
    assert [tuple(r) for r in rows] == [
        (other["id"], "approved", ""),
        (target["id"], "returned", "偏载测试缺少一个位置。"),
    ]
    code, out, _ = run(capsys, "--db", db, "review", "list")
    assert "(8 of 8)" in out
    code, out, _ = run(capsys, "--db", db, "review", "list", "--state", "returned", "--json")
    assert [r["id"] for r in json.loads(out)["inspections"]] == [target["id"]]
    # the office bundle carries the review back to laptop 1
    bundle = tmp_path / "office.zip"
    assert (
        run(capsys, "--db", db, "bundle", "export", "--direction", "office", "-o", bundle)[0] == 0
    )
    code, out, err = run(capsys, "--db", office["lap1"], "bundle", "import", bundle)
    assert code == 0, err
    code, out, _ = run(capsys, "--db", office["lap1"], "review", "comments", target["id"])
    assert (
        code == 0
        and "RETURNED" in out
        and "偏载测试缺少一个位置。" in out
        and "signature VALID" in out
    )


def test_stats_and_export_list(office, capsys, tmp_path):
    db = office["office"]
    code, out, _ = run(capsys, "--db", db, "stats", "--json")
    st = json.loads(out)
    conn = _connect(db)
    assert (
        code == 0
        and st["totals"]["inspections"]
        == conn.execute(
            "SELECT count(*) FROM inspections WHERE status = 'finalized' AND superseded_by IS NULL"
        ).fetchone()[0]
        == 10
    )
    month = conn.execute("SELECT substr(min(started_at), 1, 7) FROM inspections").fetchone()[0]
    code, out, _ = run(capsys, "--db", db, "stats", "--month", month)
    assert code == 0 and "pass rate" in out and "instruments by family" in out
    city = conn.execute("SELECT city FROM premises LIMIT 1").fetchone()[0]
    code, out, _ = run(capsys, "--db", db, "stats", "--city", city, "--json")
    assert {r["city"] for r in json.loads(out)["by_city"]} <= {city}
    assert run(capsys, "--db", db, "stats", "--month", "2026-13")[0] == 2
    out_csv = tmp_path / "fails.csv"
    code, out, _ = run(capsys, "--db", db, "export-list", "-o", out_csv, "--verdict", "pass")
    assert code == 0
    with open(out_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert (
        len(rows)
        == conn.execute("SELECT count(*) FROM inspections WHERE verdict = 'pass'").fetchone()[0]
    )
    out_x = tmp_path / "q.xlsx"
    code, _, err = run(capsys, "--db", db, "export-list", "--queue", "all", "-o", out_x)
    assert code == 2 and "inspector's database" in err and not out_x.exists()
    run(capsys, "--db", db, "role", "supervisor")
    code, out, _ = run(
        capsys,
        "--db",
        db,
        "export-list",
        "--queue",
        "all",
        "--format",
        "xlsx",
        "-o",
        out_x,
        "--json",
    )
    assert code == 0 and json.loads(out)["rows"] == 10
    from openpyxl import load_workbook

    assert load_workbook(out_x).worksheets[0].max_row == 11
    # the queue has no status or text search: refused rather than ignored
    out_s = tmp_path / "s.csv"
    code, _, err = run(
        capsys, "--db", db, "export-list", "--queue", "pending", "--search", "x", "-o", out_s
    )
    assert code == 2 and "do not apply to the review queue" in err and not out_s.exists()
    assert run(capsys, "--db", db, "export-list", "-o", tmp_path / "x.txt")[0] == 2
