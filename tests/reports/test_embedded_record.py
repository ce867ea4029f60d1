"""The canonical record embedded in every report (PDF/A-3 associated file, relationship Source)."""

from __future__ import annotations

import hashlib
import io
import subprocess

from pypdf import PdfReader

from inspector_app.reports.embedded_record import RECORD_FILE_NAME, read_embedded_record
from inspector_app.services.reports import build_report


def test_report_embeds_the_bytes_whose_hash_is_the_content_hash(store, samples):
    for insp in (samples.scale, samples.fuel, samples.focimeter):
        built = build_report(store, insp.id, "zh")
        raw = read_embedded_record(built.pdf)
        assert raw is not None
        assert hashlib.sha256(raw).hexdigest() == insp.content_hash == built.content_hash


def test_embedded_file_is_an_associated_source_file(store, samples, tmp_path):
    built = build_report(store, samples.scale.id, "en")
    reader = PdfReader(io.BytesIO(built.pdf))
    assert list(reader.attachments) == [RECORD_FILE_NAME]
    root = reader.trailer["/Root"]
    spec = root["/AF"][0].get_object()
    assert spec["/AFRelationship"] == "/Source"
    assert spec["/UF"] == RECORD_FILE_NAME
    path = tmp_path / "r.pdf"
    path.write_bytes(built.pdf)
    listed = subprocess.run(["pdfdetach", "-list", str(path)], capture_output=True, check=True)
    assert RECORD_FILE_NAME in listed.stdout.decode()


def test_no_record_in_foreign_or_broken_files():
    assert read_embedded_record(b"") is None
    assert read_embedded_record(b"%PDF-1.4 garbage") is None
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(10, 10, "x")
    c.showPage()
    c.save()
    assert read_embedded_record(buf.getvalue()) is None
