"""One inspection under review: what was found, whether the record and its signed PDF are
intact (the ``verify`` verdict), earlier reviews, and Approve / Return with a comment.

A decision is signed with the supervisor's key (passphrase asked once per session through
:class:`IdentityCache`) and written by :func:`inspector_app.services.review.decide`.

The panel is put together from its parts: :mod:`.review_record` shows what the record found
(tests, failed items, checklist, photos, findings, earlier reviews), :mod:`.review_pdf` the
signed PDF's verdict and the verifier's countersignature; this module lays them out and
holds the decision (every message box of the panel is here).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...i18n import current_language, tr
from ..models.labels import check_label, family_label, verdict_label
from ..widgets.field_error import FieldError
from ..widgets.language import follow_language
from . import dialogs
from .review_pdf import PdfCheckView
from .review_record import RecordFindings, _coloured, _edition_changes


class IdentityCache:
    """The supervisor's unlocked identity for this session (asked for once)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.identity = None

    def get(self, parent: QWidget | None):
        if self.identity is not None:
            return self.identity
        from ...crypto.keys import KeyError_
        from ...services.reports import load_signer

        passphrase = dialogs.ask_passphrase(parent)
        if passphrase is None:
            return None
        try:
            self.identity = load_signer(self.db_path, passphrase)
        except KeyError_ as exc:
            QMessageBox.warning(
                parent,
                tr("Signing key"),
                tr("Your signing key could not be opened: {error}").format(error=exc),
            )
            return None
        return self.identity


class ReviewPanel(RecordFindings, PdfCheckView, QWidget):
    decided = Signal(str)  # inspection id

    def __init__(
        self, store, identities: IdentityCache, parent: QWidget | None = None, *, actor: str = ""
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.identities = identities
        self.actor = actor
        self.inspection_id: str | None = None
        self.pdf_check = None
        self.placeholder = QLabel(self)
        self.placeholder.setStyleSheet("color: #555;")
        self.title = QLabel(self)
        self.title.setObjectName("reviewTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.form = QFormLayout()
        self.form_labels = {
            k: QLabel(self)
            for k in ("date", "inspector", "check", "verdict", "region", "record", "pdf")
        }
        self.values = {k: QLabel(self) for k in self.form_labels}
        for k in self.form_labels:
            self.values[k].setWordWrap(True)
            self.form.addRow(self.form_labels[k], self.values[k])
        self.values["pdf"].setObjectName("pdfVerdict")
        self.values["record"].setObjectName("recordCheck")
        self.open_pdf = QPushButton(self)
        self.sign_pdf = QPushButton(self)
        self.attach_pdf = QPushButton(self)
        self.sign_pdf.setObjectName("signPdfButton")
        pdf_row = QHBoxLayout()
        for b in (self.open_pdf, self.sign_pdf, self.attach_pdf):
            pdf_row.addWidget(b)
        pdf_row.addStretch(1)
        self.findings_box = QGroupBox(self)
        self.findings = QTableWidget(0, 4, self)
        self.findings.setObjectName("findingsTable")
        self.findings.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings.verticalHeader().setVisible(False)
        self.findings.setWordWrap(True)
        hh = self.findings.horizontalHeader()
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        hh.resizeSection(2, 130)
        self.findings.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.findings.setMinimumHeight(90)
        self.tests_label = QLabel(self)
        self.tests_label.setWordWrap(True)
        self.failed_label = QLabel(self)
        self.failed_label.setObjectName("reviewFailedItems")
        self.failed_label.setWordWrap(True)
        self.checklist_label = QLabel(self)
        self.checklist_label.setObjectName("reviewChecklist")
        self.checklist_label.setWordWrap(True)
        self.photos_row = QHBoxLayout()
        self.photos_title = QLabel(self)
        self.photos_row.addWidget(self.photos_title)
        self.photo_labels: list[QLabel] = []
        fl = QVBoxLayout(self.findings_box)
        fl.addWidget(self.tests_label)
        fl.addWidget(self.failed_label)
        fl.addWidget(self.checklist_label)
        fl.addLayout(self.photos_row)
        fl.addWidget(self.findings)
        self.history_box = QGroupBox(self)
        self.history = QLabel(self)
        self.history.setObjectName("reviewHistory")
        self.history.setWordWrap(True)
        QVBoxLayout(self.history_box).addWidget(self.history)
        self.comment_label = QLabel(self)
        self.comment = QPlainTextEdit(self)
        self.comment.setObjectName("reviewComment")
        self.comment.setMaximumHeight(80)
        self.comment_error = FieldError(self)
        self.approve_button = QPushButton(self)
        self.approve_button.setObjectName("approveButton")
        self.return_button = QPushButton(self)
        self.return_button.setObjectName("returnButton")
        # 核验员: a further signature on the inspector's kept PDF, before 批准 (approval)
        self.countersign_button = QPushButton(self)
        self.countersign_button.setObjectName("countersignButton")
        self.message = QLabel(self)
        self.message.setObjectName("reviewMessage")
        buttons = QHBoxLayout()
        buttons.addWidget(self.countersign_button)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.title)
        body.addLayout(self.form)
        body.addLayout(pdf_row)
        body.addWidget(self.findings_box, 1)
        body.addWidget(self.history_box)
        body.addWidget(self.comment_label)
        body.addWidget(self.comment)
        body.addWidget(self.comment_error)
        body.addLayout(buttons)
        body.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.body, 1)
        self.body.hide()
        self.approve_button.clicked.connect(lambda: self.decide("approved"))
        self.return_button.clicked.connect(lambda: self.decide("returned"))
        self.countersign_button.clicked.connect(self.countersign_as_verifier)
        self.open_pdf.clicked.connect(self.open_pdf_file)
        self.sign_pdf.clicked.connect(self.sign_and_verify)
        self.attach_pdf.clicked.connect(self.attach_signed_pdf)
        self.retranslate()
        follow_language(self, self.retranslate)

    # -- showing ------------------------------------------------------------------------------
    def show_inspection(self, inspection_id: str | None) -> None:
        from ...services import review as rv

        self.inspection_id = inspection_id
        self.message.clear()
        self.comment_error.clear_message()
        if not inspection_id:
            self.body.hide()
            self.placeholder.show()
            return
        insp = self.store.inspections.require(inspection_id)
        premises = self.store.premises.get(insp.premises_id)
        self._fill_title(insp)
        self.values["date"].setText(insp.started_at.replace("T", " "))
        self.values["inspector"].setText(insp.inspector)
        self.values["check"].setText(
            f"{check_label(insp.check)} · {insp.ruleset}" + _edition_changes(insp)
        )
        colour = "#1e8449" if insp.verdict == "pass" else "#c0392b"
        from html import escape

        from ...domain.rules.ruledata import stale_note

        stale = stale_note(insp.result)  # judged under another rule data version than today's
        self.values["verdict"].setText(
            f"<b style='color:{colour}'>{verdict_label(insp.verdict)}</b>"
            + (
                f"<br><span style='color:#9a6700'>"
                f"{escape(stale[0] if current_language() == 'zh' else stale[1])}</span>"
                if stale
                else ""
            )
        )
        region = " · ".join(x for x in ((premises.city, premises.market) if premises else ()) if x)
        self.values["region"].setText(region or "—")
        self._record_check = rv.inspection_check(self.store, inspection_id)
        self._fill_record()
        self._fill_findings(insp)
        self._fill_history()
        self._load_pdf(identity=self.identities.identity)
        self.comment.clear()
        self._update_buttons()
        self.placeholder.hide()
        self.body.show()

    def _update_buttons(self) -> None:
        from ...services import review as rv

        decided = bool(self.inspection_id and rv.review_states(self.store, [self.inspection_id]))
        self.approve_button.setEnabled(not decided)
        self.return_button.setEnabled(not decided)
        self.comment.setEnabled(not decided)
        self.open_pdf.setEnabled(self.pdf_check is not None)
        self.countersign_button.setEnabled(not decided and self._can_countersign())

    # -- actions ------------------------------------------------------------------------------
    def confirm_approve(self, insp) -> bool:
        """Ask before approving; a FAIL without findings is said plainly (tests replace this)."""
        unexplained = insp.verdict == "fail" and not insp.findings
        text = (
            tr("This inspection FAILED and has no findings recorded. Approve it anyway?")
            if unexplained
            else tr(
                "Approve this inspection? The decision is signed with your key and cannot be undone."
            )
        )
        answer = QMessageBox.question(
            self,
            tr("Approve"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def decide(self, decision: str) -> bool:
        from ...services import review as rv

        if not self.inspection_id:
            return False
        comment = self.comment.toPlainText()
        if decision == "returned" and not comment.strip():
            self.comment_error.show_message(tr("Comment (required when returning)"))
            self.comment.setFocus()
            return False
        if decision == "approved" and not self.confirm_approve(
            self.store.inspections.require(self.inspection_id)
        ):
            return False
        identity = self.identities.get(self)
        if identity is None:
            return False
        try:
            rv.decide(
                self.store,
                self.inspection_id,
                decision,
                identity,
                comment,
                actor=self.actor or identity.name,
            )
        except InputError as exc:
            self.comment_error.show_message(exc.message)
            return False
        if self.pdf_check is None or self.pdf_check.status == "UNSIGNED":
            self._load_pdf(identity=identity)  # the reviewed report is kept, signed
        elif self.pdf_check.path:
            self._load_pdf()  # the kept PDF again: approval countersigned it (批准人)
        self.message.setText(tr("The decision was recorded and signed."))
        self._fill_history()
        self._update_buttons()
        self.decided.emit(self.inspection_id)
        return True

    def attach_signed_pdf(self) -> None:
        from ...services import review as rv

        path = dialogs.choose_open_file(
            self, tr("Attach inspector's PDF…").rstrip("…"), tr("PDF files (*.pdf)")
        )
        if not path or not self.inspection_id:
            return
        try:
            self.pdf_check = rv.attach_pdf(
                self.store, self.store.path, self.inspection_id, Path(path).read_bytes()
            )
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, tr("Signed PDF"), getattr(exc, "message", str(exc)))
            return
        self._load_pdf()

    def retranslate(self) -> None:
        self.placeholder.setText(tr("Choose an inspection in the queue."))
        for key, text in (
            ("date", "Date"),
            ("inspector", "Inspector"),
            ("check", "Kind of check"),
            ("verdict", "Verdict"),
            ("region", "Region"),
            ("record", "Record"),
            ("pdf", "Signed PDF"),
        ):
            self.form_labels[key].setText(tr(text) + ":")
        self.open_pdf.setText(tr("Open PDF"))
        self.sign_pdf.setText(tr("Sign && verify PDF"))
        self.attach_pdf.setText(tr("Attach inspector's PDF…"))
        self.findings_box.setTitle(tr("Findings"))
        self.findings.setHorizontalHeaderLabels(
            [tr("Code"), tr("Finding"), tr("Legal basis"), tr("Severity")]
        )
        self.history_box.setTitle(tr("Reviews"))
        self.comment_label.setText(tr("Comment (required when returning)") + ":")
        self.approve_button.setText(tr("&Approve"))
        self.countersign_button.setText(tr("Countersign as &verifier"))
        self.countersign_button.setToolTip(
            tr("Add the verifier's signature to the inspector's signed PDF")
        )
        self.return_button.setText(tr("&Return to inspector"))
        if self.inspection_id:
            self._refill()

    def _fill_title(self, insp) -> None:
        premises = self.store.premises.get(insp.premises_id)
        instrument = self.store.instruments.get(insp.instrument_id)
        inst = " ".join(
            x
            for x in (
                family_label(insp.family),
                instrument.maker if instrument else "",
                instrument.model if instrument else "",
                instrument.serial if instrument else "",
            )
            if x
        )
        self.title.setText(f"{premises.name if premises else ''} — {inst}")

    def _fill_record(self) -> None:
        check = getattr(self, "_record_check", None)
        if check is None:
            return
        self.values["record"].setText(
            _coloured(
                tr("record intact") if check.ok else check.message,
                "VALID" if check.ok else "INVALID",
            )
        )

    def _refill(self) -> None:
        """After a language switch: every text of the shown inspection again (no PDF work)."""
        import sqlite3

        try:
            insp = self.store.inspections.get(self.inspection_id)
        except sqlite3.ProgrammingError:  # the window is closing and its store is closed
            return
        if insp is None:
            return
        self._fill_title(insp)
        self._fill_record()
        self.values["check"].setText(f"{check_label(insp.check)} · {insp.ruleset}")
        colour = "#1e8449" if insp.verdict == "pass" else "#c0392b"
        self.values["verdict"].setText(
            f"<b style='color:{colour}'>{verdict_label(insp.verdict)}</b>"
        )
        self._fill_findings(insp)
        self._fill_history()
        self._fill_pdf()
