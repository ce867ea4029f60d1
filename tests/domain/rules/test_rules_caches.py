"""The number caches of the rules engine stay bounded and never change a result."""

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from inspector_app.domain import numbers, rules
from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import core, evaluate, inputs, ruledata

REQUEST = {
    "family": "scale",
    "check": "initial",
    "instrument": {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"},
    "tests": [
        {
            "kind": "weighing",
            "points": [
                {"load": str(100 * k), "indication": str(100 * k + k % 5)} for k in range(1, 30)
            ],
        }
    ],
}


def test_caches_are_cleared_when_full_and_results_do_not_change(monkeypatch):
    expected = evaluate(REQUEST)
    monkeypatch.setattr(core, "_FMT_MAX", 3)
    monkeypatch.setattr(core, "_SHOW_MAX", 3)
    monkeypatch.setattr(inputs, "_PARSED_MAX", 3)
    monkeypatch.setattr(inputs, "_ALLOWED_MAX", 1)
    monkeypatch.setattr(rules, "_INSTRUMENTS_MAX", 1)
    monkeypatch.setattr(rules, "_LAID_MAX", 1)
    core._FMT.clear()
    core._SHOW.clear()
    inputs._PARSED.clear()
    inputs._ALLOWED.clear()
    assert evaluate(REQUEST) == expected
    legacy = evaluate({**REQUEST, "rule_data": "builtin-1"})
    other = {**REQUEST, "instrument": {**REQUEST["instrument"], "e": "10"}}
    assert evaluate(other) != expected
    assert evaluate(REQUEST) == expected
    assert evaluate({**REQUEST, "rule_data": "builtin-1"}) == legacy
    assert len(rules._INSTRUMENTS) <= 1 and len(rules._LAID) <= 1
    assert len(core._FMT) <= 3 and len(core._SHOW) <= 3 and len(inputs._PARSED) <= 3
    assert len(inputs._ALLOWED) <= 1


def reference_show(value, limit=None, places=6):
    """show() as written before its cache: exact up to *places* decimals, else rounded
    half-up to as many places as keep the shown value on the exact one's side of *limit*."""
    if value is None:
        return None
    if value.as_tuple().exponent >= -places:
        return numbers.fmt(value)
    for p in range(places, 29):
        shown = value.quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)
        if limit is None or (abs(shown) <= limit) == (abs(value) <= limit):
            return numbers.fmt(shown)
    return numbers.fmt(value)


def spellings(value: Decimal) -> list[Decimal]:
    """*value* and equal values written with more trailing zeros (other exponents)."""
    out = [value]
    exponent = value.as_tuple().exponent
    for extra in (1, 3, 9):
        out.append(value.quantize(Decimal(1).scaleb(exponent - extra)))
    return out


def generated(seed: int, n: int) -> list[Decimal]:
    rng = random.Random(seed)
    values = [Decimal(z) for z in ("0", "-0", "0E-8", "-0.000", "0E+2", "-0E-12")]
    for _ in range(n):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 14)))
        sign = rng.choice(("", "-"))
        values.append(Decimal(f"{sign}{digits}").scaleb(rng.randint(-14, 6)))
    return values


def test_cached_fmt_and_show_equal_the_plain_computation_whatever_the_spelling():
    """A value first shown in one spelling (0.5) and then in another (0.50000000, or -0
    after 0) shows as the plain computation shows each: the caches hold values, and a
    zero's sign."""
    rng = random.Random(7)
    values = generated(3, 3000)
    limits = [None, Decimal("0.3"), Decimal("5"), Decimal("0.0005"), Decimal(0)]
    for value in values:
        limits.append(abs(value).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))
    for value in values:
        same = spellings(value)
        rng.shuffle(same)
        limit = rng.choice(limits)
        places = rng.choice((2, 3, 6))
        for v in same:  # each spelling after the others filled the caches
            assert core.fmt(v) == numbers.fmt(v), v
            assert core.show(v, limit, places) == reference_show(v, limit, places), (v, limit)
            assert core.show(v) == reference_show(v), v
    assert core.fmt(None) is None and core.show(None) is None
    assert core.fmt(Decimal("-0")) == "-0" and core.fmt(Decimal("0E-5")) == "0"
    assert core.show(Decimal("-0E-9")) == "-0" and core.show(Decimal("0E-9")) == "0"


def test_only_reads_any_iterable_of_keys_and_names_the_unknown_one():
    inputs.only({"a": 1}, ["a", "b"], "x")
    inputs.only({"a": 1}, (k for k in "ab"), "x")
    with pytest.raises(InputError) as exc:
        inputs.only({"a": 1, "c": 2}, ["b", "a"], "x")
    assert exc.value.path == "x.c" and "expected one of: a, b" in exc.value.message
    with pytest.raises(InputError) as exc:
        inputs.only({"a": 1, "c": 2}, ("b", "a"), "x")
    assert exc.value.path == "x.c" and "expected one of: a, b" in exc.value.message


PRICE = {
    "family": "scale",
    "check": "in_service",
    "instrument": {"accuracy_class": "III", "max": "15000", "e": "5", "unit": "g"},
    "tests": [{"kind": "weighing", "points": [{"load": "5000", "indication": "5005"}]}],
}


def test_nameplate_data_kept_only_under_its_exact_values_and_types():
    """A flag true and the number 1 are equal in Python but not the same field: the second
    is refused even after the first was read; a mapping that is not a plain dict, or data
    with lists or Decimals, is read each time, with the same results."""
    instrument = {**PRICE["instrument"], "price_computing": True}
    assert evaluate({**PRICE, "instrument": instrument})["verdict"] == "pass"
    with pytest.raises(InputError) as exc:
        evaluate({**PRICE, "instrument": {**instrument, "price_computing": 1}})
    assert exc.value.path == "instrument.price_computing"
    from types import MappingProxyType

    expected = evaluate(PRICE)
    assert evaluate({**PRICE, "instrument": MappingProxyType(PRICE["instrument"])}) == expected
    decimals = {
        k: Decimal(v) if k != "unit" and k != "accuracy_class" else v
        for k, v in PRICE["instrument"].items()
    }
    assert evaluate({**PRICE, "instrument": decimals}) == expected
    with pytest.raises(InputError) as exc:
        evaluate({**PRICE, "instrument": {**PRICE["instrument"], 1: "x", "e": "0"}})
    assert exc.value.path == "instrument.e"


def test_a_new_rule_data_version_is_laid_over_the_rule_set_again():
    """The same version string installed again with other values gives the new values."""
    request = {
        **PRICE,
        "tests": [{"kind": "weighing", "points": [{"load": "5000", "indication": "5015"}]}],
    }
    table = {"family": "scale", "ruleset": "JJG 539-2016", "key": "mpe_table"}
    try:
        ruledata.install(
            ruledata.parse(
                {
                    "version": "office-t",
                    "overrides": [
                        {**table, "data": {"III": [["500", "0.5"], ["2000", "1"], [None, "1.5"]]}}
                    ],
                }
            )
        )
        assert evaluate(request)["tests"][0]["items"][0]["mpe"] == "10"
        ruledata.install(
            ruledata.parse(
                {
                    "version": "office-t",
                    "overrides": [
                        {**table, "data": {"III": [["500", "2"], ["2000", "2"], [None, "2"]]}}
                    ],
                }
            )
        )
        assert evaluate(request)["tests"][0]["items"][0]["mpe"] == "20"
        assert evaluate(request)["rule_data"] == "office-t"
    finally:
        ruledata.uninstall("office-t")
    assert evaluate(request)["rule_data"] == "builtin-2"
