"""--self-test's 'postgres' step: psycopg's compiled part loads, and with a URL in
INSPECTOR_SELFTEST_POSTGRES the office server answers (the frozen build runs the same step)."""

from __future__ import annotations

import io

import psycopg
import pytest

from inspector_app.services import selftest, selftest_steps
from inspector_app.store.pg.cluster import free_port


def _run_step(tmp_path):
    ctx = selftest_steps.Context(folder=tmp_path, db_path=tmp_path / "x.db")
    return selftest_steps.step_postgres(ctx)


def test_the_compiled_part_is_named_without_a_server(tmp_path, monkeypatch):
    monkeypatch.delenv(selftest_steps.POSTGRES_ENV, raising=False)
    detail = _run_step(tmp_path)
    assert f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})" in detail
    assert psycopg.pq.__impl__ in ("binary", "c")
    assert "libpq " in detail and "no server checked" in detail


def test_the_pure_python_fallback_fails_the_step(tmp_path, monkeypatch):
    monkeypatch.setattr(psycopg.pq, "__impl__", "python")
    with pytest.raises(selftest_steps.SelfTestError, match="pure-Python fallback"):
        _run_step(tmp_path)


def test_a_server_url_is_connected_to(tmp_path, monkeypatch, pg_url):
    monkeypatch.setenv(selftest_steps.POSTGRES_ENV, pg_url)
    detail = _run_step(tmp_path)
    assert "connected to postgresql://" in detail and "schema " in detail


def test_an_unreachable_server_stops_the_run_with_one_line(tmp_path, monkeypatch):
    url = f"postgresql://zhang:secret@127.0.0.1:{free_port()}/inspector"
    monkeypatch.setenv(selftest_steps.POSTGRES_ENV, url)
    out, err = io.StringIO(), io.StringIO()
    steps = [s for s in selftest.STEPS if s[0] in ("platform", "postgres")]
    assert selftest.run_self_test(out=out, err=err, steps=steps) == 1
    line = err.getvalue().strip()
    assert line.startswith("self-test FAILED at step 'postgres': the office server ")
    assert "(unreachable" in line and "secret" not in line and "\n" not in line
