"""What the readings tables are declared in: a row (the judged item beside its raw
observation), a column (header, unit, cell function), a layout (columns, where the rows come
from, the notes under the table), the cells and notes the layouts share, and the generic
table of a test kind without its own layout. The layouts themselves are in
:mod:`.readings_layouts`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..domain.numbers import fmt
from .labels import item_label, t
from .labels import unit as unit_name

if TYPE_CHECKING:
    pass

DASH = "—"


def plain(v: object) -> str:
    if v is None or v == "":
        return DASH
    if isinstance(v, Decimal):
        return fmt(v)
    return str(v)


def decimal_or_none(v: object) -> Decimal | None:
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
            mx = decimal_or_none(r.get("max"))
            if mx is not None and load <= mx:
                return decimal_or_none(r.get("e"))
        return decimal_or_none(ranges[-1].get("e"))
    return decimal_or_none(metrology.get("e"))


def scale_E(metrology: dict[str, Any], p: object, load: Decimal | None) -> Decimal | None:
    """E = P − L with P = I + e/2 − ΔL (changeover method) or E = I − L."""
    if not isinstance(p, dict):
        return None
    if "error" in p:
        return decimal_or_none(p.get("error"))
    i = decimal_or_none(p.get("indication"))
    if i is None or load is None:
        return None
    if "added" in p:
        e, added = _scale_e(metrology, load), decimal_or_none(p.get("added"))
        if e is None or added is None:
            return None
        return i + e / 2 - added - load
    return i - load


def _result_cells(it: dict[str, Any], lang: str) -> list[str]:
    if it.get("unit") == "D":  # dioptres: one resolution for every number of the row
        return [dioptre(it.get("error")), dioptre(it.get("mpe")), _verdict(it.get("verdict"), lang)]
    return [plain(it.get("error")), plain(it.get("mpe")), _verdict(it.get("verdict"), lang)]


# Optical powers are printed to 0.01 D, the resolution of the focimeters and refractometers
# these rules cover and of their MPE tables (JJG 580, JJG 892): -5 prints as -5.00 beside
# a certified -4.98, a 0.25 D step as 0.25 — every number of a table with the same decimals
# (a value with finer digits, such as a computed mean, keeps them all).
DIOPTRE_RESOLUTION = Decimal("0.01")


def dioptre(v: object) -> str:
    d = decimal_or_none(v)
    if d is None:
        return plain(v)
    if int(d.as_tuple().exponent) < -2:  # finer digits are never dropped (a limit stays exact)
        return plain(v)
    return format(d.quantize(DIOPTRE_RESOLUTION), "f")


def with_unit(label: str, unit: str, lang: str) -> str:
    return f"{t(label, lang)} ({unit_name(unit, lang)})" if unit else t(label, lang)


# printed resolution of computed volumes: 1 mL (the can is read to the millilitre); the
# rules engine keeps every digit, the document rounds half up
VOLUME_RESOLUTION = Decimal("0.001")


def volume(v: object) -> str:
    d = decimal_or_none(v)
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


# ---- cells ----------------------------------------------------------------------------------


def number_cell(r: Row) -> str:
    return str(r.n + 1)


def label_cell(r: Row) -> str:
    return item_label(str(r.item.get("label", "")), r.lang)


def raw_value(key: str, show: Callable[[Any], str] = plain) -> Cell:
    """The raw observation *key*, as recorded (or through *show*); — without one."""
    return lambda r: DASH if r.raw is None else show(r.get(key))


def test_value(key: str) -> Cell:
    """*key* of the judged test (the same on every row)."""
    return lambda r: plain(r.test.get(key))


def item_value(key: str, show: Callable[[Any], str] = plain) -> Cell:
    """*key* of the judged item."""
    return lambda r: show(r.item.get(key))


def words(label: str) -> Cell:
    return lambda r: t(label, r.lang)


def error_cell(r: Row) -> str:
    return _result_cells(r.item, r.lang)[0]


def mpe_cell(r: Row) -> str:
    return _result_cells(r.item, r.lang)[1]


def judged_cell(r: Row) -> str:
    return _verdict(r.item.get("verdict"), r.lang)


def result(error_header: str = "Error") -> tuple[Column, Column, Column]:
    """The judged part of a table: error and MPE in the test's unit (dioptres to 0.01 D)
    and the verdict."""
    return (
        Column(error_header, error_cell, TEST_UNIT),
        Column("MPE ±", mpe_cell, TEST_UNIT),
        Column("Verdict", judged_cell),
    )


# ---- notes ----------------------------------------------------------------------------------


def _generic_notes(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    keys = ("expected_amount", "corrected_volume", "range", "n", "min", "band", "shortfall")
    return [f"{key}: {test[key]}" for key in keys if test.get(key) not in (None, "")]


def zero_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    """The zero reading a scale's errors are corrected by (Ec = E − E0)."""
    z = raw.get("zero")
    if not isinstance(z, dict):
        return []
    load = decimal_or_none(z.get("load")) or Decimal(0)
    e0 = scale_E(instrument.metrology, z, load)
    return [
        f"{t('E0', lang)}: L0 = {plain(z.get('load', '0'))} {unit}, I0 = {plain(z.get('indication'))} "
        f"{unit}, ΔL0 = {plain(z.get('added'))} {unit}, E0 = {plain(e0)} {unit}; Ec = E − E0"
    ]


def price_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    return [
        f"{t('Weight', lang)} {plain(raw.get('weight'))} kg × {t('Unit price', lang)} "
        f"{plain(raw.get('unit_price'))} {unit_name('yuan/kg', lang)}; {t('Amount displayed', lang)} {plain(raw.get('amount_displayed'))}; "
        f"{t('Expected amount', lang)} {plain(test.get('expected_amount'))}"
        + (
            f"; {t('Charged', lang)} {plain(raw.get('amount_charged'))}"
            if raw.get("amount_charged")
            else ""
        )
    ]


def mmq_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    return [f"MMQ {test['volume']} L"] if test.get("volume") else []


def not_applicable_note(
    test: dict[str, Any], raw: dict[str, Any], instrument: Any, lang: str, unit: str
) -> list[str]:
    return [t("not_applicable", lang)] if test.get("verdict") == "not_applicable" else []


GENERIC = Layout(
    (
        Column("No.", number_cell),
        Column("Item", label_cell),
        Column("Error", error_cell),
        Column("MPE ±", mpe_cell),
        Column("unit", lambda r: r.item.get("unit") or DASH),
        Column("Verdict", judged_cell),
    ),
    notes=_generic_notes,
    items_optional=True,
)
