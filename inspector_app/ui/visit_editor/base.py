"""What the parts of the visit editor share: the visit, its rows, the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMainWindow

from ...domain.visits import Visit


class VisitEditorBase(QMainWindow):
    inspection_requested = Signal(str)
    changed = Signal(str)
    # the register or the inspections changed (an instrument found on the spot, a full
    # inspection started): what the main window counts
    records_changed = Signal()

    store: Any
    repo: Any
    visit: Visit
    rows: list[Any]
    last_error: str

    if TYPE_CHECKING:  # provided by the editor window

        def finalize(self, confirm: bool = True) -> bool: ...
