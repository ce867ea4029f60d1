"""The signature stamp: drawn with a font subset made once per process (its labels and
ASCII), or, for a line with any other character, as a page of its own; either way its text
is extractable and its font embedded, and the signature verifies."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from inspector_app.reports import stamp
from inspector_app.reports.signing import _sign
from inspector_app.reports.verify import VALID, verify_pdf
from inspector_app.services.reports import build_report

WHEN = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def fonts_and_text(path):
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return fonts.stdout.decode().splitlines()[2:], text.stdout.decode()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_and_ascii_is_in_the_template(lang):
    template = stamp._template()
    assert template is not None
    lines = stamp.stamp_lines("JCJL-20260304-ABCDEF12-R2", "0f" * 32, lang, WHEN)
    content = stamp.stamp_content(lines, 200, 56, template)
    assert content is not None and content.count(b" Tj ") == 4
    assert all(chr(c) in template.codes for c in range(32, 127))
    # the same character always has the same code: every stamp can share one subset
    assert stamp._template() is template


def test_a_character_outside_the_template_is_refused_by_the_fast_path():
    template = stamp._template()
    assert template is not None
    assert "é" not in template.codes
    assert stamp.stamp_content(["Réf. 1"], 200, 56, template) is None


@pytest.mark.parametrize("report_no", ["JCJL-20260304-ABCDEF12", "JCJL-20260304-Réf"])
def test_signed_stamp_text_and_font(store, samples, identity, tmp_path, report_no):
    built = build_report(
        store,
        samples.scale.id,
        "en",
        for_signing=True,
        signer_name=identity.name,
        signer_fingerprint=identity.fingerprint,
    )
    path = tmp_path / "signed.pdf"
    path.write_bytes(_sign(built.pdf, identity, built.signature_box, report_no))
    fonts, text = fonts_and_text(path)
    assert fonts and not [r for r in fonts if not re.search(r"\byes\s+yes\s+yes\b", r)]
    assert "Digitally signed (PAdES)" in text and f"Report {report_no}" in text
    assert f"Cert SHA-256 {identity.fingerprint[:32]}" in text
    result = verify_pdf(path.read_bytes(), [identity.certificate])
    assert result.status == VALID, result
