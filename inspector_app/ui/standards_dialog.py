"""Reference standards (test weights, metal cans, reference lenses): list page and editor.

An expired certificate is shown in red *with* the word "Expired" (never colour alone);
one expiring within 30 days in amber with the number of days left.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
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

from ..domain.errors import InputError
from ..domain.models import STANDARD_KINDS, ReferenceStandard, new_id
from ..i18n import tr
from . import settings
from .instrument_fields import number_field_text
from .models.labels import standard_kind_label
from .models.standards import StandardsTableModel, expiry_state
from .widgets.field_error import FieldError, FieldErrors
from .widgets.language import follow_language
from .widgets.record_page import RecordActions
from .widgets.record_table import RecordTable

FIELDS = (
    ("kind", "Kind"),
    ("name", "Name"),
    ("certificate_no", "Certificate no."),
    ("valid_until", "Valid until"),
    ("accuracy", "Accuracy"),
    ("mpe", "MPE"),
    ("unit", "Unit"),
    ("serial", "Serial no."),
)


class StandardEditor(QDialog):
    def __init__(
        self, store, standard: ReferenceStandard | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.original = standard
        self.saved_standard: ReferenceStandard | None = None
        self.errors = FieldErrors()
        self.fields: dict[str, QWidget] = {}
        self.edits: dict[str, QLineEdit] = {}  # the text fields of self.fields
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for key, _label in FIELDS:
            w: QComboBox | QLineEdit
            if key == "kind":
                w = self.kind_box = QComboBox(self)
                for k in STANDARD_KINDS:
                    w.addItem("", k)
            else:
                w = self.edits[key] = QLineEdit(self)
                w.setMaxLength(200)
                if key == "valid_until":
                    w.setPlaceholderText("YYYY-MM-DD")
            w.setObjectName(f"standard_{key}")
            label = QLabel(self)
            label.setBuddy(w)
            error = FieldError(self)
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(w)
            box.addWidget(error)
            form.addRow(label, box)
            self.fields[key] = w
            self.labels[key] = label
            self.errors.add(f"standard.{key}", w, error)
            if isinstance(w, QLineEdit):
                w.textEdited.connect(lambda _t, k=key: self.errors.clear(f"standard.{k}"))
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
        if standard is not None:
            self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(standard.kind)))
            for key, edit in self.edits.items():
                edit.setText(str(getattr(standard, key) or ""))
        self.retranslate()
        follow_language(self, self.retranslate)
        self.resize(480, self.sizeHint().height())

    def standard(self) -> ReferenceStandard:
        f = self.edits
        return ReferenceStandard(
            id=self.original.id if self.original else new_id(),
            kind=self.kind_box.currentData(),
            name=f["name"].text(),
            certificate_no=f["certificate_no"].text(),
            valid_until=f["valid_until"].text().strip() or None,
            accuracy=f["accuracy"].text(),
            mpe=number_field_text(f["mpe"].text().strip()) or None,
            unit=f["unit"].text(),
            serial=f["serial"].text(),
        )

    def accept(self) -> None:
        self.errors.clear()
        try:
            self.saved_standard = self.store.standards.save(self.standard(), settings.actor())
        except InputError as exc:
            self.errors.show(exc.path, exc.message)
            return
        except Exception as exc:  # storage failure
            self.form_error.show_message(tr("Could not save: {error}").format(error=exc))
            return
        super().accept()

    def retranslate(self) -> None:
        self.setWindowTitle(
            tr("Edit reference standard") if self.original else tr("New reference standard")
        )
        for key, label in FIELDS:
            self.labels[key].setText(tr(label) + ":")
        for i, k in enumerate(STANDARD_KINDS):
            self.kind_box.setItemText(i, standard_kind_label(k))
        self.edits["accuracy"].setPlaceholderText(tr("e.g. M1, F2, 二等"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))


class StandardsPage(RecordActions, QWidget):
    editor_class = StandardEditor
    saved_attr = "saved_standard"
    repo_name = "standards"
    delete_title = "Delete reference standard"
    model: StandardsTableModel

    def _after_change(self) -> None:
        self.refresh()  # a handful of rows, read directly
        self.data_changed.emit()

    data_changed = Signal()

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = StandardsTableModel(self)
        self.new_button, self.edit_button, self.delete_button = (
            QPushButton(self) for _ in range(3)
        )
        self.summary = QLabel(self)
        self.summary.setObjectName("standardsSummary")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = RecordTable(self)
        self.table.setObjectName("standardsTable")
        self.table.setModel(self.model)
        self.table.set_column_widths([220, 110, 160, 160, 120, 100, 200])
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        for b in (self.new_button, self.edit_button, self.delete_button):
            bar.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.table.open_requested.connect(lambda _id: self.edit_current())
        self.retranslate()
        follow_language(self, self.retranslate)

    def refresh(self) -> None:
        self.model.set_rows(self.store.standards.list())  # a handful of rows: read directly
        self._update_summary()

    def focus_search(self) -> None:
        self.table.setFocus()

    def _update_summary(self) -> None:
        states = [expiry_state(s, self.model.today)[0] for s in self.model.rows]
        self.summary.setText(
            tr("{n} standards · {expired} expired · {soon} expiring within 30 days").format(
                n=len(states), expired=states.count("expired"), soon=states.count("soon")
            )
        )

    def retranslate(self) -> None:
        self.new_button.setText(tr("&New…"))
        self.edit_button.setText(tr("&Edit…"))
        self.delete_button.setText(tr("&Delete"))
        self.note.setText(
            tr("Standards with an expired certificate must not be used for inspections.")
        )
        self.model.retranslate()
        self._update_summary()
