"""Office countersignatures: approval adds the 批准人 signature to the inspector's signed PDF
(incrementally, the inspector's signature untouched), a 核验员 signature can be added too, and
the result verifies VALID at the office and on the laptop."""

from __future__ import annotations

import io

import pytest

from inspector_app.crypto import keys
from inspector_app.domain.errors import InputError
from inspector_app.paths import keys_dir
from inspector_app.services import review as rv
from inspector_app.services.reports import make_report
from inspector_app.services.verify import verify_report
from inspector_app.store import open_database

PASS = b"correct horse battery"


@pytest.fixture
def world(tmp_path, office_db_path):
    from inspector_app.services.demo import generate

    (tmp_path / "lap").mkdir()
    (tmp_path / "office").mkdir()
    lap_db, office_db = tmp_path / "lap" / "lap.db", tmp_path / "office" / "office.db"
    if office_db_path.name != "inspector.db":  # the office on PostgreSQL
        office_db = office_db_path
    lap, office = open_database(lap_db), open_database(office_db)
    generate(lap, premises=3, inspections=3, seed=21)
    insp = lap.inspections.list(limit=1)[0]
    # the office has the record (same demo seed) and is a supervisor database
    generate(office, premises=3, inspections=3, seed=21)
    rv.set_role(office, "supervisor")
    inspector = keys.init_identity(keys_dir(lap_db), insp.inspector, PASS)
    boss = keys.init_identity(keys_dir(office_db), "刘洋", PASS, office=True)
    checker = keys.init_identity(tmp_path / "checker", "赵核验", PASS, office=True)
    pem = lambda i: i.certificate_pem().decode()  # noqa: E731
    office.trust.add(inspector.fingerprint, inspector.name, "inspector", pem(inspector))
    office.trust.add(checker.fingerprint, checker.name, "office", pem(checker))
    lap.trust.add(boss.fingerprint, boss.name, "office", pem(boss))
    lap.trust.add(checker.fingerprint, checker.name, "office", pem(checker))
    pdf = make_report(lap, insp.id, "zh", identity=inspector)
    yield {
        "lap": lap,
        "office": office,
        "lap_db": lap_db,
        "office_db": office_db,
        "insp": insp,
        "pdf": pdf,
        "boss": boss,
        "checker": checker,
    }
    lap.close()
    office.close()


def test_approval_countersigns_the_inspectors_pdf(world):
    office, odb, insp = world["office"], world["office_db"], world["insp"]
    assert rv.attach_pdf(office, odb, insp.id, world["pdf"]).status == "VALID"
    check = rv.countersign(office, odb, insp.id, world["checker"], "verifier")
    assert check.status == "VALID", check.reason
    rv.approve(office, insp.id, world["boss"], "同意")
    kept = (rv.reports_folder(odb) / f"{insp.id}.pdf").read_bytes()
    assert kept.startswith(world["pdf"])  # incremental: the inspector's bytes are unchanged
    r = verify_report(kept, office, odb)
    assert r.status == "VALID", r.reason
    assert [s.field for s in r.signatures] == [
        "InspectorSignature",
        "VerifierSignature",
        "ApproverSignature",
    ]
    assert [s.role for s in r.signatures] == [
        "inspector",
        "office countersigner",
        "office countersigner",
    ]
    assert r.signatures[0].signer == insp.inspector
    # the laptop, trusting the office keys, agrees
    r = verify_report(kept, world["lap"], world["lap_db"])
    assert r.status == "VALID", r.reason
    # poppler sees three signatures, each valid
    import subprocess

    path = odb.parent / "kept.pdf"
    path.write_bytes(kept)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid") == 3
    with pytest.raises(InputError, match="approver signature already"):
        rv.countersign(office, odb, insp.id, world["boss"], "approver")


def test_a_pdf_that_does_not_verify_stops_the_approval(world):
    office, odb, insp = world["office"], world["office_db"], world["insp"]
    rv.attach_pdf(office, odb, insp.id, world["pdf"] + b"\n%junk\n")
    with pytest.raises(InputError, match="MODIFIED-AFTER-SIGNING"):
        rv.approve(office, insp.id, world["boss"], "同意")
    assert rv.reviews_for(office, insp.id) == []  # nothing recorded


def test_countersign_needs_a_kept_pdf(world):
    office, odb, insp = world["office"], world["office_db"], world["insp"]
    with pytest.raises(InputError, match="attach it first"):
        rv.countersign(office, odb, insp.id, world["checker"], "verifier")
    # without a kept PDF, approval works as before
    assert rv.approve(office, insp.id, world["boss"]).decision == "approved"
    assert io.BytesIO(world["pdf"]).read(5) == b"%PDF-"
