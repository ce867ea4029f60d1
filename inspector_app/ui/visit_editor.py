"""Visits in the window: the Visits page (list, new visit) and the visit editor with its
keyboard-first sweep table.

The sweep table is made for walking the stalls of a market: the cursor starts on the first
row; **Space** marks the row OK (mark, seal, nameplate and type approval present, no sign of
cheating) and moves down; **Enter** moves down; in a check column **N** records a "no"
(**Y** a "yes", **-** not applicable), in the cheating column **Y** records a sign of
cheating; typing a number in the load or indication column edits it and the reading is
judged at once against the in-service MPE; **C** anywhere on a row records a sign of
cheating. **Ctrl+R** marks every unchecked row OK ("rest
all OK"); **Ctrl+I** opens a full inspection of the row's instrument with what the row holds.
Every change is saved at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import InputError
from ..domain.numbers import fmt, parse_decimal
from ..domain.visits import (
    ROW_CHECKS,
    VISIT_KIND_LABELS,
    VISIT_KINDS,
    Officer,
    load_duties,
)
from ..i18n import current_language, tr, trc
from ..services import visits as vs
from .widgets.language import follow_language

CHECK_TITLES = {
    "mark": "Mark",
    "seal": "Seal",
    "nameplate": "Nameplate",
    "approval": "Approval",
}
COLUMNS = (
    "instrument",
    *ROW_CHECKS,
    "load",
    "indication",
    "error",
    "cheating",
    "verdict",
    "full",
)
TITLES = {
    "instrument": "Instrument",
    **CHECK_TITLES,
    "load": "Known weight",
    "indication": "Reading",
    "error": "Error / MPE",
    "cheating": "Cheating",
    "verdict": "Result",
    "full": "Full",
}
EDITABLE = {"load", "indication"}
ANSWER_TEXT = {"yes": "yes", "no": "no", "na": "n.a.", "": ""}
FAIL_BG = QColor("#f8d7da")
PASS_BG = QColor("#e6f4ea")


def _answer_text(value: str) -> str:
    """yes / no / n.a. in the window's language; nothing for an unanswered check (gettext
    would answer an empty text with its catalogue header)."""
    return tr(ANSWER_TEXT[value]) if value else ""


def _col(name: str) -> int:
    return COLUMNS.index(name)


def _local_qdatetime(iso: str) -> QDateTime:
    """A stored time (ISO with its UTC offset) as this computer's local time, for display."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return QDateTime.currentDateTime()
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return QDateTime(
        QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute)
    )


def _edited_time(stored: str, shown: QDateTime) -> str:
    """The stored time unchanged when the field still shows it; otherwise the local time
    typed, with this computer's UTC offset (a visit's times always carry their offset)."""
    if _local_qdatetime(stored) == shown:
        return stored
    d, t = shown.date(), shown.time()
    local = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()).astimezone()
    return local.isoformat(timespec="minutes")


class SweepTable(QTableWidget):
    """The sweep's keyboard: see the module's docstring."""

    row_ok = Signal(int)
    answer = Signal(int, str, str)  # row, column key, value
    rest_ok = Signal()
    full_requested = Signal(int)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        row, col = self.currentRow(), self.currentColumn()
        column = COLUMNS[col] if 0 <= col < len(COLUMNS) else ""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
            return
        if mods == Qt.KeyboardModifier.NoModifier and row >= 0:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.setCurrentCell(min(row + 1, self.rowCount() - 1), col)
                return
            if key == Qt.Key.Key_Space:
                self.row_ok.emit(row)
                self.setCurrentCell(min(row + 1, self.rowCount() - 1), col)
                return
            letter = event.text().lower()
            if column in ROW_CHECKS and letter in ("y", "n", "-"):
                self.answer.emit(row, column, {"y": "yes", "n": "no", "-": "na"}[letter])
                return
            if column == "cheating" and letter in ("y", "n"):
                self.answer.emit(row, column, {"y": "yes", "n": "no"}[letter])
                return
            if letter == "c":  # a sign of cheating, from any column
                self.answer.emit(row, "cheating", "yes")
                return
        super().keyPressEvent(event)


class OfficersTable(QTableWidget):
    """The officers present, one a row (name, enforcement certificate number); an empty row
    is always last, so typing a name there adds an officer (Tab moves on)."""

    edited = Signal()

    def __init__(self, officers: list[Officer], parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("officersTable")
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setMaximumHeight(24 * 5 + 28)
        self.setMinimumHeight(24 * 3 + 28)
        self.itemChanged.connect(self._changed)
        self.set_officers([(o.name, o.certificate_no) for o in officers])

    def set_officers(self, pairs: list[tuple[str, str]]) -> None:
        self.blockSignals(True)
        self.setRowCount(0)
        for name, cert in [*pairs, ("", "")]:
            r = self.rowCount()
            self.insertRow(r)
            self.setItem(r, 0, QTableWidgetItem(name))
            self.setItem(r, 1, QTableWidgetItem(cert))
        self.blockSignals(False)

    def officers(self) -> list[Officer]:
        out = []
        for r in range(self.rowCount()):
            name, cert = (
                (self.item(r, c).text().strip() if self.item(r, c) else "") for c in (0, 1)
            )
            if name or cert:
                out.append(Officer(name, cert))
        return out

    def _changed(self, _item) -> None:
        last = self.rowCount() - 1
        if any(self.item(last, c) and self.item(last, c).text().strip() for c in (0, 1)):
            self.blockSignals(True)
            self.insertRow(last + 1)
            self.setItem(last + 1, 0, QTableWidgetItem(""))
            self.setItem(last + 1, 1, QTableWidgetItem(""))
            self.blockSignals(False)
        self.edited.emit()

    def remove_current(self) -> None:
        r = self.currentRow()
        if 0 <= r < self.rowCount() - 1:  # the empty last row stays
            self.removeRow(r)
            self.edited.emit()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([trc("person", "Name"), tr("Enforcement certificate no.")])
        self.setAccessibleName(tr("Officers"))


class VisitEditor(QMainWindow):
    """One visit: header, duties of the premises, and the sweep."""

    inspection_requested = Signal(str)
    changed = Signal(str)

    def __init__(self, store, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.repo = vs.repo(store)
        self.visit = self.repo.require(visit_id)
        self.rows = self.repo.rows(visit_id)
        self.last_error = ""
        self.setObjectName("visitEditor")
        lang = current_language()
        premises = store.premises.get(self.visit.premises_id) if self.visit.premises_id else None
        self.place_name = premises.name if premises else self.visit.market

        # -- header
        self.kind = QComboBox(self)
        for k in VISIT_KINDS:
            self.kind.addItem(VISIT_KIND_LABELS[k][0 if lang == "zh" else 1], k)
        self.kind.setCurrentIndex(VISIT_KINDS.index(self.visit.kind))
        self.kind.currentIndexChanged.connect(lambda _i: self._show_officer_rule())
        self.time = QDateTimeEdit(self)
        self.time.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time.setCalendarPopup(True)
        self.time.setDateTime(_local_qdatetime(self.visit.started_at))
        self.officers = OfficersTable(self.visit.officers, self)
        self.remove_officer_button = QPushButton(self)
        self.remove_officer_button.clicked.connect(lambda _c=False: self.officers.remove_current())
        self.officer_rule = QLabel(self)
        self.officer_rule.setObjectName("officerRule")
        self.officer_rule.setWordWrap(True)
        self.officer_rule.setStyleSheet("color: #555;")
        officers_box = QWidget(self)
        ob = QVBoxLayout(officers_box)
        ob.setContentsMargins(0, 0, 0, 0)
        ob.addWidget(self.officers)
        orow = QHBoxLayout()
        orow.addWidget(self.officer_rule, 1)
        orow.addWidget(self.remove_officer_button)
        ob.addLayout(orow)
        self.place = QLineEdit(self.visit.place, self)
        self.notes = QLineEdit(self.visit.notes, self)
        self.save_header_button = QPushButton(self)
        self.save_header_button.clicked.connect(self.save_header)
        header = QGroupBox(self.place_name, self)
        form = QFormLayout(header)
        self.form_labels: dict[str, QLabel] = {}
        for key, widget in (
            ("Kind", self.kind),
            ("Visit time", self.time),
            ("Officers", officers_box),
            ("Place", self.place),
            ("Notes", self.notes),
        ):
            self.form_labels[key] = QLabel(self)
            self.form_labels[key].setBuddy(widget if widget is not officers_box else self.officers)
            form.addRow(self.form_labels[key], widget)
        form.addRow("", self.save_header_button)

        # -- photos (the strip of the inspection editor)
        from .widgets.photo_strip import PhotoStrip

        self.photos = PhotoStrip(self)
        self.photos.setObjectName("visitPhotos")
        self.photos.list.setMaximumHeight(110)
        self.photos.add_requested.connect(self.add_photos)
        self.photos.remove_requested.connect(self.remove_photo)
        self.photos_box = QGroupBox(self)
        pl = QVBoxLayout(self.photos_box)
        pl.addWidget(self.photos)
        self._show_photos()

        # -- duties
        self.duty_boxes: dict[str, QComboBox] = {}
        self.duty_labels: dict[str, QLabel] = {}
        self.duties_form = load_duties(self.visit.duty_set) if self.visit.duty_set else None
        duties_box = QGroupBox(self)
        self.duties_box = duties_box
        duties_form = QFormLayout(duties_box)
        # each duty's wording above its answer: long wrapped labels are never clipped
        duties_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        if self.duties_form is not None:
            for d in self.duties_form.duties:
                box = QComboBox(self)
                box.addItem("—", "")
                for value in ("yes", "no", "na"):
                    box.addItem("", value)
                box.setCurrentIndex(max(0, box.findData(self.visit.duties.get(d.key, ""))))
                box.setToolTip(d.article)
                box.currentIndexChanged.connect(lambda _i, k=d.key: self._duty_changed(k))
                label = QLabel(self)
                label.setWordWrap(True)
                label.setToolTip(d.article)
                duties_form.addRow(label, box)
                self.duty_boxes[d.key] = box
                self.duty_labels[d.key] = label
        else:
            duties_box.hide()

        # -- sweep
        self.table = SweepTable(0, len(COLUMNS), self)
        self.table.setObjectName("sweepTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(_col("instrument"), QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.row_ok.connect(self.mark_row_ok)
        self.table.answer.connect(self.set_answer)
        self.table.itemChanged.connect(self._item_changed)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.counts = QLabel(self)
        self.counts.setObjectName("sweepCounts")
        self.rest_button = QPushButton(self)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addInstrumentRow")
        self.add_button.clicked.connect(lambda _c=False: self.add_instrument())
        self.full_button = QPushButton(self)
        self.finalize_button = QPushButton(self)
        self.rest_button.clicked.connect(lambda _c=False: self.rest_all_ok())
        self.full_button.clicked.connect(lambda _c=False: self.full_inspection())
        self.finalize_button.clicked.connect(lambda _c=False: self.finalize())
        self.shortcut_actions: dict[str, QAction] = {}
        for name, text, shortcut, slot in (
            ("rest_ok", "Rest all OK", "Ctrl+R", self.rest_all_ok),
            ("full_inspection", "Full inspection", "Ctrl+I", self.full_inspection),
            ("add_instrument", "Add instrument…", "Ctrl+Shift+N", self.add_instrument),
        ):
            act = QAction(self)
            self.shortcut_actions[text] = act
            act.setObjectName(name)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _c=False, s=slot: s())
            self.addAction(act)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counts, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rest_button)
        buttons.addWidget(self.full_button)
        buttons.addWidget(self.finalize_button)
        sweep = QWidget(self)
        sl = QVBoxLayout(sweep)
        sl.setContentsMargins(0, 0, 0, 0)
        self.sweep_title = QLabel(self)
        sl.addWidget(self.sweep_title)
        sl.addWidget(self.hint)
        sl.addWidget(self.table, 1)
        sl.addLayout(buttons)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(header)
        ll.addWidget(self.photos_box)
        ll.addWidget(duties_box)
        ll.addStretch(1)
        # the header, photos and duties scroll together: on a small screen nothing is squeezed
        from PySide6.QtWidgets import QFrame, QScrollArea

        left_scroll = QScrollArea(self)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setWidget(left)
        splitter = QSplitter(self)
        splitter.addWidget(left_scroll)
        splitter.addWidget(sweep)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 940])
        self.setCentralWidget(splitter)
        self.resize(1340, 720)
        self.retranslate()
        follow_language(self, self.retranslate)
        self._set_read_only(self.visit.status != "draft")
        if self.rows:
            self.table.setCurrentCell(0, _col("mark"))
        self.table.setFocus()

    def retranslate(self) -> None:
        """Every text in the window's language (also after a language switch)."""
        lang = current_language()
        self.setWindowTitle(f"{tr('Visit')} · {self.place_name}")
        for i, k in enumerate(VISIT_KINDS):
            self.kind.setItemText(i, VISIT_KIND_LABELS[k][0 if lang == "zh" else 1])
        for key, label in self.form_labels.items():
            label.setText(tr(key))
        self.officers.retranslate()
        self.remove_officer_button.setText(tr("Remove officer"))
        self.officer_rule.setText(
            tr(
                "Enforcement work: at least two officers, each with an enforcement certificate number."
            )
        )
        self._show_officer_rule()
        self.save_header_button.setText(tr("Save header"))
        self.duties_box.setTitle(tr("Duties of the premises"))
        self.photos_box.setTitle(tr("Photos"))
        self.photos.retranslate()
        if self.duties_form is not None:
            for d in self.duties_form.duties:
                self.duty_labels[d.key].setText(d.label.get(lang))
                box = self.duty_boxes[d.key]
                for i, value in enumerate(("yes", "no", "na"), start=1):
                    box.setItemText(i, tr(ANSWER_TEXT[value]))
        self.table.setHorizontalHeaderLabels([tr(TITLES[c]) for c in COLUMNS])
        metrics = self.table.horizontalHeader().fontMetrics()
        for c in COLUMNS[1:]:  # each title whole, in either language
            title = metrics.horizontalAdvance(tr(TITLES[c])) + 24
            self.table.setColumnWidth(_col(c), max(100 if c == "error" else 64, title))
        self.hint.setText(
            tr(
                "Space: row OK · Enter: down · N: no · Y: yes · C: cheating · Ctrl+R: rest all OK · Ctrl+I: full inspection"
            )
        )
        self.sweep_title.setText(f"<b>{tr('Sweep')}</b>")
        self.rest_button.setText(tr("Rest all OK"))
        self.add_button.setText(tr("Add instrument…"))
        self.add_button.setToolTip("Ctrl+Shift+N")
        self.full_button.setText(tr("Full inspection"))
        self.finalize_button.setText(tr("Finalize visit…"))
        for text, act in self.shortcut_actions.items():
            act.setText(tr(text))
        self._fill()

    def _show_officer_rule(self) -> None:
        from ..domain.visits import ENFORCEMENT_KINDS

        self.officer_rule.setVisible(self.kind.currentData() in ENFORCEMENT_KINDS)

    def set_officers(self, pairs: list[tuple[str, str]]) -> None:
        """Fill the officers' list (name, certificate number) as if typed."""
        self.officers.set_officers(pairs)

    # -- table --------------------------------------------------------------------------------
    def _fill(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            self._fill_row(i, row)
        self.table.blockSignals(False)
        self._update_counts()

    def _fill_row(self, i: int, row) -> None:
        self.table.blockSignals(True)
        verdict = row.verdict
        values = {
            "instrument": row.label or row.identity_code,
            **{k: _answer_text(getattr(row, k)) for k in ROW_CHECKS},
            "load": row.load,
            "indication": row.indication,
            "error": f"{row.error} / ±{row.mpe}" if row.mpe else row.error,
            "cheating": {"yes": tr("yes"), "no": tr("no"), "": ""}[row.cheating],
            "verdict": tr(verdict) if verdict else "",
            "full": "✓" if row.inspection_id else "",
        }
        for c, text in values.items():
            item = QTableWidgetItem(text)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if c in EDITABLE and self.visit.status == "draft":
                flags |= Qt.ItemFlag.ItemIsEditable
            item.setFlags(flags)
            if c == "instrument":
                item.setToolTip(row.identity_code)
            if verdict == "fail":
                item.setBackground(FAIL_BG)
            elif verdict == "pass" and c == "verdict":
                item.setBackground(PASS_BG)
            self.table.setItem(i, _col(c), item)
        self.table.blockSignals(False)

    def _update_counts(self) -> None:
        checked = sum(1 for r in self.rows if r.checked or r.quick_verdict)
        failed = sum(1 for r in self.rows if r.verdict == "fail")
        full = sum(1 for r in self.rows if r.inspection_id)
        self.counts.setText(
            tr("{checked} of {rows} checked, {failed} failed, {full} full inspections").format(
                checked=checked, rows=len(self.rows), failed=failed, full=full
            )
        )

    def _save(self, index: int | None = None) -> bool:
        try:
            saved = vs.save_rows(self.store, self.visit.id, self.rows, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(f"{tr('Not saved')}: {exc.path}: {exc.message}", 8000)
            self.rows = self.repo.rows(self.visit.id)
            self._fill()
            return False
        self.rows = saved
        self.last_error = ""
        if index is None:
            self._fill()
        else:
            self._fill_row(index, self.rows[index])
            self._update_counts()
        self.changed.emit(self.visit.id)
        return True

    def mark_row_ok(self, i: int) -> None:
        if self.visit.status != "draft" or not 0 <= i < len(self.rows):
            return
        r = self.rows[i]
        changes = {k: getattr(r, k) or "yes" for k in ROW_CHECKS}
        changes["cheating"] = r.cheating or "no"
        self.rows[i] = dataclasses.replace(r, **changes)
        self._save(i)

    def set_answer(self, i: int, key: str, value: str) -> None:
        if self.visit.status != "draft" or not 0 <= i < len(self.rows):
            return
        self.rows[i] = dataclasses.replace(self.rows[i], **{key: value, "rest_ok": False})
        self._save(i)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        key = COLUMNS[item.column()]
        if key not in EDITABLE:
            return
        i = item.row()
        text = item.text().strip()
        if text:
            try:
                text = fmt(parse_decimal(text, f"rows[{i}].{key}"))
            except InputError as exc:  # refused in place: the cell keeps what it had
                self.last_error = exc.message
                self.statusBar().showMessage(f"{tr('Not saved')}: {exc.path}: {exc.message}", 8000)
                self._fill_row(i, self.rows[i])
                return
        r = dataclasses.replace(self.rows[i], **{key: text})
        self.rows[i] = r
        if bool(r.load) == bool(r.indication):  # judged once both are there
            if self._save(i) and key == "indication":  # on to the start of the next row
                self.table.setCurrentCell(min(i + 1, self.table.rowCount() - 1), _col("mark"))
        elif key == "load":
            self.table.setCurrentCell(i, _col("indication"))

    def rest_all_ok(self) -> int:
        if self.visit.status != "draft":
            return 0
        n = vs.mark_rest_ok(self.store, self.visit.id, self.visit.inspector)
        self.rows = self.repo.rows(self.visit.id)
        self._fill()
        self.changed.emit(self.visit.id)
        return n

    def add_instrument(self, instrument_id: str | None = None) -> int | None:
        """An instrument found on the spot: entered in the register (the instrument dialog,
        at the premises of the current row, or of the visit) unless *instrument_id* names
        one, then added as a new row at the end of the sweep, the cursor on it. Returns the
        row's index."""
        if self.visit.status != "draft":
            return None
        if instrument_id is None:
            from .instrument_editor import InstrumentEditor

            i = self.table.currentRow()
            here = self.rows[i].premises_id if 0 <= i < len(self.rows) else None
            dialog = InstrumentEditor(
                self.store, None, self, premises_id=here or self.visit.premises_id
            )
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved_instrument is None:
                return None
            instrument_id = dialog.saved_instrument.id
        try:
            vs.add_instrument_row(self.store, self.visit.id, instrument_id, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(f"{tr('Not saved')}: {exc.message}", 8000)
            return None
        self.rows = self.repo.rows(self.visit.id)
        self._fill()
        row = len(self.rows) - 1
        self.table.setCurrentCell(row, _col("mark"))
        self.table.setFocus()
        self.changed.emit(self.visit.id)
        return row

    def full_inspection(self) -> str | None:
        i = self.table.currentRow()
        if self.visit.status != "draft" or not 0 <= i < len(self.rows):
            return None
        try:
            inspection_id = vs.full_inspection(
                self.store, self.visit.id, self.rows[i].seq, self.visit.inspector
            )
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(exc.message, 8000)
            return None
        self.rows = self.repo.rows(self.visit.id)
        self._fill_row(i, self.rows[i])
        self._update_counts()
        self.inspection_requested.emit(inspection_id)
        return inspection_id

    # -- photos -----------------------------------------------------------------------------------
    def _show_photos(self) -> None:
        self.photos.set_photos(
            [(sha, self.store.attachments.get(sha), "") for sha in self.repo.photos(self.visit.id)]
        )

    def add_photos(self, images: list[bytes]) -> list[str]:
        """Store photos (downscaled and upright, as an inspection's) and add them to the
        visit; returns the visit's photos."""
        from .widgets.photo_prep import prepare_photo

        if self.visit.status != "draft":
            return self.repo.photos(self.visit.id)
        shas = self.repo.photos(self.visit.id)
        for raw in images:
            try:
                shas.append(
                    self.store.attachments.add(prepare_photo(raw).data, self.visit.inspector)
                )
            except InputError as exc:
                self.last_error = exc.message
                self.statusBar().showMessage(f"{tr('Not saved')}: {exc.message}", 8000)
        return self._set_photos(shas)

    def remove_photo(self, sha: str) -> list[str]:
        return self._set_photos([x for x in self.repo.photos(self.visit.id) if x != sha])

    def _set_photos(self, shas: list[str]) -> list[str]:
        try:
            shas = self.repo.set_photos(self.visit.id, shas, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            self.statusBar().showMessage(f"{tr('Not saved')}: {exc.message}", 8000)
        self._show_photos()
        self.changed.emit(self.visit.id)
        return self.repo.photos(self.visit.id)

    # -- header and duties ----------------------------------------------------------------------
    def _officer_list(self) -> list[Officer]:
        return self.officers.officers()

    def save_header(self) -> bool:
        v = dataclasses.replace(
            self.visit,
            kind=self.kind.currentData(),
            started_at=_edited_time(self.visit.started_at, self.time.dateTime()),
            officers=self._officer_list(),
            place=self.place.text(),
            notes=self.notes.text(),
        )
        try:
            self.visit = self.repo.save(v, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            QMessageBox.warning(self, tr("Visit"), f"{exc.path}: {exc.message}")
            return False
        self.last_error = ""
        return True

    def _duty_changed(self, key: str) -> None:
        value = self.duty_boxes[key].currentData()
        duties = {k: v for k, v in self.visit.duties.items() if k != key}
        if value:
            duties[key] = value
        try:
            self.visit = self.repo.save(dataclasses.replace(self.visit, duties=duties))
        except InputError as exc:
            self.statusBar().showMessage(exc.message, 8000)

    def finalize(self, confirm: bool = True) -> bool:
        if not self.save_header():
            return False
        if confirm and QMessageBox.question(self, tr("Visit"), tr("Finalize visit…")) != (
            QMessageBox.StandardButton.Yes
        ):
            return False
        try:
            self.visit = vs.finalize(self.store, self.visit.id, self.visit.inspector)
        except InputError as exc:
            self.last_error = exc.message
            QMessageBox.warning(self, tr("Visit"), exc.message)
            return False
        self._fill()
        self._set_read_only(True)
        self.statusBar().showMessage(tr("The visit is sealed."), 8000)
        self.changed.emit(self.visit.id)
        return True

    def _set_read_only(self, read_only: bool) -> None:
        for w in (
            self.kind,
            self.time,
            self.officers,
            self.remove_officer_button,
            self.place,
            self.notes,
            self.save_header_button,
            self.rest_button,
            self.add_button,
            self.full_button,
            self.finalize_button,
            *self.duty_boxes.values(),
        ):
            w.setEnabled(not read_only)
        self.photos.set_read_only(read_only)


class NewVisitDialog(QDialog):
    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("New visit…"))
        self.market = QComboBox(self)
        self.market.setEditable(True)
        self.market.addItem("")
        self.market.addItems(store.premises.markets())
        self.premises = QLineEdit(self)
        self.kind = QComboBox(self)
        lang = current_language()
        for k in VISIT_KINDS:
            self.kind.addItem(VISIT_KIND_LABELS[k][0 if lang == "zh" else 1], k)
        form = QFormLayout(self)
        intro = QLabel(
            tr("Start a visit to a whole market (its stalls are swept) or to one premises."), self
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        form.addRow(tr("Market name"), self.market)
        form.addRow(tr("Premises id (instead of a market)"), self.premises)
        form.addRow(tr("Kind"), self.kind)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)


class VisitsPage(QWidget):
    """The visits of this database, newest first; Enter or double-click opens one."""

    def __init__(self, store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.editors: dict[str, VisitEditor] = {}
        self.open_inspection = None  # set by the main window: callable(inspection_id)
        self.new_button = QPushButton(tr("New visit…"), self)
        self.open_button = QPushButton(tr("Open visit"), self)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("visitsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.new_button.clicked.connect(lambda _c=False: self.new_visit())
        self.open_button.clicked.connect(lambda _c=False: self.open_current())
        self.search.textChanged.connect(lambda _t: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.ids: list[str] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                tr(t)
                for t in (
                    "Day",
                    "Premises or market",
                    "Kind",
                    "Visit state",
                    "Instruments",
                    "Checked",
                    "Failed",
                )
            ]
        )

    def refresh(self) -> None:
        lang = current_language()
        rows = vs.repo(self.store).list(search=self.search.text().strip(), limit=1000)
        self.ids = [r.id for r in rows]
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = [
                r.day,
                r.premises_name,
                VISIT_KIND_LABELS[r.kind][0 if lang == "zh" else 1],
                tr(r.status),
                str(r.rows),
                str(r.checked),
                str(r.failed),
            ]
            for c, text in enumerate(values):
                self.table.setItem(i, c, QTableWidgetItem(text))

    def focus_search(self) -> None:
        self.search.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.open_current()
            return
        super().keyPressEvent(event)

    def open_current(self) -> VisitEditor | None:
        i = self.table.currentRow()
        return self.open_visit(self.ids[i]) if 0 <= i < len(self.ids) else None

    def open_visit(self, visit_id: str) -> VisitEditor:
        editor = self.editors.get(visit_id)
        if editor is None:
            editor = VisitEditor(self.store, visit_id, self)
            editor.setWindowFlag(Qt.WindowType.Window, True)
            editor.changed.connect(lambda _id: self.refresh())
            editor.inspection_requested.connect(self._open_inspection)
            self.editors[visit_id] = editor
        editor.show()
        editor.raise_()
        return editor

    def _open_inspection(self, inspection_id: str) -> None:
        if self.open_inspection is not None:
            self.open_inspection(inspection_id)

    def new_visit(
        self, market: str | None = None, premises_id: str | None = None, kind: str = "routine"
    ):
        from . import settings

        if market is None and premises_id is None:
            dialog = NewVisitDialog(self.store, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            market = dialog.market.currentText().strip()
            premises_id = dialog.premises.text().strip() or None
            kind = dialog.kind.currentData()
        try:
            v = vs.new_visit(
                self.store,
                inspector=settings.actor(),
                premises_id=premises_id,
                market="" if premises_id else (market or ""),
                kind=kind,
            )
        except InputError as exc:
            QMessageBox.warning(self, tr("Visit"), exc.message)
            return None
        self.refresh()
        return self.open_visit(v.id)
