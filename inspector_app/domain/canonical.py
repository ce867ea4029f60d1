"""Canonical JSON and content hashes of finalized records.

The hash of a finalized inspection is SHA-256 over a canonical JSON rendering of its
content: keys sorted, no insignificant white space, UTF-8, quantities as decimal strings.
The same bytes are produced on every device, so the office can recompute the hash of a
record that arrived in a bundle.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

from .models import Inspection

# Fields that are not content: they describe the record's state or its seal.
NON_CONTENT_FIELDS = frozenset({"status", "content_hash", "signature", "signer"})


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    raise TypeError(f"not serialisable: {type(obj).__name__}")


def canonical_bytes(obj: Any) -> bytes:
    return json.dumps(
        obj,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_default,
        allow_nan=False,
    ).encode("utf-8")


def _shallow(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def inspection_content(insp: Inspection) -> dict[str, Any]:
    """The hashed fields. Nested dicts are referenced, not copied (``asdict`` deep-copies
    every reading, which made hashing the slowest step of loading 100,000 records)."""
    data = {k: v for k, v in _shallow(insp).items() if k not in NON_CONTENT_FIELDS}
    data["findings"] = [_shallow(f) for f in insp.findings]
    data["attachments"] = [_shallow(a) for a in insp.attachments]
    return data


def content_hash(insp: Inspection) -> str:
    """SHA-256 (hex) of the inspection's canonical content."""
    import hashlib  # (here: loading OpenSSL's hashes costs every start that reads a list)

    return hashlib.sha256(canonical_bytes(inspection_content(insp))).hexdigest()
