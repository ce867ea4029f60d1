"""The enforcement cases window (案件): the list of cases with their state and next deadline,
and a page for the chosen case (party, articles, evidence, deadlines, the events timeline and
its documents) with the actions of the next legal step.

Every action opens a small form (window-modal, never a blocking ``exec``) that calls
``services.cases``; a refusal is shown in the form as the service's one sentence and nothing
typed is lost. Opened from Enforcement → Cases… (Ctrl+Shift+J) and from the overdue case
deadlines on Today's work.

Its texts are in this module's own zh/en table (``t``) while the program's catalogue moves
to gettext; the deadline names come from the shared catalogue.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InputError
from ..i18n import current_language, tr, trc
from . import settings
from .widgets.language import follow_language

# Words this window uses in another sense than the rest of the program (案件的状态、来源 rather
# than a review's 审核状态 or a rule's 出处): looked up with the gettext context "case".
_CASE_SENSE = frozenset({"State", "overdue", "Source", "Inspection"})
# The history's actions shown by name (the rest by the state they lead to, or as stored).
_HISTORY_ACTIONS = frozenset(
    {"open", "pause", "recheck", "decide", "execute", "close", "order", "order.assignment"}
    | {"evidence.added", "clue", "filed", "investigated", "notified", "decided", "executed"}
    | {"closed", "corrected"}
)


def t(text: str) -> str:
    """*text* in the window's language from the shared catalogue (for keys held in variables:
    states, sources, evidence kinds, steps); literal texts call ``tr`` / ``trc`` directly so
    that ``packaging/i18n.py extract`` sees them."""
    return trc("case", text) if text in _CASE_SENSE else tr(text)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _iso(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


def _money(text: str, where: str) -> Decimal | None:
    text = text.replace(",", "").replace("¥", "").replace("，", "").strip()
    if not text:
        return None
    from ..domain.numbers import ascii_digits

    try:
        value = Decimal(ascii_digits(text))
    except InvalidOperation:
        raise InputError(where, f"{text!r} is not an amount in yuan") from None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise InputError(where, f"{text!r} is not an amount in yuan (at most 2 decimals)")
    return value


# -- the form of one step ------------------------------------------------------------------------


class StepForm(QDialog):
    """The fields of one legal step. OK calls *apply(form)*; an InputError keeps the form
    open with the sentence shown, so nothing typed is lost."""

    done = Signal(object)  # what apply returned

    def __init__(self, parent: QWidget, title: str, apply) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.apply = apply
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setObjectName("stepError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        widget.setObjectName(f"step_{key}")
        widget.setAccessibleName(label)
        self.fields[key] = widget
        self.form.addRow(label, widget)
        if len(self.fields) == 1:
            widget.setFocus()
        return widget

    def date(self, key: str, label: str, day: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(day), self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return self.add(key, label, edit)

    def value(self, key: str):
        w = self.fields[key]
        if isinstance(w, QDateEdit):
            return _iso(w)
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText().strip()
        if isinstance(w, QListWidget):
            return [
                w.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(w.count())
                if w.item(i).checkState() == Qt.CheckState.Checked
            ]
        return w.text().strip()

    def _ok(self) -> None:
        try:
            result = self.apply(self)
        except InputError as exc:
            self.error.setText(str(exc.message if hasattr(exc, "message") else exc))
            self.error.show()
            return
        self.done.emit(result)
        self.accept()


# -- the window ----------------------------------------------------------------------------------


class CaseWindow(QWidget):
    """Cases on the left, the chosen case on the right, its next steps below it."""

    changed = Signal()

    COLUMNS = ("Case no.", "State", "Party", "Next deadline", "Overdue")

    def __init__(self, store, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("caseWindow")
        # closing the main window ends the program even while this one is open
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.store = store
        self.today = today
        self.rows: list[dict] = []
        self.current_id: str | None = None
        self.form: StepForm | None = None
        self.status = QLabel(self)
        self.status.setObjectName("caseStatus")
        self.search = QLineEdit(self)
        self.search.setObjectName("caseSearch")
        self.search.setClearButtonEnabled(True)
        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("caseStateFilter")
        self.only_overdue = QCheckBox(self)
        self.only_overdue.setObjectName("caseOnlyOverdue")
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("caseNew")
        self.new_button.clicked.connect(self.new_case)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("caseTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.page = QTextBrowser(self)
        self.page.setObjectName("casePage")
        self.page.setOpenLinks(False)
        self.actions_box = QHBoxLayout()
        self.step_buttons: dict[str, QPushButton] = {}
        self.doc_kind = QComboBox(self)
        self.doc_kind.setObjectName("caseDocumentKind")
        self.sign = QCheckBox(self)
        self.sign.setObjectName("caseSignDocument")
        self.save_doc = QPushButton(self)
        self.save_doc.setObjectName("caseSaveDocument")
        self.save_doc.clicked.connect(self.save_document)
        self.next_label = QLabel(self)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.page, 1)
        rl.addWidget(self.next_label)
        rl.addLayout(self.actions_box)
        docs = QHBoxLayout()
        docs.addWidget(self.doc_kind, 1)
        docs.addWidget(self.sign)
        docs.addWidget(self.save_doc)
        rl.addLayout(docs)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.state_filter, 1)
        filters.addWidget(self.only_overdue)
        ll.addWidget(self.new_button)
        ll.addLayout(filters)
        ll.addWidget(self.table, 1)
        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.search.textChanged.connect(self._fill_table)
        self.state_filter.currentIndexChanged.connect(self._fill_table)
        self.only_overdue.toggled.connect(self._fill_table)
        self.table.itemSelectionChanged.connect(self._selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search.setFocus)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save_document)
        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self, self.new_case)
        QShortcut(QKeySequence("Escape"), self, self.close)
        self.resize(1200, 720)
        self.retranslate()
        follow_language(self, self.retranslate)
        self.refresh()

    # -- data ------------------------------------------------------------------------------
    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def refresh(self) -> None:
        from ..services.cases import list_cases

        self.rows = list_cases(self.store, today=self._today())
        self._fill_table()

    def _visible_rows(self) -> list[dict]:
        text = self.search.text().strip().lower()
        state = self.state_filter.currentData()
        out = []
        for r in self.rows:
            if state and r["status"] != state:
                continue
            if self.only_overdue.isChecked() and not r["overdue"]:
                continue
            if text and text not in r["party"].lower() and text not in r["case_no"].lower():
                continue
            out.append(r)
        return out

    def _fill_table(self) -> None:
        keep = self.current_id
        rows = self._visible_rows()
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            nxt = r["next_deadline"]
            deadline = f"{tr('case deadline: ' + nxt['key'])} {nxt['due']}" if nxt else "—"
            cells = [
                r["case_no"],
                t(r["status"]),
                r["party"],
                deadline,
                trc("case", "overdue") if r["overdue"] else "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                if r["overdue"]:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(i, j, item)
        self.table.blockSignals(False)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(3)
        if not rows:
            self.current_id = None
            self._show_case()
        elif keep and any(r["id"] == keep for r in rows):
            self.select_case(keep)
        else:
            self.table.selectRow(0)
        overdue = sum(1 for r in self.rows if r["overdue"])
        self.status.setText(
            f"{len(rows)} / {len(self.rows)}" + (f" · {tr('Overdue')} {overdue}" if overdue else "")
        )

    def select_case(self, case_id: str) -> bool:
        """Show the case with this id (the filters are cleared when it is hidden)."""
        for attempt in range(2):
            for i in range(self.table.rowCount()):
                if self.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == case_id:
                    self.table.selectRow(i)
                    self.current_id = case_id
                    self._show_case()
                    return True
            if attempt == 0:
                self.search.clear()
                self.state_filter.setCurrentIndex(0)
                self.only_overdue.setChecked(False)
        return False

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.current_id = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        self._show_case()

    def current_case(self):
        from ..services.cases import repo

        return repo(self.store).get(self.current_id) if self.current_id else None

    # -- the case page ---------------------------------------------------------------------
    def _show_case(self) -> None:
        from ..services import cases as svc

        case = self.current_case()
        for b in self.step_buttons.values():
            b.deleteLater()
        self.step_buttons = {}
        self.doc_kind.clear()
        if case is None:
            self.page.setHtml(
                f"<p>{escape(tr('Choose a case on the left.') if self.rows else t(NO_CASES))}</p>"
            )
            self.save_doc.setEnabled(False)
            self.next_label.setText("")
            return
        data = svc.summary(self.store, case, self._today())
        self.page.setHtml(self._html(case, data))
        for key in self._steps(case):
            b = QPushButton(t(STEP_TITLES[key]), self)
            b.setObjectName(f"step_{key}")
            b.clicked.connect(lambda _c=False, k=key: self.start_step(k))
            self.actions_box.addWidget(b)
            self.step_buttons[key] = b
        self.next_label.setText(f"<b>{escape(tr('Next step'))}</b>" if self.step_buttons else "")
        for kind in svc.available_documents(self.store, case):
            zh, en = svc.DOCUMENT_NAMES[kind]
            self.doc_kind.addItem(zh if current_language() == "zh" else en, kind)
        self.doc_kind.setCurrentIndex(self.doc_kind.count() - 1)
        self.save_doc.setEnabled(self.doc_kind.count() > 0)
        from ..crypto.keys import has_identity
        from ..paths import keys_dir

        can = has_identity(keys_dir(Path(self.store.path)))
        self.sign.setEnabled(can)
        self.sign.setChecked(can)

    def _html(self, case, data: dict) -> str:
        def row(label: str, value: str) -> str:
            return f"<tr><td style='color:#555;padding-right:12px'>{escape(t(label))}</td><td>{value}</td></tr>"

        lang = current_language()
        p = case.party

        def cites(key: str) -> str:
            field = "citation_zh" if lang == "zh" else "citation_en"
            return "<br>".join(escape(a[field]) for a in data[key]) or "—"

        head = (
            f"<h2>{escape(case.case_no)} · {escape(p.name)}</h2>"
            f"<p><b>{escape(t(case.status))}</b>"
            + (
                f" · <span style='color:#b00020'>{escape(tr('cheating case'))}</span>"
                if case.cheating
                else ""
            )
            + (f" · {escape(tr('sealed'))}" if case.decided_hash else "")
            + "</p>"
        )
        rows = [
            row("Party", escape(p.name)),
            row("Credit code / ID", escape(p.credit_code or p.id_number or "—")),
            row("Address", escape(p.address or "—")),
            row(
                "Source",
                escape(t(case.source))
                + (f": {escape(case.source_text)}" if case.source_text else ""),
            ),
            row("Clue found on", escape(case.clue_date)),
            row("Facts", escape(case.facts or "—")),
            row(
                "Officers",
                escape(", ".join(f"{o.name} ({o.certificate_no})" for o in case.officers) or "—"),
            ),
            row("Violated", cites("violated")),
            row("Penalty article", cites("penalty")),
        ]
        if case.decision is not None:
            from ..reports.case_documents import decision_lines

            lines = decision_lines(data["decision"], lang)
            no = case.decision.decision_no
            rows.append(row("Decision", escape((no + " " if no else "") + "; ".join(lines))))
        if case.orders:
            items = []
            for o in case.orders:
                state = (
                    tr("awaiting re-inspection")
                    if o.corrected is None
                    else f"{tr('corrected') if o.corrected else tr('not corrected')} {o.checked_on}"
                )
                items.append(escape(f"{o.ordered_on} → {o.deadline}: {state}"))
            rows.append(row("Orders to correct", "<br>".join(items)))
        dls = []
        for d in data["deadlines"]:
            text = escape(f"{tr('case deadline: ' + d['key'])} {d['due']}")
            dls.append(
                f"<span style='color:#b00020'><b>{text} ({escape(trc('case', 'overdue'))})</b></span>"
                if d["overdue"]
                else text
            )
        rows.append(row("Deadlines", "<br>".join(dls) or escape(tr("none"))))
        ev = [
            escape(
                f"{i}. {t(e['kind'])} {e['ref'][:16]}{'…' if len(e['ref']) > 16 else ''} {e['note']}"
            )
            for i, e in enumerate(data["evidence"], start=1)
        ]
        rows.append(row("Evidence", "<br>".join(ev) or "—"))
        history = []
        for e in data["events"]:
            day = e["on_date"] or e["at"][:10]
            action = e["action"]
            label = (
                t(action)
                if action in _HISTORY_ACTIONS
                else t(e["to_status"])
                if action == e["to_status"]
                else action
            )
            if action == "evidence":
                label = tr("evidence.added")
            history.append(escape(f"{day}  {label}  · {e['actor']}"))
        rows.append(row("History", "<br>".join(history)))
        return head + "<table cellspacing='2'>" + "".join(rows) + "</table>"

    @staticmethod
    def _steps(case) -> list[str]:
        s = case.status
        nxt = {
            "clue": ["file", "simple"],
            "filed": ["investigate"],
            "investigated": ["notify"],
            "notified": ["decide"],
            "decided": ["execute"],
            "executed": ["close"],
        }.get(s, [])
        if s != "closed":
            if any(o.corrected is None for o in case.orders):
                nxt.append("recheck")
            nxt.append("order")
        if s in ("clue", "filed", "investigated", "notified"):
            nxt.append("close")
        return list(dict.fromkeys(nxt))

    # -- steps -------------------------------------------------------------------------------
    def start_step(self, key: str) -> StepForm | None:
        """Open the form of a step for the current case (window-modal, not blocking)."""
        from ..services import cases as svc

        case = self.current_case()
        if case is None:
            return None
        today = self._today()
        actor = settings.actor()
        form = StepForm(self, f"{case.case_no} · {t(STEP_TITLES[key])}", None)
        on = form.date("on", tr("Date"), today)
        cat = svc.articles()

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
            from ..domain.cases import ArticleRef

            return [ArticleRef(a.id, a.edition) for a in values]

        def service_combo() -> QComboBox:
            combo = QComboBox(form)
            from ..domain.cases import SERVICE_METHODS

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
            from ..domain.cases import Decision

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
            proposed = svc.proposed_penalty(self.store, case)
            if proposed:
                form.fields["fine"].setText(str(proposed.get("fine") or ""))
                form.fields["warning"].setChecked(bool(proposed.get("warning")))
                form.fields["confiscate"].setChecked(
                    "instrument" in (proposed.get("confiscation") or [])
                )
                form.fields["gains"].setText(str(proposed.get("illegal_gains") or ""))
            # an order to correct in the decision (责令改正) with its deadline in days: the
            # order, its deadline and its re-inspection are made with the decision
            ordered = QCheckBox(form)
            form.add("order", tr("Order to correct"), ordered)
            order_days = QSpinBox(form)
            order_days.setRange(1, 365)
            order_days.setValue(7)
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
                decided = svc.decide(
                    self.store,
                    case.id,
                    decision(f),
                    on=f.value("on"),
                    actor=actor,
                    penalty=penalty,
                    service_method=f.value("service"),
                    public_notice=f.value("public"),
                )[0]
                if not f.value("order"):
                    return decided
                return svc.order(
                    self.store,
                    decided.id,
                    on=f.value("on"),
                    actor=actor,
                    days=f.value("order_days"),
                    text=f.value("order_text"),
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
            days.setValue(7)
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
        form.done.connect(self._stepped)
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

        from ..domain.cases import ArticleRef, CaseOfficer
        from ..services import cases as svc

        candidates = svc.repo(self.store).case_candidates()
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
        cat = svc.articles()
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
        form.done.connect(self._opened)
        source.setFocus()
        self.form = form
        form.open()
        return form

    def _opened(self, case) -> None:
        self._stepped(case)
        warnings = getattr(self, "_warnings", [])
        if warnings:
            self.status.setText(self.status.text() + "  " + tr("Warning: ") + "; ".join(warnings))

    # -- documents ---------------------------------------------------------------------------
    def save_document(self, path: str | None = None) -> Path | None:
        """Write the chosen document of the case as a PDF (signed when "Sign it" is on)."""
        from ..services import cases as svc
        from .report_actions import _documents, _identity
        from .widgets import file_dialogs

        case = self.current_case()
        kind = self.doc_kind.currentData()
        if case is None or not kind:
            return None
        if not path:
            suggestion = str(_documents() / f"{case.case_no}-{kind}.pdf")
            path = file_dialogs.get_save_file_name(
                self, tr("Save document…"), suggestion, tr("PDF files (*.pdf)")
            )
            if not path:
                return None
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        identity = None
        if self.sign.isChecked() and self.sign.isEnabled():
            unlocked = _identity(self, Path(self.store.path))
            if unlocked is None:
                return None
            identity = unlocked[0]
        try:
            pdf = svc.case_document(
                self.store, case.id, kind, lang=current_language(), identity=identity
            )
            Path(path).write_bytes(pdf)
        except InputError as exc:
            self.status.setText(str(exc))
            return None
        except OSError as exc:
            self.status.setText(f"{path}: {exc.strerror}")
            return None
        self.status.setText(tr("Saved {file}.").format(file=path))
        return Path(path)

    # -- language ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(tr("Enforcement cases"))
        self.table.setHorizontalHeaderLabels([t(c) for c in self.COLUMNS])
        self.table.setAccessibleName(tr("Enforcement cases"))
        self.search.setPlaceholderText(tr("Search party or case no."))
        self.search.setAccessibleName(tr("Search party or case no."))
        current = self.state_filter.currentData()
        self.state_filter.blockSignals(True)
        self.state_filter.clear()
        self.state_filter.addItem(tr("All states"), "")
        from ..domain.cases import STATES

        for s in STATES:
            self.state_filter.addItem(t(s), s)
        self.state_filter.setCurrentIndex(max(0, self.state_filter.findData(current or "")))
        self.state_filter.blockSignals(False)
        self.state_filter.setAccessibleName(trc("case", "State"))
        self.only_overdue.setText(tr("Only overdue"))
        self.new_button.setText(tr("New case from a failed inspection…"))
        self.sign.setText(tr("Sign it"))
        self.save_doc.setText(tr("Save document…"))
        self.doc_kind.setAccessibleName(tr("Documents"))
        self.page.setAccessibleName(tr("Enforcement cases"))
        if not self.isVisible():  # hidden: redrawn when shown
            self._stale = True
            return
        import sqlite3

        try:
            if self.rows:
                self._fill_table()
            else:
                self._show_case()
        except sqlite3.ProgrammingError:  # its database was closed with the main window
            self.close()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if getattr(self, "_stale", False):
            self._stale = False
            self.refresh()


NO_CANDIDATES = (
    "No failed inspection is waiting for a case: every failed inspection is in a case already."
)
NO_CASES = (
    "No cases yet: a case is opened from an inspection or visit that found a violation "
    "(case new on the command line)."
)
STEP_TITLES = {
    "file": "File the case…",
    "simple": "Decide on the spot…",
    "investigate": "Investigation done…",
    "notify": "Serve the prior notice…",
    "decide": "Decide…",
    "execute": "Record execution…",
    "close": "Close the case…",
    "order": "Order to correct…",
    "recheck": "Record the re-inspection…",
}


def open_case_window(
    store, parent: QWidget | None = None, case_id: str | None = None
) -> CaseWindow:
    """The window (one per main window), raised, showing *case_id* when given."""
    win = getattr(parent, "_case_window", None) if parent is not None else None
    if win is None or win.store is not store:
        win = CaseWindow(store, parent)
        if parent is not None:
            parent._case_window = win
    else:
        win.refresh()
    if case_id:
        win.select_case(case_id)
    win.show()
    win.raise_()
    win.activateWindow()
    return win
