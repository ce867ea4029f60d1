"""The inspection report: a verification certificate (合格), a notice of non-conformity
(检定结果通知书) listing the failed items, or, for in-service and covert checks, an
inspection record (检查记录) with a conform / non-conform finding: the three
documents in which a Chinese verification result is recorded.

The verdict is printed big at the top, so a supervisor sees the finding at once. Every raw
observation and computed value is in the readings tables; the record's content hash and a
QR code (report number + hash) close the report, and the same two values are embedded in
the PDF's metadata (Keywords) so ``verify`` can check them against the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from ..domain.canonical import canonical_bytes, inspection_content
from ..domain.failed_items import INCOMPLETE, FailedItem, inspection_failed_items
from ..domain.forms import Form, Label
from ..domain.issuing_body import IssuingBody
from ..domain.models import (
    CHECK_LABELS,
    FAMILY_LABELS,
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
)
from ..i18n import pick
from . import readings
from .charts import GREEN, RED, inspection_chart
from .embedded_record import embed_record
from .fonts import FONT, register_fonts
from .labels import CHECKLIST_FALLBACK, item_label, t, unit
from .pdfa import PDF_VERSION, apply_pdfa
from .prepackaged_section import (
    goods_closing,
    goods_section,
    goods_sentence,
    goods_title,
    goods_verdict_text,
    product_text,
)
from .scripts import has_arabic, markup

PRODUCER = "Inspector (inspector-app) report"
KEYWORD_PREFIX = "inspector-report"
AMBER = colors.HexColor("#b26a00")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#f2f2f2")
FAIL_BG = colors.HexColor("#fdecea")
NAVY = colors.HexColor("#1f3b5a")
SIGNATURE_BOX = (72 * mm, 20 * mm)
CHART_HEIGHT = 50 * mm
CHART_MIN_HEIGHT = 36 * mm  # a chart shrinks to this to finish a page rather than leave a gap
PHOTO_HEIGHT = 32 * mm  # three photos a row


class ReportError(Exception):
    """The report cannot be made (one sentence for the user)."""


@dataclass
class ReportData:
    """Everything one inspection report shows; gathered by the reports service."""

    inspection: Inspection
    premises: Premises
    instrument: Instrument
    standards: list[ReferenceStandard] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes
    authority: str = ""
    ruleset_title: str = ""
    superseded: bool = False
    checklist_labels: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # question id -> {"zh":..,"en":..}
    form: Form | None = None  # the family's form (checklist wording, finding_if)
    body: IssuingBody = field(default_factory=IssuingBody)
    blockers: list[Label] = field(default_factory=list)  # why no certificate (empty: may)
    failed: list[FailedItem] | None = None  # None: computed from the inspection
    certificate_no: str = ""  # from the body's gap-free sequence (certificates, notices)
    valid_until: str = ""  # 有效期至 (certificates)
    inspector_cert_no: str = ""  # the inspector's 检定员证 number


@dataclass
class BuiltReport:
    pdf: bytes
    report_no: str
    content_hash: str
    inspection_id: str
    # where the visible signature goes: (page index from 0, x1, y1, x2, y2) in points
    signature_box: tuple[int, float, float, float, float] | None = None


def document_kind(insp: Inspection, *, certificate_allowed: bool = True) -> str:
    """certificate (verification passed and a certificate may be issued), notice
    (verification failed) or record (in-service/covert checks, and passed verifications
    that may not give a certificate: see ``services.reports.certificate_blockers``)."""
    if insp.check in ("in_service", "covert", "batch"):  # batch: a prepackaged batch
        return "record"
    if insp.verdict == "pass":
        return "certificate" if certificate_allowed else "record"
    return "notice"


def data_kind(data: ReportData) -> str:
    return document_kind(data.inspection, certificate_allowed=not data.blockers)


KIND_TITLES = {
    "certificate": "Verification certificate",
    "notice": "Notice of non-conformity",
    "record": "Inspection record",
}
KIND_PREFIX = {"certificate": "JDZS", "notice": "JDTZ", "record": "JCJL"}


def report_number(insp: Inspection, kind: str | None = None) -> str:
    """Stable for a record revision: prefix by document kind, date of the visit, record id."""
    date = (insp.started_at or insp.finalized_at or "")[:10].replace("-", "") or "00000000"
    kind = kind or document_kind(insp)
    number = f"{KIND_PREFIX[kind]}-{date}-{insp.record_id.replace('-', '')[:8].upper()}"
    return number if insp.revision <= 1 else f"{number}-R{insp.revision}"


def keywords(report_no: str, content_hash: str, inspection_id: str) -> str:
    return (
        f"{KEYWORD_PREFIX}; report-no={report_no}; record-hash={content_hash}; "
        f"inspection-id={inspection_id}"
    )


def parse_keywords(text: str | None) -> dict[str, str]:
    """The values :func:`keywords` wrote, or {} when the PDF was not made by this program."""
    if not text or not str(text).startswith(KEYWORD_PREFIX):
        return {}
    out = {}
    for part in str(text).split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key and value:
            out[key] = value
    return out


# ---- styles ------------------------------------------------------------------------------

_styles: dict[str, ParagraphStyle] = {}


def styles() -> dict[str, ParagraphStyle]:
    if _styles:
        return _styles
    font = register_fonts()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    _styles.update(
        base=base,
        small=ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        cell=ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        cellc=ParagraphStyle("cellc", parent=base, fontSize=8, leading=10, alignment=TA_CENTER),
        head=ParagraphStyle(
            "head",
            parent=base,
            fontSize=7.5,
            leading=9.5,
            alignment=TA_CENTER,
            textColor=colors.white,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=base,
            fontSize=11,
            leading=14,
            spaceBefore=5,
            spaceAfter=2,
            textColor=colors.HexColor("#1f3b5a"),
        ),
        h3=ParagraphStyle("h3", parent=base, fontSize=9.5, leading=12, spaceBefore=3, spaceAfter=2),
        verdict=ParagraphStyle(
            "verdict",
            parent=base,
            fontSize=30,
            leading=36,
            alignment=TA_CENTER,
            textColor=colors.white,
        ),
        verdict_en=ParagraphStyle(
            "verdict_en",
            parent=base,
            fontSize=11,
            leading=14,
            alignment=TA_CENTER,
            textColor=colors.white,
        ),
        title=ParagraphStyle("title", parent=base, fontSize=17, leading=22),
        lead=ParagraphStyle("lead", parent=base, fontSize=10, leading=14),
        warn=ParagraphStyle("warn", parent=base, fontSize=7.5, leading=10, textColor=AMBER),
        mono=ParagraphStyle("mono", parent=base, fontSize=7.5, leading=10),
    )
    return _styles


def esc(text) -> str:
    """Paragraph markup for plain *text*: escaped, Arabic-script runs set in their own face."""
    return markup(
        str(text if text is not None else "")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def P(text, style: str = "base") -> Paragraph:
    return Paragraph(esc(text), styles()[style])


# ---- page furniture: header, footer, page x of y ----------------------------------------


def _canvas_class(
    header_left: str,
    header_right: str,
    footer_left: str,
    lang: str,
    font: str,
    record_bytes: bytes | None = None,
):
    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            if not kwargs.get("initialFontName"):  # else every page names Helvetica (not embedded)
                kwargs["initialFontName"] = font
            kwargs.setdefault("pdfVersion", PDF_VERSION)  # PDF/A-3 is based on PDF 1.7
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self):  # noqa: N802 (reportlab API)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            if record_bytes is not None:
                embed_record(self, record_bytes)
            apply_pdfa(self)
            super().save()

        def _furniture(self, total: int) -> None:
            w, h = A4
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(GREY)
            self.drawString(15 * mm, h - 10 * mm, header_left)
            self.drawRightString(w - 15 * mm, h - 10 * mm, header_right)
            self.setStrokeColor(colors.HexColor("#bbbbbb"))
            self.setLineWidth(0.5)
            self.line(15 * mm, h - 11.5 * mm, w - 15 * mm, h - 11.5 * mm)
            self.line(15 * mm, 12 * mm, w - 15 * mm, 12 * mm)
            self.setFont(font, 7.5)
            self.drawString(15 * mm, 8 * mm, footer_left)
            self.drawRightString(
                w - 15 * mm,
                8 * mm,
                t("Page {page} of {pages}", lang, page=self._pageNumber, pages=total),
            )
            self.restoreState()

    return NumberedCanvas


class SignatureSpace(Flowable):
    """Reserves the rectangle where the visible PAdES signature is placed, and records
    its position on the page (the signer puts the signature field exactly there)."""

    def __init__(
        self, width: float, height: float, sink: dict[str, Any], caption: str, font: str
    ) -> None:
        super().__init__()
        self.width, self.height, self.sink, self.caption, self.font = (
            width,
            height,
            sink,
            caption,
            font,
        )

    def wrap(self, avail_w, avail_h):
        return self.width, self.height

    def draw(self):
        c = self.canv
        x, y = c.absolutePosition(0, 0)
        self.sink["box"] = (c.getPageNumber() - 1, x, y, x + self.width, y + self.height)
        c.saveState()
        c.setStrokeColor(colors.HexColor("#9bb3cc"))
        c.setDash(2, 2)
        c.rect(0, 0, self.width, self.height)
        c.restoreState()


class TitledChart(Flowable):
    """A section heading with its chart, kept together; the chart shrinks (down to
    *min_height*) to use what is left of a page instead of moving on and leaving a gap."""

    def __init__(
        self, title: str, drawing, make, width: float, height: float, min_height: float
    ) -> None:
        """*drawing* is the chart at *height*; ``make(h)`` draws it again at another height."""
        super().__init__()
        self.title, self.drawing, self.make, self.width = title, drawing, make, width
        self.pref, self.min = height, min_height
        self.head = [
            Paragraph(esc(title), styles()["h2"]),
            HRFlowable(width="100%", thickness=0.8, color=NAVY, spaceAfter=2.5),
        ]
        self.chart_h = height
        self.avail_w = width

    def _head_height(self, avail_w: float) -> float:
        total = 0.0
        for f in self.head:
            _, h = f.wrap(avail_w, 1e6)
            total += h + f.getSpaceBefore() + f.getSpaceAfter()
        return total

    def wrap(self, avail_w, avail_h):
        self.avail_w = avail_w  # the heading spans the frame like the other sections' headings
        head = self._head_height(avail_w)
        room = avail_h - head
        self.chart_h = self.pref if room >= self.pref or room < self.min else room
        self.height = head + self.chart_h
        return self.width, self.height

    def draw(self):
        from reportlab.graphics import renderPDF

        c = self.canv
        y = self.height
        for f in self.head:
            _, h = f.wrap(self.avail_w, 1e6)
            y -= f.getSpaceBefore() + h
            f.drawOn(c, 0, y)
            y -= f.getSpaceAfter()
        drawing = self.drawing if self.chart_h == self.pref else self.make(self.chart_h)
        renderPDF.draw(drawing, c, 0, 0)


# ---- building blocks ----------------------------------------------------------------------


def fits(text: str, size: float, width: float) -> bool:
    """Whether *text* fits on one line of *width* points (then a plain string cell will do,
    which is much cheaper than a wrapping Paragraph)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return "\n" not in text and not has_arabic(text) and stringWidth(text, FONT, size) <= width


def _kv_table(pairs: list[tuple[str, str]], width: float, columns: int = 2) -> Table:
    """Label/value pairs in *columns* column pairs."""
    s = styles()
    label_w = 30 * mm if columns == 2 else 40 * mm
    value_w = (width - columns * label_w) / columns
    rows, row = [], []
    for label, value in pairs:
        value = value or "—"
        row += [
            label if fits(label, 7.5, label_w - 8) else Paragraph(esc(label), s["small"]),
            value if fits(value, 8, value_w - 8) else Paragraph(esc(value), s["cell"]),
        ]
        if len(row) == 2 * columns:
            rows.append(row)
            row = []
    if row:
        rows.append(row + [""] * (2 * columns - len(row)))
    table = Table(rows, colWidths=[label_w, value_w] * columns)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), s["cell"].fontName),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                *[("FONTSIZE", (2 * i, 0), (2 * i, -1), 7.5) for i in range(columns)],
                ("TEXTCOLOR", (0, 0), (-1, -1), colors.black),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dddddd")),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                *[("BACKGROUND", (2 * i, 0), (2 * i, -1), LIGHT) for i in range(columns)],
            ]
        )
    )
    return table


def _grid(
    headers: list[str],
    rows: list[list[str]],
    widths: list[float] | None,
    verdicts=None,
    header_bg=None,
) -> Table:
    s = styles()
    widths = widths or [None] * len(headers)
    data = [
        [
            h if w and fits(h, 7.5, w - 4) else Paragraph(esc(h), s["head"])
            for h, w in zip(headers, widths, strict=True)
        ]
    ]
    for row in rows:  # values that fit as plain strings (fast); longer text wraps in a Paragraph
        data.append(
            [
                c if w and fits(c, 8, w - 4) else Paragraph(esc(c), s["cellc"])
                for c, w in zip(row, widths, strict=True)
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), s["cell"].fontName),
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("FONTSIZE", (0, 0), (-1, 0), 7.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, 0), header_bg or NAVY),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for i, v in enumerate(verdicts or []):
        if v == "fail":
            style += [
                ("BACKGROUND", (0, i + 1), (-1, i + 1), FAIL_BG),
                ("TEXTCOLOR", (-1, i + 1), (-1, i + 1), RED),
            ]
    table.setStyle(TableStyle(style))
    return table


def _section(title: str, lang: str, *, keep: bool = False) -> list[Any]:
    """A section heading; a new page first when less than 30 mm remain. With *keep* (inside a
    KeepTogether) there is no conditional break: KeepTogether measures it as zero height, so it
    would split the block it was meant to keep whole."""
    head = [
        Paragraph(esc(t(title, lang)), styles()["h2"]),
        HRFlowable(width="100%", thickness=0.8, color=colors.HexColor("#1f3b5a"), spaceAfter=2.5),
    ]
    return head if keep else [CondPageBreak(30 * mm), *head]


def metrology_text(instrument: Instrument, lang: str) -> str:
    m = instrument.metrology or {}
    if instrument.family == "prepackaged":  # the product of a batch
        return product_text(instrument, lang)
    if instrument.family == "scale":
        unit = m.get("unit", "g")
        parts = [f"Max {m.get('max', '—')} {unit}"]
        if m.get("min"):
            parts.append(f"Min {m['min']} {unit}")
        if m.get("ranges"):
            parts.append(
                "; ".join(f"≤ {r.get('max')} {unit}: e = {r.get('e')} {unit}" for r in m["ranges"])
            )
        else:
            parts.append(f"e = {m.get('e', '—')} {unit}")
            parts.append(f"d = {m.get('d', m.get('e', '—'))} {unit}")
        return ", ".join(parts)
    if instrument.family == "fuel_dispenser":
        fuel = {
            "gasoline": ("汽油", "gasoline"),
            "diesel": ("柴油", "diesel"),
            "kerosene": ("煤油", "kerosene"),
        }
        f = m.get("fuel", "")
        parts = [pick(fuel[f], lang) if f in fuel else str(f)]
        for key, label, unit in (
            ("qmax", "Qmax", "L/min"),
            ("qmin", "Qmin", "L/min"),
            ("mmq", "MMQ", "L"),
        ):
            if m.get(key):
                parts.append(f"{label} {m[key]} {unit}")
        if m.get("nozzle"):
            parts.append(("枪号 " if lang == "zh" else "nozzle ") + str(m["nozzle"]))
        return ", ".join(parts)
    parts = []
    if m.get("range_min") is not None and m.get("range_max") is not None:
        parts.append(
            ("测量范围 " if lang == "zh" else "range ") + f"{m['range_min']} … {m['range_max']} D"
        )
    if m.get("resolution"):
        parts.append(("分度值 " if lang == "zh" else "resolution ") + f"{m['resolution']} D")
    if "has_pd" in m:
        parts.append(
            ("带瞳距功能" if m["has_pd"] else "无瞳距功能")
            if lang == "zh"
            else ("with PD function" if m["has_pd"] else "no PD function")
        )
    for k, v in m.items():
        if k not in ("range_min", "range_max", "resolution", "has_pd"):
            parts.append(f"{k} {v}")
    return ", ".join(parts)


_WARNING_KEY = re.compile(r"^(.*?) \[(\w+)\] .*?: (seen only in a secondary source|not confirmed)")


def zh_warnings(ruleset: str, warnings: list[str]) -> list[str]:
    """The rules engine's caveats (English sentences with the rule's summary) said in
    Chinese: how many rules of the rule set rest on a secondary source and how many on an
    unconfirmed number. The English document lists each rule with its clause."""
    secondary = unconfirmed = other = 0
    for w in warnings:
        m = _WARNING_KEY.match(str(w))
        if m is None:
            other += 1
        elif m.group(3).startswith("seen only"):
            secondary += 1
        else:
            unconfirmed += 1
    out = []
    if secondary:
        out.append(
            f"{ruleset} 中本报告用到的 {secondary} 条规则的数值仅见于二手资料，待对照正式发布文本核实。"
        )
    if unconfirmed:
        out.append(
            f"{ruleset} 中本报告用到的 {unconfirmed} 条规则的数值尚未核实（凭记忆或占位），"
            "不能作为出具证书的依据。"
        )
    if other:
        out.append(f"另有 {other} 条提示，详见英文版报告。")
    return out


def local_time(iso: str | None) -> str:
    """A stored timestamp in this computer's time zone with its offset shown
    (2026-03-14 17:20:05 UTC+08:00); a time stored without a zone is taken as local."""
    if not iso:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.astimezone()
    moment = moment.astimezone()
    off = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC{off[:3]}:{off[3:]}"


_LATIN_TAIL = re.compile(r"\s+[A-Za-z][A-Za-z0-9 ,.;:()/'-]*$")


def ruleset_title(title: str, lang: str) -> str:
    """A rule set's title in the document's language: titles are "中文 English"; a Chinese
    document keeps the Chinese part, an English one the English part when there is one."""
    if not title:
        return ""
    m = _LATIN_TAIL.search(title)
    if m and m.start() > 0:
        return title[: m.start()].strip() if lang == "zh" else m.group(0).strip()
    return title


def _instrument_line(data: ReportData, lang: str) -> str:
    ins = data.instrument
    return " ".join(
        x
        for x in (
            specific_name(data, lang),
            ins.maker,
            ins.model,
            ins.serial,
        )
        if x
    )


def failed(data: ReportData) -> list[FailedItem]:
    """The failed items (one definition: ``domain.failed_items``)."""
    if data.failed is None:
        data.failed = inspection_failed_items(data.inspection, data.form, data.instrument.metrology)
    return data.failed


def failed_items(data: ReportData, lang: str, *, incomplete: bool = False) -> list[str]:
    """What did not conform, one line each: readings with value and limit, checklist
    questions in their non-conforming wording, cheating findings; with *incomplete* the
    tests of the verification programme that were not done instead."""
    return [
        _failed_text(data, i, lang) for i in failed(data) if (i.kind == INCOMPLETE) == incomplete
    ]


def _failed_text(data: ReportData, item: FailedItem, lang: str) -> str:
    if item.kind == "question" and item.wording is None:
        return _question_label(data, item.key, lang)
    if item.unit:
        item = dataclasses.replace(item, unit=unit(item.unit, lang))
    return item.text(lang, item_label)


# actions the quick-add menu writes, in both languages
QUICK_ACTIONS = (("立案调查", "Open a case"),)


def finding_text(data: ReportData, f, lang: str) -> str:
    """A finding's text in the document's language: a quick-added finding (its code is a
    checklist question's key and its text is that question's wording in either language)
    prints the form's non-conforming wording in *lang*; a text the inspector wrote is
    printed as written."""
    form = data.form
    if form is not None:
        for q in form.checklist:
            if q.key != f.code:
                continue
            known = {q.label.zh, q.label.en}
            if q.finding_text is not None:
                known |= {q.finding_text.zh, q.finding_text.en}
            if f.text.strip() in known:
                return q.failed_wording(lang)
    return f.text


def finding_action(action: str, lang: str) -> str:
    for zh, en in QUICK_ACTIONS:
        if action.strip() in (zh, en):
            return zh if lang == "zh" else en
    return action or "—"


def _question_label(data: ReportData, qid: str, lang: str) -> str:
    if qid in data.checklist_labels:
        return pick(data.checklist_labels[qid], lang)
    if qid in CHECKLIST_FALLBACK:
        return pick(CHECKLIST_FALLBACK[qid], lang)
    return qid


def _verdict_banner(data: ReportData, lang: str, width: float) -> Table:
    s = styles()
    insp = data.inspection
    kind = data_kind(data)
    ok = insp.verdict == "pass"
    if kind == "record":
        word_key = "CONFORMS" if ok else "DOES NOT CONFORM"
    else:
        word_key = "PASS" if ok else "FAIL"
    if insp.verdict is None:
        word, sub = ("未判定" if lang == "zh" else "NO VERDICT"), ""
    else:
        word = t(word_key, "zh") if lang == "zh" else word_key
        # an English document shows the Chinese word too; a Chinese one stays Chinese
        sub = "" if lang == "zh" else t(word_key, "zh")
    result = insp.result or {}
    n_items = sum(len(x.get("items", [])) for x in result.get("tests", []))
    failed_lines = failed_items(data, lang)
    readings_failed = [i.key for i in failed(data) if i.kind == "reading"]
    if ok:
        sentence = t("All {n} items within the maximum permissible error.", lang, n=n_items)
    elif readings_failed:
        sentence = t(
            "{failed} of {n} items outside the limits: {items}.",
            lang,
            failed=len(readings_failed),
            n=n_items,
            items=", ".join(item_label(x, lang) for x in readings_failed[:6])
            + (" …" if len(readings_failed) > 6 else ""),
        )
    else:
        sentence = t("Not conforming: {what}.", lang, what="; ".join(failed_lines[:4]) or "—")
    sentence = goods_sentence(insp, lang) or sentence  # a batch: packages and average
    cheats = [f.text for f in insp.findings if f.cheating]
    if cheats:
        sentence += " " + t("Cheating found: {what}.", lang, what="; ".join(cheats))
    color = GREEN if ok else (RED if insp.verdict == "fail" else GREY)
    left = [
        Paragraph(
            esc(word),
            s["verdict"]
            if len(word) <= 4
            else ParagraphStyle("v2", parent=s["verdict"], fontSize=19, leading=24),
        )
    ]
    if sub:
        left.append(Paragraph(esc(sub), s["verdict_en"]))
    title = goods_title(insp, lang) or t(KIND_TITLES[kind], lang)
    right = [
        Paragraph(esc(title), s["title"]),
        Paragraph(esc(_instrument_line(data, lang)), s["lead"]),
        Paragraph(
            esc(f"{data.premises.name} · {(insp.started_at or '')[:16].replace('T', ' ')}"),
            s["lead"],
        ),
        Spacer(1, 3),
        Paragraph(esc(sentence), ParagraphStyle("sent", parent=s["lead"], textColor=color)),
    ]
    table = Table([[left, right]], colWidths=[48 * mm, width - 48 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("BACKGROUND", (0, 0), (0, 0), color),
                ("BOX", (0, 0), (-1, -1), 1.5, color),
                ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                ("VALIGN", (1, 0), (1, 0), "TOP"),
                ("LEFTPADDING", (1, 0), (1, 0), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


def _image(data_bytes: bytes, max_w: float, max_h: float) -> Image | None:
    from reportlab.lib.utils import ImageReader

    try:
        reader = ImageReader(io.BytesIO(data_bytes))
        iw, ih = reader.getSize()
    except Exception:  # a damaged attachment must not stop the report
        return None
    scale = min(max_w / iw, max_h / ih, 1.0 if iw > max_w else max_w / iw)
    return Image(io.BytesIO(data_bytes), width=iw * scale, height=ih * scale)


class QrCode(Flowable):
    """A QR code drawn as merged module runs (fast, sharp in print).

    The mask pattern is fixed (mask 0 is as valid as any other); searching all eight
    masks, as reportlab's widget does, costs more than the rest of the page.
    """

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

        qr = QRCode(None, QRErrorCorrectLevel.M)
        qr.addData(text)
        qr.version = qr.calculate_version()
        qr.makeImpl(False, 0)
        self.modules = qr.modules
        self.size = size

    def wrap(self, avail_w, avail_h):
        return self.size, self.size

    def draw(self):
        n = len(self.modules)
        quiet = 2
        cell = self.size / (n + 2 * quiet)
        c = self.canv
        c.saveState()
        c.setFillColor(colors.black)
        path = c.beginPath()
        for r, row in enumerate(self.modules):
            y = self.size - (r + quiet + 1) * cell
            col = 0
            while col < n:
                if row[col]:
                    start = col
                    while col < n and row[col]:
                        col += 1
                    path.rect((start + quiet) * cell, y, (col - start) * cell, cell)
                else:
                    col += 1
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()


def _qr(text: str, size: float) -> QrCode:
    return QrCode(text, size)


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

# Model prefixes of Chinese scales (JJG 539 practice): ACS price-computing, TCS platform,
# SCS vehicle/ground scales; otherwise the family's name.
_SCALE_MODELS = (
    ("ACS", ("电子计价秤", "Electronic price-computing scale")),
    ("TCS", ("电子台秤", "Electronic platform scale")),
    ("SCS", ("电子汽车衡", "Electronic vehicle scale")),
    ("JCS", ("电子计数秤", "Electronic counting scale")),
)


def specific_name(data: ReportData, lang: str) -> str:
    """The instrument's specific name (电子计价秤 rather than 衡器): from the metrology
    data's ``name`` when recorded, the model prefix, or a price test for scales."""
    ins, insp = data.instrument, data.inspection
    m = ins.metrology or {}
    if m.get("name"):
        return str(m["name"])
    if ins.family == "scale":
        model = (ins.model or "").upper().replace(" ", "")
        for prefix, names in _SCALE_MODELS:
            if model.startswith(prefix):
                return pick(names, lang)
        if any(t.get("kind") == "price" for t in insp.tests) or m.get("price"):
            return pick(_SCALE_MODELS[0][1], lang)
        return "电子秤（数字指示秤）" if lang == "zh" else "Digital indicating scale"
    if ins.family == "fuel_dispenser":
        return "燃油加油机" if lang == "zh" else "Fuel dispenser"
    return pick(FAMILY_LABELS.get(ins.family, (ins.family, ins.family)), lang)


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
        block = [
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
        cells = []
        for a in photos:
            img = _image(data.images.get(a.sha256, b""), width / 3 - 6 * mm, PHOTO_HEIGHT)
            cells.append(
                [img or P("(image unreadable)", "small"), P(a.caption or a.sha256[:12], "small")]
            )
        rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
        rows = [r + [""] * (3 - len(r)) for r in rows]
        grid = Table(rows, colWidths=[width / 3] * 3)
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
