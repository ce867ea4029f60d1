"""Stage 4: strict parsing and validation of every record of a bundle.

Each line must be one JSON object (valid UTF-8, no duplicate keys, no NaN or infinities, no
number beyond 1e15, no lone surrogates) with exactly the expected fields of the expected
types; text goes through the same validation as typed input and must come out unchanged
(records are stored in normal form); every finalized inspection's content hash is recomputed;
every reference (premises, instrument, parent revision, standard, attachment) must resolve
in the bundle or in the database; the records listed in the manifest must be exactly those
in the files; the device's audit-chain segment must hash-link and extend what this database
accepted from that device before (a fork is refused).

The database is only read (through the sync repository).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import struct
from collections import Counter
from typing import Any, Literal, overload

from ..domain import validation
from ..domain.canonical import NON_CONTENT_FIELDS
from ..domain.errors import InputError
from ..domain.models import (
    ATTACHMENT_ROLES,
    VERDICTS,
    AttachmentRef,
    Finding,
    Inspection,
    Instrument,
    Premises,
    ReferenceStandard,
)
from ..domain.numbers import ascii_digits, parse_decimal
from ..domain.text import NOTE_MAX, clean_text
from .cases import check as check_cases
from .cases import parse_case
from .format import (
    COVERED_TABLES,
    HEX64,
    ID_RE,
    TOMBSTONE_ENTITIES,
    UUID_RE,
    BundleContent,
    BundleRejected,
    JsonError,
    ProblemList,
    canonical_parts,
    join_parts,
    loads_with_parts,
    record_hash,
    strict_loads,
    tombstone_key,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# An image is refused before anything decodes it when its header announces more than this:
# a 50,000 x 50,000 PNG compresses to 313 KB and would need 10 GB to show.
MAX_IMAGE_SIDE = 20_000
MAX_IMAGE_PIXELS = 50_000_000
SPECIAL = re.compile(r"(?i)[+-]?(s?nan|inf|infinity)")
NUMERIC = re.compile(r"[+-]?[\d.]+([eE][+-]?\d+)?")
MAX_DEPTH = 12


def _head(data) -> bytes:
    """An attachment's bytes, or the first bytes of one the merge streams from the archive
    (``reader.ZipAttachment``): all the image checks read."""
    return data if isinstance(data, bytes) else data.head


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_size(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) from the image's header, without decoding it; None when the header
    cannot be read. PNG: the IHDR chunk; JPEG: the first SOF marker; WebP: the VP8/VP8L/VP8X
    header."""
    try:
        if mime == "image/png":
            if data[12:16] != b"IHDR" or struct.unpack(">I", data[8:12])[0] != 13:
                return None
            return struct.unpack(">II", data[16:24])
        if mime == "image/jpeg":
            return _jpeg_size(data)
        if mime == "image/webp":
            kind = data[12:16]
            if kind == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if kind == b"VP8L" and data[20:21] == b"\x2f":
                bits = int.from_bytes(data[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            if kind == b"VP8X":
                return (
                    int.from_bytes(data[24:27], "little") + 1,
                    int.from_bytes(data[27:30], "little") + 1,
                )
    except struct.error:
        return None
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            return None
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in _SOF:
            if i + 9 > n:
                return None
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        if length < 2:
            return None
        i += 2 + length
    return None


def image_problem(data: bytes, mime: str) -> str | None:
    """Why an attachment may not be stored, judged from its header only; None when fine."""
    size = image_size(data, mime)
    if size is None:
        return f"the {mime} header cannot be read (no image size)"
    w, h = size
    if w <= 0 or h <= 0:
        return f"the image has no pixels ({w} × {h})"
    if w > MAX_IMAGE_SIDE or h > MAX_IMAGE_SIDE or w * h > MAX_IMAGE_PIXELS:
        return (
            f"the image is {w} × {h} pixels; at most {MAX_IMAGE_SIDE:,} on a side and "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels are accepted"
        )
    return None


def iter_lines(table: str, data: bytes, max_line: int):
    """(line number, object, parts, problem) for each line of a JSON-lines entry; *parts* is
    the canonical text of each top-level value when the line is canonical JSON, else None;
    *problem* is the reason a line cannot be read (then the object is None), so that every
    bad line is named, not only the first."""
    truncated = bool(data) and not data.endswith(b"\n")
    raws = data.split(b"\n") if data else []
    if not truncated:
        raws = raws[:-1]
    last = len(raws)
    for n, raw in enumerate(raws, start=1):
        if truncated and n == last:
            yield n, None, None, "the last line is not terminated (truncated?)"
            continue
        if len(raw) > max_line:
            yield n, None, None, f"the line is longer than {max_line} bytes"
            continue
        try:
            # Only inspections need the canonical text of their members (content hash, JSON
            # columns); the flat records of the other tables parse faster strictly.
            obj, parts = (
                loads_with_parts(raw) if table == "inspections" else (strict_loads(raw), None)
            )
        except JsonError as exc:
            yield n, None, None, str(exc)
            continue
        if not isinstance(obj, dict):
            yield n, None, None, "must be a JSON object"
            continue
        yield n, obj, parts, None


def _keys(obj: dict, expected: set[str], path: str) -> None:
    missing = expected - set(obj)
    if missing:
        raise InputError(path, f"is missing the field {sorted(missing)[0]!r}")
    extra = set(obj) - expected
    if extra:
        raise InputError(path, f"has an unknown field {sorted(extra)[0][:40]!r}")


def _id(value: object, path: str, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InputError(path, "must be an id (letters, digits, '-', at most 100 characters)")
    return value


@overload
def _str(
    value: object, path: str, max_len: int = 200, allow_none: Literal[False] = False
) -> str: ...


@overload
def _str(value: object, path: str, max_len: int = 200, *, allow_none: bool) -> str | None: ...


def _str(value: object, path: str, max_len: int = 200, allow_none: bool = False) -> str | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise InputError(path, "must be text")
    if len(value) > max_len:
        raise InputError(path, f"is too long ({len(value)} characters, at most {max_len})")
    return value


# Texts already found valid by the walk (readings repeat a lot), and those among them that are
# finite decimals: at most CACHE_MAX texts of at most CACHED_LEN characters each, emptied when
# a bundle's validation ends.
_OK: set[str] = set()
_DECIMAL_OK: set[str] = set()
CACHE_MAX = 100_000
CACHED_LEN = 100
MAX_INT = 10**15


def _wide_number(text: str) -> bool:
    """Full-width digits that would read as a number (``１２．５``): the program stores numbers
    in ASCII, so a record carrying them is not in normal form."""
    return not text.isascii() and NUMERIC.fullmatch(ascii_digits(text)) is not None


def _text_ok(s: str) -> bool:
    if len(s) > NOTE_MAX:
        return False
    text = s.strip()
    if SPECIAL.fullmatch(text) or _wide_number(text):
        return False
    if NUMERIC.fullmatch(text):
        try:
            parse_decimal(text, "")
        except InputError:
            return False
        if len(s) <= CACHED_LEN and len(_DECIMAL_OK) < CACHE_MAX:
            _DECIMAL_OK.add(s)
    if len(s) <= CACHED_LEN and len(_OK) < CACHE_MAX:
        _OK.add(s)
    return True


def _forget() -> None:
    _OK.clear()
    _DECIMAL_OK.clear()


def _values_ok(obj: Any, depth: int = 0) -> bool:  # a dict or list of untrusted JSON
    """Whether :func:`_walk_values` would accept the container *obj* (no paths are built)."""
    if len(obj) > (1000 if type(obj) is dict else 10000):
        return False
    if not obj:
        return True
    if depth >= MAX_DEPTH:  # its members would be deeper than MAX_DEPTH
        return False
    if type(obj) is dict:
        if max(map(len, obj)) > 100:
            return False
        obj = obj.values()
    ok = _OK
    try:
        if ok.issuperset(obj):  # only texts seen before: the common case, checked in C
            return True
    except TypeError:  # a dict or list among them
        pass
    for v in obj:
        kind = type(v)
        if kind is str:
            if v in ok or _text_ok(v):
                continue
            return False
        if kind is dict:
            # a dict of texts seen before (a reading) is checked here without a call
            if v and len(v) <= 1000 and depth + 1 < MAX_DEPTH and max(map(len, v)) <= 100:
                try:
                    if ok.issuperset(v.values()):
                        continue
                except TypeError:
                    pass
            if not _values_ok(v, depth + 1):
                return False
        elif kind is list:
            if not _values_ok(v, depth + 1):
                return False
        elif kind is int:
            if not -MAX_INT <= v <= MAX_INT:
                return False
        elif v is not None and kind is not bool:
            return False
    return True


def _walk_values(obj: object, path: str) -> None:
    """Leaves must be text, integers, booleans or null; decimal-looking text must be a finite
    decimal. Checked quickly first; the walk that names the place runs only on failure."""
    if not _values_ok(obj):
        _walk_named(obj, path)
        raise InputError(
            path, "holds a value that is not allowed"
        )  # pragma: no cover - the walks agree


def _walk_named(obj: Any, path: str, depth: int = 0) -> None:
    """The slow walk of :func:`_walk_values`: raises InputError at the first bad value's path."""
    if depth > MAX_DEPTH:
        raise InputError(path, "is nested too deeply")
    kind = type(obj)
    if kind is dict:
        if len(obj) > 1000:
            raise InputError(path, "has too many fields")
        for k, v in obj.items():
            if len(k) > 100:
                raise InputError(path, "has a field name that is too long")
            _walk_named(v, f"{path}.{k}", depth + 1)
    elif kind is list:
        if len(obj) > 10000:
            raise InputError(path, "has too many items")
        for i, v in enumerate(obj):
            _walk_named(v, f"{path}[{i}]", depth + 1)
    elif kind is str:
        if len(obj) > NOTE_MAX:
            raise InputError(path, f"is too long ({len(obj)} characters, at most {NOTE_MAX})")
        text = obj.strip()
        if SPECIAL.fullmatch(text):
            raise InputError(path, "must be a finite number (NaN and infinity are not allowed)")
        if _wide_number(text):
            raise InputError(
                path, "is not in normal form (a number written with full-width characters)"
            )
        if NUMERIC.fullmatch(text):
            parse_decimal(text, path)
    elif obj is None or kind is bool:
        return
    elif kind is int:
        parse_decimal(obj, path)
    else:  # Decimal from a JSON fraction: numbers must travel as decimal strings
        raise InputError(
            path, "must be written as a decimal string, not a JSON number with a fraction"
        )


def _decimal(value: object, path: str, allow_none: bool = False) -> None:
    """parse_decimal for validation only, skipping texts already known to be decimals."""
    if type(value) is str and value in _DECIMAL_OK:
        return
    parse_decimal(value, path, allow_none=allow_none)


def _normal(original, cleaned, path: str) -> None:
    """Validation must not change a record: bundles carry records in normal form."""
    if original != cleaned:
        for f in dataclasses.fields(original):
            if getattr(original, f.name) != getattr(cleaned, f.name):
                raise InputError(
                    f"{path}.{f.name}", "is not in normal form (it would be changed on import)"
                )
        raise InputError(
            path, "is not in normal form"
        )  # pragma: no cover - unequal dataclasses differ in a field


def _dataclass_fields(cls) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


# -- per-table parsers ----------------------------------------------------------------------
def _versioned(obj: dict, cls, path: str):
    _keys(obj, {"data", "versions"}, path)
    data, versions = obj["data"], obj["versions"]
    if not isinstance(data, dict):
        raise InputError(f"{path}.data", "must be an object")
    if (
        not isinstance(versions, list)
        or len(versions) > 10000
        or not all(isinstance(v, str) and HEX64.match(v) for v in versions)
    ):
        raise InputError(f"{path}.versions", "must be a list of SHA-256 hashes")
    _keys(data, _dataclass_fields(cls), path)
    h = record_hash(data)
    if h not in versions:
        raise InputError(f"{path}.versions", "must include the record's own hash")
    return data, h, versions


def parse_premises(obj: dict, path: str = "premises"):
    data, h, versions = _versioned(obj, Premises, path)
    for k, v in data.items():
        _str(v, f"{path}.{k}", 10_000, allow_none=k in ("latitude", "longitude"))
    _id(data["id"], f"{path}.id")
    p = Premises(**data)
    _normal(p, validation.validate_premises(p), path)
    return p, h, versions


def parse_instrument(obj: dict, path: str = "instrument"):
    data, h, versions = _versioned(obj, Instrument, path)
    for k, v in data.items():
        if k != "metrology":
            _str(v, f"{path}.{k}", 10_000, allow_none=k in ("last_verified", "next_due"))
    _id(data["id"], f"{path}.id")
    _id(data["premises_id"], f"{path}.premises_id")
    if not isinstance(data["metrology"], dict):
        raise InputError(f"{path}.metrology", "must be an object")
    _walk_values(data["metrology"], f"{path}.metrology")
    ins = Instrument(**data)
    _normal(ins, validation.validate_instrument(ins), path)
    return ins, h, versions


def parse_standard(obj: dict, path: str = "standard"):
    data, h, versions = _versioned(obj, ReferenceStandard, path)
    for k, v in data.items():
        _str(v, f"{path}.{k}", 10_000, allow_none=k in ("valid_until", "mpe"))
    _id(data["id"], f"{path}.id")
    s = ReferenceStandard(**data)
    _normal(s, validation.validate_standard(s), path)
    return s, h, versions


INSPECTION_FIELDS = _dataclass_fields(Inspection)
FINDING_FIELDS = _dataclass_fields(Finding)
ATTACHMENT_FIELDS = _dataclass_fields(AttachmentRef)


# The fields the content hash covers (domain.canonical.inspection_content), sorted, and the
# columns whose JSON text is stored as it arrived.
CONTENT_FIELDS = tuple(sorted(INSPECTION_FIELDS - NON_CONTENT_FIELDS))
JSON_COLUMNS = ("environment", "checklist", "tests", "result", "standards")
_TEXT_FIELDS = (
    "family",
    "check",
    "ruleset",
    "inspector",
    "started_at",
    "place",
    "correction_reason",
    "notes",
)
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")


def parse_inspection(obj: dict, path: str = "inspection") -> Inspection:
    return parse_inspection_line(obj, path)[0]


def parse_inspection_line(
    obj: dict, path: str = "inspection", parts: dict[str, str] | None = None
) -> tuple[Inspection, dict[str, str]]:
    """An inspection line, checked; and the canonical JSON text of its JSON columns.

    *parts* is the canonical text of each top-level value when the line was canonical
    (``format.loads_with_parts``); the content hash is computed from those texts, which are
    exactly what ``domain.canonical.content_hash`` renders."""
    _keys(obj, INSPECTION_FIELDS, path)
    for k in ("id", "record_id", "instrument_id", "premises_id"):
        _id(obj[k], f"{path}.{k}")
    _id(obj["parent_id"], f"{path}.parent_id", allow_none=True)
    rev = obj["revision"]
    if type(rev) is not int or not 1 <= rev <= 100_000:
        raise InputError(f"{path}.revision", "must be a whole number from 1 to 100000")
    if (rev == 1) != (obj["parent_id"] is None):
        raise InputError(
            f"{path}.parent_id", "a first revision has no parent and a later one must name it"
        )
    if obj["status"] != "finalized":
        raise InputError(f"{path}.status", "only finalized inspections travel in bundles")
    if obj["verdict"] not in VERDICTS:
        raise InputError(f"{path}.verdict", "must be pass or fail")
    if not isinstance(obj["content_hash"], str) or not HEX64.match(obj["content_hash"]):
        raise InputError(f"{path}.content_hash", "must be 64 hexadecimal digits")
    for k in _TEXT_FIELDS:
        v = obj[k]
        if type(v) is not str or len(v) > 10_000:
            _str(v, f"{path}.{k}", 10_000)
    _str(obj["finalized_at"], f"{path}.finalized_at", 40)
    _str(obj["signature"], f"{path}.signature", 8192, allow_none=True)
    _str(obj["signer"], f"{path}.signer", 1000, allow_none=True)
    for k in ("environment", "checklist", "result"):
        if type(obj[k]) is not dict:
            raise InputError(f"{path}.{k}", "must be an object")
        _walk_values(obj[k], f"{path}.{k}")
    env = obj["environment"]
    for k in ("temperature", "humidity"):
        if env.get(k) not in (None, ""):
            _decimal(env[k], f"{path}.environment.{k}")
    tests = obj["tests"]
    if type(tests) is not list or len(tests) > 200:
        raise InputError(f"{path}.tests", "must be a list of at most 200 tests")
    _walk_values(tests, f"{path}.tests")
    result = obj["result"]
    result_tests = result.get("tests")
    for t_i, test in enumerate(result_tests if type(result_tests) is list else ()):
        if type(test) is not dict:
            raise InputError(f"{path}.result.tests[{t_i}]", "must be an object")
        items = test.get("items")
        for i_i, item in enumerate(items if type(items) is list else ()):
            if type(item) is not dict:
                raise InputError(f"{path}.result.tests[{t_i}].items[{i_i}]", "must be an object")
            for k in ("error", "mpe"):
                v = item.get(k)
                if v is not None and (type(v) is not str or v not in _DECIMAL_OK):
                    parse_decimal(v, f"{path}.result.tests[{t_i}].items[{i_i}].{k}")
    if result.get("verdict") not in VERDICTS:
        raise InputError(f"{path}.result.verdict", "must be pass or fail")
    standards = obj["standards"]
    if type(standards) is not list or len(standards) > 100:
        raise InputError(f"{path}.standards", "must be a list of at most 100 ids")
    for i, s in enumerate(standards):
        _id(s, f"{path}.standards[{i}]")
    findings = []
    if type(obj["findings"]) is not list or len(obj["findings"]) > 200:
        raise InputError(f"{path}.findings", "must be a list of at most 200 findings")
    for i, f in enumerate(obj["findings"]):
        fp = f"{path}.findings[{i}]"
        if type(f) is not dict:
            raise InputError(fp, "must be an object")
        _keys(f, FINDING_FIELDS, fp)
        _id(f["id"], f"{fp}.id")
        if not isinstance(f["cheating"], bool):
            raise InputError(f"{fp}.cheating", "must be true or false")
        for k in ("code", "text", "legal_basis", "severity", "action"):
            _str(f[k], f"{fp}.{k}", 10_000)
        findings.append(Finding(**f))
    attachments = []
    if type(obj["attachments"]) is not list or len(obj["attachments"]) > 200:
        raise InputError(f"{path}.attachments", "must be a list of at most 200 attachments")
    for i, a in enumerate(obj["attachments"]):
        if type(a) is not dict:
            raise InputError(f"{path}.attachments[{i}]", "must be an object")
        if a.keys() != ATTACHMENT_FIELDS:
            _keys(a, ATTACHMENT_FIELDS, f"{path}.attachments[{i}]")
        if not isinstance(a["sha256"], str) or not HEX64.match(a["sha256"]):
            raise InputError(f"{path}.attachments[{i}].sha256", "must be 64 hexadecimal digits")
        if a["role"] not in ATTACHMENT_ROLES:
            raise InputError(
                f"{path}.attachments[{i}].role", f"must be one of {', '.join(ATTACHMENT_ROLES)}"
            )
        if a["mime"] not in _IMAGE_TYPES:
            raise InputError(
                f"{path}.attachments[{i}].mime", "must be image/png, image/jpeg or image/webp"
            )
        clean_text(a["caption"], f"{path}.attachments[{i}].caption")
        attachments.append(AttachmentRef(**a))
    insp = Inspection(
        **{k: obj[k] for k in _SCALAR_FIELDS}, findings=findings, attachments=attachments
    )
    _normal(insp, validation.validate_inspection_header(insp), path)
    # Every value is plain JSON now (the checks above refuse anything else), so it renders.
    if parts is None:
        parts = canonical_parts(obj)
        if parts is None:  # pragma: no cover - the checks above leave only plain JSON values
            raise InputError(path, "holds a value that cannot be hashed")
    text = join_parts(parts, CONTENT_FIELDS)
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != insp.content_hash:
        raise InputError(
            f"{path}.content_hash", "does not match the record's content (the record was altered)"
        )
    return insp, {k: parts[k] for k in JSON_COLUMNS}


_SCALAR_FIELDS = tuple(INSPECTION_FIELDS - {"findings", "attachments"})


def parse_tombstone(obj: dict, path: str = "tombstone") -> tuple[str, str]:
    _keys(obj, {"entity", "entity_id"}, path)
    if obj["entity"] not in TOMBSTONE_ENTITIES:
        raise InputError(f"{path}.entity", f"must be one of {', '.join(TOMBSTONE_ENTITIES)}")
    _id(obj["entity_id"], f"{path}.entity_id")
    return obj["entity"], obj["entity_id"]


AUDIT_FIELDS = {
    "seq",
    "device_id",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "detail",
    "prev_hash",
    "hash",
}


def parse_audit(obj: dict, path: str = "audit") -> dict:
    _keys(obj, AUDIT_FIELDS, path)
    seq = obj["seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise InputError(f"{path}.seq", "must be a positive whole number")
    for k in ("device_id", "at", "actor", "action", "entity", "entity_id"):
        _str(obj[k], f"{path}.{k}", 1000)
    _str(obj["detail"], f"{path}.detail", 100_000)
    _possible_time(obj["at"], f"{path}.at")
    for k in ("prev_hash", "hash"):
        if not isinstance(obj[k], str) or not HEX64.match(obj[k]):
            raise InputError(f"{path}.{k}", "must be 64 hexadecimal digits")
    return obj


def parse_assignment(obj: dict, path: str = "assignment") -> dict:
    base = {"id", "premises_id", "inspector", "note"}
    # the campaign ("" outside one) and the due date came with visits; an office of an
    # earlier version sends neither
    _keys(obj, base if obj.keys() == base else base | {"campaign_id", "due_date"}, path)
    if "campaign_id" in obj:
        if obj["campaign_id"] != "":
            _id(obj["campaign_id"], f"{path}.campaign_id")
        if obj["due_date"] is not None:
            _str(obj["due_date"], f"{path}.due_date", 10)
            try:
                if dt.date.fromisoformat(obj["due_date"]).isoformat() != obj["due_date"]:
                    raise ValueError
            except ValueError:
                raise InputError(f"{path}.due_date", "must be a date (YYYY-MM-DD)") from None
    _id(obj["id"], f"{path}.id")
    _id(obj["premises_id"], f"{path}.premises_id")
    if (
        clean_text(obj["inspector"], f"{path}.inspector", required=True, max_len=100)
        != obj["inspector"]
    ):
        raise InputError(f"{path}.inspector", "is not in normal form")
    if clean_text(obj["note"], f"{path}.note", max_len=500) != obj["note"]:
        raise InputError(f"{path}.note", "is not in normal form")
    return obj


REVIEW_FIELDS = {"id", "inspection_id", "decision", "comment", "reviewer", "at", "signature"}


def parse_review(obj: dict, path: str = "review") -> dict:
    _keys(obj, REVIEW_FIELDS, path)
    _id(obj["id"], f"{path}.id")
    _id(obj["inspection_id"], f"{path}.inspection_id")
    if obj["decision"] not in ("approved", "returned"):
        raise InputError(f"{path}.decision", "must be approved or returned")
    clean_text(obj["comment"], f"{path}.comment", max_len=NOTE_MAX, multiline=True)
    clean_text(obj["reviewer"], f"{path}.reviewer", required=True)
    _str(obj["at"], f"{path}.at", 40)
    _possible_time(obj["at"], f"{path}.at")
    _str(obj["signature"], f"{path}.signature", 8192, allow_none=True)
    return obj


def parse_ack(obj: dict, path: str = "ack") -> dict:
    _keys(obj, {"bundle_id", "source_device", "audit_seq", "audit_hash", "inspections"}, path)
    for k in ("bundle_id", "source_device"):
        if not isinstance(obj[k], str) or not UUID_RE.match(obj[k]):
            raise InputError(f"{path}.{k}", "must be a UUID")
    seq = obj["audit_seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise InputError(f"{path}.audit_seq", "must be a whole number")
    if not isinstance(obj["audit_hash"], str) or not HEX64.match(obj["audit_hash"]):
        raise InputError(f"{path}.audit_hash", "must be 64 hexadecimal digits")
    if not isinstance(obj["inspections"], list):
        raise InputError(f"{path}.inspections", "must be a list of ids")
    for i, x in enumerate(obj["inspections"]):
        _id(x, f"{path}.inspections[{i}]")
    return obj


def parse_revocation(obj: dict, path: str = "revocation") -> dict:
    """A certificate revoked by the office CA from a moment on (see crypto.ca)."""
    import datetime as _dt

    _keys(obj, {"issuer_fingerprint", "serial", "revoked_at", "reason", "subject"}, path)
    if not isinstance(obj["issuer_fingerprint"], str) or not HEX64.match(obj["issuer_fingerprint"]):
        raise InputError(f"{path}.issuer_fingerprint", "must be 64 hexadecimal digits")
    serial = obj["serial"]
    if not isinstance(serial, str) or not serial.isdigit() or len(serial) > 60:
        raise InputError(f"{path}.serial", "must be a decimal serial number")
    at = _str(obj["revoked_at"], f"{path}.revoked_at", 40)
    try:
        when = _dt.datetime.fromisoformat(at)
    except ValueError:
        raise InputError(f"{path}.revoked_at", "must be an ISO 8601 time") from None
    if when.utcoffset() != _dt.timedelta(0):
        raise InputError(f"{path}.revoked_at", "must be in UTC (+00:00)")
    _str(obj["reason"], f"{path}.reason", 40)
    clean_text(obj["subject"], f"{path}.subject", max_len=200)
    return obj


def parse_issuing_body(obj: dict, path: str = "issuing_body") -> dict:
    """The body named on certificates and notices, as the office configured it (Settings);
    every text checked like a premises field, the two flags booleans."""
    path = "issuing_body"
    _keys(
        obj,
        {
            "id",
            "name_zh",
            "name_en",
            "address",
            "postcode",
            "phone",
            "authorisation_no",
            "authorised",
            "cert_prefix",
            "minus_one_day",
            "updated_at",
        },
        path,
    )
    _id(obj["id"], f"{path}.id")
    out = {"id": obj["id"]}
    for key, limit in (
        ("name_zh", 200),
        ("name_en", 200),
        ("address", 300),
        ("postcode", 20),
        ("phone", 60),
        ("authorisation_no", 100),
        ("cert_prefix", 20),
        ("updated_at", 40),
    ):
        out[key] = clean_text(obj[key], f"{path}.{key}", max_len=limit)
    for key in ("authorised", "minus_one_day"):
        if not isinstance(obj[key], bool):
            raise InputError(f"{path}.{key}", "must be true or false")
        out[key] = obj[key]
    if out["authorised"] and not out["authorisation_no"]:
        raise InputError(
            f"{path}.authorisation_no", "an authorised body needs its authorisation number"
        )
    return out


def parse_rule_data(obj: dict, path: str = "rule_data") -> dict:
    """A rule data version the office signed (services.rule_data): the values must be a
    version this program can read; the signature is checked against the trust list before
    anything is merged (services.sync)."""
    from ..domain.rules import ruledata

    path = "rule_data"
    _keys(
        obj,
        {
            "version",
            "base",
            "values",
            "created_by",
            "created_at",
            "reason",
            "signature",
            "signer_cert",
        },
        path,
    )
    data = ruledata.parse(obj["values"], f"{path}.values")
    if obj["version"] != data.version:
        raise InputError(f"{path}.version", "differs from the version its values name")
    _str(obj["base"], f"{path}.base", ruledata.MAX_VERSION)
    clean_text(obj["created_by"], f"{path}.created_by", max_len=200, required=True)
    at = _str(obj["created_at"], f"{path}.created_at", 40)
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        raise InputError(f"{path}.created_at", "must be an ISO 8601 time") from None
    if when.utcoffset() != dt.timedelta(0):
        raise InputError(f"{path}.created_at", "must be in UTC (+00:00)")
    clean_text(obj["reason"], f"{path}.reason", max_len=2000, multiline=True, required=True)
    _str(obj["signature"], f"{path}.signature", 2000)
    _str(obj["signer_cert"], f"{path}.signer_cert", 20000)
    return obj


def parse_form_version(obj: dict, path: str = "forms") -> dict:
    """An inspection form version the office published (services.forms): the text must be
    a form this program can read, its hash the SHA-256 of that text; the signature is
    checked against the trust list before anything is merged (services.sync)."""
    from ..domain import forms
    from ..domain.rules import registry

    path = "forms"
    _keys(
        obj,
        {
            "family",
            "version",
            "hash",
            "toml",
            "created_by",
            "created_at",
            "reason",
            "signature",
            "signer_cert",
        },
        path,
    )
    family = _str(obj["family"], f"{path}.family", 100)
    if registry.get(family) is None:
        raise InputError(f"{path}.family", f"no instrument family is called {family!r}")
    version = _str(obj["version"], f"{path}.version", 40)
    toml = _str(obj["toml"], f"{path}.toml", forms.MAX_FORM_BYTES)
    if not isinstance(obj["hash"], str) or not HEX64.match(obj["hash"]):
        raise InputError(f"{path}.hash", "must be 64 hexadecimal digits")
    text = toml.encode("utf-8")
    if forms.form_hash(text) != obj["hash"]:
        raise InputError(f"{path}.hash", "is not the SHA-256 of the form's text")
    try:
        forms.parse_form_text(family, text, version)
    except forms.FormError as exc:
        raise InputError(
            f"{path}.toml{'.' + exc.key if exc.key else ''}", f"not a form: {exc.message}"
        ) from None
    clean_text(obj["created_by"], f"{path}.created_by", max_len=200, required=True)
    at = _str(obj["created_at"], f"{path}.created_at", 40)
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        raise InputError(f"{path}.created_at", "must be an ISO 8601 time") from None
    if when.utcoffset() != dt.timedelta(0):
        raise InputError(f"{path}.created_at", "must be in UTC (+00:00)")
    clean_text(obj["reason"], f"{path}.reason", max_len=2000, multiline=True, required=True)
    _str(obj["signature"], f"{path}.signature", 2000)
    _str(obj["signer_cert"], f"{path}.signer_cert", 20000)
    return obj


_DUTY_KEYS: dict[str, set[str]] = {}  # duty set -> its duty keys (forms shipped with the program)


def parse_visit(obj: dict, path: str = "visit") -> dict:
    """A sealed visit (现场检查) with its sweep rows and the ids of its inspections: every
    field in normal form, the times real, and the content hash recomputed over the visit and
    its rows (domain.visits.visit_hash) equal to the one it carries."""
    from ..domain.visits import (
        ANSWERS,
        DUTY_SETS,
        Officer,
        SweepRow,
        Visit,
        load_duties,
        validate_row,
        validate_visit,
        visit_hash,
    )

    fields = {f.name for f in dataclasses.fields(Visit)}
    # "photos" only when the visit has some (it then counts in the content hash)
    _keys(obj, fields | {"rows", "inspections"} | ({"photos"} & set(obj)), path)
    photos = obj.get("photos", [])
    if type(photos) is not list or not 0 < len(photos) <= 50 and "photos" in obj:
        raise InputError(f"{path}.photos", "must be a list of 1 to 50 photos")
    for i, sha in enumerate(photos):
        if not isinstance(sha, str) or not HEX64.match(sha):
            raise InputError(f"{path}.photos[{i}]", "must be 64 hexadecimal digits")
    if len(set(photos)) != len(photos):
        raise InputError(f"{path}.photos", "a photo appears twice")
    if obj["status"] != "finalized":
        raise InputError(f"{path}.status", "only sealed (finalized) visits travel in bundles")
    _id(obj["id"], f"{path}.id")
    _id(obj["premises_id"], f"{path}.premises_id", allow_none=True)
    _id(obj["campaign_id"], f"{path}.campaign_id", allow_none=True)
    if not isinstance(obj["content_hash"], str) or not HEX64.match(obj["content_hash"]):
        raise InputError(f"{path}.content_hash", "must be 64 hexadecimal digits")
    for k in ("started_at", "finalized_at"):
        _possible_time(_str(obj[k], f"{path}.{k}", 40), f"{path}.{k}")
    for k in ("kind", "inspector", "market", "place", "notes", "duty_set"):
        _str(obj[k], f"{path}.{k}", 10_000)
    for k in ("duties", "covert"):
        if type(obj[k]) is not dict or not all(type(x) is str for x in obj[k].values()):
            raise InputError(f"{path}.{k}", "must be an object of texts")
    officers = obj["officers"]
    if type(officers) is not list or len(officers) > 50:
        raise InputError(f"{path}.officers", "must be a list of at most 50 officers")
    for i, o in enumerate(officers):
        if type(o) is not dict:
            raise InputError(f"{path}.officers[{i}]", "must be an object")
        _keys(o, {"name", "certificate_no"}, f"{path}.officers[{i}]")
        for k in ("name", "certificate_no"):
            _str(o[k], f"{path}.officers[{i}].{k}")
    data = {k: obj[k] for k in fields}
    data["officers"] = [Officer(**o) for o in officers]
    visit = Visit(**data)
    duty_set, duties = obj["duty_set"], obj["duties"]
    if duties:  # the duties form is read once per import, not once per visit
        keys = _DUTY_KEYS.get(duty_set)
        if keys is None and duty_set in DUTY_SETS.values():
            keys = _DUTY_KEYS[duty_set] = {d.key for d in load_duties(duty_set).duties}
        if keys is None:
            raise InputError(f"{path}.duty_set", "must name the set of duties its answers are of")
        for k, a in duties.items():
            if k not in keys:
                raise InputError(f"{path}.duties.{k}", f"is not a duty of the {duty_set} form")
            if a not in ANSWERS:
                raise InputError(f"{path}.duties.{k}", "must be yes, no or na")
    try:
        bare = dataclasses.replace(visit, duties={})
        _normal(bare, validate_visit(bare), path)
    except InputError as exc:
        if exc.path.startswith("visit.") and path != "visit":
            exc = InputError(path + exc.path[len("visit") :], exc.message)
        raise exc from None
    rows_in = obj["rows"]
    if type(rows_in) is not list or len(rows_in) > 5000:
        raise InputError(f"{path}.rows", "must be a list of at most 5000 sweep rows")
    row_fields = {f.name for f in dataclasses.fields(SweepRow)}
    rows = []
    for i, r in enumerate(rows_in):
        rp = f"{path}.rows[{i}]"
        if type(r) is not dict:
            raise InputError(rp, "must be an object")
        _keys(r, row_fields, rp)
        _id(r["id"], f"{rp}.id")
        for k in ("instrument_id", "premises_id", "inspection_id"):
            _id(r[k], f"{rp}.{k}", allow_none=True)
        if r["visit_id"] != obj["id"]:
            raise InputError(f"{rp}.visit_id", "must be the id of the visit it is in")
        if r["seq"] != i:
            raise InputError(f"{rp}.seq", f"must be {i} (rows are numbered in order from 0)")
        if type(r["rest_ok"]) is not bool:
            raise InputError(f"{rp}.rest_ok", "must be true or false")
        for k in (
            row_fields
            - {"id", "visit_id", "seq", "rest_ok"}
            - {
                "instrument_id",
                "premises_id",
                "inspection_id",
            }
        ):
            _str(r[k], f"{rp}.{k}", 10_000)
        row = SweepRow(**r)
        _normal(row, validate_row(row, rp), rp)
        rows.append(row)
    if len({r.id for r in rows}) != len(rows):
        raise InputError(f"{path}.rows", "a sweep row id appears twice")
    ids = obj["inspections"]
    if type(ids) is not list or len(ids) > 5000:
        raise InputError(f"{path}.inspections", "must be a list of at most 5000 ids")
    for i, x in enumerate(ids):
        _id(x, f"{path}.inspections[{i}]")
    if visit_hash(visit, rows, photos) != visit.content_hash:
        raise InputError(
            f"{path}.content_hash", "does not match the visit's content (the visit was altered)"
        )
    return obj


def parse_campaign(obj: dict, path: str = "campaign") -> dict:
    """A special campaign (专项) the office defined: every field in normal form."""
    from ..store.campaigns import Campaign, validate_campaign

    _keys(obj, {f.name for f in dataclasses.fields(Campaign)}, path)
    _id(obj["id"], f"{path}.id")
    for k in ("name", "date_from", "date_to", "notes"):
        _str(obj[k], f"{path}.{k}", 10_000)
    for k in ("kinds", "regions", "focus"):
        if type(obj[k]) is not list or len(obj[k]) > 200:
            raise InputError(f"{path}.{k}", "must be a list of at most 200 texts")
        for i, x in enumerate(obj[k]):
            _str(x, f"{path}.{k}[{i}]")
    c = Campaign(**obj)
    try:
        _normal(c, validate_campaign(c), path)
    except InputError as exc:
        if exc.path.startswith("campaign.") and path != "campaign":
            exc = InputError(path + exc.path[len("campaign") :], exc.message)
        raise exc from None
    return obj


PARSERS = {
    "premises": parse_premises,
    "instruments": parse_instrument,
    "standards": parse_standard,
    "inspections": parse_inspection,
    "tombstones": parse_tombstone,
    "audit": parse_audit,
    "assignments": parse_assignment,
    "reviews": parse_review,
    "acks": parse_ack,
    "revocations": parse_revocation,
    "issuing_bodies": parse_issuing_body,
    "rule_data": parse_rule_data,
    "forms": parse_form_version,
    "visits": parse_visit,
    "campaigns": parse_campaign,
    "cases": parse_case,
}


# -- the whole bundle ---------------------------------------------------------------------
def validate_bundle(
    opened,
    repo,
    max_line: int = 16 * 1024**2,
    progress=None,
    *,
    certificates: dict | None = None,
    now: dt.datetime | None = None,
) -> BundleContent:
    """Stage 4 over an OpenedBundle; *repo* is the SyncRepo of the receiving database.

    *certificates* maps a certificate fingerprint to the certificate (the keys this database
    trusts, and its own): an inspection's ``signature`` must verify with the one its
    ``signer`` names. *now* is the receiver's clock, for timestamps from the future.
    Every bad record is named (the first :data:`MAX_LISTED`, and how many there were);
    implausible but possible values are kept in ``content.warnings``."""
    try:
        return _validate(
            opened, repo, max_line, progress, certificates or {}, now or dt.datetime.now(dt.UTC)
        )
    finally:
        _forget()


def _message(exc: InputError) -> str:
    return f"{exc.path}: {exc.message}" if exc.path else exc.message


def _validate(opened, repo, max_line: int, progress, certificates: dict, now) -> BundleContent:
    m = opened.manifest
    content = BundleContent()
    problems = ProblemList(4)
    covered_found: dict[str, list[tuple[tuple[str, str], str]]] = {}
    total_lines = sum(d.count(b"\n") for d in opened.records.values())
    done = 0
    lines_of = content.inspection_lines
    for table in (
        "premises",
        "instruments",
        "standards",
        "inspections",
        "tombstones",
        "audit",
        "assignments",
        "reviews",
        "acks",
        "revocations",
        "issuing_bodies",
        "rule_data",
        "forms",
        "visits",
        "campaigns",
        "cases",
    ):
        data = opened.records.get(table)
        if data is None:
            continue
        parser = PARSERS[table]
        out = getattr(content, table)
        entry = f"records/{table}.jsonl"
        name = table.rstrip("s") if table != "premises" else table
        covered = covered_found.setdefault(table, []) if table in COVERED_TABLES else None
        texts = content.inspection_json
        if progress is not None and progress("records", done, total_lines) is False:
            raise BundleRejected(4, "", "cancelled")
        for n, obj, parts, problem in iter_lines(table, data, max_line):
            if problem is not None:
                problems.add(f"{entry} line {n}", problem)
                continue
            try:
                if table == "inspections":
                    rec, texts[obj["id"]] = parse_inspection_line(obj, name, parts)
                    lines_of[rec.id] = n
                else:
                    rec = parser(obj, name)
            except InputError as exc:
                problems.add(f"{entry} line {n}", _message(exc))
                continue
            out.append(rec)
            if covered is not None:
                covered.append((_covered_key(table, rec), f"{entry} line {n}"))
            done += 1
            if (
                progress is not None
                and done % 500 == 0
                and progress("records", done, total_lines) is False
            ):
                raise BundleRejected(4, "", "cancelled")
    if problems:
        # Name what else is wrong with the records that could be read (their times,
        # signatures, results, attachments) in the same report; references and the
        # manifest's list would only repeat the lines that could not be read.
        _check_inspections(content, repo, certificates, now, problems)
        _check_attachments(opened, content, problems)
        problems.raise_if_any()
    # The manifest's list of records must be exactly what the files hold.
    for table in COVERED_TABLES:
        listed = [tuple(x) for x in m.records.get(table, [])]
        found = covered_found.get(table, [])
        counts = Counter(k[0] for k, _ in found)
        if len(counts) != len(found):
            for key, where in found:
                if counts[key[0]] > 1:
                    problems.add(where, f"the record {key[0]} appears twice")
        if Counter(listed) != Counter(k for k, _ in found):
            listed_set = set(listed)
            missing = listed_set - {k for k, _ in found}
            entry = f"records/{table}.jsonl"
            for listed_key in sorted(missing):
                problems.add(
                    entry, f"the manifest lists {listed_key[0]} but the file does not hold it"
                )
            for key, where in found:
                if key not in listed_set:
                    problems.add(
                        where, "the record is not listed in the manifest (or with another hash)"
                    )
    problems.raise_if_any()
    _check_references(opened, content, repo, problems)
    _check_visits(content, repo, now, problems, set(opened.attachments))
    check_cases(content, repo, problems)
    _check_inspections(content, repo, certificates, now, problems)
    _check_attachments(opened, content, problems)
    problems.raise_if_any()
    _check_audit(m, content, repo)
    return content


def _covered_key(table: str, rec) -> tuple[str, str]:
    if table in ("premises", "instruments", "standards"):
        return (rec[0].id, rec[1])
    if table == "inspections":
        return (rec.id, rec.content_hash)
    if table == "tombstones":
        return (tombstone_key(*rec), record_hash({"entity": rec[0], "entity_id": rec[1]}))
    return (rec["id"], record_hash(rec))


def _index(items, where_prefix: str, key) -> dict:
    out = {}
    for n, item in enumerate(items, start=1):
        out[key(item)] = (item, f"{where_prefix} line {n}")
    return out


def _check_references(opened, content: BundleContent, repo, problems: ProblemList) -> None:
    prem = _index(content.premises, "records/premises.jsonl", lambda r: r[0].id)
    inst = _index(content.instruments, "records/instruments.jsonl", lambda r: r[0].id)
    stds = {r[0].id for r in content.standards}
    db_prem = repo.existing_ids(
        "premises",
        [r[0].premises_id for r in content.instruments]
        + [x.premises_id for x in content.inspections]
        + [a["premises_id"] for a in content.assignments],
    )
    for ins, _h, _v in content.instruments:
        if ins.premises_id not in prem and ins.premises_id not in db_prem:
            problems.add(
                inst[ins.id][1],
                f"instrument.premises_id: the premises {ins.premises_id} "
                "are neither in the bundle nor in this database",
            )
    camps = {c["id"] for c in content.campaigns}
    db_camps = _campaign_ids(repo, [a.get("campaign_id") or "" for a in content.assignments])
    for n, a in enumerate(content.assignments, start=1):
        campaign = a.get("campaign_id") or ""
        if campaign and campaign not in camps and campaign not in db_camps:
            problems.add(
                f"records/assignments.jsonl line {n}",
                f"assignment.campaign_id: the campaign {campaign} is neither in the bundle "
                "nor in this database",
            )
        if a["premises_id"] not in prem and a["premises_id"] not in db_prem:
            problems.add(
                f"records/assignments.jsonl line {n}",
                f"assignment.premises_id: the premises {a['premises_id']} do not resolve",
            )
    db_inst = repo.instrument_premises([x.instrument_id for x in content.inspections])
    by_id = {x.id: x for x in content.inspections}
    db_parents = repo.inspection_info([x.parent_id for x in content.inspections if x.parent_id])
    db_stds = repo.existing_ids("standard", [s for x in content.inspections for s in x.standards])
    shas = {a.sha256 for x in content.inspections for a in x.attachments}
    db_shas = repo.attachment_shas(shas - set(opened.attachments))
    # Parents come before children so a whole chain of revisions merges in one go.
    content.inspections.sort(key=lambda x: (x.record_id, x.revision))
    for x in content.inspections:
        where = content.where(x.id)
        if x.instrument_id in inst:
            ins_premises = inst[x.instrument_id][0][0].premises_id
        elif x.instrument_id in db_inst:
            ins_premises = db_inst[x.instrument_id]
        else:
            problems.add(
                where,
                f"inspection.instrument_id: the instrument {x.instrument_id} is neither "
                "in the bundle nor in this database",
            )
            ins_premises = None
        if x.premises_id not in prem and x.premises_id not in db_prem:
            problems.add(
                where, f"inspection.premises_id: the premises {x.premises_id} do not resolve"
            )
        elif ins_premises is not None and ins_premises != x.premises_id:
            problems.add(where, "inspection.premises_id: the instrument belongs to other premises")
        if x.parent_id:
            parent = by_id.get(x.parent_id)
            info = (
                (parent.record_id, parent.revision)
                if parent is not None
                else (db_parents[x.parent_id]["record_id"], db_parents[x.parent_id]["revision"])
                if x.parent_id in db_parents
                else None
            )
            if info is None:
                problems.add(
                    where,
                    f"inspection.parent_id: the earlier revision {x.parent_id} "
                    "is neither in the bundle nor in this database",
                )
            elif info != (x.record_id, x.revision - 1):
                problems.add(
                    where,
                    "inspection.parent_id: the parent is not the previous revision "
                    "of the same record",
                )
        for s in x.standards:
            if s not in stds and s not in db_stds:
                problems.add(
                    where, f"inspection.standards: the reference standard {s} does not resolve"
                )
        for i, a in enumerate(x.attachments):
            data = opened.attachments.get(a.sha256)
            if data is None:
                if a.sha256 not in db_shas:
                    problems.add(
                        where,
                        f"inspection.attachments[{i}]: the attachment {a.sha256[:12]}… "
                        "is neither in the bundle nor in this database",
                    )
            elif _sniff(_head(data)) != a.mime:
                problems.add(
                    f"attachments/{a.sha256}", f"is not the {a.mime} image the record says"
                )
    shas |= {sha for v in content.visits for sha in v.get("photos", [])}  # a visit's photos
    for sha in sorted(opened.attachments):
        if sha not in shas:
            problems.add(f"attachments/{sha}", "is not referenced by any record")


def _campaign_ids(repo, ids: list[str]) -> set[str]:
    ids = [i for i in ids if i]
    if not ids:
        return set()
    from ..store.visits import campaign_ids

    return campaign_ids(repo.store.conn, ids)


def _check_visits(
    content: BundleContent,
    repo,
    now: dt.datetime,
    problems,
    bundle_shas: set[str] | frozenset[str] = frozenset(),
) -> None:
    """A sealed visit's premises, campaign, instruments, inspections and photos resolve (in
    the bundle or in this database, looked up in batches); its times are in order and not in
    the future; an inspection already in another visit here is refused."""
    if not content.visits:
        return
    conn = repo.store.conn
    photo_shas = {sha for v in content.visits for sha in v.get("photos", [])}
    have = set(bundle_shas) | repo.attachment_shas(photo_shas - set(bundle_shas))
    for n, v in enumerate(content.visits, start=1):
        for sha in v.get("photos", []):
            if sha not in have:
                problems.add(
                    f"records/visits.jsonl line {n}",
                    f"visit.photos: the photo {sha[:12]}… is neither in the bundle nor here",
                )
    prem = {r[0].id for r in content.premises}
    inst = {r[0].id for r in content.instruments}
    insp = {x.id for x in content.inspections}
    premises = [v["premises_id"] for v in content.visits if v["premises_id"]]
    premises += [r["premises_id"] for v in content.visits for r in v["rows"] if r["premises_id"]]
    db_prem = repo.existing_ids("premises", premises)
    db_inst = repo.existing_ids(
        "instrument",
        [r["instrument_id"] for v in content.visits for r in v["rows"] if r["instrument_id"]],
    )
    wanted = [x for v in content.visits for x in v["inspections"]]
    wanted += [r["inspection_id"] for v in content.visits for r in v["rows"] if r["inspection_id"]]
    db_insp = repo.existing_ids("inspection", wanted)
    from ..store.visits import campaign_ids, inspection_visits, upgrade_visits, visit_states

    db_camp = campaign_ids(conn, [v["campaign_id"] for v in content.visits if v["campaign_id"]])
    db_camp |= {c["id"] for c in content.campaigns}
    here = inspection_visits(conn, [x for v in content.visits for x in v["inspections"]])
    states = visit_states(conn, [v["id"] for v in content.visits])
    gathered = upgrade_visits(conn, list(here.values()))
    claimed: dict[str, str] = {}
    duplicates: set[str] = set()
    for n, v in enumerate(content.visits, start=1):
        where = f"records/visits.jsonl line {n}"
        others = {here[x] for x in v["inspections"] if here.get(x) not in (None, v["id"])}
        if v["inspections"] and all(x in here for x in v["inspections"]) and others <= gathered:
            # both sides gathered these inspections into a visit when they were upgraded to
            # schema 6: the office keeps its own, this one is not stored
            if others:
                duplicates.add(v["id"])
                content.warn(
                    where,
                    f"visit {v['id']}: its inspections are in the visit "
                    f"{', '.join(sorted(others))} here (made at the upgrade); not stored again",
                )
                continue
        state = states.get(v["id"])
        if state is not None and state != ("finalized", v["content_hash"]):
            problems.add(
                where,
                f"visit.content_hash: the visit {v['id']} is "
                + ("a draft" if state[0] == "draft" else "sealed with other content")
                + " here; a sealed visit is never changed",
            )
        if v["premises_id"] and v["premises_id"] not in prem | db_prem:
            problems.add(
                where, f"visit.premises_id: the premises {v['premises_id']} do not resolve"
            )
        if v["campaign_id"] and v["campaign_id"] not in db_camp:
            problems.add(
                where,
                f"visit.campaign_id: the campaign {v['campaign_id']} is neither in the bundle "
                "nor in this database",
            )
        for i, r in enumerate(v["rows"]):
            if r["instrument_id"] and r["instrument_id"] not in inst | db_inst:
                problems.add(
                    where,
                    f"visit.rows[{i}].instrument_id: the instrument {r['instrument_id']} "
                    "does not resolve",
                )
            if r["premises_id"] and r["premises_id"] not in prem | db_prem:
                problems.add(
                    where,
                    f"visit.rows[{i}].premises_id: the premises {r['premises_id']} do not resolve",
                )
            if r["inspection_id"] and r["inspection_id"] not in insp | db_insp:
                problems.add(
                    where,
                    f"visit.rows[{i}].inspection_id: the inspection {r['inspection_id']} "
                    "is neither in the bundle nor in this database",
                )
        for i, x in enumerate(v["inspections"]):
            if x not in insp and x not in db_insp:
                problems.add(
                    where,
                    f"visit.inspections[{i}]: the inspection {x} is neither in the "
                    "bundle nor in this database",
                )
            elif here.get(x) not in (None, v["id"]):
                problems.add(
                    where,
                    f"visit.inspections[{i}]: the inspection {x} belongs to the visit "
                    f"{here[x]} here",
                )
            elif claimed.setdefault(x, v["id"]) != v["id"]:
                problems.add(
                    where,
                    f"visit.inspections[{i}]: the inspection {x} is also claimed by "
                    f"the visit {claimed[x]}",
                )
        started, _ = read_time(v["started_at"])
        finalized, _ = read_time(v["finalized_at"])
        if started is not None and finalized is not None:
            if _as_utc(finalized) < _as_utc(started) - FUTURE_SLACK:
                problems.add(where, "visit.finalized_at: the visit was sealed before it started")
            if _as_utc(finalized) > now + FUTURE_SLACK:
                content.warn(where, "visit.finalized_at: sealed in the future (a clock was wrong)")
            if _as_utc(started) < PLAUSIBLE_FROM:
                content.warn(where, "visit.started_at: before 2000 (a clock was wrong)")
    if duplicates:
        content.visits = [v for v in content.visits if v["id"] not in duplicates]


# -- times --------------------------------------------------------------------------------
_TIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?"
    r"(Z|[+-]\d{2}:\d{2})?$",
    re.ASCII,
)
FIRST_YEAR, LAST_YEAR = 1970, 2199  # outside these no clock was ever set
PLAUSIBLE_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FUTURE_SLACK = dt.timedelta(days=1)


def read_time(text: str) -> tuple[dt.datetime | None, str | None]:
    """An ISO 8601 date or time from a bundle: (the time, None) or (None, why it is
    impossible). A time without an offset comes back naive."""
    m = _TIME_RE.match(text)
    if m is None:
        return None, f"{text[:40]!r} is not an ISO 8601 date and time"
    year = int(m.group(1))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None, f"the year {year} is impossible (accepted: {FIRST_YEAR} to {LAST_YEAR})"
    try:
        when = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
        if when.tzinfo is not None:
            offset = when.utcoffset()
            if offset is not None and abs(offset) > dt.timedelta(hours=14):
                return None, f"the UTC offset {m.group(7)} does not exist"
            when.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        return None, f"{text[:40]!r} is not a real date and time ({exc})"
    return when, None


def _possible_time(text: str, path: str) -> None:
    """InputError(path) when *text* is not a date and time that can exist."""
    _when, why = read_time(text)
    if why:
        raise InputError(path, why)


def _as_utc(when: dt.datetime) -> dt.datetime:
    """A naive time read as UTC (for comparisons that allow a day of slack anyway)."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _check_times(x: Inspection, where: str, now: dt.datetime, problems, content, naive):
    """Impossible times are refused; implausible ones are kept with a warning."""
    finalized = started = None
    if not x.finalized_at:
        problems.add(where, "inspection.finalized_at: a finalized inspection has its time")
    else:
        finalized, why = read_time(x.finalized_at)
        if why:
            problems.add(where, f"inspection.finalized_at: {why}")
    if x.started_at:
        started, why = read_time(x.started_at)
        if why:
            problems.add(where, f"inspection.started_at: {why}")
    for name, when in (("finalized_at", finalized), ("started_at", started)):
        if when is None:
            continue
        if name == "finalized_at" and when.tzinfo is None:
            naive.append(where)
        utc = _as_utc(when)
        if utc > now + FUTURE_SLACK + (
            dt.timedelta(hours=14) if when.tzinfo is None else dt.timedelta()
        ):
            content.warn(
                where,
                f"inspection.{name}: {getattr(x, name)} is in the future "
                "(the laptop's clock is wrong?)",
            )
        elif utc < PLAUSIBLE_FROM:
            content.warn(
                where,
                f"inspection.{name}: {getattr(x, name)} is before 2000 "
                "(the laptop's clock is wrong?)",
            )
    if (
        finalized is not None
        and started is not None
        and _as_utc(finalized) < _as_utc(started) - FUTURE_SLACK
    ):
        content.warn(where, "inspection.finalized_at: is more than a day before started_at")


# -- the rules, again ------------------------------------------------------------------------
def _judgement(result: dict | None) -> list[tuple[str, object]]:
    """What a result judges, flattened to (path, value): each test's items (error, MPE and
    verdict), then the test's verdict. Labels and rule citations are not compared: their
    wording may change between versions of the program without changing a judgement."""
    result = result if isinstance(result, dict) else {}
    tests = result.get("tests")
    tests = tests if isinstance(tests, list) else []
    out: list[tuple[str, object]] = [("result.tests", len(tests))]
    for t_i, test in enumerate(tests):
        test = test if isinstance(test, dict) else {}
        p = f"result.tests[{t_i}]"
        items = test.get("items")
        items = items if isinstance(items, list) else []
        out.append((f"{p}.items", len(items)))
        for i_i, item in enumerate(items):
            item = item if isinstance(item, dict) else {}
            out.append((f"{p}.items[{i_i}].error", item.get("error")))
            out.append((f"{p}.items[{i_i}].mpe", item.get("mpe")))
            out.append((f"{p}.items[{i_i}].verdict", item.get("verdict")))
        out.append((f"{p}.verdict", test.get("verdict")))  # after its items: name the item
    return out


def _same(have: object, want: object) -> bool:
    """Equal, or equal numbers written differently (``0.50`` and ``0.5``)."""
    if have == want:
        return True
    if type(have) is not str or type(want) is not str:
        return False
    try:
        return parse_decimal(have, "") == parse_decimal(want, "")
    except InputError:
        return False


_FORMS: dict = {}


def _other_failures(x: Inspection) -> bool:
    """Whether the inspection fails on something besides its readings: a checklist answer
    its form counts as a finding, or a cheating finding (what the editor adds)."""
    if any(f.cheating for f in x.findings):
        return True
    if x.family not in _FORMS:
        from ..domain.forms import load_form

        try:
            _FORMS[x.family] = load_form(x.family)
        except Exception:  # noqa: BLE001 - a family without a form has no checklist findings
            _FORMS[x.family] = None
    form = _FORMS[x.family]
    if form is None:
        return False
    return any(
        q.finding_if is not None and x.checklist.get(q.key) == q.finding_if for q in form.checklist
    )


def _instrument_payload(ins: Instrument) -> dict:
    payload = dict(ins.metrology)
    if ins.accuracy_class:
        payload["accuracy_class"] = ins.accuracy_class
    return payload


def _judged_alike(stored: object, computed: dict) -> bool:
    """Whether a stored result judges every item as *computed* does (no paths built: the
    common case; :func:`_judgement` names the difference when there is one)."""
    if type(stored) is not dict:
        return False
    st, ct = stored.get("tests"), computed["tests"]
    if type(st) is not list or len(st) != len(ct):
        return False
    for s, c in zip(st, ct, strict=True):
        if type(s) is not dict or s.get("verdict") != c.get("verdict"):
            return False
        si, ci = s.get("items"), c.get("items") or []
        if type(si) is not list or len(si) != len(ci):
            return False
        for a, b in zip(si, ci, strict=True):
            if type(a) is not dict or a.get("verdict") != b.get("verdict"):
                return False
            if not (_same(a.get("error"), b.get("error")) and _same(a.get("mpe"), b.get("mpe"))):
                return False
    return True


def _check_rules(x: Inspection, ins: Instrument, where: str, problems, cache: dict, tests_text):
    """Evaluate the readings again with this program's rules engine: the stored results must
    be what the readings give, and the verdict must follow (fail when a reading fails, or a
    checklist answer or a cheating finding does; pass otherwise)."""
    from ..domain.rules import evaluate

    # judged again under the rule data version the record was judged with (a result
    # without one was judged under builtin-1, before every clause was named)
    version = x.result.get("rule_data", "builtin-1") if type(x.result) is dict else "builtin-1"
    key = (x.family, x.ruleset, x.check, x.instrument_id, tests_text, str(version))
    computed = cache.get(key)
    if computed is None:
        try:
            computed = evaluate(
                {
                    "family": x.family,
                    "ruleset": x.ruleset,
                    "check": x.check,
                    "instrument": _instrument_payload(ins),
                    "tests": x.tests,
                    "rule_data": version,
                }
            )
        except InputError as exc:
            path = exc.path
            if path.startswith("instrument"):
                path = f"instrument {ins.id}: {path}"
            else:
                path = f"inspection.{path}" if path else "inspection"
            computed = f"{path}: the readings cannot be judged: {exc.message}"
        except ArithmeticError as exc:  # pragma: no cover - parse_decimal bounds every number
            computed = f"inspection.tests: the readings cannot be judged ({exc!r})"
        if len(cache) < 10_000 and tests_text is not None:
            cache[key] = computed
    if isinstance(computed, str):
        problems.add(where, computed)
        return
    if not _judged_alike(x.result, computed):
        for (path, have), (_, want) in zip(
            _judgement(x.result), _judgement(computed), strict=False
        ):
            if not _same(have, want):
                problems.add(
                    where,
                    f"inspection.{path}: the record says {_shown(have)} but its readings give "
                    f"{_shown(want)} under {x.ruleset}",
                )
                return
    readings_verdict = computed["verdict"]
    expected = "fail" if readings_verdict == "fail" or _other_failures(x) else "pass"
    stored_result = (x.result or {}).get("verdict")
    if stored_result not in (readings_verdict, expected):
        problems.add(
            where,
            f"inspection.result.verdict: the record says {_shown(stored_result)} but its "
            f"readings give {_shown(readings_verdict)} under {x.ruleset}",
        )
    elif x.verdict != expected:
        problems.add(
            where,
            f"inspection.verdict: the record says {_shown(x.verdict)} but its readings, "
            f"checklist and findings give {_shown(expected)} under {x.ruleset}",
        )


def _shown(v: object) -> str:
    if v is None:
        return "nothing"
    if isinstance(v, int):
        return str(v)
    return repr(str(v))


def _check_inspections(content: BundleContent, repo, certificates: dict, now, problems) -> None:
    """Per inspection: times possible (and plausible, else a warning), the signature valid
    with a known key, the results what the readings give."""
    from ..store.integrity import signature_problem

    instruments = {ins.id: ins for ins, _h, _v in content.instruments}
    wanted = sorted({x.instrument_id for x in content.inspections} - set(instruments))
    if wanted:
        instruments.update((ins.id, ins) for ins in repo.instruments(wanted))
    cache: dict = {}
    naive: list[str] = []
    texts = content.inspection_json
    for x in content.inspections:
        where = content.where(x.id)
        _check_times(x, where, now, problems, content, naive)
        sig = signature_problem(x.content_hash, x.signature, x.signer, certificates)
        if sig is not None:
            problems.add(where, f"inspection.{sig[0]}: {sig[1]}")
        ins = instruments.get(x.instrument_id)
        if ins is not None:  # else named already: the instrument does not resolve
            tests_text = texts.get(x.id, {}).get("tests")
            _check_rules(x, ins, where, problems, cache, tests_text)
    if naive:
        content.warn(
            naive[0],
            f"{len(naive)} inspection(s) carry a finalization time without a UTC offset; "
            "it is kept as written (the laptop's local time)",
        )


def _check_attachments(opened, content: BundleContent, problems) -> None:
    """Size and image dimensions from the header, before anything decodes an image."""
    for sha, data in sorted(opened.attachments.items()):
        if len(data) > MAX_ATTACHMENT_BYTES:
            problems.add(f"attachments/{sha}", "is larger than an attachment may be")
            continue
        mime = _sniff(_head(data))
        if mime is not None:
            why = image_problem(_head(data), mime)
            if why is not None:
                problems.add(f"attachments/{sha}", why)
                continue
        content.attachments[sha] = (data, mime)


def _check_audit(m, content: BundleContent, repo) -> None:
    """The audit segment must hash-link, end at the manifest's head, and extend (not fork
    from, not roll back) what this database accepted from that device before; from a device
    never seen here it must start the chain."""
    from ..store.audit import GENESIS, entry_hash

    entries = content.audit
    entry = "records/audit.jsonl"
    head_seq, head_hash = m.audit_head
    device = m.source_device[:8]
    known = repo.device_head(m.source_device)
    if not entries:
        if head_seq == 0 or (
            known is not None
            and repo.device_audit(m.source_device, [head_seq]).get(head_seq) == head_hash
        ):
            _check_rollback(m, repo, known, entry)
            return
        raise BundleRejected(4, entry, "the device's audit entries are missing")
    prev = None
    for n, e in enumerate(entries, start=1):
        where = f"{entry} line {n}"
        if e["device_id"] != m.source_device:
            raise BundleRejected(4, where, "audit.device_id: the entry belongs to another device")
        if prev is not None and (e["seq"] != prev["seq"] + 1 or e["prev_hash"] != prev["hash"]):
            raise BundleRejected(4, where, "the audit entry does not link to the one before it")
        if e["seq"] == 1 and e["prev_hash"] != GENESIS:
            raise BundleRejected(4, where, "the first audit entry does not start the chain")
        if (
            entry_hash(
                e["prev_hash"],
                e["device_id"],
                e["at"],
                e["actor"],
                e["action"],
                e["entity"],
                e["entity_id"],
                e["detail"],
            )
            != e["hash"]
        ):
            raise BundleRejected(
                4, where, f"audit entry {e['seq']} was altered (its hash does not match)"
            )
        prev = e
    if prev is None or (prev["seq"], prev["hash"]) != (head_seq, head_hash):
        raise BundleRejected(
            4, entry, "the audit entries do not end at the head the manifest names"
        )
    first = entries[0]
    if known is None:
        if first["seq"] != 1:
            raise BundleRejected(
                4,
                f"{entry} line 1",
                f"device {device} has never sent a bundle here, but its audit chain starts at "
                f"entry {first['seq']}: entries 1 to {first['seq'] - 1} are missing (a first "
                "bundle must carry the whole chain: export it with --all)",
            )
        return
    stored = repo.device_audit(
        m.source_device, [e["seq"] for e in entries] + [entries[0]["seq"] - 1]
    )
    if first["seq"] > known[0] + 1:
        raise BundleRejected(
            4,
            entry,
            f"the audit chain has a gap: this database holds up to entry {known[0]} of "
            f"device {device}, the bundle starts at {first['seq']}",
        )
    if first["seq"] - 1 in stored and stored[first["seq"] - 1] != first["prev_hash"]:
        raise BundleRejected(
            4,
            entry,
            f"the audit chain of device {device} forks from what was "
            f"accepted before (at entry {first['seq'] - 1})",
        )
    for e in entries:
        if e["seq"] in stored and stored[e["seq"]] != e["hash"]:
            raise BundleRejected(
                4,
                entry,
                f"the audit chain of device {device} forks from what was "
                f"accepted before (at entry {e['seq']})",
            )
    _check_rollback(m, repo, known, entry)


def _check_rollback(m, repo, known: tuple[int, str] | None, entry: str) -> None:
    """A bundle that ends before what was accepted from its device is either an older bundle
    imported late -- then the accepted chain records its export after its head -- or comes
    from a database rolled back to an earlier state (a restored copy), which lost the entries
    after its head: refused, naming them."""
    head_seq = m.audit_head[0]
    if known is None or head_seq >= known[0]:
        return
    if repo.device_exported(m.source_device, m.bundle_id, head_seq):
        return
    raise BundleRejected(
        4,
        entry,
        f"the audit chain of device {m.source_device[:8]} was rolled back: this bundle ends "
        f"at entry {head_seq}, but entries {head_seq + 1} to {known[0]} were accepted from it "
        "before, and they record no export of this bundle (was its database replaced by an "
        "older copy?)",
    )
