"""Item models: the lazy inspections table, fetchMore lists, reference standards."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from PySide6.QtCore import Qt

from inspector_app import i18n
from inspector_app.domain.models import ReferenceStandard, new_id
from inspector_app.store import open_database
from inspector_app.store.inspections import InspectionFilter
from inspector_app.ui.models.inspections import PLACEHOLDER, InspectionTableModel
from inspector_app.ui.models.records import InstrumentTableModel, PremisesTableModel
from inspector_app.ui.models.standards import StandardsTableModel
from inspector_app.ui.workers import StoreReader


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    from inspector_app.services.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_database(path) as s:
        generate(s, premises=60, inspections=500, seed=7)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo(demo_template, db_path):
    shutil.copy(demo_template, db_path)
    s = open_database(db_path)
    yield s
    s.close()


@pytest.fixture
def reader(demo, db_path):
    r = StoreReader(db_path)
    yield r
    r.stop()


@pytest.fixture(autouse=True)
def english():
    before = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(before)


def loaded(model, qtbot, refresh=True):
    with qtbot.waitSignal(model.counted, timeout=10000):
        if refresh:
            model.refresh()
    return model


def test_inspections_model_passes_the_model_tester(qtbot, qtmodeltester, reader):
    model = loaded(InspectionTableModel(reader, page_size=50), qtbot)
    qtmodeltester.check(model)


def test_inspections_model_pages_lazily(qtbot, demo, reader):
    model = loaded(InspectionTableModel(reader, page_size=50), qtbot)
    assert model.rowCount() == demo.inspections.count() == 500
    assert model.loaded_pages() == [0]  # only the first page is in memory
    assert model.data(model.index(0, 0)) != PLACEHOLDER
    # a row far down shows a placeholder until its page arrives
    assert model.data(model.index(420, 0)) == PLACEHOLDER
    with qtbot.waitSignal(model.page_loaded, timeout=5000) as blocker:
        pass
    assert blocker.args == [8]
    assert model.loaded_pages() == [0, 8]
    expected = demo.inspections.list(InspectionFilter(), limit=1, offset=420)[0]
    assert model.data(model.index(420, 0), Qt.ItemDataRole.UserRole) == expected.id


def test_inspections_model_keeps_a_bounded_window(qtbot, reader):
    model = loaded(InspectionTableModel(reader, page_size=20, max_pages=3), qtbot)
    for page in (5, 10, 15, 20):
        with qtbot.waitSignal(model.page_loaded, timeout=5000):
            model.data(model.index(page * 20, 0))
    assert len(model.loaded_pages()) == 3


def test_inspections_model_sorts_in_the_database(qtbot, demo, reader):
    model = loaded(InspectionTableModel(reader, page_size=50), qtbot)
    with qtbot.waitSignal(model.counted, timeout=10000):
        model.sort(1, Qt.SortOrder.AscendingOrder)  # premises name
    names = [model.data(model.index(r, 1)) for r in range(50)]
    assert names == sorted(names)
    first = demo.inspections.list(InspectionFilter(), sort="premises", descending=False, limit=1)[0]
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) == first.id
    before = model.sort_key
    model.sort(5, Qt.SortOrder.AscendingOrder)  # kind of check: not sortable in SQL, ignored
    assert model.sort_key == before


def test_inspections_model_filters(qtbot, demo, reader):
    model = loaded(InspectionTableModel(reader), qtbot)
    with qtbot.waitSignal(model.counted, timeout=10000):
        model.set_filter(InspectionFilter(family="scale", verdict="fail"))
    assert (
        model.total == demo.inspections.count(InspectionFilter(family="scale", verdict="fail")) > 0
    )
    assert all(model.data(model.index(r, 7)).endswith("Fail") for r in range(min(model.total, 20)))
    assert (
        model.data(model.index(0, 7), Qt.ItemDataRole.ForegroundRole) is not None
    )  # red, with text


def test_premises_model_rows_grow_with_fetch_more(qtbot, qtmodeltester, demo, reader):
    model = PremisesTableModel(reader, page_size=25)
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.refresh()
    assert model.rowCount() == 25
    assert model.canFetchMore()
    with qtbot.waitSignal(model.fetched, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 50
    with qtbot.waitSignal(model.fetched, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == demo.premises.count() > 60  # and the markets' organisers
    assert not model.canFetchMore()
    qtmodeltester.check(model)


def test_premises_model_search_chinese(qtbot, demo, reader):
    model = PremisesTableModel(reader)
    name = demo.premises.list(kind="market_stall", limit=1)[0].name
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.set_params(search=name[:2])
    assert model.rowCount() >= 1
    assert all(
        name[:2] in " ".join(model.data(model.index(r, c)) for c in range(model.columnCount()))
        or name[:2] in (model.record(r).address + model.record(r).contact)
        for r in range(model.rowCount())
    )


def test_instrument_model(qtbot, qtmodeltester, demo, reader):
    model = InstrumentTableModel(reader, page_size=30)
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.set_params(family="scale")
    assert model.rowCount() > 0
    assert {model.record(r).family for r in range(model.rowCount())} == {"scale"}
    assert "Max" in model.data(model.index(0, 5))
    qtmodeltester.check(model)


def test_standards_model_shows_expiry_in_words(qtmodeltester):
    today = dt.date(2026, 6, 1)
    model = StandardsTableModel(today=today)
    model.set_rows(
        [
            ReferenceStandard(new_id(), "test_weight", "M1 砝码组", "CN-1", "2026-05-01"),
            ReferenceStandard(new_id(), "metal_can", "20 L 标准金属量器", "CN-2", "2026-06-11"),
            ReferenceStandard(new_id(), "reference_lens", "标准镜片", "CN-3", "2027-01-01"),
        ]
    )
    validity = [model.data(model.index(r, 6)) for r in range(3)]
    assert validity[0] == "✗ Expired 31 days ago"
    assert "Expires in 10 days" in validity[1]
    assert "Valid" in validity[2]
    assert model.data(model.index(0, 6), Qt.ItemDataRole.ForegroundRole).color().name() == "#c0392b"
    assert model.data(model.index(2, 6), Qt.ItemDataRole.ForegroundRole) is None
    i18n.set_language("zh")
    assert "已过期" in model.data(model.index(0, 6))
    qtmodeltester.check(model)
