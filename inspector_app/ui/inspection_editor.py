"""The inspection editor: one window editing one inspection, built from the family's form.

Header (premises, instrument, kind of check, rule set, inspector, time, place, environment,
standards used), the checklist, one readings table per test with error / MPE / verdict
recomputed by the rules engine on every edit, the error chart, findings, photos and
signatures. Every edit is an undo command; the draft is saved 500 ms after each change and
on close (``store.inspections.save_draft``: one transaction, WAL, synchronous FULL), so
closing the window or killing the process loses nothing typed.

Contract with the main window::

    editor = InspectionEditor(store, inspection_id, parent=None)
    editor = InspectionEditor.new_for_instrument(store, instrument_id, inspector, check="in_service")
    editor.saved -> str (inspection id); editor.finalized -> str; editor.corrected -> (old id, new id)
    editor.inspection_menu: QMenu where other modules add actions (e.g. report export)
    editor.signer: optional callable(content_hash) -> (signature, signer) used on finalize

When this computer has a signing identity (Tools → Keys and trust), finalize signs the
content hash with it: the passphrase is asked once per session (:meth:`ask_passphrase`),
the signature is ``base64(DER ECDSA-SHA256 over the hash's UTF-8 bytes)`` and the signer
the certificate's SHA-256 fingerprint; a wrong passphrase leaves the record a draft.
Inspection → Export report… writes the PDF (signed when finalized) and opens it. A
supervisor's return is shown at the top with its comment (``services.review.reviews_for``).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InputError
from ..domain.forms import form_for
from ..domain.models import (
    CHECK_LABELS,
    FAMILY_LABELS,
    AttachmentRef,
    Inspection,
    checks_for,
)
from ..domain.numbers import ascii_digits, parse_decimal
from ..i18n import current_language, ntr, on_language_changed, pick, tr
from ..services import drafts
from .finalize_dialog import FinalizeDialog
from .widgets.checklist_panel import ChecklistPanel
from .widgets.error_chart import ErrorChart
from .widgets.field_error import translate_message
from .widgets.findings_panel import FindingsPanel
from .widgets.package_readings import PackageReadings
from .widgets.photo_strip import PhotoStrip
from .widgets.readings_table import ReadingsModel, ReadingsTable, number_text
from .widgets.signature_pad import SignaturePad
from .widgets.window_fit import fit_to_screen

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

# The test that can be repeated at further points in one inspection, per family: a fuel
# dispenser's volume test at each flow rate.
REPEATABLE_TEST = {"fuel_dispenser": "volume"}

# keys folder -> unlocked Identity: the passphrase is asked once per session
_UNLOCKED: dict[str, Any] = {}


def forget_unlocked_identities() -> None:
    _UNLOCKED.clear()


AUTOSAVE_MS = 500
SIGNATURE_ROLES = ("signature_inspector", "signature_representative")


class DateTimeField(QDateTimeEdit):
    """A date and time field that Tab leaves (Qt's own walks through its five sections
    first); the sections are reached with the arrow keys."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


class AttrCommand(QUndoCommand):
    """Replace one attribute of the inspection (header field, checklist, findings…)."""

    def __init__(self, editor: InspectionEditor, name: str, old: Any, new: Any, text: str) -> None:
        super().__init__(text)
        self.editor, self.name = editor, name
        self.old, self.new = copy.deepcopy(old), copy.deepcopy(new)

    def redo(self) -> None:
        self.editor.apply_attr(self.name, copy.deepcopy(self.new))

    def undo(self) -> None:
        self.editor.apply_attr(self.name, copy.deepcopy(self.old))


class InspectionEditor(QMainWindow):
    saved = Signal(str)
    finalized = Signal(str)
    corrected = Signal(str, str)

    def __init__(
        self, store, inspection_id: str, parent: QWidget | None = None, actor: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.store = store
        self.insp: Inspection = store.inspections.require(inspection_id)
        self.instrument = store.instruments.get(self.insp.instrument_id)
        self.premises = store.premises.get(self.insp.premises_id)
        self.form = form_for(self.insp.family, self.insp.environment.get("form"))
        self.actor = actor or self.insp.inspector
        self.signer: Callable[[str], tuple[str, str]] | None = None
        if self._has_identity():
            self.signer = self.sign_with_identity
        self._unlocked = None  # the identity unlocked for the finalize in progress
        self.correction_editor: InspectionEditor | None = None
        self.last_error = ""
        self.read_only = False
        self.standard_warnings: list = []
        self.evaluation = drafts.DraftEvaluation(None, [])
        self.dirty = False
        self.undo_stack = QUndoStack(self)
        self.autosave = QTimer(self)
        self.autosave.setSingleShot(True)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self.save_now)
        self._labels: list[tuple[QLabel | QGroupBox, str]] = []
        self._header_errors: dict[str, str] = {}
        self._build()
        self._load_widgets()
        self.reevaluate()
        self.set_read_only(not self.insp.is_draft)
        self._unsubscribe = on_language_changed(lambda _lang: self.retranslate())
        self.retranslate()
        self._restore_window()

    def _restore_window(self) -> None:
        """The size and state (maximised too) the last editor was closed with; the first
        time, as large as fits the screen (a 1366×768 laptop included)."""
        from . import settings

        geometry = settings.load_geometry("editor")
        if geometry and self.restoreGeometry(geometry):
            fit_to_screen(self)
            return
        self.resize(1320, 860)
        fit_to_screen(self)

    def save_window(self) -> None:
        from . import settings

        settings.save_geometry("editor", self.saveGeometry())

    # ---- creation -------------------------------------------------------------------------
    @classmethod
    def new_for_instrument(
        cls,
        store,
        instrument_id: str,
        inspector: str,
        check: str = "in_service",
        parent: QWidget | None = None,
    ) -> InspectionEditor:
        """Create a draft (default rule set, the form's default test points) and edit it."""
        insp = drafts.new_draft(store, instrument_id, inspector, check)
        return cls(store, insp.id, parent)

    def _label(self, key: str, group: bool = False) -> QLabel:
        w = QLabel()
        self._labels.append((w, key))
        return w

    def _group(self, key: str) -> QGroupBox:
        g = QGroupBox()
        self._labels.append((g, key))
        return g

    def _build(self) -> None:
        # -- actions and menu ------------------------------------------------------------------
        self.save_action = QAction(self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save_now)
        self.finalize_action = QAction(self)
        self.finalize_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.finalize_action.triggered.connect(self.finalize)
        self.correct_action = QAction(self)
        self.correct_action.triggered.connect(self.correct)
        self.export_action = QAction(self)
        self.export_action.setObjectName("exportReport")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.export_action.triggered.connect(lambda _c=False: self.export_report())
        self.undo_action = QAction(self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.undo_action.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(
            lambda ok: self.undo_action.setEnabled(ok and not self.read_only)
        )
        self.redo_action = QAction(self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.redo_action.setEnabled(False)
        self.undo_stack.canRedoChanged.connect(
            lambda ok: self.redo_action.setEnabled(ok and not self.read_only)
        )
        self.language_action = QAction(self)
        self.language_action.setObjectName("switchLanguage")
        self.language_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.language_action.triggered.connect(lambda _c=False: self.toggle_language())
        self.addAction(self.language_action)
        for a in (
            self.save_action,
            self.finalize_action,
            self.undo_action,
            self.redo_action,
            self.language_action,
        ):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.inspection_menu = self.menuBar().addMenu("")
        for a in (self.save_action, self.finalize_action, self.correct_action):
            self.inspection_menu.addAction(a)
        self.inspection_menu.addSeparator()
        self.inspection_menu.addAction(self.undo_action)
        self.inspection_menu.addAction(self.redo_action)
        self.inspection_menu.addSeparator()
        self.inspection_menu.addAction(self.export_action)
        self.keep_originals_action = QAction(self)
        self.keep_originals_action.setObjectName("keepOriginalPhotos")
        self.keep_originals_action.setCheckable(True)
        self.keep_originals_action.setChecked(False)
        self.inspection_menu.addSeparator()
        self.inspection_menu.addAction(self.keep_originals_action)
        toolbar = self.addToolBar("inspection")
        toolbar.setObjectName("inspectionToolbar")
        toolbar.setMovable(False)
        for a in (
            self.save_action,
            self.undo_action,
            self.redo_action,
            self.finalize_action,
            self.correct_action,
        ):
            toolbar.addAction(a)
        self.toolbar = toolbar

        # -- left: the form --------------------------------------------------------------------
        content = QWidget()
        col = QVBoxLayout(content)
        col.setContentsMargins(10, 10, 10, 10)
        self.revision_note = QLabel()
        self.revision_note.setWordWrap(True)
        self.revision_note.setStyleSheet("color: #7a4a00;")
        self.review_note = QLabel()
        self.review_note.setObjectName("reviewNote")
        self.review_note.setWordWrap(True)
        self.review_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.review_note.hide()
        col.addWidget(self.review_note)
        col.addWidget(self.revision_note)

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
        from ..domain.rules import list_rulesets

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
        rows = [
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
            if isinstance(w, (QHBoxLayout, QVBoxLayout)):
                grid.addLayout(w, r, 1)
            else:
                grid.addWidget(w, r, 1)
        grid.setColumnStretch(1, 1)
        col.addWidget(header)

        checklist_box = self._group("Checklist")
        cl = QVBoxLayout(checklist_box)
        self.checklist = ChecklistPanel(self.form.checklist)
        self.checklist.answer_changed.connect(self._answer_changed)
        self.checklist.answers_changed.connect(
            lambda answers: self.push_attr("checklist", dict(answers), "Checklist answer")
        )
        cl.addWidget(self.checklist)
        col.addWidget(checklist_box)

        tests_box = self._group("Tests and readings")
        tl = QVBoxLayout(tests_box)
        self.models: list[ReadingsModel] = []
        self.tables: list[ReadingsTable] = []
        unit = str(self.instrument.metrology.get("unit", "")) if self.instrument else ""
        for ti, test in enumerate(self.insp.tests):
            try:
                ft = self.form.test(test.get("kind", ""))
            except KeyError:
                continue
            model = ReadingsModel(
                ft,
                test,
                units=dict(self.form.units),
                instrument_unit=unit,
                undo_stack=self.undo_stack,
                validate=lambda row, path, value, key, ti=ti: self._validate_cell(
                    ti, row, path, value, key
                ),
                on_change=self.changed,
                parent=self,
            )
            model.test_index = ti
            model.edit_rejected.connect(self._cell_refused)
            table = ReadingsTable(model)
            self.models.append(model)
            self.tables.append(table)
            tl.addWidget(table)
            if ft.kind == "net_content":  # a prepackaged batch: fast entry of its packages
                table.view.hide()
                tl.addWidget(PackageReadings(model, lambda: self.insp.ruleset, self))
        self.tests_layout = tl
        self.add_flow_button = None
        if any(t.kind == REPEATABLE_TEST.get(self.insp.family) for t in self.form.tests):
            self.add_flow_button = QPushButton()
            self.add_flow_button.setObjectName("addFlowRate")
            self.add_flow_button.setAutoDefault(False)
            self.add_flow_button.clicked.connect(lambda _c=False: self.add_flow_rate())
            self._labels.append((self.add_flow_button, "Add another flow rate"))
            row = QHBoxLayout()
            row.addWidget(self.add_flow_button)
            row.addStretch(1)
            tl.addLayout(row)
        col.addWidget(tests_box)

        findings_box = self._group("Findings")
        fl = QVBoxLayout(findings_box)
        self.findings = FindingsPanel(self.form.checklist)
        self.findings.add_requested.connect(self._add_finding)
        self.findings.edit_requested.connect(self._edit_finding)
        self.findings.remove_requested.connect(self._remove_finding)
        fl.addWidget(self.findings)
        col.addWidget(findings_box)

        photos_box = self._group("Photos")
        pl = QVBoxLayout(photos_box)
        self.photos = PhotoStrip()
        self.photos.add_requested.connect(self.add_photos)
        self.photos.remove_requested.connect(self._remove_photo)
        pl.addWidget(self.photos)
        col.addWidget(photos_box)

        sig_box = self._group("Signatures")
        sl = QGridLayout(sig_box)
        self.pads: dict[str, SignaturePad] = {}
        self.sig_status: dict[str, QLabel] = {}
        self.sig_buttons: list[QPushButton] = []
        for c, (role, key) in enumerate(
            zip(
                SIGNATURE_ROLES,
                ("Inspector's signature", "Representative's signature"),
                strict=True,
            )
        ):
            pad = SignaturePad()
            pad.setObjectName(role)
            self.pads[role] = pad
            save = QPushButton()
            save.setObjectName(f"save_{role}")
            save.clicked.connect(lambda _c=False, r=role: self.save_signature(r))
            clear = QPushButton()
            clear.clicked.connect(pad.clear)
            self._labels += [(save, "Save signature"), (clear, "Clear")]
            self.sig_buttons += [save, clear]
            status = QLabel()
            self.sig_status[role] = status
            sl.addWidget(self._label(key), 0, c)
            sl.addWidget(pad, 1, c)
            row = QHBoxLayout()
            row.addWidget(save)
            row.addWidget(clear)
            row.addWidget(status)
            row.addStretch(1)
            sl.addLayout(row, 2, c)
        col.addWidget(sig_box)
        col.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.scroll = scroll

        # -- right: verdict and chart -----------------------------------------------------------
        side = QWidget()
        side.setMinimumWidth(360)
        sv = QVBoxLayout(side)
        sv.setContentsMargins(10, 10, 10, 10)
        self.verdict_title = self._label("Verdict")
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdictLabel")
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict_label.setMinimumHeight(56)
        self.pending_label = QLabel()
        self.pending_label.setWordWrap(True)
        self.pending_label.setStyleSheet("color: #6b6b6b;")
        self.failed_title = self._label("Failed items")
        self.failed_list = QListWidget()
        self.failed_list.setObjectName("failedList")
        self.failed_list.setMaximumHeight(150)
        self.failed_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.chart_title = self._label("Error chart")
        self.chart = ErrorChart()
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setObjectName("stateLabel")
        for w in (
            self.verdict_title,
            self.verdict_label,
            self.pending_label,
            self.failed_title,
            self.failed_list,
            self.chart_title,
        ):
            sv.addWidget(w)
        sv.addWidget(self.chart, 1)
        sv.addWidget(self.state_label)

        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([920, 380])  # the form first: its tables need the width
        self.setCentralWidget(splitter)
        self.statusBar()

    def add_flow_rate(self) -> ReadingsTable | None:
        """Another volume test at a further flow rate (a real check needs at least the
        maximum and the minimum flow rate, JJG 443-2023): a new table below the last one,
        its flow labelled Q2, Q3…"""
        kind = REPEATABLE_TEST.get(self.insp.family)
        if kind is None or self.read_only:
            return None
        ft = self.form.test(kind)
        n = sum(1 for t in self.insp.tests if t.get("kind") == kind)
        test = {"kind": kind, "flow": f"Q{n + 1}"}
        self.insp.tests.append(test)
        ti = len(self.insp.tests) - 1
        unit = str(self.instrument.metrology.get("unit", "")) if self.instrument else ""
        model = ReadingsModel(
            ft,
            test,
            units=dict(self.form.units),
            instrument_unit=unit,
            undo_stack=self.undo_stack,
            validate=lambda row, path, value, key, ti=ti: self._validate_cell(
                ti, row, path, value, key
            ),
            on_change=self.changed,
            parent=self,
        )
        model.test_index = ti
        model.edit_rejected.connect(self._cell_refused)
        table = ReadingsTable(model)
        last = max(i for i, m in enumerate(self.models) if m.form_test.kind == kind)
        at = self.tests_layout.indexOf(self.tables[last]) + 1
        self.models.append(model)
        self.tables.append(table)
        self.tests_layout.insertWidget(at, table)
        self.changed()
        table.view.setFocus()
        table.view.setCurrentIndex(model.index(0, 0))
        self.scroll.ensureWidgetVisible(table)
        return table

    # ---- loading values into widgets -----------------------------------------------------
    def _load_widgets(self) -> None:
        i = self.insp
        self.check_combo.setCurrentIndex(max(0, self.check_combo.findData(i.check)))
        self.ruleset_combo.setCurrentIndex(max(0, self.ruleset_combo.findData(i.ruleset)))
        self.inspector_edit.setText(i.inspector)
        dt = QDateTime.fromString(i.started_at[:16], "yyyy-MM-ddTHH:mm")
        self.time_edit.setDateTime(dt if dt.isValid() else QDateTime.currentDateTime())
        self.place_edit.setText(i.place)
        self.temp_edit.setText(str(i.environment.get("temperature", "") or ""))
        self.humidity_edit.setText(str(i.environment.get("humidity", "") or ""))
        self.notes_edit.setText(i.notes)
        self._load_standards()
        self.checklist.set_answers(i.checklist)
        self.findings.set_findings(i.findings)
        self._load_photos()
        self._load_signatures()

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

    def _load_photos(self) -> None:
        photos = [
            (a.sha256, self.store.attachments.get(a.sha256), a.caption)
            for a in self.insp.attachments
            if a.role == "photo"
        ]
        self.photos.set_photos(photos)

    def _load_signatures(self) -> None:
        for role in SIGNATURE_ROLES:
            has = any(a.role == role for a in self.insp.attachments)
            self.sig_status[role].setText(tr("signed ✔") if has else "")

    # ---- evaluation ------------------------------------------------------------------------
    def extra_failures(self) -> list[str]:
        """Failed items beyond the readings: checklist answers that are findings, and
        cheating findings."""
        from ..domain.failed_items import question_failures

        lang = current_language()
        out = [q.text(lang) for q in question_failures(self.form, self.insp.checklist)]
        out += [f"{tr('cheating finding')}: {f.text}" for f in self.insp.findings if f.cheating]
        return out

    def reevaluate(self) -> None:
        if self.instrument is None:
            return
        if self.insp.is_draft:
            self.evaluation = drafts.evaluate_draft(self.insp, self.instrument)
            self.insp = drafts.apply_evaluation(self.insp, self.evaluation, self.extra_failures())
        else:
            self.evaluation = drafts.evaluate_draft(self.insp, self.instrument)
        for model in self.models:
            if model.test_index < len(self.evaluation.tests):
                model.set_state(self.evaluation.tests[model.test_index])
        self._show_verdict()
        self.chart.set_series(drafts.chart_series(self.insp, self.instrument, self.evaluation))
        self._show_standards_warnings()

    def _show_verdict(self) -> None:
        verdict = self.insp.verdict
        # A draft with tests still to do is not a pass yet: say "no failure so far" instead.
        unfinished = self.insp.is_draft and any(t.result is None for t in self.evaluation.tests)
        if verdict == "pass" and unfinished:
            text, fg, bg = tr("… no failure so far"), "#14632f", "#eeeeee"
        elif verdict == "pass":
            text, fg, bg = tr("✔ PASS"), "#14632f", "#dcf2e3"
        elif verdict == "fail":
            text, fg, bg = tr("✘ FAIL"), "#9b0019", "#fbe0e5"
        else:
            text, fg, bg = tr("… not judged yet"), "#555555", "#eeeeee"
        self.verdict_label.setText(text)
        self.verdict_label.setStyleSheet(
            f"font-size: 22pt; font-weight: bold; color: {fg}; background: {bg}; border-radius: 6px;"
        )
        failed = (
            (self.insp.result or {}).get("failed", [])
            if not self.insp.is_draft
            else drafts.failed_items(self.evaluation, [])
        )
        failed = list(failed) + self.extra_failures()
        self.failed_list.clear()
        self.failed_list.addItems([f"✘ {f}" for f in failed])
        self.failed_list.setVisible(bool(failed))
        self.failed_title.setVisible(bool(failed))
        n = drafts.left_out(self.insp, self.evaluation) if self.insp.is_draft else 0
        untouched = (
            sum(1 for t in self.evaluation.tests if t.result is None) if self.insp.is_draft else 0
        )
        notes = []
        if n:
            notes.append(
                ntr("{n} row or test incomplete", "{n} rows or tests incomplete", n).format(n=n)
            )
        if untouched > n:
            notes.append(
                ntr(
                    "{n} test without readings yet", "{n} tests without readings yet", untouched - n
                ).format(n=untouched - n)
            )
        if not self.insp.is_draft:  # a finalized record keeps the rule data it was judged with
            from ..domain.rules.ruledata import stale_note

            stale = stale_note(self.insp.result)
            if stale:
                notes.append("⚠ " + (stale[0] if current_language() == "zh" else stale[1]))
        self.pending_label.setText(" · ".join(notes))
        if self.evaluation.error is not None:
            e = self.evaluation.error
            self.pending_label.setText(f"⚠ {e.path}: {translate_message(e.message)}")

    def failed(self) -> list[str]:
        return [self.failed_list.item(i).text()[2:] for i in range(self.failed_list.count())]

    def _show_standards_warnings(self) -> None:
        chosen = [
            s
            for s in (self.store.standards.get(sid) for sid in self.insp.standards)
            if s is not None
        ]
        warnings = (
            drafts.check_standards(self.insp, self.instrument, chosen) if self.instrument else []
        )
        self.standard_warnings = warnings
        self.standards_warning.setText(
            "\n".join(f"⚠ {translate_message(w.message)}" for w in warnings)
        )
        self.standards_warning.setVisible(bool(warnings))

    # ---- changes ---------------------------------------------------------------------------
    def changed(self) -> None:
        """After any edit: judge again, show it, and save soon."""
        self.reevaluate()
        if self.insp.is_draft:
            self.dirty = True
            self.statusBar().showMessage(tr("Unsaved changes"))
            self.autosave.start()

    def _validate_cell(
        self, ti: int, row: int | None, path: str, value: Any, key: str | None
    ) -> str | None:
        if self.instrument is None:
            return None
        return drafts.check_cell(self.insp, self.instrument, ti, row, path, value, key)

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
            from ..domain.text import clean_text

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

    def _mark(self, widget: QWidget, message: str | None) -> None:
        widget.setStyleSheet("border: 2px solid #d0021b;" if message else "")
        widget.setToolTip(translate_message(message) if message else "")
        if message:
            self.statusBar().showMessage(translate_message(message))

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

    def _cell_refused(self, _row: int, _path: str, message: str) -> None:
        """A refused cell says why in the status bar too (not only in its tooltip)."""
        self.statusBar().showMessage("⚠ " + translate_message(message), 8000)

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

    def _answer_changed(self, key: str, _old: str, new: str) -> None:
        answers = dict(self.insp.checklist)
        if new:
            answers[key] = new
        else:
            answers.pop(key, None)
        self.push_attr("checklist", answers, "Checklist answer")

    def _add_finding(self, finding) -> None:
        self.push_attr("findings", list(self.insp.findings) + [finding], "Add finding")

    def _edit_finding(self, index: int, finding) -> None:
        findings = list(self.insp.findings)
        findings[index] = finding
        self.push_attr("findings", findings, "Edit finding")

    def _remove_finding(self, index: int) -> None:
        findings = list(self.insp.findings)
        del findings[index]
        self.push_attr("findings", findings, "Remove finding")

    def add_photos(self, images: list[bytes]) -> None:
        """Store photos downscaled and upright (the original only when asked for), their
        EXIF time and place as the caption."""
        from .widgets.photo_prep import prepare_photo

        refs = list(self.insp.attachments)
        keep = self.keep_originals_action.isChecked()
        for raw in images:
            photo = prepare_photo(raw, keep_original=keep)
            data = photo.data
            try:
                sha = self.store.attachments.add(data, self.actor)
            except InputError as exc:
                self.last_error = tr("Could not add the photo: {message}").format(
                    message=translate_message(exc.message)
                )
                self.statusBar().showMessage(self.last_error)
                continue
            if not any(a.sha256 == sha and a.role == "photo" for a in refs):
                refs.append(
                    AttachmentRef(
                        sha,
                        "photo",
                        photo.caption(),
                        self.store.attachments.mime(sha) or photo.mime or "image/png",
                    )
                )
        self.push_attr("attachments", refs, "Add photo")

    def _remove_photo(self, sha: str) -> None:
        refs = [a for a in self.insp.attachments if not (a.sha256 == sha and a.role == "photo")]
        self.push_attr("attachments", refs, "Remove photo")

    def save_signature(self, role: str) -> str | None:
        """Store the pad's drawing as a PNG attachment with *role*; returns its SHA-256."""
        pad = self.pads[role]
        if pad.is_empty() or not self.insp.is_draft:
            return None
        sha = self.store.attachments.add(pad.to_png(), self.actor)
        refs = [a for a in self.insp.attachments if a.role != role]
        refs.append(AttachmentRef(sha, role, "", "image/png"))
        self.push_attr("attachments", refs, "Signature")
        return sha

    # ---- saving --------------------------------------------------------------------------------
    def save_now(self) -> bool:
        """Write the draft now (the autosave calls this 500 ms after the last change)."""
        self.autosave.stop()
        if not self.insp.is_draft:
            return True
        try:
            self.store.inspections.save_draft(self.insp, self.actor)
        except InputError as exc:
            self.last_error = tr("Could not save: {message}").format(
                message=f"{exc.path}: {translate_message(exc.message)}"
            )
            self.statusBar().showMessage(self.last_error)
            return False
        self.dirty = False
        from datetime import datetime

        self.statusBar().showMessage(
            tr("Draft saved {time}").format(time=datetime.now().strftime("%H:%M:%S"))
        )
        self.saved.emit(self.insp.id)
        return True

    # ---- finalize and correct ----------------------------------------------------------------
    def confirm_finalize(
        self, verdict: str | None, failed: list[str], left_out: int, warnings: list[str]
    ) -> bool:
        """Ask before sealing (tests replace this)."""
        dlg = FinalizeDialog(verdict, failed, left_out, warnings, self, self.certificate_blockers())
        return dlg.exec() == QDialog.DialogCode.Accepted

    def certificate_blockers(self) -> list[str]:
        """Why this record cannot give a 检定证书 (shown before finalizing)."""
        from ..services.reports import certificate_blockers

        try:
            found = certificate_blockers(self.store, self.insp, instrument=self.instrument)
        except Exception:  # noqa: BLE001 - the list is advice; finalizing must not fail on it
            return []
        return [b.get(current_language()) for b in found]

    def finalize_warnings(self) -> list[str]:
        """What the inspector should know before sealing: signatures missing, no reference
        standard recorded, the instrument overdue for verification, standards out of date
        or not accurate enough."""
        out = []
        roles = {a.role for a in self.insp.attachments}
        if "signature_inspector" not in roles:
            out.append(tr("The inspector's signature is missing."))
        if "signature_representative" not in roles:
            out.append(tr("The representative's signature is missing."))
        if not self.insp.standards:
            out.append(tr("No reference standard is recorded as used."))
        due = getattr(self.instrument, "next_due", None) if self.instrument else None
        if due and due < self.insp.started_at[:10]:
            out.append(
                tr("The instrument was due for verification on {date} (overdue).").format(date=due)
            )
        out += [translate_message(w.message) for w in self.standard_warnings]
        return out

    def finalize(self) -> bool:
        if not self.insp.is_draft:
            return False
        self.reevaluate()
        ev = self.evaluation
        if ev.result is None and not self.extra_failures():
            self.last_error = tr("Could not finalize: {message}").format(
                message=tr("Nothing judged yet: type readings first.")
            )
            self.statusBar().showMessage(self.last_error)
            return False
        if not self.identity_usable():
            return False  # a broken identity: never finalize unsigned, say how to fix it
        failed = self.failed()
        left = drafts.left_out(self.insp, ev)
        if not self.confirm_finalize(self.insp.verdict, failed, left, self.finalize_warnings()):
            return False
        if self.signer == self.sign_with_identity and not self.unlock_identity():
            return False  # cancelled or a wrong passphrase: nothing written, still a draft
        sealed = drafts.judged_only(self.insp, ev)
        ev2 = drafts.evaluate_draft(sealed, self.instrument)
        sealed = drafts.apply_evaluation(sealed, ev2, self.extra_failures())
        if sealed.result is None:
            sealed = dataclasses.replace(
                sealed,
                result={
                    "family": sealed.family,
                    "ruleset": sealed.ruleset,
                    "check": sealed.check,
                    "verdict": sealed.verdict,
                    "tests": [],
                    "failed": [],
                    "warnings": [],
                },
            )
        try:
            self.store.inspections.save_draft(sealed, self.actor)
            done = self.store.inspections.finalize(sealed.id, self.actor, sign=self.signer)
        except InputError as exc:
            self.last_error = tr("Could not finalize: {message}").format(
                message=translate_message(exc.message)
            )
            self.statusBar().showMessage(self.last_error)
            return False
        self.insp = self.store.inspections.require(done.id)
        self.dirty = False
        self.undo_stack.clear()
        self._rebind_tests()
        self.set_read_only(True)
        self.reevaluate()
        self.finalized.emit(self.insp.id)
        return True

    # ---- signing -------------------------------------------------------------------------------
    def _keys_dir(self) -> Path:
        from ..paths import keys_dir

        return keys_dir(Path(self.store.path))

    def _has_identity(self) -> bool:
        from ..crypto.keys import has_identity

        return has_identity(self._keys_dir())

    def ask_passphrase(self, message: str = "") -> bytes | None:
        """The signing key's passphrase from a password prompt; None when cancelled (tests replace this)."""
        label = (message + "\n" if message else "") + tr(
            "Passphrase of your signing key (asked once per session):"
        )
        text, ok = QInputDialog.getText(
            self, tr("Sign the record"), label, QLineEdit.EchoMode.Password
        )
        return text.encode("utf-8") if ok else None

    def unlock_identity(self) -> bool:
        """Unlock the identity (asked once per session); a clear message when it fails."""
        from ..crypto.keys import KeyError_, load_identity

        key = str(self._keys_dir())
        identity = _UNLOCKED.get(key)
        if identity is None:
            passphrase = self.ask_passphrase()
            if passphrase is None:
                self.last_error = tr("Finalizing was cancelled; the record stays a draft.")
                self.statusBar().showMessage(self.last_error)
                return False
            try:
                identity = load_identity(self._keys_dir(), passphrase)
            except KeyError_ as exc:
                wrong = "passphrase" in str(exc)
                self.last_error = (
                    tr("The passphrase is wrong; the record stays a draft.")
                    if wrong
                    else tr("Could not finalize: {message}").format(message=str(exc))
                )
                self.statusBar().showMessage(self.last_error)
                self.show_error(tr("Sign the record"), self.last_error)
                return False
            _UNLOCKED[key] = identity
        self._unlocked = identity
        return True

    def identity_usable(self) -> bool:
        """Before finalizing: the signing identity's files are checked. When an identity
        exists but cannot be used (key or certificate missing, damaged, unencrypted,
        expired), the record stays a draft with one sentence saying why and how to fix it,
        and the Keys and trust dialog is offered; it is never finalized unsigned."""
        from ..crypto.keys import KeyUnavailable, check_identity_files

        try:
            present = check_identity_files(self._keys_dir())
        except KeyUnavailable as exc:
            self.last_error = tr(
                "The record stays a draft: {message}. Fix the signing identity in "
                "Tools → Keys and trust…, then finalize again."
            ).format(message=_key_problem(exc))
            self.statusBar().showMessage(self.last_error)
            if self.offer_keys_dialog(self.last_error):
                self.open_keys_dialog()
            return False
        if present and self.signer is None:
            self.signer = self.sign_with_identity  # an identity made after the editor opened
        return True

    def offer_keys_dialog(self, message: str) -> bool:
        """Say why the record cannot be finalized; True when the user asks for the Keys and
        trust dialog (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(tr("Sign the record"))
        box.setText(message)
        keys = box.addButton(tr("Keys and trust…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.setDefaultButton(keys)
        box.exec()
        return box.clickedButton() is keys

    def open_keys_dialog(self) -> None:
        """Tools → Keys and trust… (tests replace this)."""
        from .keys_dialog import KeysDialog

        KeysDialog(self.store, self).exec()

    def show_error(self, title: str, message: str) -> None:
        """A modal warning (tests replace this)."""
        QMessageBox.warning(self, title, message)

    def sign_with_identity(self, content_hash: str) -> tuple[str, str]:
        """The store's finalize calls this with the content hash: (base64 signature, fingerprint)."""
        identity = self._unlocked or _UNLOCKED.get(str(self._keys_dir()))
        if identity is None:
            raise InputError("inspection.signature", "the signing key is locked")
        signature = base64.b64encode(identity.sign(content_hash.encode("utf-8"))).decode("ascii")
        return signature, identity.fingerprint

    # ---- report -----------------------------------------------------------------------------------
    def export_report(
        self, path: str | Path | None = None, *, open_result: bool = True
    ) -> Path | None:
        """Inspection → Export report…: save first, then the PDF (signed when finalized and an
        identity exists: report_actions asks the passphrase), opened when written."""
        from . import report_actions

        if self.insp.is_draft:
            self.save_now()
        return report_actions.export_report(
            self, self.store, self.store.path, self.insp.id, path=path, open_result=open_result
        )

    # ---- review ------------------------------------------------------------------------------------
    def _show_review(self) -> None:
        """The supervisor's newest decision (a return prominently, with its comment)."""
        try:
            from ..services.review import reviews_for

            reviews = reviews_for(self.store, self.insp.id)
        except Exception:  # an older database without reviews: nothing to show
            reviews = []
        review = reviews[0] if reviews else None
        if review is None or (review.inherited and review.decision != "returned"):
            self.review_note.hide()
            return
        date = (review.at or "")[:10]
        if review.decision == "returned":
            head = "↩ " + tr("Returned by {reviewer} on {date}").format(
                reviewer=review.reviewer, date=date
            )
            style = (
                "background: #fff1e0; color: #7a3300; border: 2px solid #e07b00; border-radius: 4px;"
                " padding: 8px; font-size: 11pt;"
            )
        else:
            head = "✔ " + tr("Approved by {reviewer} on {date}").format(
                reviewer=review.reviewer, date=date
            )
            style = "background: #e8f5ec; color: #1e5b30; border: 1px solid #8cc59e; border-radius: 4px; padding: 6px;"
        if review.inherited:
            head += " " + tr("(on an earlier revision)")
        from html import escape

        comment = escape(review.comment).replace("\n", "<br>")
        self.review_note.setText(f"<b>{escape(head)}</b>" + (f"<br>{comment}" if comment else ""))
        self.review_note.setStyleSheet(f"QLabel#reviewNote {{ {style} }}")
        self.review_note.show()

    def _rebind_tests(self) -> None:
        """Point the tables at the (reloaded) inspection's tests."""
        by_kind: dict[str, list[dict]] = {}
        for t in self.insp.tests:
            by_kind.setdefault(t.get("kind", ""), []).append(t)
        for i, model in enumerate(self.models):
            bucket = by_kind.get(model.form_test.kind, [])
            model.set_test(bucket.pop(0) if bucket else {"kind": model.form_test.kind})
            model.test_index = (
                self.insp.tests.index(model.test) if model.test in self.insp.tests else 10_000
            )
            self.tables[i].setVisible(model.test_index < 10_000)

    def ask_reason(self) -> str | None:
        """Ask why the record is corrected (tests replace this)."""
        text, ok = QInputDialog.getMultiLineText(
            self, tr("Reason for the correction"), tr("Why is this record corrected?")
        )
        return text if ok else None

    def correct(self) -> InspectionEditor | None:
        if self.insp.is_draft:
            return None
        reason = self.ask_reason()
        if not reason or not reason.strip():
            return None
        try:
            child = self.store.inspections.correct(self.insp.id, reason.strip(), self.actor)
        except InputError as exc:
            self.last_error = translate_message(exc.message)
            self.statusBar().showMessage(self.last_error)
            return None
        editor = InspectionEditor(self.store, child.id, self.parentWidget(), self.actor)
        if self.signer != self.sign_with_identity:  # a signer given from outside carries over
            editor.signer = self.signer
        self.correction_editor = editor
        self.correct_action.setEnabled(False)
        self.corrected.emit(self.insp.id, child.id)
        editor.show()
        return editor

    # ---- read-only -------------------------------------------------------------------------
    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for w in (
            self.inspector_edit,
            self.place_edit,
            self.temp_edit,
            self.humidity_edit,
            self.notes_edit,
        ):
            w.setReadOnly(read_only)
            # a sealed record's fields look like text, not like boxes to type in
            w.setFrame(not read_only)
            w.setStyleSheet("background: transparent;" if read_only else "")
        for w in (self.check_combo, self.ruleset_combo, self.time_edit):
            w.setEnabled(not read_only)
        self.standards_list.setEnabled(not read_only)
        if self.add_flow_button is not None:
            self.add_flow_button.setEnabled(not read_only)
        self.checklist.set_read_only(read_only)
        for m in self.models:
            m.set_read_only(read_only)
        self.findings.set_read_only(read_only)
        self.photos.set_read_only(read_only)
        for pad in self.pads.values():
            pad.set_read_only(read_only)
        for b in self.sig_buttons:
            b.setEnabled(not read_only)
        self.save_action.setEnabled(not read_only)
        self.finalize_action.setEnabled(not read_only)
        self.undo_action.setEnabled(not read_only and self.undo_stack.canUndo())
        self.redo_action.setEnabled(not read_only and self.undo_stack.canRedo())
        self.correct_action.setEnabled(
            read_only and not self.store.inspections.superseded_by(self.insp.id)
        )
        self._show_state()

    def _update_title(self) -> None:
        p, ins = self.premises, self.instrument
        title = f"{tr('Inspection editor')} — {p.name if p else ''} — {ins.serial if ins else ''}"
        if self.insp.revision > 1:  # a correction is told apart from the record it corrects
            title += " — " + tr("revision {n}").format(n=self.insp.revision)
        if not self.insp.is_draft:
            title += " (" + tr("read-only") + ")"
        self.setWindowTitle(title)

    def _show_state(self) -> None:
        self._update_title()
        i = self.insp
        if not i.is_draft:
            text = tr("Finalized {time} · content hash {hash}").format(
                time=(i.finalized_at or "")[:16], hash=(i.content_hash or "")[:16] + "…"
            )
            self.state_label.setText(
                f"{text}\n{tr('Finalized: read-only. Use Correct… to make a new revision.')}"
            )
        else:
            self.state_label.setText("")
        if i.revision > 1:
            self.revision_note.setText(
                tr("Revision {n}, correcting the previous one: {reason}").format(
                    n=i.revision, reason=i.correction_reason
                )
            )
            self.revision_note.show()
        else:
            self.revision_note.hide()

    # ---- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        lang = current_language()
        for w, key in self._labels:
            if isinstance(w, QGroupBox):
                w.setTitle(tr(key))
            else:
                w.setText(tr(key))
        self.standards_hint.setText(
            tr(
                "No reference standard for this kind of instrument is registered yet: add it on "
                "the Reference standards page of the main window (Ctrl+5); it shows here at once."
            )
        )
        for widget, key in self._accessible:
            widget.setAccessibleName(tr(key))
        self.humidity_edit.setAccessibleName(tr("Relative humidity (%)"))
        for t in self.tables:
            t.view.setAccessibleName(t.title.text())
        self.chart.setAccessibleName(tr("Error chart"))
        self.findings.view.setAccessibleName(tr("Findings"))
        self.photos.list.setAccessibleName(tr("Photos"))
        self.chart.plot.setAccessibleName(tr("Error chart"))
        self.verdict_label.setAccessibleName(tr("Verdict"))
        self.failed_list.setAccessibleName(tr("Failed items"))
        for role, key in zip(
            SIGNATURE_ROLES, ("Inspector's signature", "Representative's signature"), strict=True
        ):
            self.pads[role].setAccessibleName(tr(key))
        self.inspection_menu.setTitle(tr("Inspection"))
        self.save_action.setText(tr("Save"))
        self.finalize_action.setText(tr("Finalize…"))
        self.correct_action.setText(tr("Correct…"))
        self.export_action.setText(tr("Export report…"))
        self.keep_originals_action.setText(tr("Keep original photos (full size)"))
        self.undo_action.setText(tr("Undo"))
        self.redo_action.setText(tr("Redo"))
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
        self._update_title()
        self.checklist.retranslate()
        self.findings.retranslate()
        self.photos.retranslate()
        for t in self.tables:
            t.retranslate()
        self._load_signatures()
        self._show_verdict()
        self.chart.retranslate()
        self._show_state()
        self._show_review()

    def toggle_language(self) -> None:
        """Ctrl+Shift+L here too: the whole program switches (and remembers it)."""
        from ..i18n import set_language
        from . import settings

        lang = "en" if current_language() == "zh" else "zh"
        settings.set_value("language", lang)
        set_language(lang)

    def changeEvent(self, event) -> None:
        """Back in the editor: standards registered meanwhile are offered at once."""
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and not self.read_only
        ):
            self.refresh_standards()

    def refresh_standards(self) -> None:
        kinds = STANDARD_KINDS_FOR.get(self.insp.family)
        ids = [
            s.id
            for s in self.store.standards.list()
            if s.id in self.insp.standards or kinds is None or s.kind in kinds
        ]
        if ids != self._standards_shown:
            self._load_standards()

    def closeEvent(self, event) -> None:
        if self.insp.is_draft and (self.dirty or self.autosave.isActive()):
            self.save_now()
        self.save_window()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().closeEvent(event)


def _key_problem(exc: Exception) -> str:
    """Why the signing identity cannot be used: the full sentence (with the file) in English,
    the kind of problem in the window's language otherwise."""
    text = str(exc).rstrip(".")
    if current_language() == "en":
        return text
    if "no signing identity" in text:
        return tr("the certificate file is missing")
    if "private key file" in text:
        if "missing" in text:
            return tr("the private key file is missing")
        if "not encrypted" in text:
            return tr("the private key file is not encrypted")
        if "cannot be read" in text:
            return tr("the private key file cannot be read")
        return tr("the private key file is damaged")
    if "certificate file" in text:
        if "cannot be read" in text:
            return tr("the certificate file cannot be read")
        return tr("the certificate file is damaged")
    if "nothing can be signed" in text:
        return tr("the certificate has expired or is not valid yet")
    return text
