"""Editions chosen by the inspection date, rule data versions (office overrides), and a
clause for every rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import (
    edition_for,
    evaluate,
    has_clause,
    list_rulesets,
    mpe_envelope,
    ruledata,
)
from inspector_app.domain.rules.core import Band, Confidence, InForce

III_15KG = {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"}
PRICE = {**III_15KG, "price_computing": True}


@pytest.mark.parametrize(
    "family, date, instrument, expected",
    [
        ("fuel_dispenser", "2024-04-30", {}, "JJG 443-2015"),
        ("fuel_dispenser", "2024-05-01", {}, "JJG 443-2023"),
        ("fuel_dispenser", "2014-12-31", {}, "JJG 443-2006"),
        ("refractometer", "2022-12-27", {}, "JJG 892-2011"),
        ("refractometer", "2022-12-28", {}, "JJG 892-2022"),
        ("trial_lens_set", "2025-08-07", {}, "JJG 579-2010"),
        ("trial_lens_set", "2025-08-08", {}, "JJG 579-2025"),
        ("scale", "2027-01-07", PRICE, "JJG 539-2016"),
        ("scale", "2027-01-08", PRICE, "JJG 1204-2025"),
        ("scale", "2027-01-08", III_15KG, "JJG 539-2016"),  # not a price scale
        ("scale", "2027-01-08", {**PRICE, "max": "150", "unit": "kg", "e": "0.05"}, "JJG 539-2016"),
        ("scale", "2027-01-08", {**PRICE, "accuracy_class": "II", "e": "0.1"}, "JJG 539-2016"),
        ("scale", "2030-01-07", {**PRICE, "networked": True}, "JJG 539-2016"),
        ("scale", "2030-01-08", {**PRICE, "networked": True}, "JJG 1204-2025"),
        ("pd_meter", "2026-12-04T10:30+08:00", {}, "JJG 952-2014"),
    ],
)
def test_edition_in_force_on_the_date(family, date, instrument, expected):
    assert edition_for(family, date, instrument) == expected


def test_evaluate_picks_the_edition_by_date():
    """A fuel run with 3 runs spread 0.12 %: under JJG 443-2015 (carried 0.15 %) it passes,
    under JJG 443-2023 (0.10 %) it fails."""
    tests = [{"kind": "volume", "runs": [{"error": "0.10"}, {"error": "0"}, {"error": "-0.02"}]}]
    base = {"family": "fuel_dispenser", "check": "subsequent", "instrument": {}, "tests": tests}
    old = evaluate({**base, "date": "2024-04-30"})
    new = evaluate({**base, "date": "2024-05-01"})
    assert (old["ruleset"], old["verdict"]) == ("JJG 443-2015", "pass")
    assert (new["ruleset"], new["verdict"]) == ("JJG 443-2023", "fail")
    assert any("JJG 443-2015's numbers were not seen" in w for w in old["warnings"])


def test_a_named_edition_not_in_force_on_the_date_warns():
    r = evaluate(
        {
            "family": "fuel_dispenser",
            "ruleset": "JJG 443-2023",
            "check": "initial",
            "instrument": {},
            "date": "2020-06-01",
            "tests": [{"kind": "volume", "runs": [{"error": "0"}]}],
        }
    )
    assert r["ruleset"] == "JJG 443-2023"
    assert any("(JJG 443-2015 was)" in w for w in r["warnings"])
    same = evaluate(
        {
            "family": "fuel_dispenser",
            "ruleset": "OIML R 117-1",
            "check": "initial",
            "instrument": {},
            "date": "2020-06-01",
            "tests": [{"kind": "volume", "runs": [{"error": "0"}]}],
        }
    )
    assert not any("in force" in w for w in same["warnings"])  # a reference: no date


def test_dates_known_only_by_year_and_before_every_edition_warn():
    r = evaluate(
        {
            "family": "fuel_dispenser",
            "check": "initial",
            "instrument": {},
            "date": "2015-03-01",
            "tests": [{"kind": "volume", "runs": [{"error": "0"}]}],
        }
    )
    assert r["ruleset"] == "JJG 443-2015"
    assert any("only the year" in w for w in r["warnings"])
    early = evaluate(
        {
            "family": "fuel_dispenser",
            "check": "initial",
            "instrument": {},
            "date": "1999-01-01",
            "tests": [{"kind": "volume", "runs": [{"error": "0"}]}],
        }
    )
    assert early["ruleset"] == "JJG 443-2006"
    assert any("the earliest known" in w for w in early["warnings"])


def test_family_without_dated_editions_uses_its_default():
    assert edition_for("retail_goods", "2026-01-01") == list_rulesets("retail_goods")[0].name


@pytest.mark.parametrize(
    "date", ["2026-13-01", "yesterday", 20260101, "2026-1-1", "2026-12-04x", ""]
)
def test_bad_dates_are_refused(date):
    with pytest.raises(InputError) as exc:
        evaluate(
            {
                "family": "pd_meter",
                "check": "initial",
                "instrument": {},
                "date": date,
                "tests": [{"kind": "pd", "items": [{"reference": 65, "reading": 65}]}],
            }
        )
    assert exc.value.path == "date"


def test_in_force_describe():
    assert InForce("2024-05-01").describe() == "2024-05-01 – in force"
    assert InForce("2015-01-01", "2024-04-30", start_confirmed=False).describe() == (
        "2015 (day not seen) – 2024-04-30"
    )
    assert InForce(None).describe() == "? – in force"


# ---- clauses ------------------------------------------------------------------------------


def test_every_rule_names_a_clause():
    missing = [
        f"{i.family} / {i.name} [{r.key}]: {r.clause}"
        for i in list_rulesets()
        for r in i.rules
        if not has_clause(r.clause)
    ]
    assert missing == []


@pytest.mark.parametrize(
    "text, ok",
    [
        ("OIML R 76-1 3.5.1", True),
        ("JJG 580-2005 Table 1", True),
        ("EU NAWI Directive Annex I 14", True),
        ("零售商品称重计量监督管理办法 第六条", True),
        ("零售商品称重计量监督管理办法 附表1", True),
        ("JJG 443-2023 §5 计量性能要求", True),
        ("JJG 443-2023 (dispenser volume MPE)", False),
        ("JJG 539-2016 计价", False),
    ],
)
def test_has_clause(text, ok):
    assert has_clause(text) is ok


def test_every_ruleset_of_a_chinese_regulation_has_dates():
    for info in list_rulesets():
        if info.name.startswith("JJG"):
            assert info.in_force is not None and info.in_force.clause, info.name


# ---- rule data versions -------------------------------------------------------------------

PD = {
    "family": "pd_meter",
    "check": "initial",
    "instrument": {},
    "tests": [{"kind": "pd", "items": [{"reference": 65, "reading": "65.6"}]}],
}


@pytest.fixture
def office():
    data = ruledata.parse(
        {
            "version": "office-2026-12-01",
            "note": "JJG 952 read at the bureau",
            "overrides": [
                {
                    "family": "pd_meter",
                    "ruleset": "JJG 952",
                    "key": "pd",
                    "data": "0.5",
                    "clause": "JJG 952-2014 5.2",
                    "source": "JJG 952-2014 p. 3",
                },
                {
                    "family": "focimeter",
                    "ruleset": "JJG 580-2005",
                    "key": "vertex_power",
                    "data": [["5", "0.06"], ["10", "0.1"], [None, "0.25"]],
                },
                {
                    "family": "focimeter",
                    "ruleset": "JJG 580-2005",
                    "key": "zero",
                    "data": {"0.01": "0.02"},
                    "confidence": "secondary",
                },
            ],
        }
    )
    ruledata.install(data)
    yield data
    ruledata.uninstall(data.version)


def test_results_name_the_builtin_rule_data():
    assert evaluate(PD)["rule_data"] == "builtin-2"
    assert "rule_data" not in evaluate({**PD, "rule_data": "builtin-1"})


def test_an_override_replaces_the_number_and_removes_the_warning(office):
    """Office value 0.5 mm: a reading 0.6 mm off fails, the clause is the published one,
    and the placeholder warning is gone."""
    r = evaluate(PD)
    it = r["tests"][0]["items"][0]
    assert (it["mpe"], it["verdict"], it["rule"]) == ("0.5", "fail", "JJG 952-2014 5.2")
    assert r["rule_data"] == "office-2026-12-01"
    assert not any("[pd]" in w for w in r["warnings"])
    # the built-in version stays available for records judged with it
    b = evaluate({**PD, "rule_data": "builtin-2"})
    assert (b["tests"][0]["items"][0]["verdict"], b["rule_data"]) == ("pass", "builtin-2")
    # band tables and mappings keep their shape; unchanged keys of a mapping stay built-in
    env = mpe_envelope("focimeter", None, "initial", {}, ["8"])
    assert env == [(Decimal(8), Decimal("0.1"))]
    zero = next(r for r in list_rulesets("focimeter")[0].rules if r.key == "zero")
    assert zero.data == {"0.01": Decimal("0.02"), "other": Decimal("0.03")}
    assert zero.confidence is Confidence.SECONDARY
    assert ruledata.active().version == "office-2026-12-01"
    assert "office-2026-12-01" in ruledata.versions()
    assert ruledata.active().overridden("pd_meter", "JJG 952-2014") == ("pd",)


def test_rule_data_round_trips_through_json(office):
    again = ruledata.parse(ruledata.to_json(office))
    assert again == office
    newer = ruledata.with_override(
        office,
        ruledata.Override("pd_meter", "JJG 952-2014", "pd", Decimal("0.4")),
        "office-2026-12-02",
    )
    assert [o.data for o in newer.overrides if o.key == "pd"] == [Decimal("0.4")]
    assert len(newer.overrides) == 3


def test_unknown_rule_data_version_is_refused():
    with pytest.raises(InputError) as exc:
        evaluate({**PD, "rule_data": "office-1999"})
    assert exc.value.path == "rule_data"


@pytest.mark.parametrize(
    "raw, path",
    [
        ({"version": "", "overrides": []}, "version"),
        ({"version": "builtin-2", "overrides": []}, "version"),
        ({"version": "v", "overrides": [{"family": "x"}]}, "overrides[0].family"),
        (
            {"version": "v", "overrides": [{"family": "pd_meter", "ruleset": "JJG 1"}]},
            "overrides[0].ruleset",
        ),
        (
            {
                "version": "v",
                "overrides": [{"family": "pd_meter", "ruleset": "JJG 952-2014", "key": "k"}],
            },
            "overrides[0].key",
        ),
        (
            {
                "version": "v",
                "overrides": [{"family": "pd_meter", "ruleset": "JJG 952-2014", "key": "pd"}],
            },
            "overrides[0].data",
        ),
        (
            {
                "version": "v",
                "overrides": [
                    {"family": "pd_meter", "ruleset": "JJG 952-2014", "key": "pd", "data": "1"},
                    {"family": "pd_meter", "ruleset": "JJG 952", "key": "pd", "data": "1"},
                ],
            },
            "overrides[1]",
        ),
        (
            {
                "version": "v",
                "overrides": [
                    {"family": "scale", "ruleset": "JJG 539-2016", "key": "classes", "data": 1}
                ],
            },
            "overrides[0].data",
        ),
        (
            {
                "version": "v",
                "overrides": [
                    {"family": "focimeter", "ruleset": "JJG 580-2005", "key": "prism", "data": "x"}
                ],
            },
            "overrides[0].data",
        ),
        (
            {
                "version": "v",
                "overrides": [
                    {
                        "family": "focimeter",
                        "ruleset": "JJG 580-2005",
                        "key": "prism",
                        "data": [["5"]],
                    }
                ],
            },
            "overrides[0].data[0]",
        ),
        (
            {
                "version": "v",
                "overrides": [
                    {
                        "family": "focimeter",
                        "ruleset": "JJG 580-2005",
                        "key": "prism",
                        "data": [[None, "1"], ["5", "2"]],
                    }
                ],
            },
            "overrides[0].data[1]",
        ),
    ],
)
def test_bad_overrides_name_their_field(raw, path):
    with pytest.raises(InputError) as exc:
        ruledata.parse(raw)
    assert exc.value.path == path


def test_reserved_versions_cannot_be_installed():
    with pytest.raises(InputError):
        ruledata.install(ruledata.RuleData("builtin-1"))


def test_encode_and_overridable():
    assert ruledata.encode((Band(Decimal(5), Decimal("0.1")), Band(None, Decimal(1)))) == [
        ["5", "0.1"],
        [None, "1"],
    ]
    assert ruledata.encode({"a": [Decimal(1)]}) == {"a": ["1"]}
    assert ruledata.encode("x") == "x"
    assert not ruledata.overridable(None)
    assert not ruledata.overridable({})
    assert ruledata.get("nope") is None


def test_rule_data_given_directly_and_legacy_in_service():
    data = ruledata.RuleData(
        "direct",
        (ruledata.Override("pd_meter", "JJG 952-2014", "pd", Decimal("0.5")),),
    )
    assert evaluate(PD, rule_data=data)["tests"][0]["items"][0]["verdict"] == "fail"
    fuel = {
        "family": "fuel_dispenser",
        "check": "in_service",
        "instrument": {},
        "tests": [{"kind": "volume", "runs": [{"error": "0.3"}]}],
    }
    legacy = evaluate({**fuel, "rule_data": "builtin-1"})
    assert not any("[check_in_service]" in w for w in legacy["warnings"])
    assert "rule_data" not in legacy


def test_stage_is_refused_where_the_rule_set_keeps_no_as_found_results():
    with pytest.raises(InputError) as exc:
        evaluate(
            {
                "family": "retail_goods",
                "check": "in_service",
                "instrument": {},
                "tests": [
                    {
                        "kind": "short_weight",
                        "stage": "as_found",
                        "unit_price": "3",
                        "settled_weight": "0.5",
                        "actual_weight": "0.5",
                        "recheck": "high_accuracy",
                    }
                ],
            }
        )
    assert exc.value.path == "tests[0].stage"


def test_edition_for_incomplete_nameplate_data():
    """A new draft may have nameplate data still missing: editions without a scope test
    are chosen by date alone, scales fall back to their default."""
    assert edition_for("scale", "2027-02-01", {}) == "JJG 539-2016"
    assert edition_for("fuel_dispenser", "2020-01-01", {"qmin": "x"}) == "JJG 443-2015"


def test_rejudge_uses_the_stored_rule_data_version():
    """A result stored without rule_data (builtin-1) and one stored under builtin-2 both
    re-judge to exactly themselves, although their clause texts differ."""
    from inspector_app.domain.rules import rejudge

    request = {
        "family": "fuel_dispenser",
        "ruleset": "JJG 443-2023",
        "check": "initial",
        "instrument": {"fuel": "gasoline"},
        "tests": [{"kind": "volume", "runs": [{"error": "0.2"}]}],
    }
    old = evaluate({**request, "rule_data": "builtin-1"})
    new = evaluate(request)
    assert old["tests"][0]["items"][0]["rule"] == "JJG 443-2023 (dispenser volume MPE)"
    assert new["tests"][0]["items"][0]["rule"].startswith("JJG 443-2023 §5")
    assert rejudge(request, old) == old
    assert rejudge(request, new) == new


def test_a_tested_price_computation_makes_a_price_scale():
    """From 2027-01-08 a 15 kg class III scale whose price computation is tested falls
    under JJG 1204-2025 even without the price_computing flag; without a price test it
    stays under JJG 539-2016."""
    price = {"kind": "price", "weight": "1.25", "unit_price": "10", "amount_displayed": "12.50"}
    base = {"family": "scale", "check": "initial", "instrument": III_15KG, "date": "2027-01-08"}
    assert evaluate({**base, "tests": [price]})["ruleset"] == "JJG 1204-2025"
    assert evaluate({**base, "tests": [{"kind": "classification"}]})["ruleset"] == "JJG 539-2016"
