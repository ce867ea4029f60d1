"""Office statistics match counts computed directly in SQL on a demo data set."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from stall_world import stall_inspection

from inspector_app.domain.errors import InputError
from inspector_app.services.demo import generate
from inspector_app.services.office_stats import (
    StatsFilter,
    cities,
    month_period,
    office_statistics,
    percent,
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_db(request, tmp_path_factory):
    """The demo office on each engine (PostgreSQL: tests/pg_support.py)."""
    from inspector_app.store import open_database

    if request.param == "postgresql":
        import pg_support

        path = pg_support.new_postgres_url()
    else:
        path = tmp_path_factory.mktemp("stats") / "demo.db"
    s = open_database(path)
    generate(s, premises=60, inspections=900, seed=5)
    # a correction: only the newest revision of a record counts
    first = s.conn.execute("SELECT id FROM inspections ORDER BY started_at LIMIT 1").fetchone()[0]
    s.inspections.correct(first, "typo", "t")
    yield s
    s.close()


def sql(store, q, *params):
    return store.conn.execute(q, params).fetchall()


HEADS = "i.status = 'finalized' AND i.superseded_by IS NULL"


def test_totals_match_sql(demo_db):
    s = demo_db
    st = office_statistics(s)
    n, prem, ins, passed, failed = sql(
        s,
        f"SELECT count(*), count(DISTINCT premises_id), count(DISTINCT instrument_id), sum(verdict='pass'),"
        f" sum(verdict='fail') FROM inspections i WHERE {HEADS}",
    )[0]
    cheat = sql(
        s,
        f"SELECT count(DISTINCT i.id) FROM inspections i JOIN findings f ON f.inspection_id = i.id"
        f" WHERE {HEADS} AND f.cheating = 1",
    )[0][0]
    assert st.totals == {
        "inspections": n,
        "premises": prem,
        "instruments": ins,
        "judged": passed + failed,
        "passed": passed,
        "failed": failed,
        "cheating": cheat,
    }
    assert n == 899  # 900 minus the corrected one, whose draft is not finalized
    assert cheat > 0 and failed > 0
    assert st.pass_rate == (Decimal(passed) * 100 / Decimal(passed + failed)).quantize(
        Decimal("0.1")
    )
    assert (
        len(st.cheating_cases)
        == sql(
            s,
            f"SELECT count(*) FROM inspections i JOIN findings f ON f.inspection_id = i.id WHERE {HEADS} AND f.cheating = 1",
        )[0][0]
    )


def test_breakdowns_match_sql(demo_db):
    s = demo_db
    st = office_statistics(s)
    kinds = {
        r[0]: (r[1], r[2])
        for r in sql(
            s,
            f"SELECT p.kind, count(DISTINCT p.id), count(*) FROM inspections i JOIN premises p ON p.id = i.premises_id"
            f" WHERE {HEADS} GROUP BY p.kind",
        )
    }
    assert {r["kind"]: (r["premises"], r["inspections"]) for r in st.premises_by_kind} == kinds
    fams = {
        r[0]: tuple(r[1:])
        for r in sql(
            s,
            f"SELECT family, count(DISTINCT instrument_id), count(*), sum(verdict='pass'), sum(verdict='fail')"
            f" FROM inspections i WHERE {HEADS} GROUP BY family",
        )
    }
    assert {
        r["family"]: (r["instruments"], r["inspections"], r["passed"], r["failed"])
        for r in st.instruments_by_family
    } == fams
    causes = {
        r[0]: r[1]
        for r in sql(
            s,
            f"SELECT f.code, count(DISTINCT i.id) FROM inspections i JOIN findings f ON f.inspection_id = i.id"
            f" WHERE {HEADS} AND i.verdict = 'fail' GROUP BY f.code",
        )
    }
    assert {r["code"]: r["inspections"] for r in st.failures_by_cause if r["code"]} == causes
    assert "mpe_exceeded" in causes
    cities_sql = {
        r[0]: r[1]
        for r in sql(
            s,
            f"SELECT p.city, count(*) FROM inspections i JOIN premises p ON p.id = i.premises_id WHERE {HEADS}"
            " GROUP BY p.city",
        )
    }
    assert {r["city"]: r["inspections"] for r in st.by_city} == cities_sql
    assert sum(r["inspections"] for r in st.by_month) == st.totals["inspections"]
    assert sum(r["cheating"] for r in st.by_month) == st.totals["cheating"]


def test_period_and_region_filter(demo_db):
    s = demo_db
    city = cities(s)[0]
    first, last = month_period(dt.date(2026, 2, 14))
    assert (first, last) == ("2026-02-01", "2026-02-28")
    st = office_statistics(s, StatsFilter(date_from=first, date_to=last, city=city))
    n = sql(
        s,
        f"SELECT count(*) FROM inspections i JOIN premises p ON p.id = i.premises_id WHERE {HEADS}"
        " AND i.started_at >= ? AND i.started_at < ? AND p.city = ?",
        first,
        "2026-03-01",
        city,
    )[0][0]
    assert st.totals["inspections"] == n and n > 0
    assert all(r["city"] == city for r in st.by_city)
    assert [r["month"] for r in st.by_month] == ["2026-02"]
    with pytest.raises(InputError, match="starts after it ends"):
        office_statistics(s, StatsFilter(date_from="2026-03-01", date_to="2026-02-01"))
    with pytest.raises(InputError, match="not a date"):
        office_statistics(s, StatsFilter(date_from="2026-13-01"))


def test_empty_period_and_json_shape(demo_db):
    st = office_statistics(demo_db, StatsFilter(date_from="1999-01-01", date_to="1999-01-31"))
    assert st.totals["inspections"] == 0 and st.pass_rate is None and st.by_month == []
    d = office_statistics(demo_db).as_dict()
    assert isinstance(d["pass_rate"], str) and isinstance(
        d["instruments_by_family"][0]["pass_rate"], str
    )
    assert percent(1, 3) == Decimal("33.3") and percent(0, 0) is None


def test_agrees_with_summary_report(demo_db):
    from inspector_app.store.reports import SummaryFilter, summary_statistics

    summary = summary_statistics(
        demo_db, SummaryFilter(date_from="2026-01-01", date_to="2026-01-31")
    )
    st = office_statistics(demo_db, StatsFilter(date_from="2026-01-01", date_to="2026-01-31"))
    assert (
        st.totals["inspections"],
        st.totals["passed"],
        st.totals["failed"],
        st.totals["cheating"],
        st.totals["premises"],
        st.totals["instruments"],
    ) == (
        summary.inspections,
        summary.passed,
        summary.failed,
        summary.cheating,
        summary.premises,
        summary.instruments,
    )


def _failed_scale(store, stall, checklist: dict) -> str:
    """A finalized failed in-service check of the stall's scale with these answers."""
    final = stall_inspection(store, stall, "2026-03-14T09:20", checklist=checklist)
    assert final.verdict == "fail"
    return final.id


def test_failed_questions_follow_finding_if(store, stall):
    """Questions are counted as failed by their form's finding_if answer: a legal check
    answered "no", a cheating indicator answered "yes"; never a cheating indicator "no"."""
    answers = [
        {"seals": "no", "cheat_keys": "yes", "remote_control": "no", "nameplate": "yes"},
        {"seals": "no", "remote_control": "no", "preset_offset": "no"},
    ]
    for checklist in answers:
        _failed_scale(store, stall, checklist)
    rows = office_statistics(store).failed_questions
    got = {r["question"]: r["inspections"] for r in rows}
    assert got == {"seals": 2, "cheat_keys": 1}
    seals = next(r for r in rows if r["question"] == "seals")
    assert seals["text_zh"] == "铅封（封印）不完好或缺失" and not seals["cheating"]
    assert next(r for r in rows if r["question"] == "cheat_keys")["cheating"]


def test_failed_questions_are_counted_again_when_the_failed_records_change(store, stall):
    """The page asked twice for the same records gets the same rows; a new failed record,
    or a failed one corrected, changes them."""

    def seals() -> int:
        rows = office_statistics(store).failed_questions
        return next((r["inspections"] for r in rows if r["question"] == "seals"), 0)

    first = _failed_scale(store, stall, {"seals": "no"})
    assert seals() == 1
    assert seals() == 1  # (asked again: the same rows)
    _failed_scale(store, stall, {"seals": "no"})
    assert seals() == 2
    correction = store.inspections.correct(first, "seals were intact", "test")
    assert seals() == 1  # the corrected record waits for its correction
    store.inspections.delete_draft(correction.id, "test")
    assert seals() == 2


def test_failed_questions_count_a_record_whose_id_has_a_comma(store, stall):
    """The failed records' ids are read joined per family; a record whose id holds the
    separator (none the program makes or imports, but an older file might) still counts
    once, with the others of its family."""
    from inspector_app.domain.models import new_id
    from inspector_app.store.db import transaction

    src = _failed_scale(store, stall, {"seals": "no"})
    cols = [d[0] for d in store.conn.execute("SELECT * FROM inspections LIMIT 1").description]
    picked = ", ".join("?" if c in ("id", "record_id") else c for c in cols)
    with transaction(store.conn):
        store.conn.execute(
            f"INSERT INTO inspections ({', '.join(cols)}) SELECT {picked} FROM inspections"
            " WHERE id = ?",
            ("legacy,1", new_id(), src),
        )
    rows = office_statistics(store).failed_questions
    assert {r["question"]: r["inspections"] for r in rows} == {"seals": 2}
