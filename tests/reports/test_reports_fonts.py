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
