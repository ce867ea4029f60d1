"""Settings → Certificate numbers…: the ledger of certificate and notice numbers this
database issued, and voiding one with a reason.

A number is taken only when a signed certificate or notice is issued; it is never reused.
A number whose document was never delivered (printed wrongly, lost) or is withdrawn is
voided here with its reason (one audited write, ``services.certificates.void_number``); the next
signed issue of that record's document then takes the next number. Numbers missing from a
sequence (a ledger row deleted) are named under the table, as ``check`` names them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InputError
from ..i18n import tr
from .widgets.field_error import FieldError, translate_message
from .widgets.language import follow_language

COLUMNS = (
    ("number", "Number"),
    ("kind", "Document"),
    ("status", "Status"),
    ("issued_at", "Issued"),
    ("void_reason", "Reason void"),
)
KIND_NAMES = {"certificate": "Verification certificate", "notice": "Notice of verification result"}


class CertificateNumbersDialog(QDialog):
    def __init__(self, store, parent: QWidget | None = None, *, actor: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.rows: list[dict] = []
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("certificateNumbers")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        hh.setStretchLastSection(True)
        self.gaps = QLabel(self)
        self.gaps.setObjectName("certificateGaps")
        self.gaps.setWordWrap(True)
        self.gaps.setStyleSheet("color: #c0392b;")
        self.void_button = QPushButton(self)
        self.void_button.setObjectName("voidNumberButton")
        self.error = FieldError(self)
        self.message = QLabel(self)
        self.message.setObjectName("certificateMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.void_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.gaps)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.void_button.clicked.connect(self.void_selected)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.retranslate()
        follow_language(self, self.retranslate)
        self.reload()
        self.resize(760, 420)

    # -- data ----------------------------------------------------------------------------------
    def reload(self) -> None:
        from ..store.reports import all_number_gaps, certificate_ledger

        self.rows = list(reversed(certificate_ledger(self.store, None)))  # newest first
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, (key, _title) in enumerate(COLUMNS):
                value = str(row.get(key) or "")
                if key == "kind":
                    value = tr(KIND_NAMES.get(value, value))
                elif key == "status":
                    value = tr("void") if value == "void" else tr("issued")
                elif key == "issued_at":
                    value = value[:16].replace("T", " ")
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if row.get("status") == "void":
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
        gaps = all_number_gaps(self.store.conn)
        self.gaps.setText(
            "\n".join(
                tr("Number {seq} of {year} is missing from the ledger (a row was deleted).").format(
                    seq=seq, year=year
                )
                for _body, year, seq in gaps
            )
        )
        self.gaps.setVisible(bool(gaps))
        self._update_button()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _update_button(self) -> None:
        row = self.selected()
        self.void_button.setEnabled(row is not None and row.get("status") == "issued")

    # -- voiding --------------------------------------------------------------------------------
    def ask_reason(self, number: str) -> str | None:
        """The reason for voiding *number*; None when cancelled (tests replace this)."""
        text, ok = QInputDialog.getText(
            self,
            tr("Void number"),
            tr(
                "Why is {number} void? The number is never used again; the next signed issue "
                "of this document takes a new number."
            ).format(number=number),
        )
        return text if ok else None

    def void_selected(self) -> bool:
        from ..services.certificates import void_number

        row = self.selected()
        if row is None or row.get("status") != "issued":
            return False
        reason = self.ask_reason(row["number"])
        if reason is None:
            return False
        try:
            void_number(self.store, row["number"], reason, actor=self.actor)
        except InputError as exc:
            self.error.show_message(translate_message(exc.message))
            return False
        self.error.clear_message()
        self.message.setText(tr("{number} is void.").format(number=row["number"]))
        self.reload()
        return True

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Certificate numbers"))
        self.table.setHorizontalHeaderLabels([tr(title) for _k, title in COLUMNS])
        self.void_button.setText(tr("&Void number…"))
        self.void_button.setToolTip(
            tr("Void the selected number: its document was never delivered or is withdrawn")
        )
        if self.rows:
            import sqlite3

            try:
                self.reload()  # the kind and status words in the new language
            except sqlite3.ProgrammingError:  # the window is closing and its store is closed
                pass
