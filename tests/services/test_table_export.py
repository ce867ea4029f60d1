"""CSV and XLSX export of filtered inspection lists: round trip, formula injection, cancel."""

from __future__ import annotations

import csv

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.services import table_export as tx
from inspector_app.services.demo import generate
from inspector_app.store.inspections import InspectionFilter


@pytest.fixture
def db_path(office_db_path):
    """This module's store is an office database on each engine (SQLite, PostgreSQL)."""
    return office_db_path


@pytest.fixture
def demo(store):
    generate(store, premises=20, inspections=150, seed=3)
    return store


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_of_a_filtered_list(demo, tmp_path, fmt):
    f = InspectionFilter(verdict="fail")
    out = tmp_path / f"fails.{fmt}"
    n = tx.export_inspections(demo, out, None, f)
    expected = demo.inspections.list(f, limit=10_000)
    assert n == len(expected) == demo.inspections.count(f) > 0
    rows = tx.read_back(out)
    assert rows[0] == list(tx.INSPECTION_COLUMNS)
    assert len(rows) == n + 1
    by_id = {r[0]: r for r in rows[1:]}
    for e in expected:
        r = by_id[e.id]
        assert r[tx.INSPECTION_COLUMNS.index("verdict")] == "fail"
        assert (
            r[tx.INSPECTION_COLUMNS.index("premises")] == e.premises_name
        )  # Chinese text survives
        assert r[tx.INSPECTION_COLUMNS.index("revision")] == str(e.revision)
        assert r[tx.INSPECTION_COLUMNS.index("started_at")] == e.started_at
    assert not list(tmp_path.glob("*.part"))


def test_csv_reads_with_plain_csv_module(demo, tmp_path):
    out = tmp_path / "all.csv"
    tx.export_inspections(demo, out, "csv", InspectionFilter(family="scale"))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for spreadsheet programs
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["family"] for r in rows} == {"scale"}


def test_xlsx_reads_with_openpyxl(demo, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "all.xlsx"
    n = tx.export_inspections(demo, out, "xlsx")
    ws = load_workbook(out).worksheets[0]
    assert ws.max_row == n + 1 == 151
    assert ws.cell(1, 1).value == "id" and isinstance(ws.cell(2, 3).value, int)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_like_text_is_never_a_formula(tmp_path, fmt):
    out = tmp_path / f"x.{fmt}"
    tx.write_rows(out, ["a", "b"], [["=1+1", "ok\x01"], ["@SUM(A1)", "-3"]])
    rows = tx.read_back(out)
    if fmt == "csv":
        assert rows[1][0] == "'=1+1" and rows[2][0] == "'@SUM(A1)"
    else:
        from openpyxl import load_workbook

        ws = load_workbook(out).worksheets[0]
        assert ws.cell(2, 1).value == "=1+1" and ws.cell(2, 1).data_type == "s"
        assert ws.cell(2, 2).value == "ok"  # a control character XLSX cannot hold is dropped


def test_bad_format_and_cancel_leave_no_file(demo, tmp_path):
    with pytest.raises(InputError, match="csv or xlsx"):
        tx.export_inspections(demo, tmp_path / "x.ods")
    with pytest.raises(InputError, match="does not exist"):
        tx.export_inspections(demo, tmp_path / "nope" / "x.csv")
    with pytest.raises(tx.ExportCancelled):
        tx.write_rows(
            tmp_path / "c.csv", ["a"], ([str(i)] for i in range(2000)), progress=lambda d, t: False
        )
    assert not (tmp_path / "c.csv").exists() and not list(tmp_path.glob("*.part"))


def test_queue_export(demo, tmp_path):
    from inspector_app.store.review import ReviewFilter

    out = tmp_path / "queue.csv"
    n = tx.export_queue(demo, out, f=ReviewFilter(include_local=True, state=None))
    rows = tx.read_back(out)
    assert n == 150 and rows[0] == list(tx.QUEUE_COLUMNS)
    assert {r[tx.QUEUE_COLUMNS.index("review_state")] for r in rows[1:]} == {"pending"}


def test_period_export_matches_statistics(demo, tmp_path):
    from inspector_app.services.office_stats import StatsFilter, cities, office_statistics

    f = StatsFilter(date_from="2026-01-01", date_to="2026-03-31", city=cities(demo)[0])
    out = tmp_path / "period.xlsx"
    n = tx.export_period(demo, out, None, f)
    rows = tx.read_back(out)[1:]
    assert n == len(rows) == office_statistics(demo, f).totals["inspections"] > 0
    assert {r[tx.INSPECTION_COLUMNS.index("city")] for r in rows} == {f.city}
    assert all("2026-01-01" <= r[3] < "2026-04-01" for r in rows)
