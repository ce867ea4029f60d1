"""Every file dialog of the window, made so that Qt never reads a file's content.

Qt's own file dialog guesses each listed file's type from its content when the name does not
tell (``QMimeDatabase`` reads the first bytes); GTK's and other in-process native dialogs do
the same. Opening and closing the database file, or its ``-wal``/``-shm``, in this process
drops every lock SQLite holds on it (POSIX locks belong to the process), which is how
another program once deleted the live write-ahead log. So, on every system but Windows,
the dialogs here are Qt's widget dialogs with an icon provider that answers from the name
alone; on Windows the native dialog is used (Windows locks belong to the file handle, and
the Explorer dialog is what users know there).

A file the user chooses (or drops) that is the open database or one of the files beside
it is refused before anything opens it (:func:`refuse_database_file`).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ...i18n import tr
from ...store.db import is_database_file, open_database_paths


class NameOnlyIconProvider(QAbstractFileIconProvider):
    """Icons and type names from the file name alone: never opens a listed file (the base
    class asks ``QMimeDatabase``, which reads the file when its name does not tell)."""

    def __init__(self) -> None:
        super().__init__()
        self._icons: dict = {}

    def _standard(self, kind) -> QIcon:
        if not self._icons:
            from PySide6.QtWidgets import QApplication, QStyle

            style = QApplication.style()
            kinds = QAbstractFileIconProvider.IconType
            pix = QStyle.StandardPixmap
            self._icons = {
                kinds.Folder: style.standardIcon(pix.SP_DirIcon),
                kinds.File: style.standardIcon(pix.SP_FileIcon),
                kinds.Drive: style.standardIcon(pix.SP_DriveHDIcon),
                kinds.Computer: style.standardIcon(pix.SP_ComputerIcon),
                kinds.Desktop: style.standardIcon(pix.SP_DesktopIcon),
                kinds.Trashcan: style.standardIcon(pix.SP_TrashIcon),
                kinds.Network: style.standardIcon(pix.SP_DriveNetIcon),
            }
        return self._icons.get(kind, self._icons[QAbstractFileIconProvider.IconType.File])

    def icon(self, what) -> QIcon:  # Qt override: a QFileInfo or an IconType
        if isinstance(what, QFileInfo):
            kinds = QAbstractFileIconProvider.IconType
            return self._standard(kinds.Folder if what.isDir() else kinds.File)
        return self._standard(what)

    def type(self, info: QFileInfo) -> str:  # noqa: A003 - Qt override
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


_provider: NameOnlyIconProvider | None = None


def _icon_provider() -> NameOnlyIconProvider:
    global _provider
    if _provider is None:
        _provider = NameOnlyIconProvider()
    return _provider


def use_native_dialog() -> bool:
    """Native dialogs only on Windows (see the module docstring)."""
    return os.name == "nt"


def safe_start_folder(start: str | os.PathLike | None) -> str:
    """*start* unless it is (or is inside) the folder of an open database: then the home
    folder, so no dialog opens where the database lives."""
    home = str(Path.home())
    if not start:
        return home
    start_path = Path(start)
    folder = start_path if start_path.is_dir() else start_path.parent
    for db in open_database_paths():
        try:
            if folder.resolve() == db.parent.resolve():
                return str(Path(home) / start_path.name) if not start_path.is_dir() else home
        except OSError:
            continue
    return str(start)


def make_dialog(
    parent: QWidget | None, title: str, start: str | os.PathLike | None, filters: str
) -> QFileDialog:
    dialog = QFileDialog(parent, title, safe_start_folder(start), filters)
    if not use_native_dialog():
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setIconProvider(_icon_provider())
    dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    return dialog


def refuse_database_file(parent: QWidget | None, path: str | os.PathLike | None) -> bool:
    """True (after telling the user in one sentence) when *path* is the open database or a
    file beside it; compared with ``os.stat``, never opened."""
    if path and is_database_file(path):
        QMessageBox.warning(
            parent,
            tr("This file cannot be used"),
            tr(
                "{name} is the program's own database (or a file that belongs to it); choose another file. To copy the database, use Back up."
            ).format(name=Path(path).name),
        )
        return True
    return False


def _run(dialog: QFileDialog) -> list[str]:
    """Show *dialog* and return the chosen paths (a seam for tests)."""
    if dialog.exec() != QFileDialog.DialogCode.Accepted:
        return []
    return dialog.selectedFiles()


def get_open_file_name(
    parent: QWidget | None, title: str, start: str | os.PathLike | None = "", filters: str = ""
) -> str:
    dialog = make_dialog(parent, title, start, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    chosen = _run(dialog)
    path = chosen[0] if chosen else ""
    return "" if refuse_database_file(parent, path) else path


def get_open_file_names(
    parent: QWidget | None, title: str, start: str | os.PathLike | None = "", filters: str = ""
) -> list[str]:
    dialog = make_dialog(parent, title, start, filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    chosen = _run(dialog)
    refused = [p for p in chosen if is_database_file(p)]
    if refused:
        refuse_database_file(parent, refused[0])
    return [p for p in chosen if p not in refused]


def get_save_file_name(
    parent: QWidget | None, title: str, start: str | os.PathLike | None = "", filters: str = ""
) -> str:
    dialog = make_dialog(parent, title, start, filters)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    chosen = _run(dialog)
    path = chosen[0] if chosen else ""
    return "" if refuse_database_file(parent, path) else path


def get_existing_directory(
    parent: QWidget | None, title: str, start: str | os.PathLike | None = ""
) -> str:
    dialog = make_dialog(parent, title, start, "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    chosen = _run(dialog)
    return chosen[0] if chosen else ""
