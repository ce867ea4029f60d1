"""A pad to sign on with the mouse, a pen or a finger; the drawing becomes PNG bytes."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...i18n import tr

INK = QColor("#0a1f5c")


class SignaturePad(QWidget):
    """Strokes drawn with the mouse, a tablet pen or a touch screen."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strokes: list[list[QPointF]] = []
        self._drawing = False
        self._read_only = False
        self.setMinimumSize(QSize(260, 110))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:
        return QSize(340, 120)

    # -- state --------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not any(len(s) > 0 for s in self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self.update()
        self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.setCursor(Qt.CursorShape.ArrowCursor if read_only else Qt.CursorShape.CrossCursor)

    def add_stroke(self, points: list[QPointF]) -> None:
        """Add a whole stroke at once (scripts and tests)."""
        if points:
            self.strokes.append([QPointF(p) for p in points])
            self.update()
            self.changed.emit()

    # -- input --------------------------------------------------------------------------------
    def _begin(self, pos: QPointF) -> None:
        if self._read_only:
            return
        self._drawing = True
        self.strokes.append([QPointF(pos)])
        self.update()

    def _move(self, pos: QPointF) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].append(QPointF(pos))
            self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event) -> None:
        self._move(event.position())

    def mouseReleaseEvent(self, event) -> None:
        self._end()

    def tabletEvent(self, event) -> None:
        t = event.type()
        if t == event.Type.TabletPress:
            self._begin(event.position())
        elif t == event.Type.TabletMove:
            self._move(event.position())
        elif t == event.Type.TabletRelease:
            self._end()
        event.accept()

    def event(self, event) -> bool:
        t = event.type()
        if t in (event.Type.TouchBegin, event.Type.TouchUpdate, event.Type.TouchEnd):
            points = event.points()
            if points:
                pos = points[0].position()
                if t == event.Type.TouchBegin:
                    self._begin(pos)
                elif t == event.Type.TouchUpdate:
                    self._move(pos)
                else:
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # -- drawing ------------------------------------------------------------------------------
    def _paint_strokes(self, painter: QPainter, scale: float = 1.0) -> None:
        pen = QPen(
            INK,
            2.4 * scale,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
        painter.setPen(pen)
        for stroke in self.strokes:
            if len(stroke) == 1:
                painter.drawPoint(stroke[0] * scale)
                continue
            path = QPainterPath(stroke[0] * scale)
            for p in stroke[1:]:
                path.lineTo(p * scale)
            painter.drawPath(path)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(
            self.rect(), QColor("#ffffff") if not self._read_only else QColor("#f4f4f4")
        )
        painter.setPen(QPen(QColor("#9aa4b2"), 1, Qt.PenStyle.DashLine))
        base = self.height() - 24
        painter.drawLine(12, base, self.width() - 12, base)
        painter.drawRect(QRectF(0.5, 0.5, self.width() - 1, self.height() - 1))
        if self.is_empty() and not self._read_only:
            painter.setPen(QColor("#9aa4b2"))
            painter.drawText(16, base - 8, tr("Sign here"))
        self._paint_strokes(painter)

    def to_png(self, scale: float = 2.0) -> bytes:
        """The signature as a PNG (white background, ink strokes), *scale* × the pad size."""
        size = self.size() if self.width() > 10 else self.sizeHint()
        image = QImage(
            int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_RGB32
        )
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_strokes(painter, scale)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; the binding takes only str
        buffer.close()
        return bytes(data.data())
