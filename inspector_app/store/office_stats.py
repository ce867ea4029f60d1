"""SQL behind the office statistics: per period and region (city, optionally market).

Counted: finalized inspections, newest revision of each record (``superseded_by IS NULL``),
``started_at`` in the period (both ends inclusive), premises in the city / market. The same
selection as the summary report (:mod:`inspector_app.store.reports`), so the numbers agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import office_kept, summary
from .filters import SEALED_HEADS, iso_date, period

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


def _dates(f: StatsFilter) -> tuple[str | None, str | None]:
    """The filter's first and last day (checked: InputError for a wrong one)."""
    first, last = iso_date(f.date_from, "from"), iso_date(f.date_to, "to")
    period(first, last)  # (refuses a period that ends before it starts)
    return first, last


def _kept(store: Store, f: StatsFilter, *keys: str) -> list[tuple[Any, ...]]:
    """(keys..., inspections, judged, passed, failed, cheating) from the kept counts."""
    first, last = _dates(f)
    return summary.grouped(store, keys, first, last, city=f.city, market=f.market)


def _heads_where(f: StatsFilter) -> tuple[str, list[Any]]:
    """The filter over counted inspections ``i`` without the premises join (city and
    market asked of the premises by id)."""
    dates, params = period(f.date_from, f.date_to)
    clauses = [*SEALED_HEADS, *dates]
    for column, value in (("city", f.city), ("market", f.market)):
        if value:
            clauses.append(f"i.premises_id IN (SELECT id FROM premises WHERE {column} = ?)")
            params.append(value)
    return " AND ".join(clauses), params


@dataclass
class Distinct:
    """The premises (by kind) and instruments (by family) counted in a filter: asked once
    per statistics page, shared by its totals and breakdowns."""

    premises: dict[str, int]
    instruments: dict[str, int]


def distinct(store: Store, f: StatsFilter) -> Distinct:
    """From the days each premises and instrument was inspected on, kept per year
    (:mod:`.office_kept`)."""
    first, last = _dates(f)
    return Distinct(
        office_kept.distinct_premises(store, first, last, f.city, f.market),
        office_kept.distinct_instruments(store, first, last, f.city, f.market),
    )


@dataclass
class Kept:
    """The kept counts of a filter grouped by month, city, kind and family: (month, city,
    kind, family, inspections, judged, passed, failed, cheating) rows, read once per
    statistics page and summed here for its totals and breakdowns."""

    rows: list[tuple[Any, ...]]
    # key (or None) -> its [value, inspections, judged, passed, failed, cheating] rows,
    # summed for every key in one pass over the rows when first asked
    _sums: dict[str | None, list[list[Any]]] | None = None

    def summed(self, key: str | None) -> list[list[Any]]:
        if self._sums is None:
            self._sums = _sum_all(self.rows)
        return self._sums[key]


_KEPT_KEYS = ("month", "city", "kind", "family")


def _sum_all(rows: list[tuple[Any, ...]]) -> dict[str | None, list[list[Any]]]:
    """[value, inspections, judged, passed, failed, cheating] per value of each key of
    ``_KEPT_KEYS`` (groups without inspections left out) and under None one row of totals
    with the value None."""
    total: list[Any] = [None, 0, 0, 0, 0, 0]
    groups: list[dict[Any, list[Any]]] = [{} for _ in _KEPT_KEYS]
    for month, city, kind, family, n, judged, passed, failed, cheating in rows:
        for out, value in zip(groups, (month, city, kind, family), strict=True):
            slot = out.get(value)
            if slot is None:
                slot = out[value] = [value, 0, 0, 0, 0, 0]
            slot[1] += n
            slot[2] += judged
            slot[3] += passed
            slot[4] += failed
            slot[5] += cheating
        total[1] += n
        total[2] += judged
        total[3] += passed
        total[4] += failed
        total[5] += cheating
    sums: dict[str | None, list[list[Any]]] = {None: [total]}
    for key, out in zip(_KEPT_KEYS, groups, strict=True):
        sums[key] = [v for v in out.values() if v[1]]
    return sums


def kept(store: Store, f: StatsFilter) -> Kept:
    return Kept(_kept(store, f, *_KEPT_KEYS))


def _summed(store: Store, f: StatsFilter, k: Kept | None, key: str | None) -> list[list[Any]]:
    """[key, inspections, judged, passed, failed, cheating] per value of *key* (one of
    ``_KEPT_KEYS``; None: one row of totals with the key None), groups without
    inspections left out."""
    return (k or kept(store, f)).summed(key)


def totals(
    store: Store, f: StatsFilter, d: Distinct | None = None, k: Kept | None = None
) -> dict[str, Any]:
    d = d or distinct(store, f)
    _key, n, judged, passed, failed, cheating = _summed(store, f, k, None)[0]
    return {
        "inspections": n,
        "premises": sum(d.premises.values()),
        "instruments": sum(d.instruments.values()),
        "judged": judged,
        "passed": passed,
        "failed": failed,
        "cheating": cheating,
    }


def premises_by_kind(
    store: Store, f: StatsFilter, d: Distinct | None = None, k: Kept | None = None
) -> list[tuple[str, int, int]]:
    """(kind, premises inspected, inspections)."""
    premises = (d or distinct(store, f)).premises
    rows = [(kind, premises.get(kind, 0), n) for kind, n, *_ in _summed(store, f, k, "kind")]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def instruments_by_family(
    store: Store, f: StatsFilter, d: Distinct | None = None, k: Kept | None = None
) -> list[tuple[str, int, int, int, int]]:
    """(family, instruments checked, inspections, passed, failed)."""
    instruments = (d or distinct(store, f)).instruments
    rows = [
        (family, instruments.get(family, 0), n, passed, failed)
        for family, n, _judged, passed, failed, _cheating in _summed(store, f, k, "family")
    ]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def failures_by_cause(store: Store, f: StatsFilter) -> list[tuple[str, str, int]]:
    """(finding code, an example text (the smallest), failed inspections with that
    finding); failed inspections without any finding count under the code '' (from the
    kept failure rows, :mod:`.office_kept`)."""
    first, last = _dates(f)
    return office_kept.failures_by_cause(store, first, last, f.city, f.market)


def failed_tests(store: Store, f: StatsFilter) -> list[tuple[str, int]]:
    """(test kind, counted inspections in which that test failed)."""
    first, last = _dates(f)
    return office_kept.failed_tests(store, first, last, f.city, f.market)


def by_city(store: Store, f: StatsFilter, k: Kept | None = None) -> list[tuple[str, int, int, int]]:
    """(city, inspections, passed, failed)."""
    rows = [(c, n, p, x) for c, n, _j, p, x, _c in _summed(store, f, k, "city")]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def by_month(
    store: Store, f: StatsFilter, k: Kept | None = None
) -> list[tuple[str, int, int, int, int]]:
    """(YYYY-MM, inspections, passed, failed, cheating)."""
    return sorted((m, n, p, x, c) for m, n, _j, p, x, c in _summed(store, f, k, "month"))


def cheating_cases(store: Store, f: StatsFilter, limit: int = 500) -> list[tuple[Any, ...]]:
    """(inspection id, started_at, premises, city, family, inspector, code, text, legal basis)."""
    w, params = where(f)
    return [
        tuple(r)
        for r in store.conn.execute(
            # from the few cheating findings (their partial index) to their inspections
            "SELECT i.id, i.started_at, p.name, p.city, i.family, i.inspector, fi.code, fi.text, fi.legal_basis"
            " FROM findings fi CROSS JOIN inspections i CROSS JOIN premises p"
            f"{w} AND fi.cheating = 1 AND i.id = fi.inspection_id AND p.id = i.premises_id"
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


def failed_heads(store: Store, f: StatsFilter) -> dict[str, list[str]]:
    """family -> the ids of the failed inspections in the filter (from the partial index
    of failed records, without reading the records): one row per family, its ids joined
    (a row per record cost more than counting the questions)."""
    w, params = _heads_where(f)
    out: dict[str, list[str]] = {}
    for family, joined, n in store.conn.execute(
        f"SELECT i.family, group_concat(i.id, ','), count(*) FROM inspections i"
        f"{summary.indexed_by(store, 'inspections_failed_counted')}"
        f" WHERE {w} AND i.verdict = 'fail' GROUP BY i.family",
        params,
    ):
        ids = joined.split(",")
        if len(ids) != n:  # (an id with a comma: not one the program makes or imports)
            ids = [
                r[0]
                for r in store.conn.execute(
                    f"SELECT i.id FROM inspections i WHERE {w} AND i.verdict = 'fail'"
                    " AND i.family = ?",
                    [*params, family],
                )
            ]
        out[family] = ids
    return out


def checklists(store: Store, ids: list[str]) -> list[tuple[str, str, str]]:
    """(id, family, checklist JSON) of these inspections."""
    out: list[tuple[str, str, str]] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out += [
            (r[0], r[1], r[2] or "{}")
            for r in store.conn.execute(
                "SELECT id, family, checklist_json FROM inspections"
                f" WHERE id IN ({', '.join('?' for _ in chunk)})",
                chunk,
            )
        ]
    return out
