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
