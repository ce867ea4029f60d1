"""What an inspection report is made from and how it is named: the gathered data
(``ReportData``), the built PDF (``BuiltReport``), the document kind (certificate, notice
or record), the report number and the metadata keywords ``verify`` reads back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..domain.failed_items import FailedItem
from ..domain.forms import Form, Label
from ..domain.issuing_body import IssuingBody
from ..domain.models import (
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
)

PRODUCER = "Inspector (inspector-app) report"
KEYWORD_PREFIX = "inspector-report"


class ReportError(Exception):
    """The report cannot be made (one sentence for the user)."""


@dataclass
class ReportData:
    """Everything one inspection report shows; gathered by the reports service."""

    inspection: Inspection
    premises: Premises
    instrument: Instrument
    standards: list[ReferenceStandard] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes
    authority: str = ""
    ruleset_title: str = ""
    superseded: bool = False
    checklist_labels: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # question id -> {"zh":..,"en":..}
    form: Form | None = None  # the family's form (checklist wording, finding_if)
    body: IssuingBody = field(default_factory=IssuingBody)
    blockers: list[Label] = field(default_factory=list)  # why no certificate (empty: may)
    failed: list[FailedItem] | None = None  # None: computed from the inspection
    certificate_no: str = ""  # from the body's gap-free sequence (certificates, notices)
    valid_until: str = ""  # 有效期至 (certificates)
    inspector_cert_no: str = ""  # the inspector's 检定员证 number
    # the visit the inspection belongs to (services.reports: kind, day, officers, campaign)
    visit: dict[str, Any] | None = None


@dataclass
class BuiltReport:
    pdf: bytes
    report_no: str
    content_hash: str
    inspection_id: str
    # where the visible signature goes: (page index from 0, x1, y1, x2, y2) in points
    signature_box: tuple[int, float, float, float, float] | None = None


def document_kind(insp: Inspection, *, certificate_allowed: bool = True) -> str:
    """certificate (verification passed and a certificate may be issued), notice
    (verification failed) or record (in-service/covert checks, and passed verifications
    that may not give a certificate: see ``services.certificates.certificate_blockers``)."""
    if insp.check in ("in_service", "covert", "batch"):  # batch: a prepackaged batch
        return "record"
    if insp.verdict == "pass":
        return "certificate" if certificate_allowed else "record"
    return "notice"


def data_kind(data: ReportData) -> str:
    return document_kind(data.inspection, certificate_allowed=not data.blockers)


KIND_TITLES = {
    "certificate": "Verification certificate",
    "notice": "Notice of non-conformity",
    "record": "Inspection record",
}
KIND_PREFIX = {"certificate": "JDZS", "notice": "JDTZ", "record": "JCJL"}


def report_number(insp: Inspection, kind: str | None = None) -> str:
    """Stable for a record revision: prefix by document kind, date of the visit, record id."""
    date = (insp.started_at or insp.finalized_at or "")[:10].replace("-", "") or "00000000"
    kind = kind or document_kind(insp)
    number = f"{KIND_PREFIX[kind]}-{date}-{insp.record_id.replace('-', '')[:8].upper()}"
    return number if insp.revision <= 1 else f"{number}-R{insp.revision}"


def keywords(report_no: str, content_hash: str, inspection_id: str) -> str:
    return (
        f"{KEYWORD_PREFIX}; report-no={report_no}; record-hash={content_hash}; "
        f"inspection-id={inspection_id}"
    )


def parse_keywords(text: str | None) -> dict[str, str]:
    """The values :func:`keywords` wrote, or {} when the PDF was not made by this program."""
    if not text or not str(text).startswith(KEYWORD_PREFIX):
        return {}
    out = {}
    for part in str(text).split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key and value:
            out[key] = value
    return out
