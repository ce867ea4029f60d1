"""Stage 5 rules: how validated records join the database (inside the import transaction).

- Same id and same content: nothing changes ("unchanged").
- Mutable records (premises, instruments, standards) carry the list of versions (hashes) the
  sender knows; an incoming version whose history contains ours moves forward ("updated");
  one we have seen before is old and changes nothing ("unchanged", outcome "stale"); anything
  else is kept as a conflict for a person.
- Inspections are immutable revisions: a new revision whose parent is our newest revision of
  that record moves forward (the parent gets ``superseded_by``); a different revision where we
  already have one, or the same id with other content, is a conflict.
- A record deleted here (tombstone) is never brought back by a bundle ("deleted").
- Tombstones from the other side delete a record unless it is still in use here (then a conflict).
- Conflicts already decided by a person are not raised again for the same incoming version.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ..domain.models import Inspection
from ..store import stat_sql
from ..store.sweep_guard import guard_aside
from .cases import merge as merge_cases
from .cases import merge_calendars
from .format import MUTABLE_ENTITIES, BundleContent, record_hash, shallow_dict
from .manifest import Manifest

if TYPE_CHECKING:
    from ..store.sync import SyncRepo

OUTCOME_BUCKET = {
    "new": "new",
    "updated": "updated",
    "unchanged": "unchanged",
    "stale": "unchanged",
    "dismissed": "unchanged",
    "conflict": "conflicts",
    "deleted": "unchanged",
    "skipped": "unchanged",
}


@dataclass
class MergeResult:
    by_table: dict[str, Counter[str]] = field(default_factory=dict)
    received: list[tuple[str, str, str]] = field(default_factory=list)  # (entity, id, outcome)
    conflict_ids: list[str] = field(default_factory=list)
    acked: int = 0
    attachments_new: int = 0
    assignments: tuple[int, int] = (0, 0)
    # inspections this merge inserted already in their sealed visit (merge_visits skips them)
    placed: set[str] = field(default_factory=set)

    def note(self, table: str, entity: str, entity_id: str, outcome: str) -> None:
        self.by_table.setdefault(table, Counter())[outcome] += 1
        self.received.append((entity, entity_id, outcome))

    def totals(self) -> dict[str, int]:
        out = {"new": 0, "updated": 0, "unchanged": 0, "conflicts": 0}
        for counter in self.by_table.values():
            for outcome, n in counter.items():
                out[OUTCOME_BUCKET[outcome]] += n
        return out

    def tables(self) -> dict[str, dict[str, int]]:
        return {t: dict(sorted(c.items())) for t, c in sorted(self.by_table.items())}


def _conflict(
    repo: SyncRepo,
    result: MergeResult,
    table: str,
    entity: str,
    entity_id: str,
    reason: str,
    local: Any,
    incoming: Any,
    incoming_hash: str,
    bundle_id: str,
    seq: int,
) -> None:
    known = repo.known_conflict(entity, entity_id, incoming_hash)
    if known is not None and known.resolved:
        result.note(table, entity, entity_id, "dismissed")
        return
    if known is None:
        cid = str(uuid.uuid4())
        repo.insert_conflict(
            cid, entity, entity_id, reason, local, incoming, incoming_hash, bundle_id, seq
        )
        result.conflict_ids.append(cid)
    else:
        result.conflict_ids.append(known.id)
    result.note(table, entity, entity_id, "conflict")


def _load_local(repo: SyncRepo, table: str, ids: list[str]) -> dict[str, Any]:
    loaders: dict[str, Callable[[list[str]], Sequence[Any]]] = {
        "premises": repo.premises,
        "instruments": repo.instruments,
        "standards": repo.standards,
    }
    loader = loaders[table]
    return {obj.id: obj for obj in loader(ids)}


def _put(
    repo: SyncRepo,
    table: str,
    obj: Any,
    seq: int,
    origin: str,
    exists: bool,
    premises_name: str | None = None,
) -> None:
    if table == "premises":
        repo.put_premises(obj, seq, origin, exists)
    elif table == "instruments":
        if premises_name is None:
            premises_name = repo.premises_name(obj.premises_id)
        repo.put_instrument(obj, premises_name, seq, origin, exists)
    else:
        repo.put_standard(obj, seq, origin, exists)


def _line(obj: Any, versions: Iterable[str]) -> dict[str, Any]:
    return {"data": shallow_dict(obj), "versions": list(versions)}


def merge_mutable(
    repo: SyncRepo, content: BundleContent, m: Manifest, seq: int, result: MergeResult
) -> None:
    origin = m.source_device
    for table in ("premises", "instruments", "standards"):
        items = getattr(content, table)
        if not items:
            continue
        entity = MUTABLE_ENTITIES[table]
        ids = [obj.id for obj, _, _ in items]
        local = _load_local(repo, table, ids)
        local_versions = repo.versions(entity, ids)
        tombstoned = {i for e, i in repo.tombstones([entity])}
        # the premises of instruments (those of this bundle are in the database by now)
        names = (
            repo.premises_names({obj.premises_id for obj, _, _ in items})
            if table == "instruments"
            else {}
        )
        versions_rows = []
        for obj, h, versions_in in items:
            if obj.id in tombstoned:
                result.note(table, entity, obj.id, "deleted")
                continue
            mine = local.get(obj.id)
            if mine is None:
                if table == "instruments" and obj.premises_id not in names:
                    _conflict(
                        repo,
                        result,
                        table,
                        entity,
                        obj.id,
                        "its premises were deleted here",
                        None,
                        _line(obj, versions_in),
                        h,
                        m.bundle_id,
                        seq,
                    )
                    continue
                _put(
                    repo,
                    table,
                    obj,
                    seq,
                    origin,
                    exists=False,
                    premises_name=names.get(getattr(obj, "premises_id", "")),
                )
                versions_rows += [(entity, obj.id, v) for v in versions_in]
                result.note(table, entity, obj.id, "new")
                continue
            h_loc = record_hash(shallow_dict(mine))
            if h == h_loc:
                outcome = "unchanged"
            elif h in local_versions.get(obj.id, set()):
                outcome = "stale"
            elif h_loc in versions_in:
                if table == "instruments" and obj.premises_id not in names:
                    _conflict(
                        repo,
                        result,
                        table,
                        entity,
                        obj.id,
                        "its premises were deleted here",
                        dataclasses.asdict(mine),
                        _line(obj, versions_in),
                        h,
                        m.bundle_id,
                        seq,
                    )
                    continue
                _put(
                    repo,
                    table,
                    obj,
                    seq,
                    origin,
                    exists=True,
                    premises_name=names.get(getattr(obj, "premises_id", "")),
                )
                outcome = "updated"
            else:
                _conflict(
                    repo,
                    result,
                    table,
                    entity,
                    obj.id,
                    "changed here and on the other side",
                    dataclasses.asdict(mine),
                    _line(obj, versions_in),
                    h,
                    m.bundle_id,
                    seq,
                )
                continue
            versions_rows += [(entity, obj.id, v) for v in versions_in]
            result.note(table, entity, obj.id, outcome)
        repo.add_versions_many(versions_rows)


def merge_inspections(
    repo: SyncRepo, content: BundleContent, m: Manifest, seq: int, result: MergeResult
) -> None:
    items: list[Inspection] = content.inspections
    if not items:
        return
    ids = [x.id for x in items]
    info = repo.inspection_info(ids + [x.parent_id for x in items if x.parent_id])
    tombstoned = {i for e, i in repo.tombstones(["inspection"])}
    instruments = repo.existing_ids("instrument", {x.instrument_id for x in items})
    premises = repo.existing_ids("premises", {x.premises_id for x in items})
    slots = repo.inspections_at([(x.record_id, x.revision) for x in items])
    planned: dict[str, Inspection] = {}
    planned_slot: dict[tuple[str, int], str] = {}
    superseded: dict[str, str] = {}  # parent -> child (this merge)
    failed: set[str] = set()
    for x in items:
        if x.id in tombstoned:
            result.note("inspections", "inspection", x.id, "deleted")
            continue
        if x.id in info:
            if info[x.id]["content_hash"] == x.content_hash and info[x.id]["status"] == "finalized":
                result.note("inspections", "inspection", x.id, "unchanged")
            else:
                local = repo.load_inspections([x.id])
                _conflict(
                    repo,
                    result,
                    "inspections",
                    "inspection",
                    x.id,
                    "the same id holds different content here",
                    dataclasses.asdict(local[0]) if local else None,
                    dataclasses.asdict(x),
                    x.content_hash or "",  # finalized: always hashed
                    m.bundle_id,
                    seq,
                )
                failed.add(x.id)
            continue
        reason = None
        if x.instrument_id not in instruments:
            reason = "its instrument was deleted here"
        elif x.premises_id not in premises:
            reason = "its premises were deleted here"
        slot = slots.get((x.record_id, x.revision))
        competitor = slot["id"] if slot else planned_slot.get((x.record_id, x.revision))
        if reason is None and competitor is not None:
            reason = f"another revision {x.revision} of this record exists here"
        if reason is None and x.parent_id:
            if x.parent_id in failed:
                reason = "its earlier revision is in conflict"
            else:
                taken = superseded.get(x.parent_id) or (info.get(x.parent_id) or {}).get(
                    "superseded_by"
                )
                if taken and taken != x.id:
                    competitor = taken
                    reason = "the earlier revision was corrected differently here"
        if reason is not None:
            local = repo.load_inspections([competitor]) if competitor else []
            _conflict(
                repo,
                result,
                "inspections",
                "inspection",
                x.id,
                reason,
                dataclasses.asdict(local[0]) if local else None,
                dataclasses.asdict(x),
                x.content_hash or "",  # finalized: always hashed
                m.bundle_id,
                seq,
            )
            failed.add(x.id)
            continue
        planned[x.id] = x
        planned_slot[(x.record_id, x.revision)] = x.id
        if x.parent_id:
            superseded[x.parent_id] = x.id
        result.note("inspections", "inspection", x.id, "new" if x.revision == 1 else "updated")
    # many new inspections: their counts are added in one grouped statement per table
    # instead of by the triggers row by row (SQLite; see store/stat_sql.py)
    conn = repo.store.conn
    aside = stat_sql.set_aside(conn, repo.store.engine, len(planned))
    # each in the sealed visit that lists it (merge_visits stores the visits)
    visits = (
        {x: v["id"] for v in content.visits for x in v["inspections"]}
        if m.direction == "field->office"
        else None
    )
    repo.insert_inspections(
        list(planned.values()), seq, m.source_device, content.inspection_json, visits=visits
    )
    if visits:
        result.placed = {x for x in planned if x in visits}
    stat_sql.put_back(conn, aside, list(planned))
    for parent, child in superseded.items():
        repo.set_superseded(parent, child)


def merge_attachments(repo: SyncRepo, content: BundleContent, result: MergeResult) -> None:
    result.attachments_new += repo.attachments_insert(
        # the data of a large photo is the archive entry the store reads (a ZipAttachment)
        cast(
            "list[tuple[str, bytes, str]]",
            [(sha, *content.attachments[sha]) for sha in sorted(content.attachments)],
        )
    )


def merge_tombstones(
    repo: SyncRepo, content: BundleContent, m: Manifest, seq: int, result: MergeResult
) -> None:
    for entity, entity_id in content.tombstones:
        incoming = {"entity": entity, "entity_id": entity_id}
        if repo.is_tombstoned(entity, entity_id):
            result.note("tombstones", entity, entity_id, "unchanged")
        elif repo.existing_ids(entity, [entity_id]):
            if repo.is_referenced(entity, entity_id):
                _conflict(
                    repo,
                    result,
                    "tombstones",
                    entity,
                    entity_id,
                    "deleted on the other side but still in use here",
                    None,
                    incoming,
                    record_hash(incoming),
                    m.bundle_id,
                    seq,
                )
            else:
                repo.apply_tombstone(entity, entity_id, seq, delete_row=True)
                result.note("tombstones", entity, entity_id, "updated")
        else:
            repo.apply_tombstone(entity, entity_id, seq, delete_row=False)
            result.note("tombstones", entity, entity_id, "new")


def _merge_rule_data(
    repo: SyncRepo, versions: list[dict[str, Any]], seq: int, result: MergeResult
) -> None:
    """Rule data versions the office signed (checked against the trust list before the
    merge): new ones are added in the office's order, so its newest becomes active here."""
    from ..store import rule_data as rd

    conn = repo.store.conn
    for v in versions:
        row = rd.RuleDataRow(
            v["version"],
            v["base"],
            rd.canonical(v["values"]),
            v["created_by"],
            v["created_at"],
            v["reason"],
            v["signature"],
            v["signer_cert"],
            "bundle",
        )
        existing = rd.get_version(conn, v["version"])
        if existing is None:
            rd.insert_version(conn, row, seq)
            result.note("rule_data", "rule_data", v["version"], "new")
        elif existing.values_json == row.values_json and existing.signature == row.signature:
            result.note("rule_data", "rule_data", v["version"], "unchanged")
        else:  # a version name means one set of values; a second one is not taken
            result.note("rule_data", "rule_data", v["version"], "skipped")


def _merge_forms(
    repo: SyncRepo, versions: list[dict[str, Any]], seq: int, result: MergeResult
) -> None:
    """Form versions the office published (checked against the trust list before the
    merge): new ones are added in the office's order, so its newest of a family is the
    form new drafts use here."""
    from ..store import forms as fv

    conn = repo.store.conn
    for v in versions:
        name = f"{v['family']}:{v['version']}"
        existing = fv.get_version(conn, v["family"], v["version"])
        if existing is None:
            fv.insert_version(conn, fv.FormRow(**v, source="bundle"), seq)
            result.note("forms", "form", name, "new")
        elif existing.hash == v["hash"] and existing.signature == v["signature"]:
            result.note("forms", "form", name, "unchanged")
        else:  # a version name means one text; a second one is not taken
            result.note("forms", "form", name, "skipped")


def merge_office_data(
    repo: SyncRepo, content: BundleContent, m: Manifest, seq: int, result: MergeResult
) -> None:
    """Reviews, acknowledgements and assignments from the office."""
    me = repo.store.device_id
    local_ids = repo.existing_ids("inspection", [r["inspection_id"] for r in content.reviews])
    for r in content.reviews:
        existing = repo.review_exists(r["id"])
        if existing is not None:
            if existing == r:
                result.note("reviews", "review", r["id"], "unchanged")
            else:
                _conflict(
                    repo,
                    result,
                    "reviews",
                    "review",
                    r["id"],
                    "the same review id holds other content here",
                    existing,
                    r,
                    record_hash(r),
                    m.bundle_id,
                    seq,
                )
        elif r["inspection_id"] not in local_ids:
            result.note("reviews", "review", r["id"], "skipped")  # another inspector's record
        else:
            repo.insert_review(r, seq)
            result.note("reviews", "review", r["id"], "new")
    if content.revocations and m.direction == "office->field":
        repo.store.trust.revocations.merge(content.revocations, seq)
    if content.issuing_bodies and m.direction == "office->field":
        from ..store.reports import save_issuing_body

        for body in content.issuing_bodies:  # the office's settings replace the laptop's
            save_issuing_body(repo.store.conn, body)
    if content.rule_data and m.direction == "office->field":
        _merge_rule_data(repo, content.rule_data, seq, result)
    if content.forms and m.direction == "office->field":
        _merge_forms(repo, content.forms, seq, result)
    for ack in content.acks:
        if ack["source_device"] != me:
            continue
        present = repo.existing_ids("inspection", ack["inspections"])
        result.acked += repo.insert_acks(
            [
                ("inspection", i, ack["bundle_id"], m.bundle_id, seq)
                for i in ack["inspections"]
                if i in present
            ]
        )
        if repo.audit_hash_at(ack["audit_seq"]) == ack["audit_hash"]:
            repo.set_acked_audit_seq(ack["audit_seq"])
    if m.direction == "office->field":
        key = f"sync.assignments_seq.{m.source_device}"
        if m.audit_head[0] >= int(repo.store.meta(key, "-1") or "-1"):
            present = repo.existing_ids("premises", [a["premises_id"] for a in content.assignments])
            result.assignments = repo.replace_assignments(
                m.source_device,
                [a for a in content.assignments if a["premises_id"] in present],
                seq,
            )
            repo.store.set_meta(key, str(m.audit_head[0]))
            from ..store.visit_bundles import tick_assignments

            tick_assignments(repo.store.conn)


def merge_visits(
    repo: SyncRepo, content: BundleContent, m: Manifest, seq: int, result: MergeResult
) -> None:
    """Sealed visits from the field: a new one is stored with its rows and inspections; one
    already here with the same hash changes nothing (its inspections that arrived later are
    put into it). A visit here with other content was refused before the merge."""
    from ..store import visit_bundles as store_visits

    if content.campaigns:  # before the visits that name them
        new, changed = store_visits.upsert_campaigns(  # the office's definition wins
            repo.store.conn,
            content.campaigns,
            seq,
            m.source_device,
            replace=m.direction == "office->field",
        )
        for outcome, n in (("new", new), ("updated", changed)):
            if n:
                result.by_table.setdefault("campaigns", Counter())[outcome] += n
    if not content.visits or m.direction != "field->office":
        return

    conn = repo.store.conn
    here = store_visits.visit_states(conn, [v["id"] for v in content.visits])
    unseen = [v for v in content.visits if v["id"] not in here]
    # the rows go into visits this import creates: their per-row guard is laid aside
    with guard_aside(
        conn, repo.store.engine, [v["id"] for v in unseen], sum(len(v["rows"]) for v in unseen)
    ):
        store_visits.insert_sealed(conn, unseen, seq, m.source_device, placed=result.placed)
    store_visits.attach_inspections(
        conn, [(v["id"], x) for v in content.visits if v["id"] in here for x in v["inspections"]]
    )
    for v in content.visits:
        result.note("visits", "visit", v["id"], "unchanged" if v["id"] in here else "new")


def merge(repo: SyncRepo, content: BundleContent, m: Manifest, seq: int) -> MergeResult:
    """Apply a validated bundle (call inside the import transaction)."""
    result = MergeResult()
    merge_attachments(repo, content, result)
    merge_mutable(repo, content, m, seq, result)
    merge_inspections(repo, content, m, seq, result)
    merge_visits(repo, content, m, seq, result)
    merge_cases(repo, content, m, seq, result, _conflict)
    merge_calendars(repo, content, m, seq, result)
    merge_tombstones(repo, content, m, seq, result)
    merge_office_data(repo, content, m, seq, result)
    repo.insert_device_audit(m.bundle_id, content.audit)
    return result
