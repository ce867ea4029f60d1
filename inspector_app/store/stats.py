"""Aggregate queries for the dashboard (the SQL lives here; services/stats.py shapes it).

Only the newest revision of each record counts (``superseded_by IS NULL``). Dates are ISO
strings compared as text: ``date_from`` inclusive, ``date_to`` exclusive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .store import Store


_HEADS = "i.superseded_by IS NULL AND i.started_at >= ? AND i.started_at < ?"
_CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"


def totals(store: Store, date_from: str, date_to: str) -> dict[str, Any]:
    """Inspections in the period: total, judged (with a verdict), passed, failed, cheating."""
    row = store.conn.execute(
        f"SELECT count(*), count(i.verdict), sum(i.verdict = 'pass'), sum(i.verdict = 'fail'), sum({_CHEAT})"
        f" FROM inspections i WHERE {_HEADS}",
        (date_from, date_to),
    ).fetchone()
    total, judged, passed, failed, cheating = (int(v or 0) for v in row)
    return {
        "total": total,
        "judged": judged,
        "passed": passed,
        "failed": failed,
        "cheating": cheating,
    }


def by_family(store: Store, date_from: str, date_to: str) -> list[tuple[str, int, int]]:
    """(family, judged, passed) for each family with inspections in the period."""
    rows = store.conn.execute(
        f"SELECT i.family, count(i.verdict), sum(i.verdict = 'pass') FROM inspections i WHERE {_HEADS}"
        " GROUP BY i.family ORDER BY i.family",
        (date_from, date_to),
    ).fetchall()
    return [(r[0], int(r[1] or 0), int(r[2] or 0)) for r in rows]


def by_market(
    store: Store, date_from: str, date_to: str, limit: int = 12
) -> list[tuple[str, int, int]]:
    """(market, judged, passed) for the markets with the most inspections in the period."""
    rows = store.conn.execute(
        f"SELECT p.market, count(i.verdict) AS n, sum(i.verdict = 'pass') FROM inspections i"
        f" JOIN premises p ON p.id = i.premises_id WHERE {_HEADS} AND p.market != ''"
        " GROUP BY p.market ORDER BY n DESC, p.market LIMIT ?",
        (date_from, date_to, limit),
    ).fetchall()
    return [(r[0], int(r[1] or 0), int(r[2] or 0)) for r in rows]


def by_month(store: Store, date_from: str, date_to: str) -> list[tuple[str, int, int, int]]:
    """(YYYY-MM, inspections, failed, with a cheating finding) per month of the period."""
    rows = store.conn.execute(
        f"SELECT substr(i.started_at, 1, 7) AS month, count(*), sum(i.verdict = 'fail'), sum({_CHEAT})"
        f" FROM inspections i WHERE {_HEADS} GROUP BY month ORDER BY month",
        (date_from, date_to),
    ).fetchall()
    return [(r[0], int(r[1] or 0), int(r[2] or 0), int(r[3] or 0)) for r in rows]


def overdue_instruments(store: Store, today: str) -> int:
    """Instruments whose next verification was due before *today* (ISO date)."""
    row = store.conn.execute(
        "SELECT count(*) FROM instruments WHERE next_due IS NOT NULL AND next_due != ''"
        " AND next_due < ?",
        (today,),
    ).fetchone()
    return int(row[0] or 0)


def repeat_offenders(
    store: Store, date_from: str, limit: int = 10
) -> tuple[int, list[tuple[str, int]]]:
    """Premises with failed inspections on two or more days since *date_from*: how many,
    and the names of the worst (name, days failed), most days first."""
    rows = store.conn.execute(
        "SELECT p.name, count(DISTINCT substr(i.started_at, 1, 10)) AS days"
        " FROM inspections i JOIN premises p ON p.id = i.premises_id"
        " WHERE i.superseded_by IS NULL AND i.verdict = 'fail' AND i.started_at >= ?"
        " GROUP BY i.premises_id HAVING days >= 2 ORDER BY days DESC, p.name",
        (date_from,),
    ).fetchall()
    return len(rows), [(r[0], int(r[1])) for r in rows[:limit]]
