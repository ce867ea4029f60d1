import dataclasses

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.models import Finding, Instrument, Premises, new_id
from inspector_app.domain.text import clean_text
from inspector_app.domain.validation import validate_finding, validate_instrument, validate_premises


def premises(**kw):
    base = Premises(new_id(), "market_stall", "李娜水果摊", "9144030071526726XG")
    return dataclasses.replace(base, **kw)


def scale(**metrology):
    m = {"max": "15000", "e": "5", "unit": "g"}
    m.update(metrology)
    return Instrument(new_id(), new_id(), "scale", accuracy_class="III", metrology=m)


def test_valid_premises_are_cleaned():
    p = validate_premises(premises(name="  李娜水果摊 ", latitude="31.82", longitude=117.23))
    assert p.name == "李娜水果摊" and p.latitude == "31.82" and p.longitude == "117.23"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"name": ""}, "premises.name"),
        ({"name": "x" * 10_000}, "premises.name"),
        ({"name": "bad\ud800name"}, "premises.name"),
        ({"name": "tab\x07bell"}, "premises.name"),
        ({"credit_code": "9144030071526726XH"}, "premises.credit_code"),
        ({"kind": "casino"}, "premises.kind"),
        ({"latitude": "NaN"}, "premises.latitude"),
        ({"latitude": "91"}, "premises.latitude"),
    ],
)
def test_bad_premises_fields_are_named(change, path):
    with pytest.raises(InputError) as info:
        validate_premises(premises(**change))
    assert info.value.path == path


@pytest.mark.parametrize(
    ("metrology", "cls", "path"),
    [
        ({"max": "-15000"}, "III", "instrument.max"),
        ({"max": "NaN"}, "III", "instrument.max"),
        ({"e": "Infinity"}, "III", "instrument.e"),
        ({"e": "0"}, "III", "instrument.e"),
        ({"e": "20000"}, "III", "instrument.e"),
        ({"min": "20000"}, "III", "instrument.min"),
        ({"unit": "lb"}, "III", "instrument.unit"),
        ({}, "V", "instrument.accuracy_class"),
        ({"ranges": [{"max": "6000", "e": "abc"}]}, "III", "instrument.ranges[0].e"),
        ({"max": "1E+999999999"}, "III", "instrument.max"),
        ({"e": "-1e+99999999999"}, "III", "instrument.e"),
        ({"max": "15000²"}, "III", "instrument.max"),
    ],
)
def test_bad_nameplate_is_refused(metrology, cls, path):
    ins = scale(**metrology)
    ins.accuracy_class = cls
    with pytest.raises(InputError) as info:
        validate_instrument(ins)
    assert info.value.path == path


def test_missing_scale_capacity():
    ins = Instrument(new_id(), new_id(), "scale", accuracy_class="III", metrology={"e": "5"})
    with pytest.raises(InputError, match="required"):
        validate_instrument(ins)


def test_fuel_dispenser_flow_order():
    ins = Instrument(
        new_id(),
        new_id(),
        "fuel_dispenser",
        metrology={"qmax": "5", "qmin": "50", "fuel": "diesel"},
    )
    with pytest.raises(InputError) as info:
        validate_instrument(ins)
    assert info.value.path == "instrument.qmin"


def test_finding_requires_text():
    with pytest.raises(InputError) as info:
        validate_finding(Finding(new_id(), "seal_broken", "   "), "findings[0]")
    assert info.value.path == "findings[0].text"


def test_clean_text_limits():
    assert clean_text("a\nb", "notes", multiline=True) == "a\nb"
    with pytest.raises(InputError):
        clean_text("a\nb", "name")
    with pytest.raises(InputError):
        clean_text(42, "name")


def test_full_width_nameplate_numbers_are_stored_in_ascii():
    ins = validate_instrument(scale(max="１５０００", e="５", min="１００"))
    assert ins.metrology["max"] == "15000" and ins.metrology["e"] == "5"
    assert ins.metrology["min"] == "100"
    # text fields are never altered: full-width letters in a model name stay as typed
    named = validate_instrument(dataclasses.replace(scale(), model="ＡＣＳ－１５"))
    assert named.model == "ＡＣＳ－１５"
