"""Archival form of every PDF the program prints: PDF/A-3b identification and output intent.

What PDF/A-3 (ISO 19005-3, conformance level B) asks of our documents and where it is done:

* every font embedded — the CJK face is a TrueType subset (``fonts.py``) and the canvas never
  names a standard-14 font (``rl_config.canvas_basefontname``);
* an XMP metadata stream in the catalogue, identifying the file as PDF/A-3B and repeating
  the document information (title, author, subject, keywords, producer, dates) with the same
  values — here, from the same variables, written uncompressed as the standard asks;
* an output intent (``GTS_PDFA1``) with an embedded ICC profile for the device-RGB colours
  used: ``resources/icc/sRGB.icc``, an sRGB (IEC 61966-2.1) profile written by LittleCMS for
  this project (see ``resources/README.md``);
* embedded files are associated files with an ``AFRelationship`` (``embedded_record.py``);
* the header names PDF 1.7, the base of PDF/A-3.

``apply_pdfa(canvas, ...)`` is called on a reportlab canvas before it is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..paths import resource_path
from .embedded_record import allow_catalog_keys

if TYPE_CHECKING:
    from reportlab.pdfbase.pdfdoc import PDFStream
    from reportlab.pdfgen.canvas import Canvas

PDF_VERSION = (1, 7)
ICC_FILE = ("resources", "icc", "sRGB.icc")
OUTPUT_CONDITION = "sRGB IEC61966-2.1"

_icc_cache: bytes | None = None


def icc_profile() -> bytes:
    global _icc_cache
    if _icc_cache is None:
        _icc_cache = resource_path(*ICC_FILE).read_bytes()
    return _icc_cache


def _timestamp(doc: Any) -> str:
    """The document's creation time as XMP wants it, equal to the Info dictionary's."""
    ts = doc._timeStamp
    y, mo, d, h, mi, s = ts.YMDhms
    sign = "+" if ts.dhh >= 0 else "-"
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{sign}{abs(ts.dhh):02d}:{ts.dmm:02d}"


def xmp_packet(
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    creator: str,
    producer: str,
    created: str,
    lang: str = "x-default",
) -> bytes:
    e = escape
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>3</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(subject)}</rdf:li></rdf:Alt></dc:description>
   <pdf:Keywords>{e(keywords)}</pdf:Keywords>
   <pdf:Producer>{e(producer)}</pdf:Producer>
   <xmp:CreatorTool>{e(creator)}</xmp:CreatorTool>
   <xmp:CreateDate>{created}</xmp:CreateDate>
   <xmp:ModifyDate>{created}</xmp:ModifyDate>
   <xmp:MetadataDate>{created}</xmp:MetadataDate>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def _plain_stream_class() -> type[PDFStream]:
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFStream

    class PlainStream(PDFStream):
        """A stream written without filters (PDF/A: the metadata stays readable)."""

        def format(self, document: Any) -> bytes:
            d = PDFDictionary(self.dictionary.dict.copy())
            content: bytes = document.encrypt.encode(self.content)
            d["Length"] = len(content)
            from reportlab.pdfbase.pdfdoc import format as pdf_format

            head: bytes = pdf_format(d, document)
            return head + b"\nstream\n" + content + b"\nendstream\n"

    return PlainStream


def apply_pdfa(canvas: Canvas) -> None:
    """Add the XMP metadata (PDF/A-3B, the document information repeated) and the sRGB
    output intent to the PDF being written by *canvas*; call just before ``save()``."""
    from reportlab.pdfbase.pdfdoc import (
        PDFArray,
        PDFDictionary,
        PDFName,
        PDFStream,
        PDFString,
    )

    doc = canvas._doc  # type: ignore[attr-defined]  # the PDFDocument; not in reportlab's stubs
    info = doc.info
    xmp = xmp_packet(
        title=info.title,
        author=info.author,
        subject=info.subject,
        keywords=info.keywords,
        creator=info.creator,
        producer=info.producer,
        created=_timestamp(doc),
    )
    meta = _plain_stream_class()(
        PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}), xmp
    )
    icc = PDFStream(PDFDictionary({"N": 3}), icc_profile())
    intent = PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString(OUTPUT_CONDITION),
            "Info": PDFString(OUTPUT_CONDITION),
            "RegistryName": PDFString("http://www.color.org"),
            "DestOutputProfile": doc.Reference(icc),
        }
    )
    cat = doc.Catalog
    cat.Metadata = meta
    cat.OutputIntents = PDFArray([intent])
    allow_catalog_keys(doc, "Metadata", "OutputIntents")


def now_pdf_date() -> str:
    """The current local time as a PDF date string (D:YYYYMMDDHHmmSS+HH'mm')."""
    now = dt.datetime.now().astimezone()
    off = now.strftime("%z")
    return f"D:{now:%Y%m%d%H%M%S}{off[:3]}'{off[3:]}'"
