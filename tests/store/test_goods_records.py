"""Prepackaged batches and retail short-weight rechecks are recorded like any inspection:
stored, judged, finalized with a hash, checked, corrected."""

from __future__ import annotations

import dataclasses

import pytest

from inspector_app.domain.credit_code import make_credit_code
from inspector_app.domain.errors import InputError
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.services import drafts
from inspector_app.services.inspections import save_and_evaluate
from inspector_app.store.integrity import check

PRODUCT = {
    "product": "五常大米",
    "brand": "稻花香",
    "producer": "黑龙江五常稻香米业有限公司",
    "producer_credit_code": make_credit_code("91230184MA1BX3K2Q"),
    "batch_no": "20261101A",
    "production_date": "2026-11-01",
    "product_kind": "food",
}


@pytest.fixture
def producer(store):
    p = store.premises.save(
        Premises(new_id(), "producer", "五常稻香米业", city="合肥市", address="合肥市包河区")
    )
    ins = store.instruments.save(Instrument(new_id(), p.id, "prepackaged", metrology=PRODUCT))
    return p, ins


@pytest.fixture
def stall(store):
    p = store.premises.save(
        Premises(new_id(), "market_stall", "李记水产", market="周谷堆市场", stall_no="B07")
    )
    ins = store.instruments.save(
        Instrument(new_id(), p.id, "retail_goods", "大华", "TM-A", "A1234", accuracy_class="III")
    )
    return p, ins


def net_content(values, batch_size=30):
    return {
        "kind": "net_content",
        "quantity": "mass",
        "nominal": "5",
        "unit": "kg",
        "batch_size": batch_size,
        "sampling": {"method": "systematic", "sampled_by": "赵敏", "sealed": True},
        "units": [{"net": v} for v in values],
    }


def test_prepackaged_batch_is_recorded_judged_and_sealed(store, producer):
    _, ins = producer
    stored = store.instruments.get(ins.id)
    assert stored.metrology["product"] == "五常大米"
    insp = drafts.new_draft(store, ins.id, "赵敏", check="in_service")
    assert (insp.family, insp.check, insp.ruleset) == ("prepackaged", "batch", "JJF 1070-2023")
    assert insp.tests[0]["kind"] == "net_content"
    # Qn 5 kg: T = 1.5 % = 75 g = 0.075 kg; one package short by 0.08 kg is T1 (none allowed)
    values = ["5.01"] * 9 + ["4.92"]
    judged = save_and_evaluate(
        store, dataclasses.replace(insp, tests=[net_content(values)]), "赵敏"
    )
    assert judged.verdict == "fail"
    assert judged.result["failed"] == ["#10"]
    assert judged.result["tests"][0]["t"] == "0.075"
    sealed = store.inspections.finalize(judged.id, "赵敏")
    assert sealed.status == "finalized" and len(sealed.content_hash) == 64
    rows = store.conn.execute(
        "SELECT label, verdict FROM readings WHERE inspection_id = ? ORDER BY seq", (sealed.id,)
    ).fetchall()
    assert len(rows) == 10 and tuple(rows[9]) == ("#10", "t1")
    assert check(store) == []


def test_prepackaged_check_must_be_batch(store, producer):
    _, ins = producer
    insp = drafts.new_draft(store, ins.id, "赵敏")
    with pytest.raises(InputError) as exc:
        store.inspections.save_draft(dataclasses.replace(insp, check="initial"))
    assert exc.value.path == "inspection.check"


def test_retail_recheck_is_recorded(store, stall):
    _, ins = stall
    insp = drafts.new_draft(store, ins.id, "赵敏")
    assert (insp.family, insp.check) == ("retail_goods", "in_service")
    test = {
        "kind": "short_weight",
        "unit_price": "68",
        "settled_weight": "1.2",
        "actual_weight": "1.19",
        "recheck": "high_accuracy",
        "category": "meat",
    }
    judged = save_and_evaluate(store, dataclasses.replace(insp, tests=[test]), "赵敏")
    assert judged.verdict == "fail"  # short by 10 g where 5 g is allowed
    assert judged.result["tests"][0]["items"][0]["shortfall"] == "10"
    sealed = store.inspections.finalize(judged.id, "赵敏")
    assert sealed.status == "finalized"
    assert check(store) == []


def test_product_data_are_checked(store, producer):
    p, _ = producer
    for key, value in (
        ("producer_credit_code", "91340100MA2TX8K5J0"),
        ("production_date", "2026-13-01"),
    ):
        with pytest.raises(InputError) as exc:
            store.instruments.save(
                Instrument(new_id(), p.id, "prepackaged", metrology={**PRODUCT, key: value})
            )
        assert exc.value.path == f"instrument.{key}"
    ok = store.instruments.save(
        Instrument(
            new_id(), p.id, "prepackaged", metrology={**PRODUCT, "production_date": " 2026-11-01"}
        )
    )
    assert ok.metrology["production_date"] == "2026-11-01"
