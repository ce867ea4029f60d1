"""Finalizing an inspection (asked first, with what the inspector should know; signed when
this computer has a signing identity; the record is then read-only), correcting a finalized
one (a new revision with a reason, in a new editor) and exporting its report."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QDialog, QInputDialog

from ...domain.errors import InputError
from ...i18n import current_language, tr
from ...services import drafts
from ..finalize_dialog import FinalizeDialog
from ..widgets.field_error import translate_message
from .base import EditorBase

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from .window import InspectionEditor


class FinalizeActions(EditorBase):
    correct_action: QAction
    correction_editor: InspectionEditor | None
    standard_warnings: list

    if TYPE_CHECKING:  # provided by the other parts

        def reevaluate(self) -> None: ...
        def extra_failures(self) -> list[str]: ...
        def failed(self) -> list[str]: ...
        def identity_usable(self) -> bool: ...
        def unlock_identity(self) -> bool: ...
        def sign_with_identity(self, content_hash: str) -> tuple[str, str]: ...
        def save_now(self) -> bool: ...
        def set_read_only(self, read_only: bool) -> None: ...
        def _rebind_tests(self) -> None: ...

    def confirm_finalize(
        self, verdict: str | None, failed: list[str], left_out: int, warnings: list[str]
    ) -> bool:
        """Ask before sealing (tests replace this)."""
        dlg = FinalizeDialog(verdict, failed, left_out, warnings, self, self.certificate_blockers())
        return dlg.exec() == QDialog.DialogCode.Accepted

    def certificate_blockers(self) -> list[str]:
        """Why this record cannot give a 检定证书 (shown before finalizing)."""
        from ...services.certificates import certificate_blockers

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
        instrument = self.instrument
        if instrument is None:  # deleted meanwhile: nothing can be judged against it
            self.last_error = tr("Could not finalize: {message}").format(
                message=tr("The instrument of this record is no longer in the database.")
            )
            self.statusBar().showMessage(self.last_error)
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
        ev2 = drafts.evaluate_draft(sealed, instrument)
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
        editor_class = cast("type[InspectionEditor]", type(self))  # the window, not this part
        editor = editor_class(self.store, child.id, self.parentWidget(), self.actor)
        if self.signer != self.sign_with_identity:  # a signer given from outside carries over
            editor.signer = self.signer
        self.correction_editor = editor
        self.correct_action.setEnabled(False)
        self.corrected.emit(self.insp.id, child.id)
        editor.show()
        return editor

    def export_report(
        self, path: str | Path | None = None, *, open_result: bool = True
    ) -> Path | None:
        """Inspection → Export report…: save first, then the PDF (signed when finalized and an
        identity exists: report_actions asks the passphrase), opened when written."""
        from .. import report_actions

        if self.insp.is_draft:
            self.save_now()
        return report_actions.export_report(
            self, self.store, self.store.path, self.insp.id, path=path, open_result=open_result
        )
