"""Reading the failure figures kept as records are written (table ``stat_failures``, the
triggers in ``store/migrations/m017_office_stats.py``): the failures by cause and the
failed tests of a period and region, and :func:`mismatches`, their recount for ``check``.

A period (first and last day, both included, either open) is read as its whole months from
the month rows plus the days at its ends from the day rows, as the kept counts of schema 15
are (``store/summary.py``), which gives the same figures as counting the inspections whose
``started_at`` falls in the period.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .migrations.m017_office_stats import RECOUNT

if TYPE_CHECKING:
    from .store import Store


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def period_ranges(first: str | None, last: str | None) -> list[tuple[str, str | None, str | None]]:
    """(grain, from, to) of the kept rows that make up the period *first* .. *last* (ISO
    dates, both included; None leaves that end open): the period column from (inclusive)
    to (exclusive), None for no bound; each day counted once."""
    lo = dt.date.fromisoformat(first) if first else None
    hi = dt.date.fromisoformat(last) + dt.timedelta(days=1) if last else None  # exclusive
    full_from = None if lo is None else (lo if lo.day == 1 else _next_month(lo))
    full_to = None if hi is None else hi.replace(day=1)  # exclusive
    if lo is not None and hi is not None and full_from is not None and full_to is not None:
        if full_from >= full_to:  # no whole month: the days alone
            return [("d", lo.isoformat(), hi.isoformat())]
    out: list[tuple[str, str | None, str | None]] = [
        (
            "m",
            None if full_from is None else full_from.isoformat()[:7],
            None if full_to is None else full_to.isoformat()[:7],
        )
    ]
    if lo is not None and full_from is not None and lo < full_from:
        out.append(("d", lo.isoformat(), full_from.isoformat()))
    if hi is not None and full_to is not None and full_to < hi:
        out.append(("d", full_to.isoformat(), hi.isoformat()))
    return out


def period_where(first: str | None, last: str | None) -> tuple[str, list[Any]]:
    """A condition on ``grain`` and ``period`` picking the rows of the period."""
    parts, params = [], []
    for grain, start, end in period_ranges(first, last):
        terms = ["grain = ?"]
        params.append(grain)
        if start is not None:
            terms.append("period >= ?")
            params.append(start)
        if end is not None:
            terms.append("period < ?")
            params.append(end)
        parts.append("(" + " AND ".join(terms) + ")")
    return "(" + " OR ".join(parts) + ")", params


def _failure_rows(
    store: Store,
    what: str,
    first: str | None,
    last: str | None,
    city: str | None,
    market: str | None,
) -> list[tuple[Any, ...]]:
    """(key, example text, inspections) of one kind of kept failure row in the period and
    region, keys without inspections left out, most inspections first."""
    where, params = period_where(first, last)
    clauses = [where, "what = ?"]
    params.append(what)
    for column, value in (("city", city), ("market", market)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    return [
        (r[0], r[1] or "", int(r[2]))
        for r in store.conn.execute(
            "SELECT key, min(CASE WHEN n > 0 THEN text END), sum(n) FROM stat_failures"
            f" WHERE {' AND '.join(clauses)} GROUP BY key HAVING sum(n) > 0"
            " ORDER BY sum(n) DESC, key",
            params,
        )
    ]


def failures_by_cause(
    store: Store, first: str | None, last: str | None, city: str | None, market: str | None
) -> list[tuple[str, str, int]]:
    """(finding code, an example text, failed inspections with that finding); failed
    inspections without any finding count under the code '' (last)."""
    rows = [
        (str(k), str(t), n) for k, t, n in _failure_rows(store, "cause", first, last, city, market)
    ]
    none = _failure_rows(store, "none", first, last, city, market)
    if none:
        rows.append(("", "", none[0][2]))
    return rows


def failed_tests(
    store: Store, first: str | None, last: str | None, city: str | None, market: str | None
) -> list[tuple[str, int]]:
    """(test kind, counted inspections in which a test of that kind failed)."""
    return [(str(k), n) for k, _t, n in _failure_rows(store, "test", first, last, city, market)]


def mismatches(conn: Any, limit: int = 20) -> list[str]:
    """How the kept failure rows differ from a recount of the inspections: one sentence per
    differing row (at most *limit*), none when they agree."""
    kept = {
        tuple(r[:7]): int(r[7])
        for r in conn.execute(
            "SELECT grain, period, city, market, what, key, text, n FROM stat_failures WHERE n <> 0"
        )
    }
    fresh = {tuple(r[:7]): int(r[7]) for r in conn.execute(RECOUNT)}
    out = []
    for key in sorted(set(kept) | set(fresh)):
        a, b = kept.get(key, 0), fresh.get(key, 0)
        if a != b:
            grain, period, city, market, what, name, text = key
            subject = {
                "cause": f"failed with finding {name} ({text[:40]})",
                "none": "failed without a finding",
                "test": f"with a failed {name} test",
            }.get(what, f"{what} {name}")
            out.append(
                f"{'day' if grain == 'd' else 'month'} {period or '(no date)'},"
                f" {city or '-'} / {market or '-'}: kept {a} inspections {subject},"
                f" recounted {b}"
            )
            if len(out) >= limit:
                break
    return out
