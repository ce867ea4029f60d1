"""The error chart of one inspection: which of its items are plotted and against which ±MPE
envelope, per family (fuel dispensers: the error of each run; scales: errors over the load,
with the rules engine's MPE envelope; optics: errors over the nominal power, or the reference
distance for a PD meter), drawn by :func:`.charts.error_chart`. When the engine cannot draw
an envelope, the items' own MPEs are used."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.graphics.shapes import Drawing

from ..domain.models import Inspection, Instrument
from ..domain.numbers import fmt
from .charts import ChartPoint, RangeMark, error_chart
from .labels import item_label, t


def _dec(v: object) -> Decimal | None:
    if v is None or v == "":
        return None
    try:
        d = Decimal(str(v))
    except ArithmeticError:
        return None
    return d if d.is_finite() else None


def _instrument_payload(instrument: Instrument) -> dict[str, Any]:
    payload = dict(instrument.metrology)
    if instrument.accuracy_class:
        payload["accuracy_class"] = instrument.accuracy_class
    return payload


def _continuous_envelope(
    insp: Inspection, instrument: Instrument, lo: Decimal, hi: Decimal
) -> list[tuple[Decimal, Decimal]]:
    """The MPE at 241 x values across [lo, hi] from the rules engine; steps between them."""
    from ..domain.rules import mpe_envelope

    n = 240
    step = (hi - lo) / n
    xs = [lo + step * i for i in range(n + 1)]
    return mpe_envelope(insp.family, insp.ruleset, insp.check, _instrument_payload(instrument), xs)


def inspection_chart(
    insp: Inspection, instrument: Instrument, lang: str, font: str, width: float, height: float
) -> Drawing | None:
    """The error chart for one inspection, or None when it has nothing to plot."""
    result = insp.result or {}
    tests = result.get("tests", [])
    fam = insp.family
    points: list[ChartPoint] = []
    x: Decimal | None
    y: Decimal | None
    if fam == "fuel_dispenser":
        cats: list[str] = []
        env: list[tuple[Decimal, Decimal]] = []
        marks: list[RangeMark] = []
        for test in tests:
            if test.get("kind") not in ("volume", "mmq"):
                continue
            group: list[ChartPoint] = []
            for it in test.get("items", []):
                if "repeatability" in str(it.get("label", "")):
                    continue
                y, m = _dec(it.get("error")), _dec(it.get("mpe"))
                if y is None or m is None:
                    continue
                x = Decimal(len(cats))
                label = str(it.get("label", "")).replace(" run ", " #").replace("run ", "#")
                cats.append(label)
                group.append(ChartPoint(x, y, it.get("verdict") == "pass", label))
                env.append((x, m))
            points += group
            mark = _repeatability_mark(test, group, lang)
            if mark is not None:
                marks.append(mark)
        if not points:
            return None
        unit = next((it.get("unit") for t_ in tests for it in t_.get("items", [])), "%")
        return error_chart(
            points,
            env,
            width=width,
            height=height,
            font=font,
            categories=cats,
            x_label=t("run", lang),
            y_label=f"{t('error', lang)} ({unit})",
            title=t("Error with the MPE envelope", lang),
            ranges=marks,
        )
    if fam == "scale":
        x_kind = "load"
        for test in tests:
            kind = test.get("kind")
            if kind == "weighing":
                for it in test.get("items", []):
                    x, y = _dec(it.get("load")), _dec(it.get("error"))
                    if x is not None and y is not None:
                        points.append(
                            ChartPoint(x, y, it.get("verdict") == "pass", it.get("label", ""))
                        )
            elif kind in ("eccentricity", "repeatability"):
                x = _dec(test.get("load"))
                for it in test.get("items", []):
                    y = _dec(it.get("error"))
                    if (
                        x is not None
                        and y is not None
                        and not str(it.get("label", "")).endswith("range")
                    ):
                        points.append(
                            ChartPoint(x, y, it.get("verdict") == "pass", it.get("label", ""))
                        )
        unit = instrument.metrology.get("unit", "g")
        try:
            hi = max([_dec(instrument.metrology.get("max")) or Decimal(0)] + [p.x for p in points])
            env = _continuous_envelope(insp, instrument, Decimal(0), hi)
        except Exception:  # an envelope the engine cannot draw: fall back to the items' own MPEs
            env = _item_envelope(tests)
    elif fam in ("focimeter", "trial_lens_set", "refractometer", "pd_meter"):
        x_kind = "reference" if fam == "pd_meter" else "nominal"
        wanted = {
            "focimeter": ("vertex_power",),
            "trial_lens_set": ("lenses",),
            "refractometer": ("sphere",),
            "pd_meter": ("pd",),
        }[fam]
        raw = insp.tests
        item_env: list[tuple[Decimal, Decimal]] = []
        for ti, test in enumerate(tests):
            if test.get("kind") not in wanted:
                continue
            src = raw[ti] if ti < len(raw) else {}
            rows = src.get("lenses") or src.get("eyes") or src.get("items") or []
            for ii, it in enumerate(test.get("items", [])):
                r = rows[ii] if ii < len(rows) else {}
                x = _dec(r.get("nominal", r.get("reference")))
                y = _dec(it.get("error"))
                if x is not None and y is not None:
                    points.append(
                        ChartPoint(x, y, it.get("verdict") == "pass", it.get("label", ""))
                    )
                    m = _dec(it.get("mpe"))
                    if m is not None:
                        item_env.append((x, m))
        unit = next(
            (
                it.get("unit")
                for t_ in tests
                if t_.get("kind") in wanted
                for it in t_.get("items", [])
            ),
            "D",
        )
        if not points:
            return None
        lo, hi = min(p.x for p in points), max(p.x for p in points)
        env = sorted(item_env)
        if fam != "pd_meter" and hi > lo:
            try:
                env = _continuous_envelope(insp, instrument, lo, hi)
            except Exception:  # fall back to the items' own MPEs
                env = sorted(item_env)
    else:
        return None
    if not points:
        return None
    x_unit = (
        instrument.metrology.get("unit", "g")
        if fam == "scale"
        else ("mm" if fam == "pd_meter" else unit)
    )
    return error_chart(
        points,
        env,
        width=width,
        height=height,
        font=font,
        x_label=f"{t(x_kind, lang)} ({x_unit})",
        y_label=f"{t('error', lang)} ({unit})",
        title=t("Error with the MPE envelope", lang),
    )


def _repeatability_mark(
    test: dict[str, Any], group: list[ChartPoint], lang: str
) -> RangeMark | None:
    """The repeatability of one flow rate as a bracket over its runs' spread."""
    item = next(
        (it for it in test.get("items", []) if "repeatability" in str(it.get("label", ""))), None
    )
    if item is None or len(group) < 2:
        return None
    value, limit = _dec(item.get("error")), _dec(item.get("mpe"))
    if value is None:
        return None
    ok = item.get("verdict") == "pass"
    unit = item.get("unit") or "%"
    label = f"{item_label(str(item.get('label', '')), lang)} {fmt(value)} {unit}"
    if limit is not None:
        label += f" {'≤' if ok else '>'} {fmt(limit)} {unit}"
    ys = [p.y for p in group]
    return RangeMark(group[0].x, group[-1].x, min(ys), max(ys), ok, label)


def _item_envelope(tests: list[dict[str, Any]]) -> list[tuple[Decimal, Decimal]]:
    out: list[tuple[Decimal, Decimal]] = []
    for test in tests:
        x = _dec(test.get("load"))
        for it in test.get("items", []):
            m = _dec(it.get("mpe"))
            xi = _dec(it.get("load")) or x
            if m is not None and xi is not None:
                out.append((xi, m))
    return sorted(out)
