"""The inspections table: a windowed cache over the store's paged list.

``rowCount()`` is the filtered total from ``store.inspections.count()``, so the scrollbar
is true and Ctrl+End jumps to the last row. Rows are read in pages of ``page_size`` only
when the view asks for them (``data()`` of a row not yet loaded queues its page on the
background reader and shows "…" until it arrives); at most ``max_pages`` pages are kept
(least recently used dropped). Sorting is done by SQLite (``SORT_COLUMNS``).

A (re)query shows its first page as soon as it is read and counts afterwards: until the
exact count arrives ``rowCount()`` is the rows shown and :attr:`counting` is True (a search
for one Latin letter matches most of 100,000 rows, and counting those takes longer than
reading the first 100). The window waits for a second character, or 400 ms of quiet,
before searching for a single Latin letter (:func:`search_delay_ms`); Chinese characters
search at once. Each loaded page also brings the newest review of its rows, so a
supervisor's "returned" shows in the list (:data:`ReviewRole`).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Signal

from ...i18n import tr
from ...store.inspections import InspectionFilter, InspectionSummary
from .. import qt_values
from ..workers import StoreReader
from .labels import check_label, family_label, status_label, verdict_label, when_label

# (key, header, sort key in SORT_COLUMNS or None)
COLUMNS = (
    ("started_at", "Date", "started_at"),
    ("premises", "Premises", "premises"),
    ("market", "Market", "market"),
    ("instrument", "Instrument", "instrument"),
    ("family", "Family", "family"),
    ("check", "Check", None),
    ("inspector", "Inspector", "inspector"),
    ("verdict", "Verdict", "verdict"),
    ("status", "Status", "status"),
)
# the text colour of a failed verdict, a returned record and a draft (brushes made on first
# use: a QBrush built at import costs the start-up its gradient enums)
TEXT_COLOURS = {"fail": "#c0392b", "returned": "#b35900", "draft": "#1f5fa8"}
_brushes: dict = {}
PLACEHOLDER = "…"
IdRole = qt_values.USER_ROLE
ReviewRole = qt_values.USER_ROLE + 1  # the newest review (store.review.ReviewRow), or None
ROOT = QModelIndex()
SINGLE_LATIN_IDLE_MS = 400  # quiet time before searching for one Latin letter


def _brush(kind: str):
    brush = _brushes.get(kind)
    if brush is None:
        from PySide6.QtGui import QBrush, QColor

        brush = _brushes[kind] = QBrush(QColor(TEXT_COLOURS[kind]))
    return brush


def search_delay_ms(text: str) -> int:
    """How long the search field waits, after the last keystroke, before *text* is searched:
    one Latin letter or digit matches most rows, so it waits for a second character or for
    400 ms of quiet; anything else (two characters, one Chinese character) at once."""
    text = text.strip()
    return SINGLE_LATIN_IDLE_MS if len(text) == 1 and text.isascii() else 0


def first_page_query(store, f: InspectionFilter, sort: str, descending: bool, size: int):
    """Runs on the reader: the first page of a query and the reviews of its rows."""
    rows = store.inspections.list(f, sort, descending, size, 0)
    return rows, _reviews(store, rows)


def page_query(store, f: InspectionFilter, sort: str, descending: bool, size: int, page: int):
    rows = store.inspections.list(f, sort, descending, size, page * size)
    return rows, _reviews(store, rows)


def count_query(store, f: InspectionFilter) -> int:
    return store.inspections.count(f)


def _reviews(store, rows) -> dict:
    if not rows:
        return {}
    # The store's rows carry all a marker shows (decision, reviewer, comment); the review
    # service and the signature checks it brings load only when a review is opened.
    from ...store.review import review_repo

    try:
        return review_repo(store).latest([r.id for r in rows])
    except Exception:  # a marker is not worth failing the list for
        return {}


def _noop(_store) -> None:
    return None


class InspectionTableModel(QAbstractTableModel):
    counted = Signal(int)  # a (re)query finished: the new total
    page_loaded = Signal(int)  # page number
    failed = Signal(str)

    def __init__(
        self,
        reader: StoreReader,
        parent=None,
        *,
        page_size: int = 100,
        max_pages: int = 40,
        base_filter: InspectionFilter | None = None,
    ) -> None:
        super().__init__(parent)
        self.reader = reader
        self.page_size = page_size
        self.max_pages = max_pages
        self._filter = base_filter or InspectionFilter()
        self._sort = "started_at"
        self._descending = True
        self._generation = 0
        self._total = 0
        self._pages: OrderedDict[int, list[InspectionSummary]] = OrderedDict()
        self._pending: set[int] = set()
        self._reviews: dict = {}
        self.counting = False  # the first page is shown, the exact count not there yet
        self.loaded_once = False

    # -- query ------------------------------------------------------------------------------
    @property
    def filter(self) -> InspectionFilter:
        return dataclasses.replace(self._filter)

    @property
    def total(self) -> int:
        return self._total

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def set_filter(self, f: InspectionFilter) -> None:
        self._filter = dataclasses.replace(f)
        self.refresh()

    def _key(self, *parts):
        return (id(self), *parts)

    def refresh(self) -> None:
        """Re-run the query: the first page first (shown at once), then the exact count.
        The view keeps its rows until the first page arrives."""
        self._generation += 1
        gen = self._generation
        me = id(self)
        self.reader.discard(lambda k: isinstance(k, tuple) and bool(k) and k[0] == me)
        # a count of the previous query still running would hold the reader: stop it
        self.reader.submit(self._key("count"), _noop, lambda _r: None, interrupt=True)
        self.reader.discard(lambda k: k == (me, "count"))
        f, sort, desc, size = (
            dataclasses.replace(self._filter),
            self._sort,
            self._descending,
            self.page_size,
        )
        self.reader.submit(
            self._key("first"),
            lambda store: first_page_query(store, f, sort, desc, size),
            lambda result: self._on_first(gen, result),
            interrupt=True,
        )

    def _on_first(self, gen: int, result) -> None:
        if gen != self._generation:
            return  # an older query (possibly interrupted): ignore
        if isinstance(result, Exception):
            self.failed.emit(str(result))
            return
        first, reviews = result
        exact = len(first) < self.page_size
        self.beginResetModel()
        self._total = len(first)
        self._pages.clear()
        self._pending.clear()
        self._reviews = dict(reviews)
        self._pages[0] = first
        self.counting = not exact
        self.endResetModel()
        self.loaded_once = True
        if exact:
            self.counted.emit(self._total)
            return
        f = dataclasses.replace(self._filter)
        self.reader.submit(
            self._key("count"),
            lambda store: count_query(store, f),
            lambda total: self._on_count(gen, total),
        )

    def _on_count(self, gen: int, total) -> None:
        if gen != self._generation:
            return
        self.counting = False
        if isinstance(total, Exception):
            self.failed.emit(str(total))
            return
        if total > self._total:
            self.beginInsertRows(ROOT, self._total, total - 1)
            self._total = total
            self.endInsertRows()
        elif total < self._total:  # the data changed between the two reads
            self.beginRemoveRows(ROOT, total, self._total - 1)
            self._total = total
            self.endRemoveRows()
        self.counted.emit(total)

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        gen = self._generation
        f, sort, desc, size = (
            dataclasses.replace(self._filter),
            self._sort,
            self._descending,
            self.page_size,
        )

        self.reader.submit(
            self._key("page", page),
            lambda store: page_query(store, f, sort, desc, size, page),
            lambda result: self._on_page(gen, page, result),
        )

    def _on_page(self, gen: int, page: int, result) -> None:
        if gen != self._generation:
            return
        self._pending.discard(page)
        if isinstance(result, Exception):
            self.failed.emit(str(result))
            return
        rows, reviews = result
        self._reviews.update(reviews)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        first = page * self.page_size
        last = min(first + self.page_size, self._total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.page_loaded.emit(page)

    def ids_for_rows(self, store, rows: list[int]) -> list[str]:
        """The ids at *rows* (sorted), from loaded pages or, for the others, read with *store*
        (on the calling thread; for an action on a selection, not for painting)."""
        out: dict[int, str] = {}
        missing: list[int] = []
        for row in rows:
            page, offset = divmod(row, self.page_size)
            loaded = self._pages.get(page)
            if loaded is not None and offset < len(loaded):
                out[row] = loaded[offset].id
            elif 0 <= row < self._total:
                missing.append(row)
        start = 0
        while start < len(missing):  # contiguous runs, one read each
            end = start
            while end + 1 < len(missing) and missing[end + 1] == missing[end] + 1:
                end += 1
            first = missing[start]
            found = store.inspections.list(
                self._filter, self._sort, self._descending, end - start + 1, first
            )
            for n, summary in enumerate(found):
                out[first + n] = summary.id
            start = end + 1
        return [out[r] for r in sorted(out)]

    def review(self, inspection_id: str):
        """The newest review of a loaded row (store.review.ReviewRow) or None."""
        return self._reviews.get(inspection_id)

    def loaded_pages(self) -> list[int]:
        return sorted(self._pages)

    def summary(self, row: int) -> InspectionSummary | None:
        """The summary at *row* if its page is loaded (else queues the page, returns None)."""
        if row < 0 or row >= self._total:
            return None
        page, offset = divmod(row, self.page_size)
        rows = self._pages.get(page)
        if rows is None:
            self._request(page)
            return None
        self._pages.move_to_end(page)
        return rows[offset] if offset < len(rows) else None

    # -- Qt model API -------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # (the inspection lists' headers show header_labels(): see RecordTable)
        self, section: int, orientation: QtCore.Qt.Orientation, role: int = qt_values.DISPLAY_ROLE
    ):
        horizontal = orientation.value == qt_values.HORIZONTAL  # (a Flag: not equal to an int)
        if horizontal and 0 <= section < len(COLUMNS):
            if role == qt_values.DISPLAY_ROLE:
                return tr(COLUMNS[section][1])
            if role == qt_values.TOOLTIP_ROLE and COLUMNS[section][2] is None:
                return None
        elif not horizontal and role == qt_values.DISPLAY_ROLE:
            return section + 1
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = qt_values.DISPLAY_ROLE):
        if not index.isValid() or index.row() >= self._total or index.column() >= len(COLUMNS):
            return None
        if role not in (
            qt_values.DISPLAY_ROLE,
            qt_values.FOREGROUND_ROLE,
            qt_values.TOOLTIP_ROLE,
            IdRole,
            ReviewRole,
            qt_values.ACCESSIBLE_TEXT_ROLE,
        ):
            return None
        s = self.summary(index.row())
        key = COLUMNS[index.column()][0]
        if s is None:
            if role == qt_values.DISPLAY_ROLE:
                return PLACEHOLDER if index.column() == 0 else ""
            if role == qt_values.TOOLTIP_ROLE:
                return tr("Loading…")
            return None
        if role == IdRole:
            return s.id
        review = self._reviews.get(s.id)
        returned = review is not None and review.decision == "returned"
        if role == ReviewRole:
            return review
        if role == qt_values.FOREGROUND_ROLE:
            if key == "verdict" and s.verdict == "fail":
                return _brush("fail")
            if key == "status" and returned:
                return _brush("returned")
            if key == "status" and s.status == "draft":
                return _brush("draft")
            return None
        text = self._text(s, key)
        if key == "status" and returned:
            text = f"↩ {tr('Returned')}"  # (a returned record is finalized; the column is narrow)
        elif key == "status" and review is not None and review.decision == "approved":
            text = f"✔ {tr('Approved')}"  # reviewed, not just finalized
        if role == qt_values.TOOLTIP_ROLE:
            if key == "status" and returned and review is not None:
                return tr("Returned by {reviewer}: {comment}").format(
                    reviewer=review.reviewer, comment=review.comment
                )
            if key == "status" and review is not None and review.decision == "approved":
                return tr("Approved by {reviewer}").format(reviewer=review.reviewer)
            return text if key in ("premises", "instrument", "market") else None
        return text

    @staticmethod
    def _text(s: InspectionSummary, key: str) -> str:
        if key == "started_at":
            return when_label(s.started_at)
        if key == "premises":
            return s.premises_name
        if key == "market":
            return s.market or s.city
        if key == "instrument":
            return s.instrument_label
        if key == "family":
            return family_label(s.family)
        if key == "check":
            return check_label(s.check)
        if key == "inspector":
            return s.inspector
        if key == "verdict":
            return (
                "✗ " if s.verdict == "fail" else "✓ " if s.verdict == "pass" else ""
            ) + verdict_label(s.verdict)
        if key == "status":
            return status_label(s.status) + (f" (r{s.revision})" if s.revision > 1 else "")
        return ""

    def sort(self, column: int, order: QtCore.Qt.SortOrder | None = None) -> None:
        sort_key = COLUMNS[column][2] if 0 <= column < len(COLUMNS) else None
        if sort_key is None:
            return
        self._sort = sort_key
        self._descending = order == QtCore.Qt.SortOrder.DescendingOrder
        self.refresh()

    def is_sortable(self, column: int) -> bool:
        return 0 <= column < len(COLUMNS) and COLUMNS[column][2] is not None

    def column_of(self, sort_key: str) -> int:
        return next((i for i, c in enumerate(COLUMNS) if c[2] == sort_key), 0)

    def header_labels(self) -> list[str]:
        """The columns' titles, as ``headerData`` gives them."""
        return [tr(c[1]) for c in COLUMNS]

    def retranslate(self) -> None:
        """The language changed: the titles and cells are new (not at start-up: the signal
        takes a ``Qt.Orientation``, see ..qt_values)."""
        self.headerDataChanged.emit(QtCore.Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._total:
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(COLUMNS) - 1))
