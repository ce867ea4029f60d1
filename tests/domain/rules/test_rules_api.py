"""The public API of inspector_app.domain.rules: evaluate, rule-set metadata, envelopes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain import rules
from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import (
    default_ruleset,
    evaluate,
    family_names,
    list_rulesets,
    mpe_envelope,
    override_rule,
    registry,
)

SCALE = {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"}
FAMILIES = [
    "scale",
    "fuel_dispenser",
    "focimeter",
    "refractometer",
    "trial_lens_set",
    "pd_meter",
    "retail_goods",
    "prepackaged",
]


def request(**changes):
    req = {
        "family": "scale",
        "check": "initial",
        "instrument": SCALE,
        "tests": [{"kind": "weighing", "points": [{"load": 100, "error": 0}]}],
    }
    req.update(changes)
    return {k: v for k, v in req.items() if v is not None}


def test_family_names_follow_the_contract_order():
    assert family_names() == FAMILIES


@pytest.mark.parametrize(
    "family, name",
    [
        ("scale", "JJG 539-2016"),
        ("fuel_dispenser", "JJG 443-2023"),
        ("focimeter", "JJG 580-2005"),
        ("refractometer", "JJG 892-2022"),
        ("trial_lens_set", "JJG 579-2025"),
        ("pd_meter", "JJG 952-2014"),
        ("retail_goods", "零售商品称重计量监督管理办法 2020"),
    ],
)
def test_default_ruleset(family, name):
    assert default_ruleset(family) == name


def test_list_rulesets():
    infos = list_rulesets()
    names = {(i.family, i.name) for i in infos}
    for required in [
        ("scale", "OIML R 76-1:2006"),
        ("fuel_dispenser", "OIML R 117-1"),
        ("fuel_dispenser", "NIST HB 44"),
        ("fuel_dispenser", "JJG 443-2006"),
    ]:
        assert required in names
    fuel = list_rulesets("fuel_dispenser")
    assert fuel[0].default and not any(i.default for i in fuel[1:])
    nist = next(i for i in fuel if i.name == "NIST HB 44")
    assert nist.kinds == ("volume",)
    assert not nist.confirmed
    assert all(r.clause and r.summary for i in infos for r in i.rules)
    with pytest.raises(InputError):
        list_rulesets("taximeter")


def test_every_rule_has_a_confidence_mark():
    marks = {r.confidence.mark for i in list_rulesets() for r in i.rules}
    assert marks == {"✅", "🟡", "❓"}


def test_ruleset_aliases_are_accepted_and_echoed_canonically():
    assert evaluate(request(ruleset="OIML R 76"))["ruleset"] == "OIML R 76-1:2006"
    assert evaluate(request(ruleset="JJG 539"))["ruleset"] == "JJG 539-2016"


def test_numbers_may_be_json_numbers_or_strings():
    a = evaluate(
        request(
            tests=[{"kind": "weighing", "points": [{"load": Decimal("100"), "indication": 102.5}]}]
        )
    )
    b = evaluate(
        request(tests=[{"kind": "weighing", "points": [{"load": "100", "indication": "102.5"}]}])
    )
    assert a == b
    assert a["tests"][0]["items"][0]["error"] == "2.5"


@pytest.mark.parametrize(
    "req, path",
    [
        (request(family="taximeter"), "family"),
        (request(family=None), "family"),
        (request(family=3), "family"),
        (request(ruleset="JJG 539-1997"), "ruleset"),
        (request(ruleset=7), "ruleset"),
        (request(check="annual"), "check"),
        (request(check=None), "check"),
        (request(instrument=[]), "instrument"),
        (request(tests=None), "tests"),
        (request(tests=[]), "tests"),
        (request(tests={}), "tests"),
        (request(tests=["weighing"]), "tests[0]"),
        (request(tests=[{"points": []}]), "tests[0].kind"),
        (request(tests=[{"kind": "volume"}]), "tests[0].kind"),
        ({**request(), "extra": 1}, "extra"),
    ],
)
def test_invalid_requests(req, path):
    with pytest.raises(InputError) as exc:
        evaluate(req)
    assert exc.value.path == path
    assert exc.value.message


def test_request_must_be_an_object():
    with pytest.raises(InputError) as exc:
        evaluate([])  # type: ignore[arg-type]
    assert exc.value.path == ""


def test_instrument_defaults_to_empty_and_extra_nameplate_keys_are_ignored():
    req = {
        "family": "pd_meter",
        "check": "initial",
        "tests": [{"kind": "pd", "items": [{"reference": 65, "reading": 65}]}],
    }
    assert evaluate(req)["verdict"] == "pass"
    assert (
        evaluate(request(instrument={**SCALE, "maker": "友声", "min": "100"}))["verdict"] == "pass"
    )


def test_mpe_envelope_for_scale():
    env = mpe_envelope("scale", None, "in_service", SCALE, [0, "2500", "2505", Decimal("15045")])
    assert env == [
        (Decimal(0), Decimal(5)),
        (Decimal(2500), Decimal(5)),
        (Decimal(2505), Decimal(10)),
        (Decimal(15045), Decimal(15)),
    ]
    with pytest.raises(InputError) as exc:
        mpe_envelope("scale", None, "initial", SCALE, [1, 15046])
    assert exc.value.path == "xs[1]"
    with pytest.raises(InputError) as exc:
        mpe_envelope("scale", None, "initial", SCALE, ["abc"])
    assert exc.value.path == "xs[0]"
    with pytest.raises(InputError) as exc:
        mpe_envelope("scale", None, "initial", {}, [1])
    assert exc.value.path == "instrument.accuracy_class"


@pytest.fixture
def restore_registry():
    saved = dict(registry._FAMILIES)
    yield
    registry._FAMILIES.clear()
    registry._FAMILIES.update(saved)


def test_override_rule_corrects_an_unconfirmed_number(restore_registry):
    override_rule(
        "pd_meter",
        "JJG 952-2014",
        "pd",
        data=Decimal("0.5"),
        confidence=rules.Confidence.CONFIRMED,
        clause="JJG 952-2014 5.2",
    )
    result = evaluate(
        {
            "family": "pd_meter",
            "check": "initial",
            "instrument": {},
            "tests": [{"kind": "pd", "items": [{"reference": 65, "reading": "65.6"}]}],
        }
    )
    assert result["verdict"] == "fail"
    assert result["warnings"] == []
    assert result["tests"][0]["items"][0]["rule"] == "JJG 952-2014 5.2"
    with pytest.raises(InputError):
        override_rule("pd_meter", "JJG 952-2014", "nope", data=1)


def test_override_does_not_leak(restore_registry):
    assert default_ruleset("pd_meter") == "JJG 952-2014"
    result = evaluate(
        {
            "family": "pd_meter",
            "check": "initial",
            "instrument": {},
            "tests": [{"kind": "pd", "items": [{"reference": 65, "reading": "65.6"}]}],
        }
    )
    assert result["verdict"] == "pass"
