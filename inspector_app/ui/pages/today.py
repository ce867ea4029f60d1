"""The Today's-work page: drafts to finish, what was inspected today, visits due, and a big
"New inspection…" button."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import i18n
from ...i18n import tr
from ...store.inspections import InspectionFilter
from .. import qt_values, settings
from ..models.inspections import InspectionTableModel
from ..widgets.language import follow_language
from ..widgets.record_table import RecordTable
from ..workers import StoreReader
from .inspections import INSPECTION_COLUMN_WIDTHS


class TodayPage(QWidget):
    """What to do now: drafts to finish, what was inspected today, a big "New inspection"."""

    def __init__(self, store, reader: StoreReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.greeting = QLabel(self)
        self.greeting.setObjectName("greeting")
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.greeting.setFont(font)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newInspectionButton")
        self.new_button.setMinimumHeight(40)
        from PySide6.QtWidgets import QStyle

        self.new_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
        self.empty_hint = QLabel(self)
        self.empty_hint.setObjectName("todayEmptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #555; font-size: 11pt; padding: 6px 0;")
        self.empty_hint.hide()
        # enforcement cases whose deadline has passed, in red (case list --overdue)
        self.store = store
        self._overdue: list[dict] = []
        self.overdue_label = QLabel(self)
        self.overdue_label.setObjectName("todayOverdueCases")
        self.overdue_label.setWordWrap(True)
        self.overdue_label.setProperty(  # (setTextInteractionFlags takes Qt's flags)
            "textInteractionFlags", qt_values.OVERDUE_LINKS
        )
        self.overdue_label.linkActivated.connect(self._open_case_link)
        self.overdue_label.setStyleSheet("color: #b00020; padding: 4px 0;")
        self.overdue_label.hide()
        self.drafts_label = QLabel(self)
        self.today_label = QLabel(self)
        # the campaign work list: premises assigned and not yet visited (Enter starts one)
        from ..visit_worklist import WorkListPanel

        self.work_list = WorkListPanel(store, self)
        self.work_list.hide()
        self.work_list.changed.connect(self.retranslate)
        self.drafts = InspectionTableModel(
            reader, self, base_filter=InspectionFilter(status="draft")
        )
        self.today = InspectionTableModel(reader, self)
        self.drafts_table = RecordTable(self)
        self.drafts_table.setModel(self.drafts)
        self.today_table = RecordTable(self)
        self.today_table.setModel(self.today)
        for t in (self.drafts_table, self.today_table):
            t.set_column_widths(INSPECTION_COLUMN_WIDTHS)
        head = QHBoxLayout()
        text = QVBoxLayout()
        text.addWidget(self.greeting)
        text.addWidget(self.hint)
        head.addLayout(text, 1)
        head.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.overdue_label)
        layout.addWidget(self.work_list, 2)
        layout.addWidget(self.drafts_label)
        layout.addWidget(self.drafts_table, 1)
        layout.addWidget(self.today_label)
        layout.addWidget(self.today_table, 2)
        for m in (self.drafts, self.today):
            m.counted.connect(lambda _n: self.retranslate())
            m.modelReset.connect(self.retranslate)
        self._language = i18n.current_language()  # the models' texts are in it
        self.retranslate()
        follow_language(self, self.retranslate)

    def refresh(self, later: Callable[[Callable[[], None]], object] | None = None) -> None:
        """Re-read the page: the two lists on the background reader; the overdue cases and
        the work list here, or handed to *later* (the window's start-up runs them just after
        its first paint)."""
        today = dt.date.today().isoformat()
        self.drafts.refresh()
        # drafts are listed above: "inspected today" is what was finished today
        self.today.set_filter(InspectionFilter(status="finalized", date_from=today, date_to=today))
        if later is None:
            self.load_extras()
        else:
            later(self.load_extras)

    def load_extras(self) -> None:
        """The overdue case deadlines and the campaign work list."""
        self.load_overdue_cases()
        self.work_list.refresh()

    def load_overdue_cases(self) -> None:
        from ...services.case_lists import list_cases

        try:
            self._overdue = list_cases(self.store, overdue=True)
        except Exception:  # noqa: BLE001 - the page stays usable without the case list
            self._overdue = []
        self.retranslate()  # the overdue list, and no "nothing to do" beside it

    def _show_overdue(self) -> None:
        from html import escape

        lines = [
            f"<a href='case:{escape(r['id'])}' style='color:#b00020'>{escape(r['case_no'])}</a>"
            + escape(f"  {r['party']}: ")
            + "; ".join(
                escape(f"{tr('case deadline: ' + d['key'])} {d['due']}")
                for d in r["overdue_deadlines"]
            )
            for r in self._overdue
        ]
        self.overdue_label.setText(
            f"<b>{tr('Overdue case deadlines')}</b> ({len(lines)})<br>" + "<br>".join(lines)
        )
        self.overdue_label.setVisible(bool(lines))

    def _open_case_link(self, link: str) -> None:
        if link.startswith("case:"):
            window = self.window()
            if hasattr(window, "show_cases"):
                window.show_cases(link[len("case:") :])

    def focus_search(self) -> None:
        self.new_button.setFocus()

    def retranslate(self) -> None:
        name = settings.get("inspector_name")
        self.greeting.setText(
            tr("Good day, {name}.").format(name=name) if name else tr("Good day.")
        )
        self.hint.setText(
            "" if name else tr("Set your name in Settings so it is recorded with each inspection.")
        )
        self.hint.setVisible(not name)
        self.new_button.setText(tr("&New inspection…"))
        self.drafts_table.setAccessibleName(tr("Drafts to finish"))
        self.today_table.setAccessibleName(tr("Inspected today"))
        self.drafts_label.setText(f"<b>{tr('Drafts to finish')}</b> ({self.drafts.total})")
        self.today_label.setText(f"<b>{tr('Inspected today')}</b> ({self.today.total})")
        empty = (
            self.drafts.loaded_once
            and self.today.loaded_once
            and not self.drafts.total
            and not self.today.total
            and not self.drafts.counting
            and not self.today.counting
            and not self._overdue
            and not self.work_list.total
        )
        self.empty_hint.setText(
            tr(
                "Nothing to do yet. Start with “New inspection…”: it lets you add the premises "
                "and the instrument on the way."
            )
        )
        self.empty_hint.setVisible(bool(empty))
        if self._language != i18n.current_language():  # (not on a count: texts unchanged)
            self._language = i18n.current_language()
            for table, model in ((self.drafts_table, self.drafts), (self.today_table, self.today)):
                table.set_header_labels(model.header_labels())
                model.retranslate()
        self._show_overdue()
