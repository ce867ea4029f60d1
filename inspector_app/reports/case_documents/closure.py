"""结案审批表 (case closure approval form): the case in brief, the decision and how it was
carried out, each order to correct with its re-inspection, the reason for closing and lines
for the approvals."""

from __future__ import annotations

from typing import Any

from ..inspection_report import BuiltReport
from .frame import DocumentFrame, common_content, decision_lines, list_sep, zh_en
from .tables import CASE_OFFICERS, approvals, officers_row

CLOSURE_PREFIX = "JASP"  # 结案审批


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
    return common_content(case, "closure", authority, lang, signer) | {
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
    d = DocumentFrame(content, "结案审批表", "Case Closure Approval Form", CLOSURE_PREFIX, day)
    sep = list_sep(lang)
    orders = []
    for o in content["orders"]:
        if o["corrected"] is None:
            result = zh_en("尚未复查", "not yet re-inspected", lang)
        else:
            result = zh_en(
                "已改正" if o["corrected"] else "未改正",
                "corrected" if o["corrected"] else "not corrected",
                lang,
            )
            result += f" ({o['checked_on']})"
        orders.append(f"{o['ordered_on']} → {o['deadline']}: {result}")
    if content["reason"]:
        reason = content["reason"]
    elif content["penalties"]:
        reason = zh_en("行政处罚决定已执行完毕", "the penalty decision has been carried out", lang)
    else:
        reason = "—"
    paid = content["paid_on"]
    executed = dates.get("executed", "")
    execution = (
        (zh_en(f"罚款已于{paid}缴纳", f"fine paid on {paid}", lang) if paid else "")
        or (zh_en(f"{executed}执行完毕", f"carried out on {executed}", lang) if executed else "")
        or "—"
    )
    d.kv(
        [
            (zh_en("立案日期", "Filed on", lang), dates.get("filed", "—")),
            (zh_en("案情摘要", "Facts", lang), content["facts"] or "—"),
            (zh_en("违反条款", "Articles violated", lang), sep.join(content["violated"]) or "—"),
            (zh_en("处罚依据", "Penalty basis", lang), sep.join(content["penalty"]) or "—"),
            (
                zh_en("处罚决定", "Decision", lang),
                (f"{content['decision_no']} " if content["decision_no"] else "")
                + (sep.join(content["penalties"]) or "—"),
            ),
            (zh_en("决定日期", "Decided on", lang), dates.get("decided", "—")),
            (zh_en("执行情况", "Execution", lang), execution),
            (
                zh_en("责令改正及复查", "Orders to correct and re-inspections", lang),
                sep.join(orders) or "—",
            ),
            (zh_en("结案理由", "Reason for closing", lang), reason),
            (zh_en("结案日期", "Closed on", lang), dates.get("closed", "—")),
            officers_row(content["officers"], lang, CASE_OFFICERS),
        ]
    )
    approvals(d, ("建议结案。", "Proposed for closure."))
    return d.build(for_signing=for_signing, signer_name=signer_name)
