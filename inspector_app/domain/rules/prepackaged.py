"""Net content of prepackaged goods (定量包装商品净含量): JJF 1070 with the 2005/2023 办法.

One test, ``net_content``, judges one inspection batch:

* **T**, the tolerable deficiency (允许短缺量), from the nominal quantity Qn: a table for mass
  and volume (g or mL), 2 % above 5 m for length, 3 % for area, 1 % rounded up to the next
  whole number above 50 for counts (2005 办法 附表3 ✅). T of mass and volume is rounded
  to 0.1 g (mL) for Qn ≤ 1 kg (L) and to 1 g (mL) above; the text does not state the
  direction, so rounding *up* (as EU/German law does) is the default and ``half_up`` can
  be chosen (❓).
* Each package's deficiency d = Qn − q is a **T1** shortfall when T < d ≤ 2T and a **T2**
  shortfall when d > 2T; the sampling plan allows a number of T1 packages and no T2.
* The **average** requirement q̄ ≥ Qn − λ·s (s the sample standard deviation) with the λ
  printed in the plan; batches of N ≤ 10 are judged on single packages only.
* The batch fails when either check fails.

The sampling plan (N → n, λ, allowed T1) is the 2005 办法 附表4 ✅. The 2023 办法 moved the
plan into JJF 1070-2023, whose table has not been read: under the current rule set every
result carries that warning. Comparisons use the exact mean, s and λ·s (no rounding before
comparing; how the published text rounds them is not confirmed).

The module is long (about 700 lines) on purpose: much of it is data, the T tables, the
sampling plan, the label-height and unit tables and the clause-cited rules of each rule
set, kept beside the one test that applies them so that each value is checked against its
source in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from inspector_app.domain.errors import InputError

from . import inputs as f
from .core import (
    FAIL,
    PASS,
    Confidence,
    Context,
    Family,
    Rule,
    band_lookup,
    bands,
    fmt,
    ruleset,
    show,
)
from .registry import register

C, S, U = Confidence.CONFIRMED, Confidence.SECONDARY, Confidence.UNCONFIRMED

CHECKS = ("batch",)
QUANTITIES = ("mass", "volume", "length", "area", "count")
UNITS = {
    "mass": {"g": Decimal(1), "kg": Decimal(1000)},
    "volume": {"mL": Decimal(1), "L": Decimal(1000)},
    "length": {"m": Decimal(1)},
    "area": {"m2": Decimal(1)},
    "count": {"pcs": Decimal(1)},
}
"""Units accepted for each quantity, with the factor to the base unit of the T table."""
ROUNDINGS = ("up", "half_up")
T1, T2 = "t1", "t2"
AVERAGE_FAILED = "average below the limit"  # the label in ``failed`` when the average fails


# ---- rule data --------------------------------------------------------------------------


@dataclass(frozen=True)
class TRow:
    """One row of the T table: up to and including ``upper`` (g or mL), T is ``percent`` %
    of Qn or the fixed ``amount``."""

    upper: Decimal
    percent: Decimal | None = None
    amount: Decimal | None = None

    def t(self, qn: Decimal) -> Decimal:
        if self.percent is not None:
            return qn * self.percent / 100
        assert self.amount is not None  # a row holds a percent or an amount (checked on load)
        return self.amount

    def describe(self) -> str:
        what = f"{fmt(self.percent)} % of Qn" if self.percent is not None else fmt(self.amount)
        return f"≤ {fmt(self.upper)}: {what}"


def _t_rows(*rows: tuple[str, str, str | None]) -> tuple[TRow, ...]:
    return tuple(
        TRow(Decimal(u), Decimal(v), None) if kind == "%" else TRow(Decimal(u), None, Decimal(v))  # type: ignore[arg-type]
        for u, kind, v in rows
    )


T_MASS_VOLUME = _t_rows(
    ("50", "%", "9"),
    ("100", "=", "4.5"),
    ("200", "%", "4.5"),
    ("300", "=", "9"),
    ("500", "%", "3"),
    ("1000", "=", "15"),
    ("10000", "%", "1.5"),
    ("15000", "=", "150"),
    ("50000", "%", "1"),
)


@dataclass(frozen=True)
class PercentAbove:
    """No shortage up to and including ``limit``; above it ``percent`` % of Qn."""

    limit: Decimal
    percent: Decimal

    def t(self, qn: Decimal) -> Decimal:
        return Decimal(0) if qn <= self.limit else qn * self.percent / 100

    def describe(self) -> str:
        if self.limit == 0:
            return f"{fmt(self.percent)} % of Qn"
        return f"≤ {fmt(self.limit)}: 0; above: {fmt(self.percent)} % of Qn"


@dataclass(frozen=True)
class RoundingSteps:
    """T of mass and volume is rounded to ``small`` for Qn ≤ ``limit`` (g or mL), to
    ``large`` above."""

    limit: Decimal
    small: Decimal
    large: Decimal

    def step(self, qn: Decimal) -> Decimal:
        return self.small if qn <= self.limit else self.large

    def describe(self) -> str:
        return (
            f"Qn ≤ {fmt(self.limit)}: to {fmt(self.small)}; above: to {fmt(self.large)} (g or mL)"
        )


@dataclass(frozen=True)
class PlanRow:
    """One row of the sampling plan, for batches of up to ``upper`` packages (None: no limit).

    ``n`` None means the whole batch is inspected; ``lam`` None means no average requirement.
    """

    upper: int | None
    n: int | None
    lam: Decimal | None
    t1_allowed: int
    t2_allowed: int

    def sample_size(self, batch_size: int) -> int:
        return batch_size if self.n is None else self.n

    def describe(self) -> str:
        size = f"N ≤ {self.upper}" if self.upper is not None else "N above"
        n = "n = N" if self.n is None else f"n = {self.n}"
        lam = "no average" if self.lam is None else f"λ = {fmt(self.lam)}"
        return f"{size}: {n}, {lam}, T1 ≤ {self.t1_allowed}, T2 ≤ {self.t2_allowed}"


PLAN_2005 = (
    PlanRow(10, None, None, 0, 0),
    PlanRow(50, 10, Decimal("1.028"), 0, 0),
    PlanRow(99, 13, Decimal("0.848"), 1, 0),
    PlanRow(500, 50, Decimal("0.379"), 3, 0),
    PlanRow(3200, 80, Decimal("0.295"), 5, 0),
    PlanRow(None, 125, Decimal("0.234"), 7, 0),
)


LABEL_HEIGHTS = bands(("50", "2"), ("200", "3"), ("1000", "4"), (None, "6"))


@dataclass(frozen=True)
class UnitChoice:
    """Below ``limit`` (in the base unit) label in one of ``small``; from it in ``large``;
    exactly on it either (the two texts differ there)."""

    limit: Decimal
    small: tuple[str, ...]
    large: tuple[str, ...]

    def allowed(self, qn: Decimal) -> tuple[str, ...]:
        if qn == self.limit:
            return self.small + self.large
        return self.small if qn < self.limit else self.large

    def describe(self) -> str:
        return f"< {fmt(self.limit)}: {'/'.join(self.small)}; ≥: {'/'.join(self.large)}"


LABEL_UNITS = {
    "mass": UnitChoice(Decimal(1000), ("g",), ("kg",)),
    "volume": UnitChoice(Decimal(1000), ("mL",), ("L",)),
    "length": UnitChoice(Decimal(1), ("mm", "cm"), ("m",)),
    "area": UnitChoice(Decimal(1), ("mm2", "cm2", "dm2"), ("m2",)),
    "count": UnitChoice(Decimal(0), (), ("pcs",)),
}


def _rules(edition: str) -> list[Rule]:
    """The rules of one edition: 2005 (the 2005 办法 with JJF 1070-2005) or 2023."""
    old = edition == "2005"
    table = "2005 办法 附表3" if old else "2023 办法 附件3 (values as the 2005 附表3)"
    table_note = (
        ""
        if old
        else "The 2023 办法 keeps the table in 附件3; that its values equal the 2005 附表3 "
        "has not been seen."
    )
    plan_note = (
        ""
        if old
        else "This is the 2005 办法 附表4 plan; JJF 1070-2023 (in force 2024-10-12) carries its "
        "own, 'optimised' plan at 99.5 % confidence, which has not been read and may differ."
    )
    return [
        Rule(
            "t_mass_volume",
            f"{table}",
            C if old else U,
            "tolerable deficiency T by Qn for mass and volume (Qn and T in g or mL; "
            "lo < Qn ≤ hi, neighbouring rows agree at every edge)",
            T_MASS_VOLUME,
            table_note,
        ),
        Rule(
            "t_length",
            f"{table} (长度)",
            C if old else U,
            "T for length (m): none up to 5 m, 2 % of Qn above",
            PercentAbove(Decimal(5), Decimal(2)),
            table_note,
        ),
        Rule(
            "t_area",
            f"{table} (面积)",
            C if old else U,
            "T for area (m²): 3 % of Qn",
            PercentAbove(Decimal(0), Decimal(3)),
            table_note,
        ),
        Rule(
            "t_count",
            f"{table} (计数)",
            C if old else U,
            "T for counts: none up to 50, 1 % of Qn above, rounded up to the next whole number",
            PercentAbove(Decimal(50), Decimal(1)),
            table_note,
        ),
        Rule(
            "t_rounding",
            f"{table} 注",
            C if old else U,
            "T of mass and volume rounded to 0.1 g (mL) for Qn ≤ 1 kg (L), to 1 g (mL) above",
            RoundingSteps(Decimal(1000), Decimal("0.1"), Decimal(1)),
            table_note,
        ),
        Rule(
            "t_rounding_direction",
            f"{table} 注 (修约 direction)",
            U,
            "direction of rounding T: up by default (as EU/German law), half-up selectable; "
            "the Chinese text does not state it",
            ROUNDINGS,
            "Here the direction changes T; the choice can decide a verdict.",
        ),
        Rule(
            "t1_t2",
            "2005 办法 附表4; OIML R 87:2016 (T1: T < d ≤ 2T; T2: d > 2T)",
            C,
            "a package short by more than T and at most 2T is a T1 shortfall, by more than 2T "
            "a T2 shortfall (factor of T)",
            Decimal(2),
        ),
        Rule(
            "plan",
            "2005 办法 附表4" if old else "JJF 1070-2023 抽样方案 (2005 办法 附表4 values)",
            C if old else U,
            "sampling plan: batch size N → sample n, λ, allowed T1 and T2 packages",
            PLAN_2005,
            plan_note,
        ),
        Rule(
            "average",
            "2005 办法 附表4 (q̄ ≥ Qn − λ·s)",
            C if old else U,
            "average requirement: mean net content ≥ Qn − λ·s (equality passes), s the sample "
            "standard deviation; N ≤ 10: single packages only, no average",
            None,
            plan_note,
        ),
        Rule(
            "batch_verdict",
            "JJF 1070-2005 6 结果评定",
            S,
            "the batch fails when the single-package check or the average check fails",
            None,
        ),
        Rule(
            "tare_average",
            "OIML R 87 Annex B (average tare)",
            U,
            "net = gross − average tare of the sample's packaging; when an average tare may "
            "be used (tare sample size, s of the tare against T) is not confirmed",
            None,
        ),
        Rule(
            "label_height",
            "2005 办法 附表2; GB 7718-2011 Table 3" if old else "2023 办法 附件2 (as 2005 附表2)",
            C if old else U,
            "minimum height of the net-content characters (mm) by Qn in g or mL; 2 mm for "
            "length, area and count (reported, not judged: the checklist records the finding)",
            LABEL_HEIGHTS,
        ),
        Rule(
            "label_unit",
            "2005 办法 附表1" if old else "2023 办法 附件1 (as 2005 附表1)",
            C if old else U,
            "unit to label Qn in: below the limit the small unit, from it the large one "
            "(exactly 1000 g or mL: GB 7718 says g or mL, the 办法 kg or L; both are accepted)",
            LABEL_UNITS,
        ),
        Rule(
            "label_digits",
            "JJF 1070-2023 Amendment No. 1 4.2.1.2",
            C,
            "the number of the net content: at most this many significant digits (recommended)",
            3,
        ),
        Rule(
            "density",
            "JJF 1070-2005 5.4.5 样本的检验 (volume at 20 °C: 定量包装商品计量监督规定 1995)",
            S,
            "volume-labelled goods weighed by mass: volume = mass ÷ density at 20 °C",
            Decimal(20),
        ),
    ]


JJF_1070_2023 = ruleset(
    "prepackaged",
    "JJF 1070-2023",
    "定量包装商品净含量计量检验规则 Net content of prepackaged goods",
    "in force 2024-10-12 (SAMR Order No. 70 in force 2023-06-01); its sampling plan not read",
    _rules("2023"),
    aliases=("JJF 1070", "定量包装商品计量监督管理办法 2023"),
)
JJF_1070_2005 = ruleset(
    "prepackaged",
    "JJF 1070-2005",
    "定量包装商品净含量计量检验规则 (2005) with the 2005 办法 (AQSIQ Order No. 75)",
    "replaced 2024-10-12 by JJF 1070-2023",
    _rules("2005"),
    aliases=("定量包装商品计量监督管理办法 2005",),
)


# ---- T ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Goods:
    """Instrument data for drawing the T curve (``mpe_envelope``): quantity and unit.

    A recorded batch keeps its product data (name, brand, producer…) beside these; the
    rules ignore it, as other families ignore nameplate data they do not judge."""

    quantity: str
    unit: str
    t_rounding: str


def parse_instrument(data: Mapping[str, Any], path: str) -> Goods:
    quantity = f.choice(data, "quantity", path, QUANTITIES, default="mass")
    unit = f.choice(data, "unit", path, tuple(UNITS[quantity]), default=next(iter(UNITS[quantity])))
    rounding = f.choice(data, "t_rounding", path, ROUNDINGS, default="up")
    return Goods(quantity, unit, rounding)


def tolerable_deficiency(
    ctx: Context, quantity: str, nominal: Decimal, unit: str, rounding: str, path: str
) -> Decimal:
    """T for a nominal quantity *nominal* in *unit*, in the same unit."""
    factor = UNITS[quantity][unit]
    qn = nominal * factor
    if quantity in ("mass", "volume"):
        rows: tuple[TRow, ...] = ctx.rule("t_mass_volume").data
        if qn > rows[-1].upper:
            base = "g" if quantity == "mass" else "mL"
            raise InputError(
                path, f"is above the table of tolerable deficiencies ({fmt(rows[-1].upper)} {base})"
            )
        row = next(r for r in rows if qn <= r.upper)
        exact = row.t(qn)
        step: Decimal = ctx.rule("t_rounding").data.step(qn)
        mode = ROUND_CEILING if rounding == "up" else ROUND_HALF_UP
        t = (exact / step).to_integral_value(rounding=mode) * step
        if t != exact:
            ctx.rule("t_rounding_direction")
        return t / factor
    if quantity == "count":
        count_row: TRow = ctx.rule("t_count").data
        return count_row.t(qn).to_integral_value(rounding=ROUND_CEILING)
    size_row: TRow = ctx.rule("t_length" if quantity == "length" else "t_area").data
    return size_row.t(qn)


def labelling(ctx: Context, quantity: str, nominal: Decimal, unit: str) -> dict[str, Any]:
    """What the label of this Qn must show: the minimum character height, the units Qn may
    be labelled in, and its significant digits (informational: the checklist records the
    labelling findings)."""
    qn = nominal * UNITS[quantity][unit]
    height_rule = ctx.ruleset.rule("label_height")
    height = (
        band_lookup(height_rule.data, qn).value if quantity in ("mass", "volume") else Decimal(2)
    )
    allowed = ctx.ruleset.rule("label_unit").data[quantity].allowed(qn)
    digits = len(nominal.as_tuple().digits)
    max_digits = ctx.ruleset.rule("label_digits").data
    return {
        "min_height_mm": fmt(height),
        "units_allowed": list(allowed),
        "unit_conforms": unit in allowed,
        "significant_digits": digits,
        "digits_ok": digits <= max_digits,
        "rule": f"{height_rule.clause}; {ctx.ruleset.rule('label_unit').clause}",
    }


def plan_row(ctx: Context, batch_size: int) -> PlanRow:
    rows: tuple[PlanRow, ...] = ctx.rule("plan").data
    return next(r for r in rows if r.upper is None or batch_size <= r.upper)


# ---- the test ---------------------------------------------------------------------------


def _content(
    ctx: Context,
    unit_data: Mapping[str, Any],
    path: str,
    *,
    quantity: str,
    tare: Decimal | None,
    density: Decimal | None,
    to_unit: Decimal,
) -> Decimal:
    """A package's actual net content in the labelled unit."""
    f.only(unit_data, ("net", "gross", "tare"), path)
    given = {k for k, v in unit_data.items() if v is not None}
    if "net" in given:
        for key in ("gross", "tare"):
            if key in given:
                raise InputError(
                    f.join(path, key), "give either net or gross (with tare), not both"
                )
        value = f.number(unit_data, "net", path, non_negative=True)
    else:
        if "gross" not in given:
            raise InputError(f.join(path, "net"), "is required (or gross with a tare)")
        if quantity in ("length", "area", "count"):
            raise InputError(
                f.join(path, "gross"), f"{quantity} goods are measured directly: give net"
            )
        gross = f.number(unit_data, "gross", path, positive=True)
        if "tare" in given:
            own = f.number(unit_data, "tare", path, non_negative=True)
        elif tare is not None:
            own = tare
        else:
            raise InputError(
                f.join(path, "tare"), "is required for a gross reading (or a tare on the test)"
            )
        value = gross - own
        if value < 0:
            raise InputError(f.join(path, "tare"), "is more than the gross reading")
    if quantity == "count" and value != value.to_integral_value():
        raise InputError(f.join(path, "net"), "must be a whole number of pieces")
    if density is not None:
        with localcontext() as dc:
            dc.prec = 34
            return value / density / to_unit
    return value


def _shown_pair(a: Decimal, b: Decimal) -> tuple[str, str]:
    """*a* and *b* as text with at least 6 decimals, enough that their order stays visible
    (a shown mean never looks equal to, or on the other side of, the limit it is judged by)."""
    for places in range(6, 35):
        q = Decimal(1).scaleb(-places)
        sa, sb = a.quantize(q, ROUND_HALF_UP), b.quantize(q, ROUND_HALF_UP)
        if (sa > sb, sa == sb) == (a > b, a == b):
            return show(a, None, places), show(b, None, places)
    return fmt(a), fmt(b)  # pragma: no cover - 34 places separate any two values used here


SAMPLING_FIELDS = ("form_no", "method", "sampled_by", "place", "sealed", "seal_no", "campaign")
SAMPLING_METHODS = ("systematic", "stratified", "simple_random")
SEALED_WORDS = ("yes", "no", "true", "false", "是", "否")


def _sampling(test: Mapping[str, Any], path: str) -> None:
    """The optional sampling-form record (抽样单) carried with the batch; not judged, only
    checked for shape so a recorded form never holds a misspelt or mistyped field."""
    if test.get("sampling") is None:
        return
    p = f.join(path, "sampling")
    data = f.obj(test["sampling"], p)
    f.only(data, SAMPLING_FIELDS, p)
    if data.get("method") is not None:
        f.choice(data, "method", p, SAMPLING_METHODS)
    sealed = data.get("sealed")
    if sealed is not None and not (isinstance(sealed, str) and sealed.lower() in SEALED_WORDS):
        f.boolean(data, "sealed", p, default=False)  # true/false, or a word as typed
    for key in ("form_no", "sampled_by", "place", "seal_no", "campaign"):
        f.text(data, key, p)


PENDING = "pending"


def t_net_content(
    ctx: Context, test: Mapping[str, Any], path: str, partial: bool = False
) -> dict[str, Any]:
    """Judge one batch. With *partial* (:func:`preview`) a sample still being entered is
    judged so far: verdict ``pending`` until the plan's sample is complete, unless the
    single-package check has already failed (more packages cannot undo a T2 or a T1 too
    many); the average is shown but decides nothing before then."""
    f.only(
        test,
        (
            "kind",
            "quantity",
            "nominal",
            "unit",
            "batch_size",
            "units",
            "tare",
            "density",
            "t_rounding",
            "sampling",
        ),
        path,
    )
    _sampling(test, path)
    quantity = f.choice(test, "quantity", path, QUANTITIES)
    unit = f.choice(test, "unit", path, tuple(UNITS[quantity]))
    nominal = f.number(test, "nominal", path, positive=True)
    if quantity == "count" and nominal != nominal.to_integral_value():
        raise InputError(f.join(path, "nominal"), "must be a whole number of pieces")
    batch_size = f.integer(test, "batch_size", path, default=0, minimum=1)
    rounding = f.choice(test, "t_rounding", path, ROUNDINGS, default="up")
    tare = f.optional_number(test, "tare", path, non_negative=True)
    density = f.optional_number(test, "density", path, positive=True)
    if density is not None:
        if quantity != "volume":
            raise InputError(f.join(path, "density"), "applies only to volume-labelled goods")
        ctx.rule("density")
    if tare is not None and quantity in ("length", "area", "count"):
        raise InputError(f.join(path, "tare"), f"{quantity} goods are measured directly")

    t = tolerable_deficiency(ctx, quantity, nominal, unit, rounding, f.join(path, "nominal"))
    two_t = t * ctx.rule("t1_t2").data
    row = plan_row(ctx, batch_size)
    required = row.sample_size(batch_size)
    units_path = f.join(path, "units")
    raw_units = f.objects(test, "units", path, minimum=0 if partial else 1)
    complete = len(raw_units) >= required
    if not complete and not partial:
        raise InputError(
            units_path,
            f"the sampling plan for a batch of {batch_size} requires {required} packages; "
            f"{len(raw_units)} given",
        )
    if len(raw_units) > batch_size:
        raise InputError(
            units_path, f"{len(raw_units)} packages given from a batch of {batch_size}"
        )
    if len(raw_units) > required:
        ctx.warn(
            f"{len(raw_units)} packages given where the plan for a batch of {batch_size} "
            f"takes {required}; λ and the T1 allowance are the plan's for n = {required}"
        )
    to_unit = UNITS[quantity][unit]
    if tare is not None and all(u.get("tare") is not None for u, _ in raw_units):
        tare = None  # every package carries its own tare; the average is not used
    values = [
        _content(ctx, u, p, quantity=quantity, tare=tare, density=density, to_unit=to_unit)
        for u, p in raw_units
    ]
    if tare is not None:
        ctx.rule("tare_average")

    items, t1_labels, t2_labels = [], [], []
    rule = ctx.ruleset.rule("t1_t2")
    for i, value in enumerate(values, start=1):
        deficiency = nominal - value
        label = f"#{i}"
        if deficiency <= t:
            verdict = PASS
        elif deficiency <= two_t:
            verdict = T1
            t1_labels.append(label)
        else:
            verdict = T2
            t2_labels.append(label)
        items.append(
            {
                "label": label,
                "actual": show(value),
                "error": show(-deficiency, t),
                "mpe": fmt(t),
                "unit": unit,
                "verdict": verdict,
                "rule": rule.clause,
            }
        )
    singles_ok = len(t1_labels) <= row.t1_allowed and len(t2_labels) <= row.t2_allowed

    n = len(values)
    with localcontext() as dc:
        dc.prec = 34
        mean = sum(values, Decimal(0)) / n if n else None
        s = (
            (sum(((v - mean) ** 2 for v in values), Decimal(0)) / (n - 1)).sqrt()
            if n > 1 and mean is not None
            else None
        )
        lambda_s = row.lam * s if row.lam is not None and s is not None else None
        limit = nominal - lambda_s if lambda_s is not None else None
    derived: dict[str, Any] = {
        "quantity": quantity,
        "nominal": fmt(nominal),
        "unit": unit,
        "batch_size": batch_size,
        "sample_size": n,
        "sample_size_required": required,
        "plan": ctx.ruleset.rule("plan").clause,
        "t": fmt(t),
        "two_t": fmt(two_t),
        "t_rounding": rounding,
        "t1_count": len(t1_labels),
        "t1_allowed": row.t1_allowed,
        "t2_count": len(t2_labels),
        "t2_allowed": row.t2_allowed,
        "mean": show(mean),
        "s": show(s),
        "lambda": None if row.lam is None else fmt(row.lam),
    }
    failed = list(t2_labels)
    if len(t1_labels) > row.t1_allowed:
        failed += t1_labels
    if limit is not None and mean is not None and lambda_s is not None:
        ctx.rule("average")
        average_ok = mean >= limit
        derived["mean"], derived["limit"] = _shown_pair(mean, limit)
        derived["lambda_s"] = show(lambda_s)
        if not average_ok and complete:
            failed.append(AVERAGE_FAILED)
    else:
        average_ok = None
    derived["average_ok"] = average_ok
    derived["labelling"] = labelling(ctx, quantity, nominal, unit)
    ctx.rule("batch_verdict")
    verdict = PASS if singles_ok and average_ok is not False else FAIL
    if not complete and singles_ok:
        verdict = PENDING
    out: dict[str, Any] = {"kind": "net_content", "verdict": verdict}
    if partial:
        out["complete"] = complete
    out.update(derived)
    out["failed"] = failed
    out["items"] = items
    return out


def preview(
    test: Mapping[str, Any], ruleset: str | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The ``net_content`` result of a batch whose readings are still being entered, and
    its warnings: as :func:`t_net_content` with *partial*; bad input raises InputError."""
    rs = FAMILY.find_ruleset(ruleset) if ruleset else None
    ctx = Context(rs or FAMILY.default_ruleset, "batch", parse_instrument({}, "instrument"))
    return t_net_content(ctx, test, "", partial=True), ctx.warnings


def envelope(ctx: Context, qn: Decimal, path: str) -> Decimal:
    """T at a nominal quantity, in the instrument's ``unit`` (default g)."""
    goods = ctx.instrument
    if qn <= 0:
        raise InputError(path, "the nominal quantity must be greater than zero")
    return tolerable_deficiency(ctx, goods.quantity, qn, goods.unit, goods.t_rounding, path)


FAMILY = register(
    Family(
        name="prepackaged",
        order=80,
        label_zh="定量包装商品净含量",
        label_en="Prepackaged goods (net content)",
        rulesets=(JJF_1070_2023, JJF_1070_2005),
        parse_instrument=parse_instrument,
        tests={"net_content": t_net_content},
        envelope=envelope,
        envelope_axis="nominal quantity Qn → tolerable deficiency T (same unit)",
        checks=CHECKS,
    )
)
