"""立案审批表 (filing approval form): where the case came from, the party, the facts, the
violated article with its edition, the evidence, the officers assigned, the filing deadline
(15 working days from the clue, 市场监督管理行政处罚程序规定 Art. 18) and lines for the
approvals."""

from __future__ import annotations

from typing import Any

from ..inspection_report import BuiltReport
from .frame import DocumentFrame, list_sep, party_block, zh_en
from .tables import CASE_OFFICERS, approvals, officers_row

FILING_PREFIX = "LASP"  # 立案审批

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
    return {
        "kind": "case_document",
        "document": "filing",
        "case_id": case["id"],
        "case_no": case["case_no"],
        "source": case["source"],
        "source_text": case.get("source_text", ""),
        "clue_date": case["clue_date"],
        "filing_due": filing_due,
        "party": party_block(case),
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
    d = DocumentFrame(
        content, "立案审批表", "Case Filing Approval Form", FILING_PREFIX, content["clue_date"]
    )
    src_zh, src_en = SOURCE_LABELS.get(content["source"], (content["source"], content["source"]))
    sep = list_sep(lang)
    d.kv(
        [
            (
                zh_en("案件来源", "Source", lang),
                zh_en(src_zh, src_en, lang)
                + (f"：{content['source_text']}" if content["source_text"] else ""),
            ),
            (zh_en("发现线索日期", "Clue found on", lang), content["clue_date"]),
            (
                zh_en("立案期限（15个工作日）", "File by (15 working days)", lang),
                content["filing_due"],
            ),
            (zh_en("案情摘要", "Facts", lang), content["facts"] or "—"),
            (
                zh_en("涉嫌违反", "Suspected violation of", lang),
                sep.join(content["violated"]) or "—",
            ),
            (zh_en("证据", "Evidence", lang), sep.join(content["evidence"]) or "—"),
            officers_row(content["officers"], lang, CASE_OFFICERS),
        ]
    )
    approvals(d, ("建议立案。", "Proposed for filing."))
    return d.build(for_signing=for_signing, signer_name=signer_name)
