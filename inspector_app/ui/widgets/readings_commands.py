"""The readings grid's undo commands: one per accepted edit of a cell (or of a test-level
field), and the removal of a row; undoing an edit that appended a row removes it again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from ...i18n import tr

if TYPE_CHECKING:
    from .readings_model import ReadingsModel


class CellCommand(QUndoCommand):
    """Set one cell (or a test-level field with ``row=None``); may append a row."""

    def __init__(
        self, model: ReadingsModel, row: int | None, path: str, old: Any, new: Any
    ) -> None:
        super().__init__(tr("Edit reading") if row is not None else tr("Edit test field"))
        self.model, self.row, self.path, self.old, self.new = model, row, path, old, new
        self.appended = row is not None and row >= model.data_rows()

    def redo(self) -> None:
        self.model.apply(self.row, self.path, self.new, append=self.appended)

    def undo(self) -> None:
        if self.appended and self.row is not None:
            self.model.remove_row_now(self.row)
        else:
            self.model.apply(self.row, self.path, self.old)


class RemoveRowCommand(QUndoCommand):
    def __init__(self, model: ReadingsModel, row: int) -> None:
        super().__init__(tr("Remove reading row"))
        self.model, self.row = model, row
        self.saved = model.row_value(row)

    def redo(self) -> None:
        self.model.remove_row_now(self.row)

    def undo(self) -> None:
        self.model.insert_row_now(self.row, self.saved)
