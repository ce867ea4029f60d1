"""After each edit the inspection editor judges the record again and saves the draft
500 ms later (and on close): ``store.inspections.save_draft`` writes it in one transaction,
so closing the window or killing the process loses nothing typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain.errors import InputError
from ...i18n import tr
from ..widgets.field_error import translate_message
from .base import EditorBase

AUTOSAVE_MS = 500


class Autosave(EditorBase):
    if TYPE_CHECKING:  # provided by the verdict panel

        def reevaluate(self) -> None: ...

    def changed(self) -> None:
        """After any edit: judge again, show it, and save soon."""
        self.reevaluate()
        if self.insp.is_draft:
            self.dirty = True
            self.statusBar().showMessage(tr("Unsaved changes"))
            self.autosave.start()

    def save_now(self) -> bool:
        """Write the draft now (the autosave calls this 500 ms after the last change)."""
        self.autosave.stop()
        if not self.insp.is_draft:
            return True
        try:
            self.store.inspections.save_draft(self.insp, self.actor)
        except InputError as exc:
            self.last_error = tr("Could not save: {message}").format(
                message=f"{exc.path}: {translate_message(exc.message)}"
            )
            self.statusBar().showMessage(self.last_error)
            return False
        self.dirty = False
        from datetime import datetime

        self.statusBar().showMessage(
            tr("Draft saved {time}").format(time=datetime.now().strftime("%H:%M:%S"))
        )
        self.saved.emit(self.insp.id)
        return True
