"""Fuel-dispenser rules: JJG 443-2023/2006, OIML R 117-1, NIST HB 44."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, mpe_envelope

CAN = {
    "nominal": "20.00",
    "reference_mark": 66,
    "neck_reading": 31,
    "ml_per_mm": 2,
    "material": "stainless_steel",
}
GASOLINE = {"fuel": "gasoline"}


def run(tests, instrument=GASOLINE, check="initial", ruleset=None):
    req = {"family": "fuel_dispenser", "check": check, "instrument": instrument, "tests": tests}
    if ruleset:
        req["ruleset"] = ruleset
    return evaluate(req)


def volume(runs, **kw):
    return run([{"kind": "volume", "runs": runs}], **kw)


def test_worked_example_fails_at_0_331_percent():
    # a published worked example of the temperature-corrected volume error: V_B = 19.930 L, V_Bt = 19.933986 L, E_V = +0.331 % > 0.30 %
    result = volume([{"indicated": "20.00", "can": CAN, "t_fuel": 24, "t_can": 24}])
    item = result["tests"][0]["items"][0]
    assert item["corrected_volume"] == "19.933986"
    assert item["error"] == "0.331"
    assert (item["mpe"], item["unit"], item["verdict"]) == ("0.3", "%", "fail")
    assert result["verdict"] == "fail" and result["failed"] == ["run 1"]
    assert result["ruleset"] == "JJG 443-2023"
    assert any("[mpe]" in w for w in result["warnings"])
    assert any("[volume_formula]" in w for w in result["warnings"])


def test_float_trap_0_06_over_20_is_exactly_0_30_percent():
    ok = volume([{"indicated": "20.06", "actual": "20", "t_fuel": 20, "t_can": 20}])
    assert ok["tests"][0]["items"][0]["error"] == "0.3"
    assert ok["verdict"] == "pass"
    bad = volume([{"indicated": "20.061", "actual": "20", "t_fuel": 20, "t_can": 20}])
    assert bad["verdict"] == "fail"


def test_displayed_error_never_hides_a_failure():
    # exact error 0.30005 %: three places would show "0.300" next to a fail
    result = volume([{"indicated": "20.060010", "actual": "20", "t_fuel": 20, "t_can": 20}])
    item = result["tests"][0]["items"][0]
    assert item["verdict"] == "fail"
    assert Decimal(item["error"]) > Decimal("0.3")


def test_temperature_correction_by_fuel_and_material():
    # diesel β_Y 9e-4, carbon steel β_B 33e-6: 20 × (1 + 9e-4·2 + 33e-6·(−5)) = 20.03270
    result = volume(
        [
            {
                "indicated": "20",
                "actual": "20",
                "material": "carbon_steel",
                "t_fuel": 17,
                "t_can": 15,
            }
        ],
        instrument={"fuel": "diesel"},
    )
    assert result["tests"][0]["items"][0]["corrected_volume"] == "20.0327"


def test_repeatability_limit_depends_on_the_edition():
    runs = [{"error": "0"}, {"error": "0.12"}, {"error": "0.05"}]
    new = volume(runs)
    old = volume(runs, ruleset="JJG 443-2006")
    assert new["tests"][0]["range"] == "0.12"
    assert new["tests"][0]["items"][-1]["mpe"] == "0.1" and new["verdict"] == "fail"
    assert old["tests"][0]["items"][-1]["mpe"] == "0.15" and old["verdict"] == "pass"


def test_repeatability_exactly_on_the_limit_passes():
    result = volume([{"error": "0.1"}, {"error": "0"}, {"error": "-0.0"}])
    assert result["verdict"] == "pass"
    assert result["failed"] == []


def test_single_run_has_no_repeatability_and_flow_label():
    test = run([{"kind": "volume", "flow": "Q1", "runs": [{"error": "-0.3"}]}])["tests"][0]
    assert test["flow"] == "Q1"
    assert [i["label"] for i in test["items"]] == ["Q1 run 1"]
    assert "range" not in test
    assert test["items"][0]["corrected_volume"] is None


def test_mmq():
    test = run(
        [
            {
                "kind": "mmq",
                "volume": 5,
                "runs": [{"error": "0.5"}, {"error": "0.26"}, {"error": "0.51"}],
            }
        ]
    )["tests"][0]
    assert test["volume"] == "5"
    assert [i["verdict"] for i in test["items"]] == ["pass", "pass", "fail", "pass"]
    assert test["items"][-1]["mpe"] == "0.25"
    assert test["items"][0]["label"] == "MMQ 5 L run 1"


@pytest.mark.parametrize(
    "displayed, verdict", [("236.71", "pass"), ("236.69", "pass"), ("236.72", "fail")]
)
def test_amount(displayed, verdict):
    result = run(
        [{"kind": "amount", "unit_price": "7.89", "volume": "30", "amount_displayed": displayed}]
    )
    test = result["tests"][0]
    assert test["expected_amount"] == "236.7"
    assert test["items"][0]["verdict"] == verdict
    assert test["items"][0]["unit"] == "yuan"


def test_amount_under_2006_is_unconfirmed():
    result = run(
        [{"kind": "amount", "unit_price": "7", "volume": "3", "amount_displayed": "21"}],
        ruleset="JJG 443-2006",
    )
    assert any("[amount]" in w and "not confirmed" in w for w in result["warnings"])


def test_covert_check_same_mpe_with_warning():
    result = volume([{"error": "0.3"}], check="covert")
    assert result["verdict"] == "pass"
    assert any("[check_covert]" in w for w in result["warnings"])
    assert volume([{"error": "0.3"}], check="in_service")["tests"][0]["items"][0]["mpe"] == "0.3"


# ---- OIML R 117-1 ----------------------------------------------------------------------------


def oiml(xs, instrument=None):
    return [
        m
        for _, m in mpe_envelope("fuel_dispenser", "OIML R 117-1", "initial", instrument or {}, xs)
    ]


def test_oiml_class_0_5_line_a_and_small_quantities():
    # ≥ 2 L: 0.5 %; 1–2 L: applied to 2 L; 0.4–1 L: 1 %; 0.2–0.4: 1 % of 0.4 L; 0.1–0.2: 2 %; < 0.1: 2 % of 0.1 L
    assert oiml(["20", "2", "1.5", "1", "0.5", "0.4", "0.3", "0.2", "0.15", "0.1", "0.05"]) == [
        Decimal(x) for x in ("0.5", "0.5", "0.6667", "1", "1", "1", "1.3333", "2", "2", "2", "4")
    ]
    # the percentage is for display only (4 decimals, half up): 0.01 L at 1.5 L = 0.6666…%


def test_oiml_emin():
    # MMQ 5 L: Emin = 2·5·0.5/100 = 0.05 L → 1 % at 5 L, 0.5 % at 10 L (line A wins)
    assert oiml(["5", "10", "20"], {"mmq": 5}) == [Decimal(1), Decimal("0.5"), Decimal("0.5")]
    # MMQ 1 L: Emin = 2 × Table 3 at 1 L = 2 × 0.01 L = 0.02 L → 1 % at 2 L
    assert oiml(["2"], {"mmq": 1}) == [Decimal(1)]


def test_oiml_runs_use_indicated_volume_and_class():
    result = volume(
        [
            {"indicated": "20.1", "actual": "20", "t_fuel": 20, "t_can": 20},
            {"indicated": "20", "actual": "20", "t_fuel": 20, "t_can": 20},
        ],
        instrument={"fuel": "gasoline", "accuracy_class": "1.0"},
        ruleset="OIML R 117-1",
    )
    items = result["tests"][0]["items"]
    # class 1.0 at V_J = 20.1 L: limit 1 % of 20.1 L = 0.201 L, shown relative to V_Bt = 20 L
    assert [i["mpe"] for i in items] == ["1.005", "1", "0.4"]
    assert items[0]["rule"] == "OIML R 117-1 Table 2 (line A)"
    assert not any("[dispenser_class]" in w for w in result["warnings"])


def test_oiml_default_class_warns_and_error_runs_use_line_a():
    result = volume([{"error": "0.5"}], ruleset="OIML R 117-1", instrument={})
    assert result["tests"][0]["items"][0]["mpe"] == "0.5"
    assert any("[dispenser_class]" in w for w in result["warnings"])
    mmq = run(
        [{"kind": "mmq", "volume": "0.5", "runs": [{"error": "1"}]}],
        ruleset="OIML R 117-1",
        instrument={},
    )
    assert mmq["tests"][0]["items"][0]["mpe"] == "1"


def test_oiml_has_no_amount_test():
    with pytest.raises(InputError) as exc:
        run(
            [{"kind": "amount", "unit_price": 1, "volume": 1, "amount_displayed": 1}],
            ruleset="OIML R 117-1",
        )
    assert exc.value.path == "tests[0].kind"


# ---- NIST HB 44 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "check, tol", [("initial", "3"), ("subsequent", "6"), ("in_service", "6"), ("covert", "6")]
)
def test_nist_acceptance_and_maintenance(check, tol):
    on = volume([{"error": tol}], ruleset="NIST HB 44", check=check)
    item = on["tests"][0]["items"][0]
    assert (item["mpe"], item["unit"], item["verdict"]) == (tol, "in³", "pass")
    beyond = volume(
        [{"error": str(-(Decimal(tol) + Decimal("0.01")))}], ruleset="NIST HB 44", check=check
    )
    assert beyond["verdict"] == "fail"


def test_nist_converts_litres_to_cubic_inches():
    five_gallons = Decimal(1155) * Decimal("16.387064") / 1000  # 18.92705892 L
    over = five_gallons + Decimal(3) * Decimal("16.387064") / 1000  # 3 in³ too much shown
    result = volume(
        [
            {"indicated": str(over), "actual": str(five_gallons), "t_fuel": 20, "t_can": 20},
            {
                "indicated": str(five_gallons),
                "actual": str(five_gallons),
                "t_fuel": 20,
                "t_can": 20,
            },
        ],
        ruleset="NIST HB 44",
    )
    items = result["tests"][0]["items"]
    assert items[0]["error"] == "3" and items[0]["verdict"] == "pass"
    assert items[-1]["mpe"] == "2.4" and items[-1]["verdict"] == "fail"
    assert mpe_envelope("fuel_dispenser", "NIST HB 44", "in_service", {}, ["18.9"]) == [
        (Decimal("18.9"), Decimal(6))
    ]


def test_nist_only_volume():
    with pytest.raises(InputError):
        run([{"kind": "mmq", "volume": 5, "runs": [{"error": 0}]}], ruleset="NIST HB 44")


# ---- invalid input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inst, path",
    [
        ({"fuel": "petrol"}, "instrument.fuel"),
        ({"accuracy_class": "0.7"}, "instrument.accuracy_class"),
        ({"qmax": 50, "qmin": 60}, "instrument.qmin"),
        ({"qmax": -50}, "instrument.qmax"),
        ({"mmq": 0}, "instrument.mmq"),
    ],
)
def test_invalid_instrument(inst, path):
    with pytest.raises(InputError) as exc:
        volume([{"error": 0}], instrument=inst)
    assert exc.value.path == path


@pytest.mark.parametrize(
    "run_, path",
    [
        ({"indicated": 20, "t_fuel": 20, "t_can": 20}, "tests[0].runs[0].can"),
        (
            {"indicated": 20, "actual": 20, "can": CAN, "t_fuel": 20, "t_can": 20},
            "tests[0].runs[0].can",
        ),
        ({"indicated": 20, "actual": 20, "t_can": 20}, "tests[0].runs[0].t_fuel"),
        ({"indicated": 0, "actual": 20, "t_fuel": 20, "t_can": 20}, "tests[0].runs[0].indicated"),
        (
            {"indicated": 20, "actual": 20, "material": "glass", "t_fuel": 20, "t_can": 20},
            "tests[0].runs[0].material",
        ),
        (
            {"indicated": 20, "can": {**CAN, "material": "wood"}, "t_fuel": 20, "t_can": 20},
            "tests[0].runs[0].can.material",
        ),
        (
            {"indicated": 20, "can": {**CAN, "neck_reading": -20000}, "t_fuel": 20, "t_can": 20},
            "tests[0].runs[0].can",
        ),
        (
            {"indicated": 20, "can": {**CAN, "volume": 1}, "t_fuel": 20, "t_can": 20},
            "tests[0].runs[0].can.volume",
        ),
        ({"indicated": 20, "can": [], "t_fuel": 20, "t_can": 20}, "tests[0].runs[0].can"),
        ({"error": 0, "indicated": 20}, "tests[0].runs[0].indicated"),
        ({"error": "NaN"}, "tests[0].runs[0].error"),
    ],
)
def test_invalid_runs(run_, path):
    with pytest.raises(InputError) as exc:
        volume([run_])
    assert exc.value.path == path


def test_fuel_required_for_temperature_correction():
    with pytest.raises(InputError) as exc:
        volume([{"indicated": 20, "actual": 20, "t_fuel": 20, "t_can": 20}], instrument={})
    assert exc.value.path == "instrument.fuel"


def test_envelope_needs_positive_volume():
    assert mpe_envelope("fuel_dispenser", None, "initial", {}, [20]) == [
        (Decimal(20), Decimal("0.30"))
    ]
    with pytest.raises(InputError) as exc:
        mpe_envelope("fuel_dispenser", None, "initial", {}, [0])
    assert exc.value.path == "xs[0]"
