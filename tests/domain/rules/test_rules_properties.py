"""Properties of the pass rule and the MPE tables (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from inspector_app.domain.rules import evaluate, mpe_envelope

CLASSES = {"I": "0.001", "II": "0.01", "III": "5", "IIII": "50"}
N = {"I": 300000, "II": 50000, "III": 3000, "IIII": 300}

scales = st.sampled_from(sorted(CLASSES)).map(
    lambda c: {
        "accuracy_class": c,
        "max": str(Decimal(CLASSES[c]) * N[c]),
        "e": CLASSES[c],
        "unit": "g",
    }
)
errors = st.decimals(min_value=-100, max_value=100, places=3, allow_nan=False, allow_infinity=False)
checks = st.sampled_from(["initial", "subsequent", "in_service", "covert"])


def loads(inst):
    return st.integers(min_value=0, max_value=N[inst["accuracy_class"]] + 9).map(
        lambda k: Decimal(inst["e"]) * k
    )


def verdict(inst, load, error, check="initial", family="scale"):
    return evaluate(
        {
            "family": family,
            "ruleset": "OIML R 76-1:2006",
            "check": check,
            "instrument": inst,
            "tests": [{"kind": "weighing", "points": [{"load": str(load), "error": str(error)}]}],
        }
    )["verdict"]


@settings(max_examples=60, deadline=None)
@given(data=st.data(), error=errors, check=checks)
def test_sign_symmetry(data, error, check):
    inst = data.draw(scales)
    e = Decimal(inst["e"])
    load = data.draw(loads(inst))
    err = error * e
    assert verdict(inst, load, err, check) == verdict(inst, load, -err, check)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), a=errors, b=errors)
def test_monotone_in_absolute_error(data, a, b):
    inst = data.draw(scales)
    load = data.draw(loads(inst))
    small, big = sorted((abs(a), abs(b)))
    e = Decimal(inst["e"])
    if verdict(inst, load, big * e / 10) == "pass":
        assert verdict(inst, load, small * e / 10) == "pass"


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_in_service_never_below_initial(data):
    inst = data.draw(scales)
    xs = data.draw(st.lists(loads(inst), min_size=1, max_size=8))
    for ruleset in ("JJG 539-2016", "OIML R 76-1:2006"):
        initial = mpe_envelope("scale", ruleset, "initial", inst, xs)
        for check in ("subsequent", "in_service", "covert"):
            other = mpe_envelope("scale", ruleset, check, inst, xs)
            assert all(o >= i for (_, o), (_, i) in zip(other, initial, strict=True))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_mpe_non_decreasing_with_load(data):
    inst = data.draw(scales)
    xs = sorted(data.draw(st.lists(loads(inst), min_size=2, max_size=8)))
    mpes = [m for _, m in mpe_envelope("scale", None, "initial", inst, xs)]
    assert mpes == sorted(mpes)


@settings(max_examples=40, deadline=None)
@given(
    nominal=st.decimals(min_value=-25, max_value=25, places=2),
    family=st.sampled_from(["focimeter", "refractometer", "trial_lens_set"]),
)
def test_optics_envelopes_are_symmetric(nominal, family):
    (_, a), (_, b) = mpe_envelope(family, None, "initial", {}, [nominal, -nominal])
    assert a == b > 0


@settings(max_examples=40, deadline=None)
@given(
    error=st.decimals(min_value=-1, max_value=1, places=4),
    check=checks,
    ruleset=st.sampled_from(["JJG 443-2023", "JJG 443-2006"]),
)
def test_fuel_single_mpe_for_every_check(error, check, ruleset):
    result = evaluate(
        {
            "family": "fuel_dispenser",
            "ruleset": ruleset,
            "check": check,
            "instrument": {},
            "tests": [{"kind": "volume", "runs": [{"error": str(error)}]}],
        }
    )
    assert result["verdict"] == ("pass" if abs(error) <= Decimal("0.30") else "fail")
