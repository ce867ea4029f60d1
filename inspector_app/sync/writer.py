"""Writing a signed bundle: records as JSON lines, attachments by hash, a manifest listing the
SHA-256 and size of every entry and the records covered, and a detached signature over the
exact manifest bytes. The file appears only when complete (written beside, then renamed)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .format import (
    MANIFEST,
    REPORTS_VERSION,
    SIGNATURE,
    SIGNER,
    BundleContent,
    record_hash,
    shallow_dict,
    tombstone_key,
)
from .jsonlines import dumps_line
from .manifest import Manifest, manifest_bytes

if TYPE_CHECKING:
    from ..crypto.keys import Identity

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
Progress = Callable[[str, int, int], object]


def _versions_line(obj: Any, h: str, versions: Iterable[str]) -> dict[str, Any]:
    return {"data": shallow_dict(obj), "versions": sorted(set(versions) | {h})}


def table_lines(
    content: BundleContent,
) -> tuple[dict[str, list[bytes]], dict[str, list[list[str]]]]:
    """The JSON lines of each table and the records the manifest covers ([id, hash])."""
    lines: dict[str, list[bytes]] = {}
    covered: dict[str, list[list[str]]] = {}
    for table in ("premises", "instruments", "standards"):
        items = getattr(content, table)
        if items:
            lines[table] = [
                dumps_line(_versions_line(obj, h, versions)) for obj, h, versions in items
            ]
            covered[table] = [[obj.id, h] for obj, h, _ in items]
    if content.inspections:
        from ..domain.canonical import canonical_bytes

        lines["inspections"] = [
            canonical_bytes(shallow_dict(x)) + b"\n" for x in content.inspections
        ]
        covered["inspections"] = [[x.id, x.content_hash or ""] for x in content.inspections]
    if content.tombstones:
        objs = [{"entity": e, "entity_id": i} for e, i in content.tombstones]
        lines["tombstones"] = [dumps_line(o) for o in objs]
        covered["tombstones"] = [
            [tombstone_key(o["entity"], o["entity_id"]), record_hash(o)] for o in objs
        ]
    for table in ("assignments", "reviews"):
        items = getattr(content, table)
        if items:
            lines[table] = [dumps_line(o) for o in items]
            covered[table] = [[o["id"], record_hash(o)] for o in items]
    if content.audit:
        lines["audit"] = [dumps_line(o) for o in content.audit]
    if content.acks:
        lines["acks"] = [dumps_line(o) for o in content.acks]
    if content.revocations:
        lines["revocations"] = [dumps_line(o) for o in content.revocations]
    if content.issuing_bodies:
        lines["issuing_bodies"] = [dumps_line(o) for o in content.issuing_bodies]
    if content.rule_data:
        lines["rule_data"] = [dumps_line(o) for o in content.rule_data]
    if content.forms:  # only when the office published one: older readers read the rest
        lines["forms"] = [dumps_line(o) for o in content.forms]
    if content.visits:
        lines["visits"] = [dumps_line(o) for o in content.visits]
    if content.campaigns:
        lines["campaigns"] = [dumps_line(o) for o in content.campaigns]
    if content.cases:  # the lines of sync.cases.collect
        lines["cases"] = [dumps_line(o) for o in content.cases]
    if content.calendars:  # only when the office installed a newer calendar
        lines["calendars"] = [dumps_line(o) for o in content.calendars]
    return lines, covered


def _info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = compress
    info.external_attr = 0o100644 << 16
    info.create_system = 3
    return info


def write_bundle(
    out_path: str | os.PathLike[str],
    content: BundleContent,
    *,
    direction: str,
    source_device: str,
    identity: Identity,
    audit_head: tuple[int, str],
    bundle_id: str | None = None,
    app_version: str = "",
    progress: Progress | None = None,
) -> Manifest:
    """Write *content* as a signed bundle at *out_path*; returns the manifest."""
    out_path = Path(out_path)
    bundle_id = bundle_id or str(uuid.uuid4())
    lines, covered = table_lines(content)
    entries: dict[str, tuple[str, int]] = {}
    tmp = out_path.with_name(out_path.name + ".partial")
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            total = len(lines) + len(content.attachments) + len(content.reports)
            done = 0
            for table, table_lines_ in lines.items():
                name = f"records/{table}.jsonl"
                h = hashlib.sha256()
                size = 0
                with zf.open(_info(name, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as fh:
                    for line in table_lines_:
                        h.update(line)
                        size += len(line)
                        fh.write(line)
                entries[name] = (h.hexdigest(), size)
                done += 1
                if progress is not None:
                    progress("write", done, total)
            for sha in sorted(content.attachments):
                data, _mime = content.attachments[sha]
                if callable(data):  # read from the database one at a time, not all held
                    data = data()
                name = f"attachments/{sha}"
                zf.writestr(_info(name, zipfile.ZIP_STORED), data)
                entries[name] = (hashlib.sha256(data).hexdigest(), len(data))
                done += 1
                if progress is not None and done % 20 == 0:
                    progress("write", done, total)
            for inspection_id in sorted(content.reports):
                data = content.reports[inspection_id]
                name = f"reports/{inspection_id}.pdf"
                zf.writestr(_info(name, zipfile.ZIP_DEFLATED), data)
                entries[name] = (hashlib.sha256(data).hexdigest(), len(data))
                done += 1
            manifest = Manifest(
                bundle_id=bundle_id,
                direction=direction,
                source_device=source_device,
                signer_fingerprint=identity.fingerprint,
                signer_name=identity.name,
                created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                audit_head=audit_head,
                records=covered,
                entries=entries,
                app_version=app_version,
                # version 1 unless the bundle holds report PDFs, so older readers still read it
                version=REPORTS_VERSION if content.reports else 1,
            )
            data = manifest_bytes(manifest)
            zf.writestr(_info(MANIFEST, zipfile.ZIP_DEFLATED), data)
            zf.writestr(_info(SIGNATURE, zipfile.ZIP_STORED), identity.sign(data))
            zf.writestr(_info(SIGNER, zipfile.ZIP_STORED), identity.certificate_pem())
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest
