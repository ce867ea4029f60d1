"""The device's audit-chain segment: each entry parsed, then the segment must hash-link, end
at the manifest's head and extend (not fork from, not roll back) what this database accepted
from that device before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.errors import InputError
from ..format import (
    HEX64,
    BundleContent,
    BundleRejected,
)
from .times import _possible_time, read_time
from .values import _keys, _str

if TYPE_CHECKING:
    from ...store.sync import SyncRepo
    from ..manifest import Manifest

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


_HEX = "0123456789abcdef"


def parse_audit(obj: dict[str, Any], path: str = "audit") -> dict[str, Any]:
    """*obj* when it is an audit entry of the right shape, else InputError naming the first
    field amiss. An entry as a device writes it is recognised by one pass of plain
    comparisons (a large bundle carries one per change made: 20,000 for 10,000
    inspections); anything else is looked at field by field (:func:`_parse_audit`), which
    gives the refusal."""
    if obj.keys() == AUDIT_FIELDS:
        seq, at, detail = obj["seq"], obj["at"], obj["detail"]
        device, actor, action = obj["device_id"], obj["actor"], obj["action"]
        entity, entity_id, prev, h = obj["entity"], obj["entity_id"], obj["prev_hash"], obj["hash"]
        if (
            type(seq) is int
            and seq >= 1
            and type(device) is type(at) is type(actor) is type(action) is str
            and type(entity) is type(entity_id) is type(detail) is type(prev) is type(h) is str
            and max(len(device), len(at), len(actor), len(action), len(entity), len(entity_id))
            <= 1000
            and len(detail) <= 100_000
            and len(prev) == len(h) == 64
            and not prev.strip(_HEX)
            and not h.strip(_HEX)
            and read_time(at)[1] is None
        ):
            return obj
    return _parse_audit(obj, path)


def _parse_audit(obj: dict[str, Any], path: str) -> dict[str, Any]:
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


def _check_audit(m: Manifest, content: BundleContent, repo: SyncRepo) -> None:
    """The audit segment must hash-link, end at the manifest's head, and extend (not fork
    from, not roll back) what this database accepted from that device before; from a device
    never seen here it must start the chain."""
    from ...store.audit import GENESIS, entry_hash

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


def _check_rollback(m: Manifest, repo: SyncRepo, known: tuple[int, str] | None, entry: str) -> None:
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
