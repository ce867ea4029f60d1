"""The New-inspection dialog: pick premises → instrument → kind of check (new premises and
instruments can be added from it)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.models import CHECK_KINDS
from ...i18n import tr
from .. import settings
from ..models.labels import check_label, family_label, premises_kind_label
from ..widgets.language import follow_language
from ..widgets.search_box import SearchBox


class NewInspectionDialog(QDialog):
    """Pick premises → instrument → kind of check."""

    def __init__(
        self, store, parent: QWidget | None = None, *, premises_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.search = SearchBox(self)
        self.premises_list = QListWidget(self)
        self.instrument_list = QListWidget(self)
        self.check = QComboBox(self)
        for kind in CHECK_KINDS:
            self.check.addItem("", kind)
        self.check.setCurrentIndex(max(0, self.check.findData(settings.get("default_check"))))
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("newInspectionHint")
        self.premises_hint = QLabel(self)
        self.premises_hint.setWordWrap(True)
        self.premises_hint.setObjectName("noPremisesHint")
        self.new_premises_button = QPushButton(self)
        self.new_premises_button.setObjectName("newPremisesButton")
        self.new_premises_button.setAutoDefault(False)
        self.new_premises_button.clicked.connect(self.create_premises)
        self.new_instrument_button = QPushButton(self)
        self.new_instrument_button.setObjectName("newInstrumentButton")
        self.new_instrument_button.setAutoDefault(False)
        self.new_instrument_button.clicked.connect(self.create_instrument)
        self.created = False  # premises or instruments were added from here
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c0392b;")
        self.labels = [QLabel(self) for _ in range(3)]
        self.labels[0].setBuddy(self.search)
        self.labels[1].setBuddy(self.instrument_list)
        self.labels[2].setBuddy(self.check)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        col = QVBoxLayout()
        col.addWidget(self.search)
        col.addWidget(self.premises_list)
        col.addWidget(self.premises_hint)
        prow = QHBoxLayout()
        prow.addWidget(self.new_premises_button)
        prow.addStretch(1)
        col.addLayout(prow)
        form.addRow(self.labels[0], col)
        col2 = QVBoxLayout()
        col2.addWidget(self.instrument_list)
        col2.addWidget(self.empty_label)
        irow = QHBoxLayout()
        irow.addWidget(self.new_instrument_button)
        irow.addStretch(1)
        col2.addLayout(irow)
        form.addRow(self.labels[1], col2)
        form.addRow(self.labels[2], self.check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.search.search_changed.connect(self._load_premises)
        self.premises_list.currentItemChanged.connect(lambda *_: self._load_instruments())
        self.instrument_list.itemDoubleClicked.connect(lambda _i: self.accept())
        self.resize(640, 560)
        self._load_premises("")
        if premises_id:
            for i in range(self.premises_list.count()):
                if self.premises_list.item(i).data(Qt.ItemDataRole.UserRole) == premises_id:
                    self.premises_list.setCurrentRow(i)
        self.retranslate()
        follow_language(self, self.retranslate)

    def _load_premises(self, text: str) -> None:
        self.premises_list.clear()
        for p in self.store.premises.list(search=text, limit=200):
            extra = " · ".join(
                x for x in (premises_kind_label(p.kind), p.market or p.city, p.stall_no) if x
            )
            item = QListWidgetItem(f"{p.name}    ({extra})")
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            self.premises_list.addItem(item)
        if self.premises_list.count():
            self.premises_list.setCurrentRow(0)
        else:
            self._load_instruments()
        self.premises_hint.setVisible(self.premises_list.count() == 0 and not text)

    def _select(self, widget: QListWidget, ident: str) -> None:
        for i in range(widget.count()):
            if widget.item(i).data(Qt.ItemDataRole.UserRole) == ident:
                widget.setCurrentRow(i)
                return

    def create_premises(self):
        """New premises from inside this dialog; selected when saved."""
        from ..premises_editor import PremisesEditor

        dialog = PremisesEditor(self.store, None, self)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_premises is None:
            return None
        self.created = True
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._load_premises("")
        self._select(self.premises_list, dialog.saved_premises.id)
        self.error.clear()
        self.new_instrument_button.setFocus()
        return dialog.saved_premises

    def create_instrument(self):
        """New instrument for the chosen premises; selected when saved."""
        from ..instrument_editor import InstrumentEditor

        item = self.premises_list.currentItem()
        pid = item.data(Qt.ItemDataRole.UserRole) if item else None
        dialog = InstrumentEditor(self.store, None, self, premises_id=pid)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_instrument is None:
            return None
        self.created = True
        saved = dialog.saved_instrument
        if saved.premises_id != pid:
            self._select(self.premises_list, saved.premises_id)
        self._load_instruments()
        self._select(self.instrument_list, saved.id)
        self.error.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setFocus()
        return saved

    def _load_instruments(self) -> None:
        self.instrument_list.clear()
        item = self.premises_list.currentItem()
        pid = item.data(Qt.ItemDataRole.UserRole) if item else None
        instruments = self.store.instruments.list(premises_id=pid) if pid else []
        for ins in instruments:
            label = " ".join(
                x for x in (family_label(ins.family), ins.maker, ins.model, ins.serial) if x
            )
            it = QListWidgetItem(label)
            it.setData(Qt.ItemDataRole.UserRole, ins.id)
            self.instrument_list.addItem(it)
        if instruments:
            self.instrument_list.setCurrentRow(0)
        self.empty_label.setVisible(bool(pid) and not instruments)
        self.new_instrument_button.setEnabled(bool(pid))

    def selection(self) -> tuple[str | None, str | None, str]:
        p = self.premises_list.currentItem()
        i = self.instrument_list.currentItem()
        return (
            p.data(Qt.ItemDataRole.UserRole) if p else None,
            i.data(Qt.ItemDataRole.UserRole) if i else None,
            self.check.currentData(),
        )

    def accept(self) -> None:
        premises_id, instrument_id, _check = self.selection()
        if not premises_id or not instrument_id:
            self.error.setText("⚠ " + tr("Choose premises and an instrument first."))
            return
        super().accept()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("New inspection"))
        self.labels[0].setText(tr("1. Premises"))
        self.labels[1].setText(tr("2. Instrument"))
        self.labels[2].setText(tr("3. Kind of check"))
        self.search.setPlaceholderText(tr("Type to search premises"))
        self.empty_label.setText(
            tr("These premises have no instruments yet: add one with “New instrument…”.")
        )
        self.premises_hint.setText(
            tr(
                "No premises yet: add the shop, stall or station you are inspecting with "
                "“New premises…”."
            )
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Start inspection"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.new_premises_button.setText(tr("New premises…"))
        self.new_instrument_button.setText(tr("New instrument…"))
        for i, kind in enumerate(CHECK_KINDS):
            self.check.setItemText(i, check_label(kind))
