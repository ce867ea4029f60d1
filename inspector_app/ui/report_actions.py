"""Report actions for the window: export (and sign) one inspection's PDF, batch export.

For the main window and the inspection editor::

    from inspector_app.ui.report_actions import export_report, batch_export
    path = export_report(parent, store, db_path, inspection_id)          # asks where, asks the passphrase
    result = batch_export(parent, db_path, ids, folder)                  # progress dialog with Cancel

Both run the PDF work off the GUI thread (the worker opens its own store; batch workers
are separate processes, see ``services.batch_export``). Dialogs are module-level
Qt calls (QFileDialog, QInputDialog, QMessageBox, QDesktopServices) so tests can patch them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from ..i18n import current_language, ntr, tr
from .models.labels import verify_status_label
from .widgets import file_dialogs
from .workers import Cancelled, run_with_progress, store_work

CREATE, UNSIGNED, CANCEL = "create", "unsigned", "cancel"


def offer_identity(parent: QWidget | None) -> str:
    """Ask before an unsigned export: CREATE, UNSIGNED or CANCEL (tests replace this)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("This report will not be signed"))
    box.setText(
        tr(
            "This computer has no signing identity yet, so the report would be written without a "
            "signature and could not be verified. Create your signing identity now?"
        )
    )
    create = box.addButton(tr("Create identity…"), QMessageBox.ButtonRole.AcceptRole)
    unsigned = box.addButton(tr("Export unsigned"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(create)
    box.exec()
    clicked = box.clickedButton()
    return CREATE if clicked is create else UNSIGNED if clicked is unsigned else CANCEL


def create_identity(parent: QWidget | None, store) -> None:
    """Tools → Keys and trust…, where the signing identity is created (tests replace this)."""
    from .keys_dialog import KeysDialog

    dialog = KeysDialog(store, parent)
    dialog.exec()


def has_identity(db_path) -> bool:
    from ..crypto.keys import has_identity as _has
    from ..paths import keys_dir

    return _has(keys_dir(Path(db_path)))


MAX_TRIES = 3


def _documents() -> Path:
    return Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        or Path.home()
    )


def ask_passphrase(parent: QWidget | None, message: str = "") -> bytes | None:
    """The passphrase from a password prompt, or None when the user cancelled."""
    label = (message + "\n" if message else "") + tr("Passphrase of your signing key:")
    text, ok = QInputDialog.getText(
        parent, tr("Sign the report"), label, QLineEdit.EchoMode.Password
    )
    if not ok:
        return None
    return text.encode("utf-8")


def _identity(parent: QWidget | None, db_path: Path):
    """(identity, passphrase), asking for the passphrase (again if wrong); None if cancelled."""
    from ..crypto.keys import KeyError_
    from ..services.reports import load_signer

    message = ""
    for _ in range(MAX_TRIES):
        passphrase = ask_passphrase(parent, message)
        if passphrase is None:
            return None
        try:
            return load_signer(db_path, passphrase), passphrase
        except KeyError_ as exc:
            message = (
                tr("The passphrase is wrong; try again.") if "passphrase" in str(exc) else str(exc)
            )
    QMessageBox.warning(parent, tr("Sign the report"), message)
    return None


def can_sign(store, db_path: Path, inspection_id: str) -> bool:
    """A finalized inspection on a device with a signing identity."""
    from ..crypto.keys import has_identity
    from ..paths import keys_dir

    insp = store.inspections.get(inspection_id)
    return insp is not None and insp.status == "finalized" and has_identity(keys_dir(Path(db_path)))


def export_report(
    parent: QWidget | None,
    store,
    db_path,
    inspection_id: str,
    *,
    path: str | Path | None = None,
    lang: str | None = None,
    sign: bool | None = None,
    open_result: bool = True,
) -> Path | None:
    """Export one inspection's report; signed when possible (asks the passphrase).

    *sign*: None signs when the inspection is finalized and this device has an identity.
    Returns the written file, or None when the user cancelled.
    """
    from ..reports.inspection_report import report_number
    from ..services import reports

    db_path = Path(db_path)
    lang = lang or current_language()
    if path is None:
        insp = store.inspections.require(inspection_id)
        suggestion = str(_documents() / f"{report_number(insp)}.pdf")
        chosen = file_dialogs.get_save_file_name(
            parent, tr("Export report"), suggestion, tr("PDF files (*.pdf)")
        )
        if not chosen:
            return None
        path = chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf"
    out = Path(path)
    if sign is None:
        sign = can_sign(store, db_path, inspection_id)
        insp = store.inspections.get(inspection_id)
        if not sign and insp is not None and insp.status == "finalized":
            # never an unsigned notice without saying so
            answer = offer_identity(parent)
            if answer == CANCEL:
                return None
            if answer == CREATE:
                create_identity(parent, store)
                sign = can_sign(store, db_path, inspection_id)
                if not sign:
                    return None
    identity = None
    if sign:
        unlocked = _identity(parent, db_path)
        if unlocked is None:
            return None
        identity = unlocked[0]

    def work(worker_store, progress, is_cancelled):
        progress(0, 1, tr("Making the report…"))
        return reports.export_report(
            worker_store, db_path, inspection_id, out, lang, identity=identity
        )

    try:
        written = run_with_progress(
            parent,
            tr("Export report"),
            store_work(db_path, work),
            label=tr("Making the report…"),
            cancellable=False,
        )
    except Exception as exc:  # shown to the user as one sentence; nothing half-written stays
        from ..domain.errors import InputError

        message = exc.message if isinstance(exc, InputError) else str(exc)
        QMessageBox.warning(parent, tr("The report could not be made"), message)
        return None
    if open_result:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
    return Path(written)


def batch_export(
    parent: QWidget | None,
    db_path,
    ids: list[str],
    folder: str | Path | None = None,
    *,
    lang: str | None = None,
    sign: bool = False,
    workers: int | None = None,
    show_summary: bool = True,
):
    """Export one PDF per inspection into *folder* with a progress dialog and Cancel.

    Returns the :class:`services.batch_export.BatchResult` (``cancelled`` set when the user
    stopped it; the reports already written stay), or None when nothing was started.
    """
    from ..services.batch_export import BatchResult, batch_export

    db_path = Path(db_path)
    lang = lang or current_language()
    if folder is None:
        chosen = file_dialogs.get_existing_directory(
            parent, tr("Choose a folder for the reports"), str(_documents())
        )
        if not chosen:
            return None
        folder = chosen
    passphrase = None
    if sign:
        unlocked = _identity(parent, db_path)  # checks the passphrase once, here
        if unlocked is None:
            return None
        passphrase = unlocked[1]
    holder: dict = {}

    def work(progress, is_cancelled):
        def report(done: int, total: int) -> bool:
            ok = progress(
                done,
                total,
                tr("Exporting {done} of {total} reports…").format(done=done, total=total),
            )
            return bool(ok) and not is_cancelled()

        holder["result"] = batch_export(
            db_path,
            ids,
            Path(folder),
            lang,
            passphrase=passphrase,
            progress=report,
            workers=workers,
        )
        return holder["result"]

    try:
        result = run_with_progress(parent, tr("Exporting reports"), work, min_duration_ms=0)
    except Cancelled:
        result = holder.get("result")
        if result is None:  # cancelled before the first report finished
            result = BatchResult(cancelled=True)
        result.cancelled = True
    except Exception as exc:
        QMessageBox.warning(parent, tr("Exporting reports"), str(exc))
        return None
    if show_summary:
        lines = [
            ntr(
                "{n} report written to {folder}.",
                "{n} reports written to {folder}.",
                len(result.written),
            ).format(n=len(result.written), folder=folder)
        ]
        if result.cancelled:
            lines.append(tr("Cancelled after {n} reports.").format(n=len(result.written)))
        if result.failed:
            lines.append(tr("{n} could not be made:").format(n=len(result.failed)))
            lines += [f"{i[:8]}: {m}" for i, m in result.failed[:10]]
        QMessageBox.information(parent, tr("Reports"), "\n".join(lines))
    return result


def verify_report_file(parent: QWidget | None, store, db_path, path: str | Path | None = None):
    """Tools → Verify PDF…: check a report's signatures against this computer's trust list
    and the record in this database, and say the result in one box. Returns the result."""
    from .widgets.field_error import translate_message

    if path is None:
        chosen = file_dialogs.get_open_file_name(
            parent, tr("Choose the PDF to verify"), str(_documents()), tr("PDF files (*.pdf)")
        )
        if not chosen:
            return None
        path = chosen
    if file_dialogs.refuse_database_file(parent, path):  # never open the database's files
        return None
    data = Path(path).read_bytes()
    try:
        result = run_with_progress(
            parent,
            tr("Verify PDF"),
            store_work(Path(db_path), lambda ws, p, c: _verify_with(ws, data, db_path)),
            label=tr("Checking the signature…"),
            cancellable=False,
        )
    except Exception as exc:  # one sentence, nothing changed
        QMessageBox.warning(parent, tr("Verify PDF"), str(exc))
        return None
    lines = [f"<b>{verify_status_label(result.status)}</b> ({result.status})"]
    if result.reason:
        lines.append(translate_message(tr(result.reason)))
    if result.signer:
        lines.append(tr("Signed by: {signer}").format(signer=result.signer))
    if result.signing_time:
        lines.append(tr("Signed at: {time}").format(time=result.signing_time[:19]))
    if result.report_no:
        lines.append(tr("Report no.: {number}").format(number=result.report_no))
    lines.append(tr("Record in this database: {check}").format(check=tr(result.record_check)))
    from html import escape

    text = "<br>".join(lines[:1] + [escape(x) for x in lines[1:]])
    if result.ok:
        QMessageBox.information(parent, tr("Verify PDF"), text)
    else:
        QMessageBox.warning(parent, tr("Verify PDF"), text)
    return result


def _verify_with(worker_store, data: bytes, db_path):
    from ..services.verify import verify_report

    return verify_report(data, worker_store, Path(db_path))
