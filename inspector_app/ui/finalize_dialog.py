"""Confirmation before an inspection is sealed: the verdict, the failed items, what will be
left out (incomplete rows) and the warnings about the standards used."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from ..i18n import ntr, tr


class FinalizeDialog(QDialog):
    def __init__(
        self,
        verdict: str | None,
        failed: list[str],
        left_out: int = 0,
        warnings: list[str] | None = None,
        parent: QWidget | None = None,
        certificate_blockers: list[str] | None = None,
    ) -> None:
        """*certificate_blockers*: why no 检定证书 may be issued (one sentence each, from
        ``services.certificates.certificate_blockers``); the record is still finalized."""
        super().__init__(parent)
        self.setWindowTitle(tr("Finalize inspection"))
        layout = QVBoxLayout(self)
        passed = verdict == "pass"
        self.verdict_label = QLabel(
            f"{tr('Overall verdict')}: {'✔ ' + tr('PASS') if passed else '✘ ' + tr('FAIL')}"
        )
        self.verdict_label.setObjectName("finalizeVerdict")
        colour = "#14632f" if passed else "#9b0019"
        self.verdict_label.setStyleSheet(f"font-size: 16pt; font-weight: bold; color: {colour};")
        layout.addWidget(self.verdict_label)
        layout.addWidget(QLabel(tr("Failed items") + ":"))
        self.failed_list = QListWidget()
        self.failed_list.setObjectName("failedItems")
        if failed:
            self.failed_list.addItems([f"✘ {f}" for f in failed])
        else:
            self.failed_list.addItem(tr("No failed items."))
        self.failed_list.setMaximumHeight(140)
        layout.addWidget(self.failed_list)
        if left_out:
            note = QLabel(
                "⚠ "
                + ntr(
                    "Left out because incomplete: {n} row or test.",
                    "Left out because incomplete: {n} rows or tests.",
                    left_out,
                ).format(n=left_out)
            )
            note.setStyleSheet("color: #a15c00;")
            note.setWordWrap(True)
            layout.addWidget(note)
        if warnings:
            w = QLabel("⚠ " + tr("Warnings") + ":\n" + "\n".join(warnings))
            w.setStyleSheet("color: #a15c00;")
            w.setWordWrap(True)
            layout.addWidget(w)
        self.blockers_label = QLabel()
        self.blockers_label.setObjectName("certificateBlockers")
        self.blockers_label.setWordWrap(True)
        self.blockers_label.setStyleSheet("color: #a15c00;")
        if certificate_blockers:
            self.blockers_label.setText(
                "⚠ "
                + tr(
                    "No verification certificate: this record will be printed as an inspection record (检查记录), because:"
                )
                + "\n"
                + "\n".join(f"• {b}" for b in certificate_blockers)
            )
            layout.addWidget(self.blockers_label)
        self.blockers_label.setVisible(bool(certificate_blockers))
        info = QLabel(
            tr(
                "After finalizing, the record is sealed with its content hash and can no longer be edited; "
                "a mistake is fixed with a correction (a new revision with a reason)."
            )
        )
        info.setWordWrap(True)
        layout.addWidget(info)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Finalize"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(480, 360)
