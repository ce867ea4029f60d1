"""The office-to-province bundle: a city office's approved records for its province.

A zip file with three entries:

* ``manifest.json``: ``format`` (``inspector-province-bundle``), ``version`` (1),
  ``bundle_id``, ``created_at`` (UTC), ``office`` (the city office: ``id`` = its database's
  device id, ``name``, ``city``, ``province``), ``count``, ``records_sha256`` (SHA-256 of
  ``records.jsonl``) and ``signer_cert`` (the signing certificate, PEM);
* ``records.jsonl``: one approved inspection per line: where it was made (premises name,
  kind, city, county, market, address, province), what it was (family, kind of check,
  verdict, inspector, start time, record id and revision), its approval (reviewer, time),
  whether cheating was found, its content hash and ``record``: the canonical JSON of the
  inspection whose SHA-256 is that content hash;
* ``signature.der``: the signer's signature over the bytes of ``manifest.json``.

Everything read is untrusted: sizes are bounded, the records' hash and the signature are
checked before anything is parsed further, and each record's content hash is recomputed.
No SQL and no Qt here.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.errors import InputError

FORMAT = "inspector-province-bundle"
VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.jsonl"
SIGNATURE = "signature.der"
MAX_MANIFEST = 1 << 20
MAX_RECORDS = 1 << 30
MAX_LINE = 8 << 20
TEXT_FIELDS = (
    "inspection_id",
    "record_id",
    "started_at",
    "family",
    "check_kind",
    "inspector",
    "premises_name",
    "premises_kind",
    "province",
    "city",
    "county",
    "market",
    "address",
    "decision",
    "reviewer",
    "reviewed_at",
    "content_hash",
    "record",
)


@dataclass
class ProvinceBundle:
    manifest: dict[str, Any]
    manifest_bytes: bytes
    signature: bytes
    signer_pem: bytes
    records: list[dict[str, Any]] = field(default_factory=list)


def is_province_bundle(path: str | os.PathLike[str]) -> bool:
    """Whether *path* is a zip whose manifest says it is a province bundle (read only)."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(MANIFEST)
            if info.file_size > MAX_MANIFEST:
                return False
            return bool(json.loads(z.read(info)).get("format") == FORMAT)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, AttributeError):
        return False


def write_province_bundle(
    out_path: Path,
    manifest: dict[str, Any],
    records: list[dict[str, Any]],
    sign: Callable[[bytes], bytes],
    signer_pem: bytes,
) -> int:
    """Write the bundle (under a temporary name, renamed when complete); returns its size."""
    out_path = Path(out_path)
    body = io.BytesIO()
    for r in records:
        body.write(json.dumps(r, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
    data = body.getvalue()
    manifest = dict(
        manifest,
        format=FORMAT,
        version=VERSION,
        count=len(records),
        records_sha256=hashlib.sha256(data).hexdigest(),
        signer_cert=signer_pem.decode("ascii"),
    )
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode(
        "utf-8"
    )
    tmp = out_path.with_name(f".{out_path.name}.partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, manifest_bytes)
        z.writestr(RECORDS, data)
        z.writestr(SIGNATURE, sign(manifest_bytes))
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out_path)
    return out_path.stat().st_size


def _text(r: dict[str, Any], key: str, n: int) -> str:
    value = r.get(key, "")
    if value is None and key == "verdict":
        return ""
    if not isinstance(value, str) or len(value) > (MAX_LINE if key == "record" else 2000):
        raise InputError(f"{RECORDS} line {n}", f"{key} must be text")
    return value


def read_province_bundle(path: str | os.PathLike[str]) -> ProvinceBundle:
    """Read and check a province bundle's structure, records hash and every record's content
    hash. The signature is returned for the caller to check against its trust list.
    InputError (one sentence, naming the entry) on anything wrong."""
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise InputError("file", "the file is not a province bundle (not a zip file)") from None
    with z:
        try:
            infos = {n: z.getinfo(n) for n in (MANIFEST, RECORDS, SIGNATURE)}
        except KeyError as exc:
            raise InputError("file", f"the province bundle lacks {exc.args[0]}") from None
        if infos[MANIFEST].file_size > MAX_MANIFEST or infos[RECORDS].file_size > MAX_RECORDS:
            raise InputError("file", "the province bundle is larger than allowed")
        manifest_bytes = z.read(MANIFEST)
        signature = z.read(SIGNATURE)
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError:
            raise InputError(MANIFEST, "is not JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise InputError(MANIFEST, "this is not a province bundle")
        if manifest.get("version") != VERSION:
            raise InputError(MANIFEST, f"version {manifest.get('version')!r} is not known here")
        office = manifest.get("office")
        if not isinstance(office, dict) or not all(
            isinstance(office.get(k), str) for k in ("id", "name", "city", "province")
        ):
            raise InputError(f"{MANIFEST}.office", "must name the office: id, name, city, province")
        if not office["id"] or not office["name"].strip():
            raise InputError(f"{MANIFEST}.office", "the office id and name must not be empty")
        signer_pem = manifest.get("signer_cert")
        if not isinstance(signer_pem, str) or "BEGIN CERTIFICATE" not in signer_pem:
            raise InputError(f"{MANIFEST}.signer_cert", "must be the signer's certificate (PEM)")
        if not isinstance(manifest.get("bundle_id"), str) or not manifest["bundle_id"]:
            raise InputError(f"{MANIFEST}.bundle_id", "must be text")
        data = z.read(RECORDS)
    if hashlib.sha256(data).hexdigest() != manifest.get("records_sha256"):
        raise InputError(RECORDS, "does not match the hash in the manifest")
    records = []
    for n, line in enumerate(data.splitlines(), start=1):
        try:
            r = json.loads(line)
        except ValueError:
            raise InputError(f"{RECORDS} line {n}", "is not JSON") from None
        if not isinstance(r, dict):
            raise InputError(f"{RECORDS} line {n}", "must be an object")
        clean: dict[str, Any] = {k: _text(r, k, n) for k in TEXT_FIELDS}
        verdict = r.get("verdict")
        if verdict not in (None, "pass", "fail"):
            raise InputError(f"{RECORDS} line {n}", "verdict must be pass, fail or null")
        clean["verdict"] = verdict
        revision = r.get("revision")
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            raise InputError(f"{RECORDS} line {n}", "revision must be a whole number from 1")
        clean["revision"] = revision
        clean["cheating"] = bool(r.get("cheating"))
        if clean["decision"] != "approved":
            raise InputError(f"{RECORDS} line {n}", "only approved records go to the province")
        record_bytes = clean["record"].encode("utf-8")
        if hashlib.sha256(record_bytes).hexdigest() != clean["content_hash"]:
            raise InputError(
                f"{RECORDS} line {n}",
                "the record does not match its content hash (changed after it was sealed)",
            )
        try:
            content = json.loads(record_bytes)
        except ValueError:
            raise InputError(f"{RECORDS} line {n}", "the record is not JSON") from None
        if not isinstance(content, dict) or content.get("id") != clean["inspection_id"]:
            raise InputError(f"{RECORDS} line {n}", "the record is not this inspection's")
        records.append(clean)
    if len(records) != manifest.get("count"):
        raise InputError(RECORDS, "holds another number of records than the manifest says")
    return ProvinceBundle(manifest, manifest_bytes, signature, signer_pem.encode("ascii"), records)
