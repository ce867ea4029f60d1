"""Charts for print, drawn with reportlab graphics (vector, no Qt, fast).

:func:`error_chart` draws measured errors against the ±MPE envelope; :func:`bar_chart` serves
the period summary. What to draw for one inspection is decided in :mod:`.inspection_charts`.
Floats appear only as drawing coordinates; every value comes from the record's decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from ..domain.numbers import fmt

GREEN = colors.HexColor("#1b7f3b")
RED = colors.HexColor("#c62828")
ENVELOPE = colors.HexColor("#1f5fa8")
GRID = colors.HexColor("#d9d9d9")
ENVELOPE_FILL = colors.HexColor("#e8f0fa")


@dataclass
class ChartPoint:
    x: Decimal
    y: Decimal
    ok: bool
    label: str = ""


@dataclass
class RangeMark:
    """The spread of a group of points (e.g. one flow rate's runs) against its limit:
    drawn as a bracket from *lo* to *hi* beside the group (x0 … x1), red when it fails."""

    x0: Decimal
    x1: Decimal
    lo: Decimal
    hi: Decimal
    ok: bool
    label: str


def _rect(x: float, y: float, width: float, height: float, **style: Any) -> Rect:
    """A reportlab Rect with its style keywords (fillColor, strokeColor, strokeWidth, …)
    passed through: reportlab's published stubs type those keywords wrongly for Rect."""
    return Rect(x, y, width, height, **style)


def _nice_step(span: float, target: int = 6) -> float:
    import math

    if span <= 0:
        return 1.0
    raw = span / target
    mag: float = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _ticks(lo: float, hi: float, target: int = 6) -> list[float]:
    import math

    step = _nice_step(hi - lo, target)
    start = math.floor(lo / step) * step
    out, v = [], start
    while v <= hi + step * 1e-9:
        if v >= lo - step * 1e-9:
            out.append(round(v, 10) + 0.0)  # + 0.0: never a "-0" tick
        v += step
    return out


def _num(v: float) -> str:
    return fmt(Decimal(repr(round(v, 10))))


def error_chart(
    points: Sequence[ChartPoint],
    envelope: Sequence[tuple[Decimal, Decimal]],
    *,
    width: float,
    height: float,
    font: str,
    x_label: str,
    y_label: str,
    categories: Sequence[str] | None = None,
    title: str = "",
    ranges: Sequence[RangeMark] = (),
) -> Drawing:
    """Errors (dots: green within, red outside) against a ±MPE step envelope.

    *envelope* is a list of (x, mpe) held until the next x (a step function); with
    *categories* the x values are positions 0..n−1 and the labels are printed under them.
    *ranges* (repeatability) are drawn as brackets beside their group with a label.
    """
    d = Drawing(width, height)
    left, right, bottom, top = 46.0, 10.0, 30.0, 16.0 if title else 8.0
    pw, ph = width - left - right, height - bottom - top
    xs = [float(p.x) for p in points] + [float(x) for x, _ in envelope]
    if categories:
        xlo, xhi = -0.5, len(categories) - 0.5
    else:
        xlo, xhi = (min(xs), max(xs)) if xs else (0.0, 1.0)
        if xhi - xlo == 0:
            xlo, xhi = xlo - 1, xhi + 1
        pad = (xhi - xlo) * 0.03
        xlo, xhi = xlo - pad, xhi + pad
    ys = [abs(float(p.y)) for p in points] + [float(m) for _, m in envelope]
    ymax = max(ys + [1e-9]) * 1.25
    ylo, yhi = -ymax, ymax

    def px(x: float) -> float:
        return left + (x - xlo) / (xhi - xlo) * pw

    def py(y: float) -> float:
        return bottom + (y - ylo) / (yhi - ylo) * ph

    if title:
        d.add(String(left, height - 11, title, fontName=font, fontSize=8.5))
    d.add(_rect(left, bottom, pw, ph, strokeColor=colors.grey, fillColor=None, strokeWidth=0.6))
    for yv in _ticks(ylo, yhi):
        d.add(Line(left, py(yv), left + pw, py(yv), strokeColor=GRID, strokeWidth=0.4))
        d.add(
            String(left - 3, py(yv) - 2.5, _num(yv), fontName=font, fontSize=6.5, textAnchor="end")
        )
    if categories:
        for i, c in enumerate(categories):
            d.add(String(px(i), bottom - 9, c, fontName=font, fontSize=6.5, textAnchor="middle"))
    else:
        for xv in _ticks(xlo, xhi):
            d.add(
                Line(px(xv), bottom, px(xv), bottom - 2, strokeColor=colors.grey, strokeWidth=0.5)
            )
            d.add(
                String(
                    px(xv), bottom - 9, _num(xv), fontName=font, fontSize=6.5, textAnchor="middle"
                )
            )
    d.add(Line(left, py(0), left + pw, py(0), strokeColor=colors.black, strokeWidth=0.6))
    # the envelope as a step function, held until the next x
    if envelope:
        env = sorted((float(x), float(m)) for x, m in envelope)
        if categories:
            steps = [(x - 0.5, m) for x, m in env]
            end = env[-1][0] + 0.5
        else:
            steps = env
            end = max(env[-1][0], xhi)
            steps = [(min(steps[0][0], xlo), steps[0][1])] + steps[1:]
        for sign in (1, -1):
            pts: list[float] = []
            for i, (x, m) in enumerate(steps):
                x_next = steps[i + 1][0] if i + 1 < len(steps) else end
                pts += [px(max(x, xlo)), py(sign * m), px(min(x_next, xhi)), py(sign * m)]
            d.add(PolyLine(pts, strokeColor=ENVELOPE, strokeWidth=1.1))
        d.add(
            String(
                left + pw - 2,
                py(steps[-1][1]) + 2.5,
                "+MPE",
                fontName=font,
                fontSize=6.5,
                fillColor=ENVELOPE,
                textAnchor="end",
            )
        )
        d.add(
            String(
                left + pw - 2,
                py(-steps[-1][1]) - 8,
                "−MPE",
                fontName=font,
                fontSize=6.5,
                fillColor=ENVELOPE,
                textAnchor="end",
            )
        )
    for r in ranges:
        _range_mark(d, r, px, py, font, bottom, bottom + ph)
    for p in points:
        x, y = px(float(p.x)), py(float(p.y))
        color = GREEN if p.ok else RED
        if p.ok:
            from reportlab.graphics.shapes import Circle

            d.add(Circle(x, y, 2.4, fillColor=color, strokeColor=colors.white, strokeWidth=0.3))
        else:  # a cross, so a failure shows in black-and-white print too
            d.add(Line(x - 3, y - 3, x + 3, y + 3, strokeColor=color, strokeWidth=1.4))
            d.add(Line(x - 3, y + 3, x + 3, y - 3, strokeColor=color, strokeWidth=1.4))
    d.add(String(left + pw / 2, 3, x_label, fontName=font, fontSize=7, textAnchor="middle"))
    label = String(0, 0, y_label, fontName=font, fontSize=7, textAnchor="middle")
    from reportlab.graphics.shapes import Group

    g = Group(label)
    g.transform = (0, 1, -1, 0, 9, bottom + ph / 2)
    d.add(g)
    return d


def _range_mark(
    d: Drawing,
    r: RangeMark,
    px: Callable[[float], float],
    py: Callable[[float], float],
    font: str,
    y_min: float,
    y_max: float,
) -> None:
    """A shaded band over the group's spread, a bracket to its right and the label above it
    (below it, or inside it, when the plot has no room there)."""
    color = colors.HexColor("#777777") if r.ok else RED
    x0, x1 = px(float(r.x0) - 0.3), px(float(r.x1) + 0.3)
    lo, hi = py(float(r.lo)), py(float(r.hi))
    if not r.ok:
        d.add(
            _rect(
                x0,
                lo,
                x1 - x0,
                max(hi - lo, 0.8),
                fillColor=colors.HexColor("#fbe3e1"),
                strokeColor=RED,
                strokeWidth=0.5,
                strokeDashArray=[2, 2],
            )
        )
    bx = x1 + 3
    for y in (lo, hi):
        d.add(Line(bx - 3, y, bx, y, strokeColor=color, strokeWidth=0.9))
    d.add(Line(bx, lo, bx, hi, strokeColor=color, strokeWidth=0.9))
    if hi + 11 <= y_max:
        label_y = hi + 4
    elif hi - lo >= 11:
        label_y = hi - 8.5  # inside the band, at its top
    elif lo - 11 >= y_min:
        label_y = lo - 9
    else:
        label_y = (lo + hi) / 2 - 2
    from reportlab.pdfbase.pdfmetrics import stringWidth

    w = stringWidth(r.label, font, 6.5)
    cx = (x0 + x1) / 2
    d.add(
        _rect(cx - w / 2 - 1.5, label_y - 1.8, w + 3, 8.2, fillColor=colors.white, strokeColor=None)
    )
    d.add(
        String(
            cx, label_y, r.label, fontName=font, fontSize=6.5, fillColor=color, textAnchor="middle"
        )
    )


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int], colors.Color]],
    *,
    width: float,
    height: float,
    font: str,
    title: str = "",
    stacked: bool = True,
) -> Drawing:
    """A stacked bar chart (e.g. passed/failed per family) with a legend."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend

    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 34
    chart.width = width - 150  # type: ignore[assignment]  # a float is fine; the stubs say int
    chart.height = height - 34 - (18 if title else 6)  # type: ignore[assignment]  # (likewise)
    chart.data = [list(values) for _, values, _ in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 0 if len(categories) <= 8 else 30
    chart.categoryAxis.labels.boxAnchor = "n" if len(categories) <= 8 else "ne"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max(
        [
            sum(v[i] for _, v, _ in series) if stacked else max(v[i] for _, v, _ in series)
            for i in range(len(categories))
        ]
        + [1]
    )
    step = max(1, int(_nice_step(top, 5)))
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = (top // step + 1) * step
    if stacked:
        chart.categoryAxis.style = "stacked"
    for i, (_, _, color) in enumerate(series):
        chart.bars[i].fillColor = color
        chart.bars[i].strokeColor = None
    chart.barLabelFormat = _bar_label
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 0 if stacked else 6
    d.add(chart)
    legend = Legend()
    legend.x = width - 100  # type: ignore[assignment]  # a float is fine; the stubs say int
    legend.y = height - 30  # type: ignore[assignment]  # (likewise)
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.colorNamePairs = [(color, name) for name, _, color in series]
    d.add(legend)
    if title:
        d.add(String(40, height - 11, title, fontName=font, fontSize=9))
    return d


def _bar_label(value: float | None) -> str:
    return f"{int(value)}" if value else ""
