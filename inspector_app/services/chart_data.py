"""The error chart of a draft or record as data: each test's points (error against load,
volume, nominal value…) with the MPE envelope around them, as the editor and the report
draw it. No Qt here; floats are made only by the widget that plots them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..domain.errors import InputError
from ..domain.models import Inspection, Instrument
from ..domain.numbers import parse_decimal
from .drafts import JUDGED, DraftEvaluation, rows_key
from .inspections import instrument_payload


@dataclass
class ChartPoint:
    x: Decimal
    error: Decimal
    mpe: Decimal | None
    verdict: str
    label: str
    kind: str = ""  # the test it comes from ("weighing", "eccentricity", …)


@dataclass
class ChartSeries:
    family: str
    x_name: str  # "load", "run", "nominal", "reference"
    x_unit: str
    y_unit: str
    points: list[ChartPoint]
    envelope: list[tuple[Decimal, Decimal]]  # (x, MPE) samples, upper-inclusive steps


CHART_X = {
    "scale": ("load", None),
    "fuel_dispenser": ("run", ""),
    "focimeter": ("nominal", "D"),
    "refractometer": ("nominal", "D"),
    "trial_lens_set": ("nominal", "D"),
    "pd_meter": ("reference", "mm"),
    "prepackaged": ("package", ""),  # each package's net content − Qn, against T
    "retail_goods": ("item", ""),  # each recheck's actual − settled weight, against the limit
}


CHART_KINDS = {
    "scale": ("weighing", "eccentricity", "repeatability"),
    "fuel_dispenser": ("volume", "mmq"),
    "focimeter": ("vertex_power",),
    "refractometer": ("sphere",),
    "trial_lens_set": ("lenses",),
    "pd_meter": ("pd",),
    "prepackaged": ("net_content",),
    "retail_goods": ("short_weight",),
}


def chart_series(insp: Inspection, instrument: Instrument, ev: DraftEvaluation) -> ChartSeries:
    """Error against load (scales), run (fuel) or nominal power (optics), with the MPE."""
    x_name, x_unit = CHART_X.get(insp.family, ("x", ""))
    kinds = CHART_KINDS.get(insp.family, ())
    points: list[ChartPoint] = []
    y_unit = ""
    run = 0
    for test, st in zip(insp.tests, ev.tests, strict=True):
        if test.get("kind") not in kinds or st.result is None:
            continue
        key = rows_key(test)
        for ri in sorted(st.rows):
            rs = st.rows[ri]
            if rs.status not in JUDGED or not rs.items:
                continue
            it = rs.items[0]
            if it.get("error") is None:
                continue
            row = test[key][ri] if key else test
            if insp.family == "scale":
                x = it.get("load") or st.result.get("load") or test.get("load")
            elif insp.family in ("fuel_dispenser", "prepackaged", "retail_goods"):
                run += 1
                x = run
            else:
                x = row.get(x_name) if isinstance(row, Mapping) else None
            if x is None:
                continue
            y_unit = it.get("unit") or y_unit
            points.append(
                ChartPoint(
                    Decimal(str(x)),
                    Decimal(it["error"]),
                    None if it.get("mpe") is None else Decimal(it["mpe"]),
                    it["verdict"],
                    str(it.get("label", "")),
                    str(test.get("kind", "")),
                )
            )
    if insp.family == "scale":
        x_unit = str(instrument.metrology.get("unit", "g"))
    envelope = _envelope(insp, instrument, points)
    return ChartSeries(insp.family, x_name, x_unit or "", y_unit, points, envelope)


def _envelope(
    insp: Inspection, instrument: Instrument, points: list[ChartPoint]
) -> list[tuple[Decimal, Decimal]]:
    if insp.family in ("fuel_dispenser", "prepackaged", "retail_goods"):
        return [(p.x, p.mpe) for p in points if p.mpe is not None]
    xs: list[Decimal] = []
    if insp.family == "scale":
        try:
            mx = parse_decimal(instrument.metrology.get("max"), "max", positive=True)
            e = parse_decimal(instrument.metrology.get("e"), "e", positive=True)
        except InputError:
            return []
        step = e
        while mx / step > 3000:
            step *= 10
        n = int(mx / step)
        xs = [step * i for i in range(n + 1)]
        if xs[-1] != mx:
            xs.append(mx)
    else:
        lo = min([p.x for p in points] + [Decimal(-10)])
        hi = max([p.x for p in points] + [Decimal(10)])
        step = Decimal("0.25")
        x = (lo / step).to_integral_value() * step
        while x <= hi:
            xs.append(x)
            x += step
    from ..domain.rules import mpe_envelope

    payload = instrument_payload(instrument)
    try:
        return mpe_envelope(insp.family, insp.ruleset, insp.check, payload, xs)
    except InputError:
        pass
    out = []
    for x in xs:
        try:
            out += mpe_envelope(insp.family, insp.ruleset, insp.check, payload, [x])
        except InputError:
            continue
    return out
