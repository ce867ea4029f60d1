"""Goods statistics: prepackaged batches inspected and their pass rate (two decimals, as the
provincial review reports it, e.g. 194 of 203 → 95.57 %) by producer, kind of product,
region and campaign; retail short-weight rechecks by market. No Qt; the SQL is in
:mod:`inspector_app.store.goods_stats`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..store import goods_stats as q
from ..store.office_stats import StatsFilter

__all__ = ["StatsFilter", "goods_statistics", "rate2"]


def rate2(part: int, whole: int) -> Decimal | None:
    """*part* of *whole* in percent, rounded half-up to two decimals (None for no whole)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _rate(r: Decimal | None) -> str | None:
    return None if r is None else str(r)


def goods_statistics(store, f: StatsFilter | None = None) -> dict:
    """Batches and rechecks of the period and region, JSON-ready (rates as strings)."""
    f = f or StatsFilter()
    table = q.batch_table(store, f)  # the period's batches read once
    total = table[None]
    judged = sum(r[1] for r in total)
    passed = sum(r[2] for r in total)
    out: dict = {
        "prepackaged": {
            "batches": judged,
            "passed": passed,
            "failed": judged - passed,
            "pass_rate": _rate(rate2(passed, judged)),
        },
        "retail_rechecks": {},
    }
    for by in q.BATCH_KEYS:
        out["prepackaged"][f"by_{by}"] = [
            {
                by: key,
                "batches": n,
                "passed": p,
                "failed": n - p,
                "pass_rate": _rate(rate2(p, n)),
            }
            for key, n, p in table[by]
        ]
    markets = q.rechecks_by_market(store, f)
    checks = sum(r[1] for r in markets)
    short = sum(r[2] for r in markets)
    out["retail_rechecks"] = {
        "rechecks": checks,
        "short": short,
        "short_rate": _rate(rate2(short, checks)),
        "by_market": [
            {"market": m, "rechecks": n, "short": s, "short_rate": _rate(rate2(s, n))}
            for m, n, s in markets
        ],
    }
    return out
