"""Certificates and notices: particulars, when a certificate may be issued, failed items,
gap-free numbers, Chinese documents without English words."""

from __future__ import annotations

import dataclasses
import errno
import re
import subprocess

import pytest
from stall_world import stall_inspection

from inspector_app.domain.errors import InputError
from inspector_app.domain.models import Inspection, ReferenceStandard, new_id
from inspector_app.services.certificates import (
    certificate_audit,
    certificate_blockers,
    issuing_body,
    save_issuing_body,
)
from inspector_app.services.files import write_atomic
from inspector_app.services.reports import build_report, report_data
from inspector_app.store.reports import (
    certificate_ledger,
    certificate_number_gaps,
    void_certificate_number,
)


def text_of(tmp_path, pdf: bytes, name: str = "r.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_certificate_carries_what_the_rules_ask_for(store, samples, tmp_path):
    data = report_data(store, samples.scale.id, issue=True)  # as a signed export issues it
    assert data.blockers == [] and data.certificate_no == "HF2026-000001"
    store.instruments.save(dataclasses.replace(data.instrument, next_due="2020-01-01"))
    text = flat(text_of(tmp_path, build_report(store, samples.scale.id, "zh").pdf))
    for wanted in (
        "检定证书",
        "证书编号HF2026-000001",
        "电子计价秤",
        "合肥市计量测试研究院",
        "授权证书号（皖）法计（2024）01001号",
        "安徽省合肥市包河区花园大道88号230051",
        "0551-63350000",
        "检定日期2026-03-14",
        "有效期至2027-03-13",  # one year, minus one day (the body's setting)
        "检定员",
        "核验员",
        "批准人",
        "本证书检定结果仅对该计量器具有效",
        "M1；最大允许误差±0.5g",
        "第1页共3页",
    ):
        assert wanted in text, wanted
    assert "2020-01-01" not in text  # the instrument record's stale next-due is not printed
    en = flat(text_of(tmp_path, build_report(store, samples.scale.id, "en").pdf))
    assert "Validuntil2027-03-13" in en and "Approvedby" in en and "Checkedby" in en


def test_valid_until_follows_the_body_setting(store, samples):
    body = issuing_body(store)
    body.minus_one_day = False
    save_issuing_body(store, body)
    assert report_data(store, samples.scale.id).valid_until == "2027-03-14"


def test_no_certificate_without_an_authorised_body(store, samples, tmp_path):
    body = issuing_body(store)
    body.authorised = False
    save_issuing_body(store, body)
    blockers = certificate_blockers(store, samples.scale)
    assert [b.en for b in blockers] == [
        "The issuing body is not configured as an authorised verification body "
        "(Settings → Issuing body)."
    ]
    built = build_report(store, samples.scale.id, "zh")
    text = flat(text_of(tmp_path, built.pdf))
    assert built.report_no.startswith("JCJL-") and "检查记录" in text and "HF2026" not in text
    assert "本记录不能出具检定证书" in text and "签发机构未设置为授权的计量检定机构" in text


def test_authorised_body_needs_its_authorisation_number(store, samples):
    body = dataclasses.replace(issuing_body(store), authorisation_no="")
    with pytest.raises(InputError) as exc:
        save_issuing_body(store, body)
    assert exc.value.path == "authorisation_no"


def _scale_inspection(store, stall, standards, **changes) -> Inspection:
    fields = {
        "check": "subsequent",
        "checklist": {"seals": "yes"},
        "tests": [
            {
                "kind": "weighing",
                "points": [
                    {"load": "100", "indication": "100"},
                    {"load": "10000", "indication": "10005"},
                ],
            },
            {
                "kind": "eccentricity",
                "load": "5000",
                "positions": [{"indication": "5000"}] * 5,
            },
            {"kind": "repeatability", "load": "7500", "indications": ["7500", "7500", "7505"]},
        ],
        "standards": standards,
    }
    return stall_inspection(store, stall, "2026-03-14T09:20", **{**fields, **changes})


def test_standard_expired_on_the_visit_date_or_missing_blocks_a_certificate(store, stall, samples):
    old = store.standards.save(
        ReferenceStandard(
            new_id(), "test_weight", "旧砝码", "JZ-1", "2026-03-13", "M1", mpe="0.5", unit="g"
        )
    )
    expired = _scale_inspection(store, stall, [old.id])
    assert expired.verdict == "pass"
    texts = [b.zh for b in certificate_blockers(store, expired)]
    assert texts == ["计量标准器“旧砝码”在检定日已过有效期（2026-03-13）。"]
    none = _scale_inspection(store, stall, [])
    assert [b.en for b in certificate_blockers(store, none)] == [
        "No reference standard is recorded."
    ]
    unknown = store.standards.save(
        ReferenceStandard(new_id(), "test_weight", "无误差砝码", "JZ-2", "2027-01-01", "M1")
    )
    vague = _scale_inspection(store, stall, [unknown.id])
    assert "no MPE recorded" in certificate_blockers(store, vague)[0].en


def test_programme_missing_blocks_a_certificate(store, stall, samples):
    weights = samples.scale.standards
    insp = _scale_inspection(
        store,
        stall,
        weights,
        tests=[{"kind": "weighing", "points": [{"load": "100", "indication": "100"}]}],
    )
    texts = [b.zh for b in certificate_blockers(store, insp)]
    assert texts == ["检定项目不完整：未做偏载测试。", "检定项目不完整：未做重复性测试。"]


def test_unconfirmed_rule_blocks_a_certificate(store, stall, samples):
    from inspector_app.domain.rules import registry

    weights = samples.scale.standards
    confirmed = registry.get("scale")
    # the office's confirmation withdrawn: JJG 539-2016 uses placeholder (❓) numbers
    from inspector_app.domain.rules import override_rule
    from inspector_app.domain.rules.core import Confidence

    override_rule("scale", "JJG 539-2016", "check_subsequent", confidence=Confidence.UNCONFIRMED)
    try:
        insp = _scale_inspection(store, stall, weights)
        blockers = certificate_blockers(store, insp)
        assert any("check_subsequent" in b.en and "not confirmed" in b.en for b in blockers)
    finally:
        registry.register(confirmed)


def test_notice_lists_failed_items_with_value_limit_and_failed_wording(
    store, stall, samples, tmp_path
):
    from inspector_app.domain.forms import load_form

    cheats = {q.key: "no" for q in load_form("scale").checklist if q.group == "cheating"}
    insp = _scale_inspection(
        store,
        stall,
        samples.scale.standards,
        checklist={**cheats, "seals": "no", "nameplate": "yes"},
        tests=[
            {"kind": "weighing", "points": [{"load": "10000", "indication": "10020"}]},
            {"kind": "eccentricity", "load": "5000", "positions": [{"indication": "5000"}] * 5},
            {"kind": "repeatability", "load": "7500", "indications": ["7500", "7500", "7500"]},
        ],
    )
    assert insp.verdict == "fail"
    text = text_of(tmp_path, build_report(store, insp.id, "zh").pdf)
    conclusion = flat(text[text.index("不合格项目") :])
    assert "检定结果通知书" in text
    assert "铅封（封印）不完好或缺失" in conclusion
    assert re.search(r"测得\d+(\.\d+)?g，允许±\d+(\.\d+)?g", conclusion), conclusion
    # no cheating indicator answered "no" is listed as failed
    for label in ("遥控", "作弊芯片", "预留底数", "累计计价", "磁铁", "校准作弊"):
        assert label not in conclusion, label
    assert "2." in conclusion and "3." not in conclusion.split("该计量器具")[0]


def test_certificate_numbers_are_gap_free_and_never_reused(store, stall, samples):
    weights = samples.scale.standards
    first = report_data(store, samples.scale.id, issue=True).certificate_no
    again = report_data(store, samples.scale.id, issue=True).certificate_no
    assert first == again == "HF2026-000001"
    second = _scale_inspection(store, stall, weights)
    assert report_data(store, second.id, issue=True).certificate_no == "HF2026-000002"
    with store.write("test", "void"):
        assert void_certificate_number(store.conn, "HF2026-000002", "printer jam")
        assert not void_certificate_number(store.conn, "HF2026-000002", "again")  # void already
    third = _scale_inspection(store, stall, weights)
    assert report_data(store, third.id, issue=True).certificate_no == "HF2026-000003"
    # the void number is never printed again: a preview shows none, the next issue a new one
    assert report_data(store, second.id).certificate_no == ""
    assert report_data(store, second.id, issue=True).certificate_no == "HF2026-000004"
    assert certificate_number_gaps(store) == []
    assert [b.en for b in certificate_audit(store)] == [
        "Certificate number HF2026-000002 is void: printer jam."
    ]
    store.conn.execute("DELETE FROM certificate_numbers WHERE seq = 2")
    assert certificate_number_gaps(store) == [(2026, 2)]
    assert certificate_audit(store)[0].zh == "2026 年证书编号序列缺少第 2 号（账簿记录被删除）。"
    assert [r["status"] for r in certificate_ledger(store)] == ["issued", "issued", "issued"]


# Words a Chinese document may contain: units, codes, names of things that are spelt in
# Latin letters on the instrument or in the regulation.
ALLOWED_LATIN = {
    # units and symbols
    "g",
    "kg",
    "mg",
    "L",
    "mL",
    "min",
    "D",
    "mm",
    "cm",
    "m",
    "RH",
    "h",
    # codes and regulation names
    "JJG",
    "JJF",
    "OIML",
    "R",
    "SHA",
    "QR",
    "MPE",
    "Max",
    "Min",
    "e",
    "d",
    "E",
    "I",
    "Q",
    "Qmax",
    "Qmin",
    "MMQ",
    "ACS",
    "YZ",
    "CL",
    "JKJ",
    "F",
    "JZ",
    "JL",
    "W",
    "HF",
    "UTC",
    "JDZS",
    "JDTZ",
    "JCJL",
    "V",
    "J",
    "Bt",
    "B",
    "Ec",
    "EO",
    "pdf",
    "inspector",
    "app",
    "verify",
    "Topcon",
    "C",
    "Y",
    "h0",
    "t",  # quantity symbol of temperature (t_J, t_B)
    "II",
    "III",
    "IIII",
    "M",
    "PD",
    "PASS",
    "FAIL",
    "ΔL",
    "L0",
    "I0",
}


def latin_words(text: str, ids: tuple[str, ...] = ()) -> set[str]:
    """Latin words of *text*, leaving out pieces of the record's hash and ids (they wrap
    over lines) and codes with digits (models, serial numbers)."""
    words = set()
    for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", text):
        if re.search(r"\d", w) or any(w.lower() in i.lower() for i in ids):
            continue
        words.add(w)
    return words


@pytest.mark.parametrize("which", ["scale", "fuel", "focimeter"])
def test_chinese_documents_contain_no_english_words(store, samples, tmp_path, which):
    insp = getattr(samples, which)
    text = text_of(tmp_path, build_report(store, insp.id, "zh").pdf)
    visits = tuple(r[0] for r in store.conn.execute("SELECT id FROM visits"))  # 编号 <id[:8]>
    ids = (insp.content_hash, insp.id, insp.record_id, *visits)
    bad = sorted(w for w in latin_words(text, ids) if w not in ALLOWED_LATIN)
    assert bad == [], bad


def test_full_disk_leaves_no_part_file_and_says_so(tmp_path, monkeypatch):
    import os

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "out" / "report.pdf"
    with pytest.raises(InputError) as exc:
        write_atomic(target, b"%PDF-1.4 data")
    assert exc.value.message.startswith("the disk is full")
    assert list(target.parent.iterdir()) == []


def test_quick_added_finding_prints_in_the_document_language(store, stall, samples, tmp_path):
    from inspector_app.domain.models import Finding

    quick = Finding(new_id(), "seals", "铅封（封印）不完好或缺失", "", "major", "立案调查")
    own = Finding(new_id(), "note", "秤盘有油污", "", "minor", "")
    insp = _scale_inspection(
        store, stall, samples.scale.standards, checklist={"seals": "no"}, findings=[quick, own]
    )
    en = flat(text_of(tmp_path, build_report(store, insp.id, "en").pdf))
    assert "Sealsbrokenormissing" in en and "Openacase" in en
    assert "秤盘有油污" in en  # the inspector's own words are printed as written
    zh = flat(text_of(tmp_path, build_report(store, insp.id, "zh").pdf))
    assert "铅封（封印）不完好或缺失" in zh and "Open" not in zh


def test_chinese_signed_summary_contains_no_english_words(store, samples, identity, tmp_path):
    import hashlib

    from inspector_app.reports.embedded_record import read_embedded_record
    from inspector_app.services.summary import build_summary

    pdf = build_summary(store, lang="zh", identity=identity)
    text = text_of(tmp_path, pdf)
    ids = tuple(
        x for i in (samples.scale, samples.fuel, samples.focimeter) for x in (i.id, i.record_id)
    ) + (hashlib.sha256(read_embedded_record(pdf)).hexdigest(), identity.fingerprint)
    bad = sorted(w for w in latin_words(text, ids) if w not in ALLOWED_LATIN | {"HZBG", "PAdES"})
    assert bad == [], bad


def test_previews_and_unsigned_copies_never_take_a_number(store, samples, tmp_path):
    insp = samples.scale.id
    for lang in ("zh", "en"):
        build_report(store, insp, lang)  # a preview, an unsigned copy
    assert report_data(store, insp).certificate_no == ""
    assert certificate_ledger(store) == []
    text = flat(text_of(tmp_path, build_report(store, insp, "zh").pdf))
    assert "（签发签名文件时编号）" in text and "HF2026" not in text
    # a signed issue takes the number; copies made afterwards print the same one
    assert report_data(store, insp, issue=True).certificate_no == "HF2026-000001"
    text = flat(text_of(tmp_path, build_report(store, insp, "zh").pdf))
    assert "证书编号HF2026-000001" in text
    assert len(certificate_ledger(store)) == 1


def test_a_signed_export_issues_the_number_and_a_refused_signature_takes_none(
    store, samples, identity, tmp_path
):
    import datetime as dt

    import inspector_app.crypto.keys as k
    from inspector_app.reports import signing
    from inspector_app.services.reports import make_report

    insp = store.inspections.require(samples.scale.id)
    assert identity.name == insp.inspector
    # another inspector's identity is refused before any number is taken
    stranger = k.init_identity(tmp_path / "stranger", "赵别人", b"passphrase 12")
    with pytest.raises(InputError, match="signed by its own inspector"):
        make_report(store, insp.id, "zh", identity=stranger)
    assert certificate_ledger(store) == []
    # a clock a day before the record was finalized: refused, no number
    own = identity
    early = dt.datetime.fromisoformat(insp.finalized_at.replace("Z", "+00:00"))
    early = (early if early.tzinfo else early.replace(tzinfo=dt.UTC)) - dt.timedelta(days=1)
    real_now = signing._now
    signing._now = lambda: early
    try:
        with pytest.raises(InputError, match="not signed: "):
            make_report(store, insp.id, "zh", identity=own)
    finally:
        signing._now = real_now
    assert certificate_ledger(store) == []
    pdf = make_report(store, insp.id, "zh", identity=own)
    assert [r["number"] for r in certificate_ledger(store)] == ["HF2026-000001"]
    assert "HF2026-000001" in flat(text_of(tmp_path, pdf))


def test_void_a_number_with_a_reason_audited(store, samples):
    from inspector_app.services.certificates import void_number

    number = report_data(store, samples.scale.id, issue=True).certificate_no
    with pytest.raises(InputError, match="reason"):
        void_number(store, number, "  ", actor="王主任")
    with pytest.raises(InputError, match="no certificate or notice number"):
        void_number(store, "HF2026-999999", "lost", actor="王主任")
    row = void_number(store, number, "打印错误，未交付", actor="王主任")
    assert row["status"] == "void" and row["voided_by"] == "王主任"
    entry = store.audit_entries(1)[0]
    assert entry["action"] == "certificate.void" and entry["entity_id"] == samples.scale.id
    assert "打印错误，未交付" in str(entry["detail"])
    with pytest.raises(InputError, match="voided already"):
        void_number(store, number, "again", actor="王主任")
    assert [b.zh for b in certificate_audit(store)] == [
        f"证书编号 {number} 已作废：打印错误，未交付。"
    ]
