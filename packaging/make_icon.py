"""Draw the application icon: ``resources/icons/inspector-app.png`` (256 px) and ``.ico``.

A dial with its needle inside the safe band and a green check: an instrument that passed.
Drawn with QPainter (each .ico size is drawn at its own size, so small icons stay crisp)
and written as .ico by Pillow. Run once after changing the design and commit the files::

    QT_QPA_PLATFORM=offscreen uv run python packaging/make_icon.py
"""

from __future__ import annotations

import io
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int):
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen

    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)  # design on a 256 grid

    # tile
    grad = QLinearGradient(0, 0, 0, 256)
    grad.setColorAt(0, QColor("#2f6db5"))
    grad.setColorAt(1, QColor("#163a66"))
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(8, 8, 240, 240), 52, 52)
    p.fillPath(tile, QBrush(grad))

    centre = QPointF(128, 146)
    radius = 82
    # dial arc (Qt angles: degrees * 16, counter-clockwise from 3 o'clock)
    arc = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
    p.setPen(QPen(QColor("white"), 16, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawArc(arc, 200 * 16, -220 * 16)
    # tolerance band near the centre of the scale
    p.setPen(QPen(QColor("#7fd49a"), 16, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
    p.drawArc(arc, 110 * 16, -40 * 16)
    # ticks
    p.setPen(QPen(QColor("white"), 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    if size >= 32:
        for deg in (200, 145, 90, 35, -20):
            a = math.radians(deg)
            outer = radius - 20
            inner = radius - 36
            p.drawLine(
                QPointF(centre.x() + outer * math.cos(a), centre.y() - outer * math.sin(a)),
                QPointF(centre.x() + inner * math.cos(a), centre.y() - inner * math.sin(a)),
            )
    # needle, inside the band
    a = math.radians(98)
    p.setPen(QPen(QColor("#ffb000"), 11, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.drawLine(centre, QPointF(centre.x() + 66 * math.cos(a), centre.y() - 66 * math.sin(a)))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    p.drawEllipse(centre, 15, 15)

    # check badge
    badge = QPointF(190, 194)
    p.setBrush(QColor("#1f9d4c"))
    p.setPen(QPen(QColor("white"), 7))
    p.drawEllipse(badge, 40, 40)
    p.setPen(
        QPen(
            QColor("white"),
            12,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
    )
    p.setBrush(Qt.BrushStyle.NoBrush)
    check = QPainterPath(QPointF(171, 195))
    check.lineTo(185, 209)
    check.lineTo(210, 180)
    p.drawPath(check)
    p.end()
    return img


def png_bytes(img) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    ICONS.mkdir(parents=True, exist_ok=True)
    images = {n: Image.open(io.BytesIO(png_bytes(draw(n)))).convert("RGBA") for n in ICO_SIZES}
    (ICONS / "inspector-app.png").write_bytes(png_bytes(draw(256)))
    big = images[256]
    big.save(
        ICONS / "inspector-app.ico",
        format="ICO",
        sizes=[(n, n) for n in ICO_SIZES],
        append_images=[images[n] for n in ICO_SIZES if n != 256],
    )
    print(f"wrote {ICONS / 'inspector-app.png'} and {ICONS / 'inspector-app.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
