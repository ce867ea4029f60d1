"""The order to correct (责令改正通知书): read back from the real PDF in both languages (party,
violation, legal basis with its edition, deadline, appeal routes), signed by an officer of the
case and judged VALID by verify; another signer is refused; a changed byte is not valid."""

from __future__ import annotations

import io

import pytest
from case_world import OFFICERS
from pypdf import PdfReader

from inspector_app.crypto.keys import init_identity
from inspector_app.domain.cases import ArticleRef
from inspector_app.domain.errors import InputError
from inspector_app.paths import keys_dir
from inspector_app.reports.embedded_record import read_embedded_record
from inspector_app.reports.verify import INVALID, VALID, verify_pdf
from inspector_app.services import case_documents
from inspector_app.services import cases as cs

PASS = b"correct horse 42"


def _text(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def case(store, stall):
    c = cs.open_case(
        store,
        actor="李建国",
        clue_date="2025-03-03",
        officers=OFFICERS,
        premises_id=stall[0].id,
        complaint="计价秤作弊",
        facts="经营者使用的电子计价秤内加装作弊装置。",
        violated=[ArticleRef("jlf-2018-9", "2018")],
    ).case
    cs.order(
        store,
        c.id,
        on="2025-03-03",
        deadline="2025-03-20",
        actor="李建国",
        text="停止使用作弊计价秤并送检",
    )
    return c


def test_order_in_chinese_says_what_by_when_and_how_to_appeal(store, case):
    text = _text(case_documents.order_document(store, case.id, lang="zh"))
    assert "责令改正通知书" in text and "王芳蔬菜摊" in text
    assert "《中华人民共和国计量法（2018年修正）》第九条" in text.replace("\n", "")
    flat = text.replace("\n", "")
    assert "2025年3月20日前改正" in flat and "停止使用作弊计价秤并送检" in flat
    assert "60日内" in flat and "6个月内" in flat and "行政诉讼" in flat
    assert "作弊装置。。" not in flat


def test_order_in_english(store, case):
    flat = _text(case_documents.order_document(store, case.id, lang="en")).replace("\n", " ")
    assert "Order to Correct" in flat and "by 2025-03-20" in flat
    assert "Metrology Law of the PRC (2018 amendment), Art. 9" in flat
    assert "within 60 days" in flat and "within 6 months" in flat


def test_signed_by_an_officer_and_verified(store, case, db_path):
    identity = init_identity(keys_dir(db_path), "张伟", PASS)
    pdf = case_documents.order_document(store, case.id, lang="zh", identity=identity)
    r = verify_pdf(pdf, [identity.certificate])
    assert r.status == VALID, r.reason
    assert r.report_no.startswith("ZLGZ-20250303-") and r.signer == "张伟"
    record = read_embedded_record(pdf)
    assert b'"case_document"' in record and b'"deadline":"2025-03-20"' in record
    at = pdf.index(b"stream", 2000) + 40
    assert (
        verify_pdf(pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1 :], [identity.certificate]).status
        == INVALID
    )


def test_someone_outside_the_case_may_not_sign(store, case, tmp_path):
    stranger = init_identity(tmp_path / "k", "王敏", PASS)
    with pytest.raises(InputError, match="not an officer of case"):
        case_documents.order_document(store, case.id, identity=stranger)


def test_no_order_no_document(store, stall):
    c = cs.open_case(
        store,
        actor="x",
        clue_date="2025-03-03",
        officers=OFFICERS,
        premises_id=stall[0].id,
        referral="r",
    ).case
    with pytest.raises(InputError, match="no order to correct"):
        case_documents.order_document(store, c.id)


def test_filing_form_names_source_deadline_articles_and_officers(store, case, db_path):
    flat = _text(case_documents.case_document(store, case.id, "filing", lang="zh")).replace(
        "\n", ""
    )
    assert "立案审批表" in flat and "投诉举报：计价秤作弊" in flat
    assert "2025-03-24" in flat  # 15 working days after Mon 2025-03-03
    assert "《中华人民共和国计量法（2018年修正）》第九条" in flat
    assert "李建国 (34010020230001)" in flat and "张伟 (34010020230002)" in flat
    identity = init_identity(keys_dir(db_path), "李建国", PASS)
    signed = case_documents.case_document(store, case.id, "filing", lang="en", identity=identity)
    r = verify_pdf(signed, [identity.certificate])
    assert r.status == VALID and r.report_no.startswith("LASP-20250303-")
    assert "Case Filing Approval Form" in _text(signed)
