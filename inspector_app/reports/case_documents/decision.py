"""行政处罚决定书 (administrative penalty decision): the party, the facts and evidence, the
articles violated, the penalty and its basis, how and by when it is carried out (a fine within
15 days, with a 3 % daily surcharge when late: 行政处罚法 (2021) Art. 67, 72), the routes of
appeal with their time limits (administrative review within 60 days, a lawsuit within 6
months), public notice, and the authority (Art. 59)."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Spacer

from ..inspection_report import BuiltReport
from .frame import (
    LAWSUIT_MONTHS,
    PAYMENT_DAYS,
    REVIEW_DAYS,
    SURCHARGE_PERCENT,
    DocumentFrame,
    common_content,
    decision_lines,
    evidence_lines,
    facts_sentence,
    list_sep,
    zh_date,
    zh_en,
)
from .tables import RECEIVED_BY_PARTY, officers_row, signature_lines

DECISION_PREFIX = "XZCFJD"  # 行政处罚决定


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
    return common_content(case, "decision", authority, lang, signer) | {
        "decision_no": decision.get("decision_no") or "",
        "procedure": decision.get("procedure", "general"),
        "facts": case["facts"],
        "evidence": evidence_lines(evidence, lang),
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
    d = DocumentFrame(
        content,
        "行政处罚决定书",
        "Administrative Penalty Decision",
        DECISION_PREFIX,
        content["decided_on"],
    )
    sep = list_sep(lang)
    facts = facts_sentence(content["facts"])
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
                f"当事人应当自收到本决定书之日起{PAYMENT_DAYS}日内（即{zh_date(content['payment_due'])}"
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
    d.paragraphs(body)
    d.story.append(Spacer(1, 8))
    d.kv(
        [
            (zh_en("决定书文号", "Decision no.", lang), content["decision_no"] or "—"),
            (zh_en("作出决定日期", "Decided on", lang), content["decided_on"]),
            (zh_en("送达日期", "Served on", lang), content["served_on"]),
            officers_row(content["officers"], lang),
            (zh_en("决定内容哈希", "Decided-content hash", lang), content["decided_hash"] or "—"),
        ]
    )
    tail = signature_lines(RECEIVED_BY_PARTY, lang)
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)


# 结案审批表 ------------------------------------------------------------------------------------
