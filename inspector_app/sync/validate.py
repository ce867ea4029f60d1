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
import hashlib
import re
from collections import Counter

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
from ..domain.numbers import parse_decimal
from ..domain.text import NOTE_MAX, clean_text
from .format import (
    COVERED_TABLES,
    HEX64,
    ID_RE,
    TOMBSTONE_ENTITIES,
    UUID_RE,
    BundleContent,
    BundleRejected,
    JsonError,
    canonical_parts,
    join_parts,
    loads_with_parts,
    record_hash,
    strict_loads,
    tombstone_key,
)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
SPECIAL = re.compile(r"(?i)[+-]?(s?nan|inf|infinity)")
NUMERIC = re.compile(r"[+-]?[\d.]+([eE][+-]?\d+)?")
MAX_DEPTH = 12


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def iter_lines(table: str, data: bytes, max_line: int):
    """(where, object, parts) for each line of a JSON-lines entry; *parts* is the canonical
    text of each top-level value when the line is canonical JSON, else None."""
    entry = f"records/{table}.jsonl"
    if data and not data.endswith(b"\n"):
        raise BundleRejected(4, entry, "the last line is not terminated (truncated?)")
    for n, raw in enumerate(data.split(b"\n")[:-1] if data else [], start=1):
        if len(raw) > max_line:
            raise BundleRejected(
                4, f"{entry} line {n}", f"the line is longer than {max_line} bytes"
            )
        try:
            # Only inspections need the canonical text of their members (content hash, JSON
            # columns); the flat records of the other tables parse faster strictly.
            obj, parts = (
                loads_with_parts(raw) if table == "inspections" else (strict_loads(raw), None)
            )
        except JsonError as exc:
            raise BundleRejected(4, f"{entry} line {n}", str(exc)) from None
        if not isinstance(obj, dict):
            raise BundleRejected(4, f"{entry} line {n}", "must be a JSON object")
        yield n, obj, parts


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


def _text_ok(s: str) -> bool:
    if len(s) > NOTE_MAX:
        return False
    text = s.strip()
    if SPECIAL.fullmatch(text):
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


def _values_ok(obj: dict | list, depth: int = 0) -> bool:
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


def _walk_named(obj: object, path: str, depth: int = 0) -> None:
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
    for k in ("prev_hash", "hash"):
        if not isinstance(obj[k], str) or not HEX64.match(obj[k]):
            raise InputError(f"{path}.{k}", "must be 64 hexadecimal digits")
    return obj


def parse_assignment(obj: dict, path: str = "assignment") -> dict:
    _keys(obj, {"id", "premises_id", "inspector", "note"}, path)
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
}


# -- the whole bundle ---------------------------------------------------------------------
def validate_bundle(opened, repo, max_line: int = 16 * 1024**2, progress=None) -> BundleContent:
    """Stage 4 over an OpenedBundle; *repo* is the SyncRepo of the receiving database."""
    try:
        return _validate(opened, repo, max_line, progress)
    finally:
        _forget()


def _validate(opened, repo, max_line: int, progress) -> BundleContent:
    m = opened.manifest
    content = BundleContent()
    covered_found: dict[str, list[tuple[str, str]]] = {}
    total_lines = sum(d.count(b"\n") for d in opened.records.values())
    done = 0
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
        for n, obj, parts in iter_lines(table, data, max_line):
            try:
                if table == "inspections":
                    rec, texts[obj["id"]] = parse_inspection_line(obj, name, parts)
                else:
                    rec = parser(obj, name)
            except InputError as exc:
                raise BundleRejected(
                    4,
                    f"{entry} line {n}",
                    f"{exc.path}: {exc.message}" if exc.path else exc.message,
                ) from None
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
    # The manifest's list of records must be exactly what the files hold.
    for table in COVERED_TABLES:
        listed = [tuple(x) for x in m.records.get(table, [])]
        found = covered_found.get(table, [])
        counts = Counter(k[0] for k, _ in found)
        if len(counts) != len(found):
            for key, where in found:
                if counts[key[0]] > 1:
                    raise BundleRejected(4, where, f"the record {key[0]} appears twice")
        if Counter(listed) != Counter(k for k, _ in found):
            listed_set = set(listed)
            missing = listed_set - {k for k, _ in found}
            entry = f"records/{table}.jsonl"
            if missing:
                raise BundleRejected(
                    4,
                    entry,
                    f"the manifest lists {sorted(missing)[0][0]} but the file does not hold it",
                )
            extra = [(k, w) for k, w in found if k not in listed_set]
            raise BundleRejected(
                4,
                extra[0][1] if extra else entry,
                "the record is not listed in the manifest (or with another hash)",
            )
    _check_references(opened, content, repo)
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


def _check_references(opened, content: BundleContent, repo) -> None:
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
            raise BundleRejected(
                4,
                inst[ins.id][1],
                f"instrument.premises_id: the premises {ins.premises_id} "
                "are neither in the bundle nor in this database",
            )
    for n, a in enumerate(content.assignments, start=1):
        if a["premises_id"] not in prem and a["premises_id"] not in db_prem:
            raise BundleRejected(
                4,
                f"records/assignments.jsonl line {n}",
                f"assignment.premises_id: the premises {a['premises_id']} do not resolve",
            )
    db_inst = repo.instrument_premises([x.instrument_id for x in content.inspections])
    by_id = {x.id: (x, n) for n, x in enumerate(content.inspections, start=1)}
    db_parents = repo.inspection_info([x.parent_id for x in content.inspections if x.parent_id])
    db_stds = repo.existing_ids("standard", [s for x in content.inspections for s in x.standards])
    shas = {a.sha256 for x in content.inspections for a in x.attachments}
    db_shas = repo.attachment_shas(shas - set(opened.attachments))
    # Parents come before children so a whole chain of revisions merges in one go.
    content.inspections.sort(key=lambda x: (x.record_id, x.revision))
    for x in content.inspections:
        where = f"records/inspections.jsonl line {by_id[x.id][1]}"
        if x.instrument_id in inst:
            ins_premises = inst[x.instrument_id][0][0].premises_id
        elif x.instrument_id in db_inst:
            ins_premises = db_inst[x.instrument_id]
        else:
            raise BundleRejected(
                4,
                where,
                f"inspection.instrument_id: the instrument {x.instrument_id} is neither "
                "in the bundle nor in this database",
            )
        if x.premises_id not in prem and x.premises_id not in db_prem:
            raise BundleRejected(
                4, where, f"inspection.premises_id: the premises {x.premises_id} do not resolve"
            )
        if ins_premises != x.premises_id:
            raise BundleRejected(
                4, where, "inspection.premises_id: the instrument belongs to other premises"
            )
        if x.parent_id:
            parent = by_id.get(x.parent_id, (None,))[0]
            info = (
                (parent.record_id, parent.revision)
                if parent is not None
                else (db_parents[x.parent_id]["record_id"], db_parents[x.parent_id]["revision"])
                if x.parent_id in db_parents
                else None
            )
            if info is None:
                raise BundleRejected(
                    4,
                    where,
                    f"inspection.parent_id: the earlier revision {x.parent_id} "
                    "is neither in the bundle nor in this database",
                )
            if info != (x.record_id, x.revision - 1):
                raise BundleRejected(
                    4,
                    where,
                    "inspection.parent_id: the parent is not the previous revision "
                    "of the same record",
                )
        for s in x.standards:
            if s not in stds and s not in db_stds:
                raise BundleRejected(
                    4, where, f"inspection.standards: the reference standard {s} does not resolve"
                )
        for i, a in enumerate(x.attachments):
            data = opened.attachments.get(a.sha256)
            if data is None:
                if a.sha256 not in db_shas:
                    raise BundleRejected(
                        4,
                        where,
                        f"inspection.attachments[{i}]: the attachment {a.sha256[:12]}… "
                        "is neither in the bundle nor in this database",
                    )
            elif _sniff(data) != a.mime:
                raise BundleRejected(
                    4, f"attachments/{a.sha256}", f"is not the {a.mime} image the record says"
                )
    referenced = shas
    for sha, data in sorted(opened.attachments.items()):
        if sha not in referenced:
            raise BundleRejected(4, f"attachments/{sha}", "is not referenced by any record")
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise BundleRejected(4, f"attachments/{sha}", "is larger than an attachment may be")
        content.attachments[sha] = (data, _sniff(data))


def _check_audit(m, content: BundleContent, repo) -> None:
    """The audit segment must hash-link, end at the manifest's head, and extend (not fork from)
    what this database accepted from that device before."""
    from ..store.audit import GENESIS, entry_hash

    entries = content.audit
    entry = "records/audit.jsonl"
    head_seq, head_hash = m.audit_head
    if not entries:
        known = repo.device_head(m.source_device)
        if head_seq == 0 or (
            known is not None
            and repo.device_audit(m.source_device, [head_seq]).get(head_seq) == head_hash
        ):
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
    if (prev["seq"], prev["hash"]) != (head_seq, head_hash):
        raise BundleRejected(
            4, entry, "the audit entries do not end at the head the manifest names"
        )
    known = repo.device_head(m.source_device)
    if known is None:
        return
    stored = repo.device_audit(
        m.source_device, [e["seq"] for e in entries] + [entries[0]["seq"] - 1]
    )
    first = entries[0]
    if first["seq"] > known[0] + 1:
        raise BundleRejected(
            4,
            entry,
            f"the audit chain has a gap: this database holds up to entry {known[0]} of "
            f"device {m.source_device[:8]}, the bundle starts at {first['seq']}",
        )
    if first["seq"] - 1 in stored and stored[first["seq"] - 1] != first["prev_hash"]:
        raise BundleRejected(
            4,
            entry,
            f"the audit chain of device {m.source_device[:8]} forks from what was "
            f"accepted before (at entry {first['seq'] - 1})",
        )
    for e in entries:
        if e["seq"] in stored and stored[e["seq"]] != e["hash"]:
            raise BundleRejected(
                4,
                entry,
                f"the audit chain of device {m.source_device[:8]} forks from what was "
                f"accepted before (at entry {e['seq']})",
            )
