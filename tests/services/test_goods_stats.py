"""Goods statistics from a real database: prepackaged batches and their pass rate by
producer, kind of product, city and campaign; retail rechecks by market."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.services import drafts
from inspector_app.services.goods_stats import StatsFilter, goods_statistics, rate2
from inspector_app.services.inspections import save_and_evaluate


def batch(store, premises, producer, kind, campaign, ok, day="2026-11-10", finalize=True):
    ins = store.instruments.save(
        Instrument(
            new_id(),
            premises.id,
            "prepackaged",
            metrology={"product": "大米", "producer": producer, "product_kind": kind},
        )
    )
    insp = drafts.new_draft(store, ins.id, "赵敏")
    values = ["5"] * 9 + (["5"] if ok else ["4.8"])  # 4.8 kg is short by 0.2 > 2T = 0.15
    test = {
        "kind": "net_content",
        "quantity": "mass",
        "nominal": "5",
        "unit": "kg",
        "batch_size": 30,
        "sampling": {"campaign": campaign},
        "units": [{"net": v} for v in values],
    }
    saved = save_and_evaluate(
        store, dataclasses.replace(insp, tests=[test], started_at=f"{day}T09:00"), "赵敏"
    )
    assert saved.verdict == ("pass" if ok else "fail")
    return store.inspections.finalize(saved.id, "赵敏") if finalize else saved


def recheck(store, premises, short):
    ins = store.instruments.save(Instrument(new_id(), premises.id, "retail_goods", "大华"))
    insp = drafts.new_draft(store, ins.id, "赵敏")
    test = {
        "kind": "short_weight",
        "unit_price": "12",
        "settled_weight": "2",
        "actual_weight": "1.99" if short else "2",
        "recheck": "high_accuracy",
    }
    saved = save_and_evaluate(
        store, dataclasses.replace(insp, tests=[test], started_at="2026-11-12T10:00"), "赵敏"
    )
    return store.inspections.finalize(saved.id, "赵敏")


@pytest.fixture
def db_path(office_db_path):
    """The office database on each engine (SQLite, PostgreSQL)."""
    return office_db_path


def test_rate_to_two_decimals():
    assert rate2(194, 203) == Decimal("95.57")  # the provincial review's 203 batches
    assert rate2(1, 3) == Decimal("33.33")
    assert rate2(2, 3) == Decimal("66.67")
    assert rate2(0, 0) is None


def test_batches_and_rechecks_counted(store):
    hefei = store.premises.save(Premises(new_id(), "producer", "米业甲", city="合肥市"))
    wuhu = store.premises.save(Premises(new_id(), "supermarket", "超市乙", city="芜湖市"))
    c1, c2 = "2026 净含量专项", "双节抽查"
    batch(store, hefei, "米业甲", "food", c1, True)
    batch(store, hefei, "米业甲", "food", c1, True)
    failed = batch(store, hefei, "米业甲", "food", c2, False)
    batch(store, wuhu, "油脂丙", "food", c2, True)
    batch(store, wuhu, "日化丁", "daily_chemical", c2, False)
    batch(store, wuhu, "日化丁", "daily_chemical", c2, False, finalize=False)  # a draft
    batch(store, wuhu, "日化丁", "daily_chemical", c2, True, day="2026-12-02")  # next month
    # a corrected record counts once, as its newest revision
    fixed = store.inspections.correct(failed.id, "wrong batch number", "赵敏")
    store.inspections.finalize(fixed.id, "赵敏")

    market_a = store.premises.save(
        Premises(new_id(), "market_stall", "摊位1", market="周谷堆市场", city="合肥市")
    )
    market_b = store.premises.save(
        Premises(new_id(), "market_stall", "摊位2", market="城隍庙市场", city="合肥市")
    )
    recheck(store, market_a, short=True)
    recheck(store, market_a, short=False)
    recheck(store, market_b, short=True)

    nov = StatsFilter("2026-11-01", "2026-11-30")
    g = goods_statistics(store, nov)
    pre = g["prepackaged"]
    assert (pre["batches"], pre["passed"], pre["failed"], pre["pass_rate"]) == (5, 3, 2, "60.00")
    assert pre["by_producer"] == [
        {"producer": "米业甲", "batches": 3, "passed": 2, "failed": 1, "pass_rate": "66.67"},
        {"producer": "日化丁", "batches": 1, "passed": 0, "failed": 1, "pass_rate": "0.00"},
        {"producer": "油脂丙", "batches": 1, "passed": 1, "failed": 0, "pass_rate": "100.00"},
    ]
    assert [(r["product_kind"], r["batches"]) for r in pre["by_product_kind"]] == [
        ("food", 4),
        ("daily_chemical", 1),
    ]
    assert [(r["city"], r["pass_rate"]) for r in pre["by_city"]] == [
        ("合肥市", "66.67"),
        ("芜湖市", "50.00"),
    ]
    assert [(r["campaign"], r["batches"], r["passed"]) for r in pre["by_campaign"]] == [
        ("双节抽查", 3, 1),
        (c1, 2, 2),
    ]
    rr = g["retail_rechecks"]
    assert (rr["rechecks"], rr["short"], rr["short_rate"]) == (3, 2, "66.67")
    assert rr["by_market"] == [
        {"market": "周谷堆市场", "rechecks": 2, "short": 1, "short_rate": "50.00"},
        {"market": "城隍庙市场", "rechecks": 1, "short": 1, "short_rate": "100.00"},
    ]
    # a region filter narrows both
    wuhu_only = goods_statistics(store, StatsFilter("2026-11-01", "2026-11-30", city="芜湖市"))
    assert wuhu_only["prepackaged"]["batches"] == 2
    assert wuhu_only["retail_rechecks"]["rechecks"] == 0
    assert (
        goods_statistics(store, StatsFilter("2026-12-01", "2026-12-31"))["prepackaged"]["pass_rate"]
        == "100.00"
    )
