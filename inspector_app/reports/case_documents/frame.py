"""The page frame every case document shares, and the pieces of content they have in common.

:class:`DocumentFrame` lays out the authority, the title, the document and case numbers and
the party block, then (in :meth:`DocumentFrame.build`) the content hash, the box for the
visible signature, the page furniture and the embedded record (kind ``case_document``), so
that every document is numbered, hashed, PDF/A-3b and signable like an inspection report.

The legal time limits the documents state: administrative review within 60 days of receipt
(行政复议法 (2023) Art. 20), an administrative lawsuit within 6 months (行政诉讼法 (2017)
Art. 46), a fine paid within 15 days (行政处罚法 (2021) Art. 67) with a 3 % daily surcharge
when late (Art. 72).
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ...domain.canonical import canonical_bytes
from ..fonts import register_fonts
from ..inspection_report import (
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

REVIEW_DAYS = 60  # administrative review: within 60 days of receipt
LAWSUIT_MONTHS = 6  # administrative lawsuit: within 6 months of receipt
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


def zh_en(zh: str, en: str, lang: str) -> str:
    """*zh* for a Chinese document, *en* otherwise."""
    return zh if lang == "zh" else en


def pick(pair: tuple[str, str], lang: str) -> str:
    """The Chinese or English of a (zh, en) pair."""
    return pair[0] if lang == "zh" else pair[1]


def list_sep(lang: str) -> str:
    """What separates the items of a list written into one line or cell."""
    return "；" if lang == "zh" else "; "


def zh_date(iso: str) -> str:
    """2025-03-20 as 2025年3月20日."""
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def facts_sentence(facts: str) -> str:
    """The facts without their closing punctuation, to be put into a sentence."""
    return (facts or "—").rstrip("。.；; ")


def party_block(case: dict[str, Any]) -> dict[str, str]:
    """The party as the documents print it: name, credit code or ID number, address, legal
    representative."""
    party = case["party"]
    return {
        "name": party["name"],
        "code": party.get("credit_code") or party.get("id_number") or "",
        "address": party.get("address", ""),
        "legal_rep": party.get("legal_rep", ""),
    }


def common_content(
    case: dict[str, Any], document: str, authority: str, lang: str, signer: str
) -> dict[str, Any]:
    """The keys every document's content starts with; *signer* is the officer who signs it
    (default: the first officer)."""
    return {
        "kind": "case_document",
        "document": document,
        "case_id": case["id"],
        "case_no": case["case_no"],
        "party": party_block(case),
        "officers": case["officers"],
        "authority": authority,
        "lang": lang,
        "inspector": signer or (case["officers"][0]["name"] if case["officers"] else ""),
        "finalized_at": None,
    }


def evidence_lines(evidence: list[dict[str, Any]], lang: str) -> list[str]:
    """The evidence as numbered lines: kind, short reference, note."""
    out = []
    for i, e in enumerate(evidence, start=1):
        label = pick(EVIDENCE_LABELS.get(e["kind"], (e["kind"], e["kind"])), lang)
        ref = e["ref"] if len(e["ref"]) <= 16 else e["ref"][:12] + "…"
        note = f"（{e['note']}）" if e.get("note") and lang == "zh" else ""
        note = note or (f" ({e['note']})" if e.get("note") else "")
        out.append(f"{i}. {label} {ref}{note}")
    return out


def yuan(amount: str, lang: str) -> str:
    """An amount of money in words and figures (zh) or as CNY (en)."""
    value = f"{Decimal(amount):,.2f}" if amount else "0.00"
    return f"人民币{amount}元（¥{value}）" if lang == "zh" else f"CNY {value}"


def decision_lines(decision: dict[str, Any] | None, lang: str) -> list[str]:
    """The penalties of a decision (or a proposal) as lines of text."""
    if not decision:
        return []
    out = []
    if decision.get("warning"):
        out.append(zh_en("警告", "a warning", lang))
    if decision.get("order_to_correct"):
        out.append(zh_en("责令改正", "an order to correct", lang))
    if decision.get("fine"):
        out.append(zh_en("罚款", "a fine of ", lang) + yuan(str(decision["fine"]), lang))
    for c in decision.get("confiscation") or []:
        out.append(pick(CONFISCATION_LABELS.get(c, (c, c)), lang))
    return out


class DocumentFrame:
    """The frame every case document shares: number, metadata, header, party block, seal
    line with the content hash, the signature box, page furniture and the embedded record.

    A document module adds its body to :attr:`story` (see :mod:`.tables` for the shared
    shapes) and calls :meth:`build`."""

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
        self.authority = content["authority"] or zh_en(
            "市场监督管理局", "Market Supervision Administration", lang
        )
        self.title = zh_en(title_zh, title_en, lang)
        party = content["party"]
        self.story: list[Any] = [
            Paragraph(esc(self.authority), self.s["lead"]),
            Paragraph(esc(self.title), self.s["title"]),
            P(
                f"{zh_en('文书编号', 'No.', lang)}: {self.number}    "
                f"{zh_en('案号', 'Case no.', lang)}: {content['case_no']}"
            ),
            Spacer(1, 6),
            _kv_table(
                [
                    (zh_en("当事人", "Party", lang), party["name"]),
                    (
                        zh_en("统一社会信用代码/身份证号", "Credit code / ID no.", lang),
                        party["code"] or "—",
                    ),
                    (zh_en("住所（地址）", "Address", lang), party["address"] or "—"),
                    (
                        zh_en("法定代表人（负责人）", "Legal representative", lang),
                        party["legal_rep"] or "—",
                    ),
                ],
                self.width,
                columns=1,
            ),
            Spacer(1, 8),
        ]

    def kv(self, pairs: list[tuple[str, str]]) -> None:
        """A one-column table of label and value rows."""
        self.story.append(_kv_table(pairs, self.width, columns=1))

    def paragraphs(self, lines: list[str]) -> None:
        """The body text, one paragraph per non-empty line."""
        self.story += [P(esc(line), "lead") for line in lines if line]

    def build(
        self, *, for_signing: bool, signer_name: str, tail: list[Any] | None = None
    ) -> BuiltReport:
        """The PDF: the story so far, the content hash, the signature box when it is to be
        signed, then *tail* (receipt and signature lines)."""
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
            P(
                f"{zh_en('内容哈希 (SHA-256)', 'Content hash (SHA-256)', lang)}: {self.chash}",
                "mono",
            ),
        ]
        sink: dict[str, Any] = {}
        if for_signing:
            story += [
                P(
                    zh_en("数字签名", "Digital signature", lang)
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
