"""Fuel dispensers (燃油加油机): JJG 443-2023, JJG 443-2006, OIML R 117-1, NIST HB 44.

Volume error with temperature correction (JJG 443-2006 7.6.1, carried into 2023)::

    V_B  = nominal + (neck_reading − reference_mark) · ml_per_mm / 1000     (L, can at 20 °C)
    V_Bt = V_B · [1 + β_Y (t_J − t_B) + β_B (t_B − 20)]                     (can at fuel temp.)
    E_V  = (V_J − V_Bt) / V_Bt × 100 %           (positive: the display shows more than delivered)
    E_n  = E_V,max − E_V,min                     (repeatability at one flow)

Chinese rule sets use one MPE whatever the check; NIST HB 44 uses the acceptance tolerance
for initial checks and the maintenance tolerance otherwise, in cubic inches on a 5-gallon
test draft. OIML R 117-1 takes the class's line-A value, Table 3 below 2 L, and Emin.

The module is long (about 700 lines) on purpose: about half of it is data, the
clause-cited rules of each rule set, the OIML line-A and small-quantity tables and the
expansion coefficients, kept beside the formulas and tests that use them so that each value
is checked against its source in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from inspector_app.domain.errors import InputError

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
from .scale import runs_note

C, S, U = Confidence.CONFIRMED, Confidence.SECONDARY, Confidence.UNCONFIRMED
FUELS = ("gasoline", "diesel", "kerosene")
MATERIALS = ("stainless_steel", "carbon_steel")
D = Decimal

# JJG 443-2006 7.6.1 (quoted in two sources) 🟡
BETA_FUEL = {"gasoline": D("12E-4"), "diesel": D("9E-4"), "kerosene": D("9E-4")}
BETA_CAN = {"stainless_steel": D("50E-6"), "carbon_steel": D("33E-6")}


NOTE_2015 = (
    "JJG 443-2015's numbers were not seen; the JJG 443-2006 values are carried until the "
    "office confirms them."
)


def _check_rules(edition: str, confidence: Confidence) -> list[Rule]:
    """Rules on which MPE a kind of check uses and how many runs are asked (Chinese editions)."""
    return [
        Rule(
            "check_in_service",
            f"{edition} §7 计量器具控制 (使用中检查: the same MPE; only scales double it)",
            confidence,
            "an in-service inspection uses the verification MPE (no doubling)",
            D(1),
        ),
        Rule(
            "runs",
            f"{edition} §7 计量器具控制 (检定方法: 3 runs at each flow point)",
            S,
            "deliveries asked for at each flow point (fewer warn)",
            D(3),
        ),
    ]


def _formula_rules(edition: str) -> list[Rule]:
    return [
        Rule(
            "volume_formula",
            f"{edition} (JJG 443-2006 7.6.1)",
            S,
            "E_V = (V_J − V_Bt)/V_Bt × 100 %, V_Bt = V_B[1 + β_Y(t_J − t_B) + β_B(t_B − 20)], "
            "V_B = nominal + (neck − mark) · mL/mm",
            None,
        ),
        Rule(
            "beta_fuel",
            f"{edition} (JJG 443-2006 7.6.1)",
            S,
            "fuel expansion coefficient β_Y per °C",
            BETA_FUEL,
        ),
        Rule(
            "beta_can",
            f"{edition} (JJG 443-2006 7.6.1)",
            S,
            "can material expansion coefficient β_B per °C",
            BETA_CAN,
        ),
    ]


JJG_443_2023 = ruleset(
    "fuel_dispenser",
    "JJG 443-2023",
    "燃油加油机检定规程(试行) Fuel dispensers",
    "in force since 2024-05-01 (replaces JJG 443-2015)",
    _formula_rules("JJG 443-2023")
    + [
        Rule(
            "mpe",
            "JJG 443-2023 §5 计量性能要求 (最大允许误差; sub-clause not seen)",
            S,
            "MPE of the dispenser ±0.30 % (%)",
            D("0.30"),
            legacy_clause="JJG 443-2023 (dispenser volume MPE)",
        ),
        Rule(
            "repeatability",
            "JJG 443-2023 §5 计量性能要求 (重复性, 3 runs; sub-clause not seen)",
            S,
            "repeatability E_n ≤ 0.10 % (%)",
            D("0.10"),
            legacy_clause="JJG 443-2023 (repeatability, 3 runs)",
        ),
        Rule(
            "mmq_mpe",
            "JJG 443-2023 §5 (MMQ; JJG 443-2006 value carried; sub-clause not seen)",
            U,
            "MPE at the minimum measured quantity ±0.50 % (%)",
            D("0.50"),
            legacy_clause="JJG 443-2023 (MMQ; JJG 443-2006 value carried)",
        ),
        Rule(
            "mmq_repeatability",
            "JJG 443-2023 §5 (MMQ; JJG 443-2006 value carried; sub-clause not seen)",
            U,
            "repeatability at the minimum measured quantity ≤ 0.25 % (%)",
            D("0.25"),
            legacy_clause="JJG 443-2023 (MMQ; JJG 443-2006 value carried)",
        ),
        Rule(
            "amount",
            "JJG 443-2023 §5 计量性能要求 (付费金额误差; sub-clause not seen)",
            S,
            "|amount displayed − unit price × volume| ≤ smallest payment increment (yuan)",
            D("0.01"),
            legacy_clause="JJG 443-2023 (payment amount error)",
        ),
        Rule(
            "check_covert",
            "JJG 443-2023 §7 计量器具控制 (使用中检查; 暗访 treated as it)",
            U,
            "a covert test purchase is judged with the same MPE",
            None,
            legacy_clause="JJG 443-2023 (暗访 treated as in-use check)",
        ),
        *_check_rules("JJG 443-2023", S),
        adjustment_rule("JJG 443-2023"),
    ],
    aliases=("JJG 443",),
    in_force=InForce(
        "2024-05-01",
        None,
        scope="fuel dispensers with Qmax ≤ 200 L/min",
        clause="JJG 443-2023 cover (issued 2023-12-21, in force 2024-05-01)",
    ),
)

JJG_443_2015 = ruleset(
    "fuel_dispenser",
    "JJG 443-2015",
    "燃油加油机检定规程 Fuel dispensers (superseded 2024-05-01)",
    "superseded by JJG 443-2023; for inspections dated while it was in force. Its numbers "
    "were not seen: JJG 443-2006 values carried",
    _formula_rules("JJG 443-2015")
    + [
        Rule(
            "mpe",
            "JJG 443-2015 §5 计量性能要求 (最大允许误差; JJG 443-2006 value carried)",
            U,
            "MPE of the dispenser ±0.30 % (%)",
            D("0.30"),
            note=NOTE_2015,
        ),
        Rule(
            "repeatability",
            "JJG 443-2015 §5 计量性能要求 (重复性; JJG 443-2006 value carried)",
            U,
            "repeatability E_n ≤ 0.15 % (%)",
            D("0.15"),
            note=NOTE_2015,
        ),
        Rule(
            "mmq_mpe",
            "JJG 443-2015 §5 (MMQ; JJG 443-2006 value carried)",
            U,
            "MPE at the minimum measured quantity ±0.50 % (%)",
            D("0.50"),
            note=NOTE_2015,
        ),
        Rule(
            "mmq_repeatability",
            "JJG 443-2015 §5 (MMQ; JJG 443-2006 value carried)",
            U,
            "repeatability at the minimum measured quantity ≤ 0.25 % (%)",
            D("0.25"),
            note=NOTE_2015,
        ),
        Rule(
            "amount",
            "JJG 443-2015 §5 (付费金额; JJG 443-2023 value carried)",
            U,
            "|amount displayed − unit price × volume| ≤ smallest payment increment (yuan)",
            D("0.01"),
        ),
        Rule(
            "check_covert",
            "JJG 443-2015 §7 计量器具控制 (使用中检查; 暗访 treated as it)",
            U,
            "a covert test purchase is judged with the same MPE",
            None,
        ),
        *_check_rules("JJG 443-2015", U),
        adjustment_rule("JJG 443-2015"),
    ],
    in_force=InForce(
        "2015-01-01",
        "2024-04-30",
        start_confirmed=False,
        scope="fuel dispensers",
        clause="JJG 443-2023 cover (replaces JJG 443-2015 from 2024-05-01)",
    ),
)

JJG_443_2006 = ruleset(
    "fuel_dispenser",
    "JJG 443-2006",
    "燃油加油机 Fuel dispensers (superseded)",
    "superseded; for re-judging older records",
    _formula_rules("JJG 443-2006")
    + [
        Rule(
            "mpe",
            "JJG 443-2006 §5 计量性能要求 (最大允许误差; sub-clause not seen)",
            S,
            "MPE of the dispenser ±0.30 % (%)",
            D("0.30"),
            legacy_clause="JJG 443-2006 (dispenser volume MPE)",
        ),
        Rule(
            "repeatability",
            "JJG 443-2006 §5 计量性能要求 (重复性, 3 runs; sub-clause not seen)",
            S,
            "repeatability E_n ≤ 0.15 % (%)",
            D("0.15"),
            legacy_clause="JJG 443-2006 (repeatability, 3 runs)",
        ),
        Rule(
            "mmq_mpe",
            "JJG 443-2006 §5 (MMQ; sub-clause not seen)",
            S,
            "MPE at the minimum measured quantity ±0.50 % (%)",
            D("0.50"),
            legacy_clause="JJG 443-2006 (MMQ)",
        ),
        Rule(
            "mmq_repeatability",
            "JJG 443-2006 §5 (MMQ; sub-clause not seen)",
            S,
            "repeatability at the minimum measured quantity ≤ 0.25 % (%)",
            D("0.25"),
            legacy_clause="JJG 443-2006 (MMQ)",
        ),
        Rule(
            "amount",
            "JJG 443-2006 §5 (no payment rule seen; JJG 443-2023 value)",
            U,
            "|amount displayed − unit price × volume| ≤ smallest payment increment (yuan)",
            D("0.01"),
            legacy_clause="JJG 443-2006 (no payment rule seen; JJG 443-2023 value)",
        ),
        Rule(
            "check_covert",
            "JJG 443-2006 §7 计量器具控制 (使用中检查; 暗访 treated as it)",
            U,
            "a covert test purchase is judged with the same MPE",
            None,
            legacy_clause="JJG 443-2006 (暗访 treated as in-use check)",
        ),
        *_check_rules("JJG 443-2006", S),
        adjustment_rule("JJG 443-2006"),
    ],
    in_force=InForce(
        "2006-01-01",
        "2014-12-31",
        start_confirmed=False,
        scope="fuel dispensers",
        clause="JJG 443-2006 cover; replaced by JJG 443-2015 (day not seen)",
    ),
)

# OIML R 117-1 Table 3 below 2 L: for V >= lower, MPE = factor × A % × (applied_to or V)
SMALL_QUANTITIES = (
    (D(2), D(1), None),
    (D(1), D(1), D(2)),
    (D("0.4"), D(2), None),
    (D("0.2"), D(2), D("0.4")),
    (D("0.1"), D(4), None),
    (D(0), D(4), D("0.1")),
)
LINE_A = {
    D("0.3"): D("0.3"),
    D("0.5"): D("0.5"),
    D("1.0"): D("1.0"),
    D("1.5"): D("1.5"),
    D("2.5"): D("2.5"),
}

OIML_R117 = ruleset(
    "fuel_dispenser",
    "OIML R 117-1",
    "Dynamic measuring systems for liquids other than water",
    "international recommendation (reference and cross-check)",
    _formula_rules("OIML R 117-1")
    + [
        Rule(
            "line_a",
            "OIML R 117-1 Table 2 (line A)",
            C,
            "MPE of the complete measuring system by accuracy class (%)",
            LINE_A,
        ),
        Rule(
            "dispenser_class",
            "EU MID Annex VII (MI-005) Table 1 / OIML R 117-1 (fuel dispensers: class 0.5)",
            S,
            "fuel dispensers are class 0.5 when the instrument names no class",
            D("0.5"),
            legacy_clause="OIML R 117-1 (fuel dispensers: class 0.5)",
        ),
        Rule(
            "small_quantities",
            "OIML R 117-1 Table 3",
            C,
            "below 2 L: (lower bound L, factor, applied to L)",
            SMALL_QUANTITIES,
        ),
        Rule(
            "emin",
            "EU MID Annex VII (MI-005) Table 3 / OIML R 117-1 (Emin)",
            C,
            "MPE = max(Table 2/3, Emin); Emin = 2 · MMQ · A/100 (MMQ ≥ 2 L) or 2 × Table 3 at MMQ",
            D(2),
            legacy_clause="OIML R 117-1 (Emin)",
        ),
        Rule(
            "limit_comparison",
            "OIML R 117-1 Table 2, Table 3 (MPE as a volume)",
            C,
            "the limit (Table 2/3 value or Emin) is compared as a volume with V_J − V_Bt; the "
            "percentage shown is relative to V_Bt and rounded to 4 decimals for display only",
            D("0.0001"),
        ),
        Rule(
            "repeatability",
            "OIML R 117-1 §2 (repeatability ≤ 2/5 of line A, recalled; clause not seen)",
            U,
            "repeatability ≤ 2/5 of the line-A value",
            D("0.4"),
            legacy_clause="OIML R 117-1 (repeatability)",
        ),
        adjustment_rule("OIML R 117-1"),
    ],
    kinds=frozenset({"volume", "mmq"}),
    aliases=("OIML R 117", "OIML R 117-1:2019"),
)

CUBIC_INCH_ML = D("16.387064")  # exact by definition of the inch

NIST_HB44 = ruleset(
    "fuel_dispenser",
    "NIST HB 44",
    "Handbook 44 §3.30 Liquid-measuring devices (US)",
    "comparison only; errors in cubic inches on a 5-gallon (1155 in³) test draft",
    _formula_rules("NIST HB 44")
    + [
        Rule(
            "tolerance",
            "NIST HB 44 3.30 T.2 (5-gallon test draft)",
            S,
            "acceptance tolerance (initial) 3 in³, maintenance tolerance (other checks) 6 in³",
            {"initial": D(3), "subsequent": D(6), "in_service": D(6), "covert": D(6)},
        ),
        Rule(
            "repeatability",
            "NIST HB 44 3.30 (repeatability)",
            U,
            "range of the runs ≤ 40 % of the maintenance tolerance (in³)",
            D("2.4"),
        ),
        Rule("cubic_inch", "NIST HB 44 Appendix C", C, "1 in³ = 16.387064 mL", CUBIC_INCH_ML),
        adjustment_rule("NIST HB 44"),
    ],
    kinds=frozenset({"volume"}),
    aliases=("NIST HB44", "HB 44"),
)


@dataclass(frozen=True)
class Dispenser:
    fuel: str | None
    accuracy_class: Decimal | None
    qmax: Decimal | None
    qmin: Decimal | None
    mmq: Decimal | None


def parse_instrument(data: Mapping[str, Any], path: str) -> Dispenser:
    fuel = f.choice(data, "fuel", path, FUELS) if data.get("fuel") is not None else None
    cls = f.optional_number(data, "accuracy_class", path, positive=True)
    if cls is not None and cls not in LINE_A:
        raise InputError(
            f.join(path, "accuracy_class"), f"must be one of: {', '.join(str(c) for c in LINE_A)}"
        )
    qmax = f.optional_number(data, "qmax", path, positive=True)
    qmin = f.optional_number(data, "qmin", path, positive=True)
    if qmax is not None and qmin is not None and qmin > qmax:
        raise InputError(f.join(path, "qmin"), "must not be larger than qmax")
    mmq = f.optional_number(data, "mmq", path, positive=True)
    return Dispenser(fuel, cls, qmax, qmin, mmq)


# ---- volumes ----------------------------------------------------------------------------

ONE, CENT, TEN_THOUSANDTH, MILLIONTH = D(1), D("0.01"), D("0.0001"), D("0.000001")


def _nist(ctx: Context) -> bool:
    return "tolerance" in ctx.ruleset.rules


def corrected_volume(ctx: Context, run: Mapping[str, Any], path: str) -> Decimal:
    """V_Bt: the can volume at the fuel temperature (JJG 443-2006 7.6.1)."""
    ctx.rule("volume_formula")
    if "can" in run:
        cp = f.join(path, "can")
        can = f.obj(run["can"], cp)
        f.only(can, ("nominal", "reference_mark", "neck_reading", "ml_per_mm", "material"), cp)
        v_b = (
            f.number(can, "nominal", cp, positive=True)
            + (f.number(can, "neck_reading", cp) - f.number(can, "reference_mark", cp))
            * f.number(can, "ml_per_mm", cp, positive=True)
            / 1000
        )
        material = f.choice(can, "material", cp, MATERIALS)
        if v_b <= 0:
            raise InputError(cp, "the can volume from the neck reading is not positive")
    else:
        v_b = f.number(run, "actual", path, positive=True)
        material = f.choice(run, "material", path, MATERIALS, default="stainless_steel")
    if ctx.instrument.fuel is None:
        raise InputError(
            "instrument.fuel", f"is required to correct the can volume ({', '.join(FUELS)})"
        )
    beta_y: Decimal = ctx.rule("beta_fuel").data[ctx.instrument.fuel]
    beta_b: Decimal = ctx.rule("beta_can").data[material]
    t_j = f.number(run, "t_fuel", path)
    t_b = f.number(run, "t_can", path)
    return v_b * (1 + beta_y * (t_j - t_b) + beta_b * (t_b - 20))


def read_run(
    ctx: Context, run: Mapping[str, Any], path: str
) -> tuple[Decimal, Decimal | None, Decimal | None]:
    """(error, corrected volume, indicated volume) of one run; error in % (NIST: in³)."""
    if "error" in run:
        f.only(run, ("error",), path)
        return f.number(run, "error", path), None, None
    f.only(run, ("indicated", "can", "actual", "material", "t_fuel", "t_can"), path)
    if ("can" in run) == ("actual" in run):
        raise InputError(f.join(path, "can"), "give either can or actual (or error)")
    indicated = f.number(run, "indicated", path, positive=True)
    v_bt = corrected_volume(ctx, run, path)
    if _nist(ctx):
        return (indicated - v_bt) * 1000 / ctx.rule("cubic_inch").data, v_bt, indicated
    return (indicated - v_bt) / v_bt * 100, v_bt, indicated


# ---- MPE --------------------------------------------------------------------------------


def _class_value(ctx: Context) -> Decimal:
    cls = ctx.instrument.accuracy_class
    if cls is None:
        cls = ctx.rule("dispenser_class").data
    a: Decimal = ctx.rule("line_a").data[cls]
    return a


def oiml_absolute(ctx: Context, volume: Decimal) -> Decimal:
    """OIML R 117-1 Table 2/3 MPE in litres at *volume*."""
    a = _class_value(ctx)
    rows: tuple[tuple[Decimal, Decimal, Decimal | None], ...] = ctx.rule("small_quantities").data
    for lower, factor, applied_to in rows:
        if volume >= lower:
            return factor * a / 100 * (applied_to or volume)
    raise AssertionError(volume)  # pragma: no cover - the last row starts at 0


def oiml_limit(ctx: Context, volume: Decimal) -> Decimal:
    """The OIML R 117-1 limit in litres at *volume*: max(Table 2/3 value, Emin)."""
    mpe = oiml_absolute(ctx, volume)
    mmq = ctx.instrument.mmq
    if mmq is not None:
        rule = ctx.rule("emin")
        a = _class_value(ctx)
        emin = rule.data * mmq * a / 100 if mmq >= 2 else rule.data * oiml_absolute(ctx, mmq)
        mpe = max(mpe, emin)
    return mpe


def oiml_mpe(ctx: Context, volume: Decimal | None) -> Decimal:
    """MPE in % at *volume*, as rule data version 1 gave it: the limit as a percentage of
    *volume*, rounded down to 0.0001 %. The current engine compares the limit as a volume
    (:func:`judge_oiml`); this is kept to re-judge records of that version."""
    if volume is None:
        return _class_value(ctx)
    return (oiml_limit(ctx, volume) / volume * 100).quantize(TEN_THOUSANDTH, rounding=ROUND_DOWN)


def judge_oiml(
    ctx: Context,
    error: Decimal,
    volume: Decimal | None,
    v_bt: Decimal | None,
    indicated: Decimal | None,
) -> tuple[Decimal, bool]:
    """(MPE shown in %, passed) under OIML R 117-1 (OIML R 117-1 Table 2, Table 3).

    The limit is a volume and is compared as one: |V_J − V_Bt| <= limit, or, for an error
    given in percent at a known test volume V, |error| × V / 100 <= limit. The percentage
    shown is the limit relative to V_Bt (or V), rounded to 4 decimals for display only.
    """
    base = indicated if indicated is not None else volume
    if base is None:
        mpe = _class_value(ctx)
        return mpe, abs(error) <= mpe
    rule = ctx.rule("limit_comparison")
    limit = oiml_limit(ctx, base)
    if v_bt is not None and indicated is not None:  # (read_run gives both or neither)
        passed = abs(indicated - v_bt) <= limit
        shown = limit / v_bt * 100
    else:
        passed = abs(error) * base / 100 <= limit
        shown = limit / base * 100
    return shown.quantize(rule.data, rounding=ROUND_HALF_UP), passed


def run_mpe(ctx: Context, kind: str, volume: Decimal | None) -> tuple[Decimal, Rule]:
    if ctx.check == "covert" and "check_covert" in ctx.ruleset.rules:
        ctx.rule("check_covert")
    factor = ONE
    if ctx.check == "in_service" and "check_in_service" in ctx.ruleset.rules:
        factor = ctx.rule_since_v1("check_in_service").data
    if _nist(ctx):
        rule = ctx.rule("tolerance")
        return rule.data[ctx.check], rule
    if "line_a" in ctx.ruleset.rules:
        return oiml_mpe(ctx, volume), ctx.ruleset.rule("line_a")
    rule = ctx.rule("mmq_mpe" if kind == "mmq" else "mpe")
    return rule.data * factor, rule


def repeatability_limit(ctx: Context, kind: str) -> tuple[Decimal, Rule]:
    if "line_a" in ctx.ruleset.rules:
        rule = ctx.rule("repeatability")
        return rule.data * _class_value(ctx), rule
    rule = ctx.rule("mmq_repeatability" if kind == "mmq" else "repeatability")
    return rule.data, rule


# ---- tests ------------------------------------------------------------------------------


def _runs(
    ctx: Context, test: Mapping[str, Any], path: str, kind: str, volume: Decimal | None, prefix: str
) -> dict[str, Any]:
    unit = "in³" if _nist(ctx) else "%"
    places = 2 if _nist(ctx) else 3
    items, errors = [], []
    for i, (run, rp) in enumerate(f.objects(test, "runs", path)):
        error, v_bt, indicated = read_run(ctx, run, rp)
        errors.append(error)
        passed = None
        if "line_a" in ctx.ruleset.rules and not ctx.legacy:
            run_mpe(ctx, kind, volume)  # the covert-check rule, when it applies
            mpe, passed = judge_oiml(ctx, error, volume, v_bt, indicated)
            rule = ctx.ruleset.rule("line_a")
        else:
            mpe, rule = run_mpe(ctx, kind, indicated if indicated is not None else volume)
        items.append(
            item(
                f"{prefix}run {i + 1}",
                error=error,
                mpe=mpe,
                unit=unit,
                rule=rule,
                passed=passed,
                places=places,
                corrected_volume=None
                if v_bt is None
                else fmt(v_bt.quantize(MILLIONTH, rounding=ROUND_HALF_UP)),
            )
        )
    runs_note(ctx, "runs", len(errors), "runs")
    derived = {}
    if len(errors) > 1:
        limit, rule = repeatability_limit(ctx, kind)
        spread = max(errors) - min(errors)
        items.append(
            item(
                f"{prefix}repeatability",
                error=spread,
                mpe=limit,
                unit=unit,
                rule=rule,
                places=places,
            )
        )
        derived["range"] = items[-1]["error"]
    return test_result(kind, items, **derived)


def t_volume(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Each run against the MPE; the spread of the runs against the repeatability limit."""
    f.only(test, ("kind", "flow", "runs"), path)
    flow = f.text(test, "flow", path)
    result = _runs(ctx, test, path, "volume", None, f"{flow} " if flow else "")
    if flow:
        result["flow"] = flow
    return result


def t_mmq(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Runs at the minimum measured quantity against its MPE and repeatability limit."""
    f.only(test, ("kind", "volume", "runs"), path)
    volume = f.number(test, "volume", path, positive=True)
    result = _runs(ctx, test, path, "mmq", volume, f"MMQ {fmt(volume)} L ")
    result["volume"] = fmt(volume)
    return result


def t_amount(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """|displayed − unit price × volume| <= the smallest payment increment (0.01 yuan)."""
    f.only(test, ("kind", "unit_price", "volume", "amount_displayed"), path)
    rule = ctx.rule("amount")
    exact = f.number(test, "unit_price", path, non_negative=True) * f.number(
        test, "volume", path, non_negative=True
    )
    displayed = f.number(test, "amount_displayed", path, non_negative=True)
    it = item("amount", error=displayed - exact, mpe=rule.data, unit="yuan", rule=rule)
    return test_result(
        "amount", [it], expected_amount=fmt(exact.quantize(CENT, rounding=ROUND_HALF_UP))
    )


def envelope(ctx: Context, volume: Decimal, path: str) -> Decimal:
    """MPE at a delivered volume (L): % (NIST HB 44: in³ on the 5-gallon draft)."""
    if volume <= 0:
        raise InputError(path, "volume must be greater than zero")
    if "line_a" in ctx.ruleset.rules:
        return judge_oiml(ctx, D(0), volume, None, None)[0]
    return run_mpe(ctx, "volume", volume)[0]


def variables(d: Dispenser) -> dict[str, Decimal]:
    return {k: v for k, v in (("qmax", d.qmax), ("qmin", d.qmin), ("mmq", d.mmq)) if v is not None}


FAMILY = register(
    Family(
        name="fuel_dispenser",
        order=20,
        label_zh="燃油加油机",
        label_en="Fuel dispenser",
        rulesets=(JJG_443_2023, JJG_443_2015, JJG_443_2006, OIML_R117, NIST_HB44),
        parse_instrument=parse_instrument,
        tests={"volume": t_volume, "mmq": t_mmq, "amount": t_amount},
        envelope=envelope,
        envelope_axis="volume (L) → MPE (%; NIST HB 44: in³)",
        variables=variables,
    )
)
