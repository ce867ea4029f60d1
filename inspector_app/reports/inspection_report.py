"""The inspection report: a verification certificate (合格), a notice of non-conformity
(检定结果通知书) listing the failed items, or, for in-service and covert checks, an
inspection record (检查记录) with a conform / non-conform finding: the three
documents in which a Chinese verification result is recorded.

The verdict is printed big at the top, so a supervisor sees the finding at once. Every raw
observation and computed value is in the readings tables; the record's content hash and a
QR code (report number + hash) close the report, and the same two values are embedded in
the PDF's metadata (Keywords) so ``verify`` can check them against the database.

The document is assembled here (``build_inspection_pdf``) from the page furniture in
``layout``, the record's particulars in ``record_sections``, the findings in
``report_sections``, the conclusion, signatures and particulars in ``closing_sections``, the
readings tables in ``readings``, the chart in ``inspection_charts`` and, for a prepackaged
batch or a retail recheck, ``prepackaged_section``; its data and numbering are in
``report_data``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
)

from ..domain.canonical import canonical_bytes, inspection_content
from .closing_sections import (
    _conclusion,
    _official_block,
    _official_signatures,
    _signatures,
    _verification_block,
)
from .fonts import register_fonts
from .labels import t
from .layout import (
    FAIL_BG as FAIL_BG,
)
from .layout import (
    GREY as GREY,
)
from .layout import (
    LIGHT as LIGHT,
)
from .layout import (
    NAVY as NAVY,
)
from .layout import (
    SIGNATURE_BOX as SIGNATURE_BOX,
)
from .layout import (
    P as P,
)
from .layout import (
    QrCode as QrCode,
)
from .layout import (
    SignatureSpace as SignatureSpace,
)
from .layout import (
    TitledChart as TitledChart,
)
from .layout import (
    _canvas_class as _canvas_class,
)
from .layout import (
    _grid as _grid,
)
from .layout import (
    _image as _image,
)
from .layout import (
    _kv_table as _kv_table,
)
from .layout import (
    _section as _section,
)
from .layout import (
    esc as esc,
)
from .layout import (
    fits as fits,
)
from .layout import (
    local_time as local_time,
)
from .layout import (
    styles as styles,
)
from .record_sections import (
    CHART_HEIGHT as CHART_HEIGHT,
)
from .record_sections import (
    CHART_MIN_HEIGHT as CHART_MIN_HEIGHT,
)
from .record_sections import (
    PHOTO_HEIGHT as PHOTO_HEIGHT,
)
from .record_sections import (
    _checklist,
    _findings,
    _particulars,
    _photos,
    _readings_and_chart,
    _standards,
    _warnings,
)
from .record_sections import (
    visit_text as visit_text,
)
from .report_data import (
    KEYWORD_PREFIX as KEYWORD_PREFIX,
)
from .report_data import (
    KIND_PREFIX as KIND_PREFIX,
)
from .report_data import (
    KIND_TITLES as KIND_TITLES,
)
from .report_data import (
    PRODUCER as PRODUCER,
)
from .report_data import (
    BuiltReport as BuiltReport,
)
from .report_data import (
    ReportData as ReportData,
)
from .report_data import (
    ReportError as ReportError,
)
from .report_data import (
    data_kind as data_kind,
)
from .report_data import (
    document_kind as document_kind,
)
from .report_data import (
    keywords as keywords,
)
from .report_data import (
    parse_keywords as parse_keywords,
)
from .report_data import (
    report_number as report_number,
)
from .report_sections import (
    _failed_text as _failed_text,
)
from .report_sections import (
    _verdict_banner,
)
from .report_sections import (
    failed as failed,
)
from .report_sections import (
    failed_items as failed_items,
)
from .report_sections import (
    finding_action as finding_action,
)
from .report_sections import (
    finding_text as finding_text,
)
from .report_sections import (
    metrology_text as metrology_text,
)
from .report_sections import (
    ruleset_title as ruleset_title,
)
from .report_sections import (
    specific_name as specific_name,
)

# ---- the document -------------------------------------------------------------------------


def build_inspection_pdf(
    data: ReportData,
    lang: str = "zh",
    *,
    for_signing: bool = False,
    signer_name: str = "",
    signer_fingerprint: str = "",
) -> BuiltReport:
    """Render the report; with *for_signing* a box is reserved for the visible signature
    and the signer's name (which may be Chinese) is printed beside it."""
    if lang not in ("zh", "en"):
        raise ReportError(f"unknown language {lang!r}; use zh or en")
    font = register_fonts()
    insp = data.inspection
    if for_signing and insp.status != "finalized":
        raise ReportError("only a finalized inspection can be signed; finalize it first")
    kind = data_kind(data)
    report_no = report_number(insp, kind)
    chash = insp.content_hash or ""
    authority = (
        data.authority or data.body.name(lang) or t("Market Supervision Administration", lang)
    )
    buf = io.BytesIO()
    width = A4[0] - 30 * mm
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{t(KIND_TITLES[kind], lang)} {report_no}",
        author=insp.inspector,
        subject=f"{report_no} {chash}",
        creator=PRODUCER,
        producer=PRODUCER,
        keywords=keywords(report_no, chash, insp.id),  # type: ignore[arg-type]  # a str is accepted too
        lang="zh-CN" if lang == "zh" else "en",
    )
    story: list[Any] = []
    sink: dict[str, Any] = {}

    story.append(_verdict_banner(data, lang, width))
    if kind in ("certificate", "notice"):
        story += _section("Certificate" if kind == "certificate" else "Notice", lang)
        story += _official_block(data, lang, width, kind)
    elif data.blockers and insp.check in ("initial", "subsequent"):
        story += [
            Spacer(1, 4),
            P(t("No verification certificate can be issued for this record:", lang), "warn"),
            *[P(f"• {b.get(lang)}", "warn") for b in data.blockers],
        ]
    if insp.status != "finalized":
        story += [
            Spacer(1, 4),
            P(t("This is a draft: it is not finalized and has no legal effect.", lang), "warn"),
        ]
    if data.superseded:
        story += [
            Spacer(1, 4),
            P(t("This revision has been superseded by a correction.", lang), "warn"),
        ]

    story += _particulars(data, lang, width)
    story += _standards(data, lang, width)
    story += _readings_and_chart(data, lang, width, font)
    story += _checklist(data, lang, width)
    story += _findings(data, lang, width)
    story += _photos(data, lang, width, font)
    story += _warnings(data, lang)

    # the closing block stays together: conclusion, signatures and the verification block, so a
    # long report never ends with the verification block alone on a nearly empty page
    closing = _conclusion(data, lang)
    closing += [*_section("Signatures", lang, keep=True), _signatures(data, lang, width)]
    if kind in ("certificate", "notice"):
        closing += [Spacer(1, 3), _official_signatures(data, lang, width)]
    if kind == "certificate":
        closing.append(
            P(t("The results of this certificate apply to this instrument only.", lang), "small")
        )
    closing += [
        *_section("Verification of this document", lang, keep=True),
        _verification_block(
            data,
            lang,
            width,
            report_no,
            chash,
            sink,
            for_signing,
            signer_name,
            signer_fingerprint,
            font,
        ),
    ]
    story.append(KeepTogether(closing))

    header_left = f"{t('Issued by', lang)}: {authority}"
    header_right = f"{t('Report no.', lang)} {report_no}"
    footer_left = f"{t('Record hash', lang)} {chash[:16] or '—'}…  ·  {dt.date.today().isoformat()}"
    record_bytes = canonical_bytes(inspection_content(insp))
    doc.build(
        story,
        canvasmaker=_canvas_class(header_left, header_right, footer_left, lang, font, record_bytes),
    )
    return BuiltReport(buf.getvalue(), report_no, chash, insp.id, sink.get("box"))
