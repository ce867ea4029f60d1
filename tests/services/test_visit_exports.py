"""Inspection list exports name the visit each inspection belongs to (visit id, day, kind,
campaign), in the list export and the office's period export, CSV and XLSX."""

from __future__ import annotations

import pytest

from inspector_app.services import table_export as tx
from inspector_app.services.demo import generate
from inspector_app.store.office_stats import StatsFilter


@pytest.fixture
def demo(store):
    generate(store, premises=20, inspections=150, seed=3)
    return store


def _expected(store):
    return {
        iid: [vid, day, kind, campaign]
        for iid, vid, day, kind, campaign in store.conn.execute(
            "SELECT i.id, v.id, v.day, v.kind, coalesce(c.name, '') FROM inspections i"
            " JOIN visits v ON v.id = i.visit_id LEFT JOIN campaigns c ON c.id = v.campaign_id"
        )
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_list_export_names_each_inspections_visit(demo, tmp_path, fmt):
    out = tmp_path / f"list.{fmt}"
    n = tx.export_inspections(demo, out, None)
    rows = tx.read_back(out)
    assert rows[0][-4:] == ["visit", "visit_day", "visit_kind", "campaign"]
    expected = _expected(demo)
    assert n == len(rows) - 1 == len(expected)  # every demo inspection is in a visit
    for r in rows[1:]:
        assert r[-4:] == expected[r[0]]
        assert r[-3] == r[tx.INSPECTION_COLUMNS.index("started_at")][:10]  # the visit's day
    assert any(r[-1] for r in rows[1:])  # some belong to a campaign
    assert {r[-2] for r in rows[1:]} >= {"routine", "campaign"}


def test_period_export_names_each_inspections_visit(demo, tmp_path):
    out = tmp_path / "period.csv"
    n = tx.export_period(demo, out, None, StatsFilter())
    rows = tx.read_back(out)
    assert rows[0] == list(tx.INSPECTION_COLUMNS) and n == len(rows) - 1 > 0
    expected = _expected(demo)
    assert all(r[-4:] == expected[r[0]] for r in rows[1:])
