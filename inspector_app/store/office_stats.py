"""SQL behind the office statistics: per period and region (city, optionally market).

Counted: finalized inspections, newest revision of each record (``superseded_by IS NULL``),
``started_at`` in the period (both ends inclusive), premises in the city / market. The same
selection as the summary report (:mod:`inspector_app.store.reports`), so the numbers agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .filters import SEALED_HEADS, period

if TYPE_CHECKING:
    from .store import Store

_FROM = " FROM inspections i JOIN premises p ON p.id = i.premises_id"
_CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"


@dataclass
class StatsFilter:
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    city: str | None = None
    market: str | None = None


def where(f: StatsFilter) -> tuple[str, list[Any]]:
    dates, params = period(f.date_from, f.date_to)
    clauses = [*SEALED_HEADS, *dates]
    if f.city:
        clauses.append("p.city = ?")
        params.append(f.city)
    if f.market:
        clauses.append("p.market = ?")
        params.append(f.market)
    return " WHERE " + " AND ".join(clauses), params


def totals(store: Store, f: StatsFilter) -> dict[str, Any]:
    w, params = where(f)
    r = store.conn.execute(
        "SELECT count(*), count(DISTINCT i.premises_id), count(DISTINCT i.instrument_id), count(i.verdict),"
        f" coalesce(sum(i.verdict = 'pass'), 0), coalesce(sum(i.verdict = 'fail'), 0), coalesce(sum({_CHEAT}), 0)"
        f"{_FROM}{w}",
        params,
    ).fetchone()
    keys = ("inspections", "premises", "instruments", "judged", "passed", "failed", "cheating")
    return dict(zip(keys, (int(v) for v in r), strict=True))


def premises_by_kind(store: Store, f: StatsFilter) -> list[tuple[str, int, int]]:
    """(kind, premises inspected, inspections)."""
    w, params = where(f)
    return [
        (r[0], int(r[1]), int(r[2]))
        for r in store.conn.execute(
            f"SELECT p.kind, count(DISTINCT i.premises_id), count(*){_FROM}{w} GROUP BY p.kind"
            " ORDER BY count(DISTINCT i.premises_id) DESC, p.kind",
            params,
        )
    ]


def instruments_by_family(store: Store, f: StatsFilter) -> list[tuple[str, int, int, int, int]]:
    """(family, instruments checked, inspections, passed, failed)."""
    w, params = where(f)
    return [
        (r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in store.conn.execute(
            f"SELECT i.family, count(DISTINCT i.instrument_id), count(*), coalesce(sum(i.verdict = 'pass'), 0),"
            f" coalesce(sum(i.verdict = 'fail'), 0){_FROM}{w} GROUP BY i.family"
            " ORDER BY count(DISTINCT i.instrument_id) DESC, i.family",
            params,
        )
    ]


def failures_by_cause(store: Store, f: StatsFilter) -> list[tuple[str, str, int]]:
    """(finding code, an example text, failed inspections with that finding); failed
    inspections without any finding count under the code ''."""
    w, params = where(f)
    rows = [
        (r[0], r[1] or "", int(r[2]))
        for r in store.conn.execute(
            f"SELECT fi.code, min(fi.text), count(DISTINCT i.id){_FROM} JOIN findings fi ON fi.inspection_id = i.id"
            f"{w} AND i.verdict = 'fail' GROUP BY fi.code ORDER BY count(DISTINCT i.id) DESC, fi.code",
            params,
        )
    ]
    none = store.conn.execute(
        f"SELECT count(*){_FROM}{w} AND i.verdict = 'fail'"
        " AND NOT EXISTS (SELECT 1 FROM findings fi WHERE fi.inspection_id = i.id)",
        params,
    ).fetchone()[0]
    if none:
        rows.append(("", "", int(none)))
    return rows


def failed_tests(store: Store, f: StatsFilter) -> list[tuple[str, int]]:
    """(test kind, failed inspections in which that test failed)."""
    w, params = where(f)
    return [
        (r[0], int(r[1]))
        for r in store.conn.execute(
            f"SELECT t.kind, count(DISTINCT i.id){_FROM} JOIN inspection_tests t ON t.inspection_id = i.id"
            f"{w} AND t.verdict = 'fail' GROUP BY t.kind ORDER BY count(DISTINCT i.id) DESC, t.kind",
            params,
        )
    ]


def by_city(store: Store, f: StatsFilter) -> list[tuple[str, int, int, int]]:
    """(city, inspections, passed, failed)."""
    w, params = where(f)
    return [
        (r[0], int(r[1]), int(r[2]), int(r[3]))
        for r in store.conn.execute(
            f"SELECT p.city, count(*), coalesce(sum(i.verdict = 'pass'), 0), coalesce(sum(i.verdict = 'fail'), 0)"
            f"{_FROM}{w} GROUP BY p.city ORDER BY count(*) DESC, p.city",
            params,
        )
    ]


def by_month(store: Store, f: StatsFilter) -> list[tuple[str, int, int, int, int]]:
    """(YYYY-MM, inspections, passed, failed, cheating)."""
    w, params = where(f)
    return [
        (r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in store.conn.execute(
            f"SELECT substr(i.started_at, 1, 7) AS month, count(*), coalesce(sum(i.verdict = 'pass'), 0),"
            f" coalesce(sum(i.verdict = 'fail'), 0), coalesce(sum({_CHEAT}), 0){_FROM}{w}"
            " GROUP BY month ORDER BY month",
            params,
        )
    ]


def cheating_cases(store: Store, f: StatsFilter, limit: int = 500) -> list[tuple[Any, ...]]:
    """(inspection id, started_at, premises, city, family, inspector, code, text, legal basis)."""
    w, params = where(f)
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT i.id, i.started_at, p.name, p.city, i.family, i.inspector, fi.code, fi.text, fi.legal_basis"
            f"{_FROM} JOIN findings fi ON fi.inspection_id = i.id AND fi.cheating = 1{w}"
            " ORDER BY i.started_at, i.id, fi.seq LIMIT ?",
            (*params, limit),
        )
    ]


def cities(store: Store) -> list[str]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT city FROM premises WHERE city != '' ORDER BY city"
        )
    ]


def inspection_rows(
    store: Store, f: StatsFilter, limit: int = 2000, offset: int = 0
) -> list[tuple[Any, ...]]:
    """The counted inspections themselves, oldest first, in the columns of the list export:
    (id, record_id, revision, started_at, family, check, verdict, status, inspector, premises,
    market, city, instrument)."""
    w, params = where(f)
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT i.id, i.record_id, i.revision, i.started_at, i.family, i.check_kind, coalesce(i.verdict, ''),"
            " i.status, i.inspector, p.name, p.market, p.city, trim(n.maker || ' ' || n.model || ' ' || n.serial)"
            f"{_FROM} JOIN instruments n ON n.id = i.instrument_id{w} ORDER BY i.started_at, i.id LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
    ]


def count(store: Store, f: StatsFilter) -> int:
    w, params = where(f)
    return int(store.conn.execute(f"SELECT count(*){_FROM}{w}", params).fetchone()[0])


def failed_checklists(store: Store, f: StatsFilter) -> list[tuple[str, str, str]]:
    """(family, check kind, checklist JSON) of every failed inspection in the filter; the
    service counts the questions failed by their form's ``finding_if`` answer."""
    w, params = where(f)
    return [
        (r[0], r[1], r[2] or "{}")
        for r in store.conn.execute(
            f"SELECT i.family, i.check_kind, i.checklist_json{_FROM}{w} AND i.verdict = 'fail'",
            params,
        )
    ]
