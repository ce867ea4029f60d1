"""The readings tables of a report: every raw observation beside the computed values.

The rules engine's result carries errors, MPEs and verdicts per item; the raw observations
(indications, added loads, can readings, temperatures, certified values) live in the
inspection's ``tests``. This module pairs them, test by test, item by item, per family.
Values are printed exactly as recorded (decimal strings); derived ones are computed in
Decimal.

Each table is declared, not programmed: ``LAYOUTS`` (in :mod:`.readings_layouts`) maps
(family, test kind) to a ``Layout`` of columns, written with the rows, cells and notes of
:mod:`.readings_cells`; a kind without a layout gets the generic table. This module makes
the tables of an inspection from them and sizes their columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .labels import t
from .readings_cells import GENERIC, TEST_UNIT, Layout, Row, with_unit
from .readings_layouts import LAYOUTS

__all__ = ["LAYOUTS", "ReadingsTable", "column_widths", "tables"]

if TYPE_CHECKING:
    from ..domain.models import Inspection, Instrument


@dataclass
class ReadingsTable:
    kind: str
    title: str
    verdict: str | None
    headers: list[str]
    rows: list[list[str]]
    row_verdicts: list[str | None]
    notes: list[str] = field(default_factory=list)


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
        else with_unit(c.header, unit if c.unit == TEST_UNIT else c.unit, lang)
        for c in layout.columns
    ]
    items = test.get("items", [])
    for n, it in enumerate(items or [] if layout.items_optional else items):
        row = Row(n, it, layout.rows(raw, n, it), test, raw, instrument, lang)
        table.rows.append([c.cell(row) for c in layout.columns])
        table.row_verdicts.append(it.get("verdict"))
    if layout.notes is not None:
        table.notes += layout.notes(test, raw, instrument, lang, unit)
