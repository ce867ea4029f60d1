"""The review panel's signed PDF: the ``verify`` verdict of the inspector's kept PDF (or of
one made for the review), with the office countersignatures it carries; signing and
verifying it, the verifier's countersignature, and opening it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QWidget

from ...domain.errors import InputError
from ...i18n import current_language, tr
from .review_record import _coloured, _local_time

if TYPE_CHECKING:
    from ..widgets.field_error import FieldError


class PdfCheckView(QWidget):
    """The panel's part that checks the signed PDF (see :class:`.review_panel.ReviewPanel`)."""

    store: Any
    identities: Any
    inspection_id: str | None
    pdf_check: Any
    values: dict[str, QLabel]
    message: QLabel
    comment_error: FieldError

    if TYPE_CHECKING:  # the panel's

        def _update_buttons(self) -> None: ...

    def _load_pdf(self, identity=None, regenerate: bool = False) -> None:
        from ...services import review as rv

        if not self.inspection_id:  # no record shown: no PDF to check
            self.pdf_check = None
            return
        try:
            self.pdf_check = rv.review_pdf(
                self.store,
                self.store.path,
                self.inspection_id,
                identity=identity,
                lang=current_language(),
                regenerate=regenerate,
            )
        except InputError as exc:
            self.pdf_check = None
            self.values["pdf"].setText(_coloured(exc.message, "INVALID"))
            return
        self._fill_pdf()

    def _fill_pdf(self) -> None:
        """The PDF line: for the inspector's kept PDF that verifies, "Signed by the inspector
        (valid)" with the office countersignatures it carries; else the verify verdict."""
        from html import escape

        c = self.pdf_check
        if c is None:
            return
        text = tr(c.reason)
        if c.signer:
            text = (
                f"{c.signer}"
                + (f", {c.signing_time[:16].replace('T', ' ')}" if c.signing_time else "")
                + f"; {tr(c.reason)}; "
                + tr("record hash: {check}").format(check=tr(c.record_check))
            )
        roles = [role for _f, role, _s, _st in c.signatures]
        if c.status == "VALID" and c.path and roles[:1] == ["inspector"]:
            names = {"VerifierSignature": tr("verifier"), "ApproverSignature": tr("approver")}
            counter = [
                f"{names.get(f, f)} {escape(who)}"
                for f, role, who, _st in c.signatures[1:]
                if role == "office countersigner"
            ]
            valid = tr("Signed by the inspector (valid)")
            line = f"<span style='color:#1e8449; font-weight:bold'>{valid}</span>"
            line += f" — {escape(c.signer or '')}"
            if c.signing_time:
                line += f", {_local_time(c.signing_time)}"
            if counter:
                line += "<br>" + tr("Countersigned by {who}").format(
                    who=("、" if current_language() == "zh" else ", ").join(counter)
                )
            self.values["pdf"].setText(line)
            return
        self.values["pdf"].setText(_coloured(text, c.status))

    def _can_countersign(self) -> bool:
        """The kept PDF verifies, was signed by the inspector and has no verifier yet."""
        c = self.pdf_check
        if c is None or not c.path or c.status != "VALID" or not c.signatures:
            return False
        fields = [f for f, _r, _s, _st in c.signatures]
        return c.signatures[0][1] == "inspector" and "VerifierSignature" not in fields

    def countersign_as_verifier(self) -> bool:
        """核验员: add the verifier's signature to the inspector's kept PDF (one more PAdES
        signature over everything before it); the file changes only when the result
        verifies VALID."""
        from ...services import review as rv

        if not self.inspection_id or not self._can_countersign():
            return False
        identity = self.identities.get(self)
        if identity is None:
            return False
        try:
            self.pdf_check = rv.countersign(
                self.store, self.store.path, self.inspection_id, identity, "verifier"
            )
        except InputError as exc:
            self.comment_error.show_message(exc.message)
            return False
        self._fill_pdf()
        self.message.setText(tr("The PDF was countersigned by the verifier."))
        self._update_buttons()
        return True

    def sign_and_verify(self) -> None:
        identity = self.identities.get(self)
        if identity is None or not self.inspection_id:
            return
        stored = self.pdf_check is not None and self.pdf_check.path
        self._load_pdf(identity=identity, regenerate=not stored)
        self._update_buttons()

    def open_pdf_file(self) -> None:
        c = self.pdf_check
        if c is None:
            return
        path = c.path
        if not path:
            tmp = Path(tempfile.gettempdir()) / f"inspector-review-{self.inspection_id}.pdf"
            tmp.write_bytes(c.pdf)
            path = str(tmp)
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))
