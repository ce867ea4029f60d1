"""责令改正通知书 (order to correct): the violation, the legal basis, what to correct and by
when, and the appeal routes: administrative review within 60 days of receipt, or an
administrative lawsuit within 6 months (the routes an SAMR order to correct names; 行政复议法
and 行政诉讼法)."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Spacer

from ..inspection_report import BuiltReport, P
from .frame import (
    LAWSUIT_MONTHS,
    REVIEW_DAYS,
    DocumentFrame,
    facts_sentence,
    list_sep,
    party_block,
    zh_date,
    zh_en,
)
from .tables import officers_row

ORDER_PREFIX = "ZLGZ"  # 责令改正


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
    return {
        "kind": "case_document",
        "document": "order",
        "case_id": case["id"],
        "case_no": case["case_no"],
        "party": party_block(case),
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


def build_order_document(
    content: dict[str, Any], *, for_signing: bool = False, signer_name: str = ""
) -> BuiltReport:
    lang = content["lang"]
    o = content["order"]
    d = DocumentFrame(content, "责令改正通知书", "Order to Correct", ORDER_PREFIX, o["ordered_on"])
    facts = facts_sentence(content["facts"])
    sep = list_sep(lang)
    violated = sep.join(content["violated"])
    penalty = sep.join(content["penalty"])
    if lang == "zh":
        body = [
            f"经查，你（单位）存在以下违法行为：{facts}。",
            f"上述行为违反了{violated or '有关计量法律法规'}的规定。"
            + (f"依据{penalty}的规定，" if penalty else "")
            + f"本局责令你（单位）于{zh_date(o['deadline'])}前改正上述违法行为"
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
    d.paragraphs(body)
    d.story.append(Spacer(1, 8))
    d.kv(
        [
            officers_row(content["officers"], lang),
            (zh_en("送达日期", "Served on", lang), o["ordered_on"]),
            (zh_en("改正期限", "Deadline", lang), o["deadline"]),
        ]
    )
    tail = [
        Spacer(1, 10),
        P(
            zh_en(
                "当事人签收：__________    日期：__________",
                "Received by the party: __________    Date: __________",
                lang,
            )
        ),
    ]
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)
