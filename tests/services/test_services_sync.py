"""The sync service: export, inspect, import report, progress and cancel, status, assignments."""

from __future__ import annotations

import pytest

from inspector_app.crypto import keys
from inspector_app.domain.errors import InputError
from inspector_app.services import sync as service
from inspector_app.services.demo import generate
from inspector_app.store import open_database
from inspector_app.sync.format import BundleRejected


@pytest.fixture
def pair(tmp_path, office_db_path):
    lap = open_database(tmp_path / "lap.db")
    off = open_database(office_db_path)  # the office on each engine
    ident = keys.init_identity(tmp_path / "k", "Inspector Li", b"passphrase 123")
    off.trust.add(ident.fingerprint, ident.name, "inspector", ident.certificate_pem().decode())
    generate(lap, premises=3, inspections=20, seed=21)
    yield lap, off, ident, tmp_path
    lap.close()
    off.close()


def test_export_reports_what_it_wrote(pair):
    lap, off, ident, tmp = pair
    result = service.export_bundle(lap, ident, tmp / "b.zip")
    assert result.counts["inspections"] == 20 and result.size == (tmp / "b.zip").stat().st_size
    assert result.direction == "field->office"
    assert lap.conn.execute("SELECT count(*) FROM sync_exports").fetchone()[0] == 1
    assert not (tmp / "b.zip.partial").exists()
    with pytest.raises(InputError, match="direction"):
        service.export_bundle(lap, ident, tmp / "c.zip", direction="sideways")


def test_inspect_without_store_and_with(pair):
    lap, off, ident, tmp = pair
    service.export_bundle(lap, ident, tmp / "b.zip")
    info = service.inspect_bundle(tmp / "b.zip")
    assert info["trust"] == "untrusted" and info["signer"]["name"] == "Inspector Li"
    info = service.inspect_bundle(tmp / "b.zip", off)
    assert info["trust"] == "trusted" and info["counts"]["inspections"] == 20
    (tmp / "junk.zip").write_bytes(b"junk")
    with pytest.raises(BundleRejected) as exc:
        service.inspect_bundle(tmp / "junk.zip", off)
    assert exc.value.stage == 1


def test_import_report_and_progress(pair):
    lap, off, ident, tmp = pair
    service.export_bundle(lap, ident, tmp / "b.zip")
    seen = []
    report = service.import_bundle(
        off, tmp / "b.zip", progress=lambda s, d, t: seen.append(s) or True, actor="tester"
    )
    assert report.ok and report.status == "imported"
    sealed = lap.conn.execute("SELECT count(*) FROM visits WHERE status = 'finalized'")
    assert report.new == 20 + lap.premises.count() + lap.instruments.count() + sealed.fetchone()[0]
    d = report.as_dict()
    assert d["message"].startswith("imported bundle") and d["tables"]["inspections"] == {"new": 20}
    assert "merge" in seen and "entries" in seen
    assert service.sync_status(off)["finalized"] == 20
    led = off.conn.execute("SELECT direction, signer FROM bundle_ledger").fetchone()
    assert tuple(led) == ("field->office", ident.fingerprint)


def test_cancel_before_the_merge_changes_nothing(pair):
    lap, off, ident, tmp = pair
    service.export_bundle(lap, ident, tmp / "b.zip")
    before = off.fingerprint()
    report = service.import_bundle(off, tmp / "b.zip", progress=lambda s, d, t: s != "records")
    assert report.status == "rejected" and report.rejection["reason"] == "cancelled"
    assert off.fingerprint() == before


def test_assignments_are_validated(pair):
    lap, off, ident, tmp = pair
    p = lap.premises.list(limit=1)[0]
    with pytest.raises(InputError, match="premises do not exist"):
        service.assign_premises(lap, "missing", "王检")
    with pytest.raises(InputError, match="required"):
        service.assign_premises(lap, p.id, "  ")
    service.assign_premises(lap, p.id, "王检", "季度检查")
    service.assign_premises(lap, p.id, "王检", "每月")  # same pair: updated, not duplicated
    rows = lap.conn.execute(
        "SELECT inspector, note FROM assignments WHERE campaign_id = ''"  # not the demo's campaigns
    ).fetchall()
    assert [tuple(r) for r in rows] == [("王检", "每月")]


def test_sync_state_of_inspections(pair):
    lap, off, ident, tmp = pair
    ids = [r[0] for r in lap.conn.execute("SELECT id FROM inspections LIMIT 3")]
    assert set(service.inspection_sync_state(lap, ids).values()) == {"local"}
    service.export_bundle(lap, ident, tmp / "b.zip")
    assert set(service.inspection_sync_state(lap, ids).values()) == {"exported"}
