"""The office confirms numbers: a signed, audited, append-only rule data version made on a
supervisor database becomes the active rule data (also after reopening), evaluations name
it, and a confirmed value removes the warning and lifts the certificate blocker."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from stall_world import stall_inspection

from inspector_app.crypto import keys
from inspector_app.domain.errors import InputError
from inspector_app.domain.models import Inspection, ReferenceStandard, new_id
from inspector_app.domain.rules import evaluate, ruledata
from inspector_app.services import rule_data as rd
from inspector_app.services.certificates import certificate_blockers
from inspector_app.services.review import RoleError, set_role
from inspector_app.store import open_database
from inspector_app.store.rule_data import load_installed

PASS = b"correct horse battery"
PD = {"family": "pd_meter", "ruleset": "JJG 952-2014", "key": "pd", "data": "0.5"}
PD_REQUEST = {
    "family": "pd_meter",
    "ruleset": "JJG 952-2014",
    "check": "subsequent",
    "instrument": {},
    "tests": [{"kind": "pd", "items": [{"reference": "62", "reading": "62.5"}]}],
}


@pytest.fixture(autouse=True)
def builtin_after():
    yield
    for v in ruledata.versions()[2:]:
        ruledata.uninstall(v)


@pytest.fixture
def office(tmp_path, store):
    set_role(store, "supervisor")
    return store, keys.init_identity(tmp_path / "keys", "County Office", PASS)


def test_override_is_signed_audited_versioned_and_active(office, db_path):
    store, ident = office
    before = evaluate(PD_REQUEST)
    assert before["rule_data"] == "builtin-2" and any("[pd]" in w for w in before["warnings"])
    row = rd.override(store, {"version": "", "overrides": [PD]}, "JJG 952-2014 5.2 p. 3", ident)
    assert row.version == "office-1" and row.base == "builtin-2" and row.source == "local"
    after = evaluate(PD_REQUEST)
    assert after["rule_data"] == "office-1"
    assert not any("[pd]" in w for w in after["warnings"])
    assert after["verdict"] == "pass"  # 0.5 mm exactly on the confirmed MPE passes
    audit = store.conn.execute(
        "SELECT action, entity_id FROM audit WHERE action = 'rule_data.override'"
    ).fetchall()
    assert [tuple(a) for a in audit] == [("rule_data.override", "office-1")]
    # the signature covers the values: the laptop's check accepts it once the key is trusted
    store.trust.add(ident.fingerprint, ident.name, "office", ident.certificate_pem().decode())
    assert rd.check_version(store, row.bundle_record()).ok
    tampered = {**row.bundle_record(), "reason": "something else"}
    assert not rd.check_version(store, tampered).ok
    # a second override supersedes and keeps the first's values
    asym = {"family": "pd_meter", "ruleset": "JJG 952-2014", "key": "asymmetry", "data": "0.4"}
    row2 = rd.override(store, {"version": "2027-a", "overrides": [asym]}, "5.3", ident)
    assert row2.base == "office-1"
    keys_in = {(o["key"], o["data"]) for o in row2.values["overrides"]}
    assert keys_in == {("pd", "0.5"), ("asymmetry", "0.4")}
    assert ruledata.active().version == "2027-a"
    # append-only
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("UPDATE rule_data_versions SET reason = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        store.conn.execute("DELETE FROM rule_data_versions")
    # loaded again at start-up
    for v in ruledata.versions()[2:]:
        ruledata.uninstall(v)
    assert ruledata.active().version == "builtin-2"
    again = open_database(db_path)
    try:
        assert load_installed(again) == "2027-a"
        assert evaluate(PD_REQUEST)["rule_data"] == "2027-a"
    finally:
        again.close()


def test_override_refused_on_an_inspector_database_and_without_a_reason(store, tmp_path):
    ident = keys.init_identity(tmp_path / "keys", "Inspector", PASS)
    with pytest.raises(RoleError):
        rd.override(store, {"version": "x", "overrides": [PD]}, "why", ident)
    set_role(store, "supervisor")
    with pytest.raises(InputError) as exc:
        rd.override(store, {"version": "x", "overrides": [PD]}, "  ", ident)
    assert exc.value.path == "reason"
    with pytest.raises(InputError) as exc:
        rd.override(store, {"version": "x", "overrides": [{**PD, "data": "-1"}]}, "r", ident)
    assert "overrides[0].data" in exc.value.path
    assert rd.versions(store) == []  # nothing stored by a refusal
    rd.override(store, {"version": "x", "overrides": [PD]}, "r", ident)
    with pytest.raises(InputError) as exc:
        rd.override(store, {"version": "x", "overrides": [PD]}, "r", ident)
    assert "exists already" in exc.value.message


def test_loading_another_database_forgets_the_first_ones_versions(office, tmp_path):
    store, ident = office
    rd.override(store, {"version": "v-office", "overrides": [PD]}, "r", ident)
    other = open_database(tmp_path / "other.db")
    try:
        assert load_installed(other) == "builtin-2"
        assert ruledata.get("v-office") is None
    finally:
        other.close()
    assert load_installed(store) == "v-office"


PRICE_SCALE = {
    "max": "15000",
    "e": "5",
    "d": "5",
    "min": "100",
    "unit": "g",
    "price_computing": True,
}
MPE_1204 = {
    "family": "scale",
    "ruleset": "JJG 1204-2025",
    "key": "mpe_table",
    "data": {
        "III": [["500", "0.5"], ["2000", "1"], [None, "1.5"]],
    },
    "clause": "JJG 1204-2025 5.5 表 3",
}
SUBSEQUENT_1204 = {"family": "scale", "ruleset": "JJG 1204-2025", "key": "check_subsequent"}


def _price_scale_record(store, stall) -> Inspection:
    scale = stall[1]
    weights = store.standards.save(
        ReferenceStandard(
            new_id(), "test_weight", "M1 砝码组", "JZ-1", "2027-12-31", "M1", mpe="0.5", unit="g"
        )
    )
    store.instruments.save(dataclasses.replace(scale, metrology={**scale.metrology, **PRICE_SCALE}))
    return stall_inspection(
        store,
        stall,
        "2027-02-01T09:20",
        check="subsequent",
        ruleset="JJG 1204-2025",
        checklist={"seals": "yes"},
        tests=[
            {
                "kind": "weighing",
                "points": [
                    {"load": "100", "indication": "100"},
                    {"load": "10000", "indication": "10005"},
                ],
            }
        ],
        standards=[weights.id],
    )


def _unconfirmed(blockers) -> list[str]:
    return [b.en for b in blockers if "not confirmed" in b.en]


def test_a_confirmed_jjg_1204_value_lifts_the_certificate_blocker(store, stall, tmp_path):
    before = _price_scale_record(store, stall)
    assert before.verdict == "pass" and before.ruleset == "JJG 1204-2025"
    assert any("mpe_table" in b for b in _unconfirmed(certificate_blockers(store, before)))
    set_role(store, "supervisor")
    ident = keys.init_identity(tmp_path / "keys", "County Office", PASS)
    rd.override(
        store,
        {"version": "jjg1204-confirmed", "overrides": [MPE_1204, {**SUBSEQUENT_1204, "data": "1"}]},
        "JJG 1204-2025 published 2025-07-08, Table 3",
        ident,
    )
    # the record judged before keeps its version and its blocker
    assert _unconfirmed(certificate_blockers(store, before))
    after = _price_scale_record(store, stall)
    assert after.result["rule_data"] == "jjg1204-confirmed"
    assert not any("not confirmed" in w for w in after.result.get("warnings", []))
    assert _unconfirmed(certificate_blockers(store, after)) == []


def _ca_issued(tmp_path, name, ca_dir, role):
    from cryptography.hazmat.primitives import serialization

    from inspector_app.crypto import ca

    kdir = tmp_path / f"keys-{name}"
    own = keys.init_identity(kdir, name, PASS)
    issued = ca.issue(ca_dir, PASS, csr_pem=keys.make_csr(own), role=role, registration_no="皖JL-7")
    keys.import_certificate(
        kdir,
        issued.certificate.public_bytes(serialization.Encoding.PEM)
        + ca.ca_certificate(ca_dir).public_bytes(serialization.Encoding.PEM),
    )
    return keys.load_identity(kdir, PASS), issued


def test_a_laptop_trusting_the_ca_accepts_office_certificates_only(tmp_path, store):
    from cryptography.hazmat.primitives import serialization

    from inspector_app.crypto import ca

    ca_dir = tmp_path / "ca"
    root = ca.init_ca(ca_dir, "合肥市市场监督管理局", PASS)
    (tmp_path / "lap").mkdir()
    laptop = open_database(tmp_path / "lap" / "lap.db")
    try:
        pem = root.public_bytes(serialization.Encoding.PEM).decode()
        laptop.trust.add(ca.fingerprint(root), "office CA", "ca", pem)
        set_role(store, "supervisor")
        office_id, office_cert = _ca_issued(tmp_path, "County Office", ca_dir, "office")
        row = rd.override(store, {"version": "v1", "overrides": [PD]}, "published", office_id)
        check = rd.check_version(laptop, row.bundle_record())
        assert check.ok and "trusted CA" in check.reason
        # an inspector's certificate from the same CA does not confirm rule data
        insp_id, _ = _ca_issued(tmp_path, "Inspector", ca_dir, "inspector")
        row2 = rd.override(store, {"version": "v2", "overrides": [PD]}, "published", insp_id)
        check = rd.check_version(laptop, row2.bundle_record())
        assert not check.ok and "not a trusted office key" in check.reason
        # the office certificate revoked before the version was signed
        rev = ca.revoke(
            ca_dir, PASS, str(office_cert.certificate.serial_number), "2020-01-01T00:00:00+00:00"
        )
        laptop.trust.revocations.add(rev.issuer_fingerprint, rev.serial, rev.revoked_at, rev.reason)
        check = rd.check_version(laptop, row.bundle_record())
        assert not check.ok and "revoked" in check.reason
    finally:
        laptop.close()
