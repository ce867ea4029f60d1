"""Trial lens sets (验光镜片箱): JJG 579-2025.

The tolerance table was not obtained. A placeholder borrowed from ISO 10341 (refractor
heads) is used ❓, and every result carries a warning. Errors are measured back vertex
power − the nominal value marked on the lens.
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
    band_lookup,
    bands,
    fmt,
    item,
    ruleset,
    test_result,
)
from .registry import register

POWER_BANDS = bands(
    ("3", "0.06"),
    ("6", "0.09"),
    ("9", "0.12"),
    ("12", "0.15"),
    ("15", "0.18"),
    (None, "0.25"),
)


def _rules(edition: str) -> list[Rule]:
    return [
        Rule(
            "lens_power",
            f"{edition} (placeholder: ISO 10341 Table 2)",
            Confidence.UNCONFIRMED,
            f"lens power tolerance by |nominal| (D; placeholder until the {edition} table is read)",
            POWER_BANDS,
        ),
        Rule(
            "cylinder_power",
            f"{edition} §5 计量性能要求 (柱镜片; placeholder: ISO 10341 Table 2)",
            Confidence.UNCONFIRMED,
            "cylinder lens power tolerance by |nominal| (D; placeholder: the sphere bands)",
            POWER_BANDS,
            note="No cylinder tolerance was seen; the sphere placeholder bands are used.",
        ),
        Rule(
            "prism_power",
            f"{edition} §5 计量性能要求 (棱镜片; placeholder, clause not seen)",
            Confidence.UNCONFIRMED,
            "prism lens tolerance by |nominal| (Δ; placeholder)",
            bands(("5", "0.10"), (None, "0.20")),
            note="No prism tolerance was seen; 0.10 Δ up to 5 Δ and 0.20 Δ above are placeholders.",
        ),
        adjustment_rule(edition),
    ]


JJG_579 = ruleset(
    "trial_lens_set",
    "JJG 579-2025",
    "验光镜片箱 Trial lens sets",
    "in force since 2025-08-08 (replaces JJG 579-2010); tolerance table not obtained",
    _rules("JJG 579-2025"),
    aliases=("JJG 579",),
    in_force=InForce(
        "2025-08-08",
        None,
        scope="trial lens sets",
        clause="JJG 579-2025 cover (issued 2025-02-08, in force 2025-08-08)",
    ),
)

JJG_579_2010 = ruleset(
    "trial_lens_set",
    "JJG 579-2010",
    "验光镜片箱 Trial lens sets (superseded 2025-08-08)",
    "superseded by JJG 579-2025; for inspections dated while it was in force; tolerance "
    "table not obtained",
    _rules("JJG 579-2010"),
    in_force=InForce(
        "2010-01-01",
        "2025-08-07",
        start_confirmed=False,
        scope="trial lens sets",
        clause="JJG 579-2025 cover (replaces JJG 579-2010 from 2025-08-08)",
    ),
)


def parse_instrument(data: Mapping[str, Any], path: str) -> None:
    return None


def lens_mpe(ctx: Context, nominal: Decimal) -> tuple[Decimal, object]:
    rule = ctx.rule("lens_power")
    return band_lookup(rule.data, abs(nominal)).value, rule


def t_lenses(
    ctx: Context,
    test: Mapping[str, Any],
    path: str,
    kind: str = "lenses",
    key: str = "lens_power",
    unit: str = "D",
) -> dict[str, Any]:
    """Measured − nominal for each lens, against the tolerance for its nominal power."""
    f.only(test, ("kind", "lenses"), path)
    items = []
    for lens, lp in f.objects(test, "lenses", path):
        f.only(lens, ("nominal", "measured"), lp)
        nominal = f.number(lens, "nominal", lp)
        if key == "lens_power":
            mpe, rule = lens_mpe(ctx, nominal)
        else:
            rule = ctx.rule(key)
            mpe = band_lookup(rule.data, abs(nominal)).value
        error = f.number(lens, "measured", lp) - nominal
        items.append(item(f"{fmt(nominal)} {unit}", error=error, mpe=mpe, unit=unit, rule=rule))  # type: ignore[arg-type]
    return test_result(kind, items)


def t_cylinder(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Cylinder lenses: measured − nominal cylinder power."""
    return t_lenses(ctx, test, path, "cylinder", "cylinder_power")


def t_prism(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Prism lenses: measured − nominal prism power (Δ)."""
    return t_lenses(ctx, test, path, "prism", "prism_power", "Δ")


def envelope(ctx: Context, nominal: Decimal, path: str) -> Decimal:
    return lens_mpe(ctx, nominal)[0]


FAMILY = register(
    Family(
        name="trial_lens_set",
        order=50,
        label_zh="验光镜片箱",
        label_en="Trial lens set",
        rulesets=(JJG_579, JJG_579_2010),
        parse_instrument=parse_instrument,
        tests={"lenses": t_lenses, "cylinder": t_cylinder, "prism": t_prism},
        envelope=envelope,
        envelope_axis="nominal power (D) → MPE (D)",
    )
)
