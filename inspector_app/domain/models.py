"""Plain dataclasses for the records an inspector keeps.

Quantities are carried as strings in exact decimal notation inside the metrology and
reading dictionaries (they travel through JSON, SQLite and bundles unchanged) and are
parsed to :class:`decimal.Decimal` with :func:`inspector_app.domain.numbers.parse_decimal`
wherever arithmetic happens. IDs are UUIDs made once, on the device.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

FAMILIES = (
    "scale",
    "fuel_dispenser",
    "focimeter",
    "refractometer",
    "trial_lens_set",
    "pd_meter",
    "retail_goods",  # a short-weight recheck of goods sold by weight at a stall or shop
    "prepackaged",  # the net content of one batch of prepackaged goods (the "instrument")
)
PREMISES_KINDS = (
    "market_stall",
    "filling_station",
    "optical_shop",
    "shop",
    "market",
    "producer",
    "supermarket",
)
CHECK_KINDS = ("initial", "subsequent", "in_service", "covert")
FAMILY_CHECKS = {"prepackaged": ("batch",)}
"""Families judged under their own kinds of check instead of :data:`CHECK_KINDS`."""
STATUSES = ("draft", "finalized")
VERDICTS = ("pass", "fail")
SEVERITIES = ("minor", "major", "critical")
ATTACHMENT_ROLES = ("photo", "signature_inspector", "signature_representative")
STANDARD_KINDS = ("test_weight", "metal_can", "reference_lens", "model_eye", "pd_sleeve", "other")

FAMILY_LABELS = {
    "scale": ("衡器", "Scale"),
    "fuel_dispenser": ("燃油加油机", "Fuel dispenser"),
    "focimeter": ("焦度计", "Focimeter"),
    "refractometer": ("验光仪", "Refractometer"),
    "trial_lens_set": ("验光镜片箱", "Trial lens set"),
    "pd_meter": ("瞳距仪", "PD meter"),
    "retail_goods": ("零售商品称重", "Retail short weight"),
    "prepackaged": ("定量包装商品", "Prepackaged goods"),
}
CHECK_LABELS = {
    "initial": ("首次检定", "Initial verification"),
    "subsequent": ("后续检定", "Subsequent verification"),
    "in_service": ("使用中检查", "In-service inspection"),
    "covert": ("暗访", "Covert test"),
    "batch": ("批次检验", "Batch inspection"),
}


def checks_for(family: str) -> tuple[str, ...]:
    """The kinds of check an inspection of *family* may have (the first is the default)."""
    return FAMILY_CHECKS.get(family, CHECK_KINDS)


def new_id() -> str:
    """A new record's id: a version 7 UUID (RFC 9562, section 5.7), the creation time in
    milliseconds since 1970 in its first 48 bits and 74 random bits after the version and
    variant.

    Ids made one after the other sort one after the other, so a day's new records (a
    market sweep's rows, its visit, the inspections) land at the end of every index keyed
    by id, on the laptop and at the office that imports them, instead of at random places
    all over it: with a year of records the indexes outgrow SQLite's page cache and a random
    key reads and writes back a page most times. The id says when the record was made,
    which the record says anyway. (Made here from os.urandom: the uuid module loads
    platform, a cost at every start.)"""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")  # 80 bits, of which 74 are kept
    value = (
        (ms & 0xFFFF_FFFF_FFFF) << 80
        | 0x7 << 76  # version 7
        | (rand >> 62 & 0xFFF) << 64  # 12 random bits
        | 0b10 << 62  # the RFC 9562 variant
        | rand & (1 << 62) - 1  # 62 random bits
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class Premises:
    id: str
    kind: str
    name: str
    credit_code: str = ""
    address: str = ""
    city: str = ""
    market: str = ""
    stall_no: str = ""
    contact: str = ""
    phone: str = ""
    latitude: str | None = None
    longitude: str | None = None


@dataclass
class Instrument:
    id: str
    premises_id: str
    family: str
    maker: str = ""
    model: str = ""
    serial: str = ""
    pattern_approval: str = ""
    accuracy_class: str = ""
    # Family-specific nameplate data, decimal strings: scale: max, min, e, d, unit, ranges;
    # fuel: fuel, qmax, qmin, mmq, nozzle; optics: resolution, range_min, range_max, has_pd.
    metrology: dict[str, Any] = field(default_factory=dict)
    seals: str = ""
    last_verified: str | None = None  # ISO date
    next_due: str | None = None  # ISO date


@dataclass
class ReferenceStandard:
    """A standard the inspector uses: test weights, a metal can, reference lenses."""

    id: str
    kind: str
    name: str
    certificate_no: str = ""
    valid_until: str | None = None  # ISO date
    accuracy: str = ""  # class (e.g. "M1", "二等") or MPE/uncertainty as printed
    mpe: str | None = None  # decimal string in `unit`, if known (for the 1/3 MPE check)
    unit: str = ""
    serial: str = ""


@dataclass
class Finding:
    id: str
    code: str  # e.g. "seal_broken", "cheat_password"; free codes allowed
    text: str
    legal_basis: str = ""
    severity: str = "major"
    action: str = ""
    cheating: bool = False


@dataclass
class AttachmentRef:
    sha256: str
    role: str = "photo"
    caption: str = ""
    mime: str = "image/png"


@dataclass
class Inspection:
    """One visit to one instrument; one row per revision."""

    id: str
    record_id: str  # stable across revisions
    instrument_id: str
    premises_id: str
    family: str
    check: str  # initial / subsequent / in_service / covert
    ruleset: str
    inspector: str
    revision: int = 1
    parent_id: str | None = None
    correction_reason: str = ""
    started_at: str = ""  # ISO timestamp, informational (never used for ordering)
    place: str = ""
    environment: dict[str, Any] = field(default_factory=dict)  # temperature, humidity
    checklist: dict[str, Any] = field(default_factory=dict)  # question id -> "yes"/"no"/"na"
    tests: list[dict[str, Any]] = field(default_factory=list)  # evaluate-request tests
    result: dict[str, Any] | None = None  # evaluate result
    verdict: str | None = None
    findings: list[Finding] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)  # ReferenceStandard ids
    notes: str = ""
    status: str = "draft"
    content_hash: str | None = None
    signature: str | None = None
    signer: str | None = None
    finalized_at: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"
