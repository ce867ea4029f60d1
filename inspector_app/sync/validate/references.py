"""Every reference of a bundle must resolve, in the bundle or in the database, and the
manifest must list exactly the records in the files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from ...store import case_bundles
from ..format import (
    BundleContent,
    ProblemList,
    record_hash,
    tombstone_key,
)
from .images import _head, _sniff
from .visits import _campaign_ids

if TYPE_CHECKING:
    from ...store.sync import SyncRepo
    from ..reader import OpenedBundle


def _covered_key(table: str, rec: Any) -> tuple[str, str]:
    if table in ("premises", "instruments", "standards"):
        return (rec[0].id, rec[1])
    if table == "inspections":
        return (rec.id, rec.content_hash)
    if table == "tombstones":
        return (tombstone_key(*rec), record_hash({"entity": rec[0], "entity_id": rec[1]}))
    return (rec["id"], record_hash(rec))


def _index(items: Iterable[Any], where_prefix: str, key: Callable[[Any], str]) -> dict[str, Any]:
    out = {}
    for n, item in enumerate(items, start=1):
        out[key(item)] = (item, f"{where_prefix} line {n}")
    return out


def _check_references(
    opened: OpenedBundle, content: BundleContent, repo: SyncRepo, problems: ProblemList
) -> None:
    prem = _index(content.premises, "records/premises.jsonl", lambda r: r[0].id)
    inst = _index(content.instruments, "records/instruments.jsonl", lambda r: r[0].id)
    stds = {r[0].id for r in content.standards}
    # (only what the bundle does not hold is looked up in the database)
    db_prem = repo.existing_ids(
        "premises",
        {r[0].premises_id for r in content.instruments}.union(
            [x.premises_id for x in content.inspections],
            [a["premises_id"] for a in content.assignments],
        )
        - prem.keys(),
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
    # a case's re-inspection is keyed case:<case id> (services.cases.order), not a campaign
    camps |= {f"case:{i['case'].id}" for i in content.cases}
    db_camps |= {
        f"case:{i}"
        for i in case_bundles.existing_case_ids(
            repo.conn,
            [
                (a.get("campaign_id") or "")[5:]
                for a in content.assignments
                if (a.get("campaign_id") or "").startswith("case:")
            ],
        )
    }
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
    db_inst = repo.instrument_premises({x.instrument_id for x in content.inspections} - inst.keys())
    by_id = {x.id: x for x in content.inspections}
    db_parents = repo.inspection_info(
        [x.parent_id for x in content.inspections if x.parent_id and x.parent_id not in by_id]
    )
    db_stds = repo.existing_ids(
        "standard", {s for x in content.inspections for s in x.standards} - stds
    )
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
        for i, ref in enumerate(x.attachments):
            data = opened.attachments.get(ref.sha256)
            if data is None:
                if ref.sha256 not in db_shas:
                    problems.add(
                        where,
                        f"inspection.attachments[{i}]: the attachment {ref.sha256[:12]}… "
                        "is neither in the bundle nor in this database",
                    )
            elif _sniff(_head(data)) != ref.mime:
                problems.add(
                    f"attachments/{ref.sha256}", f"is not the {ref.mime} image the record says"
                )
    shas |= {sha for v in content.visits for sha in v.get("photos", [])}  # a visit's photos
    for sha in sorted(opened.attachments):
        if sha not in shas:
            problems.add(f"attachments/{sha}", "is not referenced by any record")
