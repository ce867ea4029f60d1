"""Opening inspections from the main window: the selected record (Enter), an inspection in
its editor window (one window per record, raised when already open), a new inspection
through the New-inspection dialog, and the draft it starts. A mixin of
:class:`~inspector_app.ui.main_window.MainWindow`, which provides the pages and the store.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from ..domain.models import Inspection, new_id
from ..i18n import tr
from . import settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog  # (its class is made when a dialog first opens)

    from ..store import Store
    from .widgets.record_table import RecordTable

    _WindowBase = QMainWindow  # MainWindow puts QMainWindow after this mixin
else:
    _WindowBase = object


def call_page_hook(page: QWidget | None, name: str) -> None:
    """Call the page's *name*() when it has one: the pages share no base class, and each
    offers what it can (refresh, activated, focus_search, edit_current)."""
    hook = getattr(page, name, None)
    if callable(hook):
        hook()


def _editor_class():
    """The inspection editor (built separately); None while it is not there."""
    try:
        from .inspection_editor import InspectionEditor
    except ImportError:
        return None
    return InspectionEditor


class RecordOpening(_WindowBase):
    """Opening and starting inspections (a mixin of the main window)."""

    if TYPE_CHECKING:  # what MainWindow provides
        store: Store
        stack: QStackedWidget
        pages: dict[str, QWidget]
        editors: dict[str, QWidget]
        last_dialog: QDialog
        _stale: set[str]

        def current_page_key(self) -> str: ...
        @staticmethod
        def _inspection_tables(page: QWidget) -> list[RecordTable]: ...
        def refresh_all(self) -> None: ...
        def _background_reads(self) -> None: ...

    # -- inspections --------------------------------------------------------------------------
    def open_selected(self) -> None:
        page = self.stack.currentWidget()
        if page is None:
            return
        if self.current_page_key() in ("today", "inspections"):
            for table in self._inspection_tables(page):
                if table.hasFocus() or table is self._inspection_tables(page)[-1]:
                    ident = table.current_id()
                    if ident:
                        self.open_inspection(ident)
                        return
        else:
            call_page_hook(page, "edit_current")

    def open_inspection(self, inspection_id: str) -> QWidget | None:
        from PySide6.QtWidgets import QMessageBox

        if inspection_id in self.editors:
            editor = self.editors[inspection_id]
            editor.show()
            editor.raise_()
            editor.activateWindow()
            return editor
        cls = _editor_class()
        if cls is None:
            QMessageBox.information(
                self,
                tr("The inspection editor"),
                tr("The inspection editor is not available in this build yet."),
            )
            return None
        return self._show_editor(cls(self.store, inspection_id, parent=self), inspection_id)

    def _show_editor(self, editor: QWidget, inspection_id: str) -> QWidget:
        if not editor.isWindow():
            editor.setWindowFlag(QtCore.Qt.WindowType.Window, True)
        editor.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.editors[inspection_id] = editor
        editor.destroyed.connect(lambda *_: self.editors.pop(inspection_id, None))
        for signal_name in ("saved", "finalized"):
            signal = getattr(editor, signal_name, None)
            if signal is not None:
                signal.connect(lambda _id: self.refresh_inspections())
        editor.show()
        return editor

    def refresh_inspections(self) -> None:
        current = self.current_page_key()
        for key in ("today", "inspections", "dashboard"):
            page = self.pages.get(key)
            if page is None:
                continue
            if key == current or key == "dashboard":  # the dashboard defers by itself
                call_page_hook(page, "refresh")
            else:
                self._stale.add(key)
        self._background_reads()  # the status bar's counts too

    def new_inspection(self, premises_id: str | None = None) -> QWidget | str | None:
        from .dialogs.new_inspection import NewInspectionDialog  # (off the start-up path)

        dialog = NewInspectionDialog(self.store, self, premises_id=premises_id)
        self.last_dialog = dialog
        accepted = dialog.exec() == dialog.DialogCode.Accepted
        if dialog.created:
            self.refresh_all()
        _pid, instrument_id, check = dialog.selection()
        if not accepted or not instrument_id:  # the dialog accepts only with an instrument
            return None
        return self.start_inspection(instrument_id, check)

    def start_inspection(self, instrument_id: str, check: str) -> QWidget | str | None:
        """Create the draft (through the editor when it can take the kind of check) and open it."""
        from PySide6.QtWidgets import QMessageBox

        inspector = settings.actor()
        cls = _editor_class()
        factory = getattr(cls, "new_for_instrument", None) if cls is not None else None
        if factory is not None and "check" in inspect.signature(factory).parameters:
            editor = factory(self.store, instrument_id, inspector, parent=self, check=check)
            ident = getattr(editor, "inspection_id", None) or new_id()
            self.refresh_inspections()
            return self._show_editor(editor, str(ident))
        draft = self._create_draft(instrument_id, check, inspector)
        self.refresh_inspections()
        if cls is None:
            QMessageBox.information(
                self,
                tr("The inspection editor"),
                tr("A draft was created; it can be opened once the editor is available."),
            )
            return draft.id
        return self.open_inspection(draft.id)

    def _create_draft(self, instrument_id: str, check: str, inspector: str) -> Inspection:
        from ..domain.errors import InputError
        from ..domain.rules import edition_for
        from ..services.inspections import instrument_payload

        ins = self.store.instruments.get(instrument_id)
        if ins is None:  # deleted since it was chosen
            raise InputError("instrument_id", f"no instrument {instrument_id}")
        premises = self.store.premises.get(ins.premises_id)
        record = new_id()
        started = dt.datetime.now().isoformat(timespec="minutes")
        draft = Inspection(
            id=new_id(),
            record_id=record,
            instrument_id=ins.id,
            premises_id=ins.premises_id,
            family=ins.family,
            check=check,
            ruleset=edition_for(ins.family, started, instrument_payload(ins)),
            inspector=inspector,
            started_at=started,
            place=premises.address if premises else "",
        )
        return self.store.inspections.save_draft(draft, inspector)
