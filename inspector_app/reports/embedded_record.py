"""The record inside its report: the canonical JSON of the inspection, embedded as a file.

Every report carries the exact bytes whose SHA-256 is the record's content hash (see
``inspector_app.domain.canonical``) as an embedded file named ``inspection-record.json``,
linked from the document catalogue as a PDF/A-3 associated file with the relationship
``Source`` (the data the document was made from). A verifier therefore binds a signed PDF
to its record by content: it reads these bytes back, hashes them, and compares them with
the hash printed on the page and with the database, instead of trusting metadata.

``embed_record`` works on a reportlab canvas before it is saved; ``read_embedded_record``
reads the bytes back from a finished (possibly signed) PDF with pyHanko's reader, which is
shipped with the program (pypdf is a test-only dependency).
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

RECORD_FILE_NAME = "inspection-record.json"
RECORD_MIME = "application/json"
RECORD_DESCRIPTION = "Canonical JSON of the inspection record (SHA-256 = record content hash)"

# reportlab's catalogue writes only the keys it knows; these are added per document
_EXTRA_CATALOG_KEYS = ("AF", "OutputIntents", "Metadata")


def allow_catalog_keys(doc: Any, *keys: str) -> None:
    """Let reportlab's catalogue write *keys* (set as attributes on ``doc.Catalog``)."""
    cat = doc.Catalog
    known = list(cat.__NoDefault__)
    for key in keys:
        if key not in known:
            known.append(key)
    cat.__NoDefault__ = known
    cat.__Refs__ = known


def embed_record(canvas: Canvas, canonical_bytes: bytes, *, modified: str | None = None) -> None:
    """Embed *canonical_bytes* in the PDF being written by the reportlab *canvas*, as
    ``inspection-record.json`` (embedded file + associated file, relationship Source).

    Call before ``canvas.save()``. *modified* is a PDF date string (``D:YYYYMMDD...``)
    for the file's ModDate (PDF/A-3 asks for it); the document's own date is used if absent.
    """
    from reportlab.pdfbase.pdfdoc import (
        PDFArray,
        PDFDictionary,
        PDFName,
        PDFStream,
        PDFString,
    )

    if not isinstance(canonical_bytes, bytes | bytearray):
        raise TypeError("the canonical record must be bytes")
    doc = canvas._doc  # type: ignore[attr-defined]  # the PDFDocument; not in reportlab's stubs
    data = bytes(canonical_bytes)
    params = {
        "Size": len(data),
        "CheckSum": PDFString(hashlib.md5(data, usedforsecurity=False).digest().hex()),
    }
    if not modified:  # the document's own creation time (PDF/A-3 asks for a ModDate)
        ts = doc._timeStamp
        y, mo, d, h, mi, sec = ts.YMDhms
        modified = f"D:{y:04d}{mo:02d}{d:02d}{h:02d}{mi:02d}{sec:02d}{ts.dhh:+03d}'{ts.dmm:02d}'"
    params["ModDate"] = PDFString(modified)
    stream = PDFStream(
        PDFDictionary(
            {
                "Type": PDFName("EmbeddedFile"),
                "Subtype": "/" + RECORD_MIME.replace("/", "#2F"),  # a name: "/" escaped
                "Params": PDFDictionary(params),
            }
        ),
        data,
    )
    stream_ref = doc.Reference(stream)
    spec = PDFDictionary(
        {
            "Type": PDFName("Filespec"),
            "F": PDFString(RECORD_FILE_NAME),
            "UF": PDFString(RECORD_FILE_NAME),
            "EF": PDFDictionary({"F": stream_ref, "UF": stream_ref}),
            "AFRelationship": PDFName("Source"),
            "Desc": PDFString(RECORD_DESCRIPTION),
        }
    )
    spec_ref = doc.Reference(spec)
    cat = doc.Catalog
    cat.Names = PDFDictionary(
        {
            "EmbeddedFiles": PDFDictionary(
                {"Names": PDFArray([PDFString(RECORD_FILE_NAME), spec_ref])}
            )
        }
    )
    cat.AF = PDFArray([spec_ref])
    allow_catalog_keys(doc, "AF")


def _stream_data(obj: Any) -> bytes | None:
    try:
        data = obj.data
        return data if isinstance(data, bytes) else None
    except Exception:  # noqa: BLE001 - a damaged stream is "no record"
        return None


def read_embedded_record(pdf_bytes: bytes) -> bytes | None:
    """The bytes of ``inspection-record.json`` embedded in the PDF (latest revision), or
    None when the file has none or cannot be read."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        root = reader.root
        candidates = []
        # the associated-file array first (the PDF/A-3 link), then the name tree
        if "/AF" in root:
            candidates.extend(list(root["/AF"]))
        if "/Names" in root and "/EmbeddedFiles" in root["/Names"]:
            names = root["/Names"]["/EmbeddedFiles"].get("/Names")
            if names is not None:
                items = list(names)
                for i in range(0, len(items) - 1, 2):
                    if str(items[i]) == RECORD_FILE_NAME:
                        candidates.append(items[i + 1])
        for spec in candidates:
            spec = spec.get_object() if hasattr(spec, "get_object") else spec
            name = spec.get("/UF", spec.get("/F"))
            if str(name) != RECORD_FILE_NAME or "/EF" not in spec:
                continue
            ef = spec["/EF"]
            stream = ef.get("/UF", ef.get("/F"))
            if stream is None:
                continue
            data = _stream_data(stream.get_object() if hasattr(stream, "get_object") else stream)
            if data is not None:
                return data
    except Exception:  # noqa: BLE001 - unreadable PDF: no embedded record
        return None
    return None
