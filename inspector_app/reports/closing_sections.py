"""The closing sections of an inspection report: the conclusion, the signatures, the
verification block, and on a certificate or notice its official particulars (the specific
name of the instrument, the issuing body's block and signatures)."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .charts import GREEN, RED
from .fonts import FONT
from .labels import t
from .layout import (
    GREY,
    SIGNATURE_BOX,
    P,
    SignatureSpace,
    _image,
    _kv_table,
    _qr,
    _section,
    esc,
    local_time,
    styles,
)
from .prepackaged_section import (
    goods_closing,
    goods_verdict_text,
)
from .report_data import ReportData, data_kind
from .report_sections import failed_items, specific_name

# ---- the closing block ---------------------------------------------------------------------


def _conclusion(data: ReportData, lang: str) -> list[Any]:
    s = styles()
    insp, ins = data.inspection, data.instrument
    kind = data_kind(data)
    out: list[Any] = [*_section("Conclusion", lang, keep=True)]
    if insp.verdict == "pass":
        text = {
            "certificate": ("检定结论：合格。" if lang == "zh" else "Conclusion: PASS (合格)."),
            "record": (
                "检查结论：符合要求。" if lang == "zh" else "Finding: the instrument conforms."
            ),
        }["record" if kind == "record" else "certificate"]
        text = goods_verdict_text(insp, lang, True) or text  # a batch or a recheck
        if kind == "certificate" and ins.accuracy_class:
            text += (
                f" 准确度等级 {ins.accuracy_class}。"
                if lang == "zh"
                else f" Accuracy class {ins.accuracy_class}."
            )
        out.append(
            Paragraph(
                esc(text),
                ParagraphStyle("c", parent=s["lead"], fontSize=12, leading=16, textColor=GREEN),
            )
        )
        return out
    text = (
        ("检查结论：不符合要求。" if lang == "zh" else "Finding: the instrument does NOT conform.")
        if kind == "record"
        else (
            "检定结论：不合格（检定结果通知书）。"
            if lang == "zh"
            else "Conclusion: FAIL — notice of non-conformity."
        )
    )
    text = goods_verdict_text(insp, lang, False) or text  # a batch or a recheck
    out.append(
        Paragraph(
            esc(text), ParagraphStyle("c", parent=s["lead"], fontSize=12, leading=16, textColor=RED)
        )
    )
    lines = failed_items(data, lang)
    if lines:
        out.append(P(t("Failed items", lang) + ":", "base"))
        for n, x in enumerate(lines, 1):
            out.append(P(f"{n}. {x}", "base"))
    missing = failed_items(data, lang, incomplete=True)
    if missing:
        out.append(P(t("Tests of the verification programme not done", lang) + ":", "base"))
        for n, x in enumerate(missing, 1):
            out.append(P(f"{n}. {x}", "base"))
    out.append(
        P(
            goods_closing(insp, lang)  # a batch or a recheck: correction, not repair
            or t(
                "The instrument must not be used for trade until it has been repaired and verified again.",
                lang,
            ),
            "base",
        )
    )
    return out


def _signatures(data: ReportData, lang: str, width: float) -> Table:
    insp = data.inspection
    sigs = {a.role: a for a in insp.attachments if a.role.startswith("signature")}
    cells = []
    for role, label, name in (
        ("signature_inspector", "Inspector signature", insp.inspector),
        ("signature_representative", "Representative of the premises", data.premises.contact),
    ):
        a = sigs.get(role)
        img = _image(data.images.get(a.sha256, b""), 55 * mm, 16 * mm) if a else None
        cells.append(
            [
                P(t(label, lang), "small"),
                img or P(f"({t('not signed', lang)})", "small"),
                P(name or "", "small"),
            ]
        )
    table = Table([[cells[0], cells[1]]], colWidths=[width / 2] * 2)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _verification_block(
    data: ReportData,
    lang: str,
    width: float,
    report_no: str,
    chash: str,
    sink: dict[str, Any],
    for_signing: bool,
    signer_name: str,
    signer_fingerprint: str,
    font: str,
) -> Table:
    """Report number, record hash and QR code; with *for_signing* the box for the visible
    signature sits between the text and the code (one row, so the block stays short)."""
    insp = data.inspection
    text = [
        P(f"{t('Report no.', lang)}: {report_no}", "base"),
        P(f"{t('Record id', lang)}: {insp.id}", "small"),
        P(f"{t('Finalized', lang)}: {local_time(insp.finalized_at)}", "small"),
        P(f"{t('Content hash (SHA-256)', lang)}: {chash or '—'}", "mono"),
        P(
            t("Scan the code or run 'inspector-app verify FILE.pdf' to check this document.", lang),
            "small",
        ),
    ]
    qr = _qr(f"{report_no}|{chash}", 27 * mm)
    if for_signing:
        signer = signer_name + (
            f" (SHA-256 {signer_fingerprint[:16]}…)" if signer_fingerprint else ""
        )
        box = [
            P(t("Digital signature", lang) + (f": {signer}" if signer else ":"), "small"),
            Spacer(1, 2),
            SignatureSpace(SIGNATURE_BOX[0], SIGNATURE_BOX[1], sink, "", font),
        ]
        box_w = SIGNATURE_BOX[0] + 6
        row, widths = [text, box, qr], [width - 31 * mm - box_w, box_w, 31 * mm]
    else:
        row, widths = [text, qr], [width - 31 * mm, 31 * mm]
    block = Table([row], colWidths=widths)
    block.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fafafa")),
            ]
        )
    )
    return block


# ---- certificate and notice particulars ------------------------------------------------


def _official_block(data: ReportData, lang: str, width: float, kind: str) -> list[Any]:
    """Certificate / notice particulars: number, issuing body with address, phone and
    authorisation number, instrument name, verification date and validity."""
    insp, body = data.inspection, data.body
    day = (insp.started_at or "")[:10]
    pairs = [
        (
            t("This certificate's no." if kind == "certificate" else "Notice no.", lang),
            data.certificate_no
            or t(
                "(numbered when the signed document is issued)"
                if insp.status == "finalized"
                else "(assigned when finalized)",
                lang,
            ),
        ),
        (t("Instrument name", lang), specific_name(data, lang)),
        (t("Issuing body", lang), body.name(lang) or data.authority),
        (t("Authorisation certificate no.", lang), body.authorisation_no),
        (t("Address", lang), " ".join(x for x in (body.address, body.postcode) if x)),
        (t("Phone", lang), body.phone),
        (t("Client", lang), data.premises.name),
        (t("Regulation", lang), insp.ruleset),
        (t("Date of verification", lang), day),
    ]
    if kind == "certificate":
        pairs.append((t("Valid until", lang), data.valid_until or "—"))
    return [_kv_table(pairs, width)]


def _official_signatures(data: ReportData, lang: str, width: float) -> Table:
    """检定员 (with certificate number), 核验员 and 批准人 lines (the office countersigns)."""
    insp = data.inspection
    who = insp.inspector + (
        f"（{t('certificate no.', lang)} {data.inspector_cert_no}）"
        if lang == "zh" and data.inspector_cert_no
        else (f" (certificate no. {data.inspector_cert_no})" if data.inspector_cert_no else "")
    )
    cells = [
        [P(t("Verified by", lang), "small"), P(who, "base")],
        [P(t("Checked by", lang), "small"), P("", "base")],
        [P(t("Approved by", lang), "small"), P("", "base")],
    ]
    table = Table([cells], colWidths=[width / 3] * 3, rowHeights=[14 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, GREY),
            ]
        )
    )
    return table
