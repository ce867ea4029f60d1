"""``inspector-app --self-test``: every step runs and reports; a failing step is named."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from inspector_app.services import selftest, selftest_output, selftest_steps

STEP_NAMES = [name for name, _ in selftest.STEPS]


def run(**kwargs) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = selftest.run_self_test(out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_self_test_passes_headless_as_a_subprocess(tmp_path, db_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    proc = subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("self-test: inspector-app ")
    for name in STEP_NAMES:  # one line per step, with its timing and what it did
        assert any(re.fullmatch(rf"  ok   {name} +\d+ ms  \S.*", line) for line in lines), (
            name,
            proc.stdout,
        )
    assert "'offscreen' platform" in proc.stdout  # no display: fell back instead of aborting
    assert "VALID, signer 自检 Self Test, record hash matches" in proc.stdout
    assert lines[-1].startswith(f"self-test passed: {len(STEP_NAMES)} steps in ")
    assert "FAILED" not in proc.stderr
    assert not db_path.exists()  # the user's database is never touched


def test_steps_cover_what_the_issue_asks():
    assert STEP_NAMES == [
        "platform",
        "database",
        "postgres",
        "resources",
        "rules",
        "record",
        "qt",
        "chart",
        "print",
        "identity",
        "report",
        "verify",
        "bundle",
    ]


def test_a_step_that_raises_is_named_and_stops_the_run(monkeypatch):
    ran = []

    def boom(ctx):
        raise RuntimeError("disk on\nfire")

    def spy(ctx):
        ran.append("after")
        return "should not run"

    steps = [
        ("database", selftest_steps.step_database),
        ("rules", selftest_steps.step_rules),
        ("record", boom),
        ("verify", spy),
    ]
    code, out, err = run(steps=steps)
    assert code == 1
    assert err.strip() == "self-test FAILED at step 'record': RuntimeError: disk on fire"
    assert len(err.strip().splitlines()) == 1
    assert "  ok   database" in out and "  ok   rules" in out and "  FAIL record" in out
    assert ran == [] and "passed" not in out


def test_the_default_run_reports_a_monkeypatched_failure(monkeypatch):
    """The step list cli/main.py runs: break the rules step's expectation -> exit 1."""
    monkeypatch.setattr(
        selftest_steps,
        "SCALE_EXPECTED",
        [("100 g", "-0.5", "2.5", "fail"), ("2500 g", "3", "2.5", "fail")],
    )
    steps = [(n, f) for n, f in selftest.STEPS if n in ("database", "resources", "rules", "record")]
    code, out, err = run(steps=steps)
    assert code == 1
    assert err.startswith(
        "self-test FAILED at step 'rules': the rules engine judged a known scale reading wrongly"
    )
    assert "record" not in out


def test_a_failed_verification_is_reported(monkeypatch):
    from inspector_app.reports.verify import VerifyResult

    monkeypatch.setattr(
        "inspector_app.services.verify.verify_report",
        lambda pdf, store=None, db_path=None: VerifyResult("UNTRUSTED", "not in the trust list"),
    )
    steps = [(n, f) for n, f in selftest.STEPS if n not in ("qt", "chart", "print")]
    code, out, err = run(steps=steps)
    assert code == 1
    assert err.strip() == (
        "self-test FAILED at step 'verify': the signed report verified as UNTRUSTED "
        "(record not checked): not in the trust list"
    )
    assert "  ok   report" in out


def test_a_missing_shipped_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(
        "inspector_app.paths.resource_path", lambda *parts: tmp_path.joinpath(*parts)
    )
    code, _, err = run(steps=[("resources", selftest_steps.step_resources)])
    assert code == 1
    assert "step 'resources': the shipped file resources/fonts/wqy-microhei.ttc is missing" in err


def test_headless_default_only_without_a_display(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    selftest_output._headless_default()
    assert "QT_QPA_PLATFORM" not in os.environ
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    selftest_output._headless_default()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_report_is_written_to_the_temporary_folder_only(tmp_path, monkeypatch):
    made = []
    real = selftest_output.step_report

    def spying(ctx):
        made.append(ctx.folder)
        return real(ctx)

    steps = [
        (n, spying if n == "report" else f) for n, f in selftest.STEPS if n not in ("qt", "chart")
    ]
    code, out, _ = run(steps=steps)
    assert code == 0, out
    assert made and not Path(made[0]).exists()  # cleaned up


WITHOUT_QT = "[(n, f) for n, f in selftest.STEPS if n not in ('qt', 'chart', 'print')]"


def test_a_build_without_msgspec_fails_at_the_bundle_step(tmp_path):
    """A frozen build that left out an import-side module (here msgspec, which reads and
    writes the bundle's JSON lines) passes every other step and fails at ``bundle``."""
    script = (
        "import sys; sys.modules['msgspec'] = None\n"
        "from inspector_app.services import selftest\n"
        f"sys.exit(selftest.run_self_test(steps={WITHOUT_QT}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "  ok   verify" in proc.stdout and "  FAIL bundle" in proc.stdout
    assert proc.stderr.startswith(
        "self-test FAILED at step 'bundle': ModuleNotFoundError: import of msgspec"
    ), proc.stderr


def test_the_bundle_step_imports_the_records_into_a_fresh_database(monkeypatch):
    """The bundle arrives whole in a database of its own inside the temporary folder; a
    bundle the fresh database refuses is named with the import's reason."""
    from inspector_app.services import sync

    folders = []
    real_import = sync.import_bundle

    def spying(store, path, **kwargs):
        folders.append((Path(store.path).parent, Path(path).parent))
        return real_import(store, path, **kwargs)

    monkeypatch.setattr(sync, "import_bundle", spying)
    steps = [(n, f) for n, f in selftest.STEPS if n not in ("qt", "chart", "print")]
    code, out, err = run(steps=steps)
    assert code == 0, out + err
    line = next(x for x in out.splitlines() if x.startswith("  ok   bundle"))
    assert re.search(r"records new, the inspection's hash matches$", line), line
    ((db_folder, bundle_folder),) = folders
    assert db_folder == bundle_folder and not db_folder.exists()  # the temporary folder

    def untrusting(store, path, **kwargs):
        store.conn.execute("DELETE FROM trusted_keys")
        return real_import(store, path, **kwargs)

    monkeypatch.setattr(sync, "import_bundle", untrusting)
    code, out, err = run(steps=steps)
    assert code == 1 and "  FAIL bundle" in out
    assert err.startswith("self-test FAILED at step 'bundle': the self-test's bundle was rejected")
