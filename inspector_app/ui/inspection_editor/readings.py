"""The inspection editor's readings: one table per test of the form, each cell checked as it
is typed and the error, MPE and verdict recomputed on every edit; a prepackaged batch gets
the fast entry of its packages; a fuel dispenser's volume test is repeated at further flow
rates."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout

from ...services import drafts
from ..widgets.field_error import translate_message
from ..widgets.package_readings import PackageReadings
from ..widgets.readings_table import ReadingsModel, ReadingsTable
from .base import EditorBase

# The test that can be repeated at further points in one inspection, per family: a fuel
# dispenser's volume test at each flow rate.
REPEATABLE_TEST = {"fuel_dispenser": "volume"}


class ReadingsSection(EditorBase):
    models: list[ReadingsModel]
    tables: list[ReadingsTable]

    def _build_tests(self, col: QVBoxLayout) -> None:
        tests_box = self._group("Tests and readings")
        tl = QVBoxLayout(tests_box)
        self.models: list[ReadingsModel] = []
        self.tables: list[ReadingsTable] = []
        unit = str(self.instrument.metrology.get("unit", "")) if self.instrument else ""
        for ti, test in enumerate(self.insp.tests):
            try:
                ft = self.form.test(test.get("kind", ""))
            except KeyError:
                continue
            model = ReadingsModel(
                ft,
                test,
                units=dict(self.form.units),
                instrument_unit=unit,
                undo_stack=self.undo_stack,
                validate=partial(self._validate_cell, ti),
                on_change=self.changed,
                parent=self,
            )
            model.test_index = ti
            model.edit_rejected.connect(self._cell_refused)
            table = ReadingsTable(model)
            self.models.append(model)
            self.tables.append(table)
            tl.addWidget(table)
            if ft.kind == "net_content":  # a prepackaged batch: fast entry of its packages
                table.view.hide()
                tl.addWidget(PackageReadings(model, lambda: self.insp.ruleset, self))
        self.tests_layout = tl
        self.add_flow_button = None
        if any(t.kind == REPEATABLE_TEST.get(self.insp.family) for t in self.form.tests):
            self.add_flow_button = QPushButton()
            self.add_flow_button.setObjectName("addFlowRate")
            self.add_flow_button.setAutoDefault(False)
            self.add_flow_button.clicked.connect(lambda _c=False: self.add_flow_rate())
            self._labels.append((self.add_flow_button, "Add another flow rate"))
            row = QHBoxLayout()
            row.addWidget(self.add_flow_button)
            row.addStretch(1)
            tl.addLayout(row)
        col.addWidget(tests_box)

    def add_flow_rate(self) -> ReadingsTable | None:
        """Another volume test at a further flow rate (a real check needs at least the
        maximum and the minimum flow rate, JJG 443-2023): a new table below the last one,
        its flow labelled Q2, Q3…"""
        kind = REPEATABLE_TEST.get(self.insp.family)
        if kind is None or self.read_only:
            return None
        ft = self.form.test(kind)
        n = sum(1 for t in self.insp.tests if t.get("kind") == kind)
        test = {"kind": kind, "flow": f"Q{n + 1}"}
        self.insp.tests.append(test)
        ti = len(self.insp.tests) - 1
        unit = str(self.instrument.metrology.get("unit", "")) if self.instrument else ""
        model = ReadingsModel(
            ft,
            test,
            units=dict(self.form.units),
            instrument_unit=unit,
            undo_stack=self.undo_stack,
            validate=partial(self._validate_cell, ti),
            on_change=self.changed,
            parent=self,
        )
        model.test_index = ti
        model.edit_rejected.connect(self._cell_refused)
        table = ReadingsTable(model)
        last = max(i for i, m in enumerate(self.models) if m.form_test.kind == kind)
        at = self.tests_layout.indexOf(self.tables[last]) + 1
        self.models.append(model)
        self.tables.append(table)
        self.tests_layout.insertWidget(at, table)
        self.changed()
        table.view.setFocus()
        table.view.setCurrentIndex(model.index(0, 0))
        self.scroll_area.ensureWidgetVisible(table)
        return table

    def _validate_cell(
        self, ti: int, row: int | None, path: str, value: Any, key: str | None
    ) -> str | None:
        if self.instrument is None:
            return None
        return drafts.check_cell(self.insp, self.instrument, ti, row, path, value, key)

    def _cell_refused(self, _row: int, _path: str, message: str) -> None:
        """A refused cell says why in the status bar too (not only in its tooltip)."""
        self.statusBar().showMessage("⚠ " + translate_message(message), 8000)

    def _rebind_tests(self) -> None:
        """Point the tables at the (reloaded) inspection's tests."""
        by_kind: dict[str, list[dict]] = {}
        for t in self.insp.tests:
            by_kind.setdefault(t.get("kind", ""), []).append(t)
        for i, model in enumerate(self.models):
            bucket = by_kind.get(model.form_test.kind, [])
            model.set_test(bucket.pop(0) if bucket else {"kind": model.form_test.kind})
            model.test_index = (
                self.insp.tests.index(model.test) if model.test in self.insp.tests else 10_000
            )
            self.tables[i].setVisible(model.test_index < 10_000)
