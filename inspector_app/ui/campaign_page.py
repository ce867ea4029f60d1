"""The office's campaign page (Office → Campaigns…): every campaign with its progress, and for
the chosen one the progress per inspector and per county (district), and its work list
(premises assigned, visited, with findings, overdue in red). "Campaign report…" writes the
campaign's summary PDF.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InputError
from ..i18n import current_language, tr
from ..services import campaigns as cs
from .models.labels import premises_kind_label
from .widgets.language import follow_language

RED = QColor("#b00020")
CAMPAIGN_COLUMNS = (
    "Campaign",
    "Campaign period",
    "Assigned",
    "Visited",
    "With findings",
    "Overdue",
)
GROUP_COLUMNS = ("", "Assigned", "Visited", "Visited %", "With findings", "Overdue")
WORK_COLUMNS = ("Premises", "Kind", "County", "Inspector", "Due", "Visit day", "Findings")


def _table(parent: QWidget, columns: int, name: str) -> QTableWidget:
    t = QTableWidget(0, columns, parent)
    t.setObjectName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().hide()
    t.verticalHeader().setDefaultSectionSize(24)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return t


def _set_row(table: QTableWidget, i: int, values, red: bool = False) -> None:
    for c, text in enumerate(values):
        item = QTableWidgetItem(str(text))
        if c > 0 and str(text).replace(".", "").isdigit():
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if red:
            item.setForeground(QBrush(RED))
        table.setItem(i, c, item)


class CampaignPage(QWidget):
    """Campaigns and their progress, for the office; read-only, refreshed when shown."""

    def __init__(self, store, parent: QWidget | None = None, *, today: str | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.today = today  # fixed by tests; the computer's date otherwise
        self.setObjectName("campaignPage")
        self.campaigns: list = []
        self.progress: dict | None = None
        self.stats: dict = {}
        self.title = QLabel(self)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #555; padding: 6px 0;")
        self.campaign_table = _table(self, len(CAMPAIGN_COLUMNS), "campaignTable")
        self.campaign_table.currentCellChanged.connect(lambda r, *_: self.show_campaign(r))
        self.summary = QLabel(self)
        self.summary.setObjectName("campaignSummary")
        self.summary.setWordWrap(True)
        self.sentence = QLabel(self)
        self.sentence.setObjectName("campaignSentence")
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_button = QPushButton(self)
        self.report_button.setObjectName("campaignReportButton")
        self.report_button.clicked.connect(lambda _c=False: self.export_report())
        self.status = QLabel(self)
        self.status.setObjectName("campaignStatus")
        self.tabs = QTabWidget(self)
        self.by_inspector = _table(self, len(GROUP_COLUMNS), "progressByInspector")
        self.by_county = _table(self, len(GROUP_COLUMNS), "progressByCounty")
        self.by_kind = _table(self, len(GROUP_COLUMNS), "progressByKind")
        self.work = _table(self, len(WORK_COLUMNS), "campaignWorkList")
        for t in (self.work, self.by_inspector, self.by_county, self.by_kind):
            self.tabs.addTab(t, "")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.report_button)
        upper = QWidget(self)
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.empty)
        ul.addWidget(self.campaign_table, 1)
        lower = QWidget(self)
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.summary)
        ll.addWidget(self.sentence)
        ll.addWidget(self.tabs, 1)
        ll.addWidget(self.status)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setSizes([220, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.export_report)
        self.retranslate()
        follow_language(self, self.retranslate)

    # -- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        r = cs.repo(self.store)
        self.campaigns = r.list()
        current = self.campaign_table.currentRow()
        t = self.campaign_table
        t.blockSignals(True)
        t.setRowCount(len(self.campaigns))
        for i, c in enumerate(self.campaigns):
            p = cs.campaign_progress(self.store, c.id, self.today)["totals"]
            _set_row(
                t,
                i,
                (
                    c.name,
                    f"{c.date_from} – {c.date_to}",
                    p["assigned"],
                    p["visited"],
                    p["findings"],
                    p["overdue"],
                ),
                red=bool(p["overdue"]),
            )
        t.blockSignals(False)
        self.empty.setVisible(not self.campaigns)
        if self.campaigns:
            row = min(max(current, 0), len(self.campaigns) - 1)
            t.setCurrentCell(row, 0)
            self.show_campaign(row)
        else:
            self.progress = None
            self._show_progress()

    def show_campaign(self, row: int) -> None:
        if not 0 <= row < len(self.campaigns):
            return
        self.progress = cs.campaign_progress(self.store, self.campaigns[row].id, self.today)
        self.stats = cs.visit_statistics(self.store, campaign=self.campaigns[row].id)
        self._show_progress()

    def _show_progress(self) -> None:
        p = self.progress
        for t in (self.by_inspector, self.by_county, self.by_kind, self.work):
            t.setRowCount(0)
        self.report_button.setEnabled(p is not None)
        if p is None:
            self.summary.setText("")
            self.sentence.setText("")
            return
        tot = p["totals"]
        self.summary.setText(
            f"<b>{p['campaign']['name']}</b> · "
            + tr(
                "{visited} of {assigned} premises visited ({rate} %), {findings} with findings, {overdue} overdue"
            ).format(**tot, rate=tot["visited_rate"] or "0.00")
        )
        from ..reports.campaign_report import paragraph

        self.sentence.setText(paragraph(self.stats, current_language()))
        for table, groups, label in (
            (self.by_inspector, p["by_inspector"], lambda n: n),
            (self.by_county, p["by_county"], lambda n: n or tr("(no county in the address)")),
            (self.by_kind, p["by_kind"], premises_kind_label),
        ):
            table.setRowCount(len(groups))
            for i, g in enumerate(groups):
                _set_row(
                    table,
                    i,
                    (
                        label(g["name"]),
                        g["assigned"],
                        g["visited"],
                        g["visited_rate"] or "—",
                        g["findings"],
                        g["overdue"],
                    ),
                    red=bool(g["overdue"]),
                )
        rows = p["assignments"]
        self.work.setRowCount(len(rows))
        for i, a in enumerate(rows):
            _set_row(
                self.work,
                i,
                (
                    a["premises_name"],
                    premises_kind_label(a["kind"]),
                    a["county"],
                    a["inspector"],
                    a["due_date"] or "",
                    a["visit_day"] or "",
                    "✗" if a["findings"] else ("✓" if a["done_visit_id"] else ""),
                ),
                red=a["overdue"] or a["findings"],
            )

    # -- report -------------------------------------------------------------------------------
    def export_report(self, path: str | None = None) -> str | None:
        """Write the chosen campaign's summary PDF (signed when an identity is set up and
        unlocked); *path* skips the file dialog. Returns the path written."""
        if self.progress is None:
            return None
        from pathlib import Path

        from ..services.reports import write_atomic
        from .widgets import file_dialogs

        c = self.progress["campaign"]
        if path is None:
            path = file_dialogs.get_save_file_name(
                self, tr("Campaign &report…").replace("&", ""), f"{c['name']}.pdf", "PDF (*.pdf)"
            )
            if not path:
                return None
        try:
            pdf = cs.campaign_report(self.store, c["id"], lang=current_language())
            write_atomic(Path(path), pdf)
        except (InputError, OSError) as exc:
            QMessageBox.warning(self, tr("Campaigns"), getattr(exc, "message", None) or str(exc))
            return None
        self.status.setText(tr("Wrote {path}.").format(path=path))
        return str(path)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Campaign progress"))
        self.title.setText(f"<b>{tr('Campaigns')}</b>")
        self.empty.setText(
            tr(
                "No campaign yet. Define one with “campaign new” and assign premises with “campaign assign”; the work lists travel to the laptops in the office bundle."
            )
        )
        self.report_button.setText(tr("Campaign &report…"))
        self.campaign_table.setHorizontalHeaderLabels([tr(c) for c in CAMPAIGN_COLUMNS])
        for table, first in (
            (self.by_inspector, "Inspector"),
            (self.by_county, "County"),
            (self.by_kind, "Kind"),
        ):
            table.setHorizontalHeaderLabels([tr(first), *(tr(c) for c in GROUP_COLUMNS[1:])])
        self.work.setHorizontalHeaderLabels([tr(c) for c in WORK_COLUMNS])
        for i, name in enumerate(
            ("Work list of the campaign", "By inspector", "By county", "By kind of premises")
        ):
            self.tabs.setTabText(i, tr(name))
        self._show_progress()
