"""The inspection editor's header: premises and instrument (its plate in words), kind of
check, rule set (another edition only with a reason), inspector, time, place, temperature
and humidity, the reference standards used (those that suit the family) and notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...domain.models import CHECK_LABELS, FAMILY_LABELS, checks_for
from ...domain.numbers import ascii_digits, parse_decimal
from ...i18n import pick, tr
from ..widgets.readings_table import number_text
from .base import EditorBase

# Reference standards offered for each family (kinds of ReferenceStandard): test weights
# for scales and prepackaged goods, a metal can for fuel dispensers, lenses, model eyes and
# sleeves for the optical instruments; "other" everywhere.
STANDARD_KINDS_FOR = {
    "scale": {"test_weight", "other"},
    "retail_goods": {"test_weight", "other"},
    "fuel_dispenser": {"metal_can", "other"},
    "focimeter": {"reference_lens", "other"},
    "refractometer": {"model_eye", "reference_lens", "other"},
    "trial_lens_set": {"reference_lens", "other"},
    "pd_meter": {"pd_sleeve", "other"},
}


class DateTimeField(QDateTimeEdit):
    """A date and time field that Tab leaves (Qt's own walks through its five sections
    first); the sections are reached with the arrow keys."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


class HeaderSection(EditorBase):
    def _build_header(self, col: QVBoxLayout) -> None:
        header = self._group("Inspection")
        grid = QGridLayout(header)
        self.premises_value = QLabel()
        self.premises_value.setWordWrap(True)
        self.premises_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.instrument_value = QLabel()
        self.instrument_value.setWordWrap(True)
        self.instrument_value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_combo = QComboBox()
        self.check_combo.setObjectName("checkCombo")
        for k in checks_for(self.insp.family):  # a prepackaged batch: "batch" only
            self.check_combo.addItem("", k)
        self.check_combo.activated.connect(self._check_chosen)
        self.ruleset_combo = QComboBox()
        self.ruleset_combo.setObjectName("rulesetCombo")
        from ...domain.rules import list_rulesets

        for info in list_rulesets(self.insp.family):
            self.ruleset_combo.addItem(info.name, info.name)
        if self.ruleset_combo.findData(self.insp.ruleset) < 0:
            self.ruleset_combo.addItem(self.insp.ruleset, self.insp.ruleset)
        self.ruleset_combo.activated.connect(self._ruleset_chosen)
        self.inspector_edit = QLineEdit()
        self.inspector_edit.setObjectName("inspectorEdit")
        self.inspector_edit.editingFinished.connect(
            lambda: self._text_field("inspector", self.inspector_edit)
        )
        self.time_edit = DateTimeField()
        self.time_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time_edit.setCalendarPopup(True)
        self.time_edit.editingFinished.connect(self._time_edited)
        self.place_edit = QLineEdit()
        self.place_edit.editingFinished.connect(lambda: self._text_field("place", self.place_edit))
        self.temp_edit = QLineEdit()
        self.temp_edit.setObjectName("temperatureEdit")
        self.temp_edit.setMaximumWidth(90)
        self.temp_edit.editingFinished.connect(
            lambda: self._env_field("temperature", self.temp_edit)
        )
        self.humidity_edit = QLineEdit()
        self.humidity_edit.setObjectName("humidityEdit")
        self.humidity_edit.setMaximumWidth(90)
        self.humidity_edit.editingFinished.connect(
            lambda: self._env_field("humidity", self.humidity_edit)
        )
        env = QHBoxLayout()
        env.addWidget(self.temp_edit)
        env.addWidget(self._label("Relative humidity (%)"))
        env.addWidget(self.humidity_edit)
        env.addStretch(1)
        self.standards_list = QListWidget()
        self.standards_list.setObjectName("standardsList")
        self.standards_list.setMaximumHeight(84)
        self.standards_list.itemChanged.connect(self._standards_changed)
        self.standards_hint = QLabel()
        self.standards_hint.setObjectName("standardsHint")
        self.standards_hint.setWordWrap(True)
        self.standards_hint.setStyleSheet("color: #555;")
        self.standards_hint.hide()
        self._standards_shown: list[str] = []
        standards_box = QVBoxLayout()
        standards_box.setContentsMargins(0, 0, 0, 0)
        standards_box.addWidget(self.standards_list)
        standards_box.addWidget(self.standards_hint)
        self.standards_warning = QLabel()
        self.standards_warning.setWordWrap(True)
        self.standards_warning.setObjectName("standardsWarning")
        self.standards_warning.setStyleSheet("color: #a15c00;")
        self.notes_edit = QLineEdit()
        self.notes_edit.editingFinished.connect(lambda: self._text_field("notes", self.notes_edit))
        rows: list[tuple[str, QWidget | QLayout]] = [
            ("Premises", self.premises_value),
            ("Instrument", self.instrument_value),
            ("Kind of check", self.check_combo),
            ("Rule set", self.ruleset_combo),
            ("Inspector", self.inspector_edit),
            ("Time", self.time_edit),
            ("Place", self.place_edit),
            ("Temperature (°C)", env),
            ("Reference standards used", standards_box),
            ("", self.standards_warning),
            ("Notes", self.notes_edit),
        ]
        self._accessible: list[tuple[QWidget, str]] = []
        for r, (key, w) in enumerate(rows):
            if key:
                label = self._label(key)
                grid.addWidget(label, r, 0, Qt.AlignmentFlag.AlignTop)
                target = (
                    self.temp_edit if w is env else self.standards_list if w is standards_box else w
                )
                if isinstance(target, QWidget):
                    label.setBuddy(target)
                    self._accessible.append((target, key))
            if isinstance(w, QLayout):
                grid.addLayout(w, r, 1)
            else:
                grid.addWidget(w, r, 1)
        grid.setColumnStretch(1, 1)
        col.addWidget(header)

    def _load_standards(self) -> None:
        """The register's standards that suit this family (and any already chosen)."""
        self.standards_list.blockSignals(True)
        self.standards_list.clear()
        chosen = set(self.insp.standards)
        kinds = STANDARD_KINDS_FOR.get(self.insp.family)
        offered = [
            s
            for s in self.store.standards.list()
            if s.id in chosen or kinds is None or s.kind in kinds
        ]
        self._standards_shown = [s.id for s in offered]
        self.standards_hint.setVisible(not offered)
        self.standards_list.setVisible(bool(offered))
        for s in offered:
            text = s.name
            extra = ", ".join(
                x
                for x in (
                    s.certificate_no,
                    s.accuracy,
                    f"≤ {s.valid_until}" if s.valid_until else "",
                )
                if x
            )
            item = QListWidgetItem(f"{text} ({extra})" if extra else text)
            item.setData(Qt.ItemDataRole.UserRole, s.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if s.id in chosen else Qt.CheckState.Unchecked)
            self.standards_list.addItem(item)
        self.standards_list.blockSignals(False)

    def refresh_standards(self) -> None:
        kinds = STANDARD_KINDS_FOR.get(self.insp.family)
        ids = [
            s.id
            for s in self.store.standards.list()
            if s.id in self.insp.standards or kinds is None or s.kind in kinds
        ]
        if ids != self._standards_shown:
            self._load_standards()

    def _check_chosen(self, _index: int) -> None:
        self.push_attr("check", self.check_combo.currentData(), "Change kind of check")

    def _ruleset_chosen(self, _index: int) -> None:
        """Another edition than the one in force is chosen only with a reason (one line),
        kept with the record (``environment.edition_changes``, shown in the review panel)
        and in the audit trail."""
        old, new = self.insp.ruleset, self.ruleset_combo.currentData()
        if new == old:
            return
        reason = self.ask_edition_reason(old, new)
        try:
            from ...domain.text import clean_text

            reason = clean_text(reason or "", "reason", max_len=200)
        except InputError:
            reason = ""
        if not reason:
            self.ruleset_combo.setCurrentIndex(max(0, self.ruleset_combo.findData(old)))
            self.statusBar().showMessage(
                tr("The rule set was not changed: changing it needs a reason.")
            )
            return
        env = dict(self.insp.environment)
        env["edition_changes"] = [
            *env.get("edition_changes", []),
            {"from": old, "to": new, "reason": reason},
        ]
        self.undo_stack.beginMacro(tr("Change rule set"))
        self.push_attr("environment", env, "Change rule set")
        self.push_attr("ruleset", new, "Change rule set")
        self.undo_stack.endMacro()
        with self.store.write(
            self.actor,
            "inspection.edition",
            "inspection",
            self.insp.id,
            {"from": old, "to": new, "reason": reason},
        ):
            pass

    def ask_edition_reason(self, old: str, new: str) -> str | None:
        """Why the record is judged under *new* instead of *old*; None when cancelled
        (tests replace this)."""
        text, ok = QInputDialog.getText(
            self,
            tr("Change rule set"),
            tr("Why is this record judged under {new} instead of {old}? (one line)").format(
                new=new, old=old
            ),
        )
        return text if ok else None

    def _text_field(self, name: str, edit: QLineEdit) -> None:
        text = edit.text().strip()
        if name == "inspector" and not text:
            self._mark(edit, tr("must not be empty"))
            return
        self._mark(edit, None)
        if text != getattr(self.insp, name):
            self.push_attr(name, text, "Change header")

    def _time_edited(self) -> None:
        value = self.time_edit.dateTime().toString("yyyy-MM-ddTHH:mm")
        if value != self.insp.started_at[:16]:
            self.push_attr("started_at", value, "Change header")

    def _env_field(self, key: str, edit: QLineEdit) -> None:
        text = number_text(edit.text()).strip()
        env = dict(self.insp.environment)
        try:
            if text:
                d = parse_decimal(text, f"environment.{key}")
                if key == "humidity" and not (0 <= d <= 100):
                    raise InputError(f"environment.{key}", "must be between 0 and 100")
                if key == "temperature" and not (-60 <= d <= 80):
                    raise InputError(f"environment.{key}", "must be between -60 and 80")
                env[key] = ascii_digits(text)  # "２５" typed full-width is stored as "25"
            else:
                env.pop(key, None)
        except InputError as exc:
            self._mark(edit, exc.message)
            return
        self._mark(edit, None)
        if env != self.insp.environment:
            self.push_attr("environment", env, "Change header")

    def _standards_changed(self, _item) -> None:
        ids = [
            self.standards_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.standards_list.count())
            if self.standards_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        self.push_attr("standards", ids, "Standards used")

    def _retranslate_header(self, lang: str) -> None:
        """The kinds of check, the premises and the instrument's plate in the language."""
        for idx, k in enumerate(checks_for(self.insp.family)):
            self.check_combo.setItemText(idx, pick(CHECK_LABELS[k], lang))
        p, ins = self.premises, self.instrument
        if p is not None:
            self.premises_value.setText(
                " · ".join(x for x in (p.name, p.market, p.stall_no, p.credit_code) if x)
            )
        if ins is not None:
            m = ins.metrology
            plate = []
            if ins.family == "scale":
                plate = [
                    f"{tr('class')} {ins.accuracy_class}",
                    f"Max {m.get('max')} {m.get('unit', '')}",
                    f"e = {m.get('e')} {m.get('unit', '')}",
                ]
                if m.get("min"):
                    plate.append(f"Min {m.get('min')} {m.get('unit', '')}")
            elif ins.family == "fuel_dispenser":
                fuel = {
                    "gasoline": tr("gasoline"),
                    "diesel": tr("diesel"),
                    "kerosene": tr("kerosene"),
                }
                plate = [fuel.get(str(m.get("fuel")), str(m.get("fuel") or ""))]
                if m.get("qmin") or m.get("qmax"):
                    plate.append(f"Q {m.get('qmin', '?')}–{m.get('qmax', '?')} L/min")
                if m.get("mmq"):
                    plate.append(f"MMQ {m['mmq']} L")
                if m.get("nozzle"):
                    plate.append(tr("nozzle {n}").format(n=m["nozzle"]))
            elif ins.family == "prepackaged":  # the product of a batch, in words
                plate = [
                    str(m[k]) for k in ("product", "brand", "producer", "batch_no") if m.get(k)
                ]
            elif ins.family in ("focimeter", "refractometer", "pd_meter"):  # optical, in words
                unit = "mm" if ins.family == "pd_meter" else "D"
                if m.get("range_min") or m.get("range_max"):
                    plate.append(
                        tr("range {lo} to {hi} {unit}").format(
                            lo=m.get("range_min", "?"), hi=m.get("range_max", "?"), unit=unit
                        )
                    )
                if m.get("resolution") == "manual":
                    plate.append(tr("manual reading"))
                elif m.get("resolution"):
                    plate.append(tr("resolution {r} D").format(r=m["resolution"]))
                if m.get("has_pd") in (True, "true", "yes", "1"):
                    plate.append(tr("measures PD"))
            else:
                plate = [f"{k} {v}" for k, v in m.items() if not isinstance(v, (list, dict))]
            self.instrument_value.setText(
                " · ".join(
                    x
                    for x in (
                        pick(FAMILY_LABELS.get(ins.family, (ins.family, ins.family)), lang),
                        ins.maker,
                        ins.model,
                        ins.serial,
                        *plate,
                    )
                    if x
                )
            )
