"""Focimeters / lensmeters (焦度计): JJG 580-2005.

Zero error ≤ 0.03 D (0.02 D for instruments with 0.01 D resolution) 🟡. The vertex-power
and prism tolerance tables were not seen: placeholder values ❓ that warn on every use.
Error = reading − certified value of the reference lens; the band follows the nominal power.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inspector_app.domain.errors import InputError
from inspector_app.domain.numbers import parse_decimal

from . import inputs as f
from .core import (
    Confidence,
    Context,
    Family,
    InForce,
    Rule,
    adjustment_rule,
    band_lookup,
    bands,
    fmt,
    item,
    ruleset,
    test_result,
)
from .registry import register

S, U = Confidence.SECONDARY, Confidence.UNCONFIRMED
D = Decimal
HUNDREDTH = D("0.01")

JJG_580 = ruleset(
    "focimeter",
    "JJG 580-2005",
    "焦度计 Focimeters",
    "in force",
    [
        Rule(
            "zero",
            "JJG 580-2005 §5 计量性能要求 (零位误差; sub-clause not seen)",
            S,
            "zero error ≤ 0.03 D; ≤ 0.02 D for 0.01 D resolution after warm-up (D)",
            {"0.01": D("0.02"), "other": D("0.03")},
            note="The source cites older documents; the edition these figures belong to is not confirmed.",
            legacy_clause="JJG 580-2005 (zero error)",
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
            "JJG 580-2005 §5 计量性能要求 (棱镜度示值误差; sub-clause not seen)",
            U,
            "prism tolerance by |nominal| (Δ; placeholder)",
            bands(("5", "0.1")),
            legacy_clause="JJG 580-2005 (prism tolerance)",
        ),
        Rule(
            "cylinder",
            "JJG 580-2005 Table 1 (cylinder lenses; placeholder: the vertex-power bands)",
            U,
            "cylinder-power tolerance by |nominal| of the reference cylinder (D; placeholder)",
            bands(("5", "0.06"), ("10", "0.09"), ("15", "0.12"), ("20", "0.18"), ("25", "0.25")),
            note="No cylinder tolerance was seen; the sphere placeholder bands are used.",
        ),
        Rule(
            "axis",
            "JJG 580-2005 §5 计量性能要求 (柱镜轴位; placeholder, clause not seen)",
            U,
            "cylinder axis tolerance (degrees; placeholder); the error is taken across 0°/180°",
            D(2),
            note="No axis tolerance was seen; ±2° is a placeholder.",
        ),
        Rule(
            "residual_prism",
            "JJG 580-2005 §5 计量性能要求 (无镜片时的残余棱镜度)",
            S,
            "residual prism with no lens ≤ 0.1 Δ",
            D("0.1"),
            note="The source cites older documents; the edition is not confirmed.",
        ),
        Rule(
            "parallax",
            "JJG 580-2005 §5 计量性能要求 (视差, visual and projection types)",
            S,
            "parallax ≤ 0.1 Δ (visual and projection focimeters)",
            D("0.1"),
            note="The source cites older documents; the edition is not confirmed.",
        ),
        adjustment_rule("JJG 580-2005"),
    ],
    in_force=InForce(
        "2005-01-01",
        None,
        start_confirmed=False,
        scope="focimeters (lensmeters)",
        clause="JJG 580-2005 cover (day not seen)",
    ),
)


@dataclass(frozen=True)
class Focimeter:
    resolution: Decimal | str | None  # a Decimal, "manual", or None when not given


def parse_instrument(data: Mapping[str, Any], path: str) -> Focimeter:
    value = data.get("resolution")
    if value is None or value == "manual":
        return Focimeter(value)
    return Focimeter(parse_decimal(value, f.join(path, "resolution"), positive=True))


def tolerance(ctx: Context, key: str, nominal: Decimal, path: str) -> tuple[Decimal, object]:
    rule = ctx.rule(key)
    top = rule.data[-1].upper
    if top is not None and abs(nominal) > top:
        raise InputError(path, f"is outside the tolerance table (|nominal| ≤ {fmt(top)})")
    return band_lookup(rule.data, abs(nominal)).value, rule


def t_zero(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    f.only(test, ("kind", "reading"), path)
    resolution = ctx.instrument.resolution
    if resolution is None:
        raise InputError(
            "instrument.resolution", 'is required for the zero test ("0.01", "0.125" or "manual")'
        )
    rule = ctx.rule("zero")
    mpe = rule.data["0.01" if resolution == HUNDREDTH else "other"]
    reading = f.number(test, "reading", path)
    return test_result("zero", [item("zero", error=reading, mpe=mpe, unit="D", rule=rule)])


def _compare(
    ctx: Context, test: Mapping[str, Any], path: str, kind: str, key: str, list_key: str, unit: str
) -> dict[str, Any]:
    f.only(test, ("kind", list_key), path)
    items = []
    for x, xp in f.objects(test, list_key, path):
        f.only(x, ("nominal", "certified", "reading"), xp)
        nominal = f.number(x, "nominal", xp)
        mpe, rule = tolerance(ctx, key, nominal, f.join(xp, "nominal"))
        error = f.number(x, "reading", xp) - f.number(x, "certified", xp)
        items.append(item(f"{fmt(nominal)} {unit}", error=error, mpe=mpe, unit=unit, rule=rule))  # type: ignore[arg-type]
    return test_result(kind, items)


def t_vertex_power(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Error = reading − certified, against the tolerance for the lens's nominal power."""
    return _compare(ctx, test, path, "vertex_power", "vertex_power", "lenses", "D")


def t_prism(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    return _compare(ctx, test, path, "prism", "prism", "items", "Δ")


def t_cylinder(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Reference cylinder lenses: reading − certified cylinder power, against the tolerance
    for the nominal cylinder (placeholder bands)."""
    return _compare(ctx, test, path, "cylinder", "cylinder", "lenses", "D")


def axis_error(reading: Decimal, certified: Decimal) -> Decimal:
    """reading − certified axis in degrees, taken the short way across 0°/180°
    (an axis of 179° and one of 1° are 2° apart): the result lies in (−90°, 90°]."""
    diff = (reading - certified) % 180  # Decimal % keeps the dividend's sign
    if diff < 0:
        diff += 180
    return diff - 180 if diff > 90 else diff


def read_axis(x: Mapping[str, Any], key: str, path: str) -> Decimal:
    value = f.number(x, key, path, non_negative=True)
    if value > 180:
        raise InputError(f.join(path, key), "an axis lies between 0° and 180°")
    return value


def t_axis(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Cylinder axis: reading − certified axis across 0°/180°, against the axis tolerance."""
    f.only(test, ("kind", "items"), path)
    rule = ctx.rule("axis")
    items = []
    for x, xp in f.objects(test, "items", path):
        f.only(x, ("certified", "reading"), xp)
        certified = read_axis(x, "certified", xp)
        error = axis_error(read_axis(x, "reading", xp), certified)
        items.append(
            item(f"axis {fmt(certified)}°", error=error, mpe=rule.data, unit="°", rule=rule)
        )
    return test_result("axis", items)


def _single(
    ctx: Context, test: Mapping[str, Any], path: str, kind: str, label: str
) -> dict[str, Any]:
    f.only(test, ("kind", "reading"), path)
    rule = ctx.rule(kind)
    reading = f.number(test, "reading", path)
    return test_result(kind, [item(label, error=reading, mpe=rule.data, unit="Δ", rule=rule)])


def t_residual_prism(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Prism read with no lens in place: |reading| ≤ 0.1 Δ."""
    return _single(ctx, test, path, "residual_prism", "residual prism")


def t_parallax(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Parallax of a visual or projection focimeter: |reading| ≤ 0.1 Δ."""
    return _single(ctx, test, path, "parallax", "parallax")


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
        tests={
            "zero": t_zero,
            "vertex_power": t_vertex_power,
            "prism": t_prism,
            "cylinder": t_cylinder,
            "axis": t_axis,
            "residual_prism": t_residual_prism,
            "parallax": t_parallax,
        },
        envelope=envelope,
        envelope_axis="nominal power (D) → MPE (D)",
    )
)
