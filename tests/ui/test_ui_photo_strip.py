"""The photo strip: thumbnails, drop of image files, refusing other files."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage

from inspector_app.ui.widgets.photo_strip import PhotoStrip


def png_file(path, colour="#aa3300"):
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    image.save(str(path))
    return path


def drop(widget, mime):
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(event)


def test_dropping_image_files_asks_to_add_them(qtbot, tmp_path):
    strip = PhotoStrip()
    qtbot.addWidget(strip)
    a = png_file(tmp_path / "a.png")
    (tmp_path / "notes.txt").write_text("not a photo")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(a)), QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    with qtbot.waitSignal(strip.add_requested) as sig:
        drop(strip.list, mime)
    assert sig.args[0] == [a.read_bytes()]


def test_dropped_image_data_is_converted_to_png(qtbot):
    strip = PhotoStrip()
    qtbot.addWidget(strip)
    image = QImage(10, 10, QImage.Format.Format_RGB32)
    image.fill(QColor("#00ff00"))
    mime = QMimeData()
    mime.setImageData(image)
    with qtbot.waitSignal(strip.add_requested) as sig:
        drop(strip.list, mime)
    assert sig.args[0][0].startswith(b"\x89PNG")


def test_thumbnails_and_read_only(qtbot, tmp_path):
    strip = PhotoStrip()
    qtbot.addWidget(strip)
    data = png_file(tmp_path / "b.png").read_bytes()
    strip.set_photos([("ab" * 32, data, "铅封"), ("cd" * 32, None, "")])
    assert strip.shas() == ["ab" * 32, "cd" * 32]
    assert not strip.list.item(0).icon().isNull() and strip.list.item(0).text() == "铅封"
    strip.set_read_only(True)
    assert not strip.add_button.isEnabled()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "b.png"))])
    with qtbot.assertNotEmitted(strip.add_requested):
        drop(strip.list, mime)
