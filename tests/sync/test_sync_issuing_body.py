"""The issuing body set at the office (Settings) travels to laptops in office bundles, so
their certificates name it; a bundle with a malformed body is refused, naming the field."""

from __future__ import annotations

from sync_world import lines, read_entries, resign, set_lines, write_zip

from inspector_app.domain.issuing_body import IssuingBody
from inspector_app.services.certificates import issuing_body, save_issuing_body
from inspector_app.services.demo import generate
from inspector_app.services.sync import assign_premises, export_bundle, import_bundle

BODY = IssuingBody(
    name_zh="合肥市计量测试研究院",
    name_en="Hefei Institute of Metrology and Testing",
    address="安徽省合肥市包河区花园大道 88 号",
    postcode="230051",
    phone="0551-63350000",
    authorisation_no="（皖）法计（2024）01001号",
    authorised=True,
    cert_prefix="HF",
    minus_one_day=False,
)


def _office_bundle(world):
    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=2, inspections=3, seed=7)
    b = export_bundle(lap.store, lap.identity, world["dir"] / "b.zip")
    assert import_bundle(office.store, b.path).status == "imported"
    save_issuing_body(office.store, BODY, "supervisor")
    prem = office.store.premises.list(limit=1)[0]
    assign_premises(office.store, prem.id, "王检", "", "supervisor")
    return export_bundle(office.store, office.identity, world["dir"] / "o.zip", direction="office")


def test_office_bundle_carries_the_issuing_body_to_the_laptop(world):
    lap = world["laptop"]
    assert not issuing_body(lap.store).authorised
    o = _office_bundle(world)
    assert o.counts["issuing_bodies"] == 1
    report = import_bundle(lap.store, o.path)
    assert report.status == "imported", report.message()
    got = issuing_body(lap.store)
    assert got.authorised and got.name_zh == BODY.name_zh and got.address == BODY.address
    assert got.authorisation_no == BODY.authorisation_no and got.minus_one_day is False


def test_a_malformed_issuing_body_is_refused_naming_the_field(world):
    lap, office = world["laptop"], world["office"]
    o = _office_bundle(world)
    items = read_entries(o.path)
    name = "records/issuing_bodies.jsonl"
    body = lines(items, name)[0]
    body["authorised"] = "yes"
    bad = write_zip(
        world["dir"] / "bad.zip", resign(set_lines(items, name, [body]), office.identity)
    )
    report = import_bundle(lap.store, bad)
    assert report.status != "imported"
    assert "issuing_body.authorised" in report.message()
    assert not issuing_body(lap.store).authorised  # nothing changed
