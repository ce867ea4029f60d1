"""The inspection editor's checklist (answers that are findings count as failed items) and
findings (a cheating finding fails the record)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from ...i18n import current_language, tr
from ..widgets.checklist_panel import ChecklistPanel
from ..widgets.findings_panel import FindingsPanel
from .base import EditorBase


class ChecklistSection(EditorBase):
    def _build_checklist(self, col: QVBoxLayout) -> None:
        checklist_box = self._group("Checklist")
        cl = QVBoxLayout(checklist_box)
        self.checklist = ChecklistPanel(self.form.checklist)
        self.checklist.answer_changed.connect(self._answer_changed)
        self.checklist.answers_changed.connect(
            lambda answers: self.push_attr("checklist", dict(answers), "Checklist answer")
        )
        cl.addWidget(self.checklist)
        col.addWidget(checklist_box)

    def _build_findings(self, col: QVBoxLayout) -> None:
        findings_box = self._group("Findings")
        fl = QVBoxLayout(findings_box)
        self.findings = FindingsPanel(self.form.checklist)
        self.findings.add_requested.connect(self._add_finding)
        self.findings.edit_requested.connect(self._edit_finding)
        self.findings.remove_requested.connect(self._remove_finding)
        fl.addWidget(self.findings)
        col.addWidget(findings_box)

    def extra_failures(self) -> list[str]:
        """Failed items beyond the readings: checklist answers that are findings, and
        cheating findings."""
        from ...domain.failed_items import question_failures

        lang = current_language()
        out = [q.text(lang) for q in question_failures(self.form, self.insp.checklist)]
        out += [f"{tr('cheating finding')}: {f.text}" for f in self.insp.findings if f.cheating]
        return out

    def _answer_changed(self, key: str, _old: str, new: str) -> None:
        answers = dict(self.insp.checklist)
        if new:
            answers[key] = new
        else:
            answers.pop(key, None)
        self.push_attr("checklist", answers, "Checklist answer")

    def _add_finding(self, finding) -> None:
        self.push_attr("findings", list(self.insp.findings) + [finding], "Add finding")

    def _edit_finding(self, index: int, finding) -> None:
        findings = list(self.insp.findings)
        findings[index] = finding
        self.push_attr("findings", findings, "Edit finding")

    def _remove_finding(self, index: int) -> None:
        findings = list(self.insp.findings)
        del findings[index]
        self.push_attr("findings", findings, "Remove finding")
