"""Premises: the list page and the editor dialog.

The unified social credit code is checked while it is typed (GB 32100-2015 check
character); every error is shown beside its field and nothing is saved on bad input.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.credit_code import ALPHABET, validate_credit_code
from ..domain.errors import InputError
from ..domain.models import PREMISES_KINDS, Premises, new_id
from ..i18n import tr
from . import settings
from .models.labels import premises_kind_label
from .models.records import PremisesTableModel
from .widgets.field_error import FieldError, FieldErrors
from .widgets.language import follow_language
from .widgets.record_page import RecordActions
from .widgets.record_table import RecordTable
from .widgets.search_box import SearchBox

# kinds of premises that sit in a market (stall and market fields are offered)
MARKET_KINDS = {"market_stall", "shop", "market", "supermarket"}

FIELDS = (
    "kind",
    "name",
    "credit_code",
    "address",
    "city",
    "market",
    "stall_no",
    "contact",
    "phone",
    "latitude",
    "longitude",
)
LABELS = {
    "kind": "Kind",
    "name": "Name",
    "credit_code": "Credit code",
    "address": "Address",
    "city": "City",
    "market": "Market",
    "stall_no": "Stall",
    "contact": "Contact",
    "phone": "Phone",
    "latitude": "Latitude",
    "longitude": "Longitude",
}


class PremisesEditor(QDialog):
    """Create or edit premises; ``saved_premises`` holds what was stored after OK."""

    def __init__(
        self, store, premises: Premises | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.original = premises
        self.saved_premises: Premises | None = None
        self.errors = FieldErrors()
        self.fields: dict[str, QWidget] = {}
        self.edits: dict[str, QLineEdit] = {}  # the text fields of self.fields
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for name in FIELDS:
            w: QComboBox | QLineEdit
            if name == "kind":
                w = self.kind_box = QComboBox(self)
                for kind in PREMISES_KINDS:
                    w.addItem("", kind)
            elif name == "market":
                w = self.market_box = QComboBox(self)
                w.setEditable(True)
                w.addItem("")
                for m in store.premises.markets():
                    w.addItem(m)
                w.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                # wide enough for a market's name even while the list is empty
                w.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                w.setMinimumContentsLength(16)
            else:
                w = self.edits[name] = QLineEdit(self)
                w.setMaxLength(18 if name == "credit_code" else 300)
            w.setObjectName(f"premises_{name}")
            label = QLabel(self)
            label.setBuddy(w)
            error = FieldError(self)
            error.setObjectName(f"error_{name}")
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(w)
            box.addWidget(error)
            form.addRow(label, box)
            self.fields[name] = w
            self.labels[name] = label
            self.errors.add(f"premises.{name}", w, error)
        self.code_hint = QLabel(self)
        self.code_hint.setObjectName("creditCodeHint")
        self.code_hint.setStyleSheet("color: #555;")
        # the hint line is always there (blank when there is nothing to say): no jumps
        self.code_hint.setMinimumHeight(self.code_hint.fontMetrics().height())
        form.insertRow(FIELDS.index("credit_code") + 1, "", self.code_hint)
        self.form_error = FieldError(self)
        self.errors.set_fallback(self.form_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(
            QLayout.SizeConstraint.SetMinimumSize
        )  # grow when a message appears
        layout.addLayout(form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        code = self.edits["credit_code"]
        code.textEdited.connect(self._check_code_live)
        code.editingFinished.connect(lambda: self._check_code_live(code.text(), final=True))
        for name, edit in self.edits.items():
            if name != "credit_code":
                edit.textEdited.connect(lambda _t, n=name: self.errors.clear(f"premises.{n}"))
        self.kind_box.currentIndexChanged.connect(lambda _i: self._kind_changed())
        if premises is not None:
            self._load(premises)
        self._kind_changed()
        self.retranslate()
        follow_language(self, self.retranslate)
        self.resize(560, self.sizeHint().height())

    def _kind_changed(self) -> None:
        """Market and stall only for premises that sit in a market."""
        kind = self.kind_box.currentData()
        in_market = kind in MARKET_KINDS or bool(
            self.market_box.currentText().strip() or self.edits["stall_no"].text().strip()
        )
        for name in ("market", "stall_no"):
            self.fields[name].setVisible(in_market)
            self.labels[name].setVisible(in_market)

    def _load(self, p: Premises) -> None:
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(p.kind)))
        self.market_box.setCurrentText(p.market)
        for name, edit in self.edits.items():
            edit.setText(str(getattr(p, name) or ""))

    def _check_code_live(self, text: str, final: bool = False) -> None:
        text = text.strip().upper()
        path = "premises.credit_code"
        self.errors.clear(path)
        self.code_hint.setText("")
        if not text:
            return
        bad = next((c for c in text if c not in ALPHABET), None)
        if bad is not None:  # say it at once, before all 18 characters are typed
            self.errors.show(
                path,
                f"character {bad!r} is not allowed in a unified social credit code",
                focus=False,
            )
            return
        try:
            validate_credit_code(text, path)
        except InputError as exc:
            if len(text) < 18 and not final and "not allowed" not in exc.message:
                self.code_hint.setText(tr("{n} of 18 characters").format(n=len(text)))
                return
            self.errors.show(path, exc.message, focus=False)
            return
        self.code_hint.setText(tr("✓ valid (GB 32100-2015)"))

    def premises(self) -> Premises:
        f = self.edits
        base = self.original
        return Premises(
            id=base.id if base else new_id(),
            kind=self.kind_box.currentData(),
            name=f["name"].text(),
            credit_code=f["credit_code"].text().strip().upper(),
            address=f["address"].text(),
            city=f["city"].text(),
            market=self.market_box.currentText(),
            stall_no=f["stall_no"].text(),
            contact=f["contact"].text(),
            phone=f["phone"].text(),
            latitude=f["latitude"].text().strip() or None,
            longitude=f["longitude"].text().strip() or None,
        )

    def accept(self) -> None:
        self.errors.clear()
        try:
            self.saved_premises = self.store.premises.save(self.premises(), settings.actor())
        except InputError as exc:
            self.errors.show(exc.path, exc.message)
            return
        except Exception as exc:  # a storage failure: say it, keep the dialog open
            self.form_error.show_message(tr("Could not save: {error}").format(error=exc))
            return
        super().accept()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Edit premises") if self.original else tr("New premises"))
        for name, label in self.labels.items():
            label.setText(tr(LABELS[name]) + ":")
        for i, k in enumerate(PREMISES_KINDS):
            self.kind_box.setItemText(i, premises_kind_label(k))
        self.edits["credit_code"].setPlaceholderText(tr("18 characters, e.g. 92340100MA2TX8K5J…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        code = self.edits["credit_code"]
        if code.text():
            self._check_code_live(code.text(), final=not code.hasFocus())


class PremisesPage(RecordActions, QWidget):
    editor_class = PremisesEditor
    saved_attr = "saved_premises"
    repo_name = "premises"
    delete_title = "Delete premises"
    model: PremisesTableModel

    data_changed = Signal()
    new_inspection_requested = Signal(str)

    def __init__(self, store, reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = PremisesTableModel(reader, self)
        self.search = SearchBox(self)
        self.search.setObjectName("premisesSearch")
        self.new_button, self.edit_button, self.delete_button, self.inspect_button = (
            QPushButton(self) for _ in range(4)
        )
        self.count_label = QLabel(self)
        self.table = RecordTable(self)
        self.table.setObjectName("premisesTable")
        self.table.setModel(self.model)
        self.table.set_column_widths([240, 90, 260, 70, 80, 170, 80, 110])
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for b in (self.new_button, self.edit_button, self.inspect_button, self.delete_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.search.search_changed.connect(lambda text: self.model.set_params(search=text))
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.inspect_button.clicked.connect(self._inspect_current)
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

    def _inspect_current(self) -> None:
        p = self.current()
        self.new_inspection_requested.emit(p.id if p else "")

    def _update_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(
            tr("1 place shown") if n == 1 else tr("{n} places shown").format(n=n)
        )

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("Search name, market, address, credit code…"))
        self.new_button.setText(tr("&New…"))
        self.edit_button.setText(tr("&Edit…"))
        self.delete_button.setText(tr("&Delete"))
        self.inspect_button.setText(tr("New &inspection…"))
        self.model.retranslate()
        self._update_count()
