"""The signature pad: drawing with the mouse gives a PNG with ink on it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage

from inspector_app.ui.widgets.signature_pad import SignaturePad


def ink_pixels(png: bytes) -> int:
    image = QImage.fromData(png)
    white = QColor("#ffffff").rgb()
    return sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixel(x, y) != white
    )


def test_mouse_drawing_makes_a_png(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(300, 120)
    pad.show()
    assert pad.is_empty()
    with qtbot.waitSignal(pad.changed):
        qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 60))
        for x in range(30, 260, 15):
            qtbot.mouseMove(pad, QPoint(x, 40 + (x % 50)))
        qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(260, 50))
    assert not pad.is_empty()
    png = pad.to_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage.fromData(png)
    assert (image.width(), image.height()) == (600, 240)
    assert ink_pixels(png) > 20


def test_clear_and_read_only(qtbot):
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.add_stroke([QPointF(5, 5), QPointF(50, 50)])
    pad.clear()
    assert pad.is_empty() and ink_pixels(pad.to_png()) == 0
    pad.set_read_only(True)
    pad.show()
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    assert pad.is_empty()
