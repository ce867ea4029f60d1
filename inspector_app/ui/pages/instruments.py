"""The Instruments page: the register of instruments (search, family filter), new / edit /
delete through the instrument dialog, and a new inspection of the chosen instrument."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...domain.models import FAMILIES, Instrument
from ...i18n import ntr, tr
from ..instrument_editor import InstrumentEditor
from ..models.labels import family_label
from ..models.records import InstrumentTableModel
from ..widgets.language import follow_language
from ..widgets.record_page import RecordActions
from ..widgets.record_table import RecordTable
from ..widgets.search_box import SearchBox


class InstrumentsPage(RecordActions, QWidget):
    editor_class = InstrumentEditor
    saved_attr = "saved_instrument"
    repo_name = "instruments"
    delete_title = "Delete instrument"
    model: InstrumentTableModel

    def describe(self, record: Instrument) -> str:
        return " ".join(x for x in (record.maker, record.model, record.serial) if x)

    def new_record(self, premises_id: str | None = None) -> Instrument | None:
        return self._run_editor(None, premises_id=premises_id)

    data_changed = Signal()
    new_inspection_requested = Signal(str)  # instrument id

    def _inspect_current(self) -> None:
        ins = self.current()
        if ins is not None:
            self.new_inspection_requested.emit(ins.id)

    def __init__(self, store, reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = InstrumentTableModel(reader, self)
        self.search = SearchBox(self)
        self.search.setObjectName("instrumentSearch")
        self.family = QComboBox(self)
        self.family.addItem("", None)
        for fam in FAMILIES:
            self.family.addItem("", fam)
        self.new_button, self.edit_button, self.delete_button, self.inspect_button = (
            QPushButton(self) for _ in range(4)
        )
        self.inspect_button.setObjectName("inspectInstrument")
        self.count_label = QLabel(self)
        self.table = RecordTable(self)
        self.table.setObjectName("instrumentTable")
        self.table.setModel(self.model)
        self.table.set_column_widths([100, 220, 110, 140, 70, 190, 240, 90])
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.family, 1)
        # the same buttons in the same places as on the premises page
        for b in (self.new_button, self.edit_button, self.inspect_button, self.delete_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.inspect_button.clicked.connect(self._inspect_current)
        self.search.search_changed.connect(lambda text: self.model.set_params(search=text))
        self.family.currentIndexChanged.connect(
            lambda _i: self.model.set_params(family=self.family.currentData())
        )
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.table.open_requested.connect(lambda _id: self.edit_current())
        self.model.refreshed.connect(lambda _n: self._update_count())
        self.model.fetched.connect(lambda _n: self._update_count())
        self.retranslate()
        follow_language(self, self.retranslate)

    def refresh(self) -> None:
        self.model.refresh()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(
            ntr("{n} instrument shown", "{n} instruments shown", n).format(n=n)
        )

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("Search maker, model, serial no., premises…"))
        self.family.setItemText(0, tr("All families"))
        for i, fam in enumerate(FAMILIES, start=1):
            self.family.setItemText(i, family_label(fam))
        self.new_button.setText(tr("&New…"))
        self.edit_button.setText(tr("&Edit…"))
        self.delete_button.setText(tr("&Delete"))
        self.inspect_button.setText(tr("New &inspection…"))
        self.model.retranslate()
        self._update_count()
