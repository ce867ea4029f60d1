"""Report use-cases: export (signed or not), verify against the database, batch export."""

from __future__ import annotations

import pytest

from inspector_app.crypto.keys import KeyError_, init_identity
from inspector_app.paths import keys_dir
from inspector_app.services.batch_export import batch_export
from inspector_app.services.demo import generate
from inspector_app.services.reports import export_report
from inspector_app.services.verify import verify_report
from inspector_app.store.inspections import InspectionFilter

PASSPHRASE = b"a good passphrase"


@pytest.fixture
def demo(store, db_path):
    generate(store, premises=10, inspections=30, seed=11)
    # an office database: its key signs reports of every inspector's records
    from inspector_app.services.review import set_role

    set_role(store, "supervisor")
    init_identity(keys_dir(db_path), "陈静", PASSPHRASE)
    return store


def ids(store, n=None):
    return [s.id for s in store.inspections.list(InspectionFilter(), limit=n or 1000)]


def test_export_signed_report_and_verify_against_the_database(demo, db_path, tmp_path):
    first = ids(demo, 1)[0]
    out = export_report(demo, db_path, first, tmp_path / "a.pdf", "zh", passphrase=PASSPHRASE)
    assert out.read_bytes().startswith(b"%PDF-")
    result = verify_report(out.read_bytes(), demo, db_path)
    assert result.status == "VALID" and result.record_check == "matches"
    assert result.record_hash == demo.inspections.get(first).content_hash
    # the own identity is trusted without enrolling it; an empty keys folder means untrusted
    result = verify_report(out.read_bytes(), None, tmp_path / "elsewhere" / "x.db")
    assert result.status == "UNTRUSTED"


def test_record_not_in_this_database_is_said_but_not_a_failure(demo, db_path, tmp_path):
    from inspector_app.store import open_database

    pdf = export_report(
        demo, db_path, ids(demo, 1)[0], tmp_path / "a.pdf", passphrase=PASSPHRASE
    ).read_bytes()
    (tmp_path / "office").mkdir()
    other = open_database(tmp_path / "office" / "office.db")
    try:
        from cryptography.hazmat.primitives import serialization

        from inspector_app.crypto.keys import fingerprint, load_certificate_file

        cert = load_certificate_file(keys_dir(db_path))
        other.trust.add(
            fingerprint(cert),
            "陈静",
            "office",  # the key of an office database: it signs for every inspector
            cert.public_bytes(serialization.Encoding.PEM).decode(),
        )
        result = verify_report(pdf, other, tmp_path / "office" / "office.db")
    finally:
        other.close()
    assert result.status == "VALID" and result.record_check == "not in database"


def test_wrong_passphrase_writes_nothing(demo, db_path, tmp_path):
    with pytest.raises(KeyError_, match="passphrase"):
        export_report(
            demo, db_path, ids(demo, 1)[0], tmp_path / "a.pdf", passphrase=b"wrong passphrase"
        )
    assert not (tmp_path / "a.pdf").exists()


def test_batch_export_in_worker_processes(demo, db_path, tmp_path):
    chosen = ids(demo, 12)
    calls = []
    result = batch_export(
        db_path,
        chosen,
        tmp_path / "out",
        "en",
        workers=2,
        progress=lambda done, total: calls.append((done, total)) or True,
    )
    assert not result.failed and not result.cancelled
    assert len(result.written) == 12 and all(
        p.read_bytes().startswith(b"%PDF-") for p in result.written
    )
    assert calls[-1] == (12, 12) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    from inspector_app.services.batch_export import document_number

    assert sorted(p.name for p in result.written) == sorted(
        f"{document_number(demo, i)}.pdf" for i in chosen
    )


def test_batch_export_signed_and_cancel(demo, db_path, tmp_path):
    chosen = ids(demo, 20)
    result = batch_export(
        db_path,
        chosen,
        tmp_path / "out",
        passphrase=PASSPHRASE,
        workers=2,
        progress=lambda done, total: done < 3,
    )
    assert result.cancelled
    assert 3 <= len(result.written) < 20
    for path in result.written:
        assert verify_report(path.read_bytes(), demo, db_path).status == "VALID"
    assert not list((tmp_path / "out").glob("*.part"))


def test_batch_reports_a_bad_id_and_goes_on(demo, db_path, tmp_path):
    chosen = ids(demo, 3) + ["no-such-id"]
    result = batch_export(db_path, chosen, tmp_path / "out", workers=1)
    assert len(result.written) == 3
    assert result.failed == [("no-such-id", "no inspection with id no-such-id")]
