"""Retail short-weight rules: 零售商品称重计量监督管理办法, Appendix 1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate, mpe_envelope


def check(unit_price, settled, actual, recheck="high_accuracy"):
    return evaluate(
        {
            "family": "retail_goods",
            "check": "in_service",
            "instrument": {},
            "tests": [
                {
                    "kind": "short_weight",
                    "unit_price": unit_price,
                    "settled_weight": settled,
                    "actual_weight": actual,
                    "recheck": recheck,
                }
            ],
        }
    )


@pytest.mark.parametrize(
    "price, weight, dev",
    [
        ("3", "0.5", "20"),
        ("3", "1.5", "40"),
        ("3", "3", "80"),
        ("3", "20", "100"),
        ("12", "2", "5"),
        ("12", "5", "10"),
        ("12", "12", "15"),
        ("50", "0.5", "2"),
        ("50", "3", "4"),
        ("150", "0.3", "1"),
        ("150", "1", "2"),
        ("150", "4", "3"),
    ],
)
def test_permitted_shortfall(price, weight, dev):
    w = Decimal(weight)
    on = check(price, weight, str(w - Decimal(dev) / 1000))
    item = on["tests"][0]["items"][0]
    assert (item["mpe"], item["unit"], item["verdict"], item["shortfall"]) == (
        dev,
        "g",
        "pass",
        dev,
    )
    assert item["error"] == f"-{dev}"
    beyond = check(price, weight, str(w - (Decimal(dev) + Decimal("0.1")) / 1000))
    assert beyond["verdict"] == "fail"
    assert on["warnings"] == []


def test_price_band_edges_are_upper_inclusive_with_warning():
    result = check("6", "2.5", "2.48")
    assert result["tests"][0]["band"] == "≤ 6 yuan/kg"
    assert result["tests"][0]["items"][0]["mpe"] == "80"
    assert any("[band_edges]" in w for w in result["warnings"])
    assert check("6.01", "2", "2")["tests"][0]["band"] == "6–30 yuan/kg"
    assert check("30", "1", "1")["tests"][0]["band"] == "6–30 yuan/kg"
    assert check("100", "1", "1")["tests"][0]["band"] == "30–100 yuan/kg"


def test_weight_edge_warns():
    result = check("3", "1", "0.98")
    assert result["tests"][0]["items"][0]["mpe"] == "20"
    assert any("[band_edges]" in w for w in result["warnings"])


def test_band_c_upper_band_is_secondary():
    result = check("50", "5", "4.994")
    assert result["tests"][0]["items"][0]["mpe"] == "6"
    assert any("[band_c_upper]" in w for w in result["warnings"])


def test_equal_accuracy_recheck_doubles():
    result = check("12", "2", "1.99", "equal_accuracy")
    assert result["tests"][0]["items"][0]["mpe"] == "10"
    assert result["verdict"] == "pass"
    assert any("[recheck_equal]" in w for w in result["warnings"])


def test_over_delivery_passes():
    result = check("12", "2", "2.1")
    assert result["verdict"] == "pass"
    assert result["tests"][0]["shortfall"] == "-100"


@pytest.mark.parametrize(
    "fields, path",
    [
        (
            {
                "unit_price": 3,
                "settled_weight": 26,
                "actual_weight": 26,
                "recheck": "high_accuracy",
            },
            "tests[0].settled_weight",
        ),
        (
            {"unit_price": 3, "settled_weight": 1, "actual_weight": 1, "recheck": "guess"},
            "tests[0].recheck",
        ),
        ({"unit_price": 3, "settled_weight": 1, "actual_weight": 1}, "tests[0].recheck"),
        (
            {"unit_price": -3, "settled_weight": 1, "actual_weight": 1, "recheck": "high_accuracy"},
            "tests[0].unit_price",
        ),
        (
            {"unit_price": 3, "settled_weight": 0, "actual_weight": 1, "recheck": "high_accuracy"},
            "tests[0].settled_weight",
        ),
    ],
)
def test_invalid(fields, path):
    with pytest.raises(InputError) as exc:
        evaluate(
            {
                "family": "retail_goods",
                "check": "initial",
                "instrument": {},
                "tests": [{"kind": "short_weight", **fields}],
            }
        )
    assert exc.value.path == path


def test_envelope():
    assert mpe_envelope("retail_goods", None, "initial", {"unit_price": "12"}, ["2.5", "10"]) == [
        (Decimal("2.5"), Decimal(5)),
        (Decimal(10), Decimal(10)),
    ]
    with pytest.raises(InputError) as exc:
        mpe_envelope("retail_goods", None, "initial", {}, ["1"])
    assert exc.value.path == "instrument.unit_price"
    with pytest.raises(InputError) as exc:
        mpe_envelope("retail_goods", None, "initial", {"unit_price": 1}, ["0"])
    assert exc.value.path == "xs[0]"
