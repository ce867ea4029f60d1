"""Queries behind the period summary report (the SQL lives here).

Counted: finalized inspections, newest revision of each record (``superseded_by IS NULL``),
optionally limited to a period (``started_at`` date, both ends inclusive), one premises, one
city and/or one market (the premises' ``city`` and ``market`` columns, matched exactly).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .filters import SEALED_HEADS, period


@dataclass
class SummaryFilter:
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    premises_id: str | None = None
    market: str | None = None
    city: str | None = None


@dataclass
class FamilyRow:
    family: str
    inspections: int
    passed: int
    failed: int
    cheating: int


@dataclass
class FailureRow:
    inspection_id: str
    started_at: str
    family: str
    check: str
    premises: str
    instrument: str
    failed_items: str  # from the findings, or the first failed readings
    cheating: bool


@dataclass
class CheatRow:
    inspection_id: str
    started_at: str
    premises: str
    family: str
    code: str
    text: str
    legal_basis: str


@dataclass
class SummaryStats:
    premises: int = 0
    instruments: int = 0
    inspections: int = 0
    passed: int = 0
    failed: int = 0
    cheating: int = 0  # inspections with at least one cheating finding
    by_family: list[FamilyRow] = field(default_factory=list)
    by_month: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # (YYYY-MM, inspections, failed)
    failures: list[FailureRow] = field(default_factory=list)
    failures_total: int = 0
    cheats: list[CheatRow] = field(default_factory=list)


def _where(f: SummaryFilter) -> tuple[str, list]:
    where = list(SEALED_HEADS)
    params: list = []
    clauses, values = period(f.date_from, f.date_to)
    where += clauses
    params += values
    if f.premises_id:
        where.append("i.premises_id = ?")
        params.append(f.premises_id)
    if f.city:
        where.append("p.city = ?")
        params.append(f.city)
    if f.market:
        where.append("p.market = ?")
        params.append(f.market)
    return " WHERE " + " AND ".join(where), params


_FROM = " FROM inspections i JOIN premises p ON p.id = i.premises_id"
_CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"


def summary_statistics(store, f: SummaryFilter, *, max_rows: int = 200) -> SummaryStats:
    conn = store.conn
    where, params = _where(f)
    row = conn.execute(
        f"SELECT count(DISTINCT i.premises_id), count(DISTINCT i.instrument_id), count(*),"
        f" coalesce(sum(i.verdict = 'pass'), 0), coalesce(sum(i.verdict = 'fail'), 0), coalesce(sum({_CHEAT}), 0)"
        f"{_FROM}{where}",
        params,
    ).fetchone()
    stats = SummaryStats(*(int(v) for v in row))
    stats.by_family = [
        FamilyRow(r[0], int(r[1]), int(r[2]), int(r[3]), int(r[4]))
        for r in conn.execute(
            f"SELECT i.family, count(*), coalesce(sum(i.verdict = 'pass'), 0), coalesce(sum(i.verdict = 'fail'), 0),"
            f" coalesce(sum({_CHEAT}), 0){_FROM}{where} GROUP BY i.family ORDER BY count(*) DESC, i.family",
            params,
        )
    ]
    stats.by_month = [
        (r[0], int(r[1]), int(r[2]))
        for r in conn.execute(
            f"SELECT substr(i.started_at, 1, 7) AS month, count(*), coalesce(sum(i.verdict = 'fail'), 0)"
            f"{_FROM}{where} GROUP BY month ORDER BY month",
            params,
        )
    ]
    stats.failures_total = stats.failed
    for r in conn.execute(
        f"SELECT i.id, i.started_at, i.family, i.check_kind, p.name,"
        f" trim(n.maker || ' ' || n.model || ' ' || n.serial), {_CHEAT},"
        " (SELECT group_concat(label, ', ') FROM (SELECT label FROM readings r WHERE r.inspection_id = i.id"
        "   AND r.verdict = 'fail' ORDER BY r.test_seq, r.seq LIMIT 4))"
        f"{_FROM} JOIN instruments n ON n.id = i.instrument_id{where} AND i.verdict = 'fail'"
        " ORDER BY i.started_at, i.id LIMIT ?",
        (*params, max_rows),
    ):
        stats.failures.append(
            FailureRow(r[0], r[1], r[2], r[3], r[4], r[5], r[7] or "", bool(r[6]))
        )
    for r in conn.execute(
        f"SELECT i.id, i.started_at, p.name, i.family, f.code, f.text, f.legal_basis{_FROM}"
        f" JOIN findings f ON f.inspection_id = i.id AND f.cheating = 1{where}"
        " ORDER BY i.started_at, i.id, f.seq LIMIT ?",
        (*params, max_rows),
    ):
        stats.cheats.append(CheatRow(*r))
    return stats
