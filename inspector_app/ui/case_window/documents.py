"""A case's documents (立案审批表, 行政处罚决定书, 结案审批表…): those the case's state allows
are offered under its page and saved as PDF, signed with this computer's identity when
"Sign it" is on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QPushButton, QWidget

from ...domain.errors import InputError
from ...i18n import current_language, tr


class CaseDocuments(QWidget):
    store: Any
    doc_kind: QComboBox
    sign: QCheckBox
    save_doc: QPushButton
    status: QLabel

    if TYPE_CHECKING:  # the window's

        def current_case(self) -> Any: ...

    def _show_documents(self, case: Any) -> None:
        """The documents the case's state allows, the newest chosen."""
        from ...services import case_documents

        for kind in case_documents.available_documents(self.store, case):
            zh, en = case_documents.DOCUMENT_NAMES[kind]
            self.doc_kind.addItem(zh if current_language() == "zh" else en, kind)
        self.doc_kind.setCurrentIndex(self.doc_kind.count() - 1)
        self.save_doc.setEnabled(self.doc_kind.count() > 0)
        from ...crypto.keys import has_identity
        from ...paths import keys_dir

        can = has_identity(keys_dir(Path(self.store.path)))
        self.sign.setEnabled(can)
        self.sign.setChecked(can)

    def save_document(self, path: str | None = None) -> Path | None:
        """Write the chosen document of the case as a PDF (signed when "Sign it" is on)."""
        from ...services import case_documents
        from ...services.files import write_atomic
        from ..report_actions import _documents, _identity
        from ..widgets import file_dialogs

        case = self.current_case()
        kind = self.doc_kind.currentData()
        if case is None or not kind:
            return None
        if not path:
            suggestion = str(_documents() / f"{case.case_no}-{kind}.pdf")
            path = file_dialogs.get_save_file_name(
                self, tr("Save document…"), suggestion, tr("PDF files (*.pdf)")
            )
            if not path:
                return None
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        identity = None
        if self.sign.isChecked() and self.sign.isEnabled():
            unlocked = _identity(self, Path(self.store.path))
            if unlocked is None:
                return None
            identity = unlocked[0]
        try:
            pdf = case_documents.case_document(
                self.store, case.id, kind, lang=current_language(), identity=identity
            )
            write_atomic(Path(path), pdf)  # a failed write leaves no half PDF under the name
        except InputError as exc:
            self.status.setText(str(exc))
            return None
        except OSError as exc:
            self.status.setText(f"{path}: {exc.strerror}")
            return None
        self.status.setText(tr("Saved {file}.").format(file=path))
        return Path(path)
