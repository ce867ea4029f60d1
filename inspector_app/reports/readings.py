"""The readings tables of a report: every raw observation beside the computed values.

The rules engine's result carries errors, MPEs and verdicts per item; the raw observations
(indications, added loads, can readings, temperatures, certified values) live in the
inspection's ``tests``. This module pairs them, test by test, item by item, per family.
Values are printed exactly as recorded (decimal strings); derived ones are computed in
Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..domain.numbers import fmt
from .labels import item_label, t
from .labels import unit as unit_name

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


def _s(v) -> str:
    if v is None or v == "":
        return DASH
    if isinstance(v, Decimal):
        return fmt(v)
    return str(v)


def _d(v) -> Decimal | None:
    if v is None or v == "":
        return None
    try:
        d = Decimal(str(v))
    except ArithmeticError:
        return None
    return d if d.is_finite() else None


def _verdict(v, lang: str) -> str:
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


def _scale_E(metrology: dict[str, Any], p: dict[str, Any], load: Decimal | None) -> Decimal | None:
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


def _dp(v) -> str:
    d = _d(v)
    if d is None:
        return _s(v)
    if d.as_tuple().exponent < -2:  # finer digits are never dropped (a limit stays exact)
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


def tables(insp, instrument, lang: str) -> list[ReadingsTable]:
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
    family: str, test: dict[str, Any], raw: dict[str, Any], instrument, lang: str
) -> ReadingsTable:
    kind = str(test.get("kind", ""))
    items = test.get("items", []) or []
    unit = next((it.get("unit") for it in items if it.get("unit")), "")
    table = ReadingsTable(kind, _title(kind, test, lang), test.get("verdict"), [], [], [])
    builder = _BUILDERS.get((family, kind))
    if builder is not None:
        try:
            builder(table, test, raw, instrument, lang, unit)
            return table
        except (AttributeError, TypeError, IndexError, KeyError):  # unexpected shape: generic table
            table.headers, table.rows, table.row_verdicts = [], [], []
    _generic(table, test, raw, instrument, lang, unit)
    return table


def _u(label: str, unit: str, lang: str) -> str:
    return f"{t(label, lang)} ({unit_name(unit, lang)})" if unit else t(label, lang)


# printed resolution of computed volumes: 1 mL (the can is read to the millilitre); the
# rules engine keeps every digit, the document rounds half up
VOLUME_RESOLUTION = Decimal("0.001")


def _vol(v) -> str:
    d = _d(v)
    if d is None:
        return DASH
    from decimal import ROUND_HALF_UP

    return format(d.quantize(VOLUME_RESOLUTION, rounding=ROUND_HALF_UP), "f")


def _generic(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        t("No.", lang),
        t("Item", lang),
        t("Error", lang),
        t("MPE ±", lang),
        t("unit", lang),
        t("Verdict", lang),
    ]
    for n, it in enumerate(test.get("items", []) or []):
        e, m, v = _result_cells(it, lang)
        table.rows.append(
            [
                str(n + 1),
                item_label(str(it.get("label", "")), lang),
                e,
                m,
                it.get("unit") or DASH,
                v,
            ]
        )
        table.row_verdicts.append(it.get("verdict"))
    for key in ("expected_amount", "corrected_volume", "range", "n", "min", "band", "shortfall"):
        if test.get(key) not in (None, ""):
            table.notes.append(f"{key}: {test[key]}")


# ---- scales ---------------------------------------------------------------------------------


def _scale_headers(lang: str, unit: str, first: str) -> list[str]:
    return [
        t(first, lang),
        _u("Load L", unit, lang),
        _u("Indication I", unit, lang),
        _u("Added load ΔL", unit, lang),
        _u("Error E", unit, lang),
        _u("Corrected error Ec", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]


def _zero_note(table, raw, metrology, lang, unit) -> None:
    z = raw.get("zero")
    if isinstance(z, dict):
        load = _d(z.get("load")) or Decimal(0)
        e0 = _scale_E(metrology, z, load)
        table.notes.append(
            f"{t('E0', lang)}: L0 = {_s(z.get('load', '0'))} {unit}, I0 = {_s(z.get('indication'))} "
            f"{unit}, ΔL0 = {_s(z.get('added'))} {unit}, E0 = {_s(e0)} {unit}; Ec = E − E0"
        )


def _scale_weighing(table, test, raw, instrument, lang, unit) -> None:
    m = instrument.metrology
    table.headers = _scale_headers(lang, unit, "No.")
    points = raw.get("points") or []
    for n, it in enumerate(test.get("items", [])):
        p = points[n] if n < len(points) else {}
        load = _d(it.get("load")) or _d(p.get("load"))
        table.rows.append(
            [
                str(n + 1),
                _s(p.get("load", it.get("load"))),
                _s(p.get("indication")),
                _s(p.get("added")),
                _s(_scale_E(m, p, load)),
                *_result_cells(it, lang),
            ]
        )
        table.row_verdicts.append(it.get("verdict"))
    _zero_note(table, raw, m, lang, unit)


def _scale_eccentricity(table, test, raw, instrument, lang, unit) -> None:
    m = instrument.metrology
    table.headers = _scale_headers(lang, unit, "Position")
    positions = raw.get("positions") or []
    load = _d(test.get("load"))
    for n, it in enumerate(test.get("items", [])):
        p = positions[n] if n < len(positions) else {}
        table.rows.append(
            [
                str(n + 1),
                _s(test.get("load")),
                _s(p.get("indication")),
                _s(p.get("added")),
                _s(_scale_E(m, p, load)),
                *_result_cells(it, lang),
            ]
        )
        table.row_verdicts.append(it.get("verdict"))
    _zero_note(table, raw, m, lang, unit)


def _scale_repeatability(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        t("No.", lang),
        _u("Load L", unit, lang),
        _u("Indication I", unit, lang),
        _u("Error E", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    indications = raw.get("indications") or []
    for n, it in enumerate(test.get("items", [])):
        is_range = str(it.get("label", "")).endswith("range")
        first = item_label(str(it.get("label", "")), lang) if is_range else str(n + 1)
        ind = DASH if is_range or n >= len(indications) else _s(indications[n])
        table.rows.append([first, _s(test.get("load")), ind, *_result_cells(it, lang)])
        table.row_verdicts.append(it.get("verdict"))


def _scale_zero(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        t("Item", lang),
        _u("Indication I", unit, lang),
        _u("Added load ΔL", unit, lang),
        _u("E0", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    for it in test.get("items", []):
        table.rows.append(
            [
                t("Zero", lang),
                _s(raw.get("indication")),
                _s(raw.get("added")),
                *_result_cells(it, lang),
            ]
        )
        table.row_verdicts.append(it.get("verdict"))


def _scale_discrimination(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        _u("Load L", unit, lang),
        _u("Before", unit, lang),
        _u("Extra load", unit, lang),
        _u("After", unit, lang),
        _u("Rise", unit, lang),
        _u("Required rise", unit, lang),
        t("Verdict", lang),
    ]
    for it in test.get("items", []):
        table.rows.append(
            [
                _s(raw.get("load")),
                _s(raw.get("indication_before")),
                _s(raw.get("extra_load")),
                _s(raw.get("indication_after")),
                _s(it.get("error")),
                _s(it.get("required_rise")),
                _verdict(it.get("verdict"), lang),
            ]
        )
        table.row_verdicts.append(it.get("verdict"))


def _scale_price(table, test, raw, instrument, lang, unit) -> None:
    _generic(table, test, raw, instrument, lang, unit)
    table.notes = [
        f"{t('Weight', lang)} {_s(raw.get('weight'))} kg × {t('Unit price', lang)} "
        f"{_s(raw.get('unit_price'))} {unit_name('yuan/kg', lang)}; {t('Amount displayed', lang)} {_s(raw.get('amount_displayed'))}; "
        f"{t('Expected amount', lang)} {_s(test.get('expected_amount'))}"
        + (
            f"; {t('Charged', lang)} {_s(raw.get('amount_charged'))}"
            if raw.get("amount_charged")
            else ""
        )
    ]


# ---- fuel dispensers ------------------------------------------------------------------------


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


def _fuel_runs(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        t("Item", lang),
        t("V_J (L)", lang),
        t("Can / actual (L)", lang),
        t("t_fuel (°C)", lang),
        t("t_can (°C)", lang),
        t("Corrected volume (L)", lang),
        _u("Error E", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    runs = raw.get("runs") or []
    for n, it in enumerate(test.get("items", [])):
        label = item_label(str(it.get("label", "")), lang)
        if n < len(runs) and not str(it.get("label", "")).endswith("repeatability"):
            r = runs[n]
            row = [
                label,
                _s(r.get("indicated")),
                _can_text(r, lang),
                _s(r.get("t_fuel")),
                _s(r.get("t_can")),
                _vol(it.get("corrected_volume")),
            ]
        else:
            row = [label, DASH, DASH, DASH, DASH, DASH]
        table.rows.append(row + _result_cells(it, lang))
        table.row_verdicts.append(it.get("verdict"))
    if test.get("volume"):
        table.notes.append(f"MMQ {test['volume']} L")


def _fuel_amount(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        _u("Unit price", "yuan/L", lang),
        t("Volume", lang) + " (L)",
        _u("Amount displayed", "yuan", lang),
        _u("Expected amount", "yuan", lang),
        _u("Error", "yuan", lang),
        _u("MPE ±", "yuan", lang),
        t("Verdict", lang),
    ]
    for it in test.get("items", []):
        table.rows.append(
            [
                _s(raw.get("unit_price")),
                _s(raw.get("volume")),
                _s(raw.get("amount_displayed")),
                _s(test.get("expected_amount")),
                *_result_cells(it, lang),
            ]
        )
        table.row_verdicts.append(it.get("verdict"))


# ---- optics --------------------------------------------------------------------------------


def _optics_zero(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        t("Item", lang),
        _u("Reading", unit, lang),
        _u("Error", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    for it in test.get("items", []):
        table.rows.append([t("Zero", lang), _dp(raw.get("reading")), *_result_cells(it, lang)])
        table.row_verdicts.append(it.get("verdict"))


def _optics_ncr(table, test, raw, instrument, lang, unit) -> None:
    """nominal / certified / reading (focimeter vertex power and prism)."""
    table.headers = [
        t("No.", lang),
        _u("Nominal", unit, lang),
        _u("Certified", unit, lang),
        _u("Reading", unit, lang),
        _u("Error", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    rows = raw.get("lenses") or raw.get("items") or []
    for n, it in enumerate(test.get("items", [])):
        r = rows[n] if n < len(rows) else {}
        table.rows.append(
            [
                str(n + 1),
                _dp(r.get("nominal")),
                _dp(r.get("certified")),
                _dp(r.get("reading")),
                *_result_cells(it, lang),
            ]
        )
        table.row_verdicts.append(it.get("verdict"))


def _refr_sphere(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        t("No.", lang),
        _u("Nominal", unit, lang),
        _u("Certified", unit, lang),
        _u("Readings", unit, lang),
        _u("Mean", unit, lang),
        _u("Error", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    eyes = raw.get("eyes") or []
    for n, it in enumerate(test.get("items", [])):
        r = eyes[n] if n < len(eyes) else {}
        readings = " / ".join(_dp(x) for x in (r.get("readings") or [])) or DASH
        table.rows.append(
            [
                str(n + 1),
                _dp(r.get("nominal")),
                _dp(r.get("certified")),
                readings,
                _dp(it.get("mean")),
                *_result_cells(it, lang),
            ]
        )
        table.row_verdicts.append(it.get("verdict"))


def _pd(table, test, raw, instrument, lang, unit) -> None:
    unit = unit or "mm"
    table.headers = [
        t("No.", lang),
        _u("Reference", unit, lang),
        _u("Reading", unit, lang),
        _u("Error", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    rows = raw.get("items") or []
    for n, it in enumerate(test.get("items", [])):
        r = rows[n] if n < len(rows) else {}
        table.rows.append(
            [str(n + 1), _s(r.get("reference")), _s(r.get("reading")), *_result_cells(it, lang)]
        )
        table.row_verdicts.append(it.get("verdict"))
    if test.get("verdict") == "not_applicable":
        table.notes.append(t("not_applicable", lang))


def _trial_lenses(table, test, raw, instrument, lang, unit) -> None:
    table.headers = [
        t("No.", lang),
        _u("Nominal", unit, lang),
        _u("Measured", unit, lang),
        _u("Error", unit, lang),
        _u("MPE ±", unit, lang),
        t("Verdict", lang),
    ]
    rows = raw.get("lenses") or []
    for n, it in enumerate(test.get("items", [])):
        r = rows[n] if n < len(rows) else {}
        table.rows.append(
            [str(n + 1), _dp(r.get("nominal")), _dp(r.get("measured")), *_result_cells(it, lang)]
        )
        table.row_verdicts.append(it.get("verdict"))


_BUILDERS = {
    ("scale", "weighing"): _scale_weighing,
    ("scale", "eccentricity"): _scale_eccentricity,
    ("scale", "repeatability"): _scale_repeatability,
    ("scale", "zero"): _scale_zero,
    ("scale", "discrimination"): _scale_discrimination,
    ("scale", "price"): _scale_price,
    ("fuel_dispenser", "volume"): _fuel_runs,
    ("fuel_dispenser", "mmq"): _fuel_runs,
    ("fuel_dispenser", "amount"): _fuel_amount,
    ("focimeter", "zero"): _optics_zero,
    ("focimeter", "vertex_power"): _optics_ncr,
    ("focimeter", "prism"): _optics_ncr,
    ("refractometer", "sphere"): _refr_sphere,
    ("refractometer", "pd"): _pd,
    ("pd_meter", "pd"): _pd,
    ("trial_lens_set", "lenses"): _trial_lenses,
}
