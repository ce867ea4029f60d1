"""Archival form: PDF/A-3b identification and output intent, every font embedded."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from inspector_app.services.reports import build_report


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reports_are_pdfa3b_with_srgb_output_intent(store, samples, tmp_path, lang):
    built = build_report(store, samples.fuel.id, lang)
    assert built.pdf.startswith(b"%PDF-1.7")
    reader = PdfReader(io.BytesIO(built.pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object()
    assert "/Filter" not in xmp  # readable without decoding, as PDF/A asks
    text = xmp.get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in text and "<pdfaid:conformance>B" in text
    info = reader.metadata
    # the XMP repeats the document information with the same values
    assert f"<pdf:Keywords>{info['/Keywords']}</pdf:Keywords>" in text
    assert info["/Title"] in text and info["/Author"] in text
    created = re.search(r"<xmp:CreateDate>(.*?)</xmp:CreateDate>", text).group(1)
    assert info["/CreationDate"][2:16] == re.sub(r"\D", "", created)[:14]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    icc = profile.get_data()
    assert profile["/N"] == 3 and icc[36:40] == b"acsp" and icc[8] == 4 and icc[9] == 0x20
    # the embedded record carries what PDF/A-3 asks of an associated file
    spec = root["/AF"][0].get_object()
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application#2Fjson" or stream["/Subtype"] == "/application/json"
    assert stream["/Params"]["/ModDate"].startswith("D:")


@pytest.mark.parametrize("which", ["scale", "fuel", "focimeter"])
def test_every_font_is_embedded(store, samples, tmp_path, which):
    for lang in ("zh", "en"):
        path = tmp_path / f"{which}-{lang}.pdf"
        path.write_bytes(build_report(store, getattr(samples, which).id, lang).pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
        rows = out.stdout.decode().splitlines()[2:]
        assert rows, "no fonts listed"
        for row in rows:
            assert re.search(r"\byes\s+yes\s+yes\b", row), row  # embedded, subset, unicode map


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_signed_report_embeds_the_stamp_font_too(store, samples, identity, tmp_path, lang):
    from inspector_app.services.reports import make_report

    path = tmp_path / "signed.pdf"
    path.write_bytes(make_report(store, samples.scale.id, lang, identity=identity))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
    rows = out.stdout.decode().splitlines()[2:]
    assert len(rows) >= 2  # the document's font and the stamp's
    assert not [r for r in rows if "Courier" in r or not re.search(r"\byes\s+yes\s+yes\b", r)]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    stamp = "数字签名（PAdES）" if lang == "zh" else "Digitally signed (PAdES)"
    assert stamp in text.stdout.decode()
