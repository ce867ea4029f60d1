"""The statistics counts kept by triggers (schema 15) agree with a direct recount of the
inspections after a mixed sequence of writes, on a real SQLite file and on PostgreSQL, and
``check`` reports a count that drifted."""

from __future__ import annotations

import datetime as dt

import pytest
from stat_world import HEADS, demo_store, mixed_writes, office_filters

from inspector_app.services.office_stats import StatsFilter, office_statistics
from inspector_app.services.review import queue_count
from inspector_app.services.stats import dashboard
from inspector_app.store import stats as dash_queries
from inspector_app.store.db import transaction
from inspector_app.store.inspection_search import search_terms
from inspector_app.store.inspections import InspectionFilter
from inspector_app.store.integrity import check
from inspector_app.store.review import ReviewFilter
from inspector_app.store.summary import mismatches, pending_reviews

CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"
FROM = " FROM inspections i JOIN premises p ON p.id = i.premises_id"


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path):
    s = demo_store(request.param, tmp_path, inspections=240, seed=11)
    yield s
    s.close()


def _office_recount(s, f: StatsFilter) -> dict:
    w = [HEADS]
    params: list = []
    if f.date_from:
        w.append("i.started_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        w.append("i.started_at < ?")
        params.append((dt.date.fromisoformat(f.date_to) + dt.timedelta(days=1)).isoformat())
    if f.city:
        w.append("p.city = ?")
        params.append(f.city)
    if f.market:
        w.append("p.market = ?")
        params.append(f.market)
    where = " WHERE " + " AND ".join(w)

    def rows(q):
        return s.conn.execute(q, params).fetchall()

    t = s.conn.execute(
        "SELECT count(*), count(DISTINCT i.premises_id), count(DISTINCT i.instrument_id),"
        " count(i.verdict), coalesce(sum(i.verdict = 'pass'), 0),"
        f" coalesce(sum(i.verdict = 'fail'), 0), coalesce(sum({CHEAT}), 0){FROM}{where}",
        params,
    ).fetchone()
    keys = ("inspections", "premises", "instruments", "judged", "passed", "failed", "cheating")
    return {
        "totals": dict(zip(keys, (int(v) for v in t), strict=True)),
        "kind": sorted(
            (r[0], int(r[1]), int(r[2]))
            for r in rows(
                f"SELECT p.kind, count(DISTINCT i.premises_id), count(*){FROM}{where} GROUP BY p.kind"
            )
        ),
        "family": sorted(
            (r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]))
            for r in rows(
                "SELECT i.family, count(DISTINCT i.instrument_id), count(*),"
                " coalesce(sum(i.verdict = 'pass'), 0), coalesce(sum(i.verdict = 'fail'), 0)"
                f"{FROM}{where} GROUP BY i.family"
            )
        ),
        "city": sorted(
            (r[0], int(r[1]), int(r[2]), int(r[3]))
            for r in rows(
                "SELECT p.city, count(*), coalesce(sum(i.verdict = 'pass'), 0),"
                f" coalesce(sum(i.verdict = 'fail'), 0){FROM}{where} GROUP BY p.city"
            )
        ),
        "month": sorted(
            (r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]))
            for r in rows(
                "SELECT substr(i.started_at, 1, 7), count(*), coalesce(sum(i.verdict = 'pass'), 0),"
                f" coalesce(sum(i.verdict = 'fail'), 0), coalesce(sum({CHEAT}), 0){FROM}{where}"
                " GROUP BY substr(i.started_at, 1, 7)"
            )
        ),
    }


def _office_kept(s, f: StatsFilter) -> dict:
    st = office_statistics(s, f)
    return {
        "totals": st.totals,
        "kind": sorted((r["kind"], r["premises"], r["inspections"]) for r in st.premises_by_kind),
        "family": sorted(
            (r["family"], r["instruments"], r["inspections"], r["passed"], r["failed"])
            for r in st.instruments_by_family
        ),
        "city": sorted((r["city"], r["inspections"], r["passed"], r["failed"]) for r in st.by_city),
        "month": sorted(
            (r["month"], r["inspections"], r["passed"], r["failed"], r["cheating"])
            for r in st.by_month
        ),
    }


def _dashboard_recount(s, a: str, b: str) -> dict:
    heads = "i.superseded_by IS NULL AND i.started_at >= ? AND i.started_at < ?"
    t = s.conn.execute(
        "SELECT count(*), count(i.verdict), sum(i.verdict = 'pass'), sum(i.verdict = 'fail'),"
        f" sum({CHEAT}) FROM inspections i WHERE {heads}",
        (a, b),
    ).fetchone()
    return {
        "totals": [int(v or 0) for v in t],
        "family": [
            (r[0], int(r[1] or 0), int(r[2] or 0))
            for r in s.conn.execute(
                f"SELECT i.family, count(i.verdict), sum(i.verdict = 'pass') FROM inspections i"
                f" WHERE {heads} GROUP BY i.family ORDER BY i.family",
                (a, b),
            )
        ],
        "market": sorted(
            (r[0], int(r[1] or 0), int(r[2] or 0))
            for r in s.conn.execute(
                f"SELECT p.market, count(i.verdict), sum(i.verdict = 'pass'){FROM}"
                f" WHERE {heads} AND p.market != '' GROUP BY p.market",
                (a, b),
            )
        ),
        "month": [
            (r[0], int(r[1] or 0), int(r[2] or 0), int(r[3] or 0))
            for r in s.conn.execute(
                f"SELECT substr(i.started_at, 1, 7), count(*), sum(i.verdict = 'fail'), sum({CHEAT})"
                f" FROM inspections i WHERE {heads} GROUP BY substr(i.started_at, 1, 7)"
                " ORDER BY substr(i.started_at, 1, 7)",
                (a, b),
            )
        ],
    }


def test_kept_counts_equal_a_recount_aftermixed_writes(world):
    s = world
    mixed_writes(s)
    assert mismatches(s.conn) == []
    queue = queue_count(s, ReviewFilter(state="pending", include_local=True))
    heads = s.conn.execute(f"SELECT count(*) FROM inspections i WHERE {HEADS}").fetchone()[0]
    assert pending_reviews(s) == queue == heads - 3  # (three counted records reviewed)
    assert not [p for p in check(s) if p.kind == "statistics"]
    filters = office_filters(s)
    d1 = dt.date.fromisoformat(
        s.conn.execute(
            f"SELECT max(substr(i.started_at, 1, 10)) FROM inspections i WHERE {HEADS}"
        ).fetchone()[0]
    )
    for f in filters:
        assert _office_kept(s, f) == _office_recount(s, f), f
    # the dashboard (drafts included) for the month of the last day and the year up to it
    board = dashboard(s, today=d1)
    a = board.period_from.isoformat()
    b = (d1.replace(day=1) + dt.timedelta(days=32)).replace(day=1).isoformat()
    want = _dashboard_recount(s, a, b)
    t = dash_queries.totals(s, a, b)
    assert [t[k] for k in ("total", "judged", "passed", "failed", "cheating")] == want["totals"]
    assert dash_queries.by_family(s, a, b) == want["family"]
    assert sorted(dash_queries.by_market(s, a, b, limit=1000)) == want["market"]
    assert dash_queries.by_month(s, a, b) == want["month"]
    assert want["totals"][0] > 0 and want["totals"][4] > 0  # (the figures are not all zero)


def test_search_count_equals_a_union_of_matches(world):
    s = world
    mixed_writes(s)
    # a draft moved to another premises and instrument (its pair moves with it)
    draft_id = s.conn.execute(
        "SELECT id FROM inspections WHERE status = 'draft' LIMIT 1"
    ).fetchone()[0]
    other = s.conn.execute(
        "SELECT id, premises_id FROM instruments WHERE id NOT IN"
        " (SELECT instrument_id FROM inspections WHERE id = ?) LIMIT 1",
        (draft_id,),
    ).fetchone()
    with transaction(s.conn):
        s.conn.execute(
            "UPDATE inspections SET instrument_id = ?, premises_id = ? WHERE id = ?",
            (other[0], other[1], draft_id),
        )
    assert mismatches(s.conn) == []
    names = [r[0] for r in s.conn.execute("SELECT name FROM premises ORDER BY name LIMIT 3")]
    inspector = s.conn.execute("SELECT inspector FROM inspections LIMIT 1").fetchone()[0]
    texts = ["1", "a", "e", names[0][:1], names[1][:2], inspector[:1], inspector, draft_id[:3]]
    for text in texts:
        terms, params, _ = search_terms(s.conn, text)
        union = " UNION ".join(f"SELECT i.id FROM inspections i WHERE {t}" for t in terms)
        want = s.conn.execute(
            f"SELECT count(*) FROM inspections i WHERE i.superseded_by IS NULL AND i.id IN ({union})",
            params,
        ).fetchone()[0]
        got = s.inspections.count(InspectionFilter(search=text))
        assert got == want, text
        assert got == len(s.inspections.list(InspectionFilter(search=text), limit=100_000)), text


def test_check_reports_a_count_that_drifted(world):
    s = world
    with transaction(s.conn):
        s.conn.execute(
            "UPDATE stat_counts SET n = n + 1 WHERE grain = 'm' AND period ="
            " (SELECT min(period) FROM stat_counts WHERE grain = 'm')"
        )
    found = [p for p in check(s) if p.kind == "statistics"]
    assert found and "recounted" in found[0].message
