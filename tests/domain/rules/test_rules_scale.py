"""Scale rules: JJG 539-2016 and OIML R 76-1:2006."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate
from inspector_app.domain.rules.scale import (
    eccentricity_load,
    is_125,
    minimum_capacity,
    parse_instrument,
)

III_15KG = {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"}
DUAL = {
    "accuracy_class": "III",
    "max": "15",
    "e": "0.005",
    "unit": "kg",
    "ranges": [{"max": "6", "e": "0.002"}, {"max": "15", "e": "0.005"}],
}


def run(tests, instrument=III_15KG, check="initial", ruleset=None):
    req = {"family": "scale", "check": check, "instrument": instrument, "tests": tests}
    if ruleset:
        req["ruleset"] = ruleset
    return evaluate(req)


def one(test, **kw):
    return run([test], **kw)["tests"][0]


def weigh(load, error, **kw):
    return one({"kind": "weighing", "points": [{"load": load, "error": error}]}, **kw)["items"][0]


def test_contract_example_reproduces_exactly():
    result = evaluate(
        {
            "family": "scale",
            "ruleset": "JJG 539-2016",
            "check": "initial",
            "instrument": {"accuracy_class": "III", "max": "30000", "e": "10", "unit": "g"},
            "tests": [{"kind": "weighing", "points": [{"load": "10000", "indication": "10010"}]}],
        }
    )
    assert result == {
        "family": "scale",
        "ruleset": "JJG 539-2016",
        "check": "initial",
        "verdict": "pass",
        "tests": [
            {
                "kind": "weighing",
                "verdict": "pass",
                "items": [
                    {
                        "label": "10000 g",
                        "error": "10",
                        "mpe": "10",
                        "unit": "g",
                        "verdict": "pass",
                        "rule": "JJG 539-2016 / OIML R 76-1 3.5.1",
                        "load": "10000",
                    }
                ],
            }
        ],
        "failed": [],
        "warnings": [],
        "rule_data": "builtin-2",
    }


def test_changeover_worked_example():
    # R 76-1 A.4.4.3: e = 5 g, L = 1000 g, I = 1000 g, ΔL = 1.5 g -> P = 1001 g, E = +1 g
    item = one(
        {"kind": "weighing", "points": [{"load": 1000, "indication": 1000, "added": "1.5"}]}
    )["items"][0]
    assert item["error"] == "1"
    assert item["verdict"] == "pass"


def test_zero_error_is_subtracted_from_every_point():
    # E0 = 0 + 2.5 − 2 = 0.5; E = 1 -> Ec = 0.5
    test = one(
        {
            "kind": "weighing",
            "zero": {"indication": 0, "added": 2},
            "points": [
                {"load": 1000, "indication": 1000, "added": "1.5"},
                {"load": 2000, "error": "3.5"},
            ],
        }
    )
    assert [i["error"] for i in test["items"]] == ["0.5", "3"]
    assert [i["verdict"] for i in test["items"]] == ["pass", "fail"]


def test_zero_with_load_near_zero():
    test = one(
        {
            "kind": "weighing",
            "zero": {"load": 50, "indication": 50, "added": "2.5"},
            "points": [{"load": 1000, "indication": 1001}],
        }
    )
    assert test["items"][0]["error"] == "1"


@pytest.mark.parametrize(
    "load, initial, in_service",
    [
        ("100", "2.5", "5"),
        ("2500", "2.5", "5"),
        ("2505", "5", "10"),
        ("10000", "5", "10"),
        ("10005", "7.5", "15"),
        ("15000", "7.5", "15"),
    ],
)
def test_class_iii_15kg_table(load, initial, in_service):
    # the usual class III scale: Max 15 kg, e = 5 g (OIML R 76-1 Table 6)
    assert weigh(load, 0)["mpe"] == initial
    assert weigh(load, 0, check="subsequent")["mpe"] == initial
    assert weigh(load, 0, check="in_service")["mpe"] == in_service
    assert weigh(load, 0, check="covert")["mpe"] == in_service


@pytest.mark.parametrize(
    "cls, e, edges",
    [
        ("I", "0.001", [("50000", "0.5"), ("200000", "1"), ("300000", "1.5")]),
        ("II", "0.01", [("5000", "0.5"), ("20000", "1"), ("50000", "1.5")]),
        ("III", "5", [("500", "0.5"), ("2000", "1"), ("3000", "1.5")]),
        ("IIII", "50", [("50", "0.5"), ("200", "1"), ("300", "1.5")]),
    ],
)
def test_band_boundaries_are_upper_inclusive(cls, e, edges):
    e = Decimal(e)
    cap = Decimal(edges[-1][0]) * e
    inst = {"accuracy_class": cls, "max": str(cap), "e": str(e), "unit": "g"}
    for m, mpe_e in edges:
        load = Decimal(m) * e
        mpe = Decimal(mpe_e) * e
        on = weigh(str(load), str(mpe), instrument=inst, ruleset="OIML R 76-1:2006")
        assert on["verdict"] == "pass" and Decimal(on["mpe"]) == mpe
        step = e / 10  # changeover resolution 0.1 e
        beyond = weigh(str(load), str(-(mpe + step)), instrument=inst, ruleset="OIML R 76-1:2006")
        assert beyond["verdict"] == "fail"
        # one e above the edge is in the next band
        nxt = weigh(str(load + e), "0", instrument=inst, ruleset="OIML R 76-1:2006")
        assert Decimal(nxt["mpe"]) >= mpe


def test_class_iii_500e_and_501e():
    assert weigh("2500", "0")["mpe"] == "2.5"
    assert weigh("2505", "0")["mpe"] == "5"


def test_multi_interval_reference_example():
    result = run(
        [
            {
                "kind": "weighing",
                "points": [
                    {"load": 4, "error": "0.002"},
                    {"load": 12, "error": "-0.0075"},
                    {"load": 6, "error": 0},
                    {"load": "6.005", "error": 0},
                ],
            }
        ],
        instrument=DUAL,
    )
    items = result["tests"][0]["items"]
    assert [i["mpe"] for i in items] == ["0.002", "0.0075", "0.003", "0.005"]
    assert result["verdict"] == "pass"
    assert any("[multi_interval]" in w for w in result["warnings"])


def test_changeover_uses_the_partial_range_interval():
    # 12 kg is in range 2 (e = 5 g): P = 12 + 0.0025 − 0.001
    item = one(
        {"kind": "weighing", "points": [{"load": 12, "indication": 12, "added": "0.001"}]},
        instrument=DUAL,
    )["items"][0]
    assert item["error"] == "0.0015"


def test_load_limit_is_max_plus_9e():
    assert weigh("15045", "0")["verdict"] == "pass"
    with pytest.raises(InputError) as exc:
        weigh("15046", "0")
    assert exc.value.path == "tests[0].points[0].load"
    assert "Max + 9e" in exc.value.message
    with pytest.raises(InputError):
        weigh("15.046", "0", instrument=DUAL)


def test_in_service_warning_only_when_not_initial():
    assert run([{"kind": "weighing", "points": [{"load": 100, "error": 0}]}])["warnings"] == []
    warnings = run(
        [{"kind": "weighing", "points": [{"load": 100, "error": 0}]}], check="in_service"
    )["warnings"]
    assert len(warnings) == 1 and "[check_in_service]" in warnings[0]
    oiml = run(
        [{"kind": "weighing", "points": [{"load": 100, "error": 0}]}],
        check="in_service",
        ruleset="OIML R 76-1:2006",
    )
    assert oiml["warnings"] == []
    assert oiml["tests"][0]["items"][0]["rule"] == "OIML R 76-1 3.5.2"


def test_failed_lists_labels_and_verdict():
    result = run(
        [{"kind": "weighing", "points": [{"load": 1000, "error": 3}, {"load": 2000, "error": 1}]}]
    )
    assert result["verdict"] == "fail"
    assert result["failed"] == ["1000 g"]
    assert result["tests"][0]["verdict"] == "fail"


# ---- classification -----------------------------------------------------------------------


def test_classification_15kg_5g():
    test = one({"kind": "classification"})
    assert (test["n"], test["min"], test["class_valid"]) == ("3000", "100", True)
    assert all(i["error"] is None and i["mpe"] is None for i in test["items"])


def test_classification_in_kg_converts_e_to_grams():
    test = one(
        {"kind": "classification"},
        instrument={"accuracy_class": "III", "max": "30", "e": "0.01", "unit": "kg"},
    )
    assert (test["n"], test["min"], test["class_valid"]) == ("3000", "0.2", True)


@pytest.mark.parametrize(
    "inst, valid, minimum",
    [
        ({"accuracy_class": "III", "max": "1000", "e": "0.05"}, False, "1"),  # e below class III
        ({"accuracy_class": "III", "max": "3000", "e": "3"}, False, "60"),  # not 1/2/5 × 10^k
        ({"accuracy_class": "III", "max": "60000", "e": "5"}, False, "100"),  # n = 12000 > 10000
        ({"accuracy_class": "III", "max": "15001", "e": "5"}, False, "100"),  # n not whole
        ({"accuracy_class": "III", "max": "1000", "e": "5"}, False, "100"),  # n = 200 < 500
        ({"accuracy_class": "III", "max": "1000", "e": "1"}, True, "20"),
        ({"accuracy_class": "IIII", "max": "5000", "e": "5"}, True, "50"),
        ({"accuracy_class": "IIII", "max": "50000", "e": "5"}, False, "50"),
        (
            {"accuracy_class": "II", "max": "1000", "e": "0.1"},
            True,
            "5",
        ),  # e ≥ 0.1 g: n ≥ 5000, Min 50 e
        ({"accuracy_class": "II", "max": "220", "e": "0.01"}, True, "0.2"),
        ({"accuracy_class": "I", "max": "220", "e": "0.001"}, True, "0.1"),
    ],
)
def test_classification_table(inst, valid, minimum):
    test = one(
        {"kind": "classification"}, instrument={**inst, "unit": "g"}, ruleset="OIML R 76-1:2006"
    )
    assert test["class_valid"] is valid
    assert test["min"] == minimum


def test_classification_multi_interval():
    test = one({"kind": "classification"}, instrument=DUAL)
    assert test["n_ranges"] == ["3000", "3000"]
    assert test["n"] == "3000"
    assert test["min"] == "0.04"
    assert test["class_valid"] is True
    assert test["items"][0]["label"].startswith("range 1: ")


def test_jjg_539_warns_for_classes_i_and_ii():
    result = run(
        [{"kind": "classification"}],
        instrument={"accuracy_class": "II", "max": "220", "e": "0.01", "unit": "g"},
    )
    assert any("classes III and IIII" in w for w in result["warnings"])


def test_is_125_and_minimum_capacity():
    assert [is_125(Decimal(x)) for x in ("1", "0.2", "50", "5E+3", "3", "25")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert minimum_capacity(parse_instrument(III_15KG, "instrument")) == Decimal(100)


# ---- eccentricity, repeatability, zero, discrimination --------------------------------------


def test_eccentricity_default_load_and_positions():
    test = one(
        {
            "kind": "eccentricity",
            "positions": [
                {"indication": 5000},
                {"indication": 5002},
                {"indication": 5000, "added": "0.5"},
                {"error": "-6"},
            ],
        }
    )
    assert test["load"] == "5000"
    assert [i["label"] for i in test["items"]] == [
        "position 1",
        "position 2",
        "position 3",
        "position 4",
    ]
    assert [i["error"] for i in test["items"]] == ["0", "2", "2", "-6"]
    assert [i["verdict"] for i in test["items"]] == ["pass", "pass", "pass", "fail"]


@pytest.mark.parametrize(
    "inst, load",
    [
        ({}, "5000"),
        ({"max_additive_tare": "3000"}, "6000"),
        ({"support_points": 6}, "3000"),
        ({"max": "10000", "e": "2"}, "3334"),
    ],
)
def test_eccentricity_load(inst, load):
    scale = parse_instrument({**III_15KG, **inst}, "instrument")
    assert eccentricity_load(scale) == Decimal(load)


def test_eccentricity_explicit_load_and_zero():
    test = one(
        {
            "kind": "eccentricity",
            "load": 3000,
            "zero": {"indication": 0, "added": "2.5"},
            "positions": [{"indication": 3001}],
        }
    )
    assert test["load"] == "3000"
    assert test["items"][0]["error"] == "1"


def test_repeatability_range_fails_while_each_passes():
    test = one({"kind": "repeatability", "load": 10000, "indications": [10005, 9999, 10000]})
    assert test["range"] == "6"
    assert test["load"] == "10000"
    assert [i["verdict"] for i in test["items"]] == ["pass", "pass", "pass", "fail"]
    assert test["items"][-1]["label"] == "10000 g range"
    assert test["items"][-1]["rule"] == "JJG 539-2016 / OIML R 76-1 3.6.1"


def test_repeatability_errors_and_boundary():
    test = one({"kind": "repeatability", "load": 10000, "errors": [5, 0, "-0"]})
    assert test["range"] == "5" and test["verdict"] == "pass"


@pytest.mark.parametrize("fields", [{}, {"indications": [1, 2], "errors": [1, 2]}])
def test_repeatability_needs_one_list(fields):
    with pytest.raises(InputError) as exc:
        one({"kind": "repeatability", "load": 1000, **fields})
    assert exc.value.path == "tests[0].indications"


def test_repeatability_needs_two_weighings():
    with pytest.raises(InputError) as exc:
        one({"kind": "repeatability", "load": 1000, "errors": [1]})
    assert exc.value.path == "tests[0].errors"


@pytest.mark.parametrize(
    "added, error, verdict", [("2.5", "0", "pass"), ("1.25", "1.25", "pass"), ("1", "1.5", "fail")]
)
def test_zero_setting_accuracy(added, error, verdict):
    result = run([{"kind": "zero", "indication": 0, "added": added}])
    item = result["tests"][0]["items"][0]
    assert (item["error"], item["mpe"], item["verdict"]) == (error, "1.25", verdict)
    assert any("[zero_accuracy]" in w for w in result["warnings"])


@pytest.mark.parametrize("after, verdict", [("7505", "pass"), ("7510", "pass"), ("7500", "fail")])
def test_discrimination(after, verdict):
    test = one(
        {
            "kind": "discrimination",
            "load": 7500,
            "indication_before": 7500,
            "extra_load": 7,
            "indication_after": after,
        }
    )
    item = test["items"][0]
    assert item["verdict"] == verdict
    assert item["required_rise"] == "5" and item["mpe"] is None
    assert test["load"] == "7500"


def test_discrimination_refuses_more_than_1_4_d():
    with pytest.raises(InputError) as exc:
        one(
            {
                "kind": "discrimination",
                "load": 7500,
                "indication_before": 7500,
                "extra_load": "7.5",
                "indication_after": 7505,
            }
        )
    assert exc.value.path == "tests[0].extra_load"


def test_discrimination_uses_d_and_partial_range():
    inst = {**III_15KG, "d": "1"}
    item = one(
        {
            "kind": "discrimination",
            "load": 100,
            "indication_before": 100,
            "extra_load": "1.4",
            "indication_after": 101,
        },
        instrument=inst,
    )["items"][0]
    assert item["required_rise"] == "1"
    item = one(
        {
            "kind": "discrimination",
            "load": 1,
            "indication_before": 1,
            "extra_load": "0.0028",
            "indication_after": "1.002",
        },
        instrument=DUAL,
    )["items"][0]
    assert item["required_rise"] == "0.002" and item["verdict"] == "pass"


# ---- price -----------------------------------------------------------------------------------


def price(**fields):
    return run([{"kind": "price", **fields}])


def test_price_rounds_half_up_and_warns_on_exact_half():
    # float trap: 2.675 → 2.68 (a binary float would give 2.67)
    result = price(weight="2.675", unit_price="1", amount_displayed="2.68")
    assert result["tests"][0]["expected_amount"] == "2.68"
    assert result["verdict"] == "pass"
    assert any("[price_half]" in w for w in result["warnings"])
    assert any("[price]" in w for w in result["warnings"])


def test_price_without_half_warns_only_on_the_price_rule():
    result = price(weight="1.234", unit_price="12.4", amount_displayed="15.30")
    assert result["tests"][0]["expected_amount"] == "15.3"
    assert [w for w in result["warnings"] if "[price_half]" in w] == []
    assert len(result["warnings"]) == 1


def test_price_display_mismatch_fails():
    result = price(weight="1.234", unit_price="12.4", amount_displayed="15.29")
    item = result["tests"][0]["items"][0]
    assert (item["error"], item["verdict"], item["mpe"], item["unit"]) == (
        "-0.01",
        "fail",
        None,
        "yuan",
    )
    assert result["failed"] == ["amount displayed"]


def test_price_charge_equal_to_display_passes():
    result = price(
        weight="1.234", unit_price="12.5", amount_displayed="15.43", amount_charged="15.43"
    )
    assert result["verdict"] == "pass"
    assert [i["label"] for i in result["tests"][0]["items"]] == [
        "amount displayed",
        "amount charged",
        "unit price ÷100",
    ]


def test_price_unit_price_divided_by_100():
    # 10.00 entered as 0.10: 1.25 kg → 0.125 → 0.13 displayed, 13 yuan charged
    result = price(weight="1.25", unit_price="0.10", amount_displayed="0.13", amount_charged="13")
    assert result["failed"] == ["amount charged", "unit price ÷100"]
    assert any("implausibly low" in w for w in result["warnings"])
    assert any("[unit_price_divided]" in w for w in result["warnings"])


def test_price_other_overcharge_is_not_the_divided_trick():
    result = price(weight="1.25", unit_price="10", amount_displayed="12.50", amount_charged="13")
    assert result["failed"] == ["amount charged"]
    assert not any("[unit_price_divided]" in w for w in result["warnings"])


def test_price_under_oiml_is_unconfirmed():
    result = run(
        [{"kind": "price", "weight": 1, "unit_price": 2, "amount_displayed": 2}],
        ruleset="OIML R 76-1",
    )
    assert result["ruleset"] == "OIML R 76-1:2006"
    assert result["tests"][0]["items"][0]["rule"] == "OIML R 76-1 4.14.3"


# ---- invalid input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inst, path",
    [
        ({**III_15KG, "max": "-15000"}, "instrument.max"),
        ({**III_15KG, "e": "0"}, "instrument.e"),
        ({**III_15KG, "d": "10"}, "instrument.d"),
        ({**III_15KG, "unit": "lb"}, "instrument.unit"),
        ({**III_15KG, "accuracy_class": "V"}, "instrument.accuracy_class"),
        ({k: v for k, v in III_15KG.items() if k != "max"}, "instrument.max"),
        ({**III_15KG, "max": "NaN"}, "instrument.max"),
        ({**III_15KG, "max": "abc"}, "instrument.max"),
        ({**III_15KG, "support_points": "2.5"}, "instrument.support_points"),
        ({**III_15KG, "support_points": 0}, "instrument.support_points"),
        ({**III_15KG, "max_additive_tare": -1}, "instrument.max_additive_tare"),
        ({**DUAL, "ranges": [{"max": "15", "e": "0.005"}]}, "instrument.ranges"),
        (
            {**DUAL, "ranges": [{"max": "6", "e": "0.005"}, {"max": "15", "e": "0.002"}]},
            "instrument.ranges[1]",
        ),
        (
            {**DUAL, "ranges": [{"max": "6", "e": "0.002"}, {"max": "12", "e": "0.005"}]},
            "instrument.ranges",
        ),
        (
            {**DUAL, "ranges": [{"max": "6", "e": "0.002", "d": 1}, {"max": "15", "e": "0.005"}]},
            "instrument.ranges[0].d",
        ),
        ({**DUAL, "ranges": "6/15"}, "instrument.ranges"),
        ({**DUAL, "ranges": [1, 2]}, "instrument.ranges[0]"),
    ],
)
def test_invalid_instrument(inst, path):
    with pytest.raises(InputError) as exc:
        run([{"kind": "classification"}], instrument=inst)
    assert exc.value.path == path


@pytest.mark.parametrize(
    "test, path",
    [
        ({"kind": "weighing"}, "tests[0].points"),
        ({"kind": "weighing", "points": []}, "tests[0].points"),
        ({"kind": "weighing", "points": {}}, "tests[0].points"),
        ({"kind": "weighing", "points": [{"indication": 1}]}, "tests[0].points[0].load"),
        (
            {"kind": "weighing", "points": [{"load": -1, "indication": 1}]},
            "tests[0].points[0].load",
        ),
        ({"kind": "weighing", "points": [{"load": 1}]}, "tests[0].points[0].indication"),
        (
            {"kind": "weighing", "points": [{"load": 1, "indication": "x"}]},
            "tests[0].points[0].indication",
        ),
        (
            {"kind": "weighing", "points": [{"load": 1, "indication": 1, "error": 0}]},
            "tests[0].points[0].error",
        ),
        (
            {"kind": "weighing", "points": [{"load": 1, "indicaton": 1}]},
            "tests[0].points[0].indicaton",
        ),
        (
            {"kind": "weighing", "points": [{"load": 1, "indication": 1, "added": -1}]},
            "tests[0].points[0].added",
        ),
        (
            {"kind": "weighing", "points": [{"load": 1, "error": 0}], "zero": {"indication": 0}},
            "tests[0].zero.added",
        ),
        ({"kind": "weighing", "points": [{"load": 1, "error": 0}], "zero": 5}, "tests[0].zero"),
        ({"kind": "weighing", "points": [{"load": 1, "error": 0}], "extra": 5}, "tests[0].extra"),
        ({"kind": "classification", "load": 5}, "tests[0].load"),
        ({"kind": "price", "weight": 1, "unit_price": 1}, "tests[0].amount_displayed"),
        (
            {"kind": "price", "weight": -1, "unit_price": 1, "amount_displayed": 1},
            "tests[0].weight",
        ),
        ({"kind": "zero", "indication": 0}, "tests[0].added"),
        (
            {"kind": "eccentricity", "positions": [{"load": 1, "indication": 1}]},
            "tests[0].positions[0].load",
        ),
        (
            {"kind": "eccentricity", "load": 20000, "positions": [{"indication": 1}]},
            "tests[0].load",
        ),
        (
            {"kind": "repeatability", "load": 100, "indications": [1, "inf"]},
            "tests[0].indications[1]",
        ),
    ],
)
def test_invalid_tests(test, path):
    with pytest.raises(InputError) as exc:
        run([test])
    assert exc.value.path == path
