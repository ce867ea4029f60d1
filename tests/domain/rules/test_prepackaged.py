"""Net content of prepackaged goods (JJF 1070, 2005 办法 附表3/附表4), worked by hand.

T table (g or mL): ≤ 50: 9 %; ≤ 100: 4.5; ≤ 200: 4.5 %; ≤ 300: 9; ≤ 500: 3 %; ≤ 1000: 15;
≤ 10000: 1.5 %; ≤ 15000: 150; ≤ 50000: 1 %. T rounded to 0.1 for Qn ≤ 1000, to 1 above.
Plan: N ≤ 10 → n = N, no average; ≤ 50 → 10, λ 1.028, T1 0; ≤ 99 → 13, 0.848, 1;
≤ 500 → 50, 0.379, 3; ≤ 3200 → 80, 0.295, 5; above → 125, 0.234, 7; T2 never allowed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, list_rulesets, mpe_envelope
from inspector_app.domain.rules.prepackaged import preview


def batch(units, *, nominal="500", unit="g", quantity="mass", n=None, ruleset=None, **extra):
    test = {
        "kind": "net_content",
        "quantity": quantity,
        "nominal": nominal,
        "unit": unit,
        "batch_size": n if n is not None else len(units),
        "units": [u if isinstance(u, dict) else {"net": u} for u in units],
    }
    test.update(extra)
    request = {"family": "prepackaged", "check": "batch", "instrument": {}, "tests": [test]}
    if ruleset:
        request["ruleset"] = ruleset
    return evaluate(request)


def t_of(nominal, unit="g", quantity="mass", rounding="up"):
    # one package exactly at Qn in a batch of one: the result carries T
    result = batch([nominal], nominal=nominal, unit=unit, quantity=quantity, t_rounding=rounding)
    return result["tests"][0]["t"]


# ---- T ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "qn, t",
    [
        ("5", "0.5"),  # 9 % = 0.45 → 0.5
        ("40", "3.6"),  # 9 %
        ("50", "4.5"),  # edge: 9 % of 50 = 4.5 = the next row's fixed 4.5
        ("75", "4.5"),
        ("100", "4.5"),  # edge: fixed 4.5 = 4.5 % of 100
        ("150", "6.8"),  # 4.5 % = 6.75 → 6.8
        ("200", "9"),
        ("250", "9"),
        ("300", "9"),  # edge: 3 % of 300 = 9
        ("400", "12"),
        ("500", "15"),
        ("750", "15"),
        ("1000", "15"),  # edge: 1.5 % of 1000 = 15
        ("2000", "30"),
        ("10000", "150"),
        ("12500", "150"),
        ("15000", "150"),  # edge: 1 % of 15000 = 150
        ("20000", "200"),
        ("50000", "500"),
    ],
)
def test_t_table_mass(qn, t):
    assert t_of(qn) == t
    assert t_of(qn, unit="mL", quantity="volume") == t


def test_t_in_kg_and_litres_is_the_table_in_g_converted():
    assert t_of("2", unit="kg") == "0.03"
    assert t_of("0.5", unit="kg") == "0.015"
    assert t_of("1.5", unit="L", quantity="volume") == "0.023"  # 22.5 mL → 23 mL (Qn > 1 L)


@pytest.mark.parametrize(
    "qn, up, half_up",
    [
        ("101", "4.6", "4.5"),  # 4.5 % of 101 = 4.545
        ("2001", "31", "30"),  # 1.5 % of 2001 = 30.015, rounded to whole g above 1 kg
        ("1000.5", "16", "15"),  # 15.0075
        ("0.5", "0.1", "0"),  # 0.045
    ],
)
def test_rounding_of_t_up_and_half_up_differ(qn, up, half_up):
    assert t_of(qn, rounding="up") == up
    assert t_of(qn, rounding="half_up") == half_up


def test_rounding_warns_only_where_it_changes_t():
    changed = batch(["101"], nominal="101")
    assert any("[t_rounding_direction]" in w for w in changed["warnings"])
    exact = batch(["500"], nominal="500")
    assert not any("[t_rounding_direction]" in w for w in exact["warnings"])


@pytest.mark.parametrize(
    "quantity, unit, qn, t",
    [
        ("length", "m", "5", "0"),  # no shortage up to 5 m
        ("length", "m", "10", "0.2"),  # 2 %
        ("area", "m2", "2", "0.06"),  # 3 %
        ("area", "m2", "0.5", "0.015"),
        ("count", "pcs", "50", "0"),  # no shortage up to 50
        ("count", "pcs", "51", "1"),  # 0.51 → 1
        ("count", "pcs", "100", "1"),  # exactly 1
        ("count", "pcs", "120", "2"),  # 1.2 → 2, above 1 % as the note allows
        ("count", "pcs", "200", "2"),
    ],
)
def test_t_for_length_area_and_count(quantity, unit, qn, t):
    assert t_of(qn, unit=unit, quantity=quantity) == t


# ---- single packages: exactly on T, on 2T --------------------------------------------------


def test_deficiency_exactly_t_passes_and_just_over_is_t1():
    # Qn 500 g: T = 15, 2T = 30; N = 5 is inspected whole, no average, no T1 allowed
    on = batch(["485", "500", "500", "500", "500"])
    test = on["tests"][0]
    assert on["verdict"] == "pass"
    assert (test["t"], test["two_t"], test["t1_count"], test["t2_count"]) == ("15", "30", 0, 0)
    assert test["items"][0] == {
        "label": "#1",
        "actual": "485",
        "error": "-15",
        "mpe": "15",
        "unit": "g",
        "verdict": "pass",
        "rule": test["items"][0]["rule"],
    }
    over = batch(["484.9", "500", "500", "500", "500"])
    assert over["tests"][0]["items"][0]["verdict"] == "t1"
    assert over["verdict"] == "fail"
    assert over["failed"] == ["#1"]


def test_deficiency_exactly_2t_is_t1_and_just_over_is_t2():
    # N = 60: n = 13, one T1 allowed. 470 g is short by 30 = 2T: a T1 shortfall, allowed.
    units = ["505"] * 12 + ["470"]
    result = batch(units, n=60)
    test = result["tests"][0]
    assert test["items"][12]["verdict"] == "t1"
    assert (test["t1_count"], test["t1_allowed"], test["t2_count"]) == (1, 1, 0)
    # mean 6530/13 = 502.307… is above Qn: the average holds whatever s is
    assert test["average_ok"] is True
    assert result["verdict"] == "pass"
    t2 = batch(["505"] * 12 + ["469.9"], n=60)
    assert t2["tests"][0]["items"][12]["verdict"] == "t2"
    assert t2["tests"][0]["t2_count"] == 1
    assert t2["verdict"] == "fail"
    assert t2["failed"] == ["#13"]


def test_t1_count_against_the_allowance():
    # N = 60 allows one T1; two fail the batch and both are listed
    result = batch(["505"] * 11 + ["480", "480"], n=60)
    test = result["tests"][0]
    assert (test["t1_count"], test["t1_allowed"]) == (2, 1)
    assert result["verdict"] == "fail"
    assert result["failed"] == ["#12", "#13"]
    # N = 200 (n = 50) allows three
    ok = batch(["505"] * 47 + ["480"] * 3, n=200)
    assert ok["tests"][0]["t1_allowed"] == 3
    assert ok["verdict"] == "pass"
    assert batch(["505"] * 46 + ["480"] * 4, n=200)["verdict"] == "fail"


# ---- the average: exactly on Qn − λ·s -------------------------------------------------------


def test_mean_exactly_on_the_limit_passes_n10():
    # N = 30: n = 10, λ = 1.028. Deviations +3, +3, −3, −3 and six 0 around 497.944:
    # Σd² = 36, s² = 36/9 = 4, s = 2, λ·s = 2.056, limit = 500 − 2.056 = 497.944 = mean.
    units = ["500.944"] * 2 + ["494.944"] * 2 + ["497.944"] * 6
    result = batch(units, n=30)
    test = result["tests"][0]
    assert (test["sample_size_required"], test["lambda"]) == (10, "1.028")
    assert (test["mean"], test["s"], test["lambda_s"], test["limit"]) == (
        "497.944",
        "2",
        "2.056",
        "497.944",
    )
    assert test["average_ok"] is True
    assert result["verdict"] == "pass"
    # every package 0.001 g lighter: same s, mean 497.943 below the limit
    lighter = [str(Decimal(u) - Decimal("0.001")) for u in units]
    fail = batch(lighter, n=30)
    ftest = fail["tests"][0]
    assert (ftest["mean"], ftest["limit"], ftest["average_ok"]) == ("497.943", "497.944", False)
    assert (ftest["t1_count"], ftest["t2_count"]) == (0, 0)  # worst package short by 5.057
    assert fail["verdict"] == "fail"
    assert fail["failed"] == ["average below the limit"]


def test_mean_exactly_on_the_limit_passes_n50():
    # N = 200: n = 50, λ = 0.379. Deviations +7, +7, −7, −7 and 46 × 0: Σd² = 196,
    # s² = 196/49 = 4, s = 2, λ·s = 0.758, limit = 499.242.
    units = ["506.242"] * 2 + ["492.242"] * 2 + ["499.242"] * 46
    test = batch(units, n=200)["tests"][0]
    assert (test["s"], test["lambda_s"], test["limit"], test["average_ok"]) == (
        "2",
        "0.758",
        "499.242",
        True,
    )
    below = ["506.241"] * 2 + ["492.241"] * 2 + ["499.241"] * 46
    assert batch(below, n=200)["tests"][0]["average_ok"] is False


def test_shown_mean_and_limit_keep_their_order():
    # mean 1 below 2/3-like irrational limits: at least 6 places, more when needed
    units = ["500"] * 9 + ["499.9999999"]
    test = batch(units, n=30)["tests"][0]
    mean, limit = Decimal(test["mean"]), Decimal(test["limit"])
    assert mean > limit
    assert test["average_ok"] is True


def test_no_average_for_n_up_to_10():
    # N = 10: every package, single-package check only; a low mean does not fail
    units = ["486"] * 10  # each short by 14 < T = 15, mean 14 below Qn
    result = batch(units, n=10)
    test = result["tests"][0]
    assert result["verdict"] == "pass"
    assert test["lambda"] is None and test["average_ok"] is None
    assert "limit" not in test
    assert test["mean"] == "486"
    # the same packages from a batch of 11 meet the average requirement: s = 0 → fail
    eleven = batch(units, n=11)
    assert eleven["tests"][0]["limit"] == "500"
    assert eleven["verdict"] == "fail"


def test_single_package_batch():
    test = batch(["499"], n=1)["tests"][0]
    assert (test["sample_size"], test["mean"], test["s"]) == (1, "499", None)


def test_batch_verdict_fails_on_either_check_and_is_secondary():
    result = batch(["500"] * 10, n=30)
    assert any("[batch_verdict]" in w for w in result["warnings"])


# ---- count goods --------------------------------------------------------------------------


def test_count_goods():
    # Qn 120 pcs: T = 2 (1.2 rounded up), 2T = 4
    ok = batch(["118"] + ["120"] * 7, nominal="120", unit="pcs", quantity="count")
    assert ok["verdict"] == "pass"
    t1 = batch(["117"] + ["120"] * 7, nominal="120", unit="pcs", quantity="count")
    assert t1["tests"][0]["items"][0]["verdict"] == "t1"
    assert t1["verdict"] == "fail"
    # Qn 50: no shortage allowed, so one piece short is beyond 2T = 0
    t2 = batch(["49", "50"], nominal="50", unit="pcs", quantity="count")
    assert t2["tests"][0]["items"][0]["verdict"] == "t2"
    with pytest.raises(InputError) as exc:
        batch(["49.5"], nominal="50", unit="pcs", quantity="count")
    assert exc.value.path == "tests[0].units[0].net"
    with pytest.raises(InputError) as exc:
        batch(["50"], nominal="50.5", unit="pcs", quantity="count")
    assert exc.value.path == "tests[0].nominal"


# ---- rounding deciding a verdict -----------------------------------------------------------


def test_rounding_direction_decides_the_verdict():
    # Qn 101 g: T = 4.545 → 4.6 up, 4.5 half-up. A package of 96.4 g is short by 4.6.
    units = ["96.4"] + ["101"] * 4
    up = batch(units, nominal="101")
    half = batch(units, nominal="101", t_rounding="half_up")
    assert (up["tests"][0]["t"], up["verdict"]) == ("4.6", "pass")
    assert (half["tests"][0]["t"], half["verdict"]) == ("4.5", "fail")
    assert half["tests"][0]["items"][0]["verdict"] == "t1"
    assert half["tests"][0]["t_rounding"] == "half_up"


# ---- tare and density -----------------------------------------------------------------------


def test_net_from_gross_with_average_tare():
    result = batch([{"gross": "512.5"}, {"gross": "497.5"}], tare="12.5")
    items = result["tests"][0]["items"]
    assert [i["actual"] for i in items] == ["500", "485"]
    assert [i["verdict"] for i in items] == ["pass", "pass"]
    assert any("[tare_average]" in w for w in result["warnings"])


def test_net_from_gross_with_each_package_tare():
    result = batch([{"gross": "515", "tare": "15"}, {"gross": "514.8", "tare": "30"}])
    items = result["tests"][0]["items"]
    assert [i["actual"] for i in items] == ["500", "484.8"]
    assert items[1]["verdict"] == "t1"
    assert not any("[tare_average]" in w for w in result["warnings"])
    # an own tare wins over the average; the average is then not used at all
    own = batch([{"gross": "515", "tare": "15"}], tare="99")
    assert own["tests"][0]["items"][0]["actual"] == "500"
    assert not any("[tare_average]" in w for w in own["warnings"])
    mixed = batch([{"gross": "515", "tare": "15"}, {"gross": "510"}], tare="10")
    assert [i["actual"] for i in mixed["tests"][0]["items"]] == ["500", "500"]


def test_volume_from_mass_with_density_at_20_c():
    # 500 mL of a liquid of 1.25 g/mL: 606.25 g is 485 mL, short by exactly T = 15 mL
    result = batch(
        [{"net": "606.25"}, {"gross": "650", "tare": "25"}],
        nominal="500",
        unit="mL",
        quantity="volume",
        density="1.25",
    )
    items = result["tests"][0]["items"]
    assert [i["actual"] for i in items] == ["485", "500"]
    assert items[0]["verdict"] == "pass"
    assert any("[density]" in w for w in result["warnings"])
    litres = batch(["606.25"], nominal="0.5", unit="L", quantity="volume", density="1.25")
    assert litres["tests"][0]["items"][0]["actual"] == "0.485"
    assert litres["tests"][0]["t"] == "0.015"
    # a density that does not divide evenly is shown rounded, judged exactly
    odd = batch(["1000"], nominal="1", unit="L", quantity="volume", density="1.03")
    assert odd["tests"][0]["items"][0]["actual"] == "0.970874"


# ---- sample size, plan editions ------------------------------------------------------------


def test_sample_smaller_than_the_plan_is_an_input_error():
    with pytest.raises(InputError) as exc:
        batch(["500"] * 49, n=200)
    assert exc.value.path == "tests[0].units"
    assert "requires 50" in exc.value.message and "49 given" in exc.value.message
    with pytest.raises(InputError) as exc:
        batch(["500"] * 6, n=7)  # N ≤ 10: the whole batch
    assert exc.value.path == "tests[0].units"
    with pytest.raises(InputError) as exc:
        batch(["500"] * 5, n=4)
    assert "from a batch of 4" in exc.value.message


def test_larger_sample_is_judged_with_a_warning():
    result = batch(["500"] * 12, n=30)
    assert result["tests"][0]["sample_size"] == 12
    assert any("takes 10" in w for w in result["warnings"])


@pytest.mark.parametrize(
    "n, required, lam, t1",
    [
        (10, 10, None, 0),
        (11, 10, "1.028", 0),
        (50, 10, "1.028", 0),
        (51, 13, "0.848", 1),
        (99, 13, "0.848", 1),
        (100, 50, "0.379", 3),
        (500, 50, "0.379", 3),
        (501, 80, "0.295", 5),
        (3200, 80, "0.295", 5),
        (3201, 125, "0.234", 7),
    ],
)
def test_sampling_plan_rows(n, required, lam, t1):
    test = batch(["500"] * required, n=n)["tests"][0]
    assert (test["sample_size_required"], test["lambda"], test["t1_allowed"]) == (
        required,
        lam,
        t1,
    )
    assert test["t2_allowed"] == 0


def test_editions_and_the_plan_warning():
    current = batch(["500"] * 10, n=30)
    assert current["ruleset"] == "JJF 1070-2023"
    plan_warning = [w for w in current["warnings"] if "[plan]" in w]
    assert plan_warning and "may differ" in plan_warning[0]
    old = batch(["500"] * 10, n=30, ruleset="JJF 1070-2005")
    assert old["ruleset"] == "JJF 1070-2005"
    assert not any("[plan]" in w or "[t_mass_volume]" in w for w in old["warnings"])
    assert old["tests"][0]["plan"] == "2005 办法 附表4"
    names = [r.name for r in list_rulesets("prepackaged")]
    assert names == ["JJF 1070-2023", "JJF 1070-2005"]


def test_sampling_form_is_carried_and_checked():
    sampling = {
        "form_no": "CY-2026-001",
        "method": "systematic",
        "sampled_by": "王敏",
        "place": "成品库",
        "sealed": True,
        "seal_no": "F-17",
        "campaign": "2026 年定量包装商品净含量专项监督抽查",
    }
    assert batch(["500"], sampling=sampling)["verdict"] == "pass"
    assert batch(["500"], sampling=None)["verdict"] == "pass"
    assert batch(["500"], sampling={"sealed": "是"})["verdict"] == "pass"  # typed in a cell
    for bad, path in (
        ({"method": "guess"}, "tests[0].sampling.method"),
        ({"sealed": "maybe"}, "tests[0].sampling.sealed"),
        ({"place": 3}, "tests[0].sampling.place"),
        ({"colour": "red"}, "tests[0].sampling.colour"),
        ("form", "tests[0].sampling"),
    ):
        with pytest.raises(InputError) as exc:
            batch(["500"], sampling=bad)
        assert exc.value.path == path


# ---- invalid input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "units, extra, path",
    [
        (["500"], {"quantity": "weight"}, "tests[0].quantity"),
        (["500"], {"unit": "mL"}, "tests[0].unit"),  # mass in mL
        (["500"], {"nominal": "0"}, "tests[0].nominal"),
        (["500"], {"nominal": "50001"}, "tests[0].nominal"),  # above the T table
        (["500"], {"batch_size": 0}, "tests[0].batch_size"),
        (["500"], {"batch_size": "1.5"}, "tests[0].batch_size"),
        (["500"], {"t_rounding": "down"}, "tests[0].t_rounding"),
        (["500"], {"density": "1.1"}, "tests[0].density"),  # mass goods
        (["500"], {"density": "0"}, "tests[0].density"),
        (["500"], {"tare": "-1"}, "tests[0].tare"),
        (["500"], {"colour": "red"}, "tests[0].colour"),
        (["-1"], {}, "tests[0].units[0].net"),
        (["NaN"], {}, "tests[0].units[0].net"),
        ([{"net": "500", "gross": "510"}], {}, "tests[0].units[0].gross"),
        ([{"net": "500", "tare": "10"}], {}, "tests[0].units[0].tare"),
        ([{"gross": "510"}], {}, "tests[0].units[0].tare"),  # no tare anywhere
        ([{"gross": "10", "tare": "20"}], {}, "tests[0].units[0].tare"),
        ([{}], {}, "tests[0].units[0].net"),
        ([{"weight": "500"}], {}, "tests[0].units[0].weight"),
        (["x"], {}, "tests[0].units[0].net"),
    ],
)
def test_invalid_input(units, extra, path):
    with pytest.raises(InputError) as exc:
        batch(units, **extra)
    assert exc.value.path == path


def test_invalid_direct_quantities():
    for quantity, unit in (("length", "m"), ("area", "m2"), ("count", "pcs")):
        with pytest.raises(InputError) as exc:
            batch([{"gross": "60", "tare": "1"}], nominal="50", unit=unit, quantity=quantity)
        assert exc.value.path == "tests[0].units[0].gross"
        with pytest.raises(InputError) as exc:
            batch(["50"], nominal="50", unit=unit, quantity=quantity, tare="1")
        assert exc.value.path == "tests[0].tare"
    with pytest.raises(InputError) as exc:
        batch([], n=5)
    assert exc.value.path == "tests[0].units"


def test_check_kinds_belong_to_the_family():
    with pytest.raises(InputError) as exc:
        evaluate({"family": "prepackaged", "check": "initial", "instrument": {}, "tests": []})
    assert exc.value.path == "check"
    with pytest.raises(InputError) as exc:
        evaluate({"family": "pd_meter", "check": "batch", "instrument": {}, "tests": []})
    assert exc.value.path == "check"


# ---- the T curve -----------------------------------------------------------------------------


def test_envelope_is_t_by_qn():
    env = mpe_envelope("prepackaged", None, "batch", {}, ["50", "100", "101", "2001"])
    assert [t for _, t in env] == [
        Decimal("4.5"),
        Decimal("4.5"),
        Decimal("4.6"),
        Decimal("31"),
    ]
    counts = mpe_envelope(
        "prepackaged", None, "batch", {"quantity": "count", "unit": "pcs"}, ["50", "51"]
    )
    assert [t for _, t in counts] == [Decimal(0), Decimal(1)]
    half = mpe_envelope("prepackaged", None, "batch", {"t_rounding": "half_up"}, ["101"])
    assert half[0][1] == Decimal("4.5")
    with pytest.raises(InputError) as exc:
        mpe_envelope("prepackaged", None, "batch", {}, ["0"])
    assert exc.value.path == "xs[0]"
    # product data beside the quantity are kept on a recorded batch and ignored here
    assert mpe_envelope("prepackaged", None, "batch", {"product": "大米"}, ["500"])[0][1] == 15


# ---- judging while the readings are typed ---------------------------------------------------


def partial(values, batch_size=200, ruleset=None):
    test = {
        "kind": "net_content",
        "quantity": "mass",
        "nominal": "500",
        "unit": "g",
        "batch_size": batch_size,
        "units": [{"net": v} for v in values],
    }
    return preview(test, ruleset)


def test_preview_is_pending_until_the_sample_is_complete():
    result, warnings = partial([])
    assert (result["verdict"], result["complete"], result["mean"], result["s"]) == (
        "pending",
        False,
        None,
        None,
    )
    assert result["sample_size_required"] == 50
    result, _ = partial(["495", "505"])
    # s of 495 and 505 is √50 = 7.0710678…, shown to 6 places
    assert (result["verdict"], result["mean"], result["s"]) == ("pending", "500", "7.071068")
    # 495, 505, 500: s = √(50/2) = 5, λ·s = 1.895; the limit is shown but decides nothing yet
    result, _ = partial(["495", "505", "500"])
    assert result["s"] == "5"
    assert result["limit"] == "498.105" and result["average_ok"] is True
    low, _ = partial(["480"] * 3)  # mean 20 below Qn, s = 0: the average would fail
    assert (low["verdict"], low["average_ok"], low["failed"]) == ("pending", False, [])
    assert any("[plan]" in w for w in warnings)


def test_preview_fails_early_on_singles_and_judges_a_full_sample():
    t2, _ = partial(["469.9"])
    assert (t2["verdict"], t2["failed"]) == ("fail", ["#1"])
    too_many, _ = partial(["480"] * 4)  # four T1 where three are allowed
    assert too_many["verdict"] == "fail"
    full, _ = partial(["500"] * 50)
    assert (full["verdict"], full["complete"]) == ("pass", True)
    old, warnings = partial(["500"] * 10, batch_size=30, ruleset="JJF 1070-2005")
    assert old["plan"] == "2005 办法 附表4"
    assert not any("[plan]" in w for w in warnings)
    with pytest.raises(InputError) as exc:
        partial(["x"])
    assert exc.value.path == "units[0].net"


# ---- what the label must show (reported with the batch) -------------------------------------


@pytest.mark.parametrize(
    "quantity, unit, qn, height, allowed, conforms, digits",
    [
        ("mass", "g", "50", "2", ["g"], True, 2),  # ≤ 50 g: 2 mm
        ("mass", "g", "50.5", "3", ["g"], True, 3),
        ("mass", "g", "200", "3", ["g"], True, 3),
        ("mass", "g", "500", "4", ["g"], True, 3),
        ("mass", "kg", "0.5", "4", ["g"], False, 1),  # 500 g must be labelled in g
        ("mass", "g", "1000", "4", ["g", "kg"], True, 4),  # on the edge both texts meet
        ("mass", "kg", "1", "4", ["g", "kg"], True, 1),
        ("mass", "g", "1500", "6", ["kg"], False, 4),
        ("mass", "kg", "5.55", "6", ["kg"], True, 3),  # the amendment's own example
        ("mass", "kg", "5.555", "6", ["kg"], True, 4),  # more than 3 digits: not recommended
        ("volume", "mL", "550", "4", ["mL"], True, 3),
        ("volume", "L", "5", "6", ["L"], True, 1),
        ("length", "m", "0.5", "2", ["mm", "cm"], False, 1),
        ("length", "m", "10", "2", ["m"], True, 2),
        ("area", "m2", "0.5", "2", ["mm2", "cm2", "dm2"], False, 1),
        ("area", "m2", "1", "2", ["mm2", "cm2", "dm2", "m2"], True, 1),
        ("count", "pcs", "100", "2", ["pcs"], True, 3),
    ],
)
def test_labelling_requirements(quantity, unit, qn, height, allowed, conforms, digits):
    lab = batch([qn], nominal=qn, unit=unit, quantity=quantity)["tests"][0]["labelling"]
    assert lab["min_height_mm"] == height
    assert lab["units_allowed"] == allowed
    assert lab["unit_conforms"] is conforms
    assert lab["significant_digits"] == digits
    assert lab["digits_ok"] is (digits <= 3)
    assert "附表2" in lab["rule"] or "附件2" in lab["rule"]
