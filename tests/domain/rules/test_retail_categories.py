"""Retail short weight by goods category and for gold and silver jewellery
(零售商品称重计量监督管理办法 附表1), worked by hand."""

from __future__ import annotations

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.rules import evaluate


def recheck(unit_price, settled, actual, category=None, method="high_accuracy"):
    test = {
        "kind": "short_weight",
        "unit_price": unit_price,
        "settled_weight": settled,
        "actual_weight": actual,
        "recheck": method,
    }
    if category is not None:
        test["category"] = category
    return evaluate(
        {"family": "retail_goods", "check": "in_service", "instrument": {}, "tests": [test]}
    )


@pytest.mark.parametrize(
    "category, price, weight, by_category, by_price",
    [
        # fruit at 50 yuan/kg, 1.5 kg: the grain/vegetable/fruit row (1–2 kg: 40 g), not the
        # 30–100 yuan/kg row (1–4 kg: 4 g)
        ("staple", "50", "1.5", "40", "4"),
        # pork at 3 yuan/kg, 2 kg: the meat row (≤ 2.5 kg: 5 g), not ≤ 6 yuan/kg (1–2 kg: 40 g)
        ("meat", "3", "2", "5", "40"),
        # dried mushrooms at 150 yuan/kg, 3 kg: the dried row (1–4 kg: 4 g), not > 100 (2–5: 3 g)
        ("dried", "150", "3", "4", "3"),
    ],
)
def test_category_chooses_the_row_whatever_the_price(
    category, price, weight, by_category, by_price
):
    with_cat = recheck(price, weight, weight, category)
    test = with_cat["tests"][0]
    assert test["items"][0]["mpe"] == by_category
    assert test["category"] == category
    assert recheck(price, weight, weight)["tests"][0]["items"][0]["mpe"] == by_price
    assert recheck(price, weight, weight)["tests"][0]["category"] is None


def test_category_shortfall_exactly_on_the_deviation_passes():
    # meat 2 kg: 5 g allowed; 1.995 kg passes, 1.9949 kg fails
    assert recheck("40", "2", "1.995", "meat")["verdict"] == "pass"
    failed = recheck("40", "2", "1.9949", "meat")
    assert failed["verdict"] == "fail"
    assert failed["failed"] == ["2 kg at 40 yuan/kg"]


def test_category_price_on_an_edge_does_not_warn():
    result = recheck("6", "1.5", "1.5", "staple")
    assert not any("[band_edges]" in w for w in result["warnings"])
    assert any("[band_edges]" in w for w in recheck("6", "1.5", "1.5")["warnings"])


def test_category_table_limits():
    with pytest.raises(InputError) as exc:
        recheck("50", "7", "7", "dried")  # the dried row ends at 6 kg
    assert exc.value.path == "tests[0].settled_weight"
    upper = recheck("50", "5", "4.994", "dried")  # 4–6 kg: 6 g (upper band 🟡)
    assert upper["verdict"] == "pass"
    assert any("[band_c_upper]" in w for w in upper["warnings"])


def test_gold_jewellery_permits_a_hundredth_of_a_gram():
    # a 10.5 g ring: 0.01 g allowed
    on = recheck("600000", "0.0105", "0.01049", "gold")
    item = on["tests"][0]["items"][0]
    assert (item["mpe"], item["shortfall"], item["verdict"]) == ("0.01", "0.01", "pass")
    assert on["tests"][0]["band"] == "gold jewellery"
    assert on["warnings"] == []
    assert recheck("600000", "0.0105", "0.010489", "gold")["verdict"] == "fail"
    # on a scale of equal accuracy the shortfall may reach twice the deviation
    assert recheck("600000", "0.0105", "0.01048", "gold", "equal_accuracy")["verdict"] == "pass"
    assert recheck("600000", "0.0105", "0.010479", "gold", "equal_accuracy")["verdict"] == "fail"


def test_silver_jewellery_permits_a_tenth_of_a_gram():
    # a 50 g bangle: 0.1 g allowed
    assert recheck("8000", "0.05", "0.0499", "silver")["verdict"] == "pass"
    failed = recheck("8000", "0.05", "0.04989", "silver")
    assert failed["verdict"] == "fail"
    assert failed["tests"][0]["items"][0]["shortfall"] == "0.11"


def test_jewellery_row_is_per_piece_up_to_100_g():
    assert recheck("8000", "0.1", "0.1", "silver")["verdict"] == "pass"  # exactly 100 g
    with pytest.raises(InputError) as exc:
        recheck("8000", "0.1001", "0.1001", "silver")
    assert exc.value.path == "tests[0].settled_weight"
    assert "per piece" in exc.value.message


def test_unknown_category_is_refused():
    with pytest.raises(InputError) as exc:
        recheck("10", "1", "1", "platinum")
    assert exc.value.path == "tests[0].category"
    assert recheck("10", "1", "1", None)["verdict"] == "pass"


def test_goods_and_settled_amount_are_recorded_with_the_value_short():
    result = evaluate(
        {
            "family": "retail_goods",
            "check": "in_service",
            "instrument": {},
            "tests": [
                {
                    "kind": "short_weight",
                    "goods": "基围虾",
                    "category": "meat",
                    "unit_price": "88",
                    "settled_weight": "1.25",
                    "amount": "110",
                    "actual_weight": "1.23",
                    "recheck": "high_accuracy",
                }
            ],
        }
    )
    test = result["tests"][0]
    # 20 g short where 5 g is allowed; 0.02 kg × 88 yuan/kg = 1.76 yuan paid for nothing
    assert (test["verdict"], test["shortfall"], test["amount"], test["value_short"]) == (
        "fail",
        "20",
        "110",
        "1.76",
    )
    with pytest.raises(InputError) as exc:
        evaluate(
            {
                "family": "retail_goods",
                "check": "in_service",
                "instrument": {},
                "tests": [
                    {
                        "kind": "short_weight",
                        "goods": 7,
                        "unit_price": "88",
                        "settled_weight": "1",
                        "actual_weight": "1",
                        "recheck": "high_accuracy",
                    }
                ],
            }
        )
    assert exc.value.path == "tests[0].goods"
