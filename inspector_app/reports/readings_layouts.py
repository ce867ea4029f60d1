"""The readings table of each (family, test kind), declared as a :class:`Layout` in
``LAYOUTS``: scales (JJG 539, OIML R 76), fuel dispensers (JJG 443), optics (JJG 580
focimeters, JJG 892 refractometers), pupillary distance meters and trial lens sets. A new test
kind is one more ``Layout`` here, usually written by copying its nearest neighbour."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .readings_cells import (
    DASH,
    GENERIC,
    TEST_UNIT,
    Cell,
    Column,
    Layout,
    Row,
    RowSource,
    by_position,
    decimal_or_none,
    dioptre,
    error_cell,
    item_value,
    judged_cell,
    label_cell,
    mmq_note,
    mpe_cell,
    not_applicable_note,
    number_cell,
    plain,
    price_note,
    raw_value,
    result,
    scale_E,
    test_value,
    volume,
    words,
    zero_note,
)

if TYPE_CHECKING:
    pass

# ---- scales: E = I + ½e − ΔL − L (changeover points), Ec = E − E0 (JJG 539, OIML R 76) ------


def _weighing_load(r: Row) -> str:
    return plain(r.raw.get("load", r.item.get("load")))


def _weighing_error(r: Row) -> str:
    load = decimal_or_none(r.item.get("load")) or decimal_or_none(r.get("load"))
    return plain(scale_E(r.instrument.metrology, r.raw, load))


def _eccentricity_error(r: Row) -> str:
    return plain(scale_E(r.instrument.metrology, r.raw, decimal_or_none(r.test.get("load"))))


def _scale_layout(first: str, rows: RowSource, load: Cell, error: Cell) -> Layout:
    """Weighing and eccentricity: the indication, the added load at the changeover point,
    the error E and the corrected error Ec the verdict is on."""
    return Layout(
        (
            Column(first, number_cell),
            Column("Load L", load, TEST_UNIT),
            Column("Indication I", raw_value("indication"), TEST_UNIT),
            Column("Added load ΔL", raw_value("added"), TEST_UNIT),
            Column("Error E", error, TEST_UNIT),
            *result("Corrected error Ec"),
        ),
        rows=rows,
        notes=zero_note,
        uses_instrument=True,
    )


def _repeatability_first(r: Row) -> str:
    return label_cell(r) if str(r.item.get("label", "")).endswith("range") else str(r.n + 1)


def _repeatability_indication(r: Row) -> str:
    indications = r.raw_test.get("indications") or []
    if str(r.item.get("label", "")).endswith("range") or r.n >= len(indications):
        return DASH  # the range row is computed from all of them
    return plain(indications[r.n])


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
        Column("Verdict", judged_cell),
    )
)


# ---- fuel dispensers: the can volume corrected to the fuel's temperature (JJG 443) ----------


def _can_text(run: dict[str, Any], lang: str) -> str:
    if "actual" in run:
        return plain(run.get("actual"))
    can = run.get("can")
    if isinstance(can, dict):
        materials = {
            "stainless_steel": ("不锈钢", "stainless"),
            "carbon_steel": ("碳钢", "carbon steel"),
        }
        material = can.get("material")
        material = (
            materials[material][0 if lang == "zh" else 1]
            if material in materials
            else plain(material)
        )
        return (
            f"{plain(can.get('nominal'))} L; h {plain(can.get('neck_reading'))} mm "
            f"(h0 {plain(can.get('reference_mark'))} mm, {plain(can.get('ml_per_mm'))} mL/mm, {material})"
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
        Column("Item", label_cell),
        Column("V_J (L)", raw_value("indicated")),
        Column("Can / actual (L)", lambda r: DASH if r.raw is None else _can_text(r.raw, r.lang)),
        Column("t_fuel (°C)", raw_value("t_fuel")),
        Column("t_can (°C)", raw_value("t_can")),
        Column(
            "Corrected volume (L)",
            lambda r: DASH if r.raw is None else volume(r.item.get("corrected_volume")),
        ),
        *result("Error E"),
    ),
    rows=_fuel_rows,
    notes=mmq_note,
)

FUEL_AMOUNT = Layout(
    (
        Column("Unit price", raw_value("unit_price"), "yuan/L"),
        Column("Volume", raw_value("volume"), "L"),
        Column("Amount displayed", raw_value("amount_displayed"), "yuan"),
        Column("Expected amount", test_value("expected_amount"), "yuan"),
        Column("Error", error_cell, "yuan"),
        Column("MPE ±", mpe_cell, "yuan"),
        Column("Verdict", judged_cell),
    )
)


# ---- optics: powers to 0.01 D (JJG 580 focimeters, JJG 892 refractometers) -------------------


def _readings(r: Row) -> str:
    return " / ".join(dioptre(x) for x in (r.get("readings") or [])) or DASH


OPTICS_ZERO = Layout(
    (Column("Item", words("Zero")), Column("Reading", raw_value("reading", dioptre), TEST_UNIT))
    + result()
)

# nominal / certified / reading: focimeter vertex power and prism
OPTICS_CERTIFIED = Layout(
    (
        Column("No.", number_cell),
        Column("Nominal", raw_value("nominal", dioptre), TEST_UNIT),
        Column("Certified", raw_value("certified", dioptre), TEST_UNIT),
        Column("Reading", raw_value("reading", dioptre), TEST_UNIT),
        *result(),
    ),
    rows=by_position("lenses", "items"),
)

REFRACTOMETER_SPHERE = Layout(
    (
        Column("No.", number_cell),
        Column("Nominal", raw_value("nominal", dioptre), TEST_UNIT),
        Column("Certified", raw_value("certified", dioptre), TEST_UNIT),
        Column("Readings", _readings, TEST_UNIT),
        Column("Mean", item_value("mean", dioptre), TEST_UNIT),
        *result(),
    ),
    rows=by_position("eyes"),
)

PUPILLARY_DISTANCE = Layout(
    (
        Column("No.", number_cell),
        Column("Reference", raw_value("reference"), TEST_UNIT),
        Column("Reading", raw_value("reading"), TEST_UNIT),
        *result(),
    ),
    rows=by_position("items"),
    notes=not_applicable_note,
    default_unit="mm",
)

TRIAL_LENSES = Layout(
    (
        Column("No.", number_cell),
        Column("Nominal", raw_value("nominal", dioptre), TEST_UNIT),
        Column("Measured", raw_value("measured", dioptre), TEST_UNIT),
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
    ("scale", "price"): replace(GENERIC, notes=price_note),
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
