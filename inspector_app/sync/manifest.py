"""The manifest of a bundle (``manifest.json``, the signed part): what it holds, read
strictly from untrusted bytes (:func:`parse_manifest`) and written canonically
(:func:`manifest_bytes`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from ..domain.errors import InputError
from .format import (
    COVERED_TABLES,
    DIRECTIONS,
    FIXED_ENTRIES,
    FORMAT_NAME,
    HEX64,
    NAME_RE,
    READ_VERSIONS,
    REPORT_PREFIX,
    REPORTS_VERSION,
    TABLES,
    UUID_RE,
)
from .jsonlines import JsonError, strict_loads

_T = TypeVar("_T")


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


_HEX = "0123456789abcdef"
_ENTRY_KEYS = {"sha256", "size"}

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
            if type(item) is list and len(item) == 2:  # (the usual case, in plain comparisons)
                a, b = item
                if type(a) is type(b) is str and len(b) == 64 and not b.strip(_HEX):
                    continue
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
        if type(info) is dict and info.keys() == _ENTRY_KEYS:  # an attachment, in one pass
            sha, size = info["sha256"], info["size"]
            if (
                type(size) is int
                and size >= 0
                and type(sha) is str
                and len(sha) == 64
                and not sha.strip(_HEX)
                and entry[:12] == "attachments/"
                and entry[12:] == sha
            ):
                entries[entry] = (sha, size)
                continue
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
