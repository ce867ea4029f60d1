"""Aggregate queries for the dashboard (the SQL lives here; services/stats.py shapes it).

Only the newest revision of each record counts (``superseded_by IS NULL``). Dates are ISO
strings compared as text: ``date_from`` inclusive, ``date_to`` exclusive. The counts come
from the table kept as records are written (:mod:`.summary`); repeat offenders from the
partial index of failed records.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import summary

if TYPE_CHECKING:
    from .store import Store


_HEADS = "i.superseded_by IS NULL AND i.started_at >= ? AND i.started_at < ?"
_CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"
# Drafts are counted too (today's work on the laptop); the kept counts hold the finalized
# records, so the few drafts are added from their own index.
_DRAFTS = f"i.status = 'draft' AND {_HEADS}"


def _last_day(date_to: str) -> str:
    """The inclusive last day of a period given with an exclusive end."""
    return (dt.date.fromisoformat(date_to) - dt.timedelta(days=1)).isoformat()


def _drafts(store: Store, key: str | None, date_from: str, date_to: str) -> list[tuple[Any, ...]]:
    """(key, count, judged, passed, failed, cheating) of the drafts in the period (one row
    of totals with a None key when *key* is None)."""
    join = " JOIN premises p ON p.id = i.premises_id" if key and key.startswith("p.") else ""
    group = f" GROUP BY {key}" if key else ""
    key = key or "NULL"
    return [
        (r[0], *(int(v or 0) for v in r[1:]))
        for r in store.conn.execute(
            f"SELECT {key}, count(*), count(i.verdict), sum(i.verdict = 'pass'),"
            f" sum(i.verdict = 'fail'), sum({_CHEAT}) FROM inspections i{join}"
            f" WHERE {_DRAFTS}{group}",
            (date_from, date_to),
        )
    ]


def _merged(
    store: Store, keys: tuple[str, ...], draft_key: str | None, date_from: str, date_to: str
) -> dict[Any, list[int]]:
    """key -> [count, judged, passed, failed, cheating], finalized and drafts together."""
    out: dict[Any, list[int]] = {}
    for r in summary.grouped(store, keys, date_from, _last_day(date_to)):
        key = r[0] if keys else None
        out[key] = list(r[len(keys) :])
    for r in _drafts(store, draft_key, date_from, date_to):
        key = r[0] if keys else None
        slot = out.setdefault(key, [0, 0, 0, 0, 0])
        for k, v in enumerate(r[1:]):
            slot[k] += v
    return out


def totals(store: Store, date_from: str, date_to: str) -> dict[str, Any]:
    """Inspections in the period: total, judged (with a verdict), passed, failed, cheating."""
    row = _merged(store, (), None, date_from, date_to).get(None, [0, 0, 0, 0, 0])
    total, judged, passed, failed, cheating = row
    return {
        "total": total,
        "judged": judged,
        "passed": passed,
        "failed": failed,
        "cheating": cheating,
    }


def by_family(store: Store, date_from: str, date_to: str) -> list[tuple[str, int, int]]:
    """(family, judged, passed) for each family with inspections in the period."""
    rows = _merged(store, ("family",), "i.family", date_from, date_to)
    return [(k, v[1], v[2]) for k, v in sorted(rows.items()) if v[0]]


def by_market(
    store: Store, date_from: str, date_to: str, limit: int = 12
) -> list[tuple[str, int, int]]:
    """(market, judged, passed) for the markets with the most inspections in the period."""
    rows = _merged(store, ("market",), "p.market", date_from, date_to)
    ranked = sorted(
        ((k, v[1], v[2]) for k, v in rows.items() if k != "" and v[0]),
        key=lambda r: (-r[1], r[0]),
    )
    return ranked[:limit]


def by_month(store: Store, date_from: str, date_to: str) -> list[tuple[str, int, int, int]]:
    """(YYYY-MM, inspections, failed, with a cheating finding) per month of the period."""
    rows = _merged(store, ("month",), "substr(i.started_at, 1, 7)", date_from, date_to)
    return [(k, v[0], v[3], v[4]) for k, v in sorted(rows.items()) if v[0]]


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
        f" FROM inspections i{summary.indexed_by(store, 'inspections_failed_heads')}"
        " JOIN premises p ON p.id = i.premises_id"
        " WHERE i.superseded_by IS NULL AND i.verdict = 'fail' AND i.started_at >= ?"
        " GROUP BY i.premises_id HAVING days >= 2 ORDER BY days DESC, p.name",
        (date_from,),
    ).fetchall()
    return len(rows), [(r[0], int(r[1])) for r in rows[:limit]]
