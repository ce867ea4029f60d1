"""The PDF font prints a stand-in for characters it has no glyph for."""

from reportlab.pdfbase import pdfmetrics

from inspector_app.reports.fonts import FONT, printable, register_fonts


def test_missing_superscript_minus_is_substituted():
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    assert ord("⁻") not in font.face.charToGlyph, (
        "if the font gains the glyph, drop the substitution"
    )
    assert printable("-10 m⁻¹") == "-10 m-¹"
    assert font.stringWidth("m⁻¹", 10) == font.stringWidth("m-¹", 10)


def test_characters_without_a_glyph_are_a_visible_box_not_a_blank(tmp_path):
    """Arabic-script names (Uyghur) and emoji have no glyph in the CJK face: they print as
    □ (documented substitution), never vanish."""
    import io
    import subprocess

    from reportlab.pdfgen import canvas

    from inspector_app.reports.fonts import NO_GLYPH, printable, register_fonts

    font = register_fonts()
    assert printable("ئەخمەت 阿 😀") == f"{NO_GLYPH * len('ئەخمەت')} 阿 {NO_GLYPH}"
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(font, 12)
    c.drawString(50, 700, "摊主 ئەخمەت 😀")
    c.showPage()
    c.save()
    path = tmp_path / "g.pdf"
    path.write_bytes(buf.getvalue())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    assert "摊主 " + "□" * len("ئەخمەت") + " □" in text.decode()


def test_uyghur_names_are_shaped_in_their_own_font_and_searchable(store, samples, tmp_path):
    """An Arabic-script name (Uyghur) is set in Noto Naskh Arabic, joined and right to left;
    poppler extracts it back in logical order (NFKC gives the letters as typed)."""
    import dataclasses
    import subprocess
    import unicodedata

    from inspector_app.services.reports import build_report

    name = "ئەخمەتجان تۇرسۇن"
    insp = samples.focimeter
    premises = store.premises.get(insp.premises_id)
    store.premises.save(dataclasses.replace(premises, contact=name, name=f"{name} 眼镜店"))
    path = tmp_path / "u.pdf"
    path.write_bytes(build_report(store, insp.id, "zh").pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    assert b"NotoNaskhArabic-Regular" in fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    plain = unicodedata.normalize("NFKC", text.stdout.decode())
    assert name in plain
    assert "□" not in plain  # nothing substituted: every letter had a glyph


def test_shaping_joins_uyghur_letters():
    from inspector_app.reports.scripts import shape, to_visual

    shaped = shape("ئەخمەت")
    assert shaped[0] == "\ufe8b"  # ئ in its initial form: it joins the ە after it
    assert to_visual("ab ئە 12") == "ab " + shape("ئە")[::-1] + " 12"
