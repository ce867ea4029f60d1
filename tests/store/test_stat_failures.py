"""The failure figures kept by triggers (schema 17: failures by cause, failed tests) agree
with a direct recount of the inspections after a mixed sequence of writes, on a real SQLite
file and on PostgreSQL, and ``check`` reports a kept row that drifted."""

from __future__ import annotations

import datetime as dt

import pytest
from stat_world import HEADS, demo_store, mixed_writes, office_filters

from inspector_app.domain.models import new_id
from inspector_app.services.demo import generate
from inspector_app.services.office_stats import StatsFilter, office_statistics
from inspector_app.store import open_database
from inspector_app.store.db import transaction
from inspector_app.store.integrity import check
from inspector_app.store.office_kept import mismatches, period_ranges

FROM = " FROM inspections i JOIN premises p ON p.id = i.premises_id"


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path):
    s = demo_store(request.param, tmp_path, inspections=300, seed=5)
    yield s
    s.close()


def _where(f: StatsFilter) -> tuple[str, list]:
    w = [HEADS]
    params: list = []
    if f.date_from:
        w.append("i.started_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        w.append("i.started_at < ?")
        params.append((dt.date.fromisoformat(f.date_to) + dt.timedelta(days=1)).isoformat())
    for column, value in (("city", f.city), ("market", f.market)):
        if value:
            w.append(f"p.{column} = ?")
            params.append(value)
    return " WHERE " + " AND ".join(w), params


def _recount(s, f: StatsFilter) -> dict:
    """The failures by cause and the failed tests counted from the records themselves."""
    w, params = _where(f)
    causes = sorted(
        (r[0], r[1], int(r[2]))
        for r in s.conn.execute(
            f"SELECT fi.code, min(fi.text), count(DISTINCT i.id){FROM}"
            f" JOIN findings fi ON fi.inspection_id = i.id{w} AND i.verdict = 'fail'"
            " GROUP BY fi.code",
            params,
        )
    )
    none = s.conn.execute(
        f"SELECT count(*){FROM}{w} AND i.verdict = 'fail'"
        " AND NOT EXISTS (SELECT 1 FROM findings fi WHERE fi.inspection_id = i.id)",
        params,
    ).fetchone()[0]
    if none:
        causes.append(("", "", int(none)))
    tests = sorted(
        (r[0], int(r[1]))
        for r in s.conn.execute(
            f"SELECT t.kind, count(DISTINCT i.id){FROM}"
            f" JOIN inspection_tests t ON t.inspection_id = i.id{w} AND t.verdict = 'fail'"
            " GROUP BY t.kind",
            params,
        )
    )
    kinds = sorted(
        (r[0], int(r[1]))
        for r in s.conn.execute(
            f"SELECT p.kind, count(DISTINCT i.premises_id){FROM}{w} GROUP BY p.kind", params
        )
    )
    families = sorted(
        (r[0], int(r[1]))
        for r in s.conn.execute(
            f"SELECT i.family, count(DISTINCT i.instrument_id){FROM}{w} GROUP BY i.family", params
        )
    )
    return {"causes": sorted(causes), "tests": tests, "kinds": kinds, "families": families}


def _kept(s, f: StatsFilter) -> dict:
    st = office_statistics(s, f)
    causes = [(r["code"], r["example"], r["inspections"]) for r in st.failures_by_cause]
    # most inspections first, the failed ones without a finding last
    named = [r for r in causes if r[0]]
    assert [r[2] for r in named] == sorted((r[2] for r in named), reverse=True)
    assert all(r[0] for r in causes[:-1])
    return {
        "causes": sorted(causes),
        "tests": sorted((r["test"], r["inspections"]) for r in st.failed_tests),
        "kinds": sorted((r["kind"], r["premises"]) for r in st.premises_by_kind if r["premises"]),
        "families": sorted(
            (r["family"], r["instruments"]) for r in st.instruments_by_family if r["instruments"]
        ),
    }


def _heads(s, condition: str) -> list[str]:
    return [
        r[0]
        for r in s.conn.execute(
            f"SELECT i.id FROM inspections i WHERE {HEADS} AND {condition} ORDER BY i.id"
        )
    ]


def _failure_writes(s) -> None:
    """Corrections of failed records (with findings, with a failed test, without any
    finding), one abandoned, a failed record's premises moved to another city and market,
    a failed record arriving sealed with two findings of one code."""
    with_findings = _heads(
        s,
        "i.verdict = 'fail' AND EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id)",
    )
    with_tests = _heads(
        s,
        "EXISTS (SELECT 1 FROM inspection_tests t WHERE t.inspection_id = i.id"
        " AND t.verdict = 'fail')",
    )
    used: list[str] = []

    def pick(ids: list[str]) -> str:
        chosen = next(i for i in ids if i not in used)
        used.append(chosen)
        return chosen

    for parent in (pick(with_findings), pick(with_tests)):
        child = s.inspections.correct(parent, "typo", "t")
        s.inspections.finalize(child.id, "t")
    s.inspections.correct(pick(with_findings), "pending", "t")  # a draft: the parent stops
    abandoned = s.inspections.correct(pick(with_tests), "second thoughts", "t")
    s.inspections.delete_draft(abandoned.id, "t")  # counts again
    with transaction(s.conn):
        s.conn.execute(
            "UPDATE premises SET city = '新城市', market = '新市场'"
            " WHERE id = (SELECT premises_id FROM inspections WHERE id = ?)",
            (pick(with_findings),),
        )
    # sealed failed records arriving whole, as an import writes them (findings first): one
    # with two findings of one code (two texts), one without any finding
    src = pick(with_findings)
    cols = [d[0] for d in s.conn.execute("SELECT * FROM inspections LIMIT 1").description]
    picked = ", ".join("?" if c in ("id", "record_id") else c for c in cols)
    copies = [(new_id(), new_id()), (new_id(), new_id())]
    with transaction(s.conn):
        s.conn.execute("PRAGMA defer_foreign_keys = ON")
        for seq, text in enumerate(("z later text", "a first text")):
            s.conn.execute(
                "INSERT INTO findings (id, inspection_id, seq, code, text, legal_basis,"
                " severity, action, cheating) VALUES (?, ?, ?, 'T9', ?, '', 'major', '', 0)",
                (new_id(), copies[0][0], seq, text),
            )
        for copy_id, record_id in copies:
            s.conn.execute(
                f"INSERT INTO inspections ({', '.join(cols)}) SELECT {picked} FROM inspections"
                " WHERE id = ?",
                (copy_id, record_id, src),
            )


def test_kept_failures_equal_a_recount_aftermixed_writes(world):
    s = world
    mixed_writes(s)
    _failure_writes(s)
    assert mismatches(s.conn) == []
    assert not [p for p in check(s) if p.kind == "statistics"]
    first, last = s.conn.execute(
        f"SELECT min(substr(i.started_at, 1, 10)), max(substr(i.started_at, 1, 10))"
        f" FROM inspections i WHERE {HEADS}"
    ).fetchone()
    d0, d1 = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    mid = d0 + (d1 - d0) / 2
    city = s.conn.execute("SELECT city FROM premises WHERE city != '' ORDER BY city").fetchone()[0]
    filters = [
        *office_filters(s),
        StatsFilter(mid.isoformat(), mid.isoformat()),  # one day
        StatsFilter(f"{d1.year - 1}-12-31", f"{d1.year}-01-01"),  # across the new year
        StatsFilter(f"{d0.year}-12-01", f"{d1.year}-01-31", city=city),
        # three parts (the ends' years and the whole years between) merged, each record once
        StatsFilter(f"{d0.year - 1}-12-30", f"{d1.year + 1}-01-02"),
        StatsFilter(f"{d0.year - 1}-12-30", f"{d1.year + 1}-01-02", city=city),
    ]
    seen = set()
    for f in filters:
        want = _recount(s, f)
        assert _kept(s, f) == want, f
        seen |= {r[0] for r in want["causes"]} | {r[0] for r in want["tests"]}
    # (the figures are not all empty: findings, the imported code, tests, no finding)
    assert "T9" in seen and "" in seen and len(seen) >= 4
    t9 = [r for r in _recount(s, StatsFilter())["causes"] if r[0] == "T9"]
    assert t9[0][1] == "a first text"


def test_check_reports_a_kept_failure_row_that_drifted(world):
    s = world
    with transaction(s.conn):
        s.conn.execute(
            "UPDATE stat_failures SET n = n + 1 WHERE grain = 'm' AND period ="
            " (SELECT min(period) FROM stat_failures WHERE grain = 'm')"
        )
        # (bit 382: no day has it, the last of December is 371)
        s.conn.execute(
            "UPDATE stat_instrument_days SET w5 = w5 | (CAST(1 AS BIGINT) << 62)"
            " WHERE instrument_id = (SELECT min(instrument_id) FROM stat_instrument_days)"
        )
    found = {p.ref: p.message for p in check(s) if p.kind == "statistics"}
    assert set(found) == {"stat_failures", "stat_instrument_days"}
    assert "recounted" in found["stat_failures"] and "recounted" in found["stat_instrument_days"]


@pytest.mark.parametrize(
    ("first", "last", "want"),
    [
        ("2026-03-01", "2026-03-31", [("m", "2026-03", "2026-04")]),
        ("2026-03-05", "2026-03-20", [("d", "2026-03-05", "2026-03-21")]),
        ("2026-03-20", "2026-04-10", [("d", "2026-03-20", "2026-04-11")]),
        (
            "2025-11-20",
            "2026-11-14",
            [
                ("m", "2025-12", "2026-11"),
                ("d", "2025-11-20", "2025-12-01"),
                ("d", "2026-11-01", "2026-11-15"),
            ],
        ),
        (None, "2026-02-27", [("m", None, "2026-02"), ("d", "2026-02-01", "2026-02-28")]),
        ("2026-02-02", None, [("m", "2026-03", None), ("d", "2026-02-02", "2026-03-01")]),
        (None, None, [("m", None, None)]),
    ],
)
def test_a_period_is_its_whole_months_and_the_days_at_its_ends(first, last, want):
    assert period_ranges(first, last) == want


def test_the_migration_fills_the_kept_tables_from_existing_records(tmp_path):
    """A file with records at the schema before (the tables, their triggers and indexes
    taken away again) is filled by the migration with exactly the recount."""
    from inspector_app.store.migrations import MIGRATION_NAMES
    from inspector_app.store.migrations.m017_office_stats import INDEXES

    tables = ("stat_failures", "stat_premises_days", "stat_instrument_days")

    def kept(s) -> dict:
        return {t: sorted(tuple(r) for r in s.conn.execute(f"SELECT * FROM {t}")) for t in tables}

    path = tmp_path / "inspector.db"
    s = open_database(path)
    generate(s, premises=10, inspections=120, seed=3)
    _failure_writes(s)
    # (rows a correction emptied stay behind with zeros; a fresh fill has none of them)
    with transaction(s.conn):
        s.conn.execute("DELETE FROM stat_failures WHERE n = 0")
        for t in tables[1:]:
            s.conn.execute(f"DELETE FROM {t} WHERE {' AND '.join(f'w{j} = 0' for j in range(6))}")
    before = kept(s)
    assert all(before.values())
    number = MIGRATION_NAMES.index("m017_office_stats") + 1
    with transaction(s.conn):
        for (name,) in s.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND (name LIKE 'stat!_failures!_%' ESCAPE '!' OR name LIKE 'stat!_days!_%' ESCAPE '!')"
        ).fetchall():
            s.conn.execute(f"DROP TRIGGER {name}")
        for stmt in INDEXES:
            s.conn.execute(f"DROP INDEX {stmt.split()[2]}")
        for t in tables:
            s.conn.execute(f"DROP TABLE {t}")
        s.conn.execute(f"PRAGMA user_version = {number - 1}")
    s.close()
    s = open_database(path)
    try:
        assert kept(s) == before
        assert not [p for p in check(s) if p.kind in ("statistics", "schema")]
    finally:
        s.close()


def test_the_days_of_a_period_as_masks_per_year():
    from inspector_app.store.office_kept import _days_parts

    parts, several = _days_parts("2024-12-30", "2026-01-02")
    assert several and len(parts) == 3
    (first, p1), (middle, p2), (last, p3) = parts
    # December 30th and 31st: bits 370 and 371, word 5
    assert "w5" in first and p1 == ["2024", (1 << 50) | (1 << 51)]
    assert "year > ?" in middle and "year < ?" in middle and p2 == ["2024", "2026"]
    assert p3 == ["2026", 0b11]  # January 1st and 2nd
    parts, several = _days_parts("2026-03-01", "2026-03-31")
    assert not several and parts == [
        ("year = ? AND ((w0 & ?) <> 0 OR (w1 & ?) <> 0)", ["2026", -(1 << 62), (1 << 29) - 1])
    ]
    parts, several = _days_parts(None, None)  # every row with a day (or none) kept
    assert several and parts[0][1] == []
