"""The summary report for a period, a premises or a market: premises and instruments
inspected, pass rates by family, failures and cheating findings, with charts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.models import CHECK_LABELS, FAMILY_LABELS
from ..i18n import pick
from .charts import GREEN, RED, bar_chart
from .fonts import FONT, register_fonts
from .inspection_report import (
    PRODUCER,
    BuiltReport,
    P,
    _canvas_class,
    _grid,
    _kv_table,
    _section,
    esc,
    local_time,
    styles,
)
from .labels import item_label, t

if TYPE_CHECKING:
    from ..store.reports import SummaryFilter, SummaryStats


def rate(passed: int, total: int) -> str:
    """Pass rate in percent with one decimal, or — without inspections."""
    if not total:
        return "—"
    return f"{(Decimal(passed) * 100 / Decimal(total)).quantize(Decimal('0.1'), ROUND_HALF_UP)} %"


def _family(code: str, lang: str) -> str:
    return pick(FAMILY_LABELS.get(code, (code, code)), lang)


SUMMARY_PREFIX = "HZBG"


def summary_content(
    stats: SummaryStats,
    f: SummaryFilter,
    lang: str,
    authority: str,
    premises_name: str | None,
    received: list[dict[str, Any]] | None = None,
) -> bytes:
    """The canonical JSON a summary is made from: embedded in the PDF like an inspection's
    record, its SHA-256 is the summary's content hash (what a signature binds)."""
    from dataclasses import asdict

    from ..domain.canonical import canonical_bytes

    content: dict[str, Any] = {
        "kind": "summary",
        "filter": asdict(f),
        "statistics": asdict(stats),
        "lang": lang,
        "authority": authority,
        "premises": premises_name,
    }
    if received:  # a province's summary: the records received from city offices, per origin
        content["received"] = received
    return canonical_bytes(content)


def summary_number(content_hash: str, f: SummaryFilter) -> str:
    day = (f.date_to or f.date_from or dt.date.today().isoformat()).replace("-", "")[:8]
    return f"{SUMMARY_PREFIX}-{day}-{content_hash[:8].upper()}"


def build_summary_pdf(
    stats: SummaryStats,
    f: SummaryFilter,
    *,
    lang: str = "zh",
    authority: str = "",
    premises_name: str | None = None,
) -> bytes:
    return build_summary_report(
        stats, f, lang=lang, authority=authority, premises_name=premises_name
    ).pdf


def build_summary_report(
    stats: SummaryStats,
    f: SummaryFilter,
    *,
    lang: str = "zh",
    authority: str = "",
    premises_name: str | None = None,
    for_signing: bool = False,
    signer_name: str = "",
    received: list[dict[str, Any]] | None = None,
) -> BuiltReport:
    """The summary as a ``BuiltReport``: its content (statistics and filter) embedded as
    ``inspection-record.json``, its number and content hash in the metadata, and with
    *for_signing* a box for the visible signature, so the program's signing function signs it
    like an inspection report."""
    import hashlib

    content = summary_content(stats, f, lang, authority, premises_name, received)
    number = summary_number(hashlib.sha256(content).hexdigest(), f)
    font = register_fonts()
    width = A4[0] - 30 * mm
    title = t("Summary of inspections", lang)
    period = (
        t("from {a} to {b}", lang, a=f.date_from or "…", b=f.date_to or "…")
        if (f.date_from or f.date_to)
        else t("all dates", lang)
    )
    s = styles()
    story: list[Any] = []
    scope = []
    if premises_name:
        scope.append(f"{t('Premises', lang)}: {premises_name}")
    if getattr(f, "city", None):
        scope.append(f"{t('City', lang)}: {f.city}")
    if f.market:
        scope.append(f"{t('Market', lang)}: {f.market}")
    story.append(
        _kv_table(
            [
                (t("Period", lang), period),
                (t("Scope", lang), "; ".join(scope) or t("all premises", lang)),
                (
                    t("Generated", lang),
                    local_time(dt.datetime.now().astimezone().isoformat(timespec="seconds")),
                ),
                ("", t("Only finalized inspections, newest revision of each record.", lang)),
            ]
            + (
                [
                    (
                        t("From city offices", lang),
                        "; ".join(
                            f"{o['origin']}: {t('{n} records', lang, n=o['inspections'])}"
                            for o in received
                        ),
                    )
                ]
                if received
                else []
            ),
            width,
        )
    )
    story.append(Spacer(1, 6))

    # headline numbers, big
    cells = [
        (t("Premises inspected", lang), str(stats.premises)),
        (t("Instruments inspected", lang), str(stats.instruments)),
        (t("Inspections", lang), str(stats.inspections)),
        (t("Pass rate", lang), rate(stats.passed, stats.inspections)),
        (t("Failed", lang), str(stats.failed)),
        (t("Cheating findings", lang), str(stats.cheating)),
    ]
    big = [
        [Paragraph(f'<font size="18">{esc(v)}</font>', s["cellc"]) for _, v in cells],
        [Paragraph(esc(k), s["cellc"]) for k, _ in cells],
    ]
    head = Table(
        big, colWidths=[width / 6] * 6, rowHeights=[26, None]
    )  # a label may take two lines
    head.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.grey),
                ("INNERGRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#dddddd")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TEXTCOLOR", (4, 0), (5, 0), RED),
            ]
        )
    )
    story.append(head)

    # pass rates by family
    story += _section("Pass rate by family", lang)
    rows = [
        [
            _family(r.family, lang),
            str(r.inspections),
            str(r.passed),
            str(r.failed),
            rate(r.passed, r.inspections),
            str(r.cheating),
        ]
        for r in stats.by_family
    ]
    rows.append(
        [
            t("Total", lang),
            str(stats.inspections),
            str(stats.passed),
            str(stats.failed),
            rate(stats.passed, stats.inspections),
            str(stats.cheating),
        ]
    )
    story.append(
        _grid(
            [
                t("Family", lang),
                t("Inspections", lang),
                t("Passed", lang),
                t("Failed", lang),
                t("Pass rate", lang),
                t("Cheating findings", lang),
            ],
            rows,
            [width / 6] * 6,
        )
    )
    if stats.by_family:
        story.append(Spacer(1, 4))
        story.append(
            bar_chart(
                [_family(r.family, lang) for r in stats.by_family],
                [
                    (t("Passed", lang), [r.passed for r in stats.by_family], GREEN),
                    (t("Failed", lang), [r.failed for r in stats.by_family], RED),
                ],
                width=width,
                height=54 * mm,
                font=font,
                title=t("Pass rate by family", lang),
            )
        )
    if len(stats.by_month) > 1:
        chart = bar_chart(
            [m for m, _, _ in stats.by_month],
            [
                (t("Passed", lang), [n - fl for _, n, fl in stats.by_month], GREEN),
                (t("Failed", lang), [fl for _, _, fl in stats.by_month], RED),
            ],
            width=width,
            height=52 * mm,
            font=font,
            title=t("Inspections by month", lang),
        )
        story.append(KeepTogether([*_section("Inspections by month", lang, keep=True), chart]))

    if received:  # a province: what each city office sent (already in the numbers above)
        story += _section("Records received from city offices", lang)
        story.append(
            _grid(
                [
                    t("Origin", lang),
                    t("Inspections", lang),
                    t("Passed", lang),
                    t("Failed", lang),
                    t("Pass rate", lang),
                    t("Cheating findings", lang),
                ],
                [
                    [
                        o["origin"],
                        str(o["inspections"]),
                        str(o["passed"]),
                        str(o["failed"]),
                        rate(o["passed"], o["inspections"]),
                        str(o["cheating"]),
                    ]
                    for o in received
                ],
                [width / 6] * 6,
            )
        )

    # failures
    story += _section("Failures", lang)
    if stats.failures:
        rows, verdicts = [], []
        for r in stats.failures:
            # worded by the failed-item definition ("; "-separated), or reading labels
            worded = any(m in r.failed_items for m in ("; ", "：", ": "))
            items = ("; " if worded else ", ").join(
                item_label(x.strip(), lang)
                for x in r.failed_items.split("; " if worded else ",")
                if x.strip()
            )
            rows.append(
                [
                    r.started_at[:10],
                    _family(r.family, lang),
                    pick(CHECK_LABELS.get(r.check, (r.check, r.check)), lang),
                    r.premises,
                    r.instrument,
                    (items or "—") + (f" [{t('cheating', lang)}]" if r.cheating else ""),
                ]
            )
            verdicts.append("fail" if r.cheating else None)
        story.append(
            _grid(
                [
                    t("Date", lang),
                    t("Family", lang),
                    t("Check", lang),
                    t("Premises", lang),
                    t("Instrument", lang),
                    t("Failed items", lang),
                ],
                rows,
                [20 * mm, 20 * mm, 22 * mm, 42 * mm, 40 * mm, width - 144 * mm],
                verdicts,
            )
        )
        if stats.failures_total > len(stats.failures):
            story.append(
                P(t("and {n} more", lang, n=stats.failures_total - len(stats.failures)), "small")
            )
    else:
        story.append(P(t("None.", lang), "small"))

    # cheating findings
    story += _section("Cheating findings", lang)
    if stats.cheats:
        rows = [
            [r.started_at[:10], r.premises, _family(r.family, lang), r.text, r.legal_basis or "—"]
            for r in stats.cheats
        ]
        story.append(
            _grid(
                [
                    t("Date", lang),
                    t("Premises", lang),
                    t("Family", lang),
                    t("Findings", lang),
                    t("Legal basis", lang),
                ],
                rows,
                [20 * mm, 42 * mm, 20 * mm, 55 * mm, width - 137 * mm],
                ["fail"] * len(rows),
            )
        )
    else:
        story.append(P(t("None.", lang), "small"))

    return framed_report(
        story,
        title=title,
        period=period,
        number=number,
        content=content,
        lang=lang,
        authority=authority,
        for_signing=for_signing,
        signer_name=signer_name,
    )


def framed_report(
    body: list[Any],
    *,
    title: str,
    period: str,
    number: str,
    content: bytes,
    lang: str,
    authority: str = "",
    for_signing: bool = False,
    signer_name: str = "",
) -> BuiltReport:
    """The page frame every summary shares, around *body* (a list of flowables): A4 with
    the title, the header (issuing authority; title · period) and footer (number, page x of
    y), *content* embedded as the record and its SHA-256 as the content hash, the number and
    hash at the end and, with *for_signing*, the box of the visible signature. Returns a
    ``BuiltReport`` that the program's signing function signs like an inspection report."""
    import hashlib

    from .inspection_report import SignatureSpace, keywords

    chash = hashlib.sha256(content).hexdigest()
    font = register_fonts()
    s = styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=16 * mm,
        bottomMargin=17 * mm,
        title=f"{title} {period}",
        creator=PRODUCER,
        producer=PRODUCER,
        author=signer_name or authority or PRODUCER,
        subject=f"{number} {chash}",
        keywords=keywords(number, chash, ""),  # type: ignore[arg-type]  # a str is accepted too
        lang="zh-CN" if lang == "zh" else "en",
    )
    story: list[Any] = [Paragraph(esc(title), s["title"]), Spacer(1, 4), *body]
    header_left = (
        f"{t('Issued by', lang)}: {authority or t('Market Supervision Administration', lang)}"
    )
    sink: dict[str, Any] = {}
    story += [
        Spacer(1, 6),
        P(f"{t('Report no.', lang)}: {number}", "base"),
        P(f"{t('Content hash (SHA-256)', lang)}: {chash}", "mono"),
    ]
    if for_signing:
        story += [
            P(t("Digital signature", lang) + (f": {signer_name}" if signer_name else ":"), "small"),
            SignatureSpace(72 * mm, 20 * mm, sink, "", font),
        ]
    footer = f"{t('Report no.', lang)} {number}"
    doc.build(
        story,
        canvasmaker=_canvas_class(header_left, f"{title} · {period}", footer, lang, font, content),
    )
    return BuiltReport(buf.getvalue(), number, chash, "", sink.get("box"))
