"""The table shapes the case documents repeat: the officers row, the approvals block of the
forms (立案审批表, 结案审批表), the party's receipt and the signature lines."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Spacer

from ..inspection_report import P
from .frame import DocumentFrame, zh_en

# the officers row's label: on a notice (执法人员), on a record of the visit (with the word
# 执法证号), and on the case forms (办案人员, the officers handling the case)
OFFICERS = ("执法人员（证号）", "Officers (certificate no.)")
OFFICERS_ON_SITE = ("执法人员（执法证号）", "Officers (certificate no.)")
CASE_OFFICERS = ("办案人员（执法证号）", "Officers (certificate no.)")

BLANK = "______________________________"


def officers_text(officers: list[dict[str, Any]]) -> str:
    """'name (certificate no.), …'"""
    return ", ".join(f"{x['name']} ({x['certificate_no']})" for x in officers)


def officers_row(
    officers: list[dict[str, Any]], lang: str, label: tuple[str, str] = OFFICERS
) -> tuple[str, str]:
    """The row naming the officers with their enforcement certificate numbers."""
    return (zh_en(*label, lang), officers_text(officers))


def approvals(d: DocumentFrame, proposal: tuple[str, str]) -> None:
    """The approvals block of a form: the officers' proposal, then blank lines for the head
    of the case unit and for the head who approves, each with a date."""
    lang = d.lang
    d.story.append(Spacer(1, 8))
    d.kv(
        [
            (zh_en("承办人意见", "Officers' proposal", lang), zh_en(*proposal, lang)),
            (
                zh_en("办案机构负责人意见", "Head of the case unit", lang),
                f"{BLANK}  {zh_en('日期', 'Date', lang)}: ________",
            ),
            (
                zh_en("部门负责人审批意见", "Approved by the head", lang),
                f"{BLANK}  {zh_en('日期', 'Date', lang)}: ________",
            ),
        ]
    )


def signature_lines(labels: list[tuple[str, str]], lang: str) -> list[Any]:
    """A line to sign and date for each (zh, en) label."""
    return [
        Spacer(1, 8),
        *[
            P(f"{zh_en(zh, en, lang)}: ______________    {zh_en('日期', 'Date', lang)}: __________")
            for zh, en in labels
        ],
    ]


RECEIVED_BY_PARTY = [("当事人签收", "Received by the party")]
