"""The documents of a case along its procedure, read back from the real PDFs in Chinese and
English: the on-site inspection record (现场检查笔录) of the visit a cheating scale was found
in, the prior notice (行政处罚告知书) with the penalty proposed and the rights to a statement
and hearing within 5 working days, the decision (行政处罚决定书) with payment within 15 days,
the daily surcharge and the appeal routes, and the closure form (结案审批表); each signed by an
officer and VALID under verify; documents a case cannot have yet are refused in one
sentence."""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from case_world import CHEAT, PENALTY, cheating_case
from pypdf import PdfReader

from inspector_app.crypto.keys import init_identity
from inspector_app.domain.cases import Decision
from inspector_app.domain.errors import InputError
from inspector_app.paths import keys_dir
from inspector_app.reports.embedded_record import read_embedded_record
from inspector_app.reports.verify import VALID, verify_pdf
from inspector_app.services import case_common, case_documents
from inspector_app.services import cases as cs

PASS = b"correct horse 42"


def _text(pdf: bytes) -> str:
    """The text of every page; Chinese lines joined as they are, English ones with a space."""
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    out = []
    for line in text.split("\n"):
        if out and out[-1][-1:].isascii() and line[:1].isascii():
            out.append(" ")
        out.append(line)
    return " ".join("".join(out).split(" "))


def _keep(name: str, pdf: bytes) -> None:
    """Write the PDF where a person can look at it (INSPECTOR_KEEP_PDFS=folder)."""
    folder = os.environ.get("INSPECTOR_KEEP_PDFS")
    if folder:
        Path(folder, name).write_bytes(pdf)


@pytest.fixture
def case(store, stall):
    return cheating_case(store, stall)


def _to_notice(store, c):
    cs.advance(store, c.id, "filed", on="2025-03-05", actor="李建国", violated=CHEAT)
    cs.advance(store, c.id, "investigated", on="2025-03-10", actor="李建国")
    cs.advance(
        store,
        c.id,
        "notified",
        on="2025-03-12",
        actor="李建国",
        penalty=PENALTY,
        proposed=Decision(fine=Decimal("1800"), confiscation=["instrument"]),
    )


def _decided(store, c):
    _to_notice(store, c)
    cs.decide(
        store,
        c.id,
        Decision(
            fine=Decimal("1800"), confiscation=["instrument"], decision_no="皖合市监罚〔2025〕7号"
        ),
        on="2025-03-20",
        actor="李建国",
        public_notice=True,
    )


def test_site_record_of_the_visit(store, case):
    assert case_documents.available_documents(store, case) == ["site_record", "filing"]
    zh = case_documents.case_document(store, case.id, "site_record", lang="zh")
    _keep("site_record_zh.pdf", zh)
    flat = _text(zh)
    assert "现场检查笔录" in flat and "王芳蔬菜摊" in flat
    assert "2025-03-03 09:20" in flat and "安徽省合肥市蜀山区长江路88号" in flat
    assert "出示了执法证件" in flat and "回避" in flat
    assert "李建国 (34010020230001), 张伟 (34010020230002)" in flat
    assert "电子计价秤" in flat and "S2023000123" in flat and "不合格" in flat
    assert "秤内加装作弊按键" in flat and "当事人签名" in flat
    en = _text(case_documents.case_document(store, case.id, "site_record", lang="en"))
    assert "On-site Inspection Record" in en and "enforcement certificates" in en
    assert "price-computing scale" in en and "fail" in en


def test_prior_notice_states_the_proposal_and_the_rights(store, case):
    with pytest.raises(InputError, match="has had no prior notice served"):
        case_documents.case_document(store, case.id, "notice")
    _to_notice(store, case)
    zh = case_documents.case_document(store, case.id, "notice", lang="zh")
    _keep("notice_zh.pdf", zh)
    flat = _text(zh)
    assert "行政处罚告知书" in flat and "秤内加装作弊按键" in flat
    assert "罚款人民币1800元" in flat and "没收计量器具" in flat
    assert "《集贸市场计量监督管理办法" in flat  # the violated article with its regulation
    assert "实施细则（2022年修订，现行条文编号）》第四十八条" in flat  # penalty, with edition
    assert "陈述" in flat and "申辩" in flat and "听证" in flat
    # served Wed 2025-03-12: 5 working days -> Wed 2025-03-19
    assert "2025年3月19日前" in flat
    en = _text(case_documents.case_document(store, case.id, "notice", lang="en"))
    assert "a fine of CNY 1,800.00" in en and "by 2025-03-19" in en and "hearing" in en


def test_a_proposal_outside_the_law_is_refused_like_a_decision(store, case):
    cs.advance(store, case.id, "filed", on="2025-03-05", actor="李建国", violated=CHEAT)
    cs.advance(store, case.id, "investigated", on="2025-03-10", actor="李建国")
    with pytest.raises(InputError, match="outside the range"):
        cs.advance(
            store,
            case.id,
            "notified",
            on="2025-03-12",
            actor="x",
            penalty=PENALTY,
            proposed=Decision(fine=Decimal("5000")),
        )
    assert case_common.repo(store).get(case.id).status == "investigated"


def test_decision_names_penalty_payment_surcharge_and_appeal(store, case, db_path):
    with pytest.raises(InputError, match="is not decided"):
        case_documents.case_document(store, case.id, "decision")
    _decided(store, case)
    identity = init_identity(keys_dir(db_path), "张伟", PASS)
    zh = case_documents.case_document(store, case.id, "decision", lang="zh", identity=identity)
    _keep("decision_zh.pdf", zh)
    r = verify_pdf(zh, [identity.certificate])
    assert r.status == VALID, r.reason
    assert r.report_no.startswith("XZCFJD-20250320-") and r.signer == "张伟"
    flat = _text(zh)
    assert "行政处罚决定书" in flat and "皖合市监罚〔2025〕7号" in flat
    assert "罚款人民币1800元" in flat and "没收计量器具" in flat
    # served on the day of the decision: 15 days -> 2025-04-04 is 清明, moved to Mon 04-07
    assert "15日内（即2025年4月7日前）" in flat
    assert "百分之三加处罚款" in flat and "第七十二条" in flat
    assert "60日内" in flat and "6个月内" in flat and "行政诉讼" in flat
    assert "2025-03-12" in flat  # the prior notice it followed
    assert "公示" in flat
    c = case_common.repo(store).get(case.id)
    assert c.decided_hash in flat
    assert b'"document":"decision"' in read_embedded_record(zh)
    en = _text(case_documents.case_document(store, case.id, "decision", lang="en"))
    assert "Administrative Penalty Decision" in en and "by 2025-04-07" in en
    assert "3 % of the fine" in en and "within 60 days" in en and "within 6 months" in en


def test_closure_form_after_execution_and_closure(store, case, db_path):
    with pytest.raises(InputError, match="neither carried out nor closed"):
        case_documents.case_document(store, case.id, "closure")
    _decided(store, case)
    cs.execute(store, case.id, on="2025-03-28", actor="李建国")
    cs.close(store, case.id, on="2025-04-01", actor="李建国")
    c = case_common.repo(store).get(case.id)
    assert case_documents.available_documents(store, c) == [
        "site_record",
        "filing",
        "notice",
        "decision",
        "closure",
    ]
    identity = init_identity(keys_dir(db_path), "李建国", PASS)
    for lang in ("zh", "en"):
        pdf = case_documents.case_document(store, case.id, "closure", lang=lang, identity=identity)
        _keep(f"closure_{lang}.pdf", pdf)
        assert verify_pdf(pdf, [identity.certificate]).status == VALID
        flat = _text(pdf)
        if lang == "zh":
            assert "结案审批表" in flat and "罚款已于2025-03-28缴纳" in flat
            assert "行政处罚决定已执行完毕" in flat and "2025-04-01" in flat
            assert "部门负责人审批意见" in flat
        else:
            assert "Case Closure Approval Form" in flat and "fine paid on 2025-03-28" in flat


def test_unknown_kind_is_refused(store, case):
    with pytest.raises(InputError, match="a case document is one of"):
        case_documents.case_document(store, case.id, "memo")
