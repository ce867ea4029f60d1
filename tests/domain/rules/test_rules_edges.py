"""Hand-computed cases at the edges the engine used to get wrong, and the test items added
with them. Each docstring carries the hand calculation from the regulation's formula."""

from __future__ import annotations

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate

III_15KG = {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"}


def run(family, tests, instrument, check="initial", **extra):
    return evaluate(
        {"family": family, "check": check, "instrument": instrument, "tests": tests, **extra}
    )


def first(result):
    return result["tests"][0]["items"][0]


# ---- OIML R 117-1: the absolute limit is a volume ------------------------------------


def test_oiml_emin_over_delivery_exactly_on_the_limit_passes():
    """Class 0.5, MMQ 5 L: Emin = 2 · 5 L · 0.5/100 = 0.05 L; at V_J = 5.05 L the Table 2
    value is 0.5 % · 5.05 = 0.02525 L, so the limit is 0.05 L. V_Bt = 5.00 L (20 °C, no
    correction): V_J − V_Bt = 0.05 L ≤ 0.05 L → pass. E_V = 0.05/5.00 = 1.000 %, and the
    limit shown relative to V_Bt is 0.05/5.00 = 1 %. (Before: 0.05/5.05 = 0.990 % rounded
    down, and 1.000 % > 0.990 % failed.)"""
    r = run(
        "fuel_dispenser",
        [
            {
                "kind": "volume",
                "runs": [{"indicated": "5.05", "actual": "5.00", "t_fuel": 20, "t_can": 20}],
            }
        ],
        {"fuel": "gasoline", "accuracy_class": "0.5", "mmq": "5"},
        ruleset="OIML R 117-1",
    )
    it = first(r)
    assert (it["error"], it["mpe"], it["verdict"]) == ("1", "1", "pass")
    old = run(
        "fuel_dispenser",
        [
            {
                "kind": "volume",
                "runs": [{"indicated": "5.05", "actual": "5.00", "t_fuel": 20, "t_can": 20}],
            }
        ],
        {"fuel": "gasoline", "accuracy_class": "0.5", "mmq": "5"},
        ruleset="OIML R 117-1",
        rule_data="builtin-1",
    )
    assert first(old)["verdict"] == "fail"  # rule data version 1 re-judges as it judged then


def test_oiml_one_millilitre_past_the_limit_fails():
    """Same instrument, V_J = 5.051 L against 5.000 L: 0.051 L > 0.05 L → fail."""
    r = run(
        "fuel_dispenser",
        [
            {
                "kind": "volume",
                "runs": [{"indicated": "5.051", "actual": "5.000", "t_fuel": 20, "t_can": 20}],
            }
        ],
        {"fuel": "gasoline", "accuracy_class": "0.5", "mmq": "5"},
        ruleset="OIML R 117-1",
    )
    assert first(r)["verdict"] == "fail"


def test_oiml_percent_error_at_a_test_volume_is_compared_as_a_volume():
    """MMQ test at 1 L, class 0.5, no MMQ given: Table 3 (1 ≤ V < 2 L) applies 0.5 % to
    2 L = 0.01 L = 1 % of 1 L. An error of 1 % at 1 L is 0.01 L ≤ 0.01 L → pass;
    1.0001 % fails."""
    tests = [{"kind": "mmq", "volume": "1", "runs": [{"error": "1"}, {"error": "1.0001"}]}]
    r = run("fuel_dispenser", tests, {}, ruleset="OIML R 117-1")
    items = r["tests"][0]["items"]
    assert [i["verdict"] for i in items[:2]] == ["pass", "fail"]
    assert items[0]["mpe"] == "1"


# ---- changeover method with d < e ----------------------------------------------------


def test_changeover_uses_the_displayed_interval_d():
    """Class II, e = 0.1 g, d = 0.01 g, L = 1000 g, I = 1000.08 g, ΔL = 0.004 g:
    P = I + d/2 − ΔL = 1000.08 + 0.005 − 0.004 = 1000.081 g, E = +0.081 g.
    m = 1000/0.1 = 10 000 e, in 5 000 e < m ≤ 20 000 e → MPE 1 e = 0.1 g → pass.
    (With e/2: P = 1000.126, E = 0.126 > 0.1 → fail, as before.)"""
    inst = {"accuracy_class": "II", "max": "2000", "e": "0.1", "d": "0.01", "unit": "g"}
    tests = [
        {
            "kind": "weighing",
            "points": [{"load": "1000", "indication": "1000.08", "added": "0.004"}],
        }
    ]
    it = first(run("scale", tests, inst))
    assert (it["error"], it["mpe"], it["verdict"]) == ("0.081", "0.1", "pass")
    old = first(run("scale", tests, inst, rule_data="builtin-1"))
    assert (old["error"], old["verdict"]) == ("0.126", "fail")


def test_added_weights_above_d_are_refused():
    """e = d = 5 g: the display steps up by 5 g before more than 5 g is added, so ΔL = 7.3 g
    is impossible and refused; ΔL = 5 g exactly is accepted (P = 1000 + 2.5 − 5 = 997.5,
    E = −2.5 g = −0.5 e, MPE at 200 e is 2.5 g → pass)."""
    bad = [{"kind": "weighing", "points": [{"load": "1000", "indication": "1000", "added": "7.3"}]}]
    with pytest.raises(InputError) as exc:
        run("scale", bad, III_15KG)
    assert exc.value.path == "tests[0].points[0].added"
    ok = [{"kind": "weighing", "points": [{"load": "1000", "indication": "1000", "added": "5"}]}]
    it = first(run("scale", ok, III_15KG))
    assert (it["error"], it["verdict"]) == ("-2.5", "pass")
    # records judged before the check re-judge unchanged under builtin-1
    assert first(run("scale", bad, III_15KG, rule_data="builtin-1"))["error"] == "-4.8"


def test_zero_setting_at_a_near_zero_load():
    """E0 at L0 = 10 e = 50 g: I0 = 50 g, ΔL0 = 1.25 g → E0 = 50 + 2.5 − 1.25 − 50 =
    1.25 g = 0.25 e exactly → pass (on the limit); ΔL0 = 1.2 g → E0 = 1.3 g → fail."""
    tests = [
        {"kind": "zero", "load": "50", "indication": "50", "added": "1.25"},
        {"kind": "zero", "load": "50", "indication": "50", "added": "1.2"},
    ]
    r = run("scale", tests, III_15KG)
    assert [(t["items"][0]["error"], t["verdict"]) for t in r["tests"]] == [
        ("1.25", "pass"),
        ("1.3", "fail"),
    ]
    assert r["tests"][0]["items"][0]["mpe"] == "1.25"


def test_zero_load_far_from_zero_warns():
    """L0 = 200 g = 40 e is above 20 e: the result warns that E0 belongs near zero."""
    r = run(
        "scale", [{"kind": "zero", "load": "200", "indication": "200", "added": "2.5"}], III_15KG
    )
    assert any("about 10 e" in w for w in r["warnings"])


def test_weighing_zero_object_at_a_near_zero_load():
    """E0 from {load 50, indication 50, added 2} = 50 + 2.5 − 2 − 50 = 0.5 g; a point at
    1000 g with I = 1002 g: Ec = 2 − 0.5 = 1.5 g ≤ 2.5 g."""
    tests = [
        {
            "kind": "weighing",
            "zero": {"load": "50", "indication": "50", "added": "2"},
            "points": [{"load": "1000", "indication": "1002"}],
        }
    ]
    assert first(run("scale", tests, III_15KG))["error"] == "1.5"


def test_fewer_repeatability_runs_warn():
    """Two weighings where three are asked: a warning, the judgement unchanged."""
    r = run(
        "scale",
        [{"kind": "repeatability", "load": "10000", "indications": ["10000", "10005"]}],
        III_15KG,
    )
    assert any("2 weighings where the procedure asks for 3" in w for w in r["warnings"])
    r3 = run(
        "scale",
        [{"kind": "repeatability", "load": "10000", "indications": ["10000", "10005", "10000"]}],
        III_15KG,
    )
    assert not any("weighings where" in w for w in r3["warnings"])
    assert not any("[repeatability_runs]" in w for w in r3["warnings"])  # no noise when met


def test_fewer_fuel_runs_warn_and_in_service_has_its_own_rule():
    """Two runs at one flow where three are asked → warning. In service the MPE stays
    ±0.30 % (no doubling): 0.30 passes, 0.31 fails, and the in-service rule is named."""
    r = run(
        "fuel_dispenser",
        [{"kind": "volume", "runs": [{"error": "0.30"}, {"error": "0.31"}]}],
        {"fuel": "gasoline"},
        check="in_service",
    )
    items = r["tests"][0]["items"]
    assert [(i["mpe"], i["verdict"]) for i in items[:2]] == [("0.3", "pass"), ("0.3", "fail")]
    assert any("2 runs where the procedure asks for 3" in w for w in r["warnings"])
    assert any("[check_in_service]" in w for w in r["warnings"])


def test_one_refractometer_reading_warns():
    """One reading of a model eye where three are averaged: a warning."""
    r = run(
        "refractometer",
        [{"kind": "sphere", "eyes": [{"nominal": "5", "certified": "5.02", "readings": ["5.00"]}]}],
        {},
    )
    assert any("1 reading(s) of the 5 m⁻¹ model eye" in w for w in r["warnings"])


def test_default_eccentric_load_names_its_rounding_rule():
    """Max 15 kg, T 0, 4 supports: 15000/3 = 5000 g, already a multiple of e; the default
    load is used and the rounding rule (this program's choice) warns."""
    r = run("scale", [{"kind": "eccentricity", "positions": [{"error": "0"}]}], III_15KG)
    assert r["tests"][0]["load"] == "5000"
    assert any("[eccentricity_rounding]" in w for w in r["warnings"])


# ---- scale: unloading, tare ------------------------------------------------------------


def test_unloading_series():
    """Loads going down: 15000 g (3000 e, MPE 7.5 g) error 7.5 → pass; 2500 g (500 e,
    MPE 2.5 g) error 2.6 → fail. Labels carry ↓."""
    tests = [
        {
            "kind": "unloading",
            "points": [
                {"load": "15000", "indication": "15007.5"},
                {"load": "2500", "indication": "2502.6"},
            ],
        }
    ]
    r = run("scale", tests, III_15KG)
    items = r["tests"][0]["items"]
    assert [(i["label"], i["mpe"], i["verdict"]) for i in items] == [
        ("15000 g ↓", "7.5", "pass"),
        ("2500 g ↓", "2.5", "fail"),
    ]
    assert not any("should go from Max down" in w for w in r["warnings"])


def test_unloading_in_the_wrong_order_warns():
    tests = [
        {
            "kind": "unloading",
            "points": [{"load": "100", "error": "0"}, {"load": "200", "error": "0"}],
        }
    ]
    assert any("should go from Max down" in w for w in run("scale", tests, III_15KG)["warnings"])


def test_tare_net_values_are_judged_on_the_net_load():
    """Tare 5000 g, net 2500 g = 500 e → MPE 2.5 g (not the 5 g of the gross 7500 g):
    net indication 2505 → error 5 g → fail; tare-setting E_T = 0 + 2.5 − 1.25 = 1.25 g =
    0.25 e → pass (on the limit)."""
    tests = [
        {
            "kind": "tare",
            "tare_load": "5000",
            "tare_zero": {"indication": "0", "added": "1.25"},
            "points": [
                {"load": "2500", "indication": "2505"},
                {"load": "2500", "indication": "2502.5"},
            ],
        }
    ]
    r = run("scale", tests, III_15KG)
    t = r["tests"][0]
    assert t["tare_load"] == "5000"
    assert [(i["label"], i["error"], i["mpe"], i["verdict"]) for i in t["items"]] == [
        ("tare setting", "1.25", "1.25", "pass"),
        ("2500 g net", "5", "2.5", "fail"),
        ("2500 g net", "2.5", "2.5", "pass"),
    ]


def test_tare_input_errors():
    base = {"kind": "tare", "tare_load": "10000", "points": [{"load": "5100", "error": "0"}]}
    with pytest.raises(InputError) as exc:
        run("scale", [base], III_15KG)
    assert exc.value.path == "tests[0].points[0].load"
    bad_zero = {**base, "points": [{"load": "100", "error": "0"}], "tare_zero": {"indication": "0"}}
    with pytest.raises(InputError) as exc:
        run("scale", [bad_zero], III_15KG)
    assert exc.value.path == "tests[0].tare_zero.added"


def test_tare_on_a_multi_interval_scale_uses_the_range_interval():
    """6/15 kg, e = 2/5 g; tare 10 kg lies in range 2 (e = 5 g): tare-setting limit
    0.25 · 5 = 1.25 g; net 4 kg = 2000 e₁ → MPE 2 g."""
    inst = {
        "accuracy_class": "III",
        "max": "15000",
        "e": "5",
        "unit": "g",
        "ranges": [{"max": "6000", "e": "2"}, {"max": "15000", "e": "5"}],
    }
    tests = [
        {
            "kind": "tare",
            "tare_load": "10000",
            "tare_zero": {"indication": "0", "added": "2.5"},
            "points": [{"load": "4000", "error": "2"}],
        }
    ]
    items = run("scale", tests, inst)["tests"][0]["items"]
    assert [(i["error"], i["mpe"]) for i in items] == [("0", "1.25"), ("2", "2")]


# ---- JJG 1204-2025 security checks --------------------------------------------------------

SECURITY = {
    "kind": "security",
    "type_approval_consistent": True,
    "identity_code": "SD-2027-000123",
    "identity_code_valid": True,
    "software_id": "V1.02",
    "software_id_approved": "V1.02",
    "self_lock": True,
    "production_code_valid": True,
    "repair_code_valid": True,
    "verification_code_valid": True,
    "seal_intact": False,
}
PRICE_SCALE = {**III_15KG, "price_computing": True}


def test_security_checks_under_jjg_1204():
    """Every answer is an item; a broken seal fails 三码一封, so the test fails."""
    r = run("scale", [SECURITY], PRICE_SCALE, ruleset="JJG 1204-2025")
    t = r["tests"][0]
    assert t["identity_code"] == "SD-2027-000123"
    labels = {i["label"]: i["verdict"] for i in t["items"]}
    assert labels["software ID"] == "pass" and labels["seal"] == "fail"
    assert r["failed"] == ["seal"]
    assert "JJG 1204-2025 6.4" in next(i["rule"] for i in t["items"] if i["label"] == "self-lock")
    mismatch = {**SECURITY, "seal_intact": True, "software_id": "V1.03"}
    r2 = run("scale", [mismatch], PRICE_SCALE, ruleset="JJG 1204-2025")
    assert r2["failed"] == ["software ID"]


def test_security_answers_typed_as_text():
    """The editor stores typed text: yes/no and 是/否 are read as true/false."""
    typed = {**SECURITY, "self_lock": "是", "seal_intact": " Yes ", "repair_code_valid": "no"}
    r = run("scale", [typed], PRICE_SCALE, ruleset="JJG 1204-2025")
    assert r["failed"] == ["repair code"]
    with pytest.raises(InputError) as exc:
        run("scale", [{**SECURITY, "self_lock": "maybe"}], PRICE_SCALE, ruleset="JJG 1204-2025")
    assert exc.value.path == "tests[0].self_lock"


def test_security_checks_are_not_applicable_under_jjg_539():
    r = run("scale", [SECURITY], PRICE_SCALE)
    assert r["tests"][0]["verdict"] == "not_applicable"
    assert any("JJG 1204-2025" in w for w in r["warnings"])


@pytest.mark.parametrize(
    "missing, path",
    [("seal_intact", "tests[0].seal_intact"), ("software_id", "tests[0].software_id")],
)
def test_security_missing_answers(missing, path):
    test = {k: v for k, v in SECURITY.items() if k != missing}
    with pytest.raises(InputError) as exc:
        run("scale", [test], PRICE_SCALE, ruleset="JJG 1204-2025")
    assert exc.value.path == path


def test_jjg_1204_inherits_jjg_539_mpe_with_a_warning():
    """The MPE numbers are JJG 539's (at 10 kg = 2000 e: 1 e = 5 g) and warn as unconfirmed."""
    r = run(
        "scale",
        [{"kind": "weighing", "points": [{"load": "10000", "indication": "10005"}]}],
        PRICE_SCALE,
        ruleset="JJG 1204-2025",
    )
    it = first(r)
    assert (it["mpe"], it["verdict"]) == ("5", "pass")
    assert it["rule"].startswith("JJG 1204-2025 5.5")
    assert any("[mpe_table]" in w and "JJG 539-2016" in w for w in r["warnings"])


def test_jjg_1204_named_for_a_scale_outside_its_scope_warns():
    r = run("scale", [{"kind": "classification"}], III_15KG, ruleset="JJG 1204-2025")
    assert any("not one" in w for w in r["warnings"])


# ---- optics -----------------------------------------------------------------------------


def test_focimeter_cylinder_axis_residual_prism_parallax():
    """Cylinder −5 D lens certified −4.98, read −5.04: error −0.06 = band ≤ 5 D → pass.
    Axis certified 178°, read 2°: the short way is +4° > 2° → fail; 90° read 91° → +1° pass.
    Residual prism 0.1 Δ → pass (on the limit); parallax 0.11 Δ → fail."""
    tests = [
        {
            "kind": "cylinder",
            "lenses": [{"nominal": "-5", "certified": "-4.98", "reading": "-5.04"}],
        },
        {
            "kind": "axis",
            "items": [{"certified": "178", "reading": "2"}, {"certified": "90", "reading": "91"}],
        },
        {"kind": "residual_prism", "reading": "0.1"},
        {"kind": "parallax", "reading": "0.11"},
    ]
    r = run("focimeter", tests, {})
    got = [[(i["error"], i["verdict"]) for i in t["items"]] for t in r["tests"]]
    assert got == [
        [("-0.06", "pass")],
        [("4", "fail"), ("1", "pass")],
        [("0.1", "pass")],
        [("0.11", "fail")],
    ]


def test_axis_out_of_range_is_refused():
    with pytest.raises(InputError) as exc:
        run("focimeter", [{"kind": "axis", "items": [{"certified": "181", "reading": "0"}]}], {})
    assert exc.value.path == "tests[0].items[0].certified"


def test_refractometer_cylinder_axis_zero():
    """Cylinder −3 m⁻¹ eye certified −3.00, readings −3.25, −3.25, −3.25: mean error
    −0.25 = MPE → pass. Axis certified 180°, readings 178, 2, 4 → errors −2, +2, +4,
    mean +1.333° ≤ 5° → pass. Zero: readings 0.25, 0.25, 0.30 on a plano eye certified 0 →
    mean 0.2666… > 0.25 → fail."""
    tests = [
        {
            "kind": "cylinder",
            "eyes": [{"nominal": "-3", "certified": "-3.00", "readings": ["-3.25"] * 3}],
        },
        {"kind": "axis", "eyes": [{"certified": "180", "readings": ["178", "2", "4"]}]},
        {"kind": "zero", "readings": ["0.25", "0.25", "0.30"]},
    ]
    r = run("refractometer", tests, {})
    got = [(t["items"][0]["error"], t["items"][0]["verdict"]) for t in r["tests"]]
    assert got == [("-0.25", "pass"), ("1.333", "pass"), ("0.267", "fail")]
    with pytest.raises(InputError) as exc:
        run(
            "refractometer",
            [{"kind": "axis", "eyes": [{"certified": "10", "readings": ["200"]}]}],
            {},
        )
    assert exc.value.path == "tests[0].eyes[0].readings[0]"


def test_trial_cylinder_and_prism_lenses():
    """Cylinder −2 D measured −2.09: error −0.09 > 0.06 (≤ 3 D band) → fail. Prism 5 Δ
    measured 5.10 → 0.10 = limit → pass; 6 Δ measured 6.21 → 0.21 > 0.20 → fail."""
    tests = [
        {"kind": "cylinder", "lenses": [{"nominal": "-2", "measured": "-2.09"}]},
        {
            "kind": "prism",
            "lenses": [{"nominal": "5", "measured": "5.10"}, {"nominal": "6", "measured": "6.21"}],
        },
    ]
    r = run("trial_lens_set", tests, {})
    got = [[(i["label"], i["verdict"]) for i in t["items"]] for t in r["tests"]]
    assert got == [[("-2 D", "fail")], [("5 Δ", "pass"), ("6 Δ", "fail")]]


def test_pd_meter_asymmetry():
    """65 mm sleeve read 32.75 / 32.25: asymmetry 0.5 mm = limit → pass (PD 65.0);
    32.8 / 32.2 → 0.6 mm → fail."""
    tests = [
        {
            "kind": "asymmetry",
            "items": [
                {"reference": "65", "left": "32.75", "right": "32.25"},
                {"reference": "65", "left": "32.8", "right": "32.2"},
            ],
        }
    ]
    items = run("pd_meter", tests, {})["tests"][0]["items"]
    assert [(i["error"], i["pd"], i["verdict"]) for i in items] == [
        ("0.5", "65", "pass"),
        ("0.6", "65", "fail"),
    ]


# ---- as found / as left -----------------------------------------------------------------

FOUND = {
    "kind": "weighing",
    "stage": "as_found",
    "points": [{"load": "1000", "indication": "1004"}],
}
LEFT = {"kind": "weighing", "stage": "as_left", "points": [{"load": "1000", "indication": "1001"}]}


def test_verification_is_decided_by_the_as_left_results():
    """1000 g = 200 e: MPE 2.5 g. As found +4 g fails, adjusted, as left +1 g passes: a
    subsequent verification passes, the as-found failure is reported apart."""
    r = run("scale", [FOUND, LEFT], III_15KG, check="subsequent")
    assert r["verdict"] == "pass" and r["failed"] == []
    assert r["as_found_failed"] == ["as found: 1000 g"]
    assert [t["stage"] for t in r["tests"]] == ["as_found", "as_left"]


def test_in_service_check_counts_what_was_found():
    """In service (MPE 5 g) +6 g as found fails even though as left passes."""
    found = {**FOUND, "points": [{"load": "1000", "indication": "1006"}]}
    r = run("scale", [found, LEFT], III_15KG, check="in_service")
    assert r["verdict"] == "fail" and r["failed"] == ["as found: 1000 g"]
    assert "as_found_failed" not in r


def test_as_found_alone_counts_and_bad_stages_are_refused():
    r = run("scale", [FOUND], III_15KG, check="subsequent")
    assert r["verdict"] == "fail"
    typed = run(
        "scale",
        [{**FOUND, "stage": "调整前"}, {**LEFT, "stage": "As left"}],
        III_15KG,
        check="subsequent",
    )
    assert [t["stage"] for t in typed["tests"]] == ["as_found", "as_left"]
    blank = run("scale", [{**LEFT, "stage": ""}], III_15KG)
    assert "stage" not in blank["tests"][0]
    with pytest.raises(InputError) as exc:
        run("scale", [{**FOUND, "stage": "after"}], III_15KG)
    assert exc.value.path == "tests[0].stage"
