"""Eye refractometers (验光仪): JJG 892-2022, carrying the JJG 892-2011 numbers.

The 2022 limits were not found, so the 2011 ones are used with a warning 🟡:
sphere ±0.25 m⁻¹ within −10 … +10 m⁻¹, ±0.50 m⁻¹ beyond (the MPE at exactly ±10 is not
stated: the closed interval is used, with a warning ❓); PD ±1 mm for instruments with a
PD function (§5.6). An instrument without one is "not applicable" for PD, not failed.
Error = mean of the readings − certified value of the model eye.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from inspector_app.domain.errors import InputError

from . import focimeter, pd_meter
from . import inputs as f
from .core import (
    NOT_APPLICABLE,
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
from .scale import runs_note

S, U = Confidence.SECONDARY, Confidence.UNCONFIRMED
UNIT = "m⁻¹"
NOTE = "JJG 892-2022 limits not found; JJG 892-2011 values carried."
THOUSANDTH = Decimal("0.001")


def _rules(edition: str, note: str, clauses: dict[str, str]) -> list[Rule]:
    """The rules of one edition; *note* says when the 2011 numbers are carried."""
    return [
        Rule(
            "sphere",
            clauses["sphere"],
            S,
            "sphere power MPE ±0.25 m⁻¹ for |nominal| ≤ 10 m⁻¹, ±0.50 m⁻¹ beyond",
            bands(("10", "0.25"), (None, "0.50")),
            note=note,
            legacy_clause=clauses.get("sphere_legacy"),
        ),
        Rule(
            "sphere_boundary",
            clauses["sphere_boundary"],
            U,
            "at exactly ±10 m⁻¹ the closed interval (±0.25 m⁻¹) is used",
            Decimal(10),
            legacy_clause=clauses.get("sphere_boundary_legacy"),
        ),
        Rule(
            "pd",
            clauses["pd"],
            S,
            "PD MPE ±1 mm for instruments with a PD function (mm)",
            Decimal(1),
            note=note,
        ),
        Rule(
            "readings",
            f"{edition} §7 计量器具控制 (3 readings of each model eye, averaged)",
            S,
            "readings asked for on each model eye (fewer warn)",
            Decimal(3),
        ),
        Rule(
            "cylinder",
            f"{edition} §5 计量性能要求 (柱镜顶焦度; placeholder: the sphere MPE)",
            U,
            "cylinder power MPE on the ±3 m⁻¹ cylinder model eyes (m⁻¹; placeholder)",
            bands(("10", "0.25"), (None, "0.50")),
            note="No cylinder MPE was seen; the sphere values are used as a placeholder.",
        ),
        Rule(
            "axis",
            f"{edition} §5 计量性能要求 (柱镜轴位; placeholder, clause not seen)",
            U,
            "cylinder axis MPE (degrees; placeholder); the error is taken across 0°/180°",
            Decimal(5),
            note="No axis MPE was seen; ±5° is a placeholder.",
        ),
        Rule(
            "zero",
            f"{edition} §5 计量性能要求 (plano model eye: the sphere MPE at 0 m⁻¹)",
            S,
            "zero: the mean reading on the plano (0 m⁻¹) model eye within the sphere MPE at 0",
            None,
            note=note,
        ),
        adjustment_rule(edition),
    ]


JJG_892 = ruleset(
    "refractometer",
    "JJG 892-2022",
    "验光仪 Eye refractometers",
    "in force since 2022-12-28 (replaces JJG 892-2011); 2011 limits carried",
    _rules(
        "JJG 892-2022",
        NOTE,
        {
            "sphere": "JJG 892-2022 §5 计量性能要求 (JJG 892-2011 value: sphere power MPE)",
            "sphere_legacy": "JJG 892-2022 (JJG 892-2011 sphere power MPE)",
            "sphere_boundary": "JJG 892-2022 §5 (JJG 892-2011; boundary at ±10 m⁻¹)",
            "sphere_boundary_legacy": "JJG 892-2022 (JJG 892-2011; boundary at ±10 m⁻¹)",
            "pd": "JJG 892-2022 (JJG 892-2011 5.6)",
        },
    ),
    aliases=("JJG 892",),
    in_force=InForce(
        "2022-12-28",
        None,
        scope="eye refractometers",
        clause="JJG 892-2022 cover (issued 2022-06-28, in force 2022-12-28)",
    ),
)

JJG_892_2011 = ruleset(
    "refractometer",
    "JJG 892-2011",
    "验光仪 Eye refractometers (superseded 2022-12-28)",
    "superseded by JJG 892-2022; for inspections dated while it was in force",
    _rules(
        "JJG 892-2011",
        "",
        {
            "sphere": "JJG 892-2011 §5 计量性能要求 (sphere power MPE)",
            "sphere_boundary": "JJG 892-2011 §5 (boundary at ±10 m⁻¹ not stated)",
            "pd": "JJG 892-2011 5.6",
        },
    ),
    in_force=InForce(
        "2011-01-01",
        "2022-12-27",
        start_confirmed=False,
        scope="eye refractometers",
        clause="JJG 892-2022 cover (replaces JJG 892-2011 from 2022-12-28)",
    ),
)


@dataclass(frozen=True)
class Refractometer:
    has_pd: bool


def parse_instrument(data: Mapping[str, Any], path: str) -> Refractometer:
    return Refractometer(f.boolean(data, "has_pd", path, default=True))


def sphere_mpe(ctx: Context, nominal: Decimal) -> tuple[Decimal, Rule]:
    rule = ctx.rule("sphere")
    if abs(nominal) == ctx.ruleset.rule("sphere_boundary").data:
        ctx.rule("sphere_boundary")
    return band_lookup(rule.data, abs(nominal)).value, rule


def t_sphere(
    ctx: Context, test: Mapping[str, Any], path: str, kind: str = "sphere"
) -> dict[str, Any]:
    """Mean of the readings − certified model-eye value, against the MPE for the nominal."""
    f.only(test, ("kind", "eyes"), path)
    items = []
    for eye, ep in f.objects(test, "eyes", path):
        f.only(eye, ("nominal", "certified", "readings"), ep)
        nominal = f.number(eye, "nominal", ep)
        readings = f.numbers(eye, "readings", ep)
        runs_note(
            ctx, "readings", len(readings), f"reading(s) of the {fmt(nominal)} {UNIT} model eye"
        )
        mean = sum(readings, Decimal(0)) / len(readings)
        if kind == "cylinder":
            rule = ctx.rule("cylinder")
            mpe = band_lookup(rule.data, abs(nominal)).value
        else:
            mpe, rule = sphere_mpe(ctx, nominal)
        error = mean - f.number(eye, "certified", ep)
        items.append(
            item(
                f"{fmt(nominal)} {UNIT}",
                error=error,
                mpe=mpe,
                unit=UNIT,
                rule=rule,
                places=3,
                mean=fmt(mean.quantize(THOUSANDTH)),
            )
        )
    return test_result(kind, items)


def t_cylinder(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Cylinder model eyes (±3 m⁻¹ at 0° and 90°): mean − certified cylinder power."""
    return t_sphere(ctx, test, path, "cylinder")


def t_axis(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Cylinder axis: the mean of (reading − certified) taken across 0°/180°, per eye."""
    f.only(test, ("kind", "eyes"), path)
    rule = ctx.rule("axis")
    items = []
    for eye, ep in f.objects(test, "eyes", path):
        f.only(eye, ("certified", "readings"), ep)
        certified = focimeter.read_axis(eye, "certified", ep)
        readings = f.numbers(eye, "readings", ep)
        for i, r in enumerate(readings):
            if not 0 <= r <= 180:
                raise InputError(
                    f.join(f.join(ep, "readings"), i), "an axis lies between 0° and 180°"
                )
        runs_note(ctx, "readings", len(readings), f"reading(s) of the {fmt(certified)}° axis")
        errors = [focimeter.axis_error(r, certified) for r in readings]
        error = sum(errors, Decimal(0)) / len(errors)
        items.append(
            item(
                f"axis {fmt(certified)}°", error=error, mpe=rule.data, unit="°", rule=rule, places=3
            )
        )
    return test_result("axis", items)


def t_zero(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Plano model eye: mean of the readings − certified, within the sphere MPE at 0."""
    f.only(test, ("kind", "certified", "readings"), path)
    rule = ctx.rule("zero")
    readings = f.numbers(test, "readings", path)
    runs_note(ctx, "readings", len(readings), "reading(s) of the plano model eye")
    mean = sum(readings, Decimal(0)) / len(readings)
    mpe, _ = sphere_mpe(ctx, Decimal(0))
    error = mean - f.number(test, "certified", path, default=0)
    return test_result(
        "zero",
        [
            item(
                "zero",
                error=error,
                mpe=mpe,
                unit=UNIT,
                rule=rule,
                places=3,
                mean=fmt(mean.quantize(THOUSANDTH)),
            )
        ],
    )


def t_pd(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """PD reading − reference, ±1 mm; "not_applicable" for instruments without PD."""
    f.only(test, ("kind", "items"), path)
    if not ctx.instrument.has_pd:
        return {"kind": "pd", "verdict": NOT_APPLICABLE, "items": []}
    return pd_meter.t_pd(ctx, test, path)  # the same reading-minus-reference judgement


def envelope(ctx: Context, nominal: Decimal, path: str) -> Decimal:
    """Sphere-power MPE (m⁻¹) at a nominal power (m⁻¹)."""
    return sphere_mpe(ctx, nominal)[0]


FAMILY = register(
    Family(
        name="refractometer",
        order=40,
        label_zh="验光仪",
        label_en="Refractometer",
        rulesets=(JJG_892, JJG_892_2011),
        parse_instrument=parse_instrument,
        tests={
            "sphere": t_sphere,
            "cylinder": t_cylinder,
            "axis": t_axis,
            "zero": t_zero,
            "pd": t_pd,
        },
        envelope=envelope,
        envelope_axis="nominal sphere power (m⁻¹) → MPE (m⁻¹)",
    )
)
