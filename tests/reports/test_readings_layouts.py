"""The readings tables are declared per test kind (reports.readings.LAYOUTS): each row is
the judged item beside the raw observation it was judged from; an unexpected raw shape falls
back to the generic table instead of failing the report."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from inspector_app.reports import readings


def _insp(family: str, raw: dict, judged: dict) -> SimpleNamespace:
    return SimpleNamespace(family=family, tests=[raw], result={"tests": [judged]})


SCALE = SimpleNamespace(metrology={"e": "1", "max": "15000"})


def test_scale_weighing_pairs_each_point_with_its_item():
    raw = {
        "kind": "weighing",
        "points": [
            {"load": "500", "indication": "500", "added": "0.3"},
            {"load": "2000", "indication": "2001"},
        ],
        "zero": {"load": "0", "indication": "0", "added": "0.5"},
    }
    judged = {
        "kind": "weighing",
        "items": [
            {"load": "500", "error": "0.2", "mpe": "0.5", "verdict": "pass", "unit": "g"},
            {"load": "2000", "error": "1", "mpe": "1", "verdict": "pass", "unit": "g"},
        ],
    }
    (table,) = readings.tables(_insp("scale", raw, judged), SCALE, "en")
    assert table.headers[:3] == ["No.", "Load L (g)", "Indication I (g)"]
    assert table.headers[-3:] == ["Corrected error Ec (g)", "MPE ± (g)", "Verdict"]
    # E = I + e/2 − ΔL − L = 500 + 0.5 − 0.3 − 500; a value exactly on the MPE passes
    assert table.rows[0] == ["1", "500", "500", "0.3", "0.2", "0.2", "0.5", "pass"]
    assert table.rows[1] == ["2", "2000", "2001", "—", "1", "1", "1", "pass"]
    assert table.notes and "E0 = 0" in table.notes[0]


def test_fuel_repeatability_row_has_no_run_of_its_own():
    raw = {"kind": "volume", "runs": [{"indicated": "20.00", "actual": "20.01"}] * 2}
    items = [
        {"label": "run 1", "error": "-0.05", "mpe": "0.3", "verdict": "pass", "unit": "%"},
        {"label": "repeatability", "error": "0.02", "mpe": "0.1", "verdict": "pass"},
    ]
    (table,) = readings.tables(
        _insp("fuel_dispenser", raw, {"kind": "volume", "items": items, "volume": ""}),
        None,
        "en",
    )
    assert table.rows[0][1:3] == ["20.00", "20.01"]
    assert table.rows[1][1:6] == ["—"] * 5
    assert table.notes == []


@pytest.mark.parametrize(("family", "kind"), sorted(readings.LAYOUTS))
def test_every_layout_has_one_cell_per_header(family, kind):
    raw = {"kind": kind, "lenses": [{}], "items": [{}], "eyes": [{}], "points": [{}]}
    judged = {"kind": kind, "items": [{"error": "0.01", "mpe": "0.25", "verdict": "pass"}]}
    (table,) = readings.tables(_insp(family, raw, judged), SCALE, "zh")
    assert table.rows and all(len(r) == len(table.headers) for r in table.rows)
    assert table.row_verdicts == ["pass"]


def test_an_unexpected_raw_shape_gives_the_generic_table():
    raw = {"kind": "vertex_power", "lenses": "not a list"}
    judged = {"kind": "vertex_power", "items": [{"label": "#1", "error": "0.01", "mpe": "0.06"}]}
    (table,) = readings.tables(_insp("focimeter", raw, judged), None, "en")
    assert table.headers == ["No.", "Item", "Error", "MPE ±", "unit", "Verdict"]
    assert table.rows == [["1", "#1", "0.01", "0.06", "—", "—"]]
