"""The benchmark harness runs end to end on tiny data and writes its JSON report.

Only the shape is asserted, never a timing: speed is measured by ``benchmarks/run.py``,
not by tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmarks_smoke_run_writes_json(tmp_path):
    out = tmp_path / "latest.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--quick",
            "--smoke",
            "--cache",
            str(tmp_path / "cache"),
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["mode"] == "smoke"
    assert {"nproc", "cpu", "ram", "python", "sqlite"} <= set(report["machine"])
    results = report["results"]
    assert set(results) == {
        "startup",
        "search",
        "year",
        "demo",
        "bundle",
        "bundle_rows",
        "backup",
        "report",
        "batch",
        "memory",
        "rules",
    }
    for name, r in results.items():
        assert "error" not in r, (name, r.get("error"))
        assert isinstance(r["value"], float | int) and r["value"] > 0, name
        assert r["met"] in ((None,) if name in ("backup", "rules") else (True, False)), name
        assert r["target"] and r["target_metric"], name
    for name in ("startup", "bundle", "bundle_rows", "backup", "report", "memory"):
        assert results[name]["baseline"] > 0 and results[name]["ratio"] > 0, name
    assert results["search"]["detail"]["keystrokes"] > 0
    assert results["search"]["p95_ms"] >= results["search"]["median_ms"]
    bundle = results["bundle"]["detail"]
    assert bundle["photos"] == 2 * bundle["inspections"]
    assert bundle["mean_photo_kb"] > 100  # camera-size photos, not stand-ins
    assert bundle["import_mb_s"] > 0 and bundle["export_mb_s"] > 0 and bundle["zip_read_mb_s"] > 0
    assert results["bundle_rows"]["detail"]["mean_photo_kb"] < 10
    assert len(results["startup"]["spread"]["pair_ratio_p25_p75"]) == 2
    for group in ("count_one_letter", "dashboard", "statistics"):
        assert results["year"]["detail"][group]["p95_ms"] > 0
    assert results["batch"]["detail"]["written"] == results["batch"]["detail"]["n"]
    rules = results["rules"]["detail"]
    assert rules["inspections"] > 0 and rules["items"] >= rules["inspections"]
    assert sum(f["inspections"] for f in rules["families"].values()) == rules["inspections"]
    assert "| benchmark |" in proc.stdout  # the table was printed
    assert "Markdown:" not in proc.stdout  # a smoke run never overwrites the committed RESULTS.md
