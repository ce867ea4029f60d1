"""Photos of an inspection as a strip of thumbnails: add with a file dialog or by dropping
image files (or an image) on it; remove the selected one. The strip only shows and asks;
the editor stores the bytes (``store.attachments.add``) and changes the inspection."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr
from . import file_dialogs

THUMB = QSize(120, 90)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
MAX_FILE_BYTES = 20 * 1024 * 1024


def image_bytes_from_mime(mime) -> list[bytes]:
    """Image files (by URL) or an image dropped from another program, as bytes."""
    out: list[bytes] = []
    if mime.hasUrls():
        for url in mime.urls():
            if not url.isLocalFile():
                continue
            path = Path(url.toLocalFile())
            if (
                path.suffix.lower() in IMAGE_SUFFIXES
                and not file_dialogs.is_database_file(path)  # never opened: see file_dialogs
                and path.is_file()
                and path.stat().st_size <= MAX_FILE_BYTES
            ):
                out.append(path.read_bytes())
    if not out and mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            data = QByteArray()
            buf = QBuffer(data)
            buf.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buf, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; the binding takes only str
            out.append(bytes(data.data()))
    return out


class PhotoList(QListWidget):
    dropped = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(THUMB)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setFixedHeight(THUMB.height() + 42)
        self.setAcceptDrops(True)
        self.setDragEnabled(False)
        self.read_only = False

    def _accepts(self, event) -> bool:
        mime = event.mimeData()
        return not self.read_only and (mime.hasUrls() or mime.hasImage())

    def dragEnterEvent(self, event) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        if not self._accepts(event):
            event.ignore()
            return
        images = image_bytes_from_mime(event.mimeData())
        event.acceptProposedAction()
        if images:
            self.dropped.emit(images)


class PhotoStrip(QWidget):
    """Thumbnails of the photos; ``add_requested(list[bytes])`` and ``remove_requested(sha)``."""

    add_requested = Signal(list)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = PhotoList()
        self.list.setObjectName("photoList")
        self.list.dropped.connect(self.add_requested)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.retranslate()

    def set_photos(self, photos: list[tuple[str, bytes | None, str]]) -> None:
        """(sha256, image bytes, caption) of each photo, in order."""
        self.list.clear()
        for sha, data, caption in photos:
            pix = QPixmap()
            if data:
                pix.loadFromData(data)
            icon = (
                QIcon(
                    pix.scaled(
                        THUMB,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
                if not pix.isNull()
                else QIcon()
            )
            item = QListWidgetItem(icon, caption or sha[:8])
            item.setData(Qt.ItemDataRole.UserRole, sha)
            item.setToolTip(f"SHA-256 {sha}")
            self.list.addItem(item)

    def shas(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def choose_files(self) -> None:
        files = file_dialogs.get_open_file_names(
            self, tr("Add photo…"), "", tr("Images (*.png *.jpg *.jpeg *.webp)")
        )
        images = [
            Path(f).read_bytes()
            for f in files
            if Path(f).is_file() and Path(f).stat().st_size <= MAX_FILE_BYTES
        ]
        if images:
            self.add_requested.emit(images)

    def _remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.remove_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def set_read_only(self, read_only: bool) -> None:
        self.list.read_only = read_only
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)

    def retranslate(self) -> None:
        self.add_button.setText(tr("Add photo…"))
        self.remove_button.setText(tr("Remove photo"))
        self.list.setToolTip(tr("Drop photos here"))
