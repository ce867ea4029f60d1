"""The data commands through the real entry point: demo, list, show, check, backup, restore."""

import json
import sqlite3
import subprocess
import sys

import pytest

from inspector_app.cli.main import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo_db(db_path, capsys):
    code, out, _ = run(
        capsys,
        "--db",
        str(db_path),
        "demo",
        "--premises",
        "30",
        "--inspections",
        "120",
        "--seed",
        "5",
    )
    assert code == 0 and "120 inspections" in out
    return db_path


def test_demo_is_reproducible(tmp_path, capsys):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    for path in (a, b):
        assert (
            run(
                capsys,
                "--db",
                str(path),
                "demo",
                "--premises",
                "10",
                "--inspections",
                "40",
                "--seed",
                "9",
            )[0]
            == 0
        )
    rows = [
        sqlite3.connect(p)
        .execute("SELECT id, content_hash, verdict FROM inspections ORDER BY id")
        .fetchall()
        for p in (a, b)
    ]
    assert rows[0] == rows[1] and len(rows[0]) == 40


def test_demo_data_is_realistic(demo_db):
    from inspector_app.domain.credit_code import validate_credit_code

    conn = sqlite3.connect(demo_db)
    codes = [r[0] for r in conn.execute("SELECT credit_code FROM premises")]
    assert all(validate_credit_code(c) == c for c in codes)
    kinds = {r[0] for r in conn.execute("SELECT kind FROM premises")}
    assert {"market_stall", "filling_station", "optical_shop"} <= kinds
    assert {r[0] for r in conn.execute("SELECT DISTINCT verdict FROM inspections")} == {
        "pass",
        "fail",
    }
    assert all("安徽省" in r[0] for r in conn.execute("SELECT address FROM premises"))


def test_demo_twice_with_the_same_seed_says_so(demo_db, capsys):
    code, _, err = run(
        capsys,
        "--db",
        str(demo_db),
        "demo",
        "--premises",
        "30",
        "--inspections",
        "120",
        "--seed",
        "5",
    )
    assert code == 2 and "already" in err


def test_list_filters_and_json(demo_db, capsys):
    code, out, _ = run(
        capsys, "--db", str(demo_db), "list", "--verdict", "fail", "--json", "--limit", "1000"
    )
    data = json.loads(out)
    fails = (
        sqlite3.connect(demo_db)
        .execute(
            "SELECT count(*) FROM inspections WHERE verdict = 'fail' AND superseded_by IS NULL"
        )
        .fetchone()[0]
    )
    assert (
        code == 0
        and data["total"] == fails
        and all(r["verdict"] == "fail" for r in data["inspections"])
    )
    code, out, _ = run(capsys, "--db", str(demo_db), "list", "--family", "scale", "--limit", "5")
    assert code == 0 and "scale" in out and "fuel_dispenser" not in out


def test_show_by_prefix(demo_db, capsys):
    ident = sqlite3.connect(demo_db).execute("SELECT id FROM inspections LIMIT 1").fetchone()[0]
    code, out, _ = run(capsys, "--db", str(demo_db), "show", ident[:8])
    assert code == 0 and ident in out and "content hash" in out
    code, out, _ = run(capsys, "--db", str(demo_db), "show", ident, "--json")
    assert json.loads(out)["inspection"]["id"] == ident
    code, _, err = run(capsys, "--db", str(demo_db), "show", "nonexistent-id")
    assert code == 2 and "no inspection" in err


def test_check_ok_then_tampered(demo_db, capsys):
    assert run(capsys, "--db", str(demo_db), "check")[0] == 0
    conn = sqlite3.connect(demo_db)
    ident = conn.execute(
        "SELECT id FROM inspections WHERE status = 'finalized' LIMIT 1"
    ).fetchone()[0]
    conn.execute("DROP TRIGGER inspections_finalized_no_update")
    conn.execute(
        "UPDATE inspections SET verdict = CASE verdict WHEN 'pass' THEN 'fail' ELSE 'pass' END WHERE id = ?",
        (ident,),
    )
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", str(demo_db), "check")
    assert code == 1 and ident in out and "MISMATCH" in out
    code, out, _ = run(capsys, "--db", str(demo_db), "check", "--json")
    # the dropped trigger is named too (schema), before the record it let change
    refs = [p["ref"] for p in json.loads(out)["problems"]]
    assert code == 1 and refs == ["inspections_finalized_no_update", ident]


def test_backup_and_restore(demo_db, tmp_path, capsys):
    copy = tmp_path / "copy.db"
    assert run(capsys, "--db", str(demo_db), "backup", str(copy))[0] == 0
    code, _, err = run(capsys, "--db", str(demo_db), "backup", str(copy))
    assert code == 2 and "exists" in err
    conn = sqlite3.connect(demo_db)
    conn.execute("DELETE FROM tombstones")
    conn.execute("INSERT INTO local_meta VALUES ('marker', 'after-backup')")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--db", str(demo_db), "restore", str(copy))
    assert code == 0
    assert (
        sqlite3.connect(demo_db)
        .execute("SELECT count(*) FROM local_meta WHERE key = 'marker'")
        .fetchone()[0]
        == 0
    )
    kept = list(demo_db.parent.glob("*.before-restore-*.db"))
    assert len(kept) == 1
    assert (
        sqlite3.connect(kept[0])
        .execute("SELECT value FROM local_meta WHERE key = 'marker'")
        .fetchone()[0]
        == "after-backup"
    )
    assert run(capsys, "--db", str(demo_db), "check")[0] == 0


def test_restore_refuses_junk(demo_db, tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"x" * 4096)
    code, _, err = run(capsys, "--db", str(demo_db), "restore", str(junk))
    assert code == 1 and "not a database" in err
    assert run(capsys, "--db", str(demo_db), "check")[0] == 0


def test_bad_usage_exits_2_without_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", "list", "--verdict", "maybe"],
        capture_output=True,
        text=True,
    )
    assert (
        proc.returncode == 2 and "Traceback" not in proc.stderr and "invalid choice" in proc.stderr
    )


def test_database_too_new_is_one_sentence(db_path, capsys):
    run(capsys, "--db", str(db_path), "list")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "--db", str(db_path), "list")
    assert code == 1 and "newer version" in err and err.count("\n") == 1


def test_default_database_location(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("INSPECTOR_DB")
    code, out, _ = run(capsys, "list")
    assert code == 0
    assert (tmp_path / "home" / "xdg_data_home" / "inspector-app" / "inspector.db").is_file()
