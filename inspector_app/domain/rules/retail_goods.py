"""Short weight of goods sold by weight: 零售商品称重计量监督管理办法 (2004, amended 2020).

Appendix 1 gives the permitted shortfall (负偏差) by price band and weighed quantity ✅.
Band edges are read upper-inclusive (m ≤ 1 kg, 1 < m ≤ 2 kg; ≤ 6 yuan/kg, 6 < p ≤ 30 …) 🟡:
a value exactly on an edge adds a warning. A goods ``category`` chooses the row by kind of
goods whatever the price (grain, vegetables, fruit; meat, eggs, poultry, aquatic products,
pastry, sweets, condiments; dried vegetables and delicacies); gold and silver jewellery have
their own row, per piece of at most 100 g: gold 0.01 g, silver 0.1 g ✅.
Recheck (Art. 6): on the original instrument or a more accurate one the shortfall may
reach the deviation; on a scale of equal accuracy, 2 × 🟡.

shortfall = settled weight − actual weight; over-delivery (a negative shortfall) passes.
The item's ``error`` is actual − settled in grams (negative when short).
Live poultry, live fish and soaked goods are excluded from the measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inspector_app.domain.errors import InputError

from . import inputs as f
from .core import (
    Band,
    Confidence,
    Context,
    Family,
    Rule,
    band_lookup,
    bands,
    fmt,
    item,
    ruleset,
    show,
    test_result,
)
from .registry import register

C, S = Confidence.CONFIRMED, Confidence.SECONDARY
RECHECKS = ("original_instrument", "high_accuracy", "equal_accuracy")
FOOD_CATEGORIES = {"staple": 0, "meat": 1, "dried": 2}
"""Goods categories of Appendix 1 and the row (price-band index) each one takes."""
JEWELLERY = ("gold", "silver")
CATEGORIES = (*FOOD_CATEGORIES, *JEWELLERY)
CATEGORY_NAMES = {
    "staple": "grain, vegetables, fruit",
    "meat": "meat, eggs, poultry, aquatic products, pastry, sweets, condiments",
    "dried": "dried vegetables, delicacies",
    "gold": "gold jewellery",
    "silver": "silver jewellery",
}

# Appendix 1: price band (yuan/kg, upper-inclusive) → weighed quantity (kg) → shortfall (g)
PRICE_BANDS = bands(("6", "0"), ("30", "1"), ("100", "2"), (None, "3"))
BAND_NAMES = ("≤ 6 yuan/kg", "6–30 yuan/kg", "30–100 yuan/kg", "> 100 yuan/kg")
DEVIATIONS = (
    bands(("1", "20"), ("2", "40"), ("4", "80"), ("25", "100")),
    bands(("2.5", "5"), ("10", "10"), ("15", "15")),
    bands(("1", "2"), ("4", "4"), ("6", "6")),
    bands(("0.5", "1"), ("2", "2"), ("5", "3")),
)

RETAIL_2020 = ruleset(
    "retail_goods",
    "零售商品称重计量监督管理办法 2020",
    "零售商品称重计量监督管理办法 Retail weighing measures",
    "in force (2004, amended 2020)",
    [
        Rule(
            "price_bands",
            "零售商品称重计量监督管理办法 附表1",
            C,
            "price bands (yuan/kg): grain, vegetables, fruit or ≤ 6; 6–30; 30–100; > 100 (band index)",
            PRICE_BANDS,
        ),
        Rule(
            "deviations",
            "零售商品称重计量监督管理办法 附表1",
            C,
            "permitted shortfall (g) by weighed quantity (kg), one table per price band",
            DEVIATIONS,
        ),
        Rule(
            "band_c_upper",
            "零售商品称重计量监督管理办法 附表1 (30–100 yuan/kg, 4–6 kg)",
            S,
            "30–100 yuan/kg band above 4 kg: 6 g",
            Decimal(4),
        ),
        Rule(
            "band_edges",
            "零售商品称重计量监督管理办法 附表1 (band edges)",
            S,
            "band edges are upper-inclusive (m ≤ 1 kg, 1 < m ≤ 2 kg …)",
            None,
        ),
        Rule(
            "categories",
            "零售商品称重计量监督管理办法 附表1 (商品类别)",
            C,
            "goods categories take their row whatever the price: grain, vegetables, fruit → "
            "first row; meat, eggs, poultry, aquatic products, pastry, sweets, condiments → "
            "second; dried vegetables, delicacies → third (row index)",
            dict(FOOD_CATEGORIES),
        ),
        Rule(
            "jewellery",
            "零售商品称重计量监督管理办法 附表1 (金银饰品)",
            C,
            "gold and silver jewellery, per piece up to 100 g: permitted shortfall (g)",
            {"gold": Decimal("0.01"), "silver": Decimal("0.1")},
        ),
        Rule(
            "jewellery_piece",
            "零售商品称重计量监督管理办法 附表1 (金银饰品, 每件)",
            C,
            "the jewellery row applies to pieces of at most this weight (kg)",
            Decimal("0.1"),
        ),
        Rule(
            "recheck",
            "零售商品称重计量监督管理办法 第六条",
            C,
            "recheck on the original or a more accurate instrument: shortfall ≤ deviation (factor)",
            Decimal(1),
        ),
        Rule(
            "recheck_equal",
            "零售商品称重计量监督管理办法 第六条 (等准确度核称)",
            S,
            "recheck on an instrument of equal accuracy: shortfall ≤ 2 × deviation (factor)",
            Decimal(2),
        ),
    ],
    aliases=("零售商品称重计量监督管理办法", "retail-2020"),
)


@dataclass(frozen=True)
class Goods:
    unit_price: Decimal | None  # only for drawing an envelope


def parse_instrument(data: Mapping[str, Any], path: str) -> Goods:
    return Goods(f.optional_number(data, "unit_price", path, non_negative=True))


def _on_edge(table: tuple[Band, ...], x: Decimal) -> bool:
    return any(b.upper == x for b in table[:-1])


def deviation(
    ctx: Context, unit_price: Decimal, weight: Decimal, path: str, category: str | None = None
) -> tuple[Decimal, int]:
    """Permitted shortfall (g) and row index for *weight* kg at *unit_price* yuan/kg; a food
    *category* chooses the row instead of the price (jewellery: :func:`jewellery_deviation`)."""
    price_bands = ctx.rule("price_bands").data
    if category is not None:
        index = ctx.rule("categories").data[category]
        price_bands = ()  # the price does not choose the row, so no price-edge warning
    else:
        index = int(band_lookup(price_bands, unit_price).value)
    table = ctx.rule("deviations").data[index]
    if weight > table[-1].upper:
        raise InputError(
            path, f"is above the table for {BAND_NAMES[index]} ({fmt(table[-1].upper)} kg)"
        )
    if (price_bands and _on_edge(price_bands, unit_price)) or _on_edge(
        table + (Band(None, Decimal(0)),), weight
    ):
        ctx.rule("band_edges")
    if index == 2 and weight > ctx.ruleset.rule("band_c_upper").data:
        ctx.rule("band_c_upper")
    return band_lookup(table, weight).value, index


def jewellery_deviation(ctx: Context, metal: str, weight: Decimal, path: str) -> Decimal:
    """Permitted shortfall (g) of one gold or silver piece weighing *weight* kg."""
    piece = ctx.rule("jewellery_piece").data
    if weight > piece:
        raise InputError(
            path, f"is above the jewellery row ({fmt(piece * 1000)} g per piece); weigh per piece"
        )
    permitted: Decimal = ctx.rule("jewellery").data[metal]
    return permitted


def t_short_weight(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    f.only(
        test,
        (
            "kind",
            "unit_price",
            "settled_weight",
            "actual_weight",
            "recheck",
            "category",
            "goods",
            "amount",
        ),
        path,
    )
    f.text(test, "goods", path)  # what was sold, as recorded; not judged
    amount = f.optional_number(test, "amount", path, non_negative=True)
    unit_price = f.number(test, "unit_price", path, non_negative=True)
    settled = f.number(test, "settled_weight", path, positive=True)
    actual = f.number(test, "actual_weight", path, non_negative=True)
    recheck = f.choice(test, "recheck", path, RECHECKS)
    category = (
        f.choice(test, "category", path, CATEGORIES) if test.get("category") is not None else None
    )
    weight_path = f.join(path, "settled_weight")
    if category in JEWELLERY:
        dev = jewellery_deviation(ctx, category, settled, weight_path)
        band, deviations = CATEGORY_NAMES[category], ctx.ruleset.rule("jewellery")
    else:
        dev, index = deviation(ctx, unit_price, settled, weight_path, category)
        band = CATEGORY_NAMES[category] if category is not None else BAND_NAMES[index]
        deviations = ctx.ruleset.rule("deviations")
    factor_rule = ctx.rule("recheck_equal" if recheck == "equal_accuracy" else "recheck")
    limit = dev * factor_rule.data
    shortfall = (settled - actual) * 1000
    it = item(
        f"{fmt(settled)} kg at {fmt(unit_price)} yuan/kg",
        error=-shortfall,
        mpe=limit,
        unit="g",
        rule=deviations,
        passed=shortfall <= limit,
        shortfall=fmt(shortfall),
    )
    extra = {}
    if amount is not None:  # the amount settled, as recorded: the money paid for the shortfall
        extra = {"amount": fmt(amount), "value_short": show((settled - actual) * unit_price)}
    return test_result(
        "short_weight", [it], band=band, category=category, shortfall=fmt(shortfall), **extra
    )


def envelope(ctx: Context, weight: Decimal, path: str) -> Decimal:
    """Permitted shortfall (g) at a weight (kg); needs instrument ``unit_price``."""
    if ctx.instrument.unit_price is None:
        raise InputError("instrument.unit_price", "is required to choose the price band")
    if weight <= 0:
        raise InputError(path, "weight must be greater than zero")
    return deviation(ctx, ctx.instrument.unit_price, weight, path)[0]


FAMILY = register(
    Family(
        name="retail_goods",
        order=70,
        label_zh="零售商品称重",
        label_en="Retail goods (short weight)",
        rulesets=(RETAIL_2020,),
        parse_instrument=parse_instrument,
        tests={"short_weight": t_short_weight},
        envelope=envelope,
        envelope_axis="weight (kg) → permitted shortfall (g)",
    )
)
