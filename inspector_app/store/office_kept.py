"""Reading what the office statistics keep as records are written (schema 17, the triggers
in ``store/migrations/m017_office_stats.py``): the failures by cause and the failed tests
of a period and region (``stat_failures``), the distinct premises and instruments of a
period from the days of each year they were inspected on (``stat_premises_days``,
``stat_instrument_days``), and :func:`mismatches`, their recount for ``check``.

A period (first and last day, both included, either open) is read as its whole months from
the month rows plus the days at its ends from the day rows, as the kept counts of schema 15
are (``store/summary.py``), which gives the same figures as counting the inspections whose
``started_at`` falls in the period.

:func:`add_new` adds the rows of records written while the triggers were laid aside (a bulk
load, ``store/stat_sql.py``): the recounts narrowed to those records, built from the
migration's own fragments, so they count exactly as its triggers do.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .migrations.m017_office_stats import (
    _COUNTED,
    _I_KEY,
    _KEY,
    _P_KEY,
    _UPSERT,
    _W,
    INSTRUMENT_DAYS,
    PREMISES_DAYS,
    RECOUNT,
    _grouped,
    _or_upsert,
)

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


# -- distinct premises and instruments ------------------------------------------------------


def _signed(word: int) -> int:
    """A 64-bit word as the signed integer both engines store."""
    return word - (1 << 64) if word >= 1 << 63 else word


def _day_words(start: dt.date, end: dt.date) -> list[int]:
    """The six words of the days *start* .. *end* (exclusive), all in one year."""
    words = [0] * 6
    day = start
    while day < end:
        index = (day.month - 1) * 31 + day.day - 1
        words[index // 64] |= 1 << (index % 64)
        day += dt.timedelta(days=1)
    return [_signed(w) for w in words]


def _days_parts(first: str | None, last: str | None) -> tuple[list[tuple[str, list[Any]]], bool]:
    """(condition on ``year`` and the words, its parameters) for each part of the period
    (its first year, the years between, its last year) picking the rows with a day in it,
    and whether one premises may have a row in several parts."""
    lo = dt.date.fromisoformat(first) if first else None
    hi = dt.date.fromisoformat(last) + dt.timedelta(days=1) if last else None  # exclusive
    ya = lo.year if lo else None
    yb = (hi - dt.timedelta(days=1)).year if hi else None
    parts: list[tuple[str, list[Any]]] = []

    def year_part(year: int, start: dt.date, end: dt.date) -> None:
        words = _day_words(start, end)
        terms = [f"(w{j} & ?) <> 0" for j in range(6) if words[j]]
        if terms:
            parts.append(
                (f"year = ? AND ({' OR '.join(terms)})", [f"{year:04d}", *(w for w in words if w)])
            )

    if lo is not None and hi is not None and ya == yb:
        year_part(lo.year, lo, hi)
        return parts, False
    if lo is not None:
        year_part(lo.year, lo, dt.date(lo.year + 1, 1, 1))
    if ya is None or yb is None or yb - ya > 1:  # whole years between the ends
        middle = "(" + " OR ".join(f"w{j} <> 0" for j in range(6)) + ")"
        between: list[Any] = []
        if ya is not None:
            middle += " AND year > ?"
            between.append(f"{ya:04d}")
        if yb is not None:
            middle += " AND year < ?"
            between.append(f"{yb:04d}")
        parts.append((middle, between))
    if hi is not None and yb is not None:
        year_part(yb, dt.date(yb, 1, 1), hi)
    return parts, True


def _places(city: str | None, market: str | None) -> tuple[list[str], list[Any]]:
    columns = [(c, v) for c, v in (("city", city), ("market", market)) if v]
    return [f"{c} = ?" for c, _v in columns], [v for _c, v in columns]


def _each_once(selects: list[str], order: str) -> str:
    """The rows of *selects* (parts of a period, each read in key order) with each row
    once: two or more parts merged by a UNION in key order *order* (SQLite merges the
    sorted parts instead of building a temporary tree of every row: on a year across two
    calendar years of the 100k database, a third fewer instructions than
    ``count(DISTINCT ...)`` over the parts' rows)."""
    if len(selects) == 1:
        return f"SELECT DISTINCT * FROM ({selects[0]}) e"
    return f"{' UNION '.join(selects)} ORDER BY {order}"


def distinct_premises(
    store: Store, first: str | None, last: str | None, city: str | None, market: str | None
) -> dict[str, int]:
    """kind -> premises with a counted inspection in the period and region."""
    parts, several = _days_parts(first, last)
    if not parts:
        return {}
    place, values = _places(city, market)
    selects, params = [], []
    for condition, bound in parts:
        selects.append(
            "SELECT premises_id, kind FROM stat_premises_days"
            f" WHERE {' AND '.join([condition, *place])}"
        )
        params += [*bound, *values]
    # (one year: one row per premises)
    rows = _each_once(selects, "1") if several else selects[0]
    return {
        r[0]: int(r[1])
        for r in store.conn.execute(f"SELECT kind, count(*) FROM ({rows}) d GROUP BY kind", params)
    }


def distinct_instruments(
    store: Store, first: str | None, last: str | None, city: str | None, market: str | None
) -> dict[str, int]:
    """family -> instruments with a counted inspection in the period at a premises of the
    region."""
    parts, several = _days_parts(first, last)
    if not parts:
        return {}
    place, values = _places(city, market)
    at = ""
    if place:
        at = f" AND premises_id IN (SELECT id FROM premises WHERE {' AND '.join(place)})"
    selects, params = [], []
    for condition, bound in parts:
        selects.append(
            f"SELECT family, instrument_id FROM stat_instrument_days WHERE {condition}{at}"
        )
        params += [*bound, *values]
    if several:
        sql = f"SELECT family, count(*) FROM ({_each_once(selects, '1, 2')}) d"
    else:  # one year, read in key order (an instrument may have a row at several premises)
        sql = f"SELECT family, count(DISTINCT instrument_id) FROM ({selects[0]}) d"
    return {r[0]: int(r[1]) for r in store.conn.execute(f"{sql} GROUP BY family", params)}


def mismatches(conn: Any, limit: int = 20) -> list[tuple[str, str]]:
    """How the kept failure rows and days differ from a recount of the inspections: (table,
    one sentence) per differing row (at most *limit*), none when they agree."""
    out = _day_mismatches(conn, limit)
    kept = {
        tuple(r[:7]): int(r[7])
        for r in conn.execute(
            "SELECT grain, period, city, market, what, key, text, n FROM stat_failures WHERE n <> 0"
        )
    }
    fresh = {tuple(r[:7]): int(r[7]) for r in conn.execute(RECOUNT)}
    for key in sorted(set(kept) | set(fresh)):
        if len(out) >= limit:
            break
        a, b = kept.get(key, 0), fresh.get(key, 0)
        if a != b:
            grain, period, city, market, what, name, text = key
            subject = {
                "cause": f"failed with finding {name} ({text[:40]})",
                "none": "failed without a finding",
                "test": f"with a failed {name} test",
            }.get(what, f"{what} {name}")
            out.append(
                (
                    "stat_failures",
                    f"{'day' if grain == 'd' else 'month'} {period or '(no date)'},"
                    f" {city or '-'} / {market or '-'}: kept {a} inspections {subject},"
                    f" recounted {b}",
                )
            )
    return out


def _day_mismatches(conn: Any, limit: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for table, width, recount, what in (
        ("stat_premises_days", 5, PREMISES_DAYS, "premises"),
        ("stat_instrument_days", 4, INSTRUMENT_DAYS, "instrument"),
    ):
        nonzero = " OR ".join(f"w{j} <> 0" for j in range(6))
        kept = {
            tuple(r[:width]): tuple(int(v) for v in r[width:])
            for r in conn.execute(f"SELECT * FROM {table} WHERE {nonzero}")
        }
        fresh = {tuple(r[:width]): tuple(int(v) for v in r[width:]) for r in conn.execute(recount)}
        for key in sorted(set(kept) | set(fresh)):
            if len(out) >= limit:
                return out
            a, b = kept.get(key, (0,) * 6), fresh.get(key, (0,) * 6)
            if a != b:
                days = [sum(bin(w & ((1 << 64) - 1)).count("1") for w in x) for x in (a, b)]
                out.append(
                    (
                        table,
                        f"{what} {' / '.join(str(k) for k in key[1:])} in"
                        f" {key[0] or '(no date)'}: kept as inspected on {days[0]} days,"
                        f" recounted {days[1]} (or other days)",
                    )
                )
    return out


# ---- the rows of records written while the triggers were laid aside --------------------

# the recounts narrowed to the records of one write (their ids as a JSON list, :ids)
_NEW = " AND i.id IN (SELECT value FROM json_each(:ids))"
_NARROWED_DAYS = f"WHERE {_COUNTED}{_NEW}"
# failures: additive (``text`` is part of the key: each smallest text keeps its own row)
ADD_FAILURES = (
    f"INSERT INTO stat_failures ({_KEY}, n) SELECT * FROM"
    f" ({_grouped(_NEW, 'p.city', 'p.market', '')}) WHERE true{_UPSERT}"
)
# days: the new records' bits laid over the existing row's with OR
ADD_PREMISES_DAYS = (
    f"INSERT INTO stat_premises_days ({_P_KEY}, kind, city, market, {_W}) SELECT * FROM"
    f" ({PREMISES_DAYS.replace(f'WHERE {_COUNTED}', _NARROWED_DAYS)}) WHERE true"
    f"{_or_upsert('stat_premises_days', _P_KEY)}"
)
ADD_INSTRUMENT_DAYS = (
    f"INSERT INTO stat_instrument_days ({_I_KEY}, {_W}) SELECT * FROM"
    f" ({INSTRUMENT_DAYS.replace(f'WHERE {_COUNTED}', _NARROWED_DAYS)}) WHERE true"
    f"{_or_upsert('stat_instrument_days', _I_KEY)}"
)
_SHAPE = (ADD_FAILURES.count(_NEW), ADD_PREMISES_DAYS.count(_NEW), ADD_INSTRUMENT_DAYS.count(_NEW))
if _SHAPE != (3, 1, 1):  # the recounts changed shape
    raise RuntimeError("store.office_kept: the recounts no longer narrow to the written records")


def add_new(conn: Any, ids_json: str) -> None:
    """Add the failure rows and day bits of the counted inspections *ids_json* (a JSON list
    of ids) written while migration 17's triggers were laid aside, as its insert triggers
    would have (SQLite, inside the write transaction)."""
    for stmt in (ADD_FAILURES, ADD_PREMISES_DAYS, ADD_INSTRUMENT_DAYS):
        conn.execute(stmt, {"ids": ids_json})
