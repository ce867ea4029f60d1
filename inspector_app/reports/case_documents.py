"""Documents of an enforcement case, zh or en: the order to correct (责令改正通知书) and the
filing approval form (立案审批表).

Made like the inspection reports: the embedded font, the page furniture, PDF/A-3b, the
document's content embedded as ``inspection-record.json`` (kind ``case_document``) with its
SHA-256 and number in the metadata, and a box for the visible signature, so that the
program's signing function signs it and ``verify`` checks it.

The order states the violation, the legal basis, what to correct and by when, and the appeal
routes: administrative review within 60 days of receipt, or an administrative lawsuit within
6 months (the routes an SAMR order to correct names; 行政复议法 and 行政诉讼法).
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ..domain.canonical import canonical_bytes
from .fonts import register_fonts
from .inspection_report import (
    PRODUCER,
    BuiltReport,
    P,
    SignatureSpace,
    _canvas_class,
    _kv_table,
    esc,
    keywords,
    styles,
)

ORDER_PREFIX = "ZLGZ"  # 责令改正
CASE_PREFIXES = {"order": ORDER_PREFIX}

REVIEW_DAYS = 60  # administrative review: within 60 days of receipt
LAWSUIT_MONTHS = 6  # administrative lawsuit: within 6 months of receipt


def _l(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


def _pick(pair: tuple[str, str], lang: str) -> str:
    """The Chinese or English of a (zh, en) pair."""
    return pair[0] if lang == "zh" else pair[1]


def order_content(
    case: dict[str, Any],
    order: dict[str, Any],
    authority: str,
    citations: dict[str, Any],
    lang: str,
    signer: str = "",
) -> dict[str, Any]:
    """The content an order document is made from (embedded, hashed, signed); *signer* is
    the officer who signs it (default: the first officer)."""
    party = case["party"]
    return {
        "kind": "case_document",
        "document": "order",
        "case_id": case["id"],
        "case_no": case["case_no"],
        "party": {
            "name": party["name"],
            "code": party.get("credit_code") or party.get("id_number") or "",
            "address": party.get("address", ""),
            "legal_rep": party.get("legal_rep", ""),
        },
        "facts": case["facts"],
        "violated": citations.get("violated", []),
        "penalty": citations.get("penalty", []),
        "order": {
            "ordered_on": order["ordered_on"],
            "deadline": order["deadline"],
            "text": order.get("text", ""),
        },
        "officers": case["officers"],
        "authority": authority,
        "lang": lang,
        "inspector": signer or (case["officers"][0]["name"] if case["officers"] else ""),
        "finalized_at": None,
    }


class _Doc:
    """The frame every case document shares: number, metadata, header, party block, seal
    line with the content hash, the signature box, page furniture and the embedded record."""

    def __init__(
        self, content: dict[str, Any], title_zh: str, title_en: str, prefix: str, day: str
    ):
        self.content = content
        self.lang = lang = content["lang"]
        self.raw = canonical_bytes(content)
        self.chash = hashlib.sha256(self.raw).hexdigest()
        self.number = f"{prefix}-{day.replace('-', '')}-{self.chash[:8].upper()}"
        self.font = register_fonts()
        self.s = styles()
        self.width = A4[0] - 30 * mm
        self.authority = content["authority"] or _l(
            "市场监督管理局", "Market Supervision Administration", lang
        )
        self.title = _l(title_zh, title_en, lang)
        party = content["party"]
        self.story: list[Any] = [
            Paragraph(esc(self.authority), self.s["lead"]),
            Paragraph(esc(self.title), self.s["title"]),
            P(
                f"{_l('文书编号', 'No.', lang)}: {self.number}    "
                f"{_l('案号', 'Case no.', lang)}: {content['case_no']}"
            ),
            Spacer(1, 6),
            _kv_table(
                [
                    (_l("当事人", "Party", lang), party["name"]),
                    (
                        _l("统一社会信用代码/身份证号", "Credit code / ID no.", lang),
                        party["code"] or "—",
                    ),
                    (_l("住所（地址）", "Address", lang), party["address"] or "—"),
                    (
                        _l("法定代表人（负责人）", "Legal representative", lang),
                        party["legal_rep"] or "—",
                    ),
                ],
                self.width,
                columns=1,
            ),
            Spacer(1, 8),
        ]

    def kv(self, pairs: list[tuple[str, str]]) -> None:
        self.story.append(_kv_table(pairs, self.width, columns=1))

    def build(
        self, *, for_signing: bool, signer_name: str, tail: list[Any] | None = None
    ) -> BuiltReport:
        lang, font = self.lang, self.font
        buf = io.BytesIO()
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=16 * mm,
            bottomMargin=17 * mm,
            title=f"{self.title} {self.number}",
            creator=PRODUCER,
            producer=PRODUCER,
            author=signer_name or self.authority,
            subject=f"{self.number} {self.chash}",
            keywords=keywords(self.number, self.chash, ""),  # type: ignore[arg-type]  # a str is accepted too
            lang="zh-CN" if lang == "zh" else "en",
        )
        story = self.story + [
            Spacer(1, 6),
            P(f"{_l('内容哈希 (SHA-256)', 'Content hash (SHA-256)', lang)}: {self.chash}", "mono"),
        ]
        sink: dict[str, Any] = {}
        if for_signing:
            story += [
                P(
                    _l("数字签名", "Digital signature", lang)
                    + (f": {signer_name}" if signer_name else ":"),
                    "small",
                ),
                SignatureSpace(72 * mm, 20 * mm, sink, "", font),
            ]
        story += tail or []
        doc.build(
            story,
            canvasmaker=_canvas_class(
                self.authority, self.title, self.number, lang, font, self.raw
            ),
        )
        return BuiltReport(buf.getvalue(), self.number, self.chash, "", sink.get("box"))


def build_order_document(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    o = content["order"]
    d = _Doc(content, "责令改正通知书", "Order to Correct", ORDER_PREFIX, o["ordered_on"])
    facts = (content["facts"] or "—").rstrip("。.；; ")
    sep = "；" if lang == "zh" else "; "
    violated = sep.join(content["violated"])
    penalty = sep.join(content["penalty"])
    if lang == "zh":
        body = [
            f"经查，你（单位）存在以下违法行为：{facts}。",
            f"上述行为违反了{violated or '有关计量法律法规'}的规定。"
            + (f"依据{penalty}的规定，" if penalty else "")
            + f"本局责令你（单位）于{_zh_date(o['deadline'])}前改正上述违法行为"
            + (f"：{o['text']}。" if o["text"] else "。"),
            "逾期不改正的，本局将依法处理。改正后请将改正情况书面报告本局，本局将进行复查。",
            f"如不服本责令改正决定，可以在收到本通知书之日起{REVIEW_DAYS}日内依法申请行政复议，"
            f"或者在{LAWSUIT_MONTHS}个月内依法向人民法院提起行政诉讼。",
        ]
    else:
        body = [
            f"The investigation found the following violation: {facts}.",
            f"This violates {violated or 'the metrology laws and regulations'}."
            + (f" Under {penalty}," if penalty else "")
            + f" you are ordered to correct it by {o['deadline']}"
            + (f": {o['text']}." if o["text"] else "."),
            "If it is not corrected by then, it will be dealt with according to law. Report "
            "the correction in writing; it will be re-inspected.",
            f"If you disagree with this order, you may apply for administrative review within "
            f"{REVIEW_DAYS} days of receiving it, or bring an administrative lawsuit before a "
            f"people's court within {LAWSUIT_MONTHS} months.",
        ]
    d.story += [P(esc(line), "lead") for line in body]
    d.story.append(Spacer(1, 8))
    officers = ", ".join(f"{x['name']} ({x['certificate_no']})" for x in content["officers"])
    d.kv(
        [
            (_l("执法人员（证号）", "Officers (certificate no.)", lang), officers),
            (_l("送达日期", "Served on", lang), o["ordered_on"]),
            (_l("改正期限", "Deadline", lang), o["deadline"]),
        ]
    )
    tail = [
        Spacer(1, 10),
        P(
            _l(
                "当事人签收：__________    日期：__________",
                "Received by the party: __________    Date: __________",
                lang,
            )
        ),
    ]
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)


FILING_PREFIX = "LASP"  # 立案审批
CASE_PREFIXES["filing"] = FILING_PREFIX

SOURCE_LABELS = {
    "inspection": ("监督检查发现", "Found in an inspection"),
    "visit": ("现场检查发现", "Found in an on-site visit"),
    "complaint": ("投诉举报", "Complaint"),
    "referral": ("其他机关移送", "Referral"),
}


def filing_content(
    case: dict[str, Any],
    authority: str,
    citations: dict[str, Any],
    evidence: list[dict[str, Any]],
    filing_due: str,
    lang: str,
    signer: str = "",
) -> dict[str, Any]:
    """The content of the 立案审批表 (filing approval form)."""
    party = case["party"]
    return {
        "kind": "case_document",
        "document": "filing",
        "case_id": case["id"],
        "case_no": case["case_no"],
        "source": case["source"],
        "source_text": case.get("source_text", ""),
        "clue_date": case["clue_date"],
        "filing_due": filing_due,
        "party": {
            "name": party["name"],
            "code": party.get("credit_code") or party.get("id_number") or "",
            "address": party.get("address", ""),
            "legal_rep": party.get("legal_rep", ""),
        },
        "facts": case["facts"],
        "violated": citations.get("violated", []),
        "evidence": [f"{e['kind']}: {e['ref']}" for e in evidence],
        "officers": case["officers"],
        "authority": authority,
        "lang": lang,
        "inspector": signer or (case["officers"][0]["name"] if case["officers"] else ""),
        "finalized_at": None,
    }


def build_filing_document(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    """立案审批表: where the case came from, the party, the facts, the violated article with
    its edition, the evidence, the officers assigned (two or more, with certificates), the
    filing deadline computed from the clue date, and lines for the approvals."""
    lang = content["lang"]
    d = _Doc(
        content, "立案审批表", "Case Filing Approval Form", FILING_PREFIX, content["clue_date"]
    )
    src_zh, src_en = SOURCE_LABELS.get(content["source"], (content["source"], content["source"]))
    sep = "；" if lang == "zh" else "; "
    officers = ", ".join(f"{x['name']} ({x['certificate_no']})" for x in content["officers"])
    d.kv(
        [
            (
                _l("案件来源", "Source", lang),
                _l(src_zh, src_en, lang)
                + (f"：{content['source_text']}" if content["source_text"] else ""),
            ),
            (_l("发现线索日期", "Clue found on", lang), content["clue_date"]),
            (
                _l("立案期限（15个工作日）", "File by (15 working days)", lang),
                content["filing_due"],
            ),
            (_l("案情摘要", "Facts", lang), content["facts"] or "—"),
            (_l("涉嫌违反", "Suspected violation of", lang), sep.join(content["violated"]) or "—"),
            (_l("证据", "Evidence", lang), sep.join(content["evidence"]) or "—"),
            (_l("办案人员（执法证号）", "Officers (certificate no.)", lang), officers),
        ]
    )
    d.story.append(Spacer(1, 8))
    blank = "______________________________"
    d.kv(
        [
            (
                _l("承办人意见", "Officers' proposal", lang),
                _l("建议立案。", "Proposed for filing.", lang),
            ),
            (
                _l("办案机构负责人意见", "Head of the case unit", lang),
                f"{blank}  {_l('日期', 'Date', lang)}: ________",
            ),
            (
                _l("部门负责人审批意见", "Approved by the head", lang),
                f"{blank}  {_l('日期', 'Date', lang)}: ________",
            ),
        ]
    )
    return d.build(for_signing=for_signing, signer_name=signer_name)


def _zh_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


# -- the on-site inspection record, prior notice, decision and closure form ----------------------
#
# What each must carry follows 市场监督管理行政处罚程序规定 (2021/2022 text) and 行政处罚法 (2021):
# the prior notice states the facts, reasons, legal basis and the penalty proposed, and the
# rights to a statement and defence and, where the penalty is heavy enough, to a hearing
# (行政处罚法 Art. 44, 45, 63, 64), to be used within 5 working days of service; the decision
# states the party, the facts and evidence, the articles violated, the penalty and its basis,
# how and by when it is carried out (a fine within 15 days, with a 3 % daily surcharge when
# late: Art. 72) and the routes of appeal with their time limits (administrative review within
# 60 days, a lawsuit within 6 months), and the authority (Art. 59).

SITE_RECORD_PREFIX = "XCBL"  # 现场笔录
NOTICE_PREFIX = "XZCFGZ"  # 行政处罚告知
DECISION_PREFIX = "XZCFJD"  # 行政处罚决定
CLOSURE_PREFIX = "JASP"  # 结案审批
CASE_PREFIXES.update(
    site_record=SITE_RECORD_PREFIX,
    notice=NOTICE_PREFIX,
    decision=DECISION_PREFIX,
    closure=CLOSURE_PREFIX,
)
SURCHARGE_PERCENT = 3  # 行政处罚法 (2021) Art. 72: 3 % of the fine per day of delay
PAYMENT_DAYS = 15  # 行政处罚法 (2021) Art. 67

EVIDENCE_LABELS = {
    "inspection": ("检查记录", "inspection record"),
    "visit": ("现场检查", "on-site visit"),
    "photo": ("照片", "photo"),
    "attachment": ("附件", "attachment"),
    "pdf": ("文书", "document"),
    "sampling_form": ("抽样单", "sampling form"),
    "record": ("笔录", "record"),
    "test_report": ("检验报告", "test report"),
}
CONFISCATION_LABELS = {
    "instrument": ("没收计量器具", "confiscation of the measuring instrument"),
    "gains": ("没收违法所得", "confiscation of the illegal gains"),
    "goods": ("没收涉案商品", "confiscation of the goods concerned"),
}
FAMILY_LABELS = {
    "scale": ("电子计价秤", "price-computing scale"),
    "fuel_dispenser": ("燃油加油机", "fuel dispenser"),
    "focimeter": ("焦度计", "focimeter"),
    "refractometer": ("验光仪", "refractometer"),
    "trial_lens_set": ("验光镜片箱", "trial lens set"),
    "pd_meter": ("瞳距仪", "PD meter"),
    "prepackaged": ("定量包装商品", "prepackaged goods"),
    "retail_goods": ("零售商品", "retail goods"),
}
VERDICT_LABELS = {"pass": ("合格", "pass"), "fail": ("不合格", "fail")}


def _party_block(case: dict[str, Any]) -> dict[str, str]:
    party = case["party"]
    return {
        "name": party["name"],
        "code": party.get("credit_code") or party.get("id_number") or "",
        "address": party.get("address", ""),
        "legal_rep": party.get("legal_rep", ""),
    }


def _evidence_lines(evidence: list[dict[str, Any]], lang: str) -> list[str]:
    out = []
    for i, e in enumerate(evidence, start=1):
        label = _pick(EVIDENCE_LABELS.get(e["kind"], (e["kind"], e["kind"])), lang)
        ref = e["ref"] if len(e["ref"]) <= 16 else e["ref"][:12] + "…"
        note = f"（{e['note']}）" if e.get("note") and lang == "zh" else ""
        note = note or (f" ({e['note']})" if e.get("note") else "")
        out.append(f"{i}. {label} {ref}{note}")
    return out


def _yuan(amount: str, lang: str) -> str:
    value = f"{Decimal(amount):,.2f}" if amount else "0.00"
    return f"人民币{amount}元（¥{value}）" if lang == "zh" else f"CNY {value}"


def decision_lines(decision: dict[str, Any] | None, lang: str) -> list[str]:
    """The penalties of a decision (or a proposal) as lines of text."""
    if not decision:
        return []
    out = []
    if decision.get("warning"):
        out.append(_l("警告", "a warning", lang))
    if decision.get("order_to_correct"):
        out.append(_l("责令改正", "an order to correct", lang))
    if decision.get("fine"):
        out.append(_l("罚款", "a fine of ", lang) + _yuan(str(decision["fine"]), lang))
    for c in decision.get("confiscation") or []:
        out.append(_pick(CONFISCATION_LABELS.get(c, (c, c)), lang))
    return out


def _common(
    case: dict[str, Any], document: str, authority: str, lang: str, signer: str
) -> dict[str, Any]:
    return {
        "kind": "case_document",
        "document": document,
        "case_id": case["id"],
        "case_no": case["case_no"],
        "party": _party_block(case),
        "officers": case["officers"],
        "authority": authority,
        "lang": lang,
        "inspector": signer or (case["officers"][0]["name"] if case["officers"] else ""),
        "finalized_at": None,
    }


def _officers_text(officers: list[dict[str, Any]]) -> str:
    return ", ".join(f"{x['name']} ({x['certificate_no']})" for x in officers)


def _signature_lines(labels: list[tuple[str, str]], lang: str) -> list[Any]:
    return [
        Spacer(1, 8),
        *[
            P(f"{_l(zh, en, lang)}: ______________    {_l('日期', 'Date', lang)}: __________")
            for zh, en in labels
        ],
    ]


# 现场检查笔录 ----------------------------------------------------------------------------------


def site_record_content(
    case: dict[str, Any],
    visit: dict[str, Any],
    authority: str,
    evidence: list[dict[str, Any]],
    lang: str,
    signer: str = "",
) -> dict[str, Any]:
    """The on-site inspection record of the visit the case came from: when, where, who (with
    their certificates), what was inspected and found, the evidence taken."""
    # the visit's officers when each carries an enforcement certificate number, else the
    # case's (who must carry them)
    officers = visit.get("officers") or []
    if not officers or not all(o.get("certificate_no") for o in officers):
        officers = case["officers"]
    return _common(case, "site_record", authority, lang, signer) | {
        "officers": officers,
        "visit": {
            "id": visit["id"],
            "started_at": visit["started_at"],
            "day": visit["day"],
            "place": visit.get("place") or visit.get("address") or visit.get("market") or "",
            "premises": visit.get("premises_name") or visit.get("market") or "",
            "notes": visit.get("notes", ""),
        },
        "instruments": [
            {
                "family": i["family"],
                "maker": i.get("maker", ""),
                "model": i.get("model", ""),
                "serial": i.get("serial", ""),
                "verdict": i.get("verdict") or "",
            }
            for i in visit.get("inspections", [])
        ],
        "findings": [f["text"] for f in visit.get("findings", [])],
        "facts": case["facts"],
        "evidence": _evidence_lines(evidence, lang),
    }


def build_site_record(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    v = content["visit"]
    d = _Doc(content, "现场检查笔录", "On-site Inspection Record", SITE_RECORD_PREFIX, v["day"])
    sep = "；" if lang == "zh" else "; "
    instruments = []
    for i in content["instruments"]:
        family = _pick(FAMILY_LABELS.get(i["family"], (i["family"], i["family"])), lang)
        verdict = _pick(VERDICT_LABELS.get(i["verdict"], (i["verdict"], i["verdict"])), lang)
        name = " ".join(x for x in (family, i["maker"], i["model"]) if x)
        serial = f" {_l('出厂编号', 'serial', lang)} {i['serial']}" if i["serial"] else ""
        instruments.append(f"{name}{serial}: {verdict or '—'}")
    d.kv(
        [
            (_l("检查时间", "Time", lang), v["started_at"].replace("T", " ")),
            (_l("检查地点", "Place", lang), v["place"] or "—"),
            (_l("被检查场所", "Premises", lang), v["premises"] or "—"),
            (
                _l("执法人员（执法证号）", "Officers (certificate no.)", lang),
                _officers_text(content["officers"]),
            ),
        ]
    )
    d.story.append(Spacer(1, 6))
    d.story.append(
        P(
            _l(
                "执法人员向当事人出示了执法证件，说明了检查的依据和目的，告知当事人有申请执法人员"
                "回避的权利以及如实提供情况、配合检查的义务。",
                "The officers showed their enforcement certificates, stated the basis and purpose "
                "of the inspection, and told the party of the right to ask for an officer to "
                "withdraw and of the duty to give true information and to cooperate.",
                lang,
            ),
            "lead",
        )
    )
    d.story.append(Spacer(1, 6))
    d.kv(
        [
            (_l("检查的计量器具", "Instruments inspected", lang), sep.join(instruments) or "—"),
            (
                _l("现场发现的问题", "Found on site", lang),
                sep.join(content["findings"]) or content["facts"] or "—",
            ),
            (_l("提取的证据", "Evidence taken", lang), sep.join(content["evidence"]) or "—"),
            (_l("备注", "Notes", lang), v["notes"] or "—"),
            (_l("当事人意见", "The party's statement", lang), "\n\n"),
        ]
    )
    tail = [
        Spacer(1, 4),
        P(
            _l(
                "以上笔录已向当事人宣读（或交其阅读），当事人确认无误。",
                "This record was read out to (or read by) the party, who confirmed it.",
                lang,
            ),
            "small",
        ),
        *_signature_lines(
            [
                ("当事人签名", "Party's signature"),
                ("执法人员签名", "Officers' signatures"),
                ("记录人", "Recorded by"),
            ],
            lang,
        ),
    ]
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)


# 行政处罚告知书 --------------------------------------------------------------------------------


def notice_content(
    case: dict[str, Any],
    authority: str,
    citations: dict[str, Any],
    evidence: list[dict[str, Any]],
    proposed: dict[str, Any] | None,
    ranges: list[str],
    served_on: str,
    reply_due: str,
    lang: str,
    signer: str = "",
) -> dict[str, Any]:
    """The prior notice: the facts, evidence, articles, the penalty proposed and the rights
    to a statement, defence and hearing within the reply window."""
    return _common(case, "notice", authority, lang, signer) | {
        "facts": case["facts"],
        "evidence": _evidence_lines(evidence, lang),
        "violated": citations.get("violated", []),
        "penalty": citations.get("penalty", []),
        "proposed": decision_lines(proposed, lang),
        "ranges": ranges,
        "served_on": served_on,
        "reply_due": reply_due,
    }


def build_notice_document(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    d = _Doc(
        content,
        "行政处罚告知书",
        "Prior Notice of Administrative Penalty",
        NOTICE_PREFIX,
        content["served_on"],
    )
    sep = "；" if lang == "zh" else "; "
    facts = (content["facts"] or "—").rstrip("。.；; ")
    violated = sep.join(content["violated"])
    penalty = sep.join(content["penalty"])
    proposed = sep.join(content["proposed"]) or (
        _l("在下列法定幅度内依法确定：", "to be set within the legal range: ", lang)
        + sep.join(content["ranges"])
    )
    evidence = sep.join(content["evidence"]) or "—"
    due = content["reply_due"]
    if lang == "zh":
        body = [
            f"经查，你（单位）存在以下违法行为：{facts}。",
            f"以上事实有下列证据证明：{evidence}。",
            f"你（单位）的上述行为违反了{violated or '有关计量法律法规'}的规定。"
            + (f"依据{penalty}的规定，" if penalty else "")
            + f"本局拟对你（单位）作出如下行政处罚：{proposed}。",
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）享有陈述、"
            "申辩的权利；根据第六十三条、第六十四条的规定，拟作出的行政处罚属于听证范围的，你"
            "（单位）有权要求举行听证。",
            f"请在收到本告知书之日起五个工作日内（即{_zh_date(due)}前）向本局提出陈述、申辩"
            "意见或者听证要求；逾期未提出的，视为放弃上述权利。",
        ]
    else:
        body = [
            f"The investigation found the following violation: {facts}.",
            f"These facts are shown by the following evidence: {evidence}.",
            f"This violates {violated or 'the metrology laws and regulations'}."
            + (f" Under {penalty}," if penalty else "")
            + f" this authority intends to impose the following penalty: {proposed}.",
            "Under Articles 44 and 45 of the Administrative Penalty Law you have the right to "
            "make a statement and a defence; under Articles 63 and 64, where the intended "
            "penalty is one for which a hearing may be held, you have the right to request "
            "a hearing.",
            f"Make your statement and defence or request a hearing within 5 working days of "
            f"receiving this notice (by {due}); if you do not, you are taken to have waived "
            "these rights.",
        ]
    d.story += [P(esc(line), "lead") for line in body]
    d.story.append(Spacer(1, 8))
    d.kv(
        [
            (
                _l("执法人员（证号）", "Officers (certificate no.)", lang),
                _officers_text(content["officers"]),
            ),
            (_l("送达日期", "Served on", lang), content["served_on"]),
            (_l("陈述申辩、听证期限", "Reply / hearing request by", lang), due),
        ]
    )
    tail = _signature_lines([("当事人签收", "Received by the party")], lang)
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)


# 行政处罚决定书 --------------------------------------------------------------------------------


def decision_content(
    case: dict[str, Any],
    authority: str,
    citations: dict[str, Any],
    evidence: list[dict[str, Any]],
    decided_on: str,
    served_on: str,
    payment_due: str,
    reply_note: str,
    lang: str,
    signer: str = "",
) -> dict[str, Any]:
    """The decision: the party, facts, evidence, articles, penalty, how and by when it is
    carried out, the appeal routes with their time limits, and the seal of the decision."""
    decision = case["decision"] or {}
    return _common(case, "decision", authority, lang, signer) | {
        "decision_no": decision.get("decision_no") or "",
        "procedure": decision.get("procedure", "general"),
        "facts": case["facts"],
        "evidence": _evidence_lines(evidence, lang),
        "violated": citations.get("violated", []),
        "penalty": citations.get("penalty", []),
        "penalties": decision_lines(decision, lang),
        "fine": str(decision.get("fine") or ""),
        "decided_on": decided_on,
        "served_on": served_on,
        "payment_due": payment_due,
        "reply_note": reply_note,
        "public_notice": bool(case.get("public_notice")),
        "decided_hash": case.get("decided_hash") or "",
    }


def build_decision_document(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    d = _Doc(
        content,
        "行政处罚决定书",
        "Administrative Penalty Decision",
        DECISION_PREFIX,
        content["decided_on"],
    )
    sep = "；" if lang == "zh" else "; "
    facts = (content["facts"] or "—").rstrip("。.；; ")
    violated = sep.join(content["violated"])
    penalty = sep.join(content["penalty"])
    items = content["penalties"]
    evidence = sep.join(content["evidence"]) or "—"
    if lang == "zh":
        body = [
            f"经查，当事人存在以下违法行为：{facts}。",
            f"以上事实有下列证据证明：{evidence}。",
            content["reply_note"],
            f"当事人的上述行为违反了{violated or '有关计量法律法规'}的规定。"
            + (f"依据{penalty}的规定，" if penalty else "")
            + "本局决定对当事人作出如下行政处罚：",
            *[f"{i}. {x}" for i, x in enumerate(items, start=1)],
        ]
        if content["fine"]:
            body.append(
                f"当事人应当自收到本决定书之日起{PAYMENT_DAYS}日内（即{_zh_date(content['payment_due'])}"
                "前）到指定银行或者通过电子支付系统缴纳罚款。到期不缴纳罚款的，本局将依据《中华人民"
                "共和国行政处罚法》第七十二条的规定，每日按罚款数额的百分之三加处罚款。"
            )
        body.append(
            f"如不服本处罚决定，可以在收到本决定书之日起{REVIEW_DAYS}日内依法申请行政复议，或者在"
            f"{LAWSUIT_MONTHS}个月内依法向人民法院提起行政诉讼。申请行政复议或者提起行政诉讼的，"
            "行政处罚不停止执行，法律另有规定的除外。"
        )
        if content["public_notice"]:
            body.append("本处罚决定将依法通过国家企业信用信息公示系统向社会公示。")
    else:
        body = [
            f"The investigation found the following violation by the party: {facts}.",
            f"These facts are shown by the following evidence: {evidence}.",
            content["reply_note"],
            f"This violates {violated or 'the metrology laws and regulations'}."
            + (f" Under {penalty}," if penalty else "")
            + " this authority imposes the following penalty:",
            *[f"{i}. {x}" for i, x in enumerate(items, start=1)],
        ]
        if content["fine"]:
            body.append(
                f"Pay the fine within {PAYMENT_DAYS} days of receiving this decision (by "
                f"{content['payment_due']}) at the designated bank or by electronic payment. "
                f"If it is not paid by then, a surcharge of {SURCHARGE_PERCENT} % of the fine is "
                "added for every day of delay (Administrative Penalty Law, Art. 72)."
            )
        body.append(
            f"If you disagree with this decision, you may apply for administrative review within "
            f"{REVIEW_DAYS} days of receiving it, or bring an administrative lawsuit before a "
            f"people's court within {LAWSUIT_MONTHS} months. The penalty is carried out while "
            "a review or lawsuit is pending, unless a law provides otherwise."
        )
        if content["public_notice"]:
            body.append(
                "This decision will be made public through the enterprise credit "
                "information publicity system."
            )
    d.story += [P(esc(line), "lead") for line in body if line]
    d.story.append(Spacer(1, 8))
    d.kv(
        [
            (_l("决定书文号", "Decision no.", lang), content["decision_no"] or "—"),
            (_l("作出决定日期", "Decided on", lang), content["decided_on"]),
            (_l("送达日期", "Served on", lang), content["served_on"]),
            (
                _l("执法人员（证号）", "Officers (certificate no.)", lang),
                _officers_text(content["officers"]),
            ),
            (_l("决定内容哈希", "Decided-content hash", lang), content["decided_hash"] or "—"),
        ]
    )
    tail = _signature_lines([("当事人签收", "Received by the party")], lang)
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)


# 结案审批表 ------------------------------------------------------------------------------------


def closure_content(
    case: dict[str, Any],
    authority: str,
    citations: dict[str, Any],
    lang: str,
    signer: str = "",
) -> dict[str, Any]:
    """The closure approval form: the case in brief, the decision and how it was carried out,
    each order to correct with its re-inspection, and the reason for closing."""
    dates = case["dates"]
    orders = [
        {
            "ordered_on": o["ordered_on"],
            "deadline": o["deadline"],
            "corrected": o["corrected"],
            "checked_on": o["checked_on"],
        }
        for o in case["orders"]
    ]
    return _common(case, "closure", authority, lang, signer) | {
        "facts": case["facts"],
        "status": case["status"],
        "dates": dates,
        "violated": citations.get("violated", []),
        "penalty": citations.get("penalty", []),
        "penalties": decision_lines(case["decision"], lang),
        "decision_no": (case["decision"] or {}).get("decision_no", ""),
        "paid_on": case.get("paid_on", ""),
        "orders": orders,
        "reason": (case.get("closure") or {}).get("reason", ""),
        "content_hash": case.get("content_hash") or "",
    }


def build_closure_document(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    dates = content["dates"]
    day = dates.get("closed") or dates.get("executed") or dates.get("decided") or dates["clue"]
    d = _Doc(content, "结案审批表", "Case Closure Approval Form", CLOSURE_PREFIX, day)
    sep = "；" if lang == "zh" else "; "
    orders = []
    for o in content["orders"]:
        if o["corrected"] is None:
            result = _l("尚未复查", "not yet re-inspected", lang)
        else:
            result = _l(
                "已改正" if o["corrected"] else "未改正",
                "corrected" if o["corrected"] else "not corrected",
                lang,
            )
            result += f" ({o['checked_on']})"
        orders.append(f"{o['ordered_on']} → {o['deadline']}: {result}")
    if content["reason"]:
        reason = content["reason"]
    elif content["penalties"]:
        reason = _l("行政处罚决定已执行完毕", "the penalty decision has been carried out", lang)
    else:
        reason = "—"
    paid = content["paid_on"]
    executed = dates.get("executed", "")
    execution = (
        (_l(f"罚款已于{paid}缴纳", f"fine paid on {paid}", lang) if paid else "")
        or (_l(f"{executed}执行完毕", f"carried out on {executed}", lang) if executed else "")
        or "—"
    )
    d.kv(
        [
            (_l("立案日期", "Filed on", lang), dates.get("filed", "—")),
            (_l("案情摘要", "Facts", lang), content["facts"] or "—"),
            (_l("违反条款", "Articles violated", lang), sep.join(content["violated"]) or "—"),
            (_l("处罚依据", "Penalty basis", lang), sep.join(content["penalty"]) or "—"),
            (
                _l("处罚决定", "Decision", lang),
                (f"{content['decision_no']} " if content["decision_no"] else "")
                + (sep.join(content["penalties"]) or "—"),
            ),
            (_l("决定日期", "Decided on", lang), dates.get("decided", "—")),
            (_l("执行情况", "Execution", lang), execution),
            (
                _l("责令改正及复查", "Orders to correct and re-inspections", lang),
                sep.join(orders) or "—",
            ),
            (_l("结案理由", "Reason for closing", lang), reason),
            (_l("结案日期", "Closed on", lang), dates.get("closed", "—")),
            (
                _l("办案人员（执法证号）", "Officers (certificate no.)", lang),
                _officers_text(content["officers"]),
            ),
        ]
    )
    d.story.append(Spacer(1, 8))
    blank = "______________________________"
    d.kv(
        [
            (
                _l("承办人意见", "Officers' proposal", lang),
                _l("建议结案。", "Proposed for closure.", lang),
            ),
            (
                _l("办案机构负责人意见", "Head of the case unit", lang),
                f"{blank}  {_l('日期', 'Date', lang)}: ________",
            ),
            (
                _l("部门负责人审批意见", "Approved by the head", lang),
                f"{blank}  {_l('日期', 'Date', lang)}: ________",
            ),
        ]
    )
    return d.build(for_signing=for_signing, signer_name=signer_name)
