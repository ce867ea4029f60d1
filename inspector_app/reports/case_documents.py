"""Documents of an enforcement case: the order to correct (责令改正通知书), zh or en.

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


def order_number(content: dict, chash: str) -> str:
    day = content["order"]["ordered_on"].replace("-", "")
    return f"{ORDER_PREFIX}-{day}-{chash[:8].upper()}"


def build_order_document(
    content: dict, *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    raw = canonical_bytes(content)
    chash = hashlib.sha256(raw).hexdigest()
    number = order_number(content, chash)
    font = register_fonts()
    s = styles()
    width = A4[0] - 30 * mm
    authority = content["authority"] or _l(
        "市场监督管理局", "Market Supervision Administration", lang
    )
    title = _l("责令改正通知书", "Order to Correct", lang)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=17 * mm,
        title=f"{title} {number}",
        creator=PRODUCER,
        producer=PRODUCER,
        author=signer_name or authority,
        subject=f"{number} {chash}",
        keywords=keywords(number, chash, ""),
        lang="zh-CN" if lang == "zh" else "en",
    )
    party = content["party"]
    o = content["order"]
    story: list = [
        Paragraph(esc(authority), s["lead"]),
        Paragraph(esc(title), s["title"]),
        P(
            f"{_l('文书编号', 'No.', lang)}: {number}    {_l('案号', 'Case no.', lang)}: {content['case_no']}"
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
            width,
            columns=1,
        ),
        Spacer(1, 8),
    ]
    facts = (content["facts"] or "—").rstrip("。.；; ")
    violated = "；".join(content["violated"]) if lang == "zh" else "; ".join(content["violated"])
    penalty = "；".join(content["penalty"]) if lang == "zh" else "; ".join(content["penalty"])
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
    story += [P(esc(line), "lead") for line in body]
    story.append(Spacer(1, 8))
    officers = ", ".join(f"{x['name']} ({x['certificate_no']})" for x in content["officers"])
    story.append(
        _kv_table(
            [
                (_l("执法人员（证号）", "Officers (certificate no.)", lang), officers),
                (_l("送达日期", "Served on", lang), o["ordered_on"]),
                (_l("改正期限", "Deadline", lang), o["deadline"]),
            ],
            width,
            columns=1,
        )
    )
    story += [
        Spacer(1, 6),
        P(f"{_l('内容哈希 (SHA-256)', 'Content hash (SHA-256)', lang)}: {chash}", "mono"),
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
    story += [
        Spacer(1, 10),
        P(
            _l(
                "当事人签收：__________    日期：__________",
                "Received by the party: __________    Date: __________",
                lang,
            )
        ),
    ]
    doc.build(
        story,
        canvasmaker=_canvas_class(authority, title, f"{number}", lang, font, raw),
    )
    return BuiltReport(buf.getvalue(), number, chash, "", sink.get("box"))


def _zh_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"
