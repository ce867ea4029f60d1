"""The office's campaign dialogs, opened from Office → Campaigns…:

* :class:`NewCampaignDialog`: name, kinds of premises, period, regions in scope (cities,
  counties or markets), focus items and a description; saved through
  ``services.campaigns.new_campaign`` (validated, audited).
* :class:`AssignDialog`: premises chosen by kind, city, county, market or a piece of the
  name (within the campaign's scope by default), many at once (Ctrl+A chooses every one
  shown), given to an inspector with a due date; saved through ``services.campaigns.assign``.

Both are keyboard-first (every field has a mnemonic, Enter accepts) and show a refused input
in one line inside the dialog, which stays open with everything typed kept.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import InputError
from ...domain.models import PREMISES_KINDS
from ...i18n import ntr, tr
from ...services import campaigns as cs
from ..models.labels import premises_kind_label

if TYPE_CHECKING:
    from ...store.campaigns import Campaign

ERROR_STYLE = "color: #b00020;"


def _split(text: str) -> list[str]:
    """A list typed in one line: separated by commas (either width), 、 or semicolons."""
    for sep in ("，", "、", ";", "；"):
        text = text.replace(sep, ",")
    return [part.strip() for part in text.split(",") if part.strip()]


def _date_edit(parent: QWidget, day: dt.date, name: str) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day), parent)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _iso(edit: QDateEdit) -> str:
    return edit.date().toString("yyyy-MM-dd")


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("dialogError")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    return label


class NewCampaignDialog(QDialog):
    """Define a campaign; ``campaign`` holds it once saved (the dialog is then accepted)."""

    def __init__(self, store, actor: str, parent: QWidget | None = None, *, today=None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.campaign: Campaign | None = None  # once saved
        self.setObjectName("newCampaignDialog")
        self.setWindowTitle(tr("New campaign"))
        day = dt.date.fromisoformat(today) if today else dt.date.today()
        self.name = QLineEdit(self)
        self.name.setObjectName("campaignName")
        self.kinds = QListWidget(self)
        self.kinds.setObjectName("campaignKinds")
        for kind in PREMISES_KINDS:
            item = QListWidgetItem(premises_kind_label(kind), self.kinds)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        rows = self.kinds.sizeHintForRow(0) * len(PREMISES_KINDS)
        self.kinds.setFixedHeight(rows + 2 * self.kinds.frameWidth() + 12)  # every kind shown
        self.date_from = _date_edit(self, day, "campaignFrom")
        self.date_to = _date_edit(self, day + dt.timedelta(days=90), "campaignTo")
        self.regions = QLineEdit(self)
        self.regions.setObjectName("campaignRegions")
        self.regions.setPlaceholderText(tr("e.g. 蜀山区, 包河区, 周谷堆农产品批发市场"))
        self.focus = QLineEdit(self)
        self.focus.setObjectName("campaignFocus")
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("campaignNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(80)
        self.error = _error_label(self)
        period = QHBoxLayout()
        period.addWidget(self.date_from)
        period.addWidget(QLabel("–", self))
        period.addWidget(self.date_to)
        period.addStretch(1)
        form = QFormLayout()
        for text, field in (
            (tr("&Name"), self.name),
            (tr("&Kinds of premises"), self.kinds),
            (tr("&Period"), period),
            (tr("&Regions in scope"), self.regions),
            (tr("&Focus items"), self.focus),
            (tr("&Description"), self.notes),
        ):
            label = QLabel(text, self)
            if isinstance(field, QHBoxLayout):
                label.setBuddy(self.date_from)
                form.addRow(label, field)
            else:
                label.setBuddy(field)
                form.addRow(label, field)
        hint = QLabel(
            tr(
                "Regions: cities, counties (districts) or markets, separated by commas; "
                "none means everywhere. No kind ticked means every kind of premises."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Create campaign"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 0)
        self.name.setFocus()

    def chosen_kinds(self) -> list[str]:
        out = []
        for i in range(self.kinds.count()):
            item = self.kinds.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def save(self) -> bool:
        """Create the campaign; on refused input the reason shows in the dialog, which stays
        open. Returns whether it was saved."""
        try:
            self.campaign = cs.new_campaign(
                self.store,
                self.name.text(),
                _iso(self.date_from),
                _iso(self.date_to),
                kinds=self.chosen_kinds(),
                regions=_split(self.regions.text()),
                focus=_split(self.focus.text()),
                notes=self.notes.toPlainText(),
                actor=self.actor,
            )
        except InputError as exc:
            self.error.setText(exc.message)
            return False
        self.accept()
        return True


PREMISES_COLUMNS = ("Premises", "Kind", "City", "County", "Market", "Assigned to")


class AssignDialog(QDialog):
    """Assign premises of *campaign* (a Campaign) to an inspector with a due date;
    ``assigned`` holds the assignment ids once saved (the dialog is then accepted)."""

    def __init__(self, store, campaign, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.campaign = campaign
        self.actor = actor
        self.assigned: list[str] = []
        self.rows: list[dict] = []
        self.setObjectName("assignDialog")
        self.setWindowTitle(tr("Assign premises — {name}").format(name=campaign.name))
        everything = cs.find_premises(store)
        self.text = QLineEdit(self)
        self.text.setObjectName("assignSearch")
        self.text.setPlaceholderText(tr("name or address"))
        self.kind = self._combo("assignKind", sorted({p["kind"] for p in everything}))
        for i in range(1, self.kind.count()):
            self.kind.setItemText(i, premises_kind_label(self.kind.itemData(i)))
        self.city = self._combo("assignCity", sorted({p["city"] for p in everything}))
        self.county = self._combo("assignCounty", sorted({p["county"] for p in everything}))
        self.market = self._combo(
            "assignMarket",
            sorted(
                {p["market"] for p in everything}
                | {p["name"] for p in everything if p["kind"] == "market"}
            ),
        )
        self.scope = QCheckBox(tr("Only within the campaign's &scope"), self)
        self.scope.setObjectName("assignScope")
        self.scope.setChecked(bool(campaign.kinds or campaign.regions))
        self.scope.setEnabled(bool(campaign.kinds or campaign.regions))
        self.table = QTableWidget(0, len(PREMISES_COLUMNS), self)
        self.table.setObjectName("assignPremises")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setHorizontalHeaderLabels([tr(c) for c in PREMISES_COLUMNS])
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_count)
        self.select_all = QPushButton(tr("Choose &all shown"), self)
        self.select_all.setObjectName("assignSelectAll")
        self.select_all.clicked.connect(lambda _c=False: self.table.selectAll())
        self.count = QLabel(self)
        self.count.setObjectName("assignCount")
        self.inspector = QComboBox(self)
        self.inspector.setObjectName("assignInspector")
        self.inspector.setEditable(True)
        self.inspector.addItems(cs.inspector_names(store))
        self.inspector.setCurrentText("")
        line = self.inspector.lineEdit()  # there since the box is editable
        if line is not None:
            line.setPlaceholderText(tr("inspector's name"))
        end = dt.date.fromisoformat(campaign.date_to)
        self.due = _date_edit(self, end, "assignDue")
        # (not self.move: that would hide QWidget.move)
        self.move_others = QCheckBox(
            tr("&Take them off other inspectors' lists (not yet visited)"), self
        )
        self.move_others.setObjectName("assignMove")
        self.move_others.setChecked(True)
        self.error = _error_label(self)
        filters = QGridLayout()
        for col, (text, field) in enumerate(
            (
                (tr("Searc&h"), self.text),
                (tr("&Kind"), self.kind),
                (tr("&City"), self.city),
                (tr("C&ounty"), self.county),
                (tr("&Market"), self.market),
            )
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            filters.addWidget(label, 0, col)
            filters.addWidget(field, 1, col)
        filters.setColumnStretch(0, 2)
        for field in (self.kind, self.city, self.county, self.market):
            field.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.text.textChanged.connect(lambda _t: self.apply_filter())
        self.scope.toggled.connect(lambda _on: self.apply_filter())
        chosen = QHBoxLayout()
        chosen.addWidget(self.scope)
        chosen.addStretch(1)
        chosen.addWidget(self.count)
        chosen.addWidget(self.select_all)
        who = QFormLayout()
        who.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.inspector.setMinimumWidth(240)
        for text, field in ((tr("&Inspector"), self.inspector), (tr("D&ue date"), self.due)):
            label = QLabel(text, self)
            label.setBuddy(field)
            who.addRow(label, field)
        who.addRow("", self.move_others)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("Assign"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(chosen)
        layout.addWidget(self.table, 1)
        layout.addLayout(who)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(900, 600)
        self.apply_filter()
        self.text.setFocus()

    def _combo(self, name: str, values: list[str]) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        box.addItem(tr("(all)"), "")
        for v in values:
            if v:
                box.addItem(v, v)
        return box

    def apply_filter(self) -> None:
        self.rows = cs.find_premises(
            self.store,
            kind=self.kind.currentData() or None,
            city=self.city.currentData() or None,
            county=self.county.currentData() or None,
            market=self.market.currentData() or None,
            text=self.text.text(),
            campaign=self.campaign.id,
            scope_only=self.scope.isChecked(),
        )
        t = self.table
        t.clearSelection()
        t.setRowCount(len(self.rows))
        for i, p in enumerate(self.rows):
            values = (
                p["name"],
                premises_kind_label(p["kind"]),
                p["city"],
                p["county"],
                p["market"],
                "、".join(p["assigned"]),
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setToolTip(p["address"] or "")
                t.setItem(i, c, item)
        self._update_count()

    def chosen(self) -> list[dict]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def _update_count(self) -> None:
        n = len(self.chosen())
        self.count.setText(
            ntr("{n} of {shown} shown chosen", "{n} of {shown} shown chosen", n).format(
                n=n, shown=len(self.rows)
            )
        )
        self.ok.setText(ntr("Assign {n} premises", "Assign {n} premises", n).format(n=n))

    def save(self) -> bool:
        """Assign the chosen premises; on refused input the reason shows in the dialog,
        which stays open. Returns whether they were assigned."""
        chosen = self.chosen()
        if not chosen:
            self.error.setText(tr("Choose at least one premises in the list (Ctrl+A: all shown)."))
            return False
        try:
            self.assigned = cs.assign(
                self.store,
                self.campaign.id,
                self.inspector.currentText(),
                [p["id"] for p in chosen],
                due=_iso(self.due),
                actor=self.actor,
                move=self.move_others.isChecked(),
            )
        except InputError as exc:
            self.error.setText(exc.message)
            return False
        self.accept()
        return True
