"""What every part of the inspection editor shares: the record being edited, the store, the
undo stack, the labels retranslated on a language switch, and the undo command that replaces
one attribute of the record (header field, checklist, findings, attachments…)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QWidget,
)

from ...domain.forms import Form
from ...domain.models import Inspection, Instrument, Premises
from ...i18n import tr
from ...services import drafts
from ..widgets.field_error import translate_message

if TYPE_CHECKING:
    from ..widgets.checklist_panel import ChecklistPanel
    from ..widgets.findings_panel import FindingsPanel
    from .header import DateTimeField


class AttrCommand(QUndoCommand):
    """Replace one attribute of the inspection (header field, checklist, findings…)."""

    def __init__(self, editor: EditorBase, name: str, old: Any, new: Any, text: str) -> None:
        super().__init__(text)
        self.editor, self.name = editor, name
        self.old, self.new = copy.deepcopy(old), copy.deepcopy(new)

    def redo(self) -> None:
        self.editor.apply_attr(self.name, copy.deepcopy(self.new))

    def undo(self) -> None:
        self.editor.apply_attr(self.name, copy.deepcopy(self.old))


class EditorBase(QMainWindow):
    """The state the parts share; :class:`.window.InspectionEditor` sets it up."""

    saved = Signal(str)
    finalized = Signal(str)
    corrected = Signal(str, str)

    store: Any
    insp: Inspection
    instrument: Instrument | None
    premises: Premises | None
    form: Form
    actor: str
    signer: Callable[[str], tuple[str, str]] | None
    last_error: str
    read_only: bool
    dirty: bool
    evaluation: drafts.DraftEvaluation
    undo_stack: QUndoStack
    autosave: QTimer
    scroll_area: QScrollArea  # the form's column, scrolled
    _labels: list[tuple[QLabel | QGroupBox | QPushButton, str]]
    # the widgets an undo step writes a value back into
    check_combo: QComboBox
    ruleset_combo: QComboBox
    inspector_edit: QLineEdit
    time_edit: DateTimeField
    place_edit: QLineEdit
    temp_edit: QLineEdit
    humidity_edit: QLineEdit
    notes_edit: QLineEdit
    checklist: ChecklistPanel
    findings: FindingsPanel

    if TYPE_CHECKING:  # provided by the parts

        def changed(self) -> None: ...
        def _load_standards(self) -> None: ...
        def _load_photos(self) -> None: ...
        def _load_signatures(self) -> None: ...

    def _label(self, key: str, group: bool = False) -> QLabel:
        w = QLabel()
        self._labels.append((w, key))
        return w

    def _group(self, key: str) -> QGroupBox:
        g = QGroupBox()
        self._labels.append((g, key))
        return g

    def push_attr(self, name: str, new: Any, text: str) -> None:
        old = getattr(self.insp, name)
        if old == new:
            return
        self.undo_stack.push(AttrCommand(self, name, old, new, tr(text)))

    def apply_attr(self, name: str, value: Any) -> None:
        self.insp = dataclasses.replace(self.insp, **{name: value})
        if name == "check":
            self.check_combo.setCurrentIndex(max(0, self.check_combo.findData(value)))
        elif name == "ruleset":
            self.ruleset_combo.setCurrentIndex(max(0, self.ruleset_combo.findData(value)))
        elif name == "inspector":
            self.inspector_edit.setText(value)
        elif name == "place":
            self.place_edit.setText(value)
        elif name == "notes":
            self.notes_edit.setText(value)
        elif name == "started_at":
            dt = QDateTime.fromString(value[:16], "yyyy-MM-ddTHH:mm")
            if dt.isValid():
                self.time_edit.setDateTime(dt)
        elif name == "environment":
            self.temp_edit.setText(str(value.get("temperature", "") or ""))
            self.humidity_edit.setText(str(value.get("humidity", "") or ""))
        elif name == "standards":
            self._load_standards()
        elif name == "checklist":
            self.checklist.set_answers(value)
        elif name == "findings":
            self.findings.set_findings(value)
        elif name == "attachments":
            self._load_photos()
            self._load_signatures()
        self.findings.set_flagged({q.key for q in self.checklist.flagged()})
        self.changed()

    def _mark(self, widget: QWidget, message: str | None) -> None:
        widget.setStyleSheet("border: 2px solid #d0021b;" if message else "")
        widget.setToolTip(translate_message(message) if message else "")
        if message:
            self.statusBar().showMessage(translate_message(message))
