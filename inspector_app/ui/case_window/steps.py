"""The forms of a case's legal steps (file, decide on the spot, investigation done, prior
notice, decide, execution, close, order to correct, re-inspection) and of a new case opened
from a failed inspection; each calls ``services.cases`` and a refusal stays in the form."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ...domain.errors import InputError
from ...i18n import current_language, tr, trc
from .. import settings
from .step_form import StepForm, _money, _qdate
from .texts import NO_CANDIDATES, STEP_TITLES, t


class CaseSteps(QWidget):
    changed = Signal()

    store: Any
    current_id: str | None
    form: StepForm | None
    status: QLabel

    if TYPE_CHECKING:  # the window's

        def current_case(self) -> Any: ...
        def refresh(self) -> None: ...
        def _today(self) -> dt.date: ...

    # -- steps -------------------------------------------------------------------------------
    def start_step(self, key: str) -> StepForm | None:
        """Open the form of a step for the current case (window-modal, not blocking)."""
        from ...domain.cases import ORDER_DAYS
        from ...services import case_common, case_documents
        from ...services import cases as svc

        case = self.current_case()
        if case is None:
            return None
        today = self._today()
        actor = settings.actor()
        form = StepForm(self, f"{case.case_no} · {t(STEP_TITLES[key])}", None)
        on = form.date("on", tr("Date"), today)
        cat = case_common.articles()

        def articles(role: str, selected) -> QListWidget:
            box = QListWidget(form)
            chosen = {r.article_id for r in selected}
            for a in cat.articles.values():
                if a.role in (role, "both"):
                    item = QListWidgetItem(cat.cite(a, current_language()), box)
                    item.setData(Qt.ItemDataRole.UserRole, a)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(
                        Qt.CheckState.Checked if a.id in chosen else Qt.CheckState.Unchecked
                    )
            box.setMaximumHeight(120)
            return box

        def refs(values):
            from ...domain.cases import ArticleRef

            return [ArticleRef(a.id, a.edition) for a in values]

        def service_combo() -> QComboBox:
            combo = QComboBox(form)
            from ...domain.cases import SERVICE_METHODS

            for m in SERVICE_METHODS:
                combo.addItem(t(m), m)
            return combo

        def decision_fields(prefix: str = "") -> None:
            form.add(
                "fine", tr("Proposed fine (yuan)") if prefix else tr("Fine (yuan)"), QLineEdit(form)
            )
            # where the penalty article sets the fine as a multiple (e.g. up to 3 × the
            # illegal gains), the range is checked against this amount
            gains = form.add("gains", tr("Illegal gains or goods value (yuan)"), QLineEdit(form))
            gains.setToolTip(tr("Needed where the fine is a multiple of the illegal gains"))
            form.add("warning", tr("Warning"), QCheckBox(form))
            form.add("confiscate", tr("Confiscate the instrument"), QCheckBox(form))

        def decision(f):
            from ...domain.cases import Decision

            return Decision(
                procedure="simple" if key == "simple" else "general",
                warning=f.value("warning"),
                order_to_correct=bool(f.value("order")) if "order" in f.fields else False,
                fine=_money(f.value("fine"), "fine"),
                illegal_gains=_money(f.value("gains"), "gains"),
                confiscation=["instrument"] if f.value("confiscate") else [],
                decision_no=f.value("decision_no") if "decision_no" in f.fields else "",
            )

        if key == "file":
            form.add("violated", tr("Violated article"), articles("violated", case.violated))
            facts = QPlainTextEdit(case.facts, form)
            facts.setMaximumHeight(80)
            facts.setTabChangesFocus(True)
            form.add("facts", tr("Facts (as filed)"), facts)

            def apply(f):
                return svc.advance(
                    self.store,
                    case.id,
                    "filed",
                    on=f.value("on"),
                    actor=actor,
                    violated=refs(f.value("violated")),
                    facts=f.value("facts"),
                )[0]
        elif key == "investigate":

            def apply(f):
                return svc.advance(
                    self.store, case.id, "investigated", on=f.value("on"), actor=actor
                )[0]
        elif key == "notify":
            form.add("penalty", tr("Penalty articles"), articles("penalty", case.penalty))
            decision_fields("proposed")
            form.add("service", tr("Served by"), service_combo())

            def apply(f):
                d = decision(f)
                proposed = d if (d.fine or d.warning or d.confiscation) else None
                return svc.advance(
                    self.store,
                    case.id,
                    "notified",
                    on=f.value("on"),
                    actor=actor,
                    penalty=refs(f.value("penalty")),
                    proposed=proposed,
                    service_method=f.value("service"),
                )[0]
        elif key in ("decide", "simple"):
            if key == "simple":
                form.add("penalty", tr("Penalty articles"), articles("penalty", case.penalty))
            decision_fields()
            proposed = case_documents.proposed_penalty(self.store, case)
            if proposed:
                form.field("fine", QLineEdit).setText(str(proposed.get("fine") or ""))
                form.field("warning", QCheckBox).setChecked(bool(proposed.get("warning")))
                form.field("confiscate", QCheckBox).setChecked(
                    "instrument" in (proposed.get("confiscation") or [])
                )
                form.field("gains", QLineEdit).setText(str(proposed.get("illegal_gains") or ""))
            # an order to correct in the decision (责令改正) with its deadline in days: the
            # order, its deadline and its re-inspection are made with the decision
            ordered = QCheckBox(form)
            form.add("order", tr("Order to correct"), ordered)
            order_days = QSpinBox(form)
            order_days.setRange(1, 365)
            order_days.setValue(ORDER_DAYS)
            form.add("order_days", tr("Days to correct"), order_days)
            order_text = QLineEdit(form)
            form.add("order_text", tr("What is to be corrected"), order_text)
            for w in (order_days, order_text):
                w.setEnabled(False)
                ordered.toggled.connect(w.setEnabled)
            form.add("decision_no", tr("Decision no."), QLineEdit(form))
            form.add("public", tr("Made public"), QCheckBox(form))
            form.add("service", tr("Served by"), service_combo())

            def apply(f):
                penalty = refs(f.value("penalty")) if "penalty" in f.fields else None
                ordered = f.value("order")
                return svc.decide(  # the decision and its order: one write
                    self.store,
                    case.id,
                    decision(f),
                    on=f.value("on"),
                    actor=actor,
                    penalty=penalty,
                    service_method=f.value("service"),
                    public_notice=f.value("public"),
                    order=svc.OrderTerms(days=f.value("order_days"), text=f.value("order_text"))
                    if ordered
                    else None,
                )[0]
        elif key == "execute":
            form.date("paid_on", tr("Paid on"), today)

            def apply(f):
                return svc.execute(
                    self.store, case.id, on=f.value("on"), actor=actor, paid_on=f.value("paid_on")
                )
        elif key == "close":
            reason = QPlainTextEdit(form)
            reason.setMaximumHeight(70)
            reason.setTabChangesFocus(True)
            form.add("reason", tr("Reason (needed before execution)"), reason)

            def apply(f):
                return svc.close(
                    self.store, case.id, on=f.value("on"), actor=actor, reason=f.value("reason")
                )
        elif key == "order":
            days = QSpinBox(form)
            days.setRange(1, 365)
            days.setValue(ORDER_DAYS)
            form.add("days", tr("Days to correct"), days)
            form.add("text", tr("What is to be corrected"), QLineEdit(form))

            def apply(f):
                return svc.order(
                    self.store,
                    case.id,
                    on=f.value("on"),
                    actor=actor,
                    days=f.value("days"),
                    text=f.value("text"),
                )[0]
        elif key == "recheck":
            corrected = QCheckBox(form)
            corrected.setChecked(True)
            form.add("corrected", tr("Corrected"), corrected)

            def apply(f):
                return svc.record_check(
                    self.store,
                    case.id,
                    corrected=f.value("corrected"),
                    on=f.value("on"),
                    actor=actor,
                )
        else:
            raise KeyError(key)
        form.apply = apply
        form.applied.connect(self._stepped)
        on.setFocus()
        self.form = form
        form.open()
        return form

    def _stepped(self, case) -> None:
        self.current_id = case.id
        self.refresh()
        self.status.setText(
            tr("The case {no} was saved: {state}.").format(no=case.case_no, state=t(case.status))
        )
        self.changed.emit()

    def new_case(self) -> StepForm | None:
        """Open a case from a failed inspection no case covers yet: the premises is the
        party, its findings the facts, the inspection and its photos the evidence."""
        import json

        from ...domain.cases import ArticleRef, CaseOfficer
        from ...services import case_common
        from ...services import cases as svc

        candidates = case_common.repo(self.store).case_candidates()
        form = StepForm(self, tr("New case from a failed inspection…"), None)
        source = QComboBox(form)
        for c in candidates:
            mark = f" [{tr('cheating case')}]" if c["cheating"] else ""
            text = f"{c['started_at'][:10]}  {c['premises_name']}{mark} — {c['findings'] or '—'}"
            source.addItem(text[:120], c)
        form.add("source", trc("case", "Inspection"), source)
        clue = form.date("clue", tr("Clue found on"), self._today())
        rows = []
        for i in range(2):
            name, cert = QLineEdit(form), QLineEdit(form)
            form.add(f"officer{i}", f"{tr('Officer')} {i + 1}", name)
            form.add(f"cert{i}", f"{tr('Enforcement certificate no.')} {i + 1}", cert)
            rows.append((name, cert))
        cat = case_common.articles()
        violated = QListWidget(form)
        for a in cat.articles.values():
            if a.role in ("violated", "both"):
                item = QListWidgetItem(cat.cite(a, current_language()), violated)
                item.setData(Qt.ItemDataRole.UserRole, a)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
        violated.setMaximumHeight(110)
        form.add("violated", tr("Violated article"), violated)

        def chosen(_i: int = 0) -> None:
            c = source.currentData()
            if not c:
                return
            clue.setDate(_qdate(dt.date.fromisoformat(c["started_at"][:10])))
            officers = json.loads(c["officers_json"] or "[]")
            me = settings.get("inspector_name") or ""
            if not officers and me:
                officers = [{"name": me, "certificate_no": ""}]
            for (name, cert), o in zip(rows, officers + [{}] * 2, strict=False):
                name.setText(o.get("name", ""))
                cert.setText(o.get("certificate_no", ""))

        source.currentIndexChanged.connect(chosen)
        chosen()
        if not candidates:
            form.error.setText(t(NO_CANDIDATES))
            form.error.show()

        def apply(f):
            c = f.value("source")
            if not c:
                raise InputError("source", t(NO_CANDIDATES))
            officers = [
                CaseOfficer(n.text().strip(), k.text().strip())
                for n, k in rows
                if n.text().strip() or k.text().strip()
            ]
            opened = svc.open_case(
                self.store,
                actor=settings.actor(),
                clue_date=f.value("clue"),
                officers=officers,
                inspection_id=c["id"],
                violated=[ArticleRef(a.id, a.edition) for a in f.value("violated")],
            )
            self._warnings = opened.warnings
            return opened.case

        form.apply = apply
        form.applied.connect(self._opened)
        source.setFocus()
        self.form = form
        form.open()
        return form

    def _opened(self, case) -> None:
        self._stepped(case)
        warnings = getattr(self, "_warnings", [])
        if warnings:
            self.status.setText(self.status.text() + "  " + tr("Warning: ") + "; ".join(warnings))
