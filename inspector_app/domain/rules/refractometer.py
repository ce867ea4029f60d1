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

from inspector_app.domain.numbers import fmt

from . import inputs as f
from . import pd_meter
from .core import (
    NOT_APPLICABLE,
    Confidence,
    Context,
    Family,
    Rule,
    band_lookup,
    bands,
    item,
    ruleset,
    test_result,
)
from .registry import register

S, U = Confidence.SECONDARY, Confidence.UNCONFIRMED
UNIT = "m⁻¹"
NOTE = "JJG 892-2022 limits not found; JJG 892-2011 values carried."

JJG_892 = ruleset(
    "refractometer",
    "JJG 892-2022",
    "验光仪 Eye refractometers",
    "in force since 2022-12-28 (replaces JJG 892-2011); 2011 limits carried",
    [
        Rule(
            "sphere",
            "JJG 892-2022 (JJG 892-2011 sphere power MPE)",
            S,
            "sphere power MPE ±0.25 m⁻¹ for |nominal| ≤ 10 m⁻¹, ±0.50 m⁻¹ beyond",
            bands(("10", "0.25"), (None, "0.50")),
            note=NOTE,
        ),
        Rule(
            "sphere_boundary",
            "JJG 892-2022 (JJG 892-2011; boundary at ±10 m⁻¹)",
            U,
            "at exactly ±10 m⁻¹ the closed interval (±0.25 m⁻¹) is used",
            Decimal(10),
        ),
        Rule(
            "pd",
            "JJG 892-2022 (JJG 892-2011 5.6)",
            S,
            "PD MPE ±1 mm for instruments with a PD function (mm)",
            Decimal(1),
            note=NOTE,
        ),
    ],
    aliases=("JJG 892",),
)


@dataclass(frozen=True)
class Refractometer:
    has_pd: bool


def parse_instrument(data: Mapping, path: str) -> Refractometer:
    return Refractometer(f.boolean(data, "has_pd", path, default=True))


def sphere_mpe(ctx: Context, nominal: Decimal) -> tuple[Decimal, object]:
    rule = ctx.rule("sphere")
    if abs(nominal) == ctx.ruleset.rule("sphere_boundary").data:
        ctx.rule("sphere_boundary")
    return band_lookup(rule.data, abs(nominal)).value, rule


def t_sphere(ctx: Context, test: Mapping, path: str) -> dict:
    """Mean of the readings − certified model-eye value, against the MPE for the nominal."""
    f.only(test, ("kind", "eyes"), path)
    items = []
    for eye, ep in f.objects(test, "eyes", path):
        f.only(eye, ("nominal", "certified", "readings"), ep)
        nominal = f.number(eye, "nominal", ep)
        readings = f.numbers(eye, "readings", ep)
        mean = sum(readings, Decimal(0)) / len(readings)
        mpe, rule = sphere_mpe(ctx, nominal)
        error = mean - f.number(eye, "certified", ep)
        items.append(
            item(
                f"{fmt(nominal)} {UNIT}",
                error=error,
                mpe=mpe,
                unit=UNIT,
                rule=rule,  # type: ignore[arg-type]
                places=3,
                mean=fmt(mean.quantize(Decimal("0.001"))),
            )
        )
    return test_result("sphere", items)


def t_pd(ctx: Context, test: Mapping, path: str) -> dict:
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
        rulesets=(JJG_892,),
        parse_instrument=parse_instrument,
        tests={"sphere": t_sphere, "pd": t_pd},
        envelope=envelope,
        envelope_axis="nominal sphere power (m⁻¹) → MPE (m⁻¹)",
    )
)
