"""The visit editor: one visit in a window, the header, photos and duties on the left
(scrolling together), the sweep on the right; its texts in the program's language, finalize
(sealing the visit) and read-only once sealed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QSplitter, QVBoxLayout, QWidget

from ...domain.errors import InputError
from ...domain.visits import VISIT_KIND_LABELS, VISIT_KINDS
from ...i18n import current_language, tr
from ...services import visits as vs
from ..widgets.language import follow_language
from .duties import VisitDuties
from .header import VisitHeader
from .photos import VisitPhotos
from .sweep import ANSWER_TEXT, COLUMNS, TITLES, SweepRows, _col


class VisitEditor(VisitHeader, VisitPhotos, VisitDuties, SweepRows):
    """One visit: header, duties of the premises, and the sweep."""

    def __init__(self, store, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.repo = vs.repo(store)
        self.visit = self.repo.require(visit_id)
        self.rows = self.repo.rows(visit_id)
        self.last_error = ""
        self.setObjectName("visitEditor")
        premises = store.premises.get(self.visit.premises_id) if self.visit.premises_id else None
        self.place_name = premises.name if premises else self.visit.market
        header = self._build_header()
        self._build_photos()
        duties_box = self._build_duties()
        sweep = self._build_sweep()
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(header)
        ll.addWidget(self.photos_box)
        ll.addWidget(duties_box)
        ll.addStretch(1)
        # the header, photos and duties scroll together: on a small screen nothing is squeezed
        from PySide6.QtWidgets import QFrame, QScrollArea

        left_scroll = QScrollArea(self)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setWidget(left)
        splitter = QSplitter(self)
        splitter.addWidget(left_scroll)
        splitter.addWidget(sweep)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 940])
        self.setCentralWidget(splitter)
        self.resize(1340, 720)
        self.retranslate()
        follow_language(self, self.retranslate)
        self._set_read_only(self.visit.status != "draft")
        if self.rows:
            self.table.setCurrentCell(0, _col("mark"))
        self.table.setFocus()

    def retranslate(self) -> None:
        """Every text in the window's language (also after a language switch)."""
        lang = current_language()
        self.setWindowTitle(f"{tr('Visit')} · {self.place_name}")
        for i, k in enumerate(VISIT_KINDS):
            self.kind.setItemText(i, VISIT_KIND_LABELS[k][0 if lang == "zh" else 1])
        for key, label in self.form_labels.items():
            label.setText(tr(key))
        self.officers.retranslate()
        self.remove_officer_button.setText(tr("Remove officer"))
        self.officer_rule.setText(
            tr(
                "Enforcement work: at least two officers, each with an enforcement certificate number."
            )
        )
        self._show_officer_rule()
        self.save_header_button.setText(tr("Save header"))
        self.duties_box.setTitle(tr("Duties of the premises"))
        self.photos_box.setTitle(tr("Photos"))
        self.photos.retranslate()
        if self.duties_form is not None:
            for d in self.duties_form.duties:
                self.duty_labels[d.key].setText(d.label.get(lang))
                box = self.duty_boxes[d.key]
                for i, value in enumerate(("yes", "no", "na"), start=1):
                    box.setItemText(i, tr(ANSWER_TEXT[value]))
        self.table.setHorizontalHeaderLabels([tr(TITLES[c]) for c in COLUMNS])
        metrics = self.table.horizontalHeader().fontMetrics()
        for c in COLUMNS[1:]:  # each title whole, in either language
            title = metrics.horizontalAdvance(tr(TITLES[c])) + 24
            self.table.setColumnWidth(_col(c), max(100 if c == "error" else 64, title))
        self.hint.setText(
            tr(
                "Space: row OK · Enter: down · N: no · Y: yes · C: cheating · Ctrl+R: rest all OK · Ctrl+I: full inspection"
            )
        )
        self.sweep_title.setText(f"<b>{tr('Sweep')}</b>")
        self.rest_button.setText(tr("Rest all OK"))
        self.add_button.setText(tr("Add instrument…"))
        self.add_button.setToolTip("Ctrl+Shift+N")
        self.full_button.setText(tr("Full inspection"))
        self.finalize_button.setText(tr("Finalize visit…"))
        for text, act in self.shortcut_actions.items():
            act.setText(tr(text))
        self._fill()

    def finalize(self, confirm: bool = True) -> bool:
        if not self.save_header():
            return False
        if confirm and QMessageBox.question(self, tr("Visit"), tr("Finalize visit…")) != (
            QMessageBox.StandardButton.Yes
        ):
            return False
        try:
            self.visit = vs.finalize(self.store, self.visit.id, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            QMessageBox.warning(self, tr("Visit"), exc.message)
            return False
        self._fill()
        self._set_read_only(True)
        self.statusBar().showMessage(tr("The visit is sealed."), 8000)
        self.changed.emit(self.visit.id)
        return True

    def _set_read_only(self, read_only: bool) -> None:
        for w in (
            self.kind,
            self.time,
            self.officers,
            self.remove_officer_button,
            self.place,
            self.notes,
            self.save_header_button,
            self.rest_button,
            self.add_button,
            self.full_button,
            self.finalize_button,
            *self.duty_boxes.values(),
        ):
            w.setEnabled(not read_only)
        self.photos.set_read_only(read_only)
