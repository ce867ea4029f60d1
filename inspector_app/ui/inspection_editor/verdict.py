"""The inspection editor's right-hand panel: the verdict (a draft with tests still to do is
"no failure so far", not a pass), the failed items, what is still incomplete, the error
chart and the record's state; and the supervisor's newest review at the top of the form (a
return prominently, with its comment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from ...i18n import current_language, ntr, tr
from ...services import chart_data, drafts, standards_check
from ..widgets.error_chart import ErrorChart
from ..widgets.field_error import translate_message
from .base import EditorBase

if TYPE_CHECKING:
    from ..widgets.readings_table import ReadingsModel


class VerdictPanel(EditorBase):
    models: list[ReadingsModel]
    standard_warnings: list
    standards_warning: QLabel
    review_note: QLabel

    if TYPE_CHECKING:  # provided by the other parts

        def extra_failures(self) -> list[str]: ...

    def _build_side(self) -> QWidget:
        side = QWidget()
        side.setMinimumWidth(360)
        sv = QVBoxLayout(side)
        sv.setContentsMargins(10, 10, 10, 10)
        self.verdict_title = self._label("Verdict")
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdictLabel")
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict_label.setMinimumHeight(56)
        self.pending_label = QLabel()
        self.pending_label.setWordWrap(True)
        self.pending_label.setStyleSheet("color: #6b6b6b;")
        self.failed_title = self._label("Failed items")
        self.failed_list = QListWidget()
        self.failed_list.setObjectName("failedList")
        self.failed_list.setMaximumHeight(150)
        self.failed_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.chart_title = self._label("Error chart")
        self.chart = ErrorChart()
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setObjectName("stateLabel")
        for w in (
            self.verdict_title,
            self.verdict_label,
            self.pending_label,
            self.failed_title,
            self.failed_list,
            self.chart_title,
        ):
            sv.addWidget(w)
        sv.addWidget(self.chart, 1)
        sv.addWidget(self.state_label)
        return side

    def reevaluate(self) -> None:
        if self.instrument is None:
            return
        if self.insp.is_draft:
            self.evaluation = drafts.evaluate_draft(self.insp, self.instrument)
            self.insp = drafts.apply_evaluation(self.insp, self.evaluation, self.extra_failures())
        else:
            self.evaluation = drafts.evaluate_draft(self.insp, self.instrument)
        for model in self.models:
            if model.test_index < len(self.evaluation.tests):
                model.set_state(self.evaluation.tests[model.test_index])
        self._show_verdict()
        self.chart.set_series(chart_data.chart_series(self.insp, self.instrument, self.evaluation))
        self._show_standards_warnings()

    def _show_verdict(self) -> None:
        verdict = self.insp.verdict
        # A draft with tests still to do is not a pass yet: say "no failure so far" instead.
        unfinished = self.insp.is_draft and any(t.result is None for t in self.evaluation.tests)
        if verdict == "pass" and unfinished:
            text, fg, bg = tr("… no failure so far"), "#14632f", "#eeeeee"
        elif verdict == "pass":
            text, fg, bg = tr("✔ PASS"), "#14632f", "#dcf2e3"
        elif verdict == "fail":
            text, fg, bg = tr("✘ FAIL"), "#9b0019", "#fbe0e5"
        else:
            text, fg, bg = tr("… not judged yet"), "#555555", "#eeeeee"
        self.verdict_label.setText(text)
        self.verdict_label.setStyleSheet(
            f"font-size: 22pt; font-weight: bold; color: {fg}; background: {bg}; border-radius: 6px;"
        )
        failed = (
            (self.insp.result or {}).get("failed", [])
            if not self.insp.is_draft
            else drafts.failed_items(self.evaluation, [])
        )
        failed = list(failed) + self.extra_failures()
        self.failed_list.clear()
        self.failed_list.addItems([f"✘ {f}" for f in failed])
        self.failed_list.setVisible(bool(failed))
        self.failed_title.setVisible(bool(failed))
        n = drafts.left_out(self.insp, self.evaluation) if self.insp.is_draft else 0
        untouched = (
            sum(1 for t in self.evaluation.tests if t.result is None) if self.insp.is_draft else 0
        )
        notes = []
        if n:
            notes.append(
                ntr("{n} row or test incomplete", "{n} rows or tests incomplete", n).format(n=n)
            )
        if untouched > n:
            notes.append(
                ntr(
                    "{n} test without readings yet", "{n} tests without readings yet", untouched - n
                ).format(n=untouched - n)
            )
        if not self.insp.is_draft:  # a finalized record keeps the rule data it was judged with
            from ...domain.rules.ruledata import stale_note

            stale = stale_note(self.insp.result)
            if stale:
                notes.append("⚠ " + (stale[0] if current_language() == "zh" else stale[1]))
        self.pending_label.setText(" · ".join(notes))
        if self.evaluation.error is not None:
            e = self.evaluation.error
            self.pending_label.setText(f"⚠ {e.path}: {translate_message(e.message)}")

    def failed(self) -> list[str]:
        return [self.failed_list.item(i).text()[2:] for i in range(self.failed_list.count())]

    def _show_standards_warnings(self) -> None:
        chosen = [
            s
            for s in (self.store.standards.get(sid) for sid in self.insp.standards)
            if s is not None
        ]
        warnings = (
            standards_check.check_standards(self.insp, self.instrument, chosen)
            if self.instrument
            else []
        )
        self.standard_warnings = warnings
        self.standards_warning.setText(
            "\n".join(f"⚠ {translate_message(w.message)}" for w in warnings)
        )
        self.standards_warning.setVisible(bool(warnings))

    def _show_review(self) -> None:
        """The supervisor's newest decision (a return prominently, with its comment)."""
        try:
            from ...services.review import reviews_for

            reviews = reviews_for(self.store, self.insp.id)
        except Exception:  # an older database without reviews: nothing to show
            reviews = []
        review = reviews[0] if reviews else None
        if review is None or (review.inherited and review.decision != "returned"):
            self.review_note.hide()
            return
        date = (review.at or "")[:10]
        if review.decision == "returned":
            head = "↩ " + tr("Returned by {reviewer} on {date}").format(
                reviewer=review.reviewer, date=date
            )
            style = (
                "background: #fff1e0; color: #7a3300; border: 2px solid #e07b00; border-radius: 4px;"
                " padding: 8px; font-size: 11pt;"
            )
        else:
            head = "✔ " + tr("Approved by {reviewer} on {date}").format(
                reviewer=review.reviewer, date=date
            )
            style = "background: #e8f5ec; color: #1e5b30; border: 1px solid #8cc59e; border-radius: 4px; padding: 6px;"
        if review.inherited:
            head += " " + tr("(on an earlier revision)")
        from html import escape

        comment = escape(review.comment).replace("\n", "<br>")
        self.review_note.setText(f"<b>{escape(head)}</b>" + (f"<br>{comment}" if comment else ""))
        self.review_note.setStyleSheet(f"QLabel#reviewNote {{ {style} }}")
        self.review_note.show()
