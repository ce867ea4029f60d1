"""The inspection editor's window: it sets up the record and its undo stack, lays the
sections out (the form on the left in a scroll area, the verdict panel on the right),
loads the record's values into them, makes a finalized record read-only, keeps the title
and every text in the program's language, remembers its size and saves on close."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDateTime, QEvent, Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.forms import form_for
from ...domain.models import Inspection
from ...i18n import current_language, on_language_changed, tr
from ...services import drafts
from ..widgets.window_fit import fit_to_screen
from .actions import EditorActions
from .autosave import AUTOSAVE_MS, Autosave
from .checklist import ChecklistSection
from .finalize import FinalizeActions
from .header import HeaderSection
from .photos import SIGNATURE_ROLES, PhotosSection
from .readings import ReadingsSection
from .signing import Signing
from .verdict import VerdictPanel


class InspectionEditor(
    EditorActions,
    HeaderSection,
    ChecklistSection,
    ReadingsSection,
    PhotosSection,
    VerdictPanel,
    Autosave,
    FinalizeActions,
    Signing,
):
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
        self._labels: list[tuple[QLabel | QGroupBox | QPushButton, str]] = []
        self._header_errors: dict[str, str] = {}
        self._build()
        self._load_widgets()
        self.reevaluate()
        self.set_read_only(not self.insp.is_draft)
        self._unsubscribe: Callable[[], None] | None = on_language_changed(
            lambda _lang: self.retranslate()
        )
        self.retranslate()
        self._restore_window()

    def _restore_window(self) -> None:
        """The size and state (maximised too) the last editor was closed with; the first
        time, as large as fits the screen (a 1366×768 laptop included)."""
        from .. import settings

        geometry = settings.load_geometry("editor")
        if geometry and self.restoreGeometry(geometry):
            fit_to_screen(self)
            return
        self.resize(1320, 860)
        fit_to_screen(self)

    def save_window(self) -> None:
        from .. import settings

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

    def _build(self) -> None:
        self._build_actions()

        # -- left: the form, one section under the other ---------------------------------------
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
        self._build_header(col)
        self._build_checklist(col)
        self._build_tests(col)
        self._build_findings(col)
        self._build_photos(col)
        self._build_signatures(col)
        col.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.scroll_area = scroll  # (not self.scroll: that would hide QWidget.scroll())

        # -- right: verdict and chart -----------------------------------------------------------
        side = self._build_side()

        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([920, 380])  # the form first: its tables need the width
        self.setCentralWidget(splitter)
        self.statusBar()

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
        for box in (self.check_combo, self.ruleset_combo, self.time_edit):
            box.setEnabled(not read_only)
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
        self._retranslate_header(lang)
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
        from ...i18n import set_language
        from .. import settings

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

    def closeEvent(self, event) -> None:
        if self.insp.is_draft and (self.dirty or self.autosave.isActive()):
            self.save_now()
        self.save_window()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().closeEvent(event)
