"""Focimeters / lensmeters (焦度计): JJG 580-2005.

Zero error ≤ 0.03 D (0.02 D for instruments with 0.01 D resolution) 🟡. The vertex-power
and prism tolerance tables were not seen: placeholder values ❓ that warn on every use.
Error = reading − certified value of the reference lens; the band follows the nominal power.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from inspector_app.domain.errors import InputError
from inspector_app.domain.numbers import fmt, parse_decimal

from . import inputs as f
from .core import Confidence, Context, Family, Rule, band_lookup, bands, item, ruleset, test_result
from .registry import register

S, U = Confidence.SECONDARY, Confidence.UNCONFIRMED
D = Decimal

JJG_580 = ruleset(
    "focimeter",
    "JJG 580-2005",
    "焦度计 Focimeters",
    "in force",
    [
        Rule(
            "zero",
            "JJG 580-2005 (zero error)",
            S,
            "zero error ≤ 0.03 D; ≤ 0.02 D for 0.01 D resolution after warm-up (D)",
            {"0.01": D("0.02"), "other": D("0.03")},
            note="The source cites older documents; the edition these figures belong to is not confirmed.",
        ),
        Rule(
            "vertex_power",
            "JJG 580-2005 Table 1",
            U,
            "vertex-power tolerance by |nominal| of the reference lens (D; placeholder)",
            bands(("5", "0.06"), ("10", "0.09"), ("15", "0.12"), ("20", "0.18"), ("25", "0.25")),
        ),
        Rule(
            "prism",
            "JJG 580-2005 (prism tolerance)",
            U,
            "prism tolerance by |nominal| (Δ; placeholder)",
            bands(("5", "0.1")),
        ),
    ],
)


@dataclass(frozen=True)
class Focimeter:
    resolution: Decimal | str | None  # a Decimal, "manual", or None when not given


def parse_instrument(data: Mapping, path: str) -> Focimeter:
    value = data.get("resolution")
    if value is None or value == "manual":
        return Focimeter(value)
    return Focimeter(parse_decimal(value, f.join(path, "resolution"), positive=True))


def tolerance(ctx: Context, key: str, nominal: Decimal, path: str) -> tuple[Decimal, object]:
    rule = ctx.rule(key)
    top = rule.data[-1].upper
    if abs(nominal) > top:
        raise InputError(path, f"is outside the tolerance table (|nominal| ≤ {fmt(top)})")
    return band_lookup(rule.data, abs(nominal)).value, rule


def t_zero(ctx: Context, test: Mapping, path: str) -> dict:
    f.only(test, ("kind", "reading"), path)
    resolution = ctx.instrument.resolution
    if resolution is None:
        raise InputError(
            "instrument.resolution", 'is required for the zero test ("0.01", "0.125" or "manual")'
        )
    rule = ctx.rule("zero")
    mpe = rule.data["0.01" if resolution == D("0.01") else "other"]
    reading = f.number(test, "reading", path)
    return test_result("zero", [item("zero", error=reading, mpe=mpe, unit="D", rule=rule)])


def _compare(
    ctx: Context, test: Mapping, path: str, kind: str, key: str, list_key: str, unit: str
) -> dict:
    f.only(test, ("kind", list_key), path)
    items = []
    for x, xp in f.objects(test, list_key, path):
        f.only(x, ("nominal", "certified", "reading"), xp)
        nominal = f.number(x, "nominal", xp)
        mpe, rule = tolerance(ctx, key, nominal, f.join(xp, "nominal"))
        error = f.number(x, "reading", xp) - f.number(x, "certified", xp)
        items.append(item(f"{fmt(nominal)} {unit}", error=error, mpe=mpe, unit=unit, rule=rule))  # type: ignore[arg-type]
    return test_result(kind, items)


def t_vertex_power(ctx: Context, test: Mapping, path: str) -> dict:
    """Error = reading − certified, against the tolerance for the lens's nominal power."""
    return _compare(ctx, test, path, "vertex_power", "vertex_power", "lenses", "D")


def t_prism(ctx: Context, test: Mapping, path: str) -> dict:
    return _compare(ctx, test, path, "prism", "prism", "items", "Δ")


def envelope(ctx: Context, nominal: Decimal, path: str) -> Decimal:
    """Vertex-power tolerance (D) at a nominal power (D)."""
    return tolerance(ctx, "vertex_power", nominal, path)[0]


FAMILY = register(
    Family(
        name="focimeter",
        order=30,
        label_zh="焦度计",
        label_en="Focimeter",
        rulesets=(JJG_580,),
        parse_instrument=parse_instrument,
        tests={"zero": t_zero, "vertex_power": t_vertex_power, "prism": t_prism},
        envelope=envelope,
        envelope_axis="nominal power (D) → MPE (D)",
    )
)
