"""The inspection report: a verification certificate (合格), a notice of non-conformity
(检定结果通知书) listing the failed items, or, for in-service and covert checks, an
inspection record (检查记录) with a conform / non-conform finding: the three
documents in which a Chinese verification result is recorded.

The verdict is printed big at the top, so a supervisor sees the finding at once. Every raw
observation and computed value is in the readings tables; the record's content hash and a
QR code (report number + hash) close the report, and the same two values are embedded in
the PDF's metadata (Keywords) so ``verify`` can check them against the database.

The document is assembled here (``build_inspection_pdf``) from the page furniture in
``layout``, the sections in ``report_sections``, the readings tables in ``readings``, the
chart in ``charts`` and, for a prepackaged batch or a retail recheck, ``prepackaged_section``;
its data and numbering are in ``report_data``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..domain.canonical import canonical_bytes, inspection_content
from ..domain.models import (
    CHECK_LABELS,
    FAMILY_LABELS,
)
from ..i18n import pick
from . import readings
from .charts import inspection_chart
from .fonts import FONT, register_fonts
from .labels import t, unit
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
from .prepackaged_section import goods_section
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
    _conclusion,
    _official_block,
    _official_signatures,
    _question_label,
    _signatures,
    _verdict_banner,
    _verification_block,
    zh_warnings,
)
from .report_sections import (
    _failed_text as _failed_text,
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

CHART_HEIGHT = 50 * mm
CHART_MIN_HEIGHT = 36 * mm  # a chart shrinks to this to finish a page rather than leave a gap
PHOTO_HEIGHT = 32 * mm  # three photos a row


# ---- the document -------------------------------------------------------------------------


def visit_text(visit: dict[str, Any], lang: str) -> str:
    """The visit an inspection belongs to, in one line: kind and day, the officers present
    with their enforcement certificate numbers, the campaign, the visit's number."""
    from ..domain.visits import VISIT_KIND_LABELS

    kind = pick(VISIT_KIND_LABELS.get(visit["kind"], (visit["kind"], visit["kind"])), lang)
    zh = lang == "zh"
    officers = ("、" if zh else ", ").join(
        (
            f"{o['name']}（执法证 {o['certificate_no']}）"
            if zh
            else f"{o['name']} (cert. {o['certificate_no']})"
        )
        if o["certificate_no"]
        else o["name"]
        for o in visit["officers"]
    )
    parts = [f"{kind} {visit['day']}"]
    if officers:
        parts.append(("执法人员：" if zh else "officers: ") + officers)
    if visit.get("campaign"):
        parts.append(("专项：" if zh else "campaign: ") + str(visit["campaign"]))
    parts.append(("编号 " if zh else "no. ") + str(visit["id"])[:8])
    return ("；" if zh else "; ").join(parts)


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
    s = styles()
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

    # premises and instrument
    p, ins = data.premises, data.instrument
    story += _section("Premises", lang)
    story.append(
        _kv_table(
            [
                (t("Name", lang), p.name),
                (t("Unified social credit code", lang), p.credit_code),
                (t("Address", lang), p.address),
                (t("Market / stall", lang), " / ".join(x for x in (p.market, p.stall_no) if x)),
                (t("Contact", lang), p.contact),
                (t("Phone", lang), p.phone),
            ],
            width,
        )
    )
    story += _section("Instrument", lang)
    story.append(
        _kv_table(
            [
                (
                    t("Family", lang),
                    pick(FAMILY_LABELS.get(ins.family, (ins.family, ins.family)), lang),
                ),
                (t("Maker", lang), ins.maker),
                (t("Model", lang), ins.model),
                (t("Serial no.", lang), ins.serial),
                (t("Pattern approval no.", lang), ins.pattern_approval),
                (t("Accuracy class", lang), ins.accuracy_class),
                (t("Seals", lang), ins.seals),
                (t("Instrument name", lang), specific_name(data, lang)),
                (t("Last verified", lang), ins.last_verified or ""),
            ],
            width,
        )
    )
    story.append(
        _kv_table([(t("Metrological data", lang), metrology_text(ins, lang))], width, columns=1)
    )

    # the inspection
    story += _section("Inspection", lang)
    env = insp.environment or {}
    env_text = (
        ", ".join(
            f"{t(k, lang)} {v}{' °C' if k == 'temperature' else (' %RH' if k == 'humidity' else '')}"
            for k, v in env.items()
        )
        or "—"
    )
    title = ruleset_title(data.ruleset_title, lang)
    ruleset = insp.ruleset + (f" — {title}" if title else "")
    pairs = [
        (t("Check", lang), pick(CHECK_LABELS.get(insp.check, (insp.check, insp.check)), lang)),
        (t("Rule set", lang), ruleset),
        (t("Inspector", lang), insp.inspector),
        (t("Date", lang), local_time(insp.started_at)[:16] + local_time(insp.started_at)[19:]),
        (t("Place", lang), insp.place),
        (t("Environment", lang), env_text),
        (t("Record", lang), f"{insp.record_id}"),
        (t("Revision", lang), str(insp.revision)),
    ]
    story.append(_kv_table(pairs, width))
    if data.visit:  # the visit it belongs to, across the whole width
        story.append(
            _kv_table(
                [(pick(("现场检查", "Visit"), lang), visit_text(data.visit, lang))],
                width,
                columns=1,
            )
        )
    if insp.parent_id:
        story.append(
            P(
                t(
                    "Correction of revision {n}: {reason}",
                    lang,
                    n=insp.revision - 1,
                    reason=insp.correction_reason,
                ),
                "small",
            )
        )

    # reference standards
    story += _section("Reference standards used", lang)
    if data.standards:
        day = (insp.started_at or "")[:10]
        rows, verdicts = [], []
        for st in data.standards:
            expired = bool(st.valid_until and day and st.valid_until < day)
            rows.append(
                [
                    st.name,
                    st.serial or "—",
                    st.certificate_no or "—",
                    (st.valid_until or "—")
                    + (f" ({t('expired on the inspection date', lang)})" if expired else ""),
                    "；".join(
                        x
                        for x in (
                            st.accuracy,
                            f"{t('MPE', lang)} ±{st.mpe} {unit(st.unit, lang)}".strip()
                            if st.mpe
                            else "",
                        )
                        if x
                    )
                    or "—",
                ]
            )
            verdicts.append("fail" if expired else None)
        story.append(
            _grid(
                [
                    t("Name", lang),
                    t("Serial no.", lang),
                    t("Certificate no.", lang),
                    t("Valid until", lang),
                    t("Range / uncertainty or class", lang),
                ],
                rows,
                [55 * mm, 28 * mm, 35 * mm, 32 * mm, width - 150 * mm],
                verdicts,
            )
        )
    else:
        story.append(P(t("No reference standards recorded.", lang), "small"))

    # readings
    story += _section("Readings and results", lang)
    goods = goods_section(data, lang, width)  # a prepackaged batch or a retail recheck
    story += goods or []
    for table in [] if goods else readings.tables(insp, ins, lang):
        head = table.title + (f" — {t(table.verdict, lang)}" if table.verdict else "")
        color = "#c62828" if table.verdict == "fail" else "#1b7f3b"
        block: list[Flowable] = [
            Paragraph(
                f'{esc(table.title)} — <font color="{color}">{esc(t(table.verdict or "", lang))}</font>'
                if table.verdict
                else esc(head),
                s["h3"],
            )
        ]
        block.append(
            _grid(
                table.headers, table.rows, readings.column_widths(table, width), table.row_verdicts
            )
        )
        for note in table.notes:
            block.append(P(note, "small"))
        story.append(KeepTogether(block) if len(table.rows) < 14 else block[0])
        if len(table.rows) >= 14:
            story += block[1:]
        story.append(Spacer(1, 3))

    chart_w = width - 12  # the frame's padding: the chart ends where the tables end
    chart = inspection_chart(insp, ins, lang, font, chart_w, CHART_HEIGHT)
    if chart is not None:
        story.append(
            TitledChart(
                t("Error chart", lang),
                chart,
                lambda h: inspection_chart(insp, ins, lang, font, chart_w, h),
                chart_w,
                CHART_HEIGHT,
                CHART_MIN_HEIGHT,
            )
        )

    # checklist: a row is shaded when its answer is the form's finding_if answer
    failed_questions = {i.key for i in failed(data) if i.kind == "question"}
    story += _section("Checklist", lang)
    if insp.checklist:
        rows = [
            [_question_label(data, q, lang), t(str(a), lang)] for q, a in insp.checklist.items()
        ]
        story.append(
            _grid(
                [t("Question", lang), t("Answer", lang)],
                rows,
                [width - 35 * mm, 35 * mm],
                ["fail" if q in failed_questions else None for q in insp.checklist],
            )
        )
    else:
        story.append(P("—", "small"))

    # findings
    story += _section("Findings", lang)
    if insp.findings:
        rows, verdicts = [], []
        for f in insp.findings:
            text = finding_text(data, f, lang) + (f" [{t('cheating', lang)}]" if f.cheating else "")
            rows.append(
                [text, f.legal_basis or "—", t(f.severity, lang), finding_action(f.action, lang)]
            )
            verdicts.append("fail" if f.cheating or f.severity == "critical" else None)
        story.append(
            _grid(
                [
                    t("Findings", lang),
                    t("Legal basis", lang),
                    t("Severity", lang),
                    t("Action", lang),
                ],
                rows,
                [62 * mm, 58 * mm, 18 * mm, width - 138 * mm],
                verdicts,
            )
        )
    else:
        story.append(P(t("No findings.", lang), "small"))

    # photos
    photos = [a for a in insp.attachments if a.role == "photo"]
    story += _section("Photos", lang)
    if photos:
        cells: list[list[Flowable]] = []
        for a in photos:
            img = _image(data.images.get(a.sha256, b""), width / 3 - 6 * mm, PHOTO_HEIGHT)
            cells.append(
                [img or P("(image unreadable)", "small"), P(a.caption or a.sha256[:12], "small")]
            )
        photo_rows: list[list[Any]] = [cells[i : i + 3] for i in range(0, len(cells), 3)]
        photo_rows = [r + [""] * (3 - len(r)) for r in photo_rows]
        grid = Table(photo_rows, colWidths=[width / 3] * 3)
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                    ("FONTNAME", (0, 0), (-1, -1), font),
                ]
            )
        )
        story.append(grid)
    else:
        story.append(P(t("No photos.", lang), "small"))

    # warnings on unconfirmed rules (they concern the numbers above, so they stand before the conclusion)
    warnings = (insp.result or {}).get("warnings", [])
    if warnings:
        story += _section("Warnings", lang)
        story.append(
            P(
                t(
                    "Numbers marked in these rules are not yet confirmed against the published regulation:",
                    lang,
                ),
                "warn",
            )
        )
        for w in warnings if lang != "zh" else zh_warnings(insp.ruleset, warnings):
            story.append(P(f"• {w}", "warn"))
    from ..domain.rules.ruledata import stale_note

    stale = stale_note(insp.result)  # judged under another rule data version than today's
    if stale:
        if not warnings:
            story += _section("Warnings", lang)
        story.append(P(stale[0] if lang == "zh" else stale[1], "warn"))

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
