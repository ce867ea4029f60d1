"""The office's campaign page (Office → Campaigns…): every campaign with its progress, and for
the chosen one the progress per inspector and per county (district), and its work list
(premises assigned, visited, with findings, overdue in red). "Campaign report…" writes the
campaign's summary PDF.

The office defines campaigns here too: "New campaign…" (Ctrl+N), "Assign…" (Ctrl+Shift+A:
premises chosen by kind, city, county or market, many at once, to an inspector with a due
date) and "Unassign" (Delete on the work list: assignments not yet visited). Every write goes
through ``services.campaigns`` (validated, audited) and travels in the next office bundle.
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
from ..i18n import current_language, ntr, tr
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
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newCampaignButton")
        self.new_button.clicked.connect(lambda _c=False: self.new_campaign())
        self.assign_button = QPushButton(self)
        self.assign_button.setObjectName("assignButton")
        self.assign_button.clicked.connect(lambda _c=False: self.assign())
        self.unassign_button = QPushButton(self)
        self.unassign_button.setObjectName("unassignButton")
        self.unassign_button.clicked.connect(lambda _c=False: self.unassign())
        self.dialog: QWidget | None = None  # the campaign dialog open now, for tests
        self.status = QLabel(self)
        self.status.setObjectName("campaignStatus")
        self.status.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.by_inspector = _table(self, len(GROUP_COLUMNS), "progressByInspector")
        self.by_county = _table(self, len(GROUP_COLUMNS), "progressByCounty")
        self.by_kind = _table(self, len(GROUP_COLUMNS), "progressByKind")
        self.work = _table(self, len(WORK_COLUMNS), "campaignWorkList")
        self.work.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.work,
            self.unassign,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        for t in (self.work, self.by_inspector, self.by_county, self.by_kind):
            self.tabs.addTab(t, "")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.assign_button)
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
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.unassign_button)
        ll.addLayout(bottom)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setSizes([220, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        QShortcut(QKeySequence("Ctrl+P"), self, self.export_report)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_campaign)
        QShortcut(QKeySequence("Ctrl+Shift+A"), self, self.assign)
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
        self.assign_button.setEnabled(p is not None)
        self.unassign_button.setEnabled(bool(p and p["assignments"]))
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

    # -- defining campaigns and work lists -----------------------------------------------------
    def current_campaign(self):
        row = self.campaign_table.currentRow()
        return self.campaigns[row] if 0 <= row < len(self.campaigns) else None

    def select_campaign(self, campaign_id: str) -> None:
        for i, c in enumerate(self.campaigns):
            if c.id == campaign_id:
                self.campaign_table.setCurrentCell(i, 0)
                self.show_campaign(i)
                return

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {RED.name()};" if error else "")
        self.status.setText(text)

    def new_campaign(self):
        """Open the New campaign dialog (not blocking); once saved the page shows the new
        campaign. Returns the dialog."""
        from . import settings
        from .dialogs.campaign_dialogs import NewCampaignDialog

        dialog = NewCampaignDialog(self.store, settings.actor(), self, today=self.today)

        def saved() -> None:
            self.refresh()
            self.select_campaign(dialog.campaign.id)
            self._say(tr("Campaign {name} created.").format(name=dialog.campaign.name))

        dialog.accepted.connect(saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def assign(self):
        """Open the Assign dialog for the chosen campaign (not blocking); returns it, or None
        without a campaign."""
        from . import settings
        from .dialogs.campaign_dialogs import AssignDialog

        c = self.current_campaign()
        if c is None:
            return None
        dialog = AssignDialog(self.store, c, settings.actor(), self)

        def saved() -> None:
            self.refresh()
            self.select_campaign(c.id)
            n = len(dialog.assigned)
            self._say(
                ntr(
                    "{n} premises assigned to {inspector}.",
                    "{n} premises assigned to {inspector}.",
                    n,
                ).format(n=n, inspector=dialog.inspector.currentText().strip())
            )

        dialog.accepted.connect(saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def unassign(self) -> int:
        """Take the chosen work-list rows off (assignments not yet visited; a visited one is
        refused by name and nothing is removed). Returns how many were taken off."""
        from . import settings

        if self.progress is None:
            return 0
        rows = sorted({i.row() for i in self.work.selectionModel().selectedRows()})
        if not rows and self.work.currentRow() >= 0:
            rows = [self.work.currentRow()]
        chosen = [self.progress["assignments"][r] for r in rows]
        if not chosen:
            self._say(tr("Choose the assignments to take off in the work list."), error=True)
            return 0
        try:
            n = cs.unassign(self.store, [a["id"] for a in chosen], settings.actor())
        except InputError as exc:
            self._say(exc.message, error=True)
            return 0
        campaign_id = self.progress["campaign"]["id"]
        self.refresh()
        self.select_campaign(campaign_id)
        self._say(ntr("{n} assignment taken off.", "{n} assignments taken off.", n).format(n=n))
        return n

    # -- report -------------------------------------------------------------------------------
    def export_report(self, path: str | None = None) -> str | None:
        """Write the chosen campaign's summary PDF (signed when an identity is set up and
        unlocked); *path* skips the file dialog. Returns the path written."""
        if self.progress is None:
            return None
        from pathlib import Path

        from ..services.files import write_atomic
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
                "No campaign yet. Define one with “New campaign…” (or “campaign new”) and assign premises with “Assign…”; the work lists travel to the laptops in the office bundle."
            )
        )
        self.report_button.setText(tr("Campaign &report…"))
        self.new_button.setText(tr("&New campaign…"))
        self.new_button.setToolTip("Ctrl+N")
        self.assign_button.setText(tr("&Assign…"))
        self.assign_button.setToolTip("Ctrl+Shift+A")
        self.unassign_button.setText(tr("&Unassign"))
        self.unassign_button.setToolTip(
            tr("Delete: take the chosen assignments off (not yet visited)")
        )
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
