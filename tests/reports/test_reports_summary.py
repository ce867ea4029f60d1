"""The period summary: its numbers are the counts SQL gives, and it reads in both languages."""

from __future__ import annotations

import subprocess

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.services.demo import generate
from inspector_app.services.summary import build_summary
from inspector_app.store.reports import SummaryFilter, summary_statistics


@pytest.fixture
def db_path(office_db_path):
    """This module's store is an office database on each engine (SQLite, PostgreSQL)."""
    return office_db_path


@pytest.fixture
def demo_store(store):
    generate(store, premises=40, inspections=400, seed=7)
    return store


def sql_counts(store, where: str, params: tuple) -> dict:
    base = (
        "FROM inspections i JOIN premises p ON p.id = i.premises_id WHERE i.superseded_by IS NULL"
        " AND i.status = 'finalized' " + where
    )
    q = lambda sql: store.conn.execute(sql, params).fetchone()[0]  # noqa: E731
    return {
        "inspections": q(f"SELECT count(*) {base}"),
        "premises": q(f"SELECT count(DISTINCT i.premises_id) {base}"),
        "instruments": q(f"SELECT count(DISTINCT i.instrument_id) {base}"),
        "passed": q(f"SELECT count(*) {base} AND i.verdict = 'pass'"),
        "failed": q(f"SELECT count(*) {base} AND i.verdict = 'fail'"),
        "cheating": q(
            f"SELECT count(DISTINCT i.id) {base} AND i.id IN (SELECT inspection_id FROM findings"
            " WHERE cheating = 1)"
        ),
    }


@pytest.mark.parametrize(
    "f, where, params",
    [
        (SummaryFilter(), "", ()),
        (
            SummaryFilter(date_from="2026-03-01", date_to="2026-05-31"),
            "AND date(i.started_at) BETWEEN '2026-03-01' AND '2026-05-31'",
            (),
        ),
    ],
)
def test_summary_numbers_match_sql(demo_store, f, where, params):
    stats = summary_statistics(demo_store, f)
    expected = sql_counts(demo_store, where, params)
    assert expected["inspections"] > 50
    got = {k: getattr(stats, k) for k in expected}
    assert got == expected
    assert sum(r.inspections for r in stats.by_family) == expected["inspections"]
    assert sum(r.failed for r in stats.by_family) == expected["failed"]
    assert sum(n for _, n, _ in stats.by_month) == expected["inspections"]
    for row in stats.by_family:
        n = demo_store.conn.execute(
            "SELECT count(*) FROM inspections i WHERE i.superseded_by IS NULL AND i.status = 'finalized'"
            f" AND i.family = ? {where}",
            (row.family, *params),
        ).fetchone()[0]
        assert row.inspections == n


def test_summary_by_market_and_premises(demo_store):
    market = demo_store.conn.execute(
        "SELECT market FROM premises WHERE market != '' GROUP BY market ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    stats = summary_statistics(demo_store, SummaryFilter(market=market))
    assert (
        stats.inspections
        == sql_counts(demo_store, "AND p.market = ?", (market,))["inspections"]
        > 0
    )
    pid = demo_store.conn.execute(
        "SELECT premises_id FROM inspections GROUP BY premises_id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    stats = summary_statistics(demo_store, SummaryFilter(premises_id=pid))
    assert (
        stats.premises == 1
        and stats.inspections
        == sql_counts(demo_store, "AND i.premises_id = ?", (pid,))["inspections"]
    )


def test_summary_pdf_shows_the_numbers(demo_store, tmp_path, pdf_text):
    stats = summary_statistics(demo_store, SummaryFilter())
    for lang, labels in (
        ("zh", ("计量监督检查汇总报告", "各类器具合格率", "不合格记录", "作弊问题", "衡器")),
        ("en", ("Summary of inspections", "Pass rate by family", "Failures", "Cheating findings")),
    ):
        path = tmp_path / f"sum_{lang}.pdf"
        path.write_bytes(build_summary(demo_store, lang=lang))
        text = pdf_text(path)
        for label in labels:
            assert label in text, label
        tokens = text.split()
        for n in (stats.inspections, stats.premises, stats.instruments, stats.failed):
            assert str(n) in tokens
        proc = subprocess.run(
            ["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / lang)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0 and proc.stderr == ""


def test_bad_period_is_refused(store):
    with pytest.raises(InputError, match="not a date"):
        summary_statistics(store, SummaryFilter(date_from="2026-02-30"))
    with pytest.raises(InputError, match="starts after it ends"):
        summary_statistics(store, SummaryFilter(date_from="2026-05-01", date_to="2026-04-01"))
    with pytest.raises(InputError, match="no premises"):
        build_summary(store, premises_id="nope")
    empty = summary_statistics(store, SummaryFilter())
    assert empty.inspections == 0 and empty.by_family == []


def test_summary_by_city(demo_store, tmp_path, pdf_text):
    city = demo_store.conn.execute(
        "SELECT city FROM premises WHERE city != '' GROUP BY city ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    expected = sql_counts(demo_store, "AND p.city = ?", (city,))
    assert 0 < expected["inspections"] < sql_counts(demo_store, "", ())["inspections"]
    stats = summary_statistics(demo_store, SummaryFilter(city=city))
    assert {k: getattr(stats, k) for k in expected} == expected
    # the same filter the office statistics use: a date range and a city together
    f = SummaryFilter(date_from="2026-01-01", date_to="2026-12-31", city=city)
    both = sql_counts(
        demo_store,
        "AND p.city = ? AND date(i.started_at) BETWEEN '2026-01-01' AND '2026-12-31'",
        (city,),
    )
    assert summary_statistics(demo_store, f).inspections == both["inspections"]
    path = tmp_path / "city.pdf"
    path.write_bytes(build_summary(demo_store, city=city, lang="zh"))
    text = pdf_text(path)
    assert f"城市: {city}" in text and str(expected["inspections"]) in text.split()
    assert summary_statistics(demo_store, SummaryFilter(city="no such city")).inspections == 0


def test_summary_is_signed_and_carries_its_content(store, samples, identity, tmp_path):
    import hashlib
    import io
    import subprocess

    from pypdf import PdfReader

    from inspector_app.reports.embedded_record import read_embedded_record
    from inspector_app.reports.inspection_report import parse_keywords
    from inspector_app.services.summary import build_summary

    pdf = build_summary(store, lang="zh", identity=identity)
    reader = PdfReader(io.BytesIO(pdf))
    meta = parse_keywords(reader.metadata["/Keywords"])
    raw = read_embedded_record(pdf)
    assert raw is not None and b'"kind":"summary"' in raw
    assert hashlib.sha256(raw).hexdigest() == meta["record-hash"]
    assert meta["report-no"].startswith("HZBG-")
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    sig = subprocess.run(["pdfsig", str(path)], capture_output=True)
    out = sig.stdout.decode()
    assert "Signature #1" in out and "Signature is Valid" in out
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    body = text.stdout.decode()
    # the failed fuel dispenser is listed by its failed items, with value and limit
    assert "测得" in body and "允许" in body
