"""Pupillary-distance meters (瞳距仪): JJG 952-2014.

The regulation's MPE was not found ❓. The limit is configurable rule data (placeholder
±1 mm, the PD tolerance JJG 892 sets for refractometers) and every result warns.
Error = reading − reference sleeve distance (e.g. 55, 65, 75 mm).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import inputs as f
from .core import (
    Confidence,
    Context,
    Family,
    InForce,
    Rule,
    adjustment_rule,
    fmt,
    item,
    ruleset,
    test_result,
)
from .registry import register

JJG_952 = ruleset(
    "pd_meter",
    "JJG 952-2014",
    "瞳距仪 Pupillary-distance meters",
    "in force (replaces JJG 952-2000); MPE not found",
    [
        Rule(
            "pd",
            "JJG 952-2014 §5 计量性能要求 (示值误差; placeholder, clause not seen)",
            Confidence.UNCONFIRMED,
            "PD reading MPE (mm; placeholder borrowed from JJG 892 5.6)",
            Decimal(1),
            legacy_clause="JJG 952-2014 (reading error; placeholder)",
        ),
        Rule(
            "asymmetry",
            "JJG 952-2014 §5 计量性能要求 (左右对称性; placeholder, clause not seen)",
            Confidence.UNCONFIRMED,
            "left/right asymmetry on a symmetric reference sleeve: |left − right| (mm; "
            "placeholder)",
            Decimal("0.5"),
            note="No asymmetry tolerance was seen; 0.5 mm is a placeholder.",
        ),
        adjustment_rule("JJG 952-2014"),
    ],
    aliases=("JJG 952",),
    in_force=InForce(
        "2014-01-01",
        None,
        start_confirmed=False,
        scope="pupillary-distance meters",
        clause="JJG 952-2014 cover (replaces JJG 952-2000; day not seen)",
    ),
)


def parse_instrument(data: Mapping[str, Any], path: str) -> None:
    return None


def t_pd(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Each PD reading minus its reference against the rule set's ``pd`` MPE (mm); the
    refractometer's PD test uses this too."""
    f.only(test, ("kind", "items"), path)
    rule = ctx.rule("pd")
    items = []
    for x, xp in f.objects(test, "items", path):
        f.only(x, ("reference", "reading"), xp)
        reference = f.number(x, "reference", xp, positive=True)
        error = f.number(x, "reading", xp, positive=True) - reference
        items.append(item(f"{fmt(reference)} mm", error=error, mpe=rule.data, unit="mm", rule=rule))
    return test_result("pd", items)


def t_asymmetry(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Left and right half-distances read on a symmetric reference sleeve: the error is
    left − right, against the asymmetry tolerance."""
    f.only(test, ("kind", "items"), path)
    rule = ctx.rule("asymmetry")
    items = []
    for x, xp in f.objects(test, "items", path):
        f.only(x, ("reference", "left", "right"), xp)
        reference = f.number(x, "reference", xp, positive=True)
        left = f.number(x, "left", xp, positive=True)
        right = f.number(x, "right", xp, positive=True)
        items.append(
            item(
                f"{fmt(reference)} mm L/R",
                error=left - right,
                mpe=rule.data,
                unit="mm",
                rule=rule,
                pd=fmt(left + right),
            )
        )
    return test_result("asymmetry", items)


def envelope(ctx: Context, reference: Decimal, path: str) -> Decimal:
    mpe: Decimal = ctx.rule("pd").data
    return mpe


FAMILY = register(
    Family(
        name="pd_meter",
        order=60,
        label_zh="瞳距仪",
        label_en="PD meter",
        rulesets=(JJG_952,),
        parse_instrument=parse_instrument,
        tests={"pd": t_pd, "asymmetry": t_asymmetry},
        envelope=envelope,
        envelope_axis="reference distance (mm) → MPE (mm)",
    )
)
