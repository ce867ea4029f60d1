"""Non-automatic weighing instruments (非自动衡器): JJG 539-2016 and OIML R 76-1:2006.

Rules (clauses in the rule-set data below):

- accuracy classes, n = Max/e and Min (OIML R 76-1 Table 3, used by JJG 539);
- MPE in e, bands upper-inclusive in m = L/e (OIML R 76-1 3.5.1, Table 6);
- which MPE a kind of check uses: China doubles the table only for 使用中检查 (and, here,
  暗访); OIML doubles it "in service" (3.5.2);
- multi-interval instruments judge a load in partial range i with e_i (R 76-1 3.3);
- changeover-point method P = I + e/2 - ΔL, E = P - L, Ec = E - E0 (R 76-1 A.4.4.3);
- zero-setting |E0| <= 0.25 e, eccentricity, repeatability, discrimination, price.

Loads are in the instrument's unit (g or kg); price weights are in kg and amounts in yuan.

The module is long (about 1,100 lines) on purpose: most of it is data, the accuracy-class
and MPE tables and the clause-cited rules of each rule set (about 400 lines), kept in one
file with the test functions that apply them so that a clause and the check that reads it
are reviewed together against the published text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from inspector_app.domain.errors import InputError

from . import inputs as f
from .core import (
    NOT_APPLICABLE,
    Band,
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

C, S, U = Confidence.CONFIRMED, Confidence.SECONDARY, Confidence.UNCONFIRMED
CLASSES = ("I", "II", "III", "IIII")
UNITS = {"g": Decimal(1), "kg": Decimal(1000)}  # grams per unit
CENT = Decimal("0.01")
ONE = Decimal(1)
HALF = Decimal("0.5")
CHECK_RULES = {check: f"check_{check}" for check in ("subsequent", "in_service", "covert")}


@dataclass(frozen=True)
class ClassRow:
    """One row of OIML R 76-1 Table 3 (e in grams)."""

    e_min: Decimal
    e_max: Decimal | None
    n_min: Decimal
    n_max: Decimal | None
    min_in_e: Decimal

    def describe(self) -> str:
        e = (
            f"e ≥ {fmt(self.e_min)} g"
            if self.e_max is None
            else f"{fmt(self.e_min)} g ≤ e ≤ {fmt(self.e_max)} g"
        )
        n = (
            f"n ≥ {fmt(self.n_min)}"
            if self.n_max is None
            else f"{fmt(self.n_min)} ≤ n ≤ {fmt(self.n_max)}"
        )
        return f"{e}, {n}, Min {fmt(self.min_in_e)} e"


def _row(e_min: str, e_max: str | None, n_min: str, n_max: str | None, min_in_e: str) -> ClassRow:
    return ClassRow(
        Decimal(e_min),
        None if e_max is None else Decimal(e_max),
        Decimal(n_min),
        None if n_max is None else Decimal(n_max),
        Decimal(min_in_e),
    )


# OIML R 76-1 3.2, Table 3 (JJG 539 uses the same table) ✅
CLASS_TABLE = {
    "I": (_row("0.001", None, "50000", None, "100"),),
    "II": (_row("0.001", "0.05", "100", "100000", "20"), _row("0.1", None, "5000", "100000", "50")),
    "III": (_row("0.1", "2", "100", "10000", "20"), _row("5", None, "500", "10000", "20")),
    "IIII": (_row("5", None, "100", "1000", "10"),),
}

# OIML R 76-1 3.5.1, Table 6: MPE in e by m = L/e, upper-inclusive ✅. The last band is left
# open: a load may reach Max + 9e.
MPE_TABLE = {
    "I": bands(("50000", "0.5"), ("200000", "1"), (None, "1.5")),
    "II": bands(("5000", "0.5"), ("20000", "1"), (None, "1.5")),
    "III": bands(("500", "0.5"), ("2000", "1"), (None, "1.5")),
    "IIII": bands(("50", "0.5"), ("200", "1"), (None, "1.5")),
}


def _common_rules(prefix: str) -> list[Rule]:
    """Rules JJG 539-2016 shares with OIML R 76-1 (it mirrors its tests)."""
    return [
        Rule(
            "classes",
            f"{prefix}OIML R 76-1 3.2, Table 3",
            C,
            "accuracy classes: e range, n = Max/e range and Min in e",
            CLASS_TABLE,
        ),
        Rule(
            "e_form",
            "EU NAWI Directive Annex I 2.2.1 (OIML R 76-1)",
            C,
            "e and d take the form 1, 2 or 5 × 10^k",
            None,
            legacy_clause="EU NAWI Directive Annex I (OIML R 76-1)",
        ),
        Rule(
            "mpe_table",
            f"{prefix}OIML R 76-1 3.5.1",
            C,
            "MPE on initial verification in e, bands upper-inclusive in m = L/e (Table 6)",
            MPE_TABLE,
        ),
        Rule(
            "max_indication",
            "EU NAWI Directive Annex I 9 (OIML R 76-1)",
            C,
            "no indication above Max + 9e: loads above it are refused",
            Decimal(9),
        ),
        Rule(
            "multi_interval",
            f"{prefix}OIML R 76-1 3.3 (Table 6 note)",
            S,
            "multi-interval instruments: a load in partial range i is judged with e_i",
            None,
        ),
        Rule(
            "changeover",
            f"{prefix}OIML R 76-1 A.4.4.3",
            C,
            "changeover-point method: P = I + d/2 − ΔL (d: the interval the display steps by; "
            "d = e unless an auxiliary display shows d < e), E = P − L, Ec = E − E0",
            None,
        ),
        Rule(
            "added_range",
            f"{prefix}OIML R 76-1 A.4.4.3 (weights of 0.1 d until the display steps up by d)",
            C,
            "the added weights ΔL lie between 0 and d: the display steps up by d before more "
            "than d is added, so a larger ΔL is a mistaken entry and is refused",
            None,
        ),
        Rule(
            "zero_load",
            f"{prefix}OIML R 76-1 A.4.4.3 (E0 at zero or near zero, about 10 e)",
            C,
            "E0 may be found at a small load L0 (about 10 e, clear of zero-tracking): "
            "E0 = I0 + d/2 − ΔL0 − L0; above 20 e the result warns",
            Decimal(20),
        ),
        Rule(
            "zero_accuracy",
            f"{prefix}OIML R 76-1 4.5.2",
            S,
            "zero-setting accuracy |E0| ≤ 0.25 e",
            Decimal("0.25"),
        ),
        Rule(
            "eccentricity",
            f"{prefix}OIML R 76-1 3.6.2",
            C,
            "eccentric load 1/3 (Max + T) for ≤ 4 supports, 1/(n − 1) (Max + T) above; "
            "each position within MPE(load)",
            Decimal(3),
        ),
        Rule(
            "eccentricity_rounding",
            f"{prefix}OIML R 76-1 3.6.2 (default load rounded to a multiple of e)",
            U,
            "when no eccentric load is given, 1/3 (Max + T) (or 1/(n − 1)) is rounded to the "
            "nearest multiple of e, halves up",
            None,
            note="The rounding is this program's choice: the regulation names the fraction, "
            "not how to round it to available weights.",
        ),
        Rule(
            "repeatability",
            f"{prefix}OIML R 76-1 3.6.1",
            C,
            "spread of several weighings of one load ≤ |MPE(load)|, and each error ≤ MPE",
            None,
        ),
        Rule(
            "repeatability_runs",
            f"{prefix}OIML R 76-1 3.6.1; JJG 13-2016 (about Max, 3 weighings)",
            U,
            "weighings asked for in a repeatability test (fewer warn)",
            Decimal(3),
            note="3 weighings for classes III and IIII is common practice; the number in "
            "JJG 539-2016 was not seen.",
        ),
        Rule(
            "unloading",
            f"{prefix}OIML R 76-1 A.4.4.1 (loads up to Max and back down to zero)",
            S,
            "unloading series: each decreasing load within MPE(load), as on loading",
            None,
        ),
        Rule(
            "tare",
            f"{prefix}OIML R 76-1 3.5.3.3 / EU NAWI Directive Annex I 4.1 (MPE on net values); "
            "OIML R 76-1 4.6.3 (tare-setting accuracy)",
            S,
            "after taring, each net load within MPE(net load); tare-setting accuracy "
            "|E_T| ≤ 0.25 e (E_T by the changeover method at the tared zero)",
            Decimal("0.25"),
            note="The net-value rule is seen in the EU text; the R 76-1 clause numbers and the "
            "0.25 e tare-setting figure were not read in the primary text.",
        ),
        Rule(
            "discrimination",
            f"{prefix}OIML R 76-1 3.8",
            S,
            "adding 1.4 d must raise the indication by at least d",
            Decimal("1.4"),
        ),
        Rule(
            "unit_price_divided",
            "计量法实施细则 Art. 48 (cheating); 偷梁换柱 pattern, low-price threshold: this "
            "program's choice",
            S,
            "unit price entered at 1/100: amount charged ≈ 100 × weight × unit price; "
            "unit prices below the threshold (yuan/kg) are flagged",
            Decimal("1.00"),
            note="The low-price threshold is this program's choice, not a regulation.",
            legacy_clause="零售商品称重计量监督管理办法 / market cheating patterns (偷梁换柱)",
        ),
        Rule(
            "price_half",
            "OIML R 76-1 4.14.3 (price rounded to the price interval; exact halves not stated)",
            U,
            "an exact half cent is rounded up (四舍五入, ROUND_HALF_UP); GB/T 8170 would round to even",
            None,
            legacy_clause="JJG 539-2016 计价 (rounding of exact halves)",
        ),
    ]


JJG_539 = ruleset(
    "scale",
    "JJG 539-2016",
    "数字指示秤 Digital indicating scales",
    "in force; classes III and IIII (I and II are judged with the same OIML tables)",
    _common_rules("JJG 539-2016 / ")
    + [
        Rule(
            "check_subsequent",
            "JJG 539-2016 / OIML R 76-1 3.5.1 (后续检定, as JJG 539-1997)",
            U,
            "subsequent verification uses the initial-verification table (factor)",
            Decimal(1),
            note="Confirmed for the 1997 edition only; assumed for 2016.",
        ),
        Rule(
            "check_in_service",
            "JJG 539-2016 / OIML R 76-1 3.5.1 × 2 (使用中检查, as JJG 539-1997)",
            U,
            "in-service inspection doubles the table (factor)",
            Decimal(2),
            note="Confirmed for the 1997 edition only; assumed for 2016.",
        ),
        Rule(
            "check_covert",
            "JJG 539-2016 / OIML R 76-1 3.5.1 × 2 (暗访 as 使用中检查)",
            U,
            "covert test purchase is judged as an in-service inspection (factor)",
            Decimal(2),
        ),
        Rule(
            "price",
            "EU NAWI Directive Annex I 14 (price to pay exact); Measurement Canada STP-20 "
            "(rounded to the nearest cent); JJG 539-2016 计价",
            S,
            "amount = weight × unit price rounded to 0.01 yuan, no other tolerance; "
            "a charge that differs from the display is a finding",
            CENT,
            legacy_clause="JJG 539-2016 计价 (Measurement Canada STP-20)",
        ),
        adjustment_rule("JJG 539-2016"),
    ],
    aliases=("JJG 539",),
    in_force=InForce(
        "2016-01-01",
        None,
        start_confirmed=False,
        scope="digital indicating scales of classes III and IIII; from 2027-01-08 no longer "
        "price-computing scales of Max ≤ 100 kg (JJG 1204-2025), except networked scales "
        "already in use, until 2030-01-07",
        applies=lambda scale, date: not _under_1204(scale, date),
        clause="JJG 539-2016 cover; JJG 1204-2025 transition as reported",
    ),
)

JJG_1204_START = "2027-01-08"
NETWORKED_UNTIL = "2030-01-07"


def _price_scale(scale: Scale) -> bool:
    """Within JJG 1204-2025's scope: price-computing, Max ≤ 100 kg, class III or IIII."""
    return (
        scale.price_computing
        and scale.accuracy_class in ("III", "IIII")
        and scale.max * UNITS[scale.unit] <= 100_000
    )


def _under_1204(scale: Scale, date: str) -> bool:
    if not _price_scale(scale) or date < JJG_1204_START:
        return False
    return not (scale.networked and date <= NETWORKED_UNTIL)


NOTE_1204 = (
    "JJG 1204-2025's MPE tables were not seen; the JJG 539-2016 / OIML R 76-1 numbers are "
    "used until the office confirms them."
)


def _inherited(rule: Rule, clause: str) -> Rule:
    """A JJG 539-2016 rule carried into JJG 1204-2025 under the new clause, unconfirmed."""
    return replace(
        rule,
        clause=f"JJG 1204-2025 {clause} (JJG 539-2016 value: {rule.clause})",
        confidence=U,
        note=(rule.note + " " if rule.note else "") + NOTE_1204,
        legacy_clause=None,
    )


_1204_CLAUSES = {
    "classes": "5.1–5.2",
    "e_form": "5.2",
    "mpe_table": "5.5",
    "max_indication": "6.8",
    "multi_interval": "5.4",
    "changeover": "5.5",
    "added_range": "5.5",
    "zero_load": "5.9",
    "zero_accuracy": "5.9",
    "eccentricity": "5.7",
    "eccentricity_rounding": "5.7",
    "repeatability": "5.6",
    "repeatability_runs": "5.6",
    "unloading": "5.5",
    "tare": "5.9",
    "discrimination": "5.8",
    "unit_price_divided": "6.9",
    "price_half": "6.9",
    "check_subsequent": "5.5",
    "check_in_service": "5.5",
    "check_covert": "5.5",
    "price": "6.9",
}

JJG_1204 = ruleset(
    "scale",
    "JJG 1204-2025",
    "电子计价秤检定规程(试行) Electronic price-computing scales",
    "in force from 2027-01-08; price-computing scales of Max ≤ 100 kg, classes III and IIII; "
    "MPE numbers carried from JJG 539-2016 until confirmed",
    [_inherited(r, _1204_CLAUSES[r.key]) for r in JJG_539.rules.values() if r.key in _1204_CLAUSES]
    + [
        Rule(
            "type_approval",
            "JJG 1204-2025 6.1 (type-approval consistency)",
            S,
            "the scale matches its type approval (CPA) in construction and parts",
            None,
        ),
        Rule(
            "identity_code",
            "JJG 1204-2025 6.2 (unique identity marking, 一秤一码)",
            S,
            "the scale carries a unique identity code (NFC or QR) that reads and checks out",
            None,
        ),
        Rule(
            "software_id",
            "JJG 1204-2025 6.3 (software identification)",
            S,
            "the software ID shown on the scale equals the one in the type-approval certificate",
            None,
        ),
        Rule(
            "self_lock",
            "JJG 1204-2025 6.4 (self-lock, 开壳锁机、授权解锁)",
            S,
            "opening the case locks the scale; only an authorised dynamic password unlocks it",
            None,
        ),
        Rule(
            "three_codes_one_seal",
            "JJG 1204-2025 6.2, 6.5 (三码一封, as reported)",
            S,
            "production code, repair code, verification code and the seal all complete and "
            "valid; verification proceeds only when all four are",
            None,
        ),
        adjustment_rule("JJG 1204-2025"),
    ],
    aliases=("JJG 1204",),
    in_force=InForce(
        JJG_1204_START,
        None,
        scope="electronic price-computing scales, Max ≤ 100 kg, classes III and IIII "
        "(networked scales already in use: from 2030-01-08)",
        applies=lambda scale, date: _under_1204(scale, date),
        clause="JJG 1204-2025 cover (issued 2025-01-08, in force 2027-01-08)",
    ),
)

OIML_R76 = ruleset(
    "scale",
    "OIML R 76-1:2006",
    "Non-automatic weighing instruments",
    "international recommendation (reference and cross-check)",
    _common_rules("")
    + [
        Rule(
            "check_subsequent",
            "OIML R 76-1 3.5 (subsequent verification: national law)",
            U,
            "subsequent verification uses the initial-verification table (factor)",
            Decimal(1),
        ),
        Rule(
            "check_in_service",
            "OIML R 76-1 3.5.2",
            C,
            "in service: twice the initial-verification MPE (factor)",
            Decimal(2),
        ),
        Rule(
            "check_covert",
            "OIML R 76-1 3.5.2 (covert check treated as in service)",
            U,
            "covert test purchase is judged as in service (factor)",
            Decimal(2),
        ),
        adjustment_rule("OIML R 76-1"),
        Rule(
            "price",
            "OIML R 76-1 4.14.3",
            U,
            "amount = weight × unit price rounded to the price interval (0.01 yuan); "
            "a charge that differs from the display is a finding",
            CENT,
        ),
    ],
    aliases=("OIML R 76-1", "OIML R 76"),
)


# ---- instrument -------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    max: Decimal
    e: Decimal


@dataclass(frozen=True)
class Scale:
    accuracy_class: str
    max: Decimal
    e: Decimal
    d: Decimal
    unit: str
    ranges: tuple[Range, ...]
    support_points: int
    max_additive_tare: Decimal
    price_computing: bool = False
    networked: bool = False

    @property
    def multi(self) -> bool:
        return len(self.ranges) > 1

    @cached_property
    def limit(self) -> Decimal:
        """Max + 9e: no load may be above it (e of the last partial range)."""
        return self.max + 9 * self.ranges[-1].e

    def range_for(self, load: Decimal) -> Range:
        """Partial range i holds Max_(i-1) < L <= Max_i; above Max: the last one."""
        for rng in self.ranges:
            if load <= rng.max:
                return rng
        return self.ranges[-1]


def parse_instrument(data: Mapping[str, Any], path: str) -> Scale:
    cls = f.choice(data, "accuracy_class", path, CLASSES)
    cap = f.number(data, "max", path, positive=True)
    e = f.number(data, "e", path, positive=True)
    d = f.number(data, "d", path, positive=True, default=e)
    if d > e:
        raise InputError(f.join(path, "d"), "must not be larger than e")
    unit = f.choice(data, "unit", path, tuple(UNITS))
    ranges: tuple[Range, ...] = (Range(cap, e),)
    if data.get("ranges") is not None:
        parsed: list[Range] = []
        for r, p in f.objects(data, "ranges", path, minimum=2):
            f.only(r, ("max", "e"), p)
            rng = Range(f.number(r, "max", p, positive=True), f.number(r, "e", p, positive=True))
            if parsed and (rng.max <= parsed[-1].max or rng.e <= parsed[-1].e):
                raise InputError(p, "partial ranges must have increasing max and e")
            parsed.append(rng)
        if parsed[-1].max != cap:
            raise InputError(f.join(path, "ranges"), "the last partial range must end at max")
        ranges = tuple(parsed)
    supports = f.integer(data, "support_points", path, default=4, minimum=1)
    tare = f.number(data, "max_additive_tare", path, default=0, non_negative=True)
    price = f.boolean(data, "price_computing", path, default=False)
    networked = f.boolean(data, "networked", path, default=False)
    return Scale(cls, cap, e, d, unit, ranges, supports, tare, price, networked)


# ---- MPE --------------------------------------------------------------------------------


def check_factor(ctx: Context) -> tuple[Decimal, Rule | None]:
    """The factor the kind of check puts on the table (1 for initial verification)."""
    if ctx.check == "initial":
        return ONE, None
    rule = ctx.rule(CHECK_RULES.get(ctx.check) or f"check_{ctx.check}")
    return rule.data, rule


def mpe_at(ctx: Context, load: Decimal) -> tuple[Decimal, Rule]:
    """MPE (instrument unit) at *load* and the rule that produced it."""
    scale: Scale = ctx.instrument
    rng = scale.range_for(load)
    if scale.multi:
        ctx.rule("multi_interval")
    table = ctx.rule("mpe_table")
    base = band_lookup(table.data[scale.accuracy_class], load / rng.e).value * rng.e
    factor, check_rule = check_factor(ctx)
    return base * factor, check_rule or table


def read_load(data: Mapping[str, Any], key: str, path: str, scale: Scale) -> Decimal:
    load = f.number(data, key, path, non_negative=True)
    if load > scale.limit:
        raise InputError(f.join(path, key), f"is above Max + 9e = {fmt(scale.limit)} {scale.unit}")
    return load


def display_step(ctx: Context, load: Decimal) -> Decimal:
    """The interval the display steps by at *load*: d (e of the partial range when the
    instrument is multi-interval, which has no auxiliary display). Rule data version 1 used
    e here, which differs only when d < e."""
    scale: Scale = ctx.instrument
    if ctx.legacy or scale.multi:
        return scale.range_for(load).e
    return scale.d


def read_added(ctx: Context, p: Mapping[str, Any], path: str, step: Decimal) -> Decimal:
    """ΔL, refused above d (OIML R 76-1 A.4.4.3: the display steps up by d before that)."""
    added = f.number(p, "added", path, non_negative=True)
    if added > step and not ctx.legacy:
        rule = ctx.rule("added_range")
        raise InputError(
            f.join(path, "added"),
            f"the added weights must not exceed d = {fmt(step)} {ctx.instrument.unit}: the "
            f"display steps up by d before more is added ({rule.clause})",
        )
    return added


POINT_FIELDS: dict[tuple[str, ...], tuple[str, ...]] = {
    extra: ("indication", "added", "error", *extra) for extra in ((), ("load",))
}


def point_error(
    ctx: Context, p: Mapping[str, Any], path: str, load: Decimal, extra: tuple[str, ...] = ()
) -> Decimal:
    """Error of one reading: {indication} (I − L), {indication, added} (changeover), {error}."""
    f.only(p, POINT_FIELDS.get(extra) or ("indication", "added", "error", *extra), path)
    if "error" in p:
        if "indication" in p or "added" in p:
            raise InputError(f.join(path, "error"), "give either error or indication, not both")
        return f.number(p, "error", path)
    indication = f.number(p, "indication", path)
    if "added" in p:
        # OIML R 76-1 A.4.4.3: P = I + d/2 − ΔL, E = P − L
        ctx.rule("changeover")
        step = display_step(ctx, load)
        added = read_added(ctx, p, path, step)
        return indication + step / 2 - added - load
    return indication - load


def zero_error(ctx: Context, test: Mapping[str, Any], path: str) -> Decimal:
    """E0 from an optional ``zero`` object {load, indication, added}, else 0."""
    if test.get("zero") is None:
        return Decimal(0)
    p = f.join(path, "zero")
    z = f.obj(test["zero"], p)
    f.only(z, ("load", "indication", "added"), p)
    load = read_load(z, "load", p, ctx.instrument) if "load" in z else Decimal(0)
    if "added" not in z:
        raise InputError(f.join(p, "added"), "is required (E0 comes from the changeover method)")
    near_zero_note(ctx, load)
    return point_error(ctx, z, p, load, ("load",))


def near_zero_note(ctx: Context, load: Decimal) -> None:
    """E0 is found at zero or near it (about 10 e); a larger L0 warns."""
    if ctx.legacy or load == 0:
        return
    rule = ctx.rule("zero_load")
    e = ctx.instrument.ranges[0].e
    if load > rule.data * e:
        ctx.notice(
            f"the load for E0 ({fmt(load)} {ctx.instrument.unit}) is above "
            f"{fmt(rule.data)} e: E0 is found at zero or near it, about 10 e ({rule.clause})"
        )


def _label(scale: Scale, load: Decimal) -> str:
    return f"{fmt(load)} {scale.unit}"


# ---- tests ------------------------------------------------------------------------------


def t_classification(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """n = Max/e, Min, and whether class, e and n agree (OIML R 76-1 Table 3)."""
    f.only(test, ("kind",), path)
    scale: Scale = ctx.instrument
    classes = ctx.rule("classes")
    e_form = ctx.rule("e_form")
    grams = UNITS[scale.unit]
    items = []
    ns = []
    rows = classes.data[scale.accuracy_class]
    for i, rng in enumerate(scale.ranges):
        prefix = f"range {i + 1}: " if scale.multi else ""
        e_g = rng.e * grams
        row = next(
            (r for r in rows if e_g >= r.e_min and (r.e_max is None or e_g <= r.e_max)), None
        )
        items.append(
            item(
                f"{prefix}e = {fmt(rng.e)} {scale.unit}, class {scale.accuracy_class}",
                error=None,
                mpe=None,
                unit=scale.unit,
                rule=classes,
                passed=row is not None,
            )
        )
        items.append(
            item(
                f"{prefix}e = {fmt(rng.e)} {scale.unit} is 1, 2 or 5 × 10^k",
                error=None,
                mpe=None,
                unit=scale.unit,
                rule=e_form,
                passed=is_125(rng.e),
            )
        )
        n = rng.max / rng.e
        ns.append(n)
        ok = (
            row is not None
            and n == n.to_integral_value()
            and row.n_min <= n
            and (row.n_max is None or n <= row.n_max)
        )
        items.append(
            item(f"{prefix}n = {fmt(n)}", error=None, mpe=None, unit="", rule=classes, passed=ok)
        )
    e1_g = scale.ranges[0].e * grams
    first = [r for r in rows if e1_g >= r.e_min] or [rows[0]]
    minimum = first[-1].min_in_e * scale.ranges[0].e
    result = test_result("classification", items, n=fmt(ns[-1]), min=fmt(minimum))
    result["class_valid"] = result["verdict"] == "pass"
    if scale.multi:
        result["n_ranges"] = [fmt(n) for n in ns]
    return result


def is_125(value: Decimal) -> bool:
    """Whether *value* is 1, 2 or 5 × 10^k."""
    digits = value.normalize().as_tuple().digits
    return len(digits) == 1 and digits[0] in (1, 2, 5)


def minimum_capacity(scale: Scale) -> Decimal:
    """Min (instrument unit) from the class table; used for default test points."""
    ctx = Context(JJG_539, "initial", scale)
    return Decimal(t_classification(ctx, {"kind": "classification"}, "")["min"])


def t_weighing(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Each point against MPE(load); optional zero E0 subtracted (Ec = E − E0)."""
    f.only(test, ("kind", "points", "zero"), path)
    scale: Scale = ctx.instrument
    e0 = zero_error(ctx, test, path)
    items = []
    for p, pp in f.objects(test, "points", path):
        load = read_load(p, "load", pp, scale)
        error = point_error(ctx, p, pp, load, ("load",)) - e0
        mpe, rule = mpe_at(ctx, load)
        items.append(
            item(
                _label(scale, load),
                error=error,
                mpe=mpe,
                unit=scale.unit,
                rule=rule,
                load=fmt(load),
            )
        )
    return test_result("weighing", items)


def eccentricity_load(scale: Scale) -> Decimal:
    """1/3 (Max + T) for up to 4 supports, 1/(n − 1) (Max + T) above (OIML R 76-1 3.6.2),
    rounded to the nearest multiple of e."""
    divisor = Decimal(3) if scale.support_points <= 4 else Decimal(scale.support_points - 1)
    exact = (scale.max + scale.max_additive_tare) / divisor
    return (exact / scale.e).quantize(Decimal(1), rounding=ROUND_HALF_UP) * scale.e


def t_eccentricity(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    f.only(test, ("kind", "load", "positions", "zero"), path)
    scale: Scale = ctx.instrument
    ctx.rule("eccentricity")
    if "load" in test:
        load = read_load(test, "load", path, scale)
    else:
        ctx.rule_since_v1("eccentricity_rounding")
        load = eccentricity_load(scale)
    e0 = zero_error(ctx, test, path)
    mpe, mpe_rule = mpe_at(ctx, load)
    items = []
    for i, (p, pp) in enumerate(f.objects(test, "positions", path)):
        error = point_error(ctx, p, pp, load) - e0
        items.append(
            item(f"position {i + 1}", error=error, mpe=mpe, unit=scale.unit, rule=mpe_rule)
        )
    return test_result("eccentricity", items, load=fmt(load))


def t_repeatability(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Spread of the errors <= |MPE(load)|, and each error <= MPE (OIML R 76-1 3.6.1)."""
    f.only(test, ("kind", "load", "indications", "errors"), path)
    scale: Scale = ctx.instrument
    rule = ctx.rule("repeatability")
    load = read_load(test, "load", path, scale)
    if ("indications" in test) == ("errors" in test):
        raise InputError(f.join(path, "indications"), "give either indications or errors")
    if "indications" in test:
        errors = [i - load for i in f.numbers(test, "indications", path, minimum=2)]
    else:
        errors = f.numbers(test, "errors", path, minimum=2)
    runs_note(ctx, "repeatability_runs", len(errors), "weighings")
    mpe, mpe_rule = mpe_at(ctx, load)
    label = _label(scale, load)
    items = [
        item(f"{label} #{i + 1}", error=err, mpe=mpe, unit=scale.unit, rule=mpe_rule)
        for i, err in enumerate(errors)
    ]
    spread = max(errors) - min(errors)
    items.append(item(f"{label} range", error=spread, mpe=mpe, unit=scale.unit, rule=rule))
    return test_result("repeatability", items, load=fmt(load), range=fmt(spread))


def t_zero(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Zero-setting accuracy: E0 = I + d/2 − ΔL − L0, |E0| <= 0.25 e (OIML R 76-1 4.5.2).

    L0 (optional ``load``, default 0) is the small load of about 10 e put on to stay clear
    of zero-tracking (OIML R 76-1 A.4.4.3).
    """
    f.only(test, ("kind", "indication", "added", "load"), path)
    scale: Scale = ctx.instrument
    rule = ctx.rule("zero_accuracy")
    ctx.rule("changeover")
    e = scale.ranges[0].e
    load = read_load(test, "load", path, scale) if "load" in test else Decimal(0)
    near_zero_note(ctx, load)
    step = display_step(ctx, load)
    e0 = f.number(test, "indication", path) + step / 2 - read_added(ctx, test, path, step) - load
    return test_result(
        "zero", [item("zero", error=e0, mpe=rule.data * e, unit=scale.unit, rule=rule)]
    )


def t_discrimination(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Adding 1.4 d must raise the indication by at least d (OIML R 76-1 3.8).

    The item's ``error`` is the rise of the indication and ``required_rise`` is d; there is
    no MPE. Adding more than 1.4 d would make the test easier, so it is refused.
    """
    f.only(test, ("kind", "load", "indication_before", "extra_load", "indication_after"), path)
    scale: Scale = ctx.instrument
    rule = ctx.rule("discrimination")
    load = read_load(test, "load", path, scale)
    d = scale.range_for(load).e if scale.multi else scale.d
    extra = f.number(test, "extra_load", path, positive=True)
    if extra > rule.data * d:
        raise InputError(
            f.join(path, "extra_load"), f"must not exceed 1.4 d = {fmt(rule.data * d)} {scale.unit}"
        )
    rise = f.number(test, "indication_after", path) - f.number(test, "indication_before", path)
    it = item(
        f"{_label(scale, load)} + {fmt(extra)} {scale.unit}",
        error=rise,
        mpe=None,
        unit=scale.unit,
        rule=rule,
        passed=rise >= d,
        required_rise=fmt(d),
    )
    return test_result("discrimination", [it], load=fmt(load))


def t_price(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Amount = weight × unit price rounded half-up to 0.01 yuan; the display must equal it.

    Exact halves are rounded up (四舍五入) and carry an extra warning, because the rule for
    them is not confirmed. A charge that differs from the display fails, and a charge close
    to 100 × the computed amount marks the "unit price ÷100" trick.
    """
    f.only(test, ("kind", "weight", "unit_price", "amount_displayed", "amount_charged"), path)
    rule = ctx.rule("price")
    weight = f.number(test, "weight", path, non_negative=True)
    unit_price = f.number(test, "unit_price", path, non_negative=True)
    displayed = f.number(test, "amount_displayed", path, non_negative=True)
    charged = f.optional_number(test, "amount_charged", path, non_negative=True)
    exact = weight * unit_price
    expected = exact.quantize(rule.data, rounding=ROUND_HALF_UP)
    if (exact / rule.data) % 1 == HALF:
        ctx.rule("price_half")
    items = [
        item(
            "amount displayed",
            error=displayed - expected,
            mpe=None,
            unit="yuan",
            rule=rule,
            passed=displayed == expected,
        )
    ]
    divided = ctx.ruleset.rule("unit_price_divided")
    if 0 < unit_price < divided.data:
        ctx.rule("unit_price_divided")
        ctx.warn(
            f"unit price {fmt(unit_price)} yuan/kg is implausibly low: check for a unit price "
            f"entered at 1/100 ({divided.clause})"
        )
    if charged is not None:
        items.append(
            item(
                "amount charged",
                error=charged - displayed,
                mpe=None,
                unit="yuan",
                rule=rule,
                passed=charged == displayed,
            )
        )
        trick = (
            charged != displayed and exact > 0 and abs(charged - 100 * exact) <= 100 * rule.data / 2
        )
        if trick:
            ctx.rule("unit_price_divided")
        items.append(
            item(
                "unit price ÷100", error=None, mpe=None, unit="yuan", rule=divided, passed=not trick
            )
        )
    return test_result("price", items, expected_amount=fmt(expected))


def runs_note(ctx: Context, key: str, count: int, what: str) -> None:
    """A warning when fewer runs (weighings, deliveries, readings) were made than asked."""
    if ctx.legacy or key not in ctx.ruleset.rules:
        return
    if count < ctx.ruleset.rule(key).data:  # the rule is used (and warns) only when short
        rule = ctx.rule(key)
        ctx.notice(f"{count} {what} where the procedure asks for {fmt(rule.data)} ({rule.clause})")


def t_unloading(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The unloading series of the weighing test: loads from Max back down to zero, each
    against MPE(load) (OIML R 76-1 A.4.4.1). Labels carry "↓"; loads should decrease."""
    f.only(test, ("kind", "points", "zero"), path)
    scale: Scale = ctx.instrument
    rule = ctx.rule("unloading")
    e0 = zero_error(ctx, test, path)
    items, loads = [], []
    for p, pp in f.objects(test, "points", path):
        load = read_load(p, "load", pp, scale)
        loads.append(load)
        error = point_error(ctx, p, pp, load, ("load",)) - e0
        mpe, _ = mpe_at(ctx, load)
        items.append(
            item(
                f"{_label(scale, load)} ↓",
                error=error,
                mpe=mpe,
                unit=scale.unit,
                rule=rule,
                load=fmt(load),
            )
        )
    if any(b > a for a, b in zip(loads, loads[1:], strict=False)):
        ctx.warn("the unloading series should go from Max down to zero (decreasing loads)")
    return test_result("unloading", items)


def t_tare(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """Weighing with a tare: net errors against MPE(net load); tare-setting accuracy
    |E_T| <= 0.25 e from the optional ``tare_zero`` {indication, added} after taring
    (OIML R 76-1 3.5.3.3, 4.6.3; EU NAWI Directive Annex I 4.1: MPE on net values)."""
    f.only(test, ("kind", "tare_load", "tare_zero", "points"), path)
    scale: Scale = ctx.instrument
    rule = ctx.rule("tare")
    tare = read_load(test, "tare_load", path, scale)
    items = []
    if test.get("tare_zero") is not None:
        zp = f.join(path, "tare_zero")
        z = f.obj(test["tare_zero"], zp)
        f.only(z, ("indication", "added"), zp)
        if "added" not in z:
            raise InputError(
                f.join(zp, "added"), "is required (E_T comes from the changeover method)"
            )
        ctx.rule("changeover")
        step = display_step(ctx, tare)
        e_t = f.number(z, "indication", zp) + step / 2 - read_added(ctx, z, zp, step)
        e = scale.range_for(tare).e if scale.multi else scale.e
        items.append(item("tare setting", error=e_t, mpe=rule.data * e, unit=scale.unit, rule=rule))
    for p, pp in f.objects(test, "points", path):
        load = read_load(p, "load", pp, scale)
        if tare + load > scale.limit:
            raise InputError(
                f.join(pp, "load"),
                f"tare + net load is above Max + 9e = {fmt(scale.limit)} {scale.unit}",
            )
        error = point_error(ctx, p, pp, load, ("load",))
        mpe, mpe_rule = mpe_at(ctx, load)
        items.append(
            item(
                f"{_label(scale, load)} net",
                error=error,
                mpe=mpe,
                unit=scale.unit,
                rule=mpe_rule,
                load=fmt(load),
            )
        )
    return test_result("tare", items, tare_load=fmt(tare))


SECURITY_ITEMS = (
    ("type_approval", "type_approval_consistent", "type-approval consistency"),
    ("identity_code", "identity_code_valid", "unique identity code"),
    ("self_lock", "self_lock", "self-lock"),
    ("three_codes_one_seal", "production_code_valid", "production code"),
    ("three_codes_one_seal", "repair_code_valid", "repair code"),
    ("three_codes_one_seal", "verification_code_valid", "verification code"),
    ("three_codes_one_seal", "seal_intact", "seal"),
)
YES = ("true", "yes", "y", "1", "是", "有", "合格")
NO = ("false", "no", "n", "0", "否", "无", "不合格")


def yes_no(test: Mapping[str, Any], key: str, path: str) -> bool:
    """A yes/no answer: true or false, or the text an editor cell stores (yes/no, 是/否)."""
    value = test.get(key)
    if isinstance(value, bool):
        return value
    text = value.strip().lower() if isinstance(value, str) else None
    if text in YES:
        return True
    if text in NO:
        return False
    raise InputError(f.join(path, key), "is required: true or false (yes/no, 是/否)")


SECURITY_FIELDS = (
    "kind",
    "identity_code",
    "software_id",
    "software_id_approved",
    *(k for _, k, _ in SECURITY_ITEMS),
)


def t_security(ctx: Context, test: Mapping[str, Any], path: str) -> dict[str, Any]:
    """JJG 1204-2025 6.1–6.5: type-approval consistency, unique identity code, software ID,
    self-lock and 三码一封 (production, repair and verification codes and the seal).

    Each yes/no answer is one item; the software ID shown must equal the approved one.
    Under a rule set without these checks (JJG 539-2016, OIML R 76-1) the test is
    ``not_applicable``.
    """
    f.only(test, SECURITY_FIELDS, path)
    answers = {key: yes_no(test, key, path) for _, key, _ in SECURITY_ITEMS}
    shown = f.text(test, "software_id", path)
    approved = f.text(test, "software_id_approved", path)
    if not shown or not approved:
        missing = "software_id" if not shown else "software_id_approved"
        raise InputError(f.join(path, missing), "is required (the software ID as text)")
    code = f.text(test, "identity_code", path)
    if "type_approval" not in ctx.ruleset.rules:
        ctx.warn(
            f"type approval, identity code, software ID, self-lock and 三码一封 are checks of "
            f"JJG 1204-2025; not judged under {ctx.ruleset.name}"
        )
        return {"kind": "security", "verdict": NOT_APPLICABLE, "items": []}
    items = []
    for key, field, label in SECURITY_ITEMS[:3]:
        items.append(
            item(label, error=None, mpe=None, unit="", rule=ctx.rule(key), passed=answers[field])
        )
    items.append(
        item(
            "software ID",
            error=None,
            mpe=None,
            unit="",
            rule=ctx.rule("software_id"),
            passed=shown.strip() == approved.strip(),
            shown=shown,
            approved=approved,
        )
    )
    for key, field, label in SECURITY_ITEMS[3:]:
        items.append(
            item(label, error=None, mpe=None, unit="", rule=ctx.rule(key), passed=answers[field])
        )
    derived = {"identity_code": code} if code else {}
    return test_result("security", items, **derived)


TESTS = {
    "classification": t_classification,
    "weighing": t_weighing,
    "unloading": t_unloading,
    "eccentricity": t_eccentricity,
    "repeatability": t_repeatability,
    "zero": t_zero,
    "tare": t_tare,
    "discrimination": t_discrimination,
    "price": t_price,
    "security": t_security,
}


def envelope(ctx: Context, load: Decimal, path: str) -> Decimal:
    """MPE at a load (instrument unit), for drawing the ±MPE envelope."""
    if load < 0 or load > ctx.instrument.limit:
        raise InputError(path, f"load must be between 0 and Max + 9e = {fmt(ctx.instrument.limit)}")
    return mpe_at(ctx, load)[0]


def variables(scale: Scale) -> dict[str, Decimal]:
    """Names the form files may use in default test points."""
    return {
        "max": scale.max,
        "e": scale.e,
        "d": scale.d,
        "min": minimum_capacity(scale),
        "tare": scale.max_additive_tare,
        "supports": Decimal(scale.support_points),
        "ecc": eccentricity_load(scale),
    }


def scope_warning(ctx: Context) -> None:
    if ctx.ruleset.name == JJG_1204.name and not _price_scale(ctx.instrument):
        ctx.warn(
            "JJG 1204-2025 covers price-computing scales of Max ≤ 100 kg in classes III and "
            "IIII; this instrument is not one (instrument price_computing, max, class)"
        )
    if ctx.ruleset.name == JJG_539.name and ctx.instrument.accuracy_class in ("I", "II"):
        ctx.warn(
            "JJG 539-2016 covers classes III and IIII; classes I and II are verified under "
            "JJG 1036 / JJG 98 and are judged here with the OIML R 76-1 tables"
        )


def scope_hint(scale: Scale, kinds: frozenset[str]) -> Scale:
    """A scale whose price computation or JJG 1204 security is tested is price-computing."""
    if not scale.price_computing and kinds & {"price", "security"}:
        return replace(scale, price_computing=True)
    return scale


FAMILY = register(
    Family(
        name="scale",
        order=10,
        label_zh="数字指示秤",
        label_en="Scale",
        rulesets=(JJG_539, JJG_1204, OIML_R76),
        parse_instrument=parse_instrument,
        tests=TESTS,
        envelope=envelope,
        envelope_axis="load (instrument unit) → MPE (instrument unit)",
        variables=variables,
        prepare=scope_warning,
        scope_hint=scope_hint,
    )
)

__all__ = [
    "Band",
    "FAMILY",
    "JJG_1204",
    "JJG_539",
    "OIML_R76",
    "Scale",
    "mpe_at",
    "parse_instrument",
]
