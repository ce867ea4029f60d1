"""The one definition of a failed item, used by the editor, the PDF, statistics and bundles.

An item has failed when

* a **checklist question** is answered with its form's ``finding_if`` answer ("no" for a
  legal requirement such as "seals intact", "yes" for a cheating indicator such as "remote
  control found"); it is named by its non-conforming wording (``finding_text``), never by
  the positive label;
* a **reading** is outside the maximum permissible error (the rules engine's item verdict
  ``fail``; a value exactly on the MPE passes); it carries the measured value and the limit;
* a **test of the verification programme is incomplete** (for initial and subsequent
  verification only: a test the regulation asks for is missing, or a fuel dispenser was
  tested at fewer flow rates than required), see :mod:`.verification_cycle`;
* a **cheating finding** was recorded.

Nothing else is a failed item: in particular a cheating indicator answered "no" is a pass.
Labels of readings come from the rules engine in English; the caller translates them
(``reports.labels.item_label``) since translation tables are not domain data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .forms import Form, Label
from .verification_cycle import programme_missing

if TYPE_CHECKING:
    from .models import Inspection

READING = "reading"
QUESTION = "question"
INCOMPLETE = "incomplete"
FINDING = "finding"


@dataclass(frozen=True)
class FailedItem:
    kind: str  # READING / QUESTION / INCOMPLETE / FINDING
    key: str  # reading label, question key, test kind or finding code
    wording: Label | None = None  # questions, incomplete tests, findings
    measured: str | None = None  # readings: the error (or value) found
    limit: str | None = None  # readings: the MPE magnitude
    unit: str = ""
    test: str = ""  # readings: the test kind
    cheating: bool = False
    group: str = ""  # questions: "legal" or "cheating"

    def text(self, lang: str, item_label: Callable[[str, str], str] | None = None) -> str:
        """One line for a list of failed items. *item_label(label, lang)* translates the
        rules engine's English reading labels."""
        if self.kind == READING:
            name = item_label(self.key, lang) if item_label else self.key
            if self.measured is None:
                return name
            unit = f" {self.unit}" if self.unit else ""
            if lang == "zh":
                return f"{name}：测得 {self.measured}{unit}，允许 ±{self.limit}{unit}"
            return f"{name}: found {self.measured}{unit}, permitted ±{self.limit}{unit}"
        if self.wording is not None:
            return self.wording.get(lang)
        return self.key


def question_failures(form: Form | None, checklist: Mapping[str, str] | None) -> list[FailedItem]:
    """Checklist questions answered with their ``finding_if`` answer, in form order. Without
    a form (unknown family), only answers "no" to unknown questions are failures."""
    checklist = checklist or {}
    out = []
    if form is not None:
        for q in form.checklist:
            if checklist.get(q.key) == q.finding_if:
                out.append(
                    FailedItem(
                        QUESTION,
                        q.key,
                        q.finding_text or q.label,
                        cheating=q.group == "cheating",
                        group=q.group,
                    )
                )
        return out
    return [FailedItem(QUESTION, k, None) for k, a in checklist.items() if a == "no"]


def reading_failures(result: Mapping[str, Any] | None) -> list[FailedItem]:
    """Items of the judged result outside their limit, with value and limit."""
    out = []
    for test in (result or {}).get("tests", []):
        for item in test.get("items", []):
            if item.get("verdict") != "fail":
                continue
            out.append(
                FailedItem(
                    READING,
                    str(item.get("label", "")),
                    measured=None if item.get("error") is None else str(item["error"]),
                    limit=None if item.get("mpe") is None else str(item["mpe"]).lstrip("±"),
                    unit=str(item.get("unit") or ""),
                    test=str(test.get("kind", "")),
                )
            )
    if not out:  # an older result without items: the labels it listed
        out = [FailedItem(READING, str(x)) for x in (result or {}).get("failed", [])]
    return out


def failed_items(
    *,
    family: str,
    check: str,
    checklist: Mapping[str, str] | None,
    result: Mapping[str, Any] | None,
    findings: Iterable[Any] = (),
    form: Form | None = None,
    metrology: Mapping[str, Any] | None = None,
) -> list[FailedItem]:
    """Every failed item of an inspection, in the order a notice lists them: readings,
    incomplete tests, checklist questions, then cheating findings not already named by a
    question."""
    out = reading_failures(result)
    for m in programme_missing(family, check, dict(result or {}), dict(metrology or {})):
        out.append(
            FailedItem(
                INCOMPLETE,
                m.requirement.kind,
                Label(m.text("zh"), m.text("en")),
                test=m.requirement.kind,
            )
        )
    questions = question_failures(form, checklist)
    out += questions
    named = {q.key for q in questions}
    for f in findings:
        if getattr(f, "cheating", False) and f.code not in named:
            text = str(f.text)
            out.append(FailedItem(FINDING, f.code, Label(text, text), cheating=True))
    return out


def inspection_failed_items(
    insp: Inspection, form: Form | None = None, metrology: Mapping[str, Any] | None = None
) -> list[FailedItem]:
    """:func:`failed_items` of an :class:`~inspector_app.domain.models.Inspection`."""
    return failed_items(
        family=insp.family,
        check=insp.check,
        checklist=insp.checklist,
        result=insp.result,
        findings=insp.findings,
        form=form,
        metrology=metrology,
    )


def nonconforming(items: Iterable[FailedItem]) -> list[FailedItem]:
    """The items that make an inspection non-conforming (an incomplete programme only
    stops a certificate; it does not turn a pass into a fail)."""
    return [i for i in items if i.kind != INCOMPLETE]
