"""Prepackaged batches and retail rechecks travel in a signed bundle like every record, are
reviewed at the office, and are listed and exported."""

from __future__ import annotations

import csv

from inspector_app.crypto import keys
from inspector_app.services import demo_goods
from inspector_app.services import sync as service
from inspector_app.services.demo import generate
from inspector_app.services.goods_stats import goods_statistics
from inspector_app.store import open_database
from inspector_app.store.inspections import InspectionFilter
from inspector_app.store.integrity import check


def test_goods_records_travel_to_the_office(tmp_path):
    lap = open_database(tmp_path / "lap.db")
    off = open_database(tmp_path / "off.db")
    ident = keys.init_identity(tmp_path / "k", "Inspector Li", b"passphrase 123")
    off.trust.add(ident.fingerprint, ident.name, "inspector", ident.certificate_pem().decode())
    generate(lap, premises=12, inspections=160, seed=23)
    n_batches, n_rechecks, _ = demo_goods.counts(160, 12)
    service.export_bundle(lap, ident, tmp_path / "b.zip")
    report = service.import_bundle(off, tmp_path / "b.zip", actor="office")
    assert report.ok, report.as_dict()
    assert check(off) == []
    here = goods_statistics(off)
    there = goods_statistics(lap)
    assert here == there
    assert here["prepackaged"]["batches"] == n_batches == 3
    assert here["retail_rechecks"]["rechecks"] == n_rechecks == 2
    batch = off.inspections.list(InspectionFilter(family="prepackaged"), limit=10)
    assert len(batch) == n_batches
    sent = lap.inspections.require(batch[0].id)
    got = off.inspections.require(batch[0].id)
    assert got.content_hash == sent.content_hash and got.tests == sent.tests
    lap.close()
    off.close()


def test_goods_records_in_the_exported_list(tmp_path):
    from inspector_app.services import table_export

    store = open_database(tmp_path / "x.db")
    generate(store, premises=12, inspections=160, seed=24)
    out = tmp_path / "list.csv"
    n = table_export.export_inspections(store, out, "csv", InspectionFilter(family="prepackaged"))
    assert n == 3
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 4
    store.close()
