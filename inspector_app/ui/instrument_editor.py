"""The instrument dialog: a new or changed instrument with its family's nameplate fields
(:mod:`.instrument_fields`); the Instruments page is :mod:`.pages.instruments`.

For scales the class / e / Max combination is judged live with the rules engine's
``classification`` test (OIML R 76-1 Table 3): an implausible combination is flagged at the
field (as a warning: saving asks for confirmation). Validation errors are shown beside
their field and nothing is saved on bad input.
"""

from __future__ import annotations

from typing import TypeAlias, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InputError
from ..domain.models import FAMILIES, Instrument, new_id
from ..domain.numbers import parse_decimal
from ..i18n import tr
from . import settings
from .instrument_fields import (
    ALL_CLASSES,
    CLASS_CHOICES,
    COMMON,
    METROLOGY,
    NUMBER_KEYS,
    TRANSLATED_CHOICES,
    implausible_scale,
    number_field_text,
)
from .models.labels import family_label
from .widgets.field_error import FieldError, FieldErrors, translate_message
from .widgets.language import follow_language

# a field of the dialog: a choice, a text or a yes/no
Field: TypeAlias = "QComboBox | QLineEdit | QCheckBox"
F = TypeVar("F", QComboBox, QLineEdit, QCheckBox)


class InstrumentEditor(QDialog):
    def __init__(
        self,
        store,
        instrument: Instrument | None = None,
        parent: QWidget | None = None,
        *,
        premises_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.original = instrument
        self.saved_instrument: Instrument | None = None
        self.errors = FieldErrors()
        self.fields: dict[str, Field] = {}
        self.labels: dict[str, QLabel] = {}
        self.metro_fields: dict[str, dict[str, Field]] = {}
        self.metro_labels: dict[str, dict[str, QLabel]] = {}
        self.metro_errors: dict[str, FieldErrors] = {}
        self.warnings: dict[str, FieldError] = {}
        self.implausible: list[str] = []

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        w: Field
        for key, _label in COMMON:
            w = self._common_widget(key)
            w.setObjectName(f"instrument_{key}")
            self.fields[key] = w
            self._add_row(form, key, w, self.labels, self.errors, warn=key == "accuracy_class")
        self.metro_box = QGroupBox(self)
        self.metro_stack = QStackedWidget(self.metro_box)
        box_layout = QVBoxLayout(self.metro_box)
        box_layout.addWidget(self.metro_stack)
        self.empty_note: dict[str, QLabel] = {}
        for family in FAMILIES:
            page = QWidget(self.metro_stack)
            page_form = QFormLayout(page)
            page_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            fields: dict[str, Field] = {}
            labels: dict[str, QLabel] = {}
            errors = FieldErrors()
            for key, _label, choices in METROLOGY[family]:
                if choices == "bool":
                    w = QCheckBox(page)
                elif choices:
                    w = QComboBox(page)
                    for c in choices:
                        w.addItem(c, c)
                else:
                    w = QLineEdit(page)
                    if family == "prepackaged":  # product data are text: names, codes
                        w.setMaxLength(100)
                    else:
                        w.setMaxLength(40)
                        w.setAlignment(Qt.AlignmentFlag.AlignRight)
                w.setObjectName(f"metrology_{family}_{key}")
                fields[key] = w
                self._add_row(
                    page_form,
                    key,
                    w,
                    labels,
                    errors,
                    warn=family == "scale" and key in ("max", "e"),
                    parent=page,
                )
            if not METROLOGY[family]:
                note = QLabel(page)
                self.empty_note[family] = note
                page_form.addRow(note)
            self.metro_fields[family] = fields
            self.metro_labels[family] = labels
            self.metro_errors[family] = errors
            self.metro_stack.addWidget(page)
        self.form_error = FieldError(self)
        self.errors.set_fallback(self.form_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(
            QLayout.SizeConstraint.SetMinimumSize
        )  # grow when a message appears
        columns = QHBoxLayout()
        columns.addLayout(form, 3)
        columns.addWidget(self.metro_box, 2)
        layout.addLayout(columns)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

        # the fields read and written by name, as what they are
        self.premises_box = self._field(QComboBox, "premises_id")
        self.family_box = self._field(QComboBox, "family")
        self.class_box = self._field(QComboBox, "accuracy_class")
        self.edits = {k: e for k, e in self.fields.items() if isinstance(e, QLineEdit)}
        self.scale_max = self._field(QLineEdit, "max", "scale")
        self.scale_e = self._field(QLineEdit, "e", "scale")
        self.scale_unit = self._field(QComboBox, "unit", "scale")

        self.family_box.currentIndexChanged.connect(self._family_changed)
        for edit in (self.scale_max, self.scale_e):
            edit.textEdited.connect(lambda _t: self.check_classification())
        self.scale_unit.currentIndexChanged.connect(lambda _i: self.check_classification())
        self.class_box.currentTextChanged.connect(lambda _t: self.check_classification())
        for key, edit in self.edits.items():
            edit.textEdited.connect(lambda _t, k=key: self.errors.clear(f"instrument.{k}"))
        if instrument is not None:
            self._load(instrument)
        elif premises_id:
            p = self.premises_box
            p.setCurrentIndex(max(0, p.findData(premises_id)))
        self._family_changed()
        self.retranslate()
        self._opened_with = self._snapshot()
        follow_language(self, self.retranslate)
        self.resize(900, self.sizeHint().height())

    def _field(self, kind: type[F], key: str, family: str | None = None) -> F:
        """The field *key* (of *family*'s nameplate data when given), which is a *kind*."""
        w = self.fields[key] if family is None else self.metro_fields[family][key]
        if not isinstance(w, kind):
            raise TypeError(f"the field {key!r} is a {type(w).__name__}, not a {kind.__name__}")
        return w

    def _add_row(
        self,
        form: QFormLayout,
        key: str,
        w: QWidget,
        labels: dict,
        errors: FieldErrors,
        *,
        warn: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        parent = parent or self
        label = QLabel(parent)
        label.setBuddy(w)
        error = FieldError(parent)
        error.setObjectName(f"error_{key}")
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(w)
        box.addWidget(error)
        if warn:
            warning = FieldError(parent, warning=True)
            warning.setObjectName(f"warning_{key}")
            self.warnings[key] = warning
            box.addWidget(warning)
        form.addRow(label, box)
        labels[key] = label
        errors.add(f"instrument.{key}", w, error)

    def _common_widget(self, key: str) -> Field:
        w: Field
        if key == "premises_id":
            w = QComboBox(self)
            w.setEditable(True)
            w.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            w.addItem("", None)
            for p in self.store.premises.list(limit=100000):
                w.addItem(f"{p.name}  ({p.market or p.city})", p.id)
            completer = QCompleter(w.model(), w)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            w.setCompleter(completer)
            w.setMinimumContentsLength(30)
            return w
        if key == "family":
            w = QComboBox(self)
            for fam in FAMILIES:
                w.addItem("", fam)
            return w
        if key == "accuracy_class":
            w = QComboBox(self)
            w.setEditable(True)
            w.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            return w
        w = QLineEdit(self)
        w.setMaxLength(10 if key in ("last_verified", "next_due") else 200)
        if key in ("last_verified", "next_due"):
            w.setPlaceholderText("YYYY-MM-DD")
        return w

    # -- family ----------------------------------------------------------------------------
    def family(self) -> str:
        return self.family_box.currentData()

    def _family_changed(self) -> None:
        family = self.family()
        self.metro_stack.setCurrentIndex(FAMILIES.index(family))
        cls = self.class_box
        text = cls.currentText()
        cls.blockSignals(True)
        cls.clear()
        choices = CLASS_CHOICES.get(family, ())
        for c in choices:
            cls.addItem(c)
        # a class of another family ("III" after switching to a PD meter) is not kept
        cls.setCurrentText(
            text
            if text in choices or (not choices and text not in ALL_CLASSES)
            else (choices[0] if choices else "")
        )
        cls.blockSignals(False)
        self.check_classification()

    def _load(self, ins: Instrument) -> None:
        p = self.premises_box
        p.setCurrentIndex(max(0, p.findData(ins.premises_id)))
        fam = self.family_box
        fam.blockSignals(True)
        fam.setCurrentIndex(max(0, fam.findData(ins.family)))
        fam.blockSignals(False)
        self._family_changed()
        self.class_box.setCurrentText(ins.accuracy_class)
        for key in (
            "maker",
            "model",
            "serial",
            "pattern_approval",
            "seals",
            "last_verified",
            "next_due",
        ):
            self.edits[key].setText(getattr(ins, key) or "")
        for key, w in self.metro_fields[ins.family].items():
            value = ins.metrology.get(key)
            if isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                if value is not None:
                    w.setCurrentIndex(max(0, w.findData(str(value))))
            else:
                w.setText("" if value is None else str(value))

    # -- reading the form -------------------------------------------------------------------
    def metrology(self) -> dict:
        family = self.family()
        # keep keys this form does not show (e.g. multi-interval ranges) when editing
        out = (
            dict(self.original.metrology)
            if self.original and self.original.family == family
            else {}
        )
        for key, w in self.metro_fields[family].items():
            if isinstance(w, QCheckBox):
                out[key] = w.isChecked()
            elif isinstance(w, QComboBox):
                out[key] = w.currentData()
            else:
                text = w.text().strip()
                if key in NUMBER_KEYS:
                    text = number_field_text(text)
                if text:
                    out[key] = text
                else:
                    out.pop(key, None)
        return out

    def instrument(self) -> Instrument:
        f = self.edits
        base = self.original
        return Instrument(
            id=base.id if base else new_id(),
            premises_id=self.premises_box.currentData() or "",
            family=self.family(),
            maker=f["maker"].text(),
            model=f["model"].text(),
            serial=f["serial"].text(),
            pattern_approval=f["pattern_approval"].text(),
            accuracy_class=self.class_box.currentText().strip(),
            metrology=self.metrology(),
            seals=f["seals"].text(),
            last_verified=f["last_verified"].text().strip() or None,
            next_due=f["next_due"].text().strip() or None,
        )

    # -- plausibility (rules engine) -----------------------------------------------------------
    def check_classification(self) -> list[str]:
        """Flag an implausible class / e / Max combination at its field; returns the messages."""
        for w in self.warnings.values():
            w.clear_message()
        self.implausible = []
        if self.family() != "scale":
            return []
        errors = self.metro_errors["scale"]
        errors.clear("instrument.max")
        errors.clear("instrument.e")
        cls = self.class_box.currentText().strip()
        found = None
        if self.scale_max.text().strip() and self.scale_e.text().strip() and cls:
            try:
                found = implausible_scale(
                    cls,
                    self.scale_max.text().strip(),
                    self.scale_e.text().strip(),
                    self.scale_unit.currentData(),
                )
            except InputError as exc:
                key = exc.path.rsplit(".", 1)[-1]
                if key in ("max", "e"):
                    errors.show(f"instrument.{key}", exc.message, focus=False)
                elif key == "accuracy_class":
                    self.warnings["accuracy_class"].show_message(translate_message(exc.message))
        for where, message in found or []:
            self.warnings[where].show_message(message)
            self.implausible.append(message)
        return self.implausible

    # -- saving ---------------------------------------------------------------------------------
    def _show_error(self, exc: InputError) -> None:
        key = exc.path.rsplit(".", 1)[-1] if exc.path.startswith("instrument.") else ""
        family = self.family()
        if key in self.metro_fields[family] or exc.path.startswith("instrument.ranges"):
            self.metro_errors[family].show(exc.path, exc.message)
            if exc.path.startswith("instrument.ranges"):
                self.form_error.show_message(f"{exc.path}: {translate_message(exc.message)}")
            return
        self.errors.show(exc.path, exc.message)

    def _premises_from_text(self) -> None:
        """Premises typed rather than picked ("中石化"): the one entry whose name contains it."""
        box = self.premises_box
        text = box.currentText().strip()
        if box.currentData() or not text:
            return
        hits = [i for i in range(1, box.count()) if text in box.itemText(i)]
        if len(hits) == 1:
            box.setCurrentIndex(hits[0])

    def _snapshot(self) -> tuple:
        out: list[str | bool] = []
        for w in list(self.fields.values()) + [
            w for fields in self.metro_fields.values() for w in fields.values()
        ]:
            if isinstance(w, QLineEdit):
                out.append(w.text())
            elif isinstance(w, QComboBox):
                out.append(w.currentText())
            elif isinstance(w, QCheckBox):
                out.append(w.isChecked())
        return tuple(out)

    def cancel(self) -> None:
        """Esc or Cancel: ask before throwing typed data away."""
        if self._snapshot() != getattr(self, "_opened_with", self._snapshot()):
            if not self.confirm_discard():
                return
        self.reject()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.cancel()
            return
        super().keyPressEvent(event)

    def confirm_discard(self) -> bool:
        """(tests replace this)"""
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            tr("Discard what you typed in this dialog?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def accept(self) -> None:
        self.errors.clear()
        for e in self.metro_errors.values():
            e.clear()
        self._premises_from_text()
        if not self.premises_box.currentData():
            self.errors.show("instrument.premises_id", tr("Choose the premises first."))
            return
        if self.family() == "scale":
            m = self.metrology()
            try:
                low = parse_decimal(m.get("min"), "instrument.metrology.min", allow_none=True)
                high = parse_decimal(m.get("max"), "instrument.metrology.max", allow_none=True)
            except InputError:
                low = high = None
            if low is not None and high is not None and low >= high:
                self.metro_errors["scale"].show("instrument.min", "must be below Max")
                return
        ins = self.instrument()
        try:
            from ..domain.validation import validate_instrument

            validate_instrument(ins)
        except InputError as exc:
            self._show_error(exc)
            return
        if self.check_classification():
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                tr("The nameplate data look implausible:")
                + "\n\n"
                + "\n".join(self.implausible)
                + "\n\n"
                + tr("Save anyway?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            self.saved_instrument = self.store.instruments.save(ins, settings.actor())
        except InputError as exc:
            self._show_error(exc)
            return
        except Exception as exc:  # storage failure
            self.form_error.show_message(tr("Could not save: {error}").format(error=exc))
            return
        super().accept()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Edit instrument") if self.original else tr("New instrument"))
        for key, label in COMMON:
            self.labels[key].setText(tr(label) + ":")
        fam = self.family_box
        for i, f in enumerate(FAMILIES):
            fam.setItemText(i, family_label(f))
        self.metro_box.setTitle(tr("Nameplate data"))
        for family, specs in METROLOGY.items():
            for key, label, choices in specs:
                self.metro_labels[family][key].setText(tr(label) + ":")
                w = self.metro_fields[family][key]
                if isinstance(w, QComboBox) and isinstance(choices, tuple):
                    for i, c in enumerate(choices):
                        w.setItemText(i, tr(c) if c in TRANSLATED_CHOICES else c)
        for note in self.empty_note.values():
            note.setText(tr("No nameplate data are needed for this family."))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        self.check_classification()
