"""Reference standards: expiry shown in words ("Expired", "Expires in 12 days") and in colour."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...domain.models import ReferenceStandard
from ...i18n import ntr, tr
from .columns import ColumnsMixin
from .labels import standard_kind_label

EXPIRED_BRUSH = QBrush(QColor("#c0392b"))
SOON_BRUSH = QBrush(QColor("#a15c00"))
SOON_DAYS = 30
IdRole = Qt.ItemDataRole.UserRole
ROOT = QModelIndex()


def expiry_state(s: ReferenceStandard, today: dt.date | None = None) -> tuple[str, int | None]:
    """("expired" | "soon" | "valid" | "unknown", days until expiry)."""
    if not s.valid_until:
        return "unknown", None
    today = today or dt.date.today()
    days = (dt.date.fromisoformat(s.valid_until) - today).days
    if days < 0:
        return "expired", days
    return ("soon" if days <= SOON_DAYS else "valid"), days


def expiry_text(s: ReferenceStandard, today: dt.date | None = None) -> str:
    state, days = expiry_state(s, today)
    if days is None:  # "unknown": no expiry date on file
        return tr("No expiry date")
    if state == "expired":
        return "✗ " + ntr("Expired {n} day ago", "Expired {n} days ago", -days).format(n=-days)
    if days == 0:
        return "⚠ " + tr("Expires today")
    if state == "soon":
        return "⚠ " + ntr("Expires in {n} day", "Expires in {n} days", days).format(n=days)
    return "✓ " + tr("Valid")


class StandardsTableModel(ColumnsMixin, QAbstractTableModel):
    columns = (
        ("name", "Name"),
        ("kind", "Kind"),
        ("certificate_no", "Certificate no."),
        ("accuracy", "Accuracy"),
        ("serial", "Serial no."),
        ("valid_until", "Valid until"),
        ("validity", "Validity"),
    )

    def __init__(self, parent=None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ReferenceStandard] = []
        self.today = today

    def set_rows(self, rows: list[ReferenceStandard]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> ReferenceStandard | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            not index.isValid()
            or index.row() >= len(self.rows)
            or index.column() >= len(self.columns)
        ):
            return None
        s = self.rows[index.row()]
        key = self.columns[index.column()][0]
        if role == IdRole:
            return s.id
        if role == Qt.ItemDataRole.ForegroundRole and key in ("valid_until", "validity"):
            state, _ = expiry_state(s, self.today)
            return EXPIRED_BRUSH if state == "expired" else SOON_BRUSH if state == "soon" else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if key == "kind":
            return standard_kind_label(s.kind)
        if key == "validity":
            return expiry_text(s, self.today)
        if key == "accuracy":
            return " ".join(
                x for x in (s.accuracy, f"(MPE {s.mpe} {s.unit})" if s.mpe else "") if x
            )
        return str(getattr(s, key) or "")

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1)
            )
