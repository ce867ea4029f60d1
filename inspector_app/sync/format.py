"""Bundle format constants, limits, the manifest schema and strict JSON reading.

A bundle is a zip archive (see ``docs/bundle-format.md``)::

    manifest.json               what the bundle holds (signed)
    signature.der               detached ECDSA/RSA-SHA256 signature over the exact manifest bytes
    signer.pem                  the signer's certificate (informational, never trusted by itself)
    records/<table>.jsonl       one JSON object per line
    attachments/<sha256>        attachment bytes, named by their SHA-256
    reports/<inspection-id>.pdf the signed report PDF kept with an inspection (version 2)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar, cast

from ..domain.errors import InputError
from ..domain.models import Inspection, Instrument, Premises, ReferenceStandard
from ..domain.numbers import parse_decimal

_T = TypeVar("_T")

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
    r"|attachments/[0-9a-f]{64}|reports/[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.pdf)$"
)
HEX64 = re.compile(r"^[0-9a-f]{64}$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


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


# -- strict JSON ------------------------------------------------------------------------
class JsonError(ValueError):
    pass


def _pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
    out = dict(pairs)
    if len(out) != len(pairs):  # a key appeared twice: name the first one repeated
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonError(f"duplicate key {key[:40]!r}")
            seen.add(key)
    return out


def _constant(name: str) -> object:
    raise JsonError(f"{name} is not allowed")


def _float(text: str) -> Decimal:
    try:
        return parse_decimal(text, "number")
    except InputError as exc:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise JsonError(f"the number {shown} {exc.message}") from None


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 16:
        raise JsonError(f"the number {text[:20]}… is out of range")
    return int(text)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float, parse_int=_int
)


def _check_strings(obj: object) -> None:
    """Refuse lone surrogates (``"\\ud800"`` escapes decode to text that is not valid Unicode)."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, str):
            try:
                o.encode("utf-8")
            except UnicodeEncodeError:
                raise JsonError("text contains a lone surrogate (invalid Unicode)") from None
        elif isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
        elif isinstance(o, list):
            stack.extend(o)


def _text(data: bytes | str) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError(f"invalid UTF-8 at byte {exc.start}") from None
    else:
        text = data
    if text.startswith("\ufeff"):
        raise JsonError("a byte-order mark is not allowed")
    return text


def strict_loads(data: bytes | str) -> object:
    """Parse JSON strictly: valid UTF-8, no duplicate keys, no NaN/Infinity, finite bounded
    numbers (fractions become Decimal), no lone surrogates. Raises JsonError."""
    return _strict(_text(data))


# The fast path. Every line a bundle writer makes is canonical JSON (sorted keys, no white
# space, UTF-8 text): such a line is parsed by the C decoder without a Python call per object,
# and proven to be free of duplicate keys by rendering each top-level value again and
# comparing the whole text: a parsed dict cannot have duplicate keys, so a text equal to the
# rendering of one has none either. The same hooks refuse NaN, 1e400 and long integers; a
# fraction (Decimal) cannot be rendered and so falls back. Anything that does not match --
# other spacing, escapes, an error -- goes through the strict parser (``_strict``), which
# gives the exact message.
_FAST_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_float, parse_int=_int)
_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)
canonical_text = (
    _CANONICAL.encode
)  # == domain.canonical.canonical_bytes(obj).decode() for plain JSON values


def _not_json(obj: object) -> object:
    raise TypeError(f"{type(obj).__name__} is not plain JSON")


try:  # the C encoder behind json.dumps, made once (json.dumps builds it again on every call)
    # (CPython's C accelerators: not in the typing stubs)
    from json.encoder import c_encode_basestring as _encode_str  # type: ignore[attr-defined]
    from json.encoder import c_make_encoder  # type: ignore[attr-defined]

    _encode_container = c_make_encoder(
        None, _not_json, _encode_str, None, ":", ",", True, False, False
    )
except (ImportError, TypeError):  # pragma: no cover - CPython always has the C encoder
    _encode_str = _encode_container = None


def canonical_parts(obj: dict[str, Any]) -> dict[str, str] | None:
    """The canonical JSON text of each top-level value of *obj* (keys in sorted order), or
    None when a value is not plain JSON (a Decimal)."""
    out = {}
    try:
        for k in sorted(obj):
            v = obj[k]
            kind = type(v)
            if kind is str and _encode_str is not None:
                out[k] = _encode_str(v)
            elif (kind is dict or kind is list) and _encode_container is not None:
                out[k] = "".join(_encode_container(v, 0))
            else:
                out[k] = canonical_text(v)
    except (TypeError, ValueError, RecursionError):
        return None
    return out


# a tuple of keys -> ['"key":', ...] (a few shapes of record)
_PREFIXES: dict[tuple[str, ...], list[str]] = {}


def _prefixes(keys: tuple[str, ...]) -> list[str]:
    out = _PREFIXES.get(keys)
    if out is None:
        out = [canonical_text(k) + ":" for k in keys]
        if len(_PREFIXES) < 1000 and len(keys) <= 100:
            _PREFIXES[keys] = out
    return out


def join_parts(parts: dict[str, str], keys: tuple[str, ...] | None = None) -> str:
    """The canonical text of the object whose members are *parts* (restricted to *keys*,
    which must be sorted)."""
    values: Iterable[str]
    if keys is None:
        keys, values = tuple(parts), parts.values()
    else:
        values = [parts[k] for k in keys]
    return "{" + ",".join(map(str.__add__, _prefixes(keys), values)) + "}"


def loads_with_parts(data: bytes | str) -> tuple[object, dict[str, str] | None]:
    """:func:`strict_loads`, and for a canonical JSON object also the canonical text of each
    top-level value (see the fast path above); ``(obj, None)`` otherwise."""
    text = _text(data)
    if text[:1] == "{" and not _SURROGATE_ESCAPE.search(text):
        try:
            obj = _FAST_DECODER.decode(text)
        except (ValueError, RecursionError):  # the strict parser names the problem
            obj = None
        if type(obj) is dict:
            parts = canonical_parts(obj)
            if parts is not None and join_parts(parts) == text:
                return obj, parts
    return _strict(text), None


def _strict(text: str) -> object:
    try:
        obj, end = _DECODER.raw_decode(text)
    except JsonError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonError(
            f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise JsonError("nested too deeply") from None
    if text[end:].strip():
        raise JsonError("extra data after the JSON value")
    if _SURROGATE_ESCAPE.search(text):  # only an escape can make a lone surrogate
        _check_strings(obj)
    return obj


def dumps_line(obj: object) -> bytes:
    """One canonical JSON line (sorted keys, UTF-8, no NaN)."""
    return (
        json.dumps(
            obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode()
        + b"\n"
    )


# -- manifest ---------------------------------------------------------------------------
@dataclass
class Manifest:
    bundle_id: str
    direction: str
    source_device: str
    signer_fingerprint: str
    signer_name: str
    created_at: str
    audit_head: tuple[int, str]
    records: dict[str, list[list[str]]]  # table -> [[id, hash], ...]
    entries: dict[str, tuple[str, int]]  # name -> (sha256, size)
    app_version: str = ""
    version: int = 1  # the format version: 2 when the bundle holds reports/ entries

    def count(self, table: str) -> int:
        return len(self.records.get(table, []))


def _req(obj: dict[str, Any], key: str, kind: type[_T], where: str = "manifest") -> _T:
    if key not in obj:
        raise InputError(f"{where}.{key}", "is missing")
    value = obj[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InputError(f"{where}.{key}", "must be an integer")
    if kind is not int and not isinstance(value, kind):
        raise InputError(f"{where}.{key}", f"must be {'text' if kind is str else kind.__name__}")
    return cast(_T, value)  # an instance of *kind* (checked above)


MANIFEST_KEYS = {
    "format",
    "version",
    "bundle_id",
    "direction",
    "source_device",
    "signer",
    "created_at",
    "audit_head",
    "records",
    "entries",
    "app_version",
}


def parse_manifest(data: bytes) -> Manifest:
    """The manifest from its exact bytes, or InputError(path, reason)."""
    try:
        obj = strict_loads(data)
    except JsonError as exc:
        raise InputError("manifest", str(exc)) from None
    if not isinstance(obj, dict):
        raise InputError("manifest", "must be a JSON object")
    if obj.get("format") != FORMAT_NAME:
        raise InputError(
            "manifest.format", f"is not {FORMAT_NAME!r}; this is not an Inspector bundle"
        )
    version = obj.get("version")
    if version not in READ_VERSIONS or isinstance(version, bool):
        raise InputError(
            "manifest.version",
            f"format version {str(version)[:20]} is not supported (this program reads versions "
            f"{', '.join(map(str, READ_VERSIONS))}); update the program",
        )
    extra = set(obj) - MANIFEST_KEYS
    if extra:
        raise InputError("manifest", f"has unknown field {sorted(extra)[0][:40]!r}")
    bundle_id = _req(obj, "bundle_id", str)
    if not UUID_RE.match(bundle_id):
        raise InputError("manifest.bundle_id", "must be a UUID")
    direction = _req(obj, "direction", str)
    if direction not in DIRECTIONS:
        raise InputError("manifest.direction", f"must be one of {', '.join(DIRECTIONS)}")
    device = _req(obj, "source_device", str)
    if not UUID_RE.match(device):
        raise InputError("manifest.source_device", "must be a UUID")
    signer = _req(obj, "signer", dict)
    fp = _req(signer, "fingerprint", str, "manifest.signer")
    if not HEX64.match(fp):
        raise InputError("manifest.signer.fingerprint", "must be 64 hexadecimal digits")
    name = _req(signer, "name", str, "manifest.signer")
    created = _req(obj, "created_at", str)
    app_version = obj.get("app_version", "")
    if not isinstance(app_version, str) or len(app_version) > 40:
        raise InputError("manifest.app_version", "must be short text")
    head = _req(obj, "audit_head", dict)
    seq = _req(head, "seq", int, "manifest.audit_head")
    h = _req(head, "hash", str, "manifest.audit_head")
    if seq < 0 or not HEX64.match(h):
        raise InputError("manifest.audit_head", "must have a non-negative seq and a 64-digit hash")
    records_obj = _req(obj, "records", dict)
    records: dict[str, list[list[str]]] = {}
    for table, items in records_obj.items():
        if table not in COVERED_TABLES:
            raise InputError("manifest.records", f"names an unknown table {table[:40]!r}")
        if direction not in TABLES[table]:
            raise InputError(f"manifest.records.{table}", f"cannot travel {direction}")
        if not isinstance(items, list):
            raise InputError(f"manifest.records.{table}", "must be a list")
        for i, item in enumerate(items):
            if (
                not isinstance(item, list)
                or len(item) != 2
                or not all(isinstance(x, str) for x in item)
                or not HEX64.match(item[1])
            ):
                raise InputError(f"manifest.records.{table}[{i}]", "must be [id, sha256]")
        records[table] = items
    entries_obj = _req(obj, "entries", dict)
    entries: dict[str, tuple[str, int]] = {}
    for entry, info in entries_obj.items():
        if not NAME_RE.match(entry) or entry in FIXED_ENTRIES:
            raise InputError(
                "manifest.entries", f"lists a name that is not allowed: {entry[:80]!r}"
            )
        if not isinstance(info, dict) or set(info) != {"sha256", "size"}:
            raise InputError(f"manifest.entries.{entry}", "must have exactly sha256 and size")
        sha, size = info["sha256"], info["size"]
        if not isinstance(sha, str) or not HEX64.match(sha):
            raise InputError(f"manifest.entries.{entry}.sha256", "must be 64 hexadecimal digits")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InputError(f"manifest.entries.{entry}.size", "must be a non-negative integer")
        if entry.startswith("attachments/") and entry.split("/", 1)[1] != sha:
            raise InputError(
                f"manifest.entries.{entry}", "an attachment must be named by its SHA-256"
            )
        if entry.startswith("records/"):
            table = entry[len("records/") : -len(".jsonl")]
            if direction not in TABLES[table]:
                raise InputError(f"manifest.entries.{entry}", f"cannot travel {direction}")
        if entry.startswith(REPORT_PREFIX) and version < REPORTS_VERSION:
            raise InputError(
                f"manifest.entries.{entry}",
                f"a report PDF needs format version {REPORTS_VERSION}, the manifest says {version}",
            )
        entries[entry] = (sha, size)
    return Manifest(
        bundle_id,
        direction,
        device,
        fp,
        name,
        created,
        (seq, h),
        records,
        entries,
        app_version,
        version,
    )


def manifest_dict(m: Manifest) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": m.version,
        "app_version": m.app_version,
        "bundle_id": m.bundle_id,
        "direction": m.direction,
        "source_device": m.source_device,
        "signer": {"fingerprint": m.signer_fingerprint, "name": m.signer_name},
        "created_at": m.created_at,
        "audit_head": {"seq": m.audit_head[0], "hash": m.audit_head[1]},
        "records": m.records,
        "entries": {k: {"sha256": v[0], "size": v[1]} for k, v in m.entries.items()},
    }


def manifest_bytes(m: Manifest) -> bytes:
    return json.dumps(
        manifest_dict(m), ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False
    ).encode("utf-8")


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
    # inspection id -> canonical JSON of its "environment", "checklist", "tests", "result" and
    # "standards" as they arrived (the reader fills it; the merge stores these texts as they are)
    inspection_json: dict[str, dict[str, str]] = field(default_factory=dict)
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
