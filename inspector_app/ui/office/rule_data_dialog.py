"""Office → Rule data…: the numbers an office may confirm, with the value in use, the
built-in value and its state; a supervisor enters the published value with its clause,
source and a reason, and saving signs a new rule data version (services.rule_data).

Keyboard: the filter has focus first; ↑/↓ in the table picks a rule and fills the editor;
Ctrl+S (or the button) signs and saves; Esc closes.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import tr
from ..widgets.language import follow_language

STATE_TEXT = {
    "office": "office value",
    "confirmed": "confirmed",
    "secondary": "secondary source",
    "unconfirmed": "not confirmed",
}
COLUMNS = ("Rule set", "Rule", "What it is", "In use", "Built-in", "Confirmation")


def _compact(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class RuleDataDialog(QDialog):
    def __init__(self, store, identities, parent: QWidget | None = None, *, actor: str = ""):
        super().__init__(parent)
        self.store = store
        self.identities = identities
        self.actor = actor
        self.rows: list[dict] = []
        self.setObjectName("ruleDataDialog")
        self.resize(1100, 640)
        self.version_label = QLabel(self)
        self.version_label.setObjectName("ruleDataVersion")
        self.family = QComboBox(self)
        self.family.setObjectName("ruleDataFamily")
        self.only_open = QPushButton(self)
        self.only_open.setCheckable(True)
        self.count_label = QLabel(self)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("ruleDataTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.selected_label = QLabel(self)
        self.selected_label.setWordWrap(True)
        self.value = QPlainTextEdit(self)
        self.value.setObjectName("ruleDataValue")
        self.value.setMaximumHeight(70)
        self.value.setTabChangesFocus(True)
        self.clause = QLineEdit(self)
        self.clause.setObjectName("ruleDataClause")
        self.source = QLineEdit(self)
        self.source.setObjectName("ruleDataSource")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("ruleDataReason")
        self.message = QLabel(self)
        self.message.setObjectName("ruleDataMessage")
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("ruleDataSave")
        self.save_button.clicked.connect(self.save)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.version_label, 1)
        self.family_label = QLabel(self)
        self.family_label.setBuddy(self.family)
        top.addWidget(self.family_label)
        top.addWidget(self.family)
        top.addWidget(self.only_open)
        top.addWidget(self.count_label)
        self.form = QFormLayout()
        self.form_labels = {}
        for key, widget in (
            ("Published value", self.value),
            ("Clause", self.clause),
            ("Source", self.source),
            ("Reason", self.reason),
        ):
            label = QLabel(self)
            label.setBuddy(widget)
            self.form_labels[key] = label
            self.form.addRow(label, widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.selected_label)
        layout.addLayout(self.form)
        layout.addLayout(bottom)

        self._families()
        self.family.currentIndexChanged.connect(lambda _i: self.refresh())
        self.only_open.toggled.connect(lambda _c: self.refresh())
        self.table.itemSelectionChanged.connect(self._selected)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.retranslate()
        follow_language(self, self.retranslate)
        self.refresh()
        self.family.setFocus()

    # -- content ------------------------------------------------------------------------------
    def _families(self) -> None:
        from ...domain.rules import registry

        self.family.addItem("", None)
        for fam in registry.families():
            self.family.addItem(fam.name, fam.name)

    def retranslate(self) -> None:
        from ..models.labels import family_label

        self.setWindowTitle(tr("Rule data"))
        self.family_label.setText(tr("Family"))
        self.family.setItemText(0, tr("All families"))
        for i in range(1, self.family.count()):
            self.family.setItemText(i, family_label(self.family.itemData(i)))
        self.only_open.setText(tr("Only values not yet confirmed"))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        for key, label in self.form_labels.items():
            label.setText(tr(key) + ":")
        self.value.setPlaceholderText(
            tr("A number, or JSON for a table (as shown under 'In use').")
        )
        self.source.setPlaceholderText(tr("document, page, date of publication"))
        self.reason.setPlaceholderText(tr("why the value changes (required)"))
        self.save_button.setText(tr("Sign and save"))
        self.save_button.setToolTip("Ctrl+S")
        self._show_version()
        self._fill()

    def _show_version(self) -> None:
        from ...domain.rules import ruledata

        self.version_label.setText(
            tr("Rule data in use: {version}").format(version=ruledata.active().version)
        )

    def refresh(self) -> None:
        from ...services.rule_data import overridable_values

        self.rows = overridable_values(self.family.currentData())
        if self.only_open.isChecked():
            self.rows = [r for r in self.rows if r["confidence"] != "confirmed" and not r["office"]]
        self._show_version()
        self._fill()

    @staticmethod
    def state(row: dict) -> str:
        return "office" if row["office"] else row["confidence"]

    def _fill(self) -> None:
        key = self._current_key()
        self.table.setRowCount(len(self.rows))
        for n, r in enumerate(self.rows):
            state = self.state(r)
            cells = (
                r["ruleset"],
                r["key"],
                tr(r["summary"]),  # the rule summaries are in the catalogue too
                _compact(r["data"]),
                _compact(r["builtin"]),
                tr(STATE_TEXT.get(state, state)),
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(r["clause"] if c < 3 else text)
                if c == 5 and state == "unconfirmed":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(n, c, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        for c in (3, 4):
            self.table.setColumnWidth(c, min(220, max(90, self.table.sizeHintForColumn(c))))
        self.table.resizeColumnToContents(5)
        self.count_label.setText(tr("{n} value(s) shown").format(n=len(self.rows)))
        if key is not None:
            self.select(*key)
        elif not self.table.selectedItems():
            self.selected_label.setText(tr("Select a rule to enter its published value."))

    def _current_key(self):
        row = self.current()
        return None if row is None else (row["ruleset"], row["key"])

    def current(self) -> dict | None:
        n = self.table.currentRow()
        sel = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not sel or n < 0 or n >= len(self.rows):
            return None
        return self.rows[n]

    def select(self, ruleset: str, key: str) -> bool:
        for n, r in enumerate(self.rows):
            if r["ruleset"] == ruleset and r["key"] == key:
                self.table.selectRow(n)
                self.table.setCurrentCell(n, 0)
                return True
        return False

    def _selected(self) -> None:
        row = self.current()
        if row is None:
            return
        self.selected_label.setText(
            f"<b>{row['ruleset']} [{row['key']}]</b> — {tr(row['summary'])}"
        )
        self.value.setPlainText(_compact(row["data"]))
        self.clause.setText(row["clause"])
        self.source.clear()
        self.message.clear()

    # -- saving -------------------------------------------------------------------------------
    def _say(self, text: str, error: bool = True) -> None:
        colour = "#9b0019" if error else "#14632f"
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)

    def save(self) -> bool:
        """Sign and save the edited value as a new rule data version; False (with the reason
        shown) when nothing was saved. Nothing typed is lost on a refusal."""
        from ...domain.errors import InputError
        from ...services import rule_data as rd
        from ..widgets.field_error import translate_message

        row = self.current()
        if row is None:
            self._say(tr("Select a rule to enter its published value."))
            return False
        text = self.value.toPlainText().strip()
        try:
            data = json.loads(text) if text[:1] in "[{" else text
        except json.JSONDecodeError as exc:
            self._say(tr("The value is not valid JSON: {error}").format(error=exc.msg))
            self.value.setFocus()
            return False
        doc = {
            "version": "",
            "overrides": [
                {
                    "family": row["family"],
                    "ruleset": row["ruleset"],
                    "key": row["key"],
                    "data": data,
                    "confidence": "confirmed",
                    **(
                        {"clause": self.clause.text().strip()} if self.clause.text().strip() else {}
                    ),
                    **(
                        {"source": self.source.text().strip()} if self.source.text().strip() else {}
                    ),
                }
            ],
        }
        if not self.reason.text().strip():
            self._say(tr("Say why the value changes (for example the published source)."))
            self.reason.setFocus()
            return False
        try:  # check everything before asking for the passphrase
            from ...domain.rules import ruledata

            ruledata.parse({**doc, "version": "check"})
        except InputError as exc:
            self._say(f"{exc.path}: {translate_message(exc.message)}")
            self.value.setFocus()
            return False
        identity = self.identities.get(self)
        if identity is None:
            self._say(tr("Saving needs your signing key."))
            return False
        try:
            saved = rd.override(
                self.store, doc, self.reason.text(), identity, actor=self.actor or identity.name
            )
        except InputError as exc:
            self._say(f"{exc.path}: {translate_message(exc.message)}" if exc.path else exc.message)
            return False
        self.reason.clear()
        self.refresh()
        self._say(
            tr("Saved and signed as rule data {version}.").format(version=saved.version), False
        )
        return True


def open_rule_data(window, identities, actor: str = "") -> RuleDataDialog:
    dialog = RuleDataDialog(window.store, identities, window, actor=actor)
    dialog.open()
    return dialog
