"""Reading the statistics counts kept as records are written (table ``stat_counts``,
schema 15: per day and per month, premises city, market and kind, family and verdict; the
triggers that keep it are described in ``store/migrations/m015_stat_counts.py``).

A period (first and last day, both included, either open) is read as its whole months
from the month rows plus the days at its ends from the day rows, which gives the same
numbers as counting the inspections whose ``started_at`` falls in the period, and
:func:`mismatches` recounts the whole table for ``check``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .stat_sql import PAIRS_RECOUNT, RECOUNT

if TYPE_CHECKING:
    from .store import Store

# The figures each grouped row carries after its keys.
FIGURES = (
    "sum(n), sum(CASE WHEN verdict <> '' THEN n ELSE 0 END),"
    " sum(CASE WHEN verdict = 'pass' THEN n ELSE 0 END),"
    " sum(CASE WHEN verdict = 'fail' THEN n ELSE 0 END), sum(cheating)"
)
# Group keys a caller may ask for (the column expressions over the period's rows).
KEYS = {
    "month": "substr(period, 1, 7)",
    "city": "city",
    "market": "market",
    "kind": "kind",
    "family": "family",
}


def indexed_by(store: Store, index: str) -> str:
    """SQLite's ``INDEXED BY`` clause naming one of the partial indexes of schema 15 (its
    planner, without table statistics, prefers a plain index whose order suits a GROUP BY
    but reads every row); nothing on PostgreSQL, whose planner has statistics."""
    return f" INDEXED BY {index}" if getattr(store, "engine", "sqlite") == "sqlite" else ""


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def period_rows(first: str | None, last: str | None) -> tuple[str, list[Any]]:
    """A SELECT of the ``stat_counts`` rows that make up the period *first* .. *last*
    (ISO dates, both included; None leaves that end open), each inspection counted once."""
    if not first and not last:
        return "SELECT * FROM stat_counts WHERE grain = 'm'", []
    lo = dt.date.fromisoformat(first) if first else None
    hi = dt.date.fromisoformat(last) + dt.timedelta(days=1) if last else None  # exclusive
    full_from = None if lo is None else (lo if lo.day == 1 else _next_month(lo))
    full_to = None if hi is None else _month_start(hi)  # exclusive
    parts: list[str] = []
    params: list[Any] = []
    if full_from is not None and full_to is not None and full_from >= full_to:
        parts.append("SELECT * FROM stat_counts WHERE grain = 'd' AND period >= ? AND period < ?")
        params += [lo.isoformat() if lo else "", hi.isoformat() if hi else ""]
    else:
        month = ["grain = 'm'"]
        if full_from is not None:
            month.append("period >= ?")
            params.append(full_from.isoformat()[:7])
        if full_to is not None:
            month.append("period < ?")
            params.append(full_to.isoformat()[:7])
        parts.append("SELECT * FROM stat_counts WHERE " + " AND ".join(month))
        if lo is not None and full_from is not None and lo < full_from:
            parts.append(
                "SELECT * FROM stat_counts WHERE grain = 'd' AND period >= ? AND period < ?"
            )
            params += [lo.isoformat(), full_from.isoformat()]
        if hi is not None and full_to is not None and full_to < hi:
            parts.append(
                "SELECT * FROM stat_counts WHERE grain = 'd' AND period >= ? AND period < ?"
            )
            params += [full_to.isoformat(), hi.isoformat()]
    return " UNION ALL ".join(parts), params


def grouped(
    store: Store,
    keys: tuple[str, ...],
    first: str | None,
    last: str | None,
    *,
    city: str | None = None,
    market: str | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of (*keys*..., inspections, judged, passed, failed, with a cheating finding) of
    the counted inspections in the period, premises in *city* / *market* when given; groups
    without inspections are left out. No keys: one row of totals (zeros when empty)."""
    rows_sql, params = period_rows(first, last)
    where = []
    if city:
        where.append("city = ?")
        params.append(city)
    if market:
        where.append("market = ?")
        params.append(market)
    cols = [KEYS[k] for k in keys]
    sql = f"SELECT {', '.join([*cols, FIGURES])} FROM ({rows_sql}) s"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if cols:
        sql += f" GROUP BY {', '.join(cols)} HAVING sum(n) > 0"
    out = []
    for r in store.conn.execute(sql, params):
        out.append((*r[: len(cols)], *(int(v or 0) for v in r[len(cols) :])))
    return out


def pending_reviews(store: Store) -> int:
    """Counted inspections without any review yet: the review queue's length with every
    origin included and no other filter."""
    row = store.conn.execute(
        "SELECT sum(n) - sum(reviewed) FROM stat_counts WHERE grain = 'm'"
    ).fetchone()
    return int(row[0] or 0)


def mismatches(conn: Any, limit: int = 20) -> list[str]:
    """How the kept counts differ from a recount of the inspections: one sentence per
    differing row (at most *limit*), none when they agree."""
    kept = {
        tuple(r[:7]): (int(r[7]), int(r[8]), int(r[9]))
        for r in conn.execute(
            "SELECT grain, period, city, market, kind, family, verdict, n, cheating, reviewed"
            " FROM stat_counts WHERE n <> 0 OR cheating <> 0 OR reviewed <> 0"
        )
    }
    fresh = {tuple(r[:7]): (int(r[7]), int(r[8]), int(r[9])) for r in conn.execute(RECOUNT)}
    out = _pair_mismatches(conn, limit)
    for key in sorted(set(kept) | set(fresh)):
        a, b = kept.get(key, (0, 0, 0)), fresh.get(key, (0, 0, 0))
        if a != b:
            grain, period, city, market, kind, family, verdict = key
            out.append(
                f"{'day' if grain == 'd' else 'month'} {period or '(no date)'}, {city or '-'}"
                f" / {market or '-'} / {kind}, {family}, {verdict or 'no verdict'}: kept"
                f" {a[0]} inspections ({a[1]} with cheating, {a[2]} reviewed), recounted"
                f" {b[0]} ({b[1]}, {b[2]})"
            )
            if len(out) >= limit:
                break
    return out


def _pair_mismatches(conn: Any, limit: int) -> list[str]:
    kept = {
        (r[0], r[1]): int(r[2])
        for r in conn.execute("SELECT instrument_id, premises_id, n FROM search_pairs WHERE n <> 0")
    }
    fresh = {(r[0], r[1]): int(r[2]) for r in conn.execute(PAIRS_RECOUNT)}
    out = []
    for key in sorted(set(kept) | set(fresh)):
        if kept.get(key, 0) != fresh.get(key, 0):
            out.append(
                f"instrument {key[0]} at premises {key[1]}: kept {kept.get(key, 0)} newest"
                f" revisions for the search count, recounted {fresh.get(key, 0)}"
            )
            if len(out) >= limit:
                break
    return out


def search_count(
    conn: Any, premises: str, instruments: str, id_from: str, id_to: str, inspectors: list[str]
) -> int:
    """How many newest revisions a free-text search matches: those whose premises or
    instrument matches (*premises*, *instruments*: JSON arrays of ids), summed from the kept
    counts per instrument and premises, plus those matched only by an id starting with the
    text (*id_from* .. *id_to*) or by an inspector's name, counted row by row (few)."""
    kept = conn.execute(
        "SELECT coalesce(sum(n), 0) FROM search_pairs"
        " WHERE premises_id IN (SELECT value FROM json_each(?))"
        " OR instrument_id IN (SELECT value FROM json_each(?))",
        (premises, instruments),
    ).fetchone()[0]
    other = ["(i.id >= ? AND i.id < ?)"]
    params: list[Any] = [id_from, id_to]
    if inspectors:
        other.append(f"i.inspector IN ({', '.join('?' for _ in inspectors)})")
        params += inspectors
    rest = conn.execute(
        f"SELECT count(*) FROM inspections i WHERE ({' OR '.join(other)})"
        " AND i.superseded_by IS NULL"
        " AND i.premises_id NOT IN (SELECT value FROM json_each(?))"
        " AND i.instrument_id NOT IN (SELECT value FROM json_each(?))",
        (*params, premises, instruments),
    ).fetchone()[0]
    return int(kept) + int(rest)
