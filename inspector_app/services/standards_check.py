"""The reference standards an inspection uses, checked: out of date on the inspection date, or
(test weights on a scale) an MPE above one third of the scale's MPE at a load applied
(OIML R 76-1 3.7.1; JJG 539-2016); the loads a record applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain.errors import InputError
from ..domain.models import Inspection, Instrument, ReferenceStandard
from ..domain.numbers import fmt, parse_decimal
from .inspections import instrument_payload

UNIT_IN_GRAMS = {"mg": Decimal("0.001"), "g": Decimal(1), "kg": Decimal(1000)}


@dataclass
class StandardWarning:
    standard_id: str
    kind: str  # "expired" / "not_accurate_enough" / "unknown"
    message: str


def inspection_date(insp: Inspection) -> dt.date:
    try:
        return dt.datetime.fromisoformat(insp.started_at).date()
    except (TypeError, ValueError):
        return dt.date.today()


def check_standards(
    insp: Inspection, instrument: Instrument, standards: list[ReferenceStandard]
) -> list[StandardWarning]:
    """Warnings for the standards an inspection uses: out of date on the inspection date,
    or (test weights on a scale) an MPE above 1/3 of the scale's MPE at a load applied."""
    out = []
    day = inspection_date(insp)
    for s in standards:
        if s.valid_until:
            try:
                until = dt.date.fromisoformat(s.valid_until)
            except ValueError:
                until = None
            if until is not None and until < day:
                out.append(
                    StandardWarning(
                        s.id,
                        "expired",
                        f"{s.name}: the certificate expired on {s.valid_until}, before the inspection "
                        f"({day.isoformat()})",
                    )
                )
        if insp.family == "scale" and s.kind == "test_weight":
            w = weight_adequacy(insp, instrument, s)
            if w is not None:
                out.append(w)
    return out


def applied_loads(insp: Inspection, result: dict | None = None) -> list[Decimal]:
    """Every load applied in a scale inspection's tests (weighing points, eccentricity,
    repeatability, discrimination), from the typed values and the result."""
    loads: set[Decimal] = set()

    def add(v: Any) -> None:
        try:
            d = parse_decimal(v, "load", positive=True)
        except InputError:
            return
        loads.add(d)

    for test in insp.tests:
        if "load" in test:
            add(test["load"])
        for p in test.get("points", []) or []:
            if isinstance(p, Mapping):
                add(p.get("load"))
    for t in (result or insp.result or {}).get("tests", []):
        if t.get("load") is not None:
            add(t["load"])
    return sorted(loads)


def weight_adequacy(
    insp: Inspection, instrument: Instrument, s: ReferenceStandard
) -> StandardWarning | None:
    """Test weights: their MPE must not exceed 1/3 of the scale's MPE at the load applied
    (OIML R 76-1 3.7.1; JJG 539-2016). The MPE is the one of this inspection's check."""
    if s.mpe in (None, ""):
        return StandardWarning(
            s.id, "unknown", f"{s.name}: its MPE is not recorded, so its accuracy cannot be checked"
        )
    scale_unit = str(instrument.metrology.get("unit", "g"))
    s_unit = s.unit or scale_unit
    if s_unit not in UNIT_IN_GRAMS or scale_unit not in UNIT_IN_GRAMS:
        return StandardWarning(
            s.id, "unknown", f"{s.name}: unit {s_unit!r} cannot be compared with the scale's"
        )
    s_mpe = (
        parse_decimal(s.mpe, "standard.mpe", positive=True)
        * UNIT_IN_GRAMS[s_unit]
        / UNIT_IN_GRAMS[scale_unit]
    )
    loads = applied_loads(insp)
    if not loads:
        return None
    from ..domain.rules import mpe_envelope

    try:
        env = mpe_envelope("scale", insp.ruleset, insp.check, instrument_payload(instrument), loads)
    except InputError:
        return None
    bad = [(x, mpe) for x, mpe in env if s_mpe * 3 > mpe]
    if not bad:
        return None
    x, mpe = bad[0]
    unit = scale_unit
    return StandardWarning(
        s.id,
        "not_accurate_enough",
        f"{s.name}: MPE {fmt(s_mpe)} {unit} is more than 1/3 of the scale's MPE {fmt(mpe)} {unit} "
        f"at {fmt(x)} {unit}",
    )
