"""The page and its building blocks, shared by every document this program prints:
paragraph styles, the header and footer with "page x of y" (and the embedded record and
PDF/A metadata written on save), label/value tables, grids with failed rows shaded,
section headings, the reserved signature box, the titled chart, images and the QR code."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing
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
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from .charts import RED
from .embedded_record import embed_record
from .fonts import FONT, register_fonts
from .labels import t
from .pdfa import PDF_VERSION, apply_pdfa
from .scripts import has_arabic, markup

AMBER = colors.HexColor("#b26a00")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#f2f2f2")
FAIL_BG = colors.HexColor("#fdecea")
NAVY = colors.HexColor("#1f3b5a")
SIGNATURE_BOX = (72 * mm, 20 * mm)


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


def esc(text: object) -> str:
    """Paragraph markup for plain *text*: escaped, Arabic-script runs set in their own face."""
    return markup(
        str(text if text is not None else "")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def P(text: object, style: str = "base") -> Paragraph:
    return Paragraph(esc(text), styles()[style])


# ---- page furniture: header, footer, page x of y ----------------------------------------


def _canvas_class(
    header_left: str,
    header_right: str,
    footer_left: str,
    lang: str,
    font: str,
    record_bytes: bytes | None = None,
) -> type[rl_canvas.Canvas]:
    """The canvas class a document is built with (``doc.build(story, canvasmaker=...)``)."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if not kwargs.get("initialFontName"):  # else every page names Helvetica (not embedded)
                kwargs["initialFontName"] = font
            kwargs.setdefault("pdfVersion", PDF_VERSION)  # PDF/A-3 is based on PDF 1.7
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's, not in its stubs

        def save(self) -> None:
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
                t("Page {page} of {pages}", lang, page=self.getPageNumber(), pages=total),
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

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
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
        self,
        title: str,
        drawing: Drawing,
        make: Callable[[float], Drawing | None],
        width: float,
        height: float,
        min_height: float,
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

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.avail_w = avail_w  # the heading spans the frame like the other sections' headings
        head = self._head_height(avail_w)
        room = avail_h - head
        self.chart_h = self.pref if room >= self.pref or room < self.min else room
        self.height = head + self.chart_h
        return self.width, self.height

    def draw(self) -> None:
        from reportlab.graphics import renderPDF

        c = self.canv
        y = self.height
        for f in self.head:
            _, h = f.wrap(self.avail_w, 1e6)
            y -= f.getSpaceBefore() + h
            f.drawOn(c, 0, y)
            y -= f.getSpaceAfter()
        drawing = self.drawing if self.chart_h == self.pref else self.make(self.chart_h)
        if drawing is not None:
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
    verdicts: Sequence[str | None] | None = None,
    header_bg: colors.Color | None = None,
) -> Table:
    """A table with a navy header row; rows whose verdict is "fail" are shaded."""
    s = styles()
    col_widths: list[float | None] = list(widths) if widths else [None] * len(headers)
    data = [
        [
            h if w and fits(h, 7.5, w - 4) else Paragraph(esc(h), s["head"])
            for h, w in zip(headers, col_widths, strict=True)
        ]
    ]
    for row in rows:  # values that fit as plain strings (fast); longer text wraps in a Paragraph
        data.append(
            [
                c if w and fits(c, 8, w - 4) else Paragraph(esc(c), s["cellc"])
                for c, w in zip(row, col_widths, strict=True)
            ]
        )
    table = Table(data, colWidths=col_widths, repeatRows=1)
    style: list[Any] = [
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

        _keep_qr_polynomials()
        qr = QRCode(None, QRErrorCorrectLevel.M)
        qr.addData(text)
        qr.version = qr.calculate_version()  # type: ignore[no-untyped-call]  # (reportlab's)
        qr.makeImpl(False, 0)
        self.modules = qr.modules
        self.size = size

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
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


def _keep_qr_polynomials() -> None:
    """reportlab's QR encoder computes the Reed-Solomon generator polynomial of a block
    length for every block of every code, the same few each time (a third of a report's QR
    code); it is a pure function of that length and its result is only read, so it is
    remembered, once per process."""
    import functools

    from reportlab.graphics.barcode.qrencoder import QRUtil

    make = QRUtil.getErrorCorrectPolynomial
    if not hasattr(make, "cache_info"):
        cached = staticmethod(functools.lru_cache(maxsize=64)(make))
        QRUtil.getErrorCorrectPolynomial = cached  # type: ignore[method-assign]


def _qr(text: str, size: float) -> QrCode:
    return QrCode(text, size)
