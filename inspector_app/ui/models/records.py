"""Premises and instruments tables: rows grow page by page through ``fetchMore``.

The first page comes with :meth:`refresh`; when the view scrolls near the end it calls
``fetchMore``, which queues the next page on the background reader and inserts its rows
when they arrive. A page shorter than ``page_size`` ends the list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ...domain.models import Instrument, Premises
from ...i18n import tr
from ..workers import StoreReader
from .columns import ColumnsMixin
from .labels import family_label, premises_kind_label

IdRole = Qt.ItemDataRole.UserRole
ROOT = QModelIndex()


class PagedTableModel(ColumnsMixin, QAbstractTableModel):
    """Rows loaded on demand with canFetchMore/fetchMore; subclasses give columns and query."""

    columns: tuple[tuple[str, str], ...] = ()  # (key, header)
    refreshed = Signal(int)  # rows after a refresh
    fetched = Signal(int)  # rows after a fetchMore
    failed = Signal(str)

    def __init__(self, reader: StoreReader, parent=None, *, page_size: int = 100) -> None:
        super().__init__(parent)
        self.reader = reader
        self.page_size = page_size
        self.rows: list[Any] = []
        self._exhausted = True
        self._pending = False
        self._generation = 0
        self.params: dict[str, Any] = {}

    # subclasses -------------------------------------------------------------------------
    @staticmethod
    def query(store, params: dict, limit: int, offset: int) -> list:
        """Runs on the reader thread: must not touch the model (a static method)."""
        raise NotImplementedError

    def cell(self, row: Any, key: str) -> str:
        raise NotImplementedError

    # loading ----------------------------------------------------------------------------
    def set_params(self, **params: Any) -> None:
        self.params = {**self.params, **params}
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        gen, params, size, query = (
            self._generation,
            dict(self.params),
            self.page_size,
            type(self).query,
        )
        self._pending = True
        self.reader.submit(
            (id(self), "page"),
            lambda s: query(s, params, size, 0),
            lambda rows: self._on_first(gen, rows),
        )

    def _on_first(self, gen: int, rows) -> None:
        if gen != self._generation:
            return
        self._pending = False
        if isinstance(rows, Exception):
            self.failed.emit(str(rows))
            return
        self.beginResetModel()
        self.rows = list(rows)
        self._exhausted = len(rows) < self.page_size
        self.endResetModel()
        self.refreshed.emit(len(self.rows))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> bool:
        return not parent.isValid() and not self._exhausted and not self._pending

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        self._pending = True
        gen, params, size, offset = (
            self._generation,
            dict(self.params),
            self.page_size,
            len(self.rows),
        )
        query = type(self).query
        self.reader.submit(
            (id(self), "page"),
            lambda s: query(s, params, size, offset),
            lambda rows: self._on_more(gen, offset, rows),
        )

    def _on_more(self, gen: int, offset: int, rows) -> None:
        if gen != self._generation or offset != len(self.rows):
            return
        self._pending = False
        if isinstance(rows, Exception):
            self.failed.emit(str(rows))
            return
        self._exhausted = len(rows) < self.page_size
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self.fetched.emit(len(self.rows))

    def is_loading(self) -> bool:
        return self._pending

    # Qt model API -------------------------------------------------------------------------
    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            not index.isValid()
            or index.row() >= len(self.rows)
            or index.column() >= len(self.columns)
        ):
            return None
        row = self.rows[index.row()]
        if role == IdRole:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(row, self.columns[index.column()][0])
        return None

    def record(self, row: int) -> Any:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.columns) - 1))
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1)
            )


class PremisesTableModel(PagedTableModel):
    columns = (
        ("name", "Name"),
        ("kind", "Kind"),
        ("market", "Market"),
        ("stall_no", "Stall"),
        ("city", "City"),
        ("credit_code", "Credit code"),
        ("contact", "Contact"),
        ("phone", "Phone"),
    )

    @staticmethod
    def query(store, params: dict, limit: int, offset: int) -> list[Premises]:
        return store.premises.list(
            search=params.get("search", ""),
            kind=params.get("kind"),
            market=params.get("market"),
            limit=limit,
            offset=offset,
        )

    def cell(self, p: Premises, key: str) -> str:
        if key == "kind":
            return premises_kind_label(p.kind)
        return str(getattr(p, key) or "")


def _capacity(ins: Instrument) -> str:
    m = ins.metrology or {}
    if ins.family == "scale" and m.get("max"):
        return f"Max {m['max']} {m.get('unit', 'g')}, e = {m.get('e', '?')} {m.get('unit', 'g')}"
    if ins.family == "fuel_dispenser" and m.get("qmax"):
        return f"Q {m.get('qmin', '?')}–{m['qmax']} L/min"
    if m.get("range_min") not in (None, "") and m.get("range_max") not in (None, ""):
        unit = "mm" if ins.family == "pd_meter" else "D"  # PD in mm, lens power in dioptres
        return f"{m['range_min']} … {m['range_max']} {unit}"
    return ""


class InstrumentTableModel(PagedTableModel):
    columns = (
        ("family", "Family"),
        ("maker", "Maker"),
        ("model", "Model"),
        ("serial", "Serial no."),
        ("accuracy_class", "Class"),
        ("capacity", "Capacity"),
        ("premises", "Premises"),
        ("next_due", "Next due"),
    )

    def __init__(
        self,
        reader: StoreReader,
        parent=None,
        *,
        page_size: int = 100,
        premises_name: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__(reader, parent, page_size=page_size)
        self._names: dict[str, str] = {}

    @staticmethod
    def query(store, params: dict, limit: int, offset: int) -> list:
        rows = store.instruments.list(
            premises_id=params.get("premises_id"),
            family=params.get("family"),
            search=params.get("search", ""),
            limit=limit,
            offset=offset,
        )
        names = {}
        for ins in rows:
            if ins.premises_id not in names:
                p = store.premises.get(ins.premises_id)
                names[ins.premises_id] = p.name if p else ""
        return [(ins, names[ins.premises_id]) for ins in rows]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == IdRole and index.isValid() and index.row() < len(self.rows):
            return self.rows[index.row()][0].id
        if (
            index.isValid()
            and index.row() < len(self.rows)
            and self.columns[index.column()][0] == "next_due"
            and _overdue(self.rows[index.row()][0])
        ):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#9b0019"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr("Overdue for verification")
        return super().data(index, role)

    def cell(self, row, key: str) -> str:
        ins, premises_name = row
        if key == "next_due" and _overdue(ins):
            return f"⚠ {ins.next_due} {tr('overdue')}"
        if key == "family":
            return family_label(ins.family)
        if key == "capacity":
            return _capacity(ins)
        if key == "premises":
            return premises_name
        return str(getattr(ins, key) or "")

    def record(self, row: int) -> Instrument | None:
        item = super().record(row)
        return item[0] if item else None


def _overdue(ins) -> bool:
    """Its next verification date has passed (超期未检)."""
    import datetime as dt

    return bool(ins.next_due) and str(ins.next_due) < dt.date.today().isoformat()
