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
