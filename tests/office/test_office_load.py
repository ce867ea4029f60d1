"""Load: four importers and four reviewers on one office database at the same time.

Runs ``benchmarks/office_load.py`` (the same harness a longer ``--minutes`` run uses) in a
subprocess with a timeout, then checks the office database again through the real
command line: nothing lost or duplicated, every review explained by exactly one audit
entry and known to the reviewer who made it, one valid audit chain, ``check`` clean.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from inspector_app.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_four_importers_four_reviewers(tmp_path, capsys, office_db_path):
    from inspector_app.store import open_database
    from inspector_app.store.pg import is_postgres_url, url_of

    url = url_of(office_db_path) if is_postgres_url(office_db_path) else ""
    out = tmp_path / "load.json"
    folder = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.office_load",
            "--seconds",
            "8",
            "--inspections",
            "6",
            "--folder",
            str(folder),
            "--json",
            str(out),
            *(["--office-db", url] if url else []),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert proc.returncode == 0 and summary["problems"] == [], (
        summary["problems"][:10],
        proc.stderr[-2000:],
    )
    assert summary["inspections_expected"] == 24
    assert summary["inspections_held"] == 24
    # every one of the 8 bundles was imported by each of the 4 importers: once as new,
    # three times found already imported (never an error, never twice)
    assert summary["imports"] == 32 and summary["imported_new"] == 8
    # the reviewers went on until nothing was pending: every inspection decided once
    assert summary["reviews"] == summary["won"] == 24, summary
    office = url or str(folder / "office" / "office.db")
    store = open_database(office_db_path if url else folder / "office" / "office.db")
    try:
        conn = store.conn
        assert (
            conn.execute(
                "SELECT count(*) FROM reviews r JOIN review_decisions d ON d.review_id = r.id"
            ).fetchone()[0]
            == summary["reviews"]
        )
        assert (
            conn.execute("SELECT count(DISTINCT inspection_id) FROM reviews").fetchone()[0]
            == summary["reviews"]
        )
        assert (
            conn.execute("SELECT count(*) FROM audit WHERE action = 'bundle.import'").fetchone()[0]
            == 8
        )
    finally:
        store.close()
    code = main(["--db", office, "check"])
    text = capsys.readouterr()
    assert code == 0, text
