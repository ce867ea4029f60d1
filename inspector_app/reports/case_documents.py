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


def order_content(
    case: dict, order: dict, authority: str, citations: dict, lang: str, signer: str = ""
) -> dict:
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

    def __init__(self, content: dict, title_zh: str, title_en: str, prefix: str, day: str):
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
        self.story: list = [
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

    def kv(self, pairs) -> None:
        self.story.append(_kv_table(pairs, self.width, columns=1))

    def build(self, *, for_signing: bool, signer_name: str, tail: list | None = None):
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
            keywords=keywords(self.number, self.chash, ""),
            lang="zh-CN" if lang == "zh" else "en",
        )
        story = self.story + [
            Spacer(1, 6),
            P(f"{_l('内容哈希 (SHA-256)', 'Content hash (SHA-256)', lang)}: {self.chash}", "mono"),
        ]
        sink: dict = {}
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
    content: dict, *, for_signing: bool = False, signer_name: str = ""
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
    case: dict,
    authority: str,
    citations: dict,
    evidence: list[dict],
    filing_due: str,
    lang: str,
    signer: str = "",
) -> dict:
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
    content: dict, *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    """立案审批表: where the case came from, the party, the facts, the violated article with
    its edition, the evidence, the officers assigned (two or more, with certificates), the
    filing deadline computed from the clue date, and lines for the approvals."""
    lang = content["lang"]
    d = _Doc(
        content, "立案审批表", "Case Filing Approval Form", FILING_PREFIX, content["clue_date"]
    )
    src = SOURCE_LABELS.get(content["source"], (content["source"], content["source"]))
    sep = "；" if lang == "zh" else "; "
    officers = ", ".join(f"{x['name']} ({x['certificate_no']})" for x in content["officers"])
    d.kv(
        [
            (
                _l("案件来源", "Source", lang),
                _l(*src, lang) + (f"：{content['source_text']}" if content["source_text"] else ""),
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
