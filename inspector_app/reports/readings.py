"""The readings tables of a report: every raw observation beside the computed values.

The rules engine's result carries errors, MPEs and verdicts per item; the raw observations
(indications, added loads, can readings, temperatures, certified values) live in the
inspection's ``tests``. This module pairs them, test by test, item by item, per family.
Values are printed exactly as recorded (decimal strings); derived ones are computed in
Decimal.

Each table is declared, not programmed: ``LAYOUTS`` maps (family, test kind) to a
``Layout`` of columns. The module is longer than most (about 680 lines) on purpose: every
family's table sits beside the others and beside the cell functions they share, so a new
kind is written by copying its nearest neighbour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..domain.numbers import fmt
from .labels import item_label, t
from .labels import unit as unit_name

if TYPE_CHECKING:
    from ..domain.models import Inspection, Instrument

DASH = "—"


@dataclass
class ReadingsTable:
    kind: str
    title: str
    verdict: str | None
    headers: list[str]
    rows: list[list[str]]
    row_verdicts: list[str | None]
    notes: list[str] = field(default_factory=list)


def _s(v: object) -> str:
    if v is None or v == "":
        return DASH
    if isinstance(v, Decimal):
        return fmt(v)
    return str(v)


def _d(v: object) -> Decimal | None:
    if v is None or v == "":
        return None
    try:
        d = Decimal(str(v))
    except ArithmeticError:
        return None
    return d if d.is_finite() else None


def _verdict(v: str | None, lang: str) -> str:
    return t(v, lang) if v else DASH


def _scale_e(metrology: dict[str, Any], load: Decimal | None) -> Decimal | None:
    """e of the partial range that holds *load* (multi-interval), else e."""
    ranges = metrology.get("ranges") or []
    if ranges and load is not None:
        for r in ranges:
            mx = _d(r.get("max"))
            if mx is not None and load <= mx:
                return _d(r.get("e"))
        return _d(ranges[-1].get("e"))
    return _d(metrology.get("e"))


def _scale_E(metrology: dict[str, Any], p: object, load: Decimal | None) -> Decimal | None:
    """E = P − L with P = I + e/2 − ΔL (changeover method) or E = I − L."""
    if not isinstance(p, dict):
        return None
    if "error" in p:
        return _d(p.get("error"))
    i = _d(p.get("indication"))
    if i is None or load is None:
        return None
    if "added" in p:
        e, added = _scale_e(metrology, load), _d(p.get("added"))
        if e is None or added is None:
            return None
        return i + e / 2 - added - load
    return i - load


def _result_cells(it: dict[str, Any], lang: str) -> list[str]:
    if it.get("unit") == "D":  # dioptres: one resolution for every number of the row
        return [_dp(it.get("error")), _dp(it.get("mpe")), _verdict(it.get("verdict"), lang)]
    return [_s(it.get("error")), _s(it.get("mpe")), _verdict(it.get("verdict"), lang)]


# Optical powers are printed to 0.01 D, the resolution of the focimeters and refractometers
# these rules cover and of their MPE tables (JJG 580, JJG 892): -5 prints as -5.00 beside
# a certified -4.98, a 0.25 D step as 0.25 — every number of a table with the same decimals
# (a value with finer digits, such as a computed mean, keeps them all).
DIOPTRE_RESOLUTION = Decimal("0.01")


def _dp(v: object) -> str:
    d = _d(v)
    if d is None:
        return _s(v)
    if int(d.as_tuple().exponent) < -2:  # finer digits are never dropped (a limit stays exact)
        return _s(v)
    return format(d.quantize(DIOPTRE_RESOLUTION), "f")


def column_widths(
    table: ReadingsTable, width: float, font: str = "", size: float = 8
) -> list[float]:
    """Each column as wide as its longest value (headers may wrap onto two or three lines);
    when the natural widths exceed *width*, only the widest columns are narrowed (their
    text wraps), so short values such as verdicts never break."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from .fonts import FONT, register_fonts

    register_fonts()
    font = font or FONT
    pad = 7.0
    need, full = [], []
    for i, header in enumerate(table.headers):
        values = max([stringWidth(r[i], font, size) for r in table.rows if i < len(r)] + [0.0])
        whole = stringWidth(header, font, 7.5)
        words = max([stringWidth(w, font, 7.5) for w in header.split()] + [0.0])
        need.append(max(values, min(whole, max(words, 34.0)), 18.0) + pad)
        full.append(max(values, whole, 18.0) + pad)
    if sum(full) <= width:  # every header on one line
        return [width * n / sum(full) for n in full]
    if sum(need) <= width:  # long headers wrap, as little as the width allows
        k = (width - sum(need)) / (sum(full) - sum(need))
        return [n + k * (f - n) for n, f in zip(need, full, strict=True)]
    # water-filling: the widest columns share what is left at one common width
    lo, hi = 0.0, max(need)
    for _ in range(40):
        cap = (lo + hi) / 2
        if sum(min(n, cap) for n in need) > width:
            hi = cap
        else:
            lo = cap
    widths = [min(n, lo) for n in need]
    spare = width - sum(widths)
    capped = [i for i, n in enumerate(need) if n > lo]
    for i in capped:
        widths[i] += spare / len(capped)
    return widths


def tables(insp: Inspection, instrument: Instrument | None, lang: str) -> list[ReadingsTable]:
    """One table per test of the inspection's result."""
    out = []
    raw_tests = insp.tests or []
    for ti, test in enumerate((insp.result or {}).get("tests", [])):
        raw = raw_tests[ti] if ti < len(raw_tests) and isinstance(raw_tests[ti], dict) else {}
        out.append(_table(insp.family, test, raw, instrument, lang))
    return out


KIND_EN = {
    "weighing": "Weighing test",
    "eccentricity": "Eccentricity test",
    "repeatability": "Repeatability test",
    "zero": "Zero",
    "discrimination": "Discrimination",
    "price": "Price computation",
    "classification": "Classification",
    "volume": "Volume error and repeatability",
    "mmq": "Minimum measured quantity",
    "amount": "Payment amount error",
    "vertex_power": "Vertex power error",
    "prism": "Prism error",
    "sphere": "Sphere power error",
    "pd": "Pupillary distance",
    "lenses": "Lens power",
    "short_weight": "Short-weight recheck",
    "unloading": "Unloading series",
    "tare": "Tare test",
    "security": "JJG 1204 security checks",
    "cylinder": "Cylinder power error",
    "axis": "Cylinder axis error",
    "residual_prism": "Residual prism",
    "parallax": "Parallax",
    "asymmetry": "Left/right asymmetry",
    "as_found": "as found",
    "as_left": "as left",
}


def _title(kind: str, test: dict[str, Any], lang: str) -> str:
    title = t(kind, lang) if lang == "zh" else KIND_EN.get(kind, kind)
    if test.get("flow"):
        title = f"{title} — {test['flow']}"
    if test.get("stage") in ("as_found", "as_left"):  # adjusted on site
        stage = test["stage"]
        title = f"{title} — {t(stage, lang) if lang == 'zh' else KIND_EN[stage]}"
    if test.get("load") and kind in ("eccentricity", "repeatability", "discrimination"):
        title = f"{title} ({t('load', lang)} {test['load']})"
    return title


def _table(
    family: str,
    test: dict[str, Any],
    raw: dict[str, Any],
    instrument: Instrument | None,
    lang: str,
) -> ReadingsTable:
    kind = str(test.get("kind", ""))
    items = test.get("items", []) or []
    unit = next((it.get("unit") for it in items if it.get("unit")), "")
    table = ReadingsTable(kind, _title(kind, test, lang), test.get("verdict"), [], [], [])
    layout = LAYOUTS.get((family, kind))
    if layout is not None:
        try:
            _fill(table, layout, test, raw, instrument, lang, unit)
            return table
        except (AttributeError, TypeError, IndexError, KeyError):  # unexpected shape: generic table
            table.headers, table.rows, table.row_verdicts = [], [], []
    _fill(table, GENERIC, test, raw, instrument, lang, unit)
    return table


def _u(label: str, unit: str, lang: str) -> str:
    return f"{t(label, lang)} ({unit_name(unit, lang)})" if unit else t(label, lang)


# printed resolution of computed volumes: 1 mL (the can is read to the millilitre); the
# rules engine keeps every digit, the document rounds half up
VOLUME_RESOLUTION = Decimal("0.001")


def _vol(v: object) -> str:
    d = _d(v)
    if d is None:
        return DASH
    return format(d.quantize(VOLUME_RESOLUTION, rounding=ROUND_HALF_UP), "f")


# ---- the tables, declared -------------------------------------------------------------------
#
# A table is a list of columns over the items of the judged test: each item is one row,
# printed beside the raw observation it was judged from (paired by position, see
# ``by_position``). A column is its header (an English label, translated, with the unit in
# brackets) and the function that prints its cell from the row. A new test kind is one more
# ``Layout`` in ``LAYOUTS``; a kind without one gets the generic table.

TEST_UNIT = "<the test's unit>"  # Column.unit: the unit the test's items name


@dataclass(frozen=True)
class Row:
    """What the cells of one row are printed from."""

    n: int  # the item's position in the test (0-based)
    item: dict[str, Any]  # the judged item: error, mpe, verdict, ...
    raw: Any  # the raw observation paired with the item; None: the row has none
    test: dict[str, Any]  # the judged test
    raw_test: dict[str, Any]  # the raw test
    instrument: Any  # Instrument (its metrology: e of a scale's partial ranges)
    lang: str

    def get(self, key: str) -> Any:
        """*key* of the raw observation (None when the row has none)."""
        return None if self.raw is None else self.raw.get(key)


Cell = Callable[[Row], str]


@dataclass(frozen=True)
class Column:
    header: str  # English; translated with labels.t
    cell: Cell
    unit: str | None = None  # None: no unit in the header; TEST_UNIT; or a fixed unit


# (raw test, item position, judged item) -> the raw observation of that item ({} when
# there is none, None when the row has no observation of its own)
RowSource = Callable[[dict[str, Any], int, dict[str, Any]], Any]
# (judged test, raw test, instrument, lang, unit) -> lines under the table
NoteSource = Callable[[dict[str, Any], dict[str, Any], Any, str, str], list[str]]


def whole_test(raw: dict[str, Any], n: int, item: dict[str, Any]) -> Any:
    """Every row is printed from the raw test itself (one observation per test)."""
    return raw


def by_position(*keys: str) -> RowSource:
    """The n-th entry of the first non-empty list among the raw test's *keys*."""

    def source(raw: dict[str, Any], n: int, item: dict[str, Any]) -> Any:
        rows: Any = None
        for key in keys:
            rows = rows or raw.get(key)
        rows = rows or []
        return rows[n] if n < len(rows) else {}

    return source


@dataclass(frozen=True)
class Layout:
    columns: Sequence[Column]
    rows: RowSource = whole_test
    notes: NoteSource | None = None
    default_unit: str = ""  # when the test's items name no unit
    uses_instrument: bool = False  # the cells read the instrument's metrology
    items_optional: bool = False  # a test without an items list is a table without rows


def _fill(
    table: ReadingsTable,
    layout: Layout,
    test: dict[str, Any],
    raw: dict[str, Any],
    instrument: Any,
    lang: str,
    unit: str,
) -> None:
    """Headers, rows and notes of *table* as *layout* declares them. A raw test of an
    unexpected shape raises AttributeError, TypeError, IndexError or KeyError."""
    unit = unit or layout.default_unit
    if layout.uses_instrument:
        instrument.metrology  # noqa: B018 - no instrument data: the generic table
    table.headers = [
        t(c.header, lang)
        if c.unit is None
        else _u(c.header, unit if c.unit == TEST_UNIT else c.unit, lang)
        for c in layout.columns
    ]
    items = test.get("items", [])
    for n, it in enumerate(items or [] if layout.items_optional else items):
        row = Row(n, it, layout.rows(raw, n, it), test, raw, instrument, lang)
        table.rows.append([c.cell(row) for c in layout.columns])
        table.row_verdicts.append(it.get("verdict"))
    if layout.notes is not None:
        table.notes += layout.notes(test, raw, instrument, lang, unit)


# ---- cells ----------------------------------------------------------------------------------


def _no(r: Row) -> str:
    return str(r.n + 1)


def _label(r: Row) -> str:
    return item_label(str(r.item.get("label", "")), r.lang)


def raw_value(key: str, show: Callable[[Any], str] = _s) -> Cell:
    """The raw observation *key*, as recorded (or through *show*); — without one."""
    return lambda r: DASH if r.raw is None else show(r.get(key))


def test_value(key: str) -> Cell:
    """*key* of the judged test (the same on every row)."""
    return lambda r: _s(r.test.get(key))


def item_value(key: str, show: Callable[[Any], str] = _s) -> Cell:
    """*key* of the judged item."""
    return lambda r: show(r.item.get(key))


def words(label: str) -> Cell:
    return lambda r: t(label, r.lang)


def _error(r: Row) -> str:
    return _result_cells(r.item, r.lang)[0]


def _mpe(r: Row) -> str:
    return _result_cells(r.item, r.lang)[1]


def _judged(r: Row) -> str:
    return _verdict(r.item.get("verdict"), r.lang)


def result(error_header: str = "Error") -> tuple[Column, Column, Column]:
    """The judged part of a table: error and MPE in the test's unit (dioptres to 0.01 D)
    and the verdict."""
    return (
        Column(error_header, _error, TEST_UNIT),
        Column("MPE ±", _mpe, TEST_UNIT),
        Column("Verdict", _judged),
    )


# ---- notes ----------------------------------------------------------------------------------


def _generic_notes(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    keys = ("expected_amount", "corrected_volume", "range", "n", "min", "band", "shortfall")
    return [f"{key}: {test[key]}" for key in keys if test.get(key) not in (None, "")]


def _zero_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    """The zero reading a scale's errors are corrected by (Ec = E − E0)."""
    z = raw.get("zero")
    if not isinstance(z, dict):
        return []
    load = _d(z.get("load")) or Decimal(0)
    e0 = _scale_E(instrument.metrology, z, load)
    return [
        f"{t('E0', lang)}: L0 = {_s(z.get('load', '0'))} {unit}, I0 = {_s(z.get('indication'))} "
        f"{unit}, ΔL0 = {_s(z.get('added'))} {unit}, E0 = {_s(e0)} {unit}; Ec = E − E0"
    ]


def _price_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    return [
        f"{t('Weight', lang)} {_s(raw.get('weight'))} kg × {t('Unit price', lang)} "
        f"{_s(raw.get('unit_price'))} {unit_name('yuan/kg', lang)}; {t('Amount displayed', lang)} {_s(raw.get('amount_displayed'))}; "
        f"{t('Expected amount', lang)} {_s(test.get('expected_amount'))}"
        + (
            f"; {t('Charged', lang)} {_s(raw.get('amount_charged'))}"
            if raw.get("amount_charged")
            else ""
        )
    ]


def _mmq_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    return [f"MMQ {test['volume']} L"] if test.get("volume") else []


def _not_applicable_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    return [t("not_applicable", lang)] if test.get("verdict") == "not_applicable" else []


GENERIC = Layout(
    (
        Column("No.", _no),
        Column("Item", _label),
        Column("Error", _error),
        Column("MPE ±", _mpe),
        Column("unit", lambda r: r.item.get("unit") or DASH),
        Column("Verdict", _judged),
    ),
    notes=_generic_notes,
    items_optional=True,
)


# ---- scales: E = I + ½e − ΔL − L (changeover points), Ec = E − E0 (JJG 539, OIML R 76) ------


def _weighing_load(r: Row) -> str:
    return _s(r.raw.get("load", r.item.get("load")))


def _weighing_error(r: Row) -> str:
    load = _d(r.item.get("load")) or _d(r.get("load"))
    return _s(_scale_E(r.instrument.metrology, r.raw, load))


def _eccentricity_error(r: Row) -> str:
    return _s(_scale_E(r.instrument.metrology, r.raw, _d(r.test.get("load"))))


def _scale_layout(first: str, rows: RowSource, load: Cell, error: Cell) -> Layout:
    """Weighing and eccentricity: the indication, the added load at the changeover point,
    the error E and the corrected error Ec the verdict is on."""
    return Layout(
        (
            Column(first, _no),
            Column("Load L", load, TEST_UNIT),
            Column("Indication I", raw_value("indication"), TEST_UNIT),
            Column("Added load ΔL", raw_value("added"), TEST_UNIT),
            Column("Error E", error, TEST_UNIT),
            *result("Corrected error Ec"),
        ),
        rows=rows,
        notes=_zero_note,
        uses_instrument=True,
    )


def _repeatability_first(r: Row) -> str:
    return _label(r) if str(r.item.get("label", "")).endswith("range") else str(r.n + 1)


def _repeatability_indication(r: Row) -> str:
    indications = r.raw_test.get("indications") or []
    if str(r.item.get("label", "")).endswith("range") or r.n >= len(indications):
        return DASH  # the range row is computed from all of them
    return _s(indications[r.n])


SCALE_REPEATABILITY = Layout(
    (
        Column("No.", _repeatability_first),
        Column("Load L", test_value("load"), TEST_UNIT),
        Column("Indication I", _repeatability_indication, TEST_UNIT),
        *result("Error E"),
    )
)

SCALE_ZERO = Layout(
    (
        Column("Item", words("Zero")),
        Column("Indication I", raw_value("indication"), TEST_UNIT),
        Column("Added load ΔL", raw_value("added"), TEST_UNIT),
        *result("E0"),
    )
)

SCALE_DISCRIMINATION = Layout(
    (
        Column("Load L", raw_value("load"), TEST_UNIT),
        Column("Before", raw_value("indication_before"), TEST_UNIT),
        Column("Extra load", raw_value("extra_load"), TEST_UNIT),
        Column("After", raw_value("indication_after"), TEST_UNIT),
        Column("Rise", item_value("error"), TEST_UNIT),
        Column("Required rise", item_value("required_rise"), TEST_UNIT),
        Column("Verdict", _judged),
    )
)


# ---- fuel dispensers: the can volume corrected to the fuel's temperature (JJG 443) ----------


def _can_text(run: dict[str, Any], lang: str) -> str:
    if "actual" in run:
        return _s(run.get("actual"))
    can = run.get("can")
    if isinstance(can, dict):
        materials = {
            "stainless_steel": ("不锈钢", "stainless"),
            "carbon_steel": ("碳钢", "carbon steel"),
        }
        material = can.get("material")
        material = (
            materials[material][0 if lang == "zh" else 1] if material in materials else _s(material)
        )
        return (
            f"{_s(can.get('nominal'))} L; h {_s(can.get('neck_reading'))} mm "
            f"(h0 {_s(can.get('reference_mark'))} mm, {_s(can.get('ml_per_mm'))} mL/mm, {material})"
        )
    return DASH


def _fuel_rows(raw: dict[str, Any], n: int, item: dict[str, Any]) -> Any:
    """The n-th run; none for the repeatability row (computed from all the runs)."""
    runs = raw.get("runs") or []
    if n < len(runs) and not str(item.get("label", "")).endswith("repeatability"):
        return runs[n]
    return None


FUEL_RUNS = Layout(
    (
        Column("Item", _label),
        Column("V_J (L)", raw_value("indicated")),
        Column("Can / actual (L)", lambda r: DASH if r.raw is None else _can_text(r.raw, r.lang)),
        Column("t_fuel (°C)", raw_value("t_fuel")),
        Column("t_can (°C)", raw_value("t_can")),
        Column(
            "Corrected volume (L)",
            lambda r: DASH if r.raw is None else _vol(r.item.get("corrected_volume")),
        ),
        *result("Error E"),
    ),
    rows=_fuel_rows,
    notes=_mmq_note,
)

FUEL_AMOUNT = Layout(
    (
        Column("Unit price", raw_value("unit_price"), "yuan/L"),
        Column("Volume", raw_value("volume"), "L"),
        Column("Amount displayed", raw_value("amount_displayed"), "yuan"),
        Column("Expected amount", test_value("expected_amount"), "yuan"),
        Column("Error", _error, "yuan"),
        Column("MPE ±", _mpe, "yuan"),
        Column("Verdict", _judged),
    )
)


# ---- optics: powers to 0.01 D (JJG 580 focimeters, JJG 892 refractometers) -------------------


def _readings(r: Row) -> str:
    return " / ".join(_dp(x) for x in (r.get("readings") or [])) or DASH


OPTICS_ZERO = Layout(
    (Column("Item", words("Zero")), Column("Reading", raw_value("reading", _dp), TEST_UNIT))
    + result()
)

# nominal / certified / reading: focimeter vertex power and prism
OPTICS_CERTIFIED = Layout(
    (
        Column("No.", _no),
        Column("Nominal", raw_value("nominal", _dp), TEST_UNIT),
        Column("Certified", raw_value("certified", _dp), TEST_UNIT),
        Column("Reading", raw_value("reading", _dp), TEST_UNIT),
        *result(),
    ),
    rows=by_position("lenses", "items"),
)

REFRACTOMETER_SPHERE = Layout(
    (
        Column("No.", _no),
        Column("Nominal", raw_value("nominal", _dp), TEST_UNIT),
        Column("Certified", raw_value("certified", _dp), TEST_UNIT),
        Column("Readings", _readings, TEST_UNIT),
        Column("Mean", item_value("mean", _dp), TEST_UNIT),
        *result(),
    ),
    rows=by_position("eyes"),
)

PUPILLARY_DISTANCE = Layout(
    (
        Column("No.", _no),
        Column("Reference", raw_value("reference"), TEST_UNIT),
        Column("Reading", raw_value("reading"), TEST_UNIT),
        *result(),
    ),
    rows=by_position("items"),
    notes=_not_applicable_note,
    default_unit="mm",
)

TRIAL_LENSES = Layout(
    (
        Column("No.", _no),
        Column("Nominal", raw_value("nominal", _dp), TEST_UNIT),
        Column("Measured", raw_value("measured", _dp), TEST_UNIT),
        *result(),
    ),
    rows=by_position("lenses"),
)


LAYOUTS: dict[tuple[str, str], Layout] = {
    ("scale", "weighing"): _scale_layout(
        "No.", by_position("points"), _weighing_load, _weighing_error
    ),
    ("scale", "eccentricity"): _scale_layout(
        "Position", by_position("positions"), test_value("load"), _eccentricity_error
    ),
    ("scale", "repeatability"): SCALE_REPEATABILITY,
    ("scale", "zero"): SCALE_ZERO,
    ("scale", "discrimination"): SCALE_DISCRIMINATION,
    ("scale", "price"): replace(GENERIC, notes=_price_note),
    ("fuel_dispenser", "volume"): FUEL_RUNS,
    ("fuel_dispenser", "mmq"): FUEL_RUNS,
    ("fuel_dispenser", "amount"): FUEL_AMOUNT,
    ("focimeter", "zero"): OPTICS_ZERO,
    ("focimeter", "vertex_power"): OPTICS_CERTIFIED,
    ("focimeter", "prism"): OPTICS_CERTIFIED,
    ("refractometer", "sphere"): REFRACTOMETER_SPHERE,
    ("refractometer", "pd"): PUPILLARY_DISTANCE,
    ("pd_meter", "pd"): PUPILLARY_DISTANCE,
    ("trial_lens_set", "lenses"): TRIAL_LENSES,
}
"""The readings table of each (family, test kind); other kinds get the generic table."""
