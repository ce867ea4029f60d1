"""Trial lens sets (验光镜片箱): JJG 579-2025.

The tolerance table was not obtained. A placeholder borrowed from ISO 10341 (refractor
heads) is used ❓, and every result carries a warning. Errors are measured back vertex
power − the nominal value marked on the lens.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from inspector_app.domain.numbers import fmt

from . import inputs as f
from .core import Confidence, Context, Family, Rule, band_lookup, bands, item, ruleset, test_result
from .registry import register

JJG_579 = ruleset(
    "trial_lens_set",
    "JJG 579-2025",
    "验光镜片箱 Trial lens sets",
    "in force since 2025-08-08 (replaces JJG 579-2010); tolerance table not obtained",
    [
        Rule(
            "lens_power",
            "JJG 579-2025 (placeholder: ISO 10341 Table 2)",
            Confidence.UNCONFIRMED,
            "lens power tolerance by |nominal| (D; placeholder until the JJG 579-2025 table is read)",
            bands(
                ("3", "0.06"),
                ("6", "0.09"),
                ("9", "0.12"),
                ("12", "0.15"),
                ("15", "0.18"),
                (None, "0.25"),
            ),
        ),
    ],
    aliases=("JJG 579",),
)


def parse_instrument(data: Mapping, path: str) -> None:
    return None


def lens_mpe(ctx: Context, nominal: Decimal) -> tuple[Decimal, object]:
    rule = ctx.rule("lens_power")
    return band_lookup(rule.data, abs(nominal)).value, rule


def t_lenses(ctx: Context, test: Mapping, path: str) -> dict:
    """Measured − nominal for each lens, against the tolerance for its nominal power."""
    f.only(test, ("kind", "lenses"), path)
    items = []
    for lens, lp in f.objects(test, "lenses", path):
        f.only(lens, ("nominal", "measured"), lp)
        nominal = f.number(lens, "nominal", lp)
        mpe, rule = lens_mpe(ctx, nominal)
        error = f.number(lens, "measured", lp) - nominal
        items.append(item(f"{fmt(nominal)} D", error=error, mpe=mpe, unit="D", rule=rule))  # type: ignore[arg-type]
    return test_result("lenses", items)


def envelope(ctx: Context, nominal: Decimal, path: str) -> Decimal:
    return lens_mpe(ctx, nominal)[0]


FAMILY = register(
    Family(
        name="trial_lens_set",
        order=50,
        label_zh="验光镜片箱",
        label_en="Trial lens set",
        rulesets=(JJG_579,),
        parse_instrument=parse_instrument,
        tests={"lenses": t_lenses},
        envelope=envelope,
        envelope_axis="nominal power (D) → MPE (D)",
    )
)
