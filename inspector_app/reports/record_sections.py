"""The record's particulars in an inspection report, in the order printed: premises,
instrument and inspection, reference standards, readings tables and error chart, checklist,
findings, photos and the rule-data warnings. Each returns its flowables."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..domain.models import CHECK_LABELS, FAMILY_LABELS
from ..i18n import pick
from . import readings
from .fonts import FONT
from .inspection_charts import inspection_chart
from .labels import t, unit
from .layout import P, TitledChart, _grid, _image, _kv_table, _section, esc, local_time, styles
from .prepackaged_section import goods_section
from .report_data import ReportData
from .report_sections import (
    _question_label,
    failed,
    finding_action,
    finding_text,
    metrology_text,
    ruleset_title,
    specific_name,
    zh_warnings,
)

CHART_HEIGHT = 50 * mm
CHART_MIN_HEIGHT = 36 * mm  # a chart shrinks to this to finish a page rather than leave a gap
PHOTO_HEIGHT = 32 * mm  # three photos a row


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


def _particulars(data: ReportData, lang: str, width: float) -> list[Any]:
    """Premises, instrument and the inspection (check, rule set, inspector, date, place, environment, revision)."""
    insp, ins = data.inspection, data.instrument
    story: list[Any] = []
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
    return story


def _standards(data: ReportData, lang: str, width: float) -> list[Any]:
    """The reference standards used; one past its validity on the inspection date is shaded."""
    insp = data.inspection
    story: list[Any] = []
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
    return story


def _readings_and_chart(data: ReportData, lang: str, width: float, font: str) -> list[Any]:
    """The readings tables (or a batch's goods section) and the error chart."""
    s = styles()
    insp, ins = data.inspection, data.instrument
    story: list[Any] = []
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
    return story


def _checklist(data: ReportData, lang: str, width: float) -> list[Any]:
    """The checklist; a row is shaded when its answer is the form's finding_if answer."""
    insp = data.inspection
    story: list[Any] = []
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
    return story


def _findings(data: ReportData, lang: str, width: float) -> list[Any]:
    """The findings, with legal basis, severity and action."""
    insp = data.inspection
    story: list[Any] = []
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
    return story


def _photos(data: ReportData, lang: str, width: float, font: str) -> list[Any]:
    """The photos, three a row."""
    insp = data.inspection
    story: list[Any] = []
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
    return story


def _warnings(data: ReportData, lang: str) -> list[Any]:
    """Caveats on the rule data the verdict rests on (before the conclusion they concern)."""
    insp = data.inspection
    story: list[Any] = []
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
    return story
