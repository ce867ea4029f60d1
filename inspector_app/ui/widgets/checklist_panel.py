"""The form's checklist: yes / no / n.a. per question, legal checks and cheating indicators.

An answer equal to the question's ``finding_if`` is marked (text and colour) in a column
whose width is reserved from the start, so the radio buttons never move under the mouse.
Clicking the answer already chosen keeps it (a second click must not clear what was
recorded). "No to all cheating indicators" answers every unanswered cheating question
with its clean answer in one step. The panel emits ``answer_changed(key, old, new)`` and,
for the bulk answer, ``answers_changed(dict)``; the editor turns either into one undo
command and calls :meth:`set_answer` / :meth:`set_answers` back.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QWidget,
)

from ...i18n import current_language, tr

ANSWERS = ("yes", "no", "na")
MARK_STYLE = (
    "color: #9b0019; background: #fbe0e5; font-weight: bold; border-radius: 3px; padding: 0 3px;"
)
ANSWER_TEXT = {"yes": "Yes", "no": "No", "na": "n.a."}


class ChecklistPanel(QWidget):
    answer_changed = Signal(str, str, str)  # key, old answer ("" none), new answer
    answers_changed = Signal(dict)  # several answers at once (the whole new answer dict)

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
            if group == "cheating":
                self.all_clean_button = QPushButton()
                self.all_clean_button.setObjectName("allCheatingNo")
                self.all_clean_button.setAutoDefault(False)
                self.all_clean_button.clicked.connect(self.answer_cheating_clean)
                grid.addWidget(header, row, 0)
                grid.addWidget(self.all_clean_button, row, 1, 1, 2)
            else:
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

                self.marks[q.key] = mark
                for a in ANSWERS:
                    self.buttons[(q.key, a)].setProperty("question", q.key)
                grid.addWidget(label, row, 0)
                grid.addWidget(box, row, 1)
                grid.addWidget(mark, row, 2)
                row += 1
        grid.setColumnStretch(0, 1)
        self.grid = grid
        self.retranslate()

    def _clicked(self, key: str, answer: str, checked: bool) -> None:
        old = self.answers.get(key, "")
        new = answer if checked else old  # a click on the chosen answer keeps it
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
            flagged = bool(answer) and answer == q.finding_if
            self.marks[key].setText(tr("⚠ finding") if flagged else "")
            # its own background: legible on a dark palette too
            self.marks[key].setStyleSheet(MARK_STYLE if flagged else "")

    def clean_answer(self, q) -> str:
        """The answer to *q* that is not a finding ("no" for a cheating indicator)."""
        return "no" if q.finding_if == "yes" else "yes"

    def answer_cheating_clean(self) -> dict:
        """Answer every unanswered cheating indicator with its clean answer (one change)."""
        new = dict(self.answers)
        for q in self.questions:
            if q.group == "cheating" and not new.get(q.key):
                new[q.key] = self.clean_answer(q)
        if new != self.answers:
            self.answers_changed.emit(new)
        return new

    def flagged(self) -> list:
        """Questions answered with their finding answer."""
        return [q for q in self.questions if self.answers.get(q.key) == q.finding_if]

    def set_read_only(self, read_only: bool) -> None:
        for b in self.buttons.values():
            b.setEnabled(not read_only)
        if hasattr(self, "all_clean_button"):
            self.all_clean_button.setEnabled(not read_only)

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
                # a screen reader says the question with the answer, not just "No"
                self.buttons[(q.key, a)].setAccessibleName(
                    f"{q.label.get(lang)}: {tr(ANSWER_TEXT[a])}"
                )
            self._show(q.key, self.answers.get(q.key, ""))
        if hasattr(self, "all_clean_button"):
            self.all_clean_button.setText(tr("No to all unanswered cheating indicators"))
            self.all_clean_button.setToolTip(
                tr("Answer every cheating question not answered yet with “No”")
            )
        # the mark column keeps its width whether a mark shows or not: nothing moves
        if self.marks:
            mark = next(iter(self.marks.values()))
            width = mark.fontMetrics().horizontalAdvance(tr("⚠ finding")) + 24
            font = mark.font()
            font.setBold(True)
            from PySide6.QtGui import QFontMetrics

            width = max(width, QFontMetrics(font).horizontalAdvance(tr("⚠ finding")) + 24)
            self.grid.setColumnMinimumWidth(2, width)
