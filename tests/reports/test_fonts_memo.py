"""What reportlab's subsetting and measuring read is kept once made: the face's tables
(copied out of the font file once) and each text as printed; the results are unchanged."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import getFont

from inspector_app.reports import fonts


def test_the_face_copies_each_table_once_and_subsets_are_unchanged():
    fonts.register_fonts()
    face = getFont(fonts.FONT).face
    assert face.get_table("glyf") is face.get_table("glyf")  # kept, not copied again
    pos, length = face.get_table_pos("glyf")
    assert face.get_table("glyf") == face._ttf_data[pos : pos + length]
    subset = [ord(c) for c in "检定证书 Report 0-9"]
    assert face.makeSubset(subset) == face.makeSubset(list(subset))


def test_printed_texts_are_remembered_and_the_same():
    fonts.register_fonts()
    fonts._printed.clear()
    text = "刻度 m⁻¹ 😀"
    first = fonts.printable(text)
    assert first == f"刻度 m-¹ {fonts.NO_GLYPH}"
    assert fonts._printed[text] == first and fonts.printable(text) == first
    assert fonts.printable("plain ascii") == "plain ascii"
    assert "plain ascii" not in fonts._printed  # ASCII is printed as it is, not kept
