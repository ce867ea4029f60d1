"""The visible signature's appearance, drawn by reportlab with the embedded CJK font.

pyHanko's text stamp uses Courier, a standard font it never embeds (``pdffonts`` shows it
unembedded, which PDF/A forbids) and which has no Chinese glyphs. Instead the stamp is a
small one-page PDF drawn here — the document's language, the report number, the signer
certificate's fingerprint and the signing time in local time with its offset — and pyHanko
imports that page as the field's appearance (``StaticStampStyle``), fonts embedded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING

from .fonts import printable, register_fonts

if TYPE_CHECKING:
    from pyhanko.stamp import StaticStampStyle

_LANG = re.compile(rb"/Lang \((zh|en)")


def document_language(pdf: bytes) -> str:
    """The language the report was built in (its catalogue's /Lang), zh by default."""
    m = _LANG.search(pdf)
    return m.group(1).decode() if m else "zh"


def stamp_lines(report_no: str, fingerprint: str, lang: str, when: dt.datetime) -> list[str]:
    local = when.astimezone()
    off = local.strftime("%z")
    stamp_time = f"{local:%Y-%m-%d %H:%M:%S} UTC{off[:3]}:{off[3:]}"
    if lang == "zh":
        return [
            "数字签名（PAdES）",
            f"报告编号 {report_no}",
            f"证书指纹 SHA-256 {fingerprint[:32]}",
            f"签署时间 {stamp_time}",
        ]
    return [
        "Digitally signed (PAdES)",
        f"Report {report_no}",
        f"Cert SHA-256 {fingerprint[:32]}",
        f"Signed {stamp_time}",
    ]


def stamp_pdf(lines: list[str], width: float, height: float) -> bytes:
    """One page of *width* × *height* points with the stamp text and a thin frame."""
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = register_fonts()
    width, height = max(width, 20.0), max(height, 10.0)
    buf = io.BytesIO()
    c = canvas.Canvas(
        buf,
        pagesize=(width, height),
        initialFontName=font,  # type: ignore[arg-type]  # a font name; the stubs say float
        pdfVersion=(1, 7),
    )
    c.setStrokeColor(colors.HexColor("#1f3b5a"))
    c.setLineWidth(0.8)
    c.rect(0.5, 0.5, width - 1, height - 1)
    size = min(7.0, (height - 4) / (len(lines) * 1.2))
    for line in lines:  # shrink until the longest line fits the box
        while size > 3 and stringWidth(printable(line), font, size) > width - 6:
            size -= 0.25
    c.setFillColor(colors.HexColor("#1f3b5a"))
    c.setFont(font, size)
    y = height - 3 - size
    for line in lines:
        c.drawString(3, y, line)
        y -= size * 1.2
    c.showPage()
    c.save()
    return buf.getvalue()


def signature_stamp(
    pdf: bytes,
    report_no: str,
    fingerprint: str,
    box: tuple[int, float, float, float, float] | None,
    when: dt.datetime | None = None,
) -> StaticStampStyle:
    """A pyHanko stamp style showing the signature in the report's language, drawn with
    the embedded font (no unembedded Courier)."""
    from pyhanko.pdf_utils.content import ImportedPdfPage
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.stamp import StaticStampStyle

    _, x1, y1, x2, y2 = box if box is not None else (0, 0, 0, 120, 40)
    lines = stamp_lines(
        report_no, fingerprint, document_language(pdf), when or dt.datetime.now().astimezone()
    )
    page = stamp_pdf(lines, abs(x2 - x1), abs(y2 - y1))

    class _BytesPage(ImportedPdfPage):
        def render(self) -> bytes:
            import binascii
            import uuid

            from pyhanko.pdf_utils.layout import BoxConstraints

            xobj = self._ensure_writer.import_page_as_xobject(
                PdfFileReader(io.BytesIO(page)), page_ix=0
            )
            name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[name.decode("ascii")] = xobj
            bx1, by1, bx2, by2 = xobj.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(bx1 - bx2), height=abs(by1 - by2))
            return name + b" Do"

    from pyhanko.pdf_utils import layout

    return StaticStampStyle(
        background=_BytesPage("stamp.pdf"),  # type: ignore[no-untyped-call]  # pyHanko's __init__
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(  # the drawn page fills the field
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(0, 0, 0, 0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )
