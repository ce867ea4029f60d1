"""The duties of the premises (a market organiser's, an optician's, a filling station's):
each duty's wording on its own lines above its answer (yes / no / n.a.), saved at once."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QVBoxLayout

from ...domain.errors import InputError
from ...domain.visits import load_duties
from .base import VisitEditorBase


class VisitDuties(VisitEditorBase):
    def _build_duties(self) -> QGroupBox:
        self.duty_boxes: dict[str, QComboBox] = {}
        self.duty_labels: dict[str, QLabel] = {}
        self.duties_form = load_duties(self.visit.duty_set) if self.visit.duty_set else None
        duties_box = QGroupBox(self)
        self.duties_box = duties_box
        column = QVBoxLayout(duties_box)
        # each duty's wording above its answer, as wide as the box: in a form row a wrapped
        # label kept its own narrow preferred width and broke words in the middle (负 / 责)
        if self.duties_form is not None:
            for n, d in enumerate(self.duties_form.duties):
                box = QComboBox(self)
                box.addItem("—", "")
                for value in ("yes", "no", "na"):
                    box.addItem("", value)
                box.setCurrentIndex(max(0, box.findData(self.visit.duties.get(d.key, ""))))
                box.setToolTip(d.article)
                box.currentIndexChanged.connect(lambda _i, k=d.key: self._duty_changed(k))
                label = QLabel(self)
                label.setWordWrap(True)
                label.setToolTip(d.article)
                label.setBuddy(box)
                if n:
                    column.addSpacing(6)
                column.addWidget(label)
                column.addWidget(box)
                self.duty_boxes[d.key] = box
                self.duty_labels[d.key] = label
        else:
            duties_box.hide()
        return duties_box

    def _duty_changed(self, key: str) -> None:
        value = self.duty_boxes[key].currentData()
        duties = {k: v for k, v in self.visit.duties.items() if k != key}
        if value:
            duties[key] = value
        try:
            self.visit = self.repo.save(dataclasses.replace(self.visit, duties=duties))
        except InputError as exc:
            self.statusBar().showMessage(exc.message, 8000)
