"""The form's checklist: yes / no / n.a. per question, legal checks and cheating indicators.

An answer equal to the question's ``finding_if`` is marked (text and colour). The panel
emits ``answer_changed(key, old, new)``; the editor turns it into an undo command and
calls :meth:`set_answer` back.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QWidget,
)

from ...i18n import current_language, register, tr

register(
    {
        "Yes": "是",
        "No": "否",
        "n.a.": "不适用",
        "Legal checks": "法定要求检查",
        "Cheating indicators": "作弊迹象",
        "⚠ finding": "⚠ 需记录问题",
    }
)

ANSWERS = ("yes", "no", "na")
ANSWER_TEXT = {"yes": "Yes", "no": "No", "na": "n.a."}


class ChecklistPanel(QWidget):
    answer_changed = Signal(str, str, str)  # key, old answer ("" none), new answer

    def __init__(self, questions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.questions = list(questions)
        self.answers: dict[str, str] = {}
        self.groups: dict[str, QButtonGroup] = {}
        self.buttons: dict[tuple[str, str], QRadioButton] = {}
        self.labels: dict[str, QLabel] = {}
        self.marks: dict[str, QLabel] = {}
        self.headers: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        row = 0
        for group in ("legal", "cheating"):
            qs = [q for q in self.questions if q.group == group]
            if not qs:
                continue
            header = QLabel()
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            self.headers[group] = header
            grid.addWidget(header, row, 0, 1, 3)
            row += 1
            for q in qs:
                label = QLabel()
                label.setWordWrap(True)
                self.labels[q.key] = label
                box = QWidget()
                hl = QHBoxLayout(box)
                hl.setContentsMargins(0, 0, 0, 0)
                bg = QButtonGroup(self)
                bg.setExclusive(False)  # allows "no answer"; exclusivity handled here
                for a in ANSWERS:
                    b = QRadioButton()
                    b.setObjectName(f"check_{q.key}_{a}")
                    b.setAutoExclusive(False)
                    bg.addButton(b)
                    hl.addWidget(b)
                    self.buttons[(q.key, a)] = b
                    b.clicked.connect(
                        lambda checked, k=q.key, ans=a: self._clicked(k, ans, checked)
                    )
                self.groups[q.key] = bg
                mark = QLabel()
                mark.setStyleSheet("color: #9b0019; font-weight: bold;")
                self.marks[q.key] = mark
                grid.addWidget(label, row, 0)
                grid.addWidget(box, row, 1)
                grid.addWidget(mark, row, 2)
                row += 1
        grid.setColumnStretch(0, 1)
        self.retranslate()

    def _clicked(self, key: str, answer: str, checked: bool) -> None:
        old = self.answers.get(key, "")
        new = answer if checked else ""
        self._show(key, old)  # the editor applies the change through the undo stack
        if new != old:
            self.answer_changed.emit(key, old, new)

    def set_answers(self, answers: dict) -> None:
        self.answers = {k: v for k, v in answers.items() if v in ANSWERS}
        for q in self.questions:
            self._show(q.key, self.answers.get(q.key, ""))

    def set_answer(self, key: str, answer: str) -> None:
        if answer:
            self.answers[key] = answer
        else:
            self.answers.pop(key, None)
        self._show(key, answer)

    def _show(self, key: str, answer: str) -> None:
        for a in ANSWERS:
            b = self.buttons.get((key, a))
            if b is not None:
                b.blockSignals(True)
                b.setChecked(a == answer)
                b.blockSignals(False)
        q = next((q for q in self.questions if q.key == key), None)
        if q is not None and key in self.marks:
            self.marks[key].setText(tr("⚠ finding") if answer and answer == q.finding_if else "")

    def flagged(self) -> list:
        """Questions answered with their finding answer."""
        return [q for q in self.questions if self.answers.get(q.key) == q.finding_if]

    def set_read_only(self, read_only: bool) -> None:
        for b in self.buttons.values():
            b.setEnabled(not read_only)

    def retranslate(self) -> None:
        lang = current_language()
        if "legal" in self.headers:
            self.headers["legal"].setText(tr("Legal checks"))
        if "cheating" in self.headers:
            self.headers["cheating"].setText(tr("Cheating indicators"))
        for q in self.questions:
            self.labels[q.key].setText(q.label.get(lang))
            for a in ANSWERS:
                self.buttons[(q.key, a)].setText(tr(ANSWER_TEXT[a]))
            self._show(q.key, self.answers.get(q.key, ""))
