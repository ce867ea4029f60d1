"""The inspector's signed PDF travels with its record in the field bundle, is checked like
every untrusted input at the office, and the countersigned PDF travels back to the laptop,
which keeps it beside the record; a kept PDF is never replaced by a different one."""

from __future__ import annotations

import hashlib
import json

import pytest
from sync_world import (
    PASS,
    add_inspection_with_photo,
    read_entries,
    replace_entry,
    resign,
    write_zip,
)

from inspector_app.crypto import keys
from inspector_app.paths import keys_dir
from inspector_app.services import report_files
from inspector_app.services import review as rv
from inspector_app.services.reports import make_report
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.services.verify import verify_report
from inspector_app.store import open_database
from inspector_app.sync.format import Limits


@pytest.fixture
def pair(tmp_path):
    (tmp_path / "lap").mkdir()
    (tmp_path / "office").mkdir()
    lap_db, office_db = tmp_path / "lap" / "lap.db", tmp_path / "office" / "office.db"
    lap, office = open_database(lap_db), open_database(office_db)
    rv.set_role(office, "supervisor")
    inspector = keys.init_identity(keys_dir(lap_db), "王检", PASS)
    boss = keys.init_identity(keys_dir(office_db), "刘洋", PASS, office=True)
    pem = lambda i: i.certificate_pem().decode()  # noqa: E731
    office.trust.add(inspector.fingerprint, inspector.name, "inspector", pem(inspector))
    lap.trust.add(boss.fingerprint, boss.name, "office", pem(boss))
    insp = add_inspection_with_photo(lap)
    pdf = make_report(lap, insp.id, "zh", identity=inspector)
    yield {
        "lap": lap,
        "office": office,
        "lap_db": lap_db,
        "office_db": office_db,
        "inspector": inspector,
        "boss": boss,
        "insp": insp,
        "pdf": pdf,
        "dir": tmp_path,
    }
    lap.close()
    office.close()


def _field_bundle(w, name="b.zip", **kw):
    return export_bundle(w["lap"], w["inspector"], w["dir"] / name, **kw).path


def _ok(report):
    assert report.status == "imported", report.rejection
    return report


def test_the_signed_export_is_kept_once_on_the_laptop(pair):
    kept = report_files.kept_pdf(pair["lap"], pair["insp"].id)
    assert kept == pair["pdf"]
    again = make_report(pair["lap"], pair["insp"].id, "en", identity=pair["inspector"])
    assert again != kept and report_files.kept_pdf(pair["lap"], pair["insp"].id) == kept


def test_field_bundle_carries_the_pdf_hashed_and_the_office_keeps_it(pair):
    insp, office = pair["insp"], pair["office"]
    path = _field_bundle(pair)
    entries = dict(read_entries(path))
    name = f"reports/{insp.id}.pdf"
    assert entries[name] == pair["pdf"]
    manifest = json.loads(entries["manifest.json"])
    assert manifest["version"] == 2
    assert manifest["entries"][name] == {
        "sha256": hashlib.sha256(pair["pdf"]).hexdigest(),
        "size": len(pair["pdf"]),
    }
    report = _ok(import_bundle(office, path))
    assert report.reports == {"new": 1}
    assert report.message().endswith("1 signed report PDF kept")
    kept = report_files.kept_pdf(office, insp.id)
    assert kept == pair["pdf"]
    assert verify_report(kept, office, pair["office_db"]).status == "VALID"
    # the review panel's source: the kept PDF, verified as it is
    check = rv.review_pdf(office, pair["office_db"], insp.id)
    assert check.status == "VALID" and check.signer == "王检"


def test_the_countersigned_pdf_travels_back_and_replaces_the_laptops_copy(pair):
    insp, office, lap = pair["insp"], pair["office"], pair["lap"]
    _ok(import_bundle(office, _field_bundle(pair)))
    rv.approve(office, insp.id, pair["boss"], "同意")
    countersigned = report_files.kept_pdf(office, insp.id)
    assert countersigned != pair["pdf"] and countersigned.startswith(pair["pdf"])
    back = export_bundle(office, pair["boss"], pair["dir"] / "o.zip", direction="office")
    assert dict(read_entries(back.path))[f"reports/{insp.id}.pdf"] == countersigned
    report = _ok(import_bundle(lap, back.path))
    assert report.reports == {"countersigned": 1}
    kept = report_files.kept_pdf(lap, insp.id)
    assert kept == countersigned
    r = verify_report(kept, lap, pair["lap_db"])
    assert r.status == "VALID", r.reason
    assert [s.role for s in r.signatures] == ["inspector", "office countersigner"]
    # the same office bundle's PDF again changes nothing; the next field bundle carries the
    # countersigned PDF, which the office already holds
    assert import_bundle(lap, back.path).status == "already_imported"
    again = _ok(import_bundle(office, _field_bundle(pair, "b2.zip", all=True)))
    assert again.reports == {"unchanged": 1}


def _tampered(pair, new_pdf, *, name=None):
    items = read_entries(_field_bundle(pair))
    name = name or f"reports/{pair['insp'].id}.pdf"
    if any(n == name for n, _ in items):
        items = replace_entry(items, name, new_pdf)
    else:
        items = [*items, (name, new_pdf)]
    return write_zip(pair["dir"] / "evil.zip", resign(items, pair["inspector"]))


def _rejected(pair, path, stage, *words):
    office = pair["office"]
    before = (
        sorted(p.name for p in report_files.folder(office).glob("*"))
        if report_files.folder(office).exists()
        else []
    )
    report = import_bundle(office, path)
    assert report.status == "rejected"
    rej = report.rejection
    assert rej["stage"] == stage, rej
    for w in words:
        assert w in rej["message"], rej["message"]
    after = (
        sorted(p.name for p in report_files.folder(office).glob("*"))
        if report_files.folder(office).exists()
        else []
    )
    assert after == before  # nothing kept
    assert office.inspections.get(pair["insp"].id) is None  # nothing merged
    return rej


def test_a_pdf_changed_after_signing_refuses_the_bundle(pair):
    path = _tampered(pair, pair["pdf"] + b"\n%appended\n")
    rej = _rejected(pair, path, 4, f"reports/{pair['insp'].id}.pdf", "MODIFIED-AFTER-SIGNING")
    assert rej["problem_count"] == 1


def test_the_pdf_of_another_record_under_this_id_refuses_the_bundle(pair):
    other = add_inspection_with_photo(pair["lap"])
    other_pdf = make_report(pair["lap"], other.id, "zh", identity=pair["inspector"])
    path = _tampered(pair, other_pdf)
    # the other record travels too (unacknowledged), so its own PDF is fine; this one is not
    _rejected(pair, path, 4, f"reports/{pair['insp'].id}.pdf", "not the bundled record")


def test_an_unsigned_report_or_a_stranger_refuses_the_bundle(pair, tmp_path):
    unsigned = make_report(pair["lap"], pair["insp"].id, "zh")
    _rejected(pair, _tampered(pair, unsigned), 4, "verify says INVALID", "not signed")
    stranger = keys.init_identity(tmp_path / "stranger", "王检", PASS)
    theirs = make_report(pair["lap"], pair["insp"].id, "zh", identity=stranger)
    _rejected(pair, _tampered(pair, theirs), 4, "verify says UNTRUSTED")


def test_a_pdf_without_its_record_or_of_no_inspection_refuses_the_bundle(pair):
    path = _tampered(pair, pair["pdf"], name="reports/not-in-the-bundle.pdf")
    _rejected(pair, path, 4, "reports/not-in-the-bundle.pdf", "does not carry")


def test_report_entries_need_format_version_2(pair):
    items = read_entries(_field_bundle(pair))
    path = write_zip(
        pair["dir"] / "v1.zip",
        resign(items, pair["inspector"], edit=lambda m: m.__setitem__("version", 1)),
    )
    _rejected(pair, path, 3, "needs format version 2")


def test_a_report_pdf_above_the_limit_is_refused_before_reading(pair):
    office = pair["office"]
    report = import_bundle(office, _field_bundle(pair), limits=Limits(max_report_bytes=1000))
    assert report.status == "rejected" and report.rejection["stage"] == 1
    assert "too large for a report PDF" in report.rejection["message"]


def test_a_bundle_without_pdfs_stays_version_1(pair):
    report_files.kept_path(pair["lap"], pair["insp"].id).unlink()
    entries = dict(read_entries(_field_bundle(pair)))
    assert json.loads(entries["manifest.json"])["version"] == 1
    assert not [n for n in entries if n.startswith("reports/")]
    _ok(import_bundle(pair["office"], pair["dir"] / "b.zip"))


def test_a_different_pdf_of_a_kept_record_is_not_taken(pair):
    office, insp = pair["office"], pair["insp"]
    # the office holds another signed PDF of the same record (attached by hand earlier)
    other = make_report(pair["lap"], insp.id, "en", identity=pair["inspector"])
    report_files.folder(office).mkdir(parents=True, exist_ok=True)
    report_files.kept_path(office, insp.id).write_bytes(other)
    report = _ok(import_bundle(office, _field_bundle(pair)))
    assert report.reports == {"kept_local": 1}
    assert report.warning_count == 1 and "not replaced" in report.warnings[0]["reason"]
    assert report_files.kept_pdf(office, insp.id) == other


def test_the_laptop_checks_the_offices_pdf_and_ignores_other_inspectors_reports(pair):
    insp, office, lap = pair["insp"], pair["office"], pair["lap"]
    _ok(import_bundle(office, _field_bundle(pair)))
    rv.approve(office, insp.id, pair["boss"], "同意")
    back = export_bundle(office, pair["boss"], pair["dir"] / "o.zip", direction="office")
    items = read_entries(back.path)
    name = f"reports/{insp.id}.pdf"
    countersigned = dict(items)[name]
    bad = write_zip(
        pair["dir"] / "bad.zip",
        resign(replace_entry(items, name, countersigned + b"\n%junk\n"), pair["boss"]),
    )
    report = import_bundle(lap, bad)
    assert report.status == "rejected" and report.rejection["stage"] == 4
    assert name in report.rejection["message"] and "MODIFIED" in report.rejection["message"]
    assert report_files.kept_pdf(lap, insp.id) == pair["pdf"]  # the laptop's copy untouched
    # a report of an inspection this laptop does not hold is not kept (nor checked)
    stray = write_zip(
        pair["dir"] / "stray.zip",
        resign([*items, ("reports/someone-elses.pdf", b"%PDF-1.7 junk")], pair["boss"]),
    )
    report = _ok(import_bundle(lap, stray))
    assert report.reports == {"countersigned": 1}
    assert not report_files.kept_path(lap, "someone-elses").exists()
