"""行政处罚告知书 (prior notice of an administrative penalty): the facts, reasons, legal basis
and the penalty proposed, and the rights to a statement and defence and, where the penalty is
heavy enough, to a hearing (行政处罚法 (2021) Art. 44, 45, 63, 64), to be used within 5 working
days of service (市场监督管理行政处罚程序规定)."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Spacer

from ..inspection_report import BuiltReport
from .frame import (
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

NOTICE_PREFIX = "XZCFGZ"  # 行政处罚告知


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
    return common_content(case, "notice", authority, lang, signer) | {
        "facts": case["facts"],
        "evidence": evidence_lines(evidence, lang),
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
    d = DocumentFrame(
        content,
        "行政处罚告知书",
        "Prior Notice of Administrative Penalty",
        NOTICE_PREFIX,
        content["served_on"],
    )
    sep = list_sep(lang)
    facts = facts_sentence(content["facts"])
    violated = sep.join(content["violated"])
    penalty = sep.join(content["penalty"])
    proposed = sep.join(content["proposed"]) or (
        zh_en("在下列法定幅度内依法确定：", "to be set within the legal range: ", lang)
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
            f"请在收到本告知书之日起五个工作日内（即{zh_date(due)}前）向本局提出陈述、申辩"
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
    d.paragraphs(body)
    d.story.append(Spacer(1, 8))
    d.kv(
        [
            officers_row(content["officers"], lang),
            (zh_en("送达日期", "Served on", lang), content["served_on"]),
            (zh_en("陈述申辩、听证期限", "Reply / hearing request by", lang), due),
        ]
    )
    tail = signature_lines(RECEIVED_BY_PARTY, lang)
    return d.build(for_signing=for_signing, signer_name=signer_name, tail=tail)


# 行政处罚决定书 --------------------------------------------------------------------------------
