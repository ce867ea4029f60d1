"""PDF/A-3b structure, checked on every kind of document the program hands out (veraPDF is
not installable here, so the rules that can be read from the file are checked directly):
the binary header comment, no encryption, a file identifier, XMP metadata that parses as XML
and names PDF/A-3B, an sRGB output intent, no JavaScript or launch actions, every annotation
printable and not hidden, every font embedded, every embedded file an associated file with
its relationship, MIME type and date; for signed files also after each office
countersignature."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from inspector_app.crypto.keys import init_identity
from inspector_app.reports.signing import countersign_pdf
from inspector_app.services.reports import build_report, make_report
from inspector_app.services.summary import build_summary

# annotation flags (PDF 32000-1, 12.5.3)
INVISIBLE, HIDDEN, PRINT, NOVIEW, TOGGLE_NOVIEW = 1, 2, 4, 32, 256
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}


INFO_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Producer": "pdf:Producer",
    "/Creator": "xmp:CreatorTool",
}
PREFIXES = {
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/": "xmp",
}


def _short(tag: str) -> str:
    ns, _, name = tag[1:].partition("}")
    return f"{PREFIXES.get(ns, ns)}:{name}"


def _xmp_properties(xmp) -> dict[str, str]:
    """XMP properties by prefixed name, written as attributes of rdf:Description or as
    elements (a language alternative or a sequence: its first item)."""
    out: dict[str, str] = {}
    for desc in xmp.iter(f"{{{NS['rdf']}}}Description"):
        for attr, value in desc.attrib.items():
            if attr.startswith("{"):
                out[_short(attr)] = value
        for child in desc:
            li = child.find(f".//{{{NS['rdf']}}}li")
            out[_short(child.tag)] = (li.text if li is not None else child.text) or ""
    return out


def _walk(obj, seen: set[int]):
    """Every dictionary reachable from *obj* (each indirect object once)."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, IndirectObject):
            if o.idnum in seen:
                continue
            seen.add(o.idnum)
            o = o.get_object()
        if isinstance(o, DictionaryObject):
            yield o
            stack.extend(v for k, v in o.items() if k != "/Parent")
        elif isinstance(o, ArrayObject):
            stack.extend(o)


def pdfa_problems(pdf: bytes) -> list[str]:
    """What in *pdf* breaks a PDF/A-3b rule that can be read from the file itself."""
    out: list[str] = []
    first, _, rest = pdf.partition(b"\n")
    if not first.startswith(b"%PDF-1."):
        out.append("the file does not start with a PDF 1.x header")
    comment = rest.split(b"\n", 1)[0]
    if not (comment.startswith(b"%") and sum(b > 127 for b in comment[1:5]) == 4):
        out.append("no comment of four binary bytes after the header")
    reader = PdfReader(io.BytesIO(pdf))
    trailer = reader.trailer
    if "/Encrypt" in trailer:
        out.append("the file is encrypted")
    ident = trailer.get("/ID")
    if not ident or len(ident) != 2:
        out.append("the trailer has no file identifier (/ID)")
    root = trailer["/Root"].get_object()
    # XMP: well-formed, PDF/A-3B identification
    try:
        meta = root["/Metadata"].get_object()
        if "/Filter" in meta:
            out.append("the XMP metadata stream is compressed")
        xmp = ET.fromstring(meta.get_data())
        props = _xmp_properties(xmp)
        if props.get("pdfaid:part") != "3" or props.get("pdfaid:conformance") != "B":
            out.append("the XMP metadata does not identify PDF/A-3B")
        # the document information must say what the XMP says (ISO 19005-2, 6.6.3)
        info = trailer.get("/Info")
        info = info.get_object() if info is not None else {}
        for key, prop in INFO_XMP.items():
            if key in info and str(info[key]) != props.get(prop):
                out.append(
                    f"the document information {key} ({str(info[key])[:60]!r}) differs from "
                    f"the XMP {prop} ({str(props.get(prop))[:60]!r})"
                )
    except (KeyError, ET.ParseError) as exc:
        out.append(f"no XMP metadata that parses as XML ({type(exc).__name__})")
    intents = root.get("/OutputIntents")
    intents = intents.get_object() if intents is not None else None  # pypdf 4 leaves it indirect
    if not intents or not any(
        i.get_object().get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in i.get_object()
        for i in intents
    ):
        out.append("no PDF/A output intent with an ICC profile")
    if "/AA" in root or "/JavaScript" in (root.get("/Names") or {}):
        out.append("the catalog carries additional actions or JavaScript")
    seen: set[int] = set()
    for d in _walk(trailer["/Root"], seen):
        kind = d.get("/S")
        if kind in ("/JavaScript", "/Launch", "/ImportData", "/ResetForm", "/Movie", "/Sound"):
            out.append(f"a {kind[1:]} action")
        if "/JS" in d:
            out.append("JavaScript in an object")
        if d.get("/Type") == "/Annot" or (d.get("/Subtype") in ("/Widget", "/Link", "/Text")):
            if d.get("/Subtype") == "/Popup":
                continue
            flags = int(d.get("/F", 0))
            if not flags & PRINT or flags & (INVISIBLE | HIDDEN | NOVIEW | TOGGLE_NOVIEW):
                out.append(
                    f"an annotation ({d.get('/Subtype')}, {d.get('/T', '')}) is not printable "
                    f"or is hidden (F = {flags})"
                )
            rect = [float(x) for x in d.get("/Rect", [0, 0, 0, 0])]
            if rect[2] - rect[0] and rect[3] - rect[1] and "/AP" not in d:
                out.append(f"a visible annotation ({d.get('/T', '')}) has no appearance")
        if d.get("/Type") == "/Font":
            sub = d.get("/Subtype")
            if sub == "/Type3":
                continue
            fonts = [f.get_object() for f in d["/DescendantFonts"]] if sub == "/Type0" else [d]
            for f in fonts:
                desc = f.get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    out.append(f"the font {f.get('/BaseFont')} is not embedded")
        if d.get("/Type") == "/Filespec":
            if "/AFRelationship" not in d:
                out.append(f"the embedded file {d.get('/F')} has no AFRelationship")
            ef = d.get("/EF", {}).get("/F")
            stream = ef.get_object() if ef is not None else {}
            if "/Subtype" not in stream or "/ModDate" not in stream.get("/Params", {}):
                out.append(f"the embedded file {d.get('/F')} has no MIME type or date")
    for spec in root.get("/AF", []):  # each associated file is reachable from the catalog
        if spec.get_object().get("/Type") != "/Filespec":
            out.append("an /AF entry that is not a file specification")
    return sorted(set(out))


def test_the_checker_finds_what_it_looks_for(store, samples):
    """The checks can fail: a PDF without the archival parts is named on each count."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("Courier", 12)  # a standard font, never embedded
    c.drawString(100, 700, "plain")
    c.save()
    problems = pdfa_problems(buf.getvalue())
    assert any("XMP" in p for p in problems), problems
    assert any("output intent" in p for p in problems), problems
    assert any("Courier" in p and "not embedded" in p for p in problems), problems


@pytest.mark.parametrize("which", ["scale", "fuel", "focimeter"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_document_kind_is_pdfa_3b(store, samples, which, lang):
    # scale: a certificate, fuel: a notice, focimeter: an inspection record
    built = build_report(store, getattr(samples, which).id, lang)
    assert pdfa_problems(built.pdf) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_signed_and_countersigned_reports_stay_pdfa_3b(store, samples, identity, tmp_path, lang):
    pdf = make_report(store, samples.scale.id, lang, identity=identity)
    assert pdfa_problems(pdf) == []
    office = init_identity(tmp_path / "office", "刘洋", b"office passphrase", office=True)
    for role in ("verifier", "approver"):
        pdf = countersign_pdf(pdf, office, role)
        assert pdfa_problems(pdf) == [], role


def test_the_signed_summary_is_pdfa_3b(store, samples, identity):
    pdf = build_summary(store, lang="zh", identity=identity)
    assert pdfa_problems(pdf) == []
