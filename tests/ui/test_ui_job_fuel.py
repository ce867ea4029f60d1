"""A whole fuel-dispenser job through the widgets: two flow rates of three runs each, the
metal can's constants typed once per flow rate, finalized."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from inspector_app import i18n
from inspector_app.domain.models import Instrument, new_id
from inspector_app.ui.inspection_editor import InspectionEditor


@pytest.fixture(autouse=True)
def chinese():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def _type(qtbot, view, row, column, text):
    model = view.model()
    index = model.index(row, column)
    view.scrollTo(index)
    view.setCurrentIndex(index)
    view.edit(index)
    line = next(w for w in view.viewport().findChildren(QLineEdit) if w.isVisible())
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    return len(text) + 1


def test_fuel_dispenser_with_two_flow_rates(qtbot, store, stall):
    p, _scale = stall
    ins = store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "fuel_dispenser",
            "正星",
            "ZX-2",
            "F9",
            "",
            "0.5",
            {"fuel": "diesel", "qmin": "5", "qmax": "50", "mmq": "2", "nozzle": "1"},
        )
    )
    ed = InspectionEditor.new_for_instrument(store, ins.id, "张伟")
    qtbot.addWidget(ed)
    ed.show()
    keys = 0
    runs = {"Q1": ("20.02", "19.98", "20.01"), "Q2": ("20.05", "20.04", "20.06")}
    for n, (flow, indications) in enumerate(runs.items()):
        if n:
            qtbot.mouseClick(ed.add_flow_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda n=n: len(ed.tables) > n + 2, timeout=2000)
        table = [t for t in ed.tables if t.model.form_test.kind == "volume"][n]
        qtbot.waitUntil(lambda t=table: t.view.viewport().height() > 0, timeout=2000)
        QApplication.processEvents()
        m, v = table.model, table.view
        cols = {c.path: i for i, c in enumerate(m.columns)}
        if not m.test.get("flow"):
            table.field_edits["flow"].setText(flow)
            table.field_edits["flow"].editingFinished.emit()
        for r, indicated in enumerate(indications):
            keys += _type(qtbot, v, r, cols["indicated"], indicated)
            if r == 0:  # the can: once per flow rate
                for path, text in (
                    ("can.nominal", "20"),
                    ("can.reference_mark", "0"),
                    ("can.ml_per_mm", "2"),
                ):
                    keys += _type(qtbot, v, r, cols[path], text)
                assert m.edit_cell(0, "can.material", "stainless_steel", "choice")
            keys += _type(qtbot, v, r, cols["can.neck_reading"], "1")
            keys += _type(qtbot, v, r, cols["t_fuel"], "18")
            keys += _type(qtbot, v, r, cols["t_can"], "18")
        assert m.test["runs"][2]["can"]["nominal"] == "20"  # carried from the first run
    ed.confirm_finalize = lambda *a: True
    assert ed.finalize(), ed.last_error
    stored = store.inspections.require(ed.insp.id)
    volumes = [t for t in stored.tests if t["kind"] == "volume"]
    assert [t.get("flow") for t in volumes] == ["Q1", "Q2"]
    assert all(len(t["runs"]) == 3 for t in volumes)
    assert stored.verdict in ("pass", "fail") and stored.status == "finalized"
    print(f"\nfuel job, 2 flow rates × 3 runs: {keys} keys")
