"""The 定量包装商品净含量检验报告 and the retail recheck record, read back from the real PDF."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from inspector_app.domain.credit_code import make_credit_code
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.reports.verify import VALID, verify_pdf
from inspector_app.services import drafts
from inspector_app.services.inspections import save_and_evaluate
from inspector_app.services.reports import build_report, make_report

CODE = make_credit_code("91340100MA2TX8K5J")


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def batch(store):
    p = store.premises.save(Premises(new_id(), "producer", "合肥糖业有限公司", city="合肥市"))
    ins = store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "prepackaged",
            metrology={
                "product": "白砂糖",
                "brand": "甜蜜",
                "producer": "合肥糖业有限公司",
                "producer_credit_code": CODE,
                "batch_no": "B20261101",
                "production_date": "2026-11-01",
                "product_kind": "food",
            },
        )
    )
    insp = drafts.new_draft(store, ins.id, "李建国")
    # N = 60: n = 13, one T1 allowed; package 13 is short by 20 g (T1), package 5 by 15 g = T
    values = ["505"] * 4 + ["485"] + ["505"] * 7 + ["480"]
    test = {
        "kind": "net_content",
        "quantity": "mass",
        "nominal": "500",
        "unit": "g",
        "batch_size": 60,
        "sampling": {
            "method": "systematic",
            "sampled_by": "李建国、李娜",
            "place": "成品库",
            "sealed": True,
            "seal_no": "F-0017",
            "form_no": "CY-2026-031",
        },
        "units": [{"net": v} for v in values],
    }
    checklist = {"label_words": "yes", "label_height": "no", "c_mark_unlisted": "no"}
    saved = save_and_evaluate(
        store, dataclasses.replace(insp, tests=[test], checklist=checklist), "李建国"
    )
    return store.inspections.finalize(saved.id, "李建国")


def test_net_content_report_in_chinese(store, batch):
    assert batch.verdict == "pass"
    text = text_of(build_report(store, batch.id, "zh").pdf)
    for expected in (
        "定量包装商品净含量检验报告",
        "白砂糖",
        "B20261101",
        CODE,
        "等距抽样",
        "李建国、李娜",
        "F-0017",
        "CY-2026-031",
        "13 / 13",  # sample size required / inspected
        "15 g",  # T
        "30 g",  # 2T
        "1 / 1",  # T1 found / allowed
        "0.848",  # λ
        "逐件检验数据",
        "T1",
        "净含量字符高度低于规定的最小高度",  # the labelling finding
        "尚未核对 JJF 1070-2023 的抽样方案",
    ):
        assert expected in text, expected
    assert "检定证书" not in text  # a batch never gets a verification certificate
    assert "生产批号 B20261101" in text and "batch_no" not in text  # product data in words
    assert "净含量字符高度不低于 4 mm" in text and "计量单位应为 g" in text
    assert "抽检 13 件：T1 类短缺 1 件（允许 1 件），T2 类短缺 0 件" in text
    # every package is printed: 505 nine times, 485 and 480 once
    assert text.count("505") >= 11


def test_net_content_report_in_english_shows_mean_s_and_limit(store, batch):
    text = text_of(build_report(store, batch.id, "en").pdf)
    # the words, the plan, and the very numbers the engine judged with
    for expected in (
        "Net content inspection report of prepackaged",
        "Mean net content",
        "Standard deviation s",
        "Limit Qn",
        "Batch verdict",
        "13 packages: 1 T1 shortfall(s) (1 allowed), 0 T2",
        "conforms",
        "2005 办法 附表4",
    ):
        assert expected in text, expected
    result = batch.result["tests"][0]
    assert result["mean"] in text and result["limit"] in text and result["s"] in text


def test_signed_net_content_report_verifies(store, batch, identity):
    pdf = make_report(store, batch.id, "zh", identity=identity)
    hash_ = batch.content_hash

    def lookup(inspection_id, report_no, record_hash):
        return {"found": True, "content_hash": hash_, "recomputed": hash_}

    assert verify_pdf(pdf, [identity.certificate], lookup).status == VALID


def test_retail_recheck_record(store):
    p = store.premises.save(
        Premises(new_id(), "market_stall", "李记水产", market="周谷堆市场", stall_no="B07")
    )
    ins = store.instruments.save(
        Instrument(new_id(), p.id, "retail_goods", "大华", "TM-A", "A1234", accuracy_class="III")
    )
    x = drafts.new_draft(store, ins.id, "李建国")
    test = {
        "kind": "short_weight",
        "goods": "基围虾",
        "category": "meat",
        "unit_price": "88",
        "settled_weight": "1.25",
        "amount": "110",
        "actual_weight": "1.23",
        "recheck": "high_accuracy",
    }
    x = save_and_evaluate(store, dataclasses.replace(x, tests=[test]), "李建国")
    x = store.inspections.finalize(x.id, "李建国")
    text = text_of(build_report(store, x.id, "zh").pdf)
    for expected in (
        "零售商品短缺量核查记录",
        "基围虾",
        "肉、蛋、禽、水产品、糕点、糖果、调味品",
        "高准确度核称",
        "1.23 kg",
        "20 g",  # shortfall
        "5 g",  # permitted
        "1.76 元",  # money paid for goods not delivered
        "不合格",
    ):
        assert expected in text, expected


def test_failing_batch_conclusion_names_what_failed(store, batch):
    # the average fails: s = 2, λ·s = 2.056, mean 0.001 g below Qn − λ·s (N = 30, n = 10)
    ins = store.instruments.get(batch.instrument_id)
    insp = drafts.new_draft(store, ins.id, "李建国")
    values = ["497.943"] * 6 + ["500.943"] * 2 + ["494.943"] * 2
    test = {
        "kind": "net_content",
        "quantity": "mass",
        "nominal": "500",
        "unit": "g",
        "batch_size": 30,
        "units": [{"net": v} for v in values],
    }
    saved = save_and_evaluate(store, dataclasses.replace(insp, tests=[test]), "李建国")
    failed = store.inspections.finalize(saved.id, "李建国")
    assert failed.verdict == "fail"
    zh = text_of(build_report(store, failed.id, "zh").pdf)
    assert "检验结论：该批定量包装商品净含量不合格。" in zh
    assert "1. 平均实际含量低于 Qn − λ·s" in zh
    assert "应责令改正" in zh and "重新检定" not in zh
    en = text_of(build_report(store, failed.id, "en").pdf)
    assert "the net content of this batch does NOT conform" in en
    assert "repaired and verified again" not in en
