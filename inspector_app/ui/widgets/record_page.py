"""New / edit / delete for a page that lists records of one kind (premises, instruments,
reference standards). The page provides ``store``, ``model`` (with ``record(row)``),
``table`` and a ``data_changed`` signal; the class attributes say which editor and which
repository to use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QDialog, QMessageBox, QTableView, QWidget

from ...domain.errors import InputError
from ...i18n import tr
from .. import settings
from .field_error import translate_message

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from ...store import Store

    _PageBase = QWidget  # the page class puts QWidget after this mixin
else:
    _PageBase = object


class _RecordModel(Protocol):
    def record(self, row: int) -> Any: ...


class RecordActions(_PageBase):
    # what the page provides
    store: Store
    model: _RecordModel
    table: QTableView
    if TYPE_CHECKING:
        data_changed: SignalInstance  # the page's own Signal()

    editor_class: type  # a dialog: editor_class(store, record_or_None, parent, **kw)
    saved_attr = ""  # the dialog attribute holding the saved record
    repo_name = ""  # store.<repo_name>: get(id) and delete(id, actor)
    delete_title = ""  # English; shown through tr()

    def describe(self, record) -> str:
        return record.name

    def current(self):
        return self.model.record(self.table.currentIndex().row())

    def _after_change(self) -> None:
        self.data_changed.emit()

    def _run_editor(self, record, **kw):
        dialog = self.editor_class(self.store, record, self, **kw)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._after_change()
            return getattr(dialog, self.saved_attr)
        return None

    def new_record(self):
        return self._run_editor(None)

    def edit_current(self):
        record = self.current()
        if record is None:
            return None
        return self._run_editor(getattr(self.store, self.repo_name).get(record.id) or record)

    def delete_current(self) -> None:
        record = self.current()
        if record is None:
            return
        title = tr(self.delete_title)
        if (
            QMessageBox.question(
                self,
                title,
                tr("Delete “{name}”? This cannot be undone.").format(name=self.describe(record)),
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        try:
            getattr(self.store, self.repo_name).delete(record.id, settings.actor())
        except InputError as exc:
            QMessageBox.warning(
                self,
                title,
                tr("Could not delete: {error}").format(error=translate_message(exc.message)),
            )
            return
        self._after_change()
