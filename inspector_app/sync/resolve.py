"""Deciding a conflict an import kept for a person: keep the local record or the incoming
one (or name the revision to keep), written inside the audited write of
``services.sync.resolve_conflict``. Raises InputError when the choice cannot be carried out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..domain.errors import InputError
from ..domain.models import Inspection, Instrument, Premises, ReferenceStandard
from .format import record_hash, shallow_dict
from .merge import _load_local, _put

if TYPE_CHECKING:
    from ..store.sync import ConflictRow, SyncRepo

MUTABLE_CLASSES = {
    "premises": ("premises", Premises),
    "instrument": ("instruments", Instrument),
    "standard": ("standards", ReferenceStandard),
}


def resolve(repo: SyncRepo, conflict: ConflictRow, keep: str, seq: int, actor: str) -> str:
    """Decide a conflict: keep 'local' or 'incoming' (or the id of the revision to keep).
    Returns the resolution. Raises InputError when the choice cannot be carried out."""
    keep = _normalise_keep(conflict, keep)
    entity = conflict.entity
    incoming = conflict.as_dict()["incoming"]
    if entity in MUTABLE_CLASSES and "data" in incoming:
        table, cls = MUTABLE_CLASSES[entity]
        data, versions = incoming["data"], incoming["versions"]
        local = _load_local(repo, table, [conflict.entity_id]).get(conflict.entity_id)
        if keep == "incoming":
            if repo.is_tombstoned(entity, conflict.entity_id):
                raise InputError("keep", "the record was deleted here; only 'local' can be kept")
            obj = cls(**data)
            if table == "instruments" and not repo.existing_ids("premises", [obj.premises_id]):
                raise InputError("keep", "the incoming instrument's premises do not exist here")
            _put(repo, table, obj, seq, "conflict", exists=local is not None)
        rows = [(entity, conflict.entity_id, v) for v in versions]
        if local is not None:
            rows.append((entity, conflict.entity_id, record_hash(shallow_dict(local))))
        repo.add_versions_many(rows)
    elif entity == "inspection":
        if keep == "incoming":
            _keep_incoming_inspection(repo, conflict, incoming, seq)
    elif entity == "review":
        if keep == "incoming":
            raise InputError("keep", "a review cannot be replaced; only 'local' can be kept")
    elif entity == "case":
        if keep == "incoming":
            raise InputError(
                "keep",
                "a case is never rewritten by a bundle; keep 'local' and record here the"
                " steps the other side took",
            )
    else:  # a tombstone for a record still in use
        if keep == "incoming":
            if repo.is_referenced(entity, conflict.entity_id):
                raise InputError("keep", "the record is still in use here; it cannot be deleted")
            repo.apply_tombstone(
                entity,
                conflict.entity_id,
                seq,
                delete_row=bool(repo.existing_ids(entity, [conflict.entity_id])),
            )
    repo.mark_resolved(conflict.id, keep, actor)
    return keep


def _normalise_keep(conflict: ConflictRow, keep: str) -> str:
    keep = keep.strip()
    if keep in ("local", "incoming"):
        return keep
    d = conflict.as_dict()
    candidates = {
        "incoming": (d["incoming"] or {}).get("id"),
        "local": (d["local"] or {}).get("id"),
    }
    matches = [
        side
        for side, ident in candidates.items()
        if ident and len(keep) >= 6 and ident.startswith(keep)
    ]
    if len(matches) == 1:
        return matches[0]
    raise InputError("keep", "must be 'local', 'incoming' or the id of one of the two revisions")


def _keep_incoming_inspection(
    repo: SyncRepo, conflict: ConflictRow, incoming: dict[str, Any], seq: int
) -> None:
    from ..domain.models import AttachmentRef, Finding

    x = Inspection(
        **{k: v for k, v in incoming.items() if k not in ("findings", "attachments")},
        findings=[Finding(**f) for f in incoming["findings"]],
        attachments=[AttachmentRef(**a) for a in incoming["attachments"]],
    )
    local = conflict.as_dict()["local"]
    if local is not None and local.get("id") == x.id:
        raise InputError(
            "keep", "a finalized inspection cannot be replaced by other content; keep 'local'"
        )
    if local is not None:
        info = repo.inspection_info([local["id"]]).get(local["id"])
        if info is not None and info["status"] == "finalized":
            raise InputError(
                "keep",
                "the local revision is finalized and cannot be replaced; keep 'local' "
                "and correct the record again if needed",
            )
        if info is not None:
            repo.delete_draft(local["id"], seq)
    if repo.inspection_info([x.id]):
        raise InputError("keep", "the incoming revision is stored already")
    if x.parent_id and not repo.inspection_info([x.parent_id]):
        raise InputError("keep", "the incoming revision's parent is not here")
    if not repo.existing_ids("instrument", [x.instrument_id]):
        raise InputError("keep", "the incoming revision's instrument is not here")
    if repo.inspection_at(x.record_id, x.revision):
        raise InputError("keep", f"revision {x.revision} of this record is taken here")
    repo.insert_inspections([x], seq, "conflict")
    if x.parent_id:
        repo.set_superseded(x.parent_id, x.id)
