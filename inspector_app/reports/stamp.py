"""The visible signature's appearance, drawn by reportlab with the embedded CJK font.

pyHanko's text stamp uses Courier, a standard font it never embeds (``pdffonts`` shows it
unembedded, which PDF/A forbids) and which has no Chinese glyphs. Instead the stamp is a
small one-page PDF drawn here — the document's language, the report number, the signer
certificate's fingerprint and the signing time in local time with its offset — and pyHanko
imports that page as the field's appearance (``StaticStampStyle``), fonts embedded.

A stamp prints only its fixed labels and ASCII (report number, fingerprint, time), so the
font subset of every stamp can be the same: it is made once per process (``_template``: a
page whose subset holds all those characters) and each stamp is a small form XObject drawing
its lines with that font, which is copied into the signed document. A stamp with any other
character is drawn and imported as a page of its own, as before.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .fonts import printable, register_fonts

if TYPE_CHECKING:
    from pyhanko.stamp import StaticStampStyle

_LANG = re.compile(rb"/Lang \((zh|en)")
COLOUR = "#1f3b5a"


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
    c.setStrokeColor(colors.HexColor(COLOUR))
    c.setLineWidth(0.8)
    c.rect(0.5, 0.5, width - 1, height - 1)
    size = _font_size(lines, width, height)
    c.setFillColor(colors.HexColor(COLOUR))
    c.setFont(font, size)
    y = height - 3 - size
    for line in lines:
        c.drawString(3, y, line)
        y -= size * 1.2
    c.showPage()
    c.save()
    return buf.getvalue()


def _font_size(lines: list[str], width: float, height: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = register_fonts()
    size = min(7.0, (height - 4) / (len(lines) * 1.2))
    for line in lines:  # shrink until the longest line fits the box
        while size > 3 and stringWidth(printable(line), font, size) > width - 6:
            size -= 0.25
    return size


@dataclass(frozen=True)
class _Template:
    reader: Any  # pyHanko's PdfFileReader of the template page
    font: Any  # the reference to its font (the stamp subset) in that reader
    name: str  # the font's resource name
    codes: dict[str, bytes]  # character -> its code in the subset


_template_lock = threading.Lock()
_templates: list[_Template | None] = []  # made once per process; [None]: not possible


def _template() -> _Template | None:
    """A page whose font subset holds every character of the stamps' labels (both
    languages) and printable ASCII, each character at a fixed code; None if they do not
    all fit in the font's first subset."""
    with _template_lock:
        if not _templates:
            _templates.append(_make_template())
        return _templates[0]


def _make_template() -> _Template | None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfgen import canvas

    font = register_fonts()
    when = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    labels = "".join(stamp_lines("", "", "zh", when) + stamp_lines("", "", "en", when))
    chars = "".join(dict.fromkeys(labels + "".join(map(chr, range(32, 127)))))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(20, 10), initialFontName=font, pdfVersion=(1, 7))  # type: ignore[arg-type]
    ttf = getFont(font)
    doc = c._doc  # type: ignore[attr-defined]  # the PDFDocument; not in reportlab's stubs
    codes = {}
    for ch in chars:  # assigns each character its code in this document's subset
        (subset, code), *more = ttf.splitString(ch, doc)  # type: ignore[attr-defined]
        if subset != 0 or more or len(code) != 1:
            return None
        codes[ch] = code
    name = ttf.getSubsetInternalName(0, doc)  # type: ignore[attr-defined]
    c.setFont(font, 7)
    c.drawString(0, 0, " ")
    c.showPage()
    c.save()
    reader = PdfFileReader(io.BytesIO(buf.getvalue()))
    fonts = reader.root["/Pages"]["/Kids"][0]["/Resources"]["/Font"]
    key = "/" + name.lstrip("/")
    return _Template(reader, fonts.raw_get(key), key, codes)


def _pdf_text(raw: bytes) -> bytes:
    """*raw* as the inside of a PDF string literal, escaped as reportlab writes it."""
    out = bytearray()
    for b in raw:
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif 32 <= b < 127:
            out.append(b)
        else:
            out += b"\\%03o" % b
    return bytes(out)


def stamp_content(
    lines: list[str], width: float, height: float, template: _Template
) -> bytes | None:
    """The drawing of :func:`stamp_pdf` as a content stream in the template's font, or None
    when a line has a character the template does not hold."""
    from reportlab.lib import colors
    from reportlab.lib.rl_accel import fp_str

    if any(ch not in template.codes for line in lines for ch in line):
        return None
    size = _font_size(lines, width, height)
    rgb = fp_str(*colors.HexColor(COLOUR).rgb())
    ops = [
        f"{rgb} RG",
        ".8 w",
        f"n .5 .5 {fp_str(width - 1)} {fp_str(height - 1)} re S",
        f"{rgb} rg",
    ]
    out = "\n".join(ops).encode("ascii") + b"\n"
    y = height - 3 - size
    head = f"{template.name} {fp_str(size)} Tf {fp_str(size * 1.2)} TL".encode()
    for line in lines:
        text = _pdf_text(b"".join(template.codes[ch] for ch in line))
        out += b"BT 1 0 0 1 3 " + fp_str(y).encode() + b" Tm " + head
        out += b" (" + text + b") Tj T* ET\n"
        y -= size * 1.2
    return out


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
    width, height = abs(x2 - x1), abs(y2 - y1)
    template = _template()
    drawn = max(width, 20.0), max(height, 10.0)  # a template stamp's smallest box
    content = stamp_content(lines, *drawn, template) if template is not None else None
    background: ImportedPdfPage
    if template is not None and content is not None:
        background = _template_stamp(template, content, *drawn)
    else:  # a character outside the template's subset: a page of its own, imported
        page = stamp_pdf(lines, width, height)

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

        background = _BytesPage("stamp.pdf")  # type: ignore[no-untyped-call]  # pyHanko's __init__

    from pyhanko.pdf_utils import layout

    return StaticStampStyle(
        background=background,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(  # the drawn page fills the field
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(0, 0, 0, 0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


def _template_stamp_class() -> type:
    from pyhanko.pdf_utils.content import ImportedPdfPage

    class TemplateStamp(ImportedPdfPage):
        """The stamp as a form XObject of the signed document: *content* drawn with the
        template's font, which is copied in (its subset, widths and ToUnicode map)."""

        def __init__(self, template: _Template, content: bytes, width: float, height: float):
            super().__init__("stamp")  # type: ignore[no-untyped-call]  # pyHanko's __init__
            self.template, self.content = template, content
            self.width, self.height = width, height

        def render(self) -> bytes:
            import binascii
            import uuid

            from pyhanko.pdf_utils import generic
            from pyhanko.pdf_utils.layout import BoxConstraints

            w = self._ensure_writer
            with _template_lock:  # the template's reader is shared by the threads
                font = w.import_object(self.template.font)
            name = generic.NameObject
            box = generic.ArrayObject(
                [generic.FloatObject(v) for v in (0, 0, self.width, self.height)]  # type: ignore[no-untyped-call]
            )
            fonts = generic.DictionaryObject({name(self.template.name): font})  # type: ignore[no-untyped-call]
            resources = generic.DictionaryObject(  # type: ignore[no-untyped-call]
                {
                    name("/Font"): fonts,
                    name("/ProcSet"): generic.ArrayObject([name("/PDF"), name("/Text")]),
                }
            )
            xobj = generic.StreamObject(
                {
                    name("/Type"): name("/XObject"),
                    name("/Subtype"): name("/Form"),
                    name("/BBox"): box,
                    name("/Resources"): resources,
                },
                stream_data=self.content,
            )
            xobj.compress()  # type: ignore[no-untyped-call]
            key = b"/Stamp" + binascii.hexlify(uuid.uuid4().bytes)
            self.resources.xobject[key.decode("ascii")] = w.add_object(xobj)
            self.box = BoxConstraints(width=self.width, height=self.height)
            return key + b" Do"

    return TemplateStamp


def _template_stamp(template: _Template, content: bytes, width: float, height: float) -> Any:
    """The background of a stamp drawn in the template's font."""
    return _template_stamp_class()(template, content, width, height)
