"""Validation of premises, instruments, standards and findings before they are stored.

Each function returns a cleaned copy or raises :class:`InputError` naming the field, so the
window can show the message beside the field where it was typed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from .credit_code import validate_credit_code
from .errors import InputError
from .models import (
    FAMILIES,
    PREMISES_KINDS,
    SEVERITIES,
    STANDARD_KINDS,
    Finding,
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
    checks_for,
)
from .numbers import fmt, parse_decimal
from .text import NOTE_MAX, clean_text

SCALE_CLASSES = ("I", "II", "III", "IIII")
SCALE_UNITS = ("g", "kg")
FUELS = ("gasoline", "diesel", "kerosene")

# Metrology keys that hold quantities, by family; every other key is kept as text.
NUMERIC_KEYS = {
    "scale": {
        "max": "positive",
        "min": "non_negative",
        "e": "positive",
        "d": "positive",
        "max_additive_tare": "non_negative",
    },
    "fuel_dispenser": {"qmax": "positive", "qmin": "positive", "mmq": "positive"},
    "focimeter": {"range_min": "any", "range_max": "any"},
    "refractometer": {"range_min": "any", "range_max": "any"},
    "trial_lens_set": {},
    "pd_meter": {"range_min": "positive", "range_max": "positive"},
    "retail_goods": {"unit_price": "non_negative"},
    "prepackaged": {},  # product data are text; the nominal quantity is on the test
}


def _date(value: object, path: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(path, "must be a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InputError(path, f"must be a date (YYYY-MM-DD), got {value[:20]!r}") from None


def _choice(value: object, choices: tuple[str, ...], path: str) -> str:
    if value not in choices:
        raise InputError(path, f"must be one of {', '.join(choices)}")
    return str(value)  # one of *choices*: already a str


def validate_premises(p: Premises) -> Premises:
    out = dataclasses.replace(
        p,
        kind=_choice(p.kind, PREMISES_KINDS, "premises.kind"),
        name=clean_text(p.name, "premises.name", required=True),
        address=clean_text(p.address, "premises.address"),
        city=clean_text(p.city, "premises.city", max_len=50),
        market=clean_text(p.market, "premises.market"),
        stall_no=clean_text(p.stall_no, "premises.stall_no", max_len=30),
        contact=clean_text(p.contact, "premises.contact", max_len=50),
        phone=clean_text(p.phone, "premises.phone", max_len=30),
    )
    if p.credit_code:
        out.credit_code = validate_credit_code(p.credit_code, "premises.credit_code")
    for name, limit in (("latitude", 90), ("longitude", 180)):
        value = getattr(p, name)
        if value not in (None, ""):
            d = parse_decimal(value, f"premises.{name}")
            if abs(d) > limit:
                raise InputError(f"premises.{name}", f"must be between -{limit} and {limit}")
            setattr(out, name, fmt(d))
        else:
            setattr(out, name, None)
    return out


def validate_metrology(
    family: str, metrology: dict[str, Any], accuracy_class: str
) -> dict[str, Any]:
    """Check the nameplate data of an instrument; returns the cleaned dictionary."""
    out: dict[str, Any] = {}
    numeric = NUMERIC_KEYS[family]
    for key, value in metrology.items():
        path = f"instrument.{key}"
        if not isinstance(key, str) or len(key) > 40:
            raise InputError("instrument.metrology", "has an invalid key")
        if key == "ranges":
            out[key] = _ranges(value)
        elif key in numeric:
            if value in (None, ""):
                continue
            rule = numeric[key]
            d = parse_decimal(
                value, path, positive=rule == "positive", non_negative=rule == "non_negative"
            )
            out[key] = fmt(d)
        elif isinstance(value, bool):
            out[key] = value
        else:
            out[key] = clean_text(value, path, max_len=100)
    if family == "scale":
        for key in ("max", "e"):
            if key not in out:
                raise InputError(f"instrument.{key}", "is required for a scale")
        if accuracy_class not in SCALE_CLASSES:
            raise InputError("instrument.accuracy_class", "must be I, II, III or IIII for a scale")
        if out.get("unit", "g") not in SCALE_UNITS:
            raise InputError("instrument.unit", "must be g or kg")
        if Decimal(out["e"]) > Decimal(out["max"]):
            raise InputError("instrument.e", "must not exceed Max")
        if "min" in out and Decimal(out["min"]) >= Decimal(out["max"]):
            raise InputError("instrument.min", "must be below Max")
    elif family == "prepackaged":  # the product batch: its producer's code and dates
        if out.get("producer_credit_code"):
            out["producer_credit_code"] = validate_credit_code(
                out["producer_credit_code"], "instrument.producer_credit_code"
            )
        if out.get("production_date"):
            out["production_date"] = _date(out["production_date"], "instrument.production_date")
    elif family == "fuel_dispenser":
        if "fuel" in out and out["fuel"] not in FUELS:
            raise InputError("instrument.fuel", f"must be one of {', '.join(FUELS)}")
        if "qmax" in out and "qmin" in out and Decimal(out["qmin"]) >= Decimal(out["qmax"]):
            raise InputError("instrument.qmin", "must be below Qmax")
    return out


def _ranges(value: object) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value or len(value) > 3:
        raise InputError("instrument.ranges", "must be a list of 1 to 3 partial ranges")
    out = []
    for i, r in enumerate(value):
        if not isinstance(r, dict):
            raise InputError(f"instrument.ranges[{i}]", "must be an object with max and e")
        out.append(
            {
                "max": fmt(
                    parse_decimal(r.get("max"), f"instrument.ranges[{i}].max", positive=True)
                ),
                "e": fmt(parse_decimal(r.get("e"), f"instrument.ranges[{i}].e", positive=True)),
            }
        )
    return out


def validate_instrument(ins: Instrument) -> Instrument:
    family = _choice(ins.family, FAMILIES, "instrument.family")
    if not isinstance(ins.metrology, dict):
        raise InputError("instrument.metrology", "must be an object")
    accuracy_class = clean_text(ins.accuracy_class, "instrument.accuracy_class", max_len=20)
    return dataclasses.replace(
        ins,
        family=family,
        maker=clean_text(ins.maker, "instrument.maker"),
        model=clean_text(ins.model, "instrument.model", max_len=100),
        serial=clean_text(ins.serial, "instrument.serial", max_len=100),
        pattern_approval=clean_text(
            ins.pattern_approval, "instrument.pattern_approval", max_len=100
        ),
        accuracy_class=accuracy_class,
        metrology=validate_metrology(family, ins.metrology, accuracy_class),
        seals=clean_text(ins.seals, "instrument.seals", max_len=500),
        last_verified=_date(ins.last_verified, "instrument.last_verified"),
        next_due=_date(ins.next_due, "instrument.next_due"),
    )


def validate_standard(s: ReferenceStandard) -> ReferenceStandard:
    return dataclasses.replace(
        s,
        kind=_choice(s.kind, STANDARD_KINDS, "standard.kind"),
        name=clean_text(s.name, "standard.name", required=True),
        certificate_no=clean_text(s.certificate_no, "standard.certificate_no", max_len=100),
        valid_until=_date(s.valid_until, "standard.valid_until"),
        accuracy=clean_text(s.accuracy, "standard.accuracy", max_len=100),
        mpe=fmt(parse_decimal(s.mpe, "standard.mpe", positive=True, allow_none=True))
        if s.mpe not in (None, "")
        else None,
        unit=clean_text(s.unit, "standard.unit", max_len=20),
        serial=clean_text(s.serial, "standard.serial", max_len=100),
    )


def validate_finding(f: Finding, path: str = "finding") -> Finding:
    return dataclasses.replace(
        f,
        code=clean_text(f.code, f"{path}.code", required=True, max_len=60),
        text=clean_text(f.text, f"{path}.text", required=True, max_len=NOTE_MAX, multiline=True),
        legal_basis=clean_text(f.legal_basis, f"{path}.legal_basis", max_len=500),
        severity=_choice(f.severity, SEVERITIES, f"{path}.severity"),
        action=clean_text(f.action, f"{path}.action", max_len=500),
        cheating=bool(f.cheating),
    )


def validate_inspection_header(insp: Inspection) -> Inspection:
    """Check the fields every draft must have valid; readings are judged by the rules engine."""
    return dataclasses.replace(
        insp,
        family=_choice(insp.family, FAMILIES, "inspection.family"),
        check=_choice(insp.check, checks_for(insp.family), "inspection.check"),
        ruleset=clean_text(insp.ruleset, "inspection.ruleset", required=True, max_len=60),
        inspector=clean_text(insp.inspector, "inspection.inspector", required=True, max_len=100),
        place=clean_text(insp.place, "inspection.place"),
        notes=clean_text(insp.notes, "inspection.notes", max_len=NOTE_MAX, multiline=True),
        correction_reason=clean_text(
            insp.correction_reason, "inspection.correction_reason", max_len=NOTE_MAX, multiline=True
        ),
        findings=[validate_finding(f, f"findings[{i}]") for i, f in enumerate(insp.findings)],
    )
