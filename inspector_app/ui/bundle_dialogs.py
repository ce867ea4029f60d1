"""Export and import dialogs for sync bundles.

The work runs in a background :class:`~inspector_app.ui.workers.Job` that opens its own
store (SQLite connections belong to one thread); the dialog shows progress, can cancel
(an import can be cancelled until its transaction starts), and ends with a report: what was
written, or what was imported (new, updated, unchanged, conflicts), or why a bundle was
refused (the stage, the entry and the reason; nothing was changed).

Cancel stops an import only until its transaction starts; from then on the button is
disabled. A cancel that arrives while the work is ending anyway (the merge committed, the
file was written) is reported as what really happened, never as "nothing was changed".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..sync.format import escape_text
from .widgets import file_dialogs
from .workers import Job


def _line(p: dict) -> str:
    """One problem or warning as a line (its texts are escaped by the sync layer already)."""
    where = f"{p['entry']}: " if p.get("entry") else ""
    return f"• {where}{p['reason']}"


def _listing(items: list[dict], count: int) -> str:
    """Every listed problem or warning (the sync layer keeps the first 100) and how many
    more there were."""
    text = "\n".join(_line(p) for p in items)
    if count > len(items):
        text += "\n" + tr("… and {count} more").format(count=count - len(items))
    return text


STAGE_TEXT = {
    "collect": "collect",
    "write": "write",
    "entries": "entries",
    "records": "records",
    "merge": "merge",
}


def _progress_adapter(progress):
    """The services' progress(stage, done, total) on top of a Job's progress(done, total, text)."""

    def report(stage: str, done: int, total: int) -> bool:
        if stage == "merge" and done == 0:
            # the start of the merge must reach the dialog (it disables Cancel); a Job drops
            # reports that come too soon after the last one unless done >= total
            return progress(0, 0, stage)
        return progress(done, max(total, 1), stage)

    return report


class _BundleDialog(QDialog):
    def __init__(self, db_path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.job: Job | None = None
        # what the last run produced (not self.result: that would hide QDialog.result())
        self.outcome: object = None
        self.late_cancel = False  # Cancel pressed, but the work had finished anyway
        self.path_edit = QLineEdit()
        self.browse = QPushButton(tr("Browse…"))
        self.browse.clicked.connect(self._browse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.stage_label = QLabel("")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("bundleStatus")
        self.go = QPushButton()
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        self.go.clicked.connect(self.start)
        self.form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        self.form.addRow(tr("File"), row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.go, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.progress)
        self.layout_.addWidget(self.stage_label)
        self.layout_.addWidget(self.status)
        self.extra = QVBoxLayout()
        self.layout_.addLayout(self.extra)
        self.layout_.addLayout(buttons)
        self.resize(560, 0)

    # -- job plumbing ---------------------------------------------------------------------
    def start(self) -> None:
        """Go: export or import (each dialog its own)."""
        raise NotImplementedError

    def _run(self, work) -> None:
        self.outcome = None
        self.late_cancel = False
        self.status.setText("")
        self.progress.setRange(0, 0)  # busy until the first report
        self._set_running(True)
        self.job = Job(work, self)
        self.job.progress.connect(self._on_progress)
        self.job.succeeded.connect(self._on_succeeded)
        self.job.failed.connect(self._on_failed)
        self.job.cancelled.connect(self._on_cancelled)
        self.job.start()

    def _set_running(self, running: bool) -> None:
        self.go.setEnabled(not running)
        self.browse.setEnabled(not running)
        self.close_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        if text == "merge" and self.is_running():
            # the transaction runs to its end: a cancel cannot stop it any more
            self.cancel_button.setEnabled(False)
            self.stage_label.setText(tr("Merging (can no longer be cancelled)…"))
            return
        self.stage_label.setText(tr(STAGE_TEXT.get(text, text)) if text else "")

    def _on_cancelled(self, *_args) -> None:
        result = self.job.result if self.job is not None else None
        if result is not None:
            # The work ended with a result although Cancel was pressed: report the result.
            self.late_cancel = True
            self._on_succeeded(result)
            return
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(tr("Cancelled; nothing was changed."))

    def _on_failed(self, exc: BaseException) -> None:
        self._set_running(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        message = getattr(exc, "message", None) or str(exc)
        self.status.setText(message)

    def _on_succeeded(self, result) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _browse(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def is_running(self) -> bool:
        return self.job is not None and self.job.is_running()

    def reject(self) -> None:
        if self.is_running():
            return  # close only when the work has ended
        super().reject()


class ExportBundleDialog(_BundleDialog):
    """Write a signed bundle: the field's inspections, or the office's reference data."""

    exported = Signal(object)  # ExportResult

    def __init__(
        self, db_path: str | Path, parent: QWidget | None = None, *, office: bool = False
    ) -> None:
        super().__init__(db_path, parent)
        self.setWindowTitle(tr("Export bundle"))
        self.go.setText(tr("Export"))
        self.direction = QComboBox()
        self.direction.addItem(tr("Inspections for the office"), "field")
        self.direction.addItem(tr("Reference data and acknowledgements for the laptops"), "office")
        self.direction.setCurrentIndex(1 if office else 0)
        self.everything = QCheckBox(tr("Everything, not only what the office has not acknowledged"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(tr("Direction"), self.direction)
        self.form.addRow("", self.everything)
        self.form.addRow(tr("Key passphrase"), self.passphrase)
        self.direction.currentIndexChanged.connect(
            lambda _i: self.everything.setEnabled(self.direction.currentData() == "field")
        )

    def _browse(self) -> None:
        path = file_dialogs.get_save_file_name(
            self, tr("Export bundle"), self.path_edit.text(), tr("Sync bundles (*.zip)")
        )
        if path:
            self.path_edit.setText(path if path.endswith(".zip") else path + ".zip")

    def start(self) -> None:
        out = self.path_edit.text().strip()
        if not out:
            self.status.setText(tr("Choose a file first."))
            return
        passphrase = self.passphrase.text().encode("utf-8")
        if not passphrase:
            self.status.setText(tr("Enter the passphrase of your signing key."))
            return
        direction = self.direction.currentData()
        everything = self.everything.isChecked()
        db_path = self.db_path
        self.stage_label.setText(tr("Exporting…"))

        def work(progress, is_cancelled):
            from ..crypto import keys
            from ..paths import keys_dir
            from ..services.sync import export_bundle
            from ..store import open_database

            identity = keys.load_identity(keys_dir(db_path), passphrase)
            store = open_database(db_path)
            try:
                return export_bundle(
                    store,
                    identity,
                    out,
                    all=everything,
                    direction=direction,
                    progress=_progress_adapter(progress),
                    actor=identity.name,
                )
            finally:
                store.close()

        self._run(work)

    def _on_succeeded(self, result) -> None:
        self._set_running(False)
        self.outcome = result
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        counts = ", ".join(f"{n} {tr(k)}" for k, n in result.counts.items())
        text = tr("Wrote {path}: {counts}.").format(path=result.path, counts=counts)
        if self.late_cancel:
            text += " " + tr("Cancel came too late: the bundle had already been written.")
        self.status.setText(text)
        self.passphrase.clear()
        self.exported.emit(result)


class ImportBundleDialog(_BundleDialog):
    """Check and import a bundle, all or nothing, and show what happened."""

    imported = Signal(object)  # ImportReport (also for a refused bundle)

    def __init__(self, db_path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(db_path, parent)
        self.setWindowTitle(tr("Import bundle"))
        self.go.setText(tr("Check and import"))
        self.report_box = QGroupBox()
        grid = QGridLayout(self.report_box)
        self.counts: dict[str, QLabel] = {}
        for row, (key, label) in enumerate(
            (
                ("new", "New"),
                ("updated", "Updated"),
                ("unchanged", "Unchanged"),
                ("conflicts", "Conflicts"),
                ("acknowledged", "Safely at the office"),
            )
        ):
            grid.addWidget(QLabel(tr(label)), row, 0)
            value = QLabel("–")
            value.setObjectName(f"count_{key}")
            self.counts[key] = value
            grid.addWidget(value, row, 1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        grid.addWidget(self.note, len(self.counts), 0, 1, 2)
        self.report_box.setVisible(False)
        self.extra.addWidget(self.report_box)
        self.reason = QLabel("")
        self.reason.setWordWrap(True)
        self.reason.setObjectName("rejectionReason")
        self.reason.setStyleSheet("color: #b00020;")
        self.reason.setVisible(False)
        self.extra.addWidget(self.reason)
        # every problem of a refused bundle, or every warning of an import: scrolls, can be
        # selected and copied, never grows the dialog past the screen
        self.details = QPlainTextEdit()
        self.details.setObjectName("bundleDetails")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setMaximumHeight(180)
        self.details.setVisible(False)
        self.extra.addWidget(self.details)

    def _browse(self) -> None:
        path = file_dialogs.get_open_file_name(
            self, tr("Import bundle"), self.path_edit.text(), tr("Sync bundles (*.zip)")
        )
        if path:
            self.path_edit.setText(path)

    def start(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self.status.setText(tr("Choose a file first."))
            return
        db_path = self.db_path
        self.report_box.setVisible(False)
        self.reason.setVisible(False)
        self.details.setVisible(False)
        self.stage_label.setText(tr("Checking and importing…"))

        def work(progress, is_cancelled):
            from ..services.sync import import_bundle
            from ..store import open_database

            store = open_database(db_path)
            try:
                return import_bundle(
                    store, path, progress=_progress_adapter(progress), actor="import"
                )
            finally:
                store.close()

        self._run(work)

    def _on_succeeded(self, report) -> None:
        self._set_running(False)
        self.outcome = report
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if report.ok else 0)
        self.stage_label.setText("")
        self.report_box.setVisible(True)
        self.reason.setVisible(False)
        self.details.setVisible(False)
        self.details.clear()
        if report.status == "rejected":
            rej = report.rejection
            if rej["reason"] == "cancelled":
                self.report_box.setVisible(False)
                self.status.setText(tr("Cancelled; nothing was changed."))
                self.imported.emit(report)
                return
            self.status.setText(
                tr("Refused at stage {stage} ({name}); nothing was changed.").format(
                    stage=rej["stage"], name=tr(rej["stage_name"])
                )
            )
            for label in self.counts.values():
                label.setText("–")
            self.report_box.setVisible(False)
            where = f"{rej['entry']}: " if rej["entry"] else ""
            problems = rej.get("problems") or []
            count = rej.get("problem_count", len(problems))
            if count > 1:  # the first problem is the first line of the list
                self.reason.setText(tr("Problems found ({count}):").format(count=count))
                self.details.setPlainText(_listing(problems, count))
                self.details.setVisible(True)
            else:
                self.reason.setText(f"{tr('Reason')}: {where}{rej['reason']}")
            self.reason.setVisible(True)
        elif report.status == "already_imported":
            self.status.setText(tr("This bundle was already imported; nothing changed."))
            for label in self.counts.values():
                label.setText("0")
            self.note.setText("")
        else:
            text = tr("Imported from {signer}.").format(signer=escape_text(report.signer))
            if self.late_cancel:
                text += " " + tr("Cancel came too late: the import had already been saved.")
            self.status.setText(text)
            for key, label in self.counts.items():
                label.setText(
                    str(report.acknowledged if key == "acknowledged" else getattr(report, key))
                )
            note = tr("Conflicts wait for a decision (Conflicts list).") if report.conflicts else ""
            if report.warning_count:
                note += ("\n" if note else "") + tr(
                    "Warnings ({count}), kept with the import:"
                ).format(count=report.warning_count)
                self.details.setPlainText(_listing(report.warnings, report.warning_count))
                self.details.setVisible(True)
            self.note.setText(note)
        self._fit()
        self.imported.emit(report)

    def _fit(self) -> None:
        """Grow to show the whole report (wrapped labels need their height for the width)."""
        self.layout_.activate()
        self.resize(
            self.width(), max(self.height(), self.layout_.totalHeightForWidth(self.width()))
        )
