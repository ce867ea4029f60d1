"""Verification cycles, "valid until" dates and the test programme of a verification.

Rule-set data per instrument family, with where each number comes from and how far it is
confirmed (✅ primary text, 🟡 one secondary source, ❓ inferred):

* **Cycle (检定周期).** Price and other digital scales (JJG 539-2016, JJG 1204-2025): one
  year, "一般不超过1年" 🟡. Fuel dispensers (JJG 443-2023): six months, "检定有效期六个月…
  每年两个检定周期" 🟡. Focimeters (JJG 580) and refractometers (JJG 892-2011 §7.5): one
  year 🟡. Trial lens sets (JJG 579) and PD meters: not found, one year assumed ❓.
* **有效期至.** No regulation text states the arithmetic. Practice is split between
  "verification date + cycle − 1 day" (2013-05-08 → 2014-05-07) and "date + cycle"; the
  convention is a setting of the issuing body, default − 1 day ❓. Months are added with
  month-end clamping (2024-08-31 + 6 months → 2025-02-28).
* **Test programme.** The tests a verification (首次/后续检定) must contain before a
  certificate may say "合格". Scales: weighing, eccentricity and repeatability (JJG 539-2016
  §7.3 检定项目表) 🟡. Fuel dispensers: volume error and repeatability at several flow
  rates (JJG 443: maximum, intermediate and minimum flow at initial verification; at least
  two flow rates, one near the maximum, at subsequent verification) ❓ — one flow rate is
  never enough — plus the payment amount test where the dispenser computes prices 🟡.
  Optical instruments: the power / distance tests of their JJG ✅ (form tests).

The numbers are data (:data:`CYCLES`, :data:`PROGRAMMES`) so an office can correct them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .forms import Label

VERIFICATION_CHECKS = ("initial", "subsequent")


@dataclass(frozen=True)
class Cycle:
    months: int
    clause: str
    confidence: str  # "confirmed" / "secondary" / "unconfirmed"


CYCLES: dict[str, Cycle] = {
    "scale": Cycle(12, "JJG 539-2016 检定周期; JJG 1204-2025", "secondary"),
    "fuel_dispenser": Cycle(6, "JJG 443-2023 检定周期", "secondary"),
    "focimeter": Cycle(12, "JJG 580 检定周期", "secondary"),
    "refractometer": Cycle(12, "JJG 892-2011 7.5", "secondary"),
    "trial_lens_set": Cycle(12, "JJG 579-2025", "unconfirmed"),
    "pd_meter": Cycle(12, "—", "unconfirmed"),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* plus *months* calendar months, clamped to the last day of the target month."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(
    verified_on: dt.date, family: str, *, minus_one_day: bool = True, months: int | None = None
) -> dt.date:
    """The 有效期至 date of a verification made on *verified_on*: the family's cycle added,
    one day less under the "minus one day" convention (the issuing body's setting)."""
    if months is None:
        if family not in CYCLES:
            raise KeyError(f"no verification cycle for {family!r}")
        months = CYCLES[family].months
    end = add_months(verified_on, months)
    return end - dt.timedelta(days=1) if minus_one_day else end


# ---- the test programme -----------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One test the programme asks for; *flows* > 0: that many distinct flow rates."""

    kind: str
    label: Label
    flows: int = 0
    min_items: int = 1
    clause: str = ""
    only_if: str = ""  # an instrument metrology key that must be truthy ("" = always)


@dataclass(frozen=True)
class Programme:
    family: str
    requirements: dict[str, tuple[Requirement, ...]] = field(default_factory=dict)  # by check


_SCALE = (
    Requirement("weighing", Label("称量测试", "weighing test"), clause="JJG 539-2016 7.3"),
    Requirement("eccentricity", Label("偏载测试", "eccentricity test"), clause="JJG 539-2016 7.3"),
    Requirement(
        "repeatability", Label("重复性测试", "repeatability test"), clause="JJG 539-2016 7.3"
    ),
)
_OPTICS = {
    "focimeter": (
        Requirement(
            "vertex_power", Label("顶焦度示值误差", "vertex power error"), clause="JJG 580"
        ),
    ),
    "refractometer": (
        Requirement(
            "sphere", Label("球镜顶焦度示值误差", "sphere power error"), clause="JJG 892-2011"
        ),
    ),
    "trial_lens_set": (
        Requirement("lenses", Label("镜片顶焦度偏差", "lens power deviation"), clause="JJG 579"),
    ),
    "pd_meter": (Requirement("pd", Label("瞳距示值误差", "PD error"), clause="—"),),
}

PROGRAMMES: dict[str, Programme] = {
    "scale": Programme("scale", {"initial": _SCALE, "subsequent": _SCALE}),
    "fuel_dispenser": Programme(
        "fuel_dispenser",
        {
            "initial": (
                Requirement(
                    "volume",
                    Label(
                        "最大、中间、最小流量下的示值误差和重复性",
                        "volume error and repeatability at maximum, intermediate and minimum flow",
                    ),
                    flows=3,
                    min_items=3,
                    clause="JJG 443-2023",
                ),
            ),
            "subsequent": (
                Requirement(
                    "volume",
                    Label(
                        "至少两个流量点的示值误差和重复性",
                        "volume error and repeatability at two flow rates or more",
                    ),
                    flows=2,
                    min_items=3,
                    clause="JJG 443-2023",
                ),
            ),
        },
    ),
    **{fam: Programme(fam, {"initial": reqs, "subsequent": reqs}) for fam, reqs in _OPTICS.items()},
}


@dataclass(frozen=True)
class MissingTest:
    requirement: Requirement
    have: int  # flows (or judged items) recorded
    need: int

    def text(self, lang: str) -> str:
        r = self.requirement
        if r.flows:
            return (
                f"{r.label.zh}：只检了 {self.have} 个流量点，规程要求 {self.need} 个"
                if lang == "zh"
                else f"{r.label.en}: {self.have} flow rate(s) tested, the regulation asks for {self.need}"
            )
        return f"未做{r.label.zh}" if lang == "zh" else f"{r.label.en} not done"


def programme_missing(
    family: str, check: str, result: dict[str, Any] | None, metrology: dict[str, Any] | None = None
) -> list[MissingTest]:
    """What the regulation's verification programme asks for and the judged result lacks.
    Empty for checks that are not verifications (in-service, covert) and unknown families."""
    prog = PROGRAMMES.get(family)
    if prog is None or check not in VERIFICATION_CHECKS:
        return []
    tests = (result or {}).get("tests", [])
    out = []
    for req in prog.requirements.get(check, ()):
        if req.only_if and not (metrology or {}).get(req.only_if):
            continue
        mine = [
            t for t in tests if t.get("kind") == req.kind and t.get("verdict") in ("pass", "fail")
        ]
        if req.flows:
            flows = {
                str(t.get("flow") or "").strip().lower()
                for t in mine
                if sum(1 for i in t.get("items", []) if i.get("verdict") in ("pass", "fail"))
                >= req.min_items
            }
            flows.discard("")
            # an unnamed flow still counts once when nothing else names it
            have = len(flows) or (1 if mine else 0)
            if have < req.flows:
                out.append(MissingTest(req, have, req.flows))
        elif not mine:
            out.append(MissingTest(req, 0, 1))
    return out
