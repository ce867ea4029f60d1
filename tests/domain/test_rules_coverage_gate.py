"""Full line coverage of the rules engine, checked on every test run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rules_engine_has_full_line_coverage(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/domain",
            "--deselect",
            "tests/domain/test_rules_coverage_gate.py",
            "--cov=inspector_app.domain.rules",
            "--cov-report=term-missing:skip-covered",
            "--cov-fail-under=100",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COVERAGE_FILE": str(tmp_path / "cov")},
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
