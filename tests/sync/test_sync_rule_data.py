"""Rule data versions travel from the office to laptops in office bundles; a laptop keeps a
version only when a trusted office key signed it, and otherwise refuses the bundle saying
why. After the import, evaluations on the laptop name the office's version and no longer
warn about the confirmed value."""

from __future__ import annotations

import pytest
from sync_world import lines, read_entries, resign, set_lines, write_zip

from inspector_app.domain.rules import evaluate, ruledata
from inspector_app.services import rule_data as rd
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store.rule_data import list_versions

PD = {
    "family": "pd_meter",
    "ruleset": "JJG 952-2014",
    "key": "pd",
    "data": "0.5",
    "clause": "JJG 952-2014 5.2",
}
REQUEST = {
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


def _forget_versions():
    for v in ruledata.versions()[2:]:
        ruledata.uninstall(v)


def _office_bundle(world, name="o.zip"):
    office = world["office"]
    rd.override(
        office.store, {"version": "hf-2027-1", "overrides": [PD]}, "JJG 952 p. 3", office.identity
    )
    _forget_versions()  # the laptop is another computer: it starts from the built-in data
    return export_bundle(office.store, office.identity, world["dir"] / name, direction="office")


def test_office_value_reaches_the_laptop_and_its_evaluations(world):
    lap = world["laptop"]
    assert any("[pd]" in w for w in evaluate(REQUEST)["warnings"])
    o = _office_bundle(world)
    assert o.counts["rule_data"] == 1
    report = import_bundle(lap.store, o.path)
    assert report.status == "imported", report.message()
    (row,) = list_versions(lap.store.conn)
    assert (
        row.version == "hf-2027-1" and row.source == "bundle" and row.created_by == "County Office"
    )
    result = evaluate(REQUEST)
    assert result["rule_data"] == "hf-2027-1" and result["verdict"] == "pass"
    assert not any("[pd]" in w for w in result.get("warnings", []))
    # the same bundle again changes nothing; a second version supersedes on the laptop
    assert import_bundle(lap.store, o.path).status == "already_imported"
    office = world["office"]
    from inspector_app.store.rule_data import load_installed

    load_installed(office.store)
    asym = {"family": "pd_meter", "ruleset": "JJG 952-2014", "key": "asymmetry", "data": "0.4"}
    rd.override(office.store, {"version": "hf-2027-2", "overrides": [asym]}, "5.3", office.identity)
    _forget_versions()
    o2 = export_bundle(office.store, office.identity, world["dir"] / "o2.zip", direction="office")
    assert import_bundle(lap.store, o2.path).status == "imported"
    assert [r.version for r in list_versions(lap.store.conn)] == ["hf-2027-1", "hf-2027-2"]
    assert evaluate(REQUEST)["rule_data"] == "hf-2027-2"


def test_a_version_signed_by_an_inspector_key_is_refused_naming_why(world):
    lap, lap2, office = world["laptop"], world["laptop2"], world["office"]
    o = _office_bundle(world)
    items = read_entries(o.path)
    name = "records/rule_data.jsonl"
    (v,) = lines(items, name)
    # laptop 2's inspector signs a version of their own (valid signature, wrong key)
    forged = rd.signed_payload(
        "mine",
        "builtin-2",
        {**v["values"], "version": "mine"},
        "Inspector Two",
        v["created_at"],
        "x",
    )
    import base64

    v2 = {
        **v,
        "version": "mine",
        "values": {**v["values"], "version": "mine"},
        "created_by": "Inspector Two",
        "reason": "x",
        "signature": f"v1:{lap2.identity.fingerprint}:"
        + base64.b64encode(lap2.identity.sign(forged)).decode(),
        "signer_cert": lap2.identity.certificate_pem().decode(),
    }
    lap.trust(lap2)  # trusted, but as an inspector
    bad = write_zip(world["dir"] / "bad.zip", resign(set_lines(items, name, [v2]), office.identity))
    before = lap.store.fingerprint()
    report = import_bundle(lap.store, bad)
    assert report.status == "rejected"
    msg = report.message()
    assert "rule_data.signature" in msg and "trusted as an inspector, not as an office key" in msg
    assert lap.store.fingerprint() == before and list_versions(lap.store.conn) == []
    # changed values under the office's signature do not verify
    tampered = {**v, "reason": "something else"}
    bad2 = write_zip(
        world["dir"] / "bad2.zip", resign(set_lines(items, name, [tampered]), office.identity)
    )
    report = import_bundle(lap.store, bad2)
    assert report.status == "rejected"
    assert "does not match the version's values and reason" in report.message()


def test_an_office_key_not_trusted_as_office_is_refused(world, tmp_path):
    lap, office = world["laptop"], world["office"]
    o = _office_bundle(world)
    # the laptop trusts the office key only as an inspector key: bundles open, rule data not
    lap.store.trust.remove(office.identity.fingerprint)
    lap.trust(office, "inspector")
    report = import_bundle(lap.store, o.path)
    assert report.status == "rejected"
    assert "not as an office key" in report.message()
    assert evaluate(REQUEST)["rule_data"] == "builtin-2"
