"""SQL behind the goods statistics: prepackaged batches and retail short-weight rechecks.

Counted as the office statistics count (:mod:`.office_stats`): finalized inspections, the
newest revision of each record, started in the period, premises in the city / market. A
batch's producer and kind of product come from its product data (the batch's "instrument"),
its campaign from the sampling form of its test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .office_stats import StatsFilter, where

if TYPE_CHECKING:
    from .store import Store

_FROM = (
    " FROM inspections i JOIN premises p ON p.id = i.premises_id"
    " JOIN instruments n ON n.id = i.instrument_id"
)
BATCH_KEYS = {
    "producer": "json_extract(n.metrology_json, '$.producer')",
    "product_kind": "json_extract(n.metrology_json, '$.product_kind')",
    "city": "p.city",
    "campaign": "json_extract(i.tests_json, '$[0].sampling.campaign')",
}
"""What batches can be counted by, and the SQL of each key."""


def batches(store: Store, f: StatsFilter, by: str | None = None) -> list[tuple[str, int, int]]:
    """(key, batches judged, batches passed) of prepackaged batches, by *by* (one of
    :data:`BATCH_KEYS`), or one row with key "" for all of them."""
    w, params = where(f)
    key = "''" if by is None else BATCH_KEYS[by]
    rows = store.conn.execute(
        f"SELECT coalesce({key}, '') AS k, count(i.verdict), coalesce(sum(i.verdict = 'pass'), 0)"
        f"{_FROM}{w} AND i.family = 'prepackaged' GROUP BY k ORDER BY count(i.verdict) DESC, k",
        params,
    ).fetchall()
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]


def batch_table(store: Store, f: StatsFilter) -> dict[str | None, list[tuple[str, int, int]]]:
    """:func:`batches` for all of them (None) and by every key of :data:`BATCH_KEYS`, from
    one reading of the period's batches (their product data and sampling forms are read
    once, not once per key)."""
    w, params = where(f)
    picked = ", ".join(f"{sql} AS {key}" for key, sql in BATCH_KEYS.items())
    parts = [
        "SELECT '' AS grp, '' AS k, count(verdict) AS n, coalesce(sum(verdict = 'pass'), 0) FROM b"
    ]
    parts += [
        f"SELECT '{key}', coalesce({key}, ''), count(verdict), coalesce(sum(verdict = 'pass'), 0)"
        f" FROM b GROUP BY coalesce({key}, '')"
        for key in BATCH_KEYS
    ]
    rows = store.conn.execute(
        f"WITH b AS MATERIALIZED (SELECT {picked}, i.verdict AS verdict{_FROM}{w}"
        " AND i.family = 'prepackaged') " + " UNION ALL ".join(parts) + " ORDER BY 1, 3 DESC, 2",
        params,
    ).fetchall()
    out: dict[str | None, list[tuple[str, int, int]]] = {None: [], **{k: [] for k in BATCH_KEYS}}
    for grp, key, n, passed in rows:
        out[grp or None].append((str(key), int(n), int(passed)))
    return out


def rechecks_by_market(store: Store, f: StatsFilter) -> list[tuple[str, int, int]]:
    """(market, short-weight rechecks judged, rechecks that found goods short beyond the
    permitted deviation) per market ("" for premises outside a market)."""
    w, params = where(f)
    rows = store.conn.execute(
        f"SELECT p.market, count(i.verdict), coalesce(sum(i.verdict = 'fail'), 0)"
        f"{_FROM}{w} AND i.family = 'retail_goods'"
        " GROUP BY p.market ORDER BY count(i.verdict) DESC, p.market",
        params,
    ).fetchall()
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]
