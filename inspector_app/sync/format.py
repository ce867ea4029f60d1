"""Bundle format constants, limits, rejections and the records of a bundle in memory
(:class:`BundleContent`); the manifest is read and written in :mod:`.manifest`, strict JSON
lines in :mod:`.jsonlines`.

A bundle is a zip archive (see ``docs/bundle-format.md``)::

    manifest.json               what the bundle holds (signed)
    signature.der               detached ECDSA/RSA-SHA256 signature over the exact manifest bytes
    signer.pem                  the signer's certificate (informational, never trusted by itself)
    records/<table>.jsonl       one JSON object per line
    attachments/<sha256>        attachment bytes, named by their SHA-256
    reports/<inspection-id>.pdf the signed report PDF kept with an inspection (version 2)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..domain.models import Inspection, Instrument, Premises, ReferenceStandard

FORMAT_NAME = "inspector-bundle"
# Version 2 adds ``reports/<inspection-id>.pdf`` entries (the signed report kept with an
# inspection); a writer says version 1 when a bundle holds none, so a reader of version 1
# still reads it, and version 2 only when it does (a reader of version 1 refuses that
# bundle by its version, saying which it reads). This program reads both.
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)
REPORTS_VERSION = 2  # the first version whose bundles may hold reports/ entries
REPORT_PREFIX = "reports/"

FIELD_TO_OFFICE = "field->office"
OFFICE_TO_FIELD = "office->field"
DIRECTIONS = (FIELD_TO_OFFICE, OFFICE_TO_FIELD)

MANIFEST = "manifest.json"
SIGNATURE = "signature.der"
SIGNER = "signer.pem"
FIXED_ENTRIES = (MANIFEST, SIGNATURE, SIGNER)

# Record tables and the directions they may travel in.
TABLES = {
    "premises": DIRECTIONS,
    "instruments": DIRECTIONS,
    "standards": DIRECTIONS,
    "inspections": (FIELD_TO_OFFICE,),
    "tombstones": DIRECTIONS,
    "audit": DIRECTIONS,
    "assignments": (OFFICE_TO_FIELD,),
    "reviews": (OFFICE_TO_FIELD,),
    "acks": (OFFICE_TO_FIELD,),
    "revocations": (OFFICE_TO_FIELD,),  # certificates the office CA revoked
    "issuing_bodies": (OFFICE_TO_FIELD,),  # the body named on certificates (Settings)
    "rule_data": (OFFICE_TO_FIELD,),  # rule data versions the office signed
    "forms": (OFFICE_TO_FIELD,),  # inspection form versions the office published and signed
    "visits": (FIELD_TO_OFFICE,),  # sealed visits with their sweep rows and inspection ids
    "campaigns": DIRECTIONS,  # special campaigns (专项); field → office: those its visits name
    "cases": DIRECTIONS,  # enforcement cases with evidence and events (sync.cases)
    "calendars": (OFFICE_TO_FIELD,),  # the office's working-day calendar, signed (sync.cases)
}
# Tables whose records the manifest lists as [id, hash] under "records".
COVERED_TABLES = (
    "premises",
    "instruments",
    "standards",
    "inspections",
    "tombstones",
    "assignments",
    "reviews",
)
# Mutable records merged by version history; the entity name used in tombstones and conflicts.
MUTABLE_ENTITIES = {"premises": "premises", "instruments": "instrument", "standards": "standard"}
TOMBSTONE_ENTITIES = ("premises", "instrument", "standard")

# The only entry names a bundle may hold.
NAME_RE = re.compile(
    r"^(manifest\.json|signature\.der|signer\.pem|records/(" + "|".join(TABLES) + r")\.jsonl"
    r"|attachments/[0-9a-f]{64}|reports/[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.pdf)\Z"
)
HEX64 = re.compile(r"^[0-9a-f]{64}\Z")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}\Z")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


@dataclass(frozen=True)
class Limits:
    """What the reader accepts before reading any content (stage 1) and while streaming."""

    max_bundle_bytes: int = 4 * 1024**3
    max_entries: int = 200_000
    max_entry_bytes: int = 1024**3
    max_total_bytes: int = 2 * 1024**3  # import keeps every entry in memory
    max_ratio: int = 200  # uncompressed / compressed, for entries above ratio_floor bytes
    ratio_floor: int = 64 * 1024
    max_manifest_bytes: int = 128 * 1024**2
    max_signature_bytes: int = 16 * 1024
    max_signer_bytes: int = 64 * 1024
    max_line_bytes: int = 16 * 1024**2
    max_report_bytes: int = 32 * 1024**2  # one signed report PDF (reports/<id>.pdf)


DEFAULT_LIMITS = Limits()

STAGES = {1: "archive", 2: "signature", 3: "entries", 4: "records", 5: "merge"}


MAX_LISTED = 100  # problems named one by one in a rejection; the rest are counted

# Characters that must never reach a terminal or a label raw: controls (newlines, NUL, ESC),
# format characters (right-to-left overrides U+202E, zero-width joiners, BOM), line and
# paragraph separators, surrogates and unassigned code points.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def unsafe_char(text: str) -> str | None:
    """The first character of *text* that would be invisible or reorder text when shown."""
    import unicodedata

    for ch in text:
        if ch < " " or ("\x7f" <= ch and unicodedata.category(ch) in _UNSAFE_CATEGORIES):
            return ch
    return None


def escape_text(text: str, limit: int = 200) -> str:
    """*text* safe to print: every unsafe character (see :func:`unsafe_char`) as a visible
    escape (``\\n``, ``\\x00``, ``\\u202e``), cut to *limit* characters."""
    if text.isascii() and text.isprintable():
        out = text
    elif unsafe_char(text) is None:
        out = text
    else:
        parts = []
        for ch in text:
            if unsafe_char(ch) is None:
                parts.append(ch)
            elif ch in "\n\r\t":
                parts.append(repr(ch)[1:-1])
            elif ord(ch) < 0x100:
                parts.append(f"\\x{ord(ch):02x}")
            elif ord(ch) < 0x10000:
                parts.append(f"\\u{ord(ch):04x}")
            else:
                parts.append(f"\\U{ord(ch):08x}")
        out = "".join(parts)
    return out if len(out) <= limit else out[:limit] + "…"


class BundleRejected(Exception):
    """A bundle failed a check; nothing was changed. Names the stage, the entry and the reason.

    *problems* lists every problem found at that stage as ``(entry, reason)`` (the first is
    *entry*/*reason*), at most :data:`MAX_LISTED` of them; *count* is how many there were.
    Every text is escaped (:func:`escape_text`): names from a hostile archive cannot reach a
    terminal or a label raw."""

    def __init__(
        self,
        stage: int,
        entry: str,
        reason: str,
        problems: list[tuple[str, str]] | None = None,
        count: int | None = None,
    ) -> None:
        self.stage = stage
        self.stage_name = STAGES[stage]
        self.entry = escape_text(entry, 300)
        self.reason = escape_text(reason, 2000)
        listed = problems if problems else [(entry, reason)]
        self.problems = [
            (escape_text(e, 300), escape_text(r, 2000)) for e, r in listed[:MAX_LISTED]
        ]
        self.count = max(count or 0, len(listed))
        where = f"{self.entry}: " if self.entry else ""
        more = ""
        if self.count > 1:
            more = f" (and {self.count - 1} more problem{'s' if self.count > 2 else ''})"
        super().__init__(
            f"bundle rejected at stage {stage} ({self.stage_name}): {where}{self.reason}{more}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "stage_name": self.stage_name,
            "entry": self.entry,
            "reason": self.reason,
            "message": str(self),
            "problems": [{"entry": e, "reason": r} for e, r in self.problems],
            "problem_count": self.count,
        }


class ProblemList:
    """Problems of one stage, collected so that a rejection names every bad record."""

    def __init__(self, stage: int) -> None:
        self.stage = stage
        self.items: list[tuple[str, str]] = []
        self.count = 0

    def add(self, entry: str, reason: str) -> None:
        self.count += 1
        if len(self.items) < MAX_LISTED:
            self.items.append((entry, reason))

    def __bool__(self) -> bool:
        return self.count > 0

    def raise_if_any(self) -> None:
        if self.count:
            entry, reason = self.items[0]
            raise BundleRejected(self.stage, entry, reason, self.items, self.count)


# -- record lines -------------------------------------------------------------------------
def record_hash(obj: object) -> str:
    """SHA-256 of a record's canonical JSON (the version of a premises, instrument, ...)."""
    import hashlib

    from ..domain.canonical import canonical_bytes

    return hashlib.sha256(canonical_bytes(obj)).hexdigest()


def shallow_dict(obj: Any) -> dict[str, Any]:
    """A dataclass as a dict without the deep copy of ``dataclasses.asdict`` (same JSON)."""
    import dataclasses

    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, list) and value and dataclasses.is_dataclass(value[0]):
            value = [shallow_dict(v) for v in value]
        out[f.name] = value
    return out


def tombstone_key(entity: str, entity_id: str) -> str:
    return f"{entity}/{entity_id}"


@dataclass
class BundleContent:
    """The records of a bundle, on the way out (writer) or after validation (reader)."""

    premises: list[tuple[Premises, str, list[str]]] = field(
        default_factory=list
    )  # [(Premises, hash, versions)]
    instruments: list[tuple[Instrument, str, list[str]]] = field(
        default_factory=list
    )  # [(Instrument, hash, versions)]
    standards: list[tuple[ReferenceStandard, str, list[str]]] = field(
        default_factory=list
    )  # [(ReferenceStandard, hash, versions)]
    inspections: list[Inspection] = field(
        default_factory=list
    )  # [Inspection], parents before children
    tombstones: list[tuple[str, str]] = field(default_factory=list)  # [(entity, entity_id)]
    audit: list[dict[str, Any]] = field(default_factory=list)  # [audit entry dict]
    assignments: list[dict[str, Any]] = field(
        default_factory=list
    )  # [{"id", "premises_id", "inspector", "note"}]
    # [{"id", "inspection_id", "decision", "comment", "reviewer", "at", "signature"}]
    reviews: list[dict[str, Any]] = field(default_factory=list)
    # [{"bundle_id", "source_device", "audit_seq", "audit_hash", "inspections"}]
    acks: list[dict[str, Any]] = field(default_factory=list)
    # [{"issuer_fingerprint", "serial", "revoked_at", "reason", "subject"}]
    revocations: list[dict[str, Any]] = field(default_factory=list)
    # [{"id", "name_zh", "name_en", "address", "postcode", "phone", "authorisation_no",
    #   "authorised", "cert_prefix", "minus_one_day", "updated_at"}]
    issuing_bodies: list[dict[str, Any]] = field(default_factory=list)
    # [{"version", "base", "values", "created_by", "created_at", "reason", "signature",
    #   "signer_cert"}], oldest first
    rule_data: list[dict[str, Any]] = field(default_factory=list)
    # [{"family", "version", "hash", "toml", "created_by", "created_at", "reason",
    #   "signature", "signer_cert"}], oldest first (services.forms)
    forms: list[dict[str, Any]] = field(default_factory=list)
    # [{visit fields, "rows": [sweep row dicts], "inspections": [ids]}], sealed visits only
    visits: list[dict[str, Any]] = field(default_factory=list)
    # [{"id", "name", "date_from", "date_to", "kinds", "regions", "focus", "notes"}]
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    # [{"case": Case, "evidence": [Evidence], "events": [dict], "line": dict}] (sync.cases)
    cases: list[dict[str, Any]] = field(default_factory=list)
    # [{"name", "version", "text", "created_by", "created_at", "signature", "signer_cert"}]
    calendars: list[dict[str, Any]] = field(default_factory=list)
    # sha256 -> (data, mime): the bytes, a ZipAttachment (reader) or a function that reads
    # them when the writer comes to it
    attachments: dict[str, tuple[Any, str | None]] = field(default_factory=dict)
    # inspection id -> the signed report PDF kept with it (reports/<id>.pdf, format version 2)
    reports: dict[str, bytes] = field(default_factory=dict)
    # inspection id -> canonical JSON (UTF-8) of its "environment", "checklist", "tests",
    # "result" and "standards" as they arrived (the reader fills it; the merge stores these
    # texts as they are)
    inspection_json: dict[str, dict[str, bytes]] = field(default_factory=dict)
    # inspection id -> its line number in records/inspections.jsonl (the reader fills it)
    inspection_lines: dict[str, int] = field(default_factory=dict)
    # what is possible but implausible (a time in the future, no UTC offset): kept, shown and
    # stored with the import, never a refusal; [(entry, reason)], at most MAX_LISTED
    warnings: list[tuple[str, str]] = field(default_factory=list)
    warning_count: int = 0

    def where(self, inspection_id: str) -> str:
        """Where an inspection was read: ``records/inspections.jsonl line N``."""
        n = self.inspection_lines.get(inspection_id)
        return "records/inspections.jsonl" + (f" line {n}" if n else "")

    def warn(self, entry: str, reason: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append((escape_text(entry, 300), escape_text(reason, 2000)))

    def counts(self) -> dict[str, int]:
        return {
            "premises": len(self.premises),
            "instruments": len(self.instruments),
            "standards": len(self.standards),
            "inspections": len(self.inspections),
            "tombstones": len(self.tombstones),
            "audit": len(self.audit),
            "assignments": len(self.assignments),
            "reviews": len(self.reviews),
            "acks": len(self.acks),
            "revocations": len(self.revocations),
            "issuing_bodies": len(self.issuing_bodies),
            "rule_data": len(self.rule_data),
            "forms": len(self.forms),
            "visits": len(self.visits),
            "campaigns": len(self.campaigns),
            "cases": len(self.cases),
            "calendars": len(self.calendars),
            "attachments": len(self.attachments),
            "reports": len(self.reports),
        }
