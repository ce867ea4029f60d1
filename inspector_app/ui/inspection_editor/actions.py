"""The inspection editor's actions: the Inspection menu (save, finalize, correct, undo,
redo, export the report, keep original photos) and the toolbar, with their shortcuts
(Ctrl+S, Ctrl+Enter, Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y, Ctrl+E, Ctrl+Shift+L for the
language). Their texts are set by :meth:`.window.InspectionEditor.retranslate`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from .base import EditorBase

if TYPE_CHECKING:
    from .window import InspectionEditor


class EditorActions(EditorBase):
    if TYPE_CHECKING:  # provided by the other parts

        def save_now(self) -> bool: ...
        def finalize(self) -> bool: ...
        def correct(self) -> InspectionEditor | None: ...
        def export_report(
            self, path: str | Path | None = None, *, open_result: bool = True
        ) -> Path | None: ...
        def toggle_language(self) -> None: ...

    def _build_actions(self) -> None:
        self.save_action = QAction(self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save_now)
        self.finalize_action = QAction(self)
        self.finalize_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.finalize_action.triggered.connect(self.finalize)
        self.correct_action = QAction(self)
        self.correct_action.triggered.connect(self.correct)
        self.export_action = QAction(self)
        self.export_action.setObjectName("exportReport")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.export_action.triggered.connect(lambda _c=False: self.export_report())
        self.undo_action = QAction(self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.triggered.connect(self.undo_stack.undo)
        self.undo_action.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(
            lambda ok: self.undo_action.setEnabled(ok and not self.read_only)
        )
        self.redo_action = QAction(self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.undo_stack.redo)
        self.redo_action.setEnabled(False)
        self.undo_stack.canRedoChanged.connect(
            lambda ok: self.redo_action.setEnabled(ok and not self.read_only)
        )
        self.language_action = QAction(self)
        self.language_action.setObjectName("switchLanguage")
        self.language_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.language_action.triggered.connect(lambda _c=False: self.toggle_language())
        self.addAction(self.language_action)
        for a in (
            self.save_action,
            self.finalize_action,
            self.undo_action,
            self.redo_action,
            self.language_action,
        ):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.inspection_menu = self.menuBar().addMenu("")
        for a in (self.save_action, self.finalize_action, self.correct_action):
            self.inspection_menu.addAction(a)
        self.inspection_menu.addSeparator()
        self.inspection_menu.addAction(self.undo_action)
        self.inspection_menu.addAction(self.redo_action)
        self.inspection_menu.addSeparator()
        self.inspection_menu.addAction(self.export_action)
        self.keep_originals_action = QAction(self)
        self.keep_originals_action.setObjectName("keepOriginalPhotos")
        self.keep_originals_action.setCheckable(True)
        self.keep_originals_action.setChecked(False)
        self.inspection_menu.addSeparator()
        self.inspection_menu.addAction(self.keep_originals_action)
        toolbar = self.addToolBar("inspection")
        toolbar.setObjectName("inspectionToolbar")
        toolbar.setMovable(False)
        for a in (
            self.save_action,
            self.undo_action,
            self.redo_action,
            self.finalize_action,
            self.correct_action,
        ):
            toolbar.addAction(a)
        self.toolbar = toolbar
