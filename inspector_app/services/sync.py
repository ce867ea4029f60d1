"""Sync use-cases: export a signed bundle, inspect one, import one (all or nothing), the office
bundle of reference data and acknowledgements, and conflicts.

Import is the pipeline of ``sync.importing`` (docs/architecture.md, *Bundles*): open (archive
limits, signature against enrolled keys, exact entry set), parse, validate (every record,
strictly), review signatures, office signatures, report PDFs, a backup of the database
file, then merge and record in one transaction with a ledger row, and finish. It stops at
the first refusal; a rejected bundle leaves the database exactly as it was. This module
only hands the pipeline what lives above ``sync/`` (the trust set for report PDFs, the
atomic file write) and logs the outcome.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import bulk_work
from ..domain.errors import InputError
from ..store.sync import sync_repo
from ..sync import resolve as resolve_rules
from ..sync.format import (
    DEFAULT_LIMITS,
    FIELD_TO_OFFICE,
    OFFICE_TO_FIELD,
    BundleContent,
    Limits,
    record_hash,
    shallow_dict,
)
from ..sync.importing.job import ImportReport, Progress
from ..sync.reader import peek
from ..sync.writer import write_bundle

# ImportReport and Progress are the pipeline's, named here for the window and the command line
DIRECTION_NAMES = {
    "field": FIELD_TO_OFFICE,
    "office": OFFICE_TO_FIELD,
    FIELD_TO_OFFICE: FIELD_TO_OFFICE,
    OFFICE_TO_FIELD: OFFICE_TO_FIELD,
}


@dataclass
class ExportResult:
    path: str
    bundle_id: str
    direction: str
    counts: dict
    size: int
    seconds: float

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _app_version() -> str:
    try:
        from .. import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover
        return ""


# -- export ---------------------------------------------------------------------------------
def collect_field(store, everything: bool = False) -> tuple[BundleContent, tuple[int, str]]:
    """What a field bundle holds: finalized inspections the office has not acknowledged (all
    with *everything*) with their earlier revisions, the premises, instruments, standards and
    attachments they refer to, records changed here since they were last exchanged, all
    tombstones, and the audit entries after the last head the office acknowledged."""
    repo = sync_repo(store)
    ids = repo.with_ancestors(repo.unacknowledged_inspection_ids(everything))
    inspections = repo.load_inspections(ids)
    content = BundleContent(inspections=inspections)
    want = {
        "premises": {x.premises_id for x in inspections},
        "instruments": {x.instrument_id for x in inspections},
        "standards": {s for x in inspections for s in x.standards},
    }
    from ..store.visits import campaigns_for_bundle, sealed_for_bundle, upgrade_visits

    # sealed visits never sent before (all with *everything*), and those of an inspection
    # sent now (so that the office puts a later revision into its visit); a visit the upgrade
    # to schema 6 gathered travels only with an inspection of it (the office gathered its own)
    content.visits = sealed_for_bundle(store.conn)
    sent = set() if everything else {i for _e, i in repo.exported_ids_like("visit")}
    gathered = upgrade_visits(store.conn)
    sent_ids = {x.id for x in inspections}
    content.visits = [
        v
        for v in content.visits
        if sent_ids.intersection(v["inspections"])
        or (v["id"] not in sent and v["id"] not in gathered)
    ]
    content.campaigns = campaigns_for_bundle(  # the campaigns they name
        store.conn, [v["campaign_id"] for v in content.visits if v["campaign_id"]]
    )
    from ..sync import cases as sync_cases

    # cases changed since they were last sent (every case with *everything*), with their
    # premises
    sent = set() if everything else {i for _e, i in repo.exported_ids_like("case")}
    content.cases = sync_cases.collect(store.conn, sent)
    want["premises"].update(
        x["case"]["premises_id"] for x in content.cases if x["case"]["premises_id"]
    )
    for v in content.visits:  # what a visit and its rows name must resolve at the office
        want["premises"].update(p for p in [v["premises_id"]] if p)
        want["premises"].update(r["premises_id"] for r in v["rows"] if r["premises_id"])
        want["instruments"].update(r["instrument_id"] for r in v["rows"] if r["instrument_id"])
    loaders: dict[str, Callable[..., list[Any]]] = {
        "premises": repo.premises,
        "instruments": repo.instruments,
        "standards": repo.standards,
    }
    entities = {"premises": "premises", "instruments": "instrument", "standards": "standard"}
    for table in ("premises", "instruments", "standards"):
        known = repo.versions(entities[table])
        rows = loaders[table]()
        for obj in rows:
            h = record_hash(shallow_dict(obj))
            if everything or obj.id in want[table] or h not in known.get(obj.id, set()):
                want[table].add(obj.id)
        if table == "instruments":  # premises of every instrument sent must resolve too
            want["premises"].update(i.premises_id for i in rows if i.id in want["instruments"])
    for table in ("premises", "instruments", "standards"):
        objs = loaders[table](sorted(want[table]))
        versions = repo.versions(entities[table], [o.id for o in objs])
        items = []
        for o in objs:
            h = record_hash(shallow_dict(o))
            items.append((o, h, sorted(versions.get(o.id, set()) | {h})))
        setattr(content, table, items)
    content.tombstones = repo.tombstones(["premises", "instrument", "standard"])
    shas = {a.sha256 for x in inspections for a in x.attachments}
    shas |= {sha for v in content.visits for sha in v.get("photos", [])}  # a visit's photos
    # each photo is read when the writer comes to it: a bundle's photos are never all in memory
    content.attachments = {
        sha: (functools.partial(store.attachments.get, sha), None)
        for sha in repo.attachment_shas(shas)
    }
    content.audit = repo.audit_entries_after(0 if everything else repo.acked_audit_seq())
    from .report_files import for_field_bundle

    content.reports = for_field_bundle(store, [x.id for x in inspections])  # signed PDFs
    head = (
        (content.audit[-1]["seq"], content.audit[-1]["hash"])
        if content.audit
        else store.audit_head()
    )
    return content, head


def repo_new_tombstones(store, tombstones: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tombstones never sent in a bundle before."""
    sent = sync_repo(store).exported_ids_like("tombstone/")
    return [(e, i) for e, i in tombstones if (f"tombstone/{e}", i) not in sent]


def collect_office(store) -> tuple[BundleContent, tuple[int, str]]:
    """What an office bundle holds: all reference data (premises, instruments, standards,
    assignments, tombstones), acknowledgements of every field bundle imported, review
    decisions, and the office's audit chain."""
    repo = sync_repo(store)
    content = BundleContent()
    for table, entity, loader in (
        ("premises", "premises", repo.premises),
        ("instruments", "instrument", repo.instruments),
        ("standards", "standard", repo.standards),
    ):
        objs = loader()
        versions = repo.versions(entity)
        items = []
        for o in objs:
            h = record_hash(shallow_dict(o))
            items.append((o, h, sorted(versions.get(o.id, set()) | {h})))
        setattr(content, table, items)
    content.tombstones = repo.tombstones(["premises", "instrument", "standard"])
    content.assignments = repo.assignments()
    from ..store.visits import campaigns_for_bundle

    content.campaigns = campaigns_for_bundle(store.conn)  # a laptop's work list names them
    from ..sync import cases as sync_cases

    content.cases = sync_cases.collect(store.conn)  # a laptop keeps those it holds
    content.reviews = repo.reviews()
    content.acks = repo.acks_for_export()
    content.revocations = [dataclasses.asdict(r) for r in store.trust.revocations.list()]
    from ..store.reports import get_issuing_body

    body = get_issuing_body(store)  # what the office set in Settings travels to laptops
    content.issuing_bodies = [body] if body is not None else []
    from ..store.rule_data import list_versions

    # every rule data version, oldest first: a laptop that missed one still gets the newest
    content.rule_data = [r.bundle_record() for r in list_versions(store.conn)]
    from ..store.forms import list_versions as form_versions

    content.forms = [r.bundle_record() for r in form_versions(store.conn)]  # oldest first
    content.audit = repo.audit_entries_after(0)
    from .report_files import for_office_bundle

    content.reports = for_office_bundle(store)  # the countersigned PDFs go back
    head = (
        (content.audit[-1]["seq"], content.audit[-1]["hash"])
        if content.audit
        else store.audit_head()
    )
    return content, head


def require_role_for_export(store, direction: str) -> None:
    """A field bundle comes from an inspector's database, an office bundle from a supervisor's
    (``services.review`` roles); RoleError (an InputError) otherwise."""
    from .roles import RoleError, get_role, require_inspector

    if DIRECTION_NAMES.get(direction) == FIELD_TO_OFFICE:
        require_inspector(store, "a field bundle")
    elif get_role(store) != "supervisor":
        raise RoleError(
            "role",
            "an office bundle is a supervisor's action; this is an inspector's database "
            "(choose the role with 'inspector-app role supervisor' or in Settings)",
        )


def export_bundle(
    store,
    identity,
    out_path,
    *,
    all: bool = False,
    direction: str = "field",
    progress: Progress | None = None,
    actor: str = "",
) -> ExportResult:
    """Write a signed bundle to *out_path*; records what it held (one audited write)."""
    t0 = time.perf_counter()
    named = DIRECTION_NAMES.get(direction)
    if named is None:
        raise InputError("direction", "must be field or office")
    direction = named
    require_role_for_export(store, direction)
    if direction != FIELD_TO_OFFICE:
        from .roles import require_supervisor

        require_supervisor(store, identity)  # under an office: the signing key's certificate
    if progress is not None:
        progress("collect", 0, 1)
    if direction == FIELD_TO_OFFICE:
        content, head = collect_field(store, all)
        fresh_tombstones = repo_new_tombstones(store, content.tombstones)
        if not (
            content.inspections
            or content.premises
            or content.instruments
            or content.standards
            or fresh_tombstones
            or content.visits
            or content.cases
        ):
            raise InputError(
                "bundle",
                "nothing to export: the office has acknowledged every finalized inspection "
                "(use --all to export everything)",
            )
    else:
        content, head = collect_office(store)
        from ..sync.cases import calendar_records
        from .rule_data import sign

        content.calendars = calendar_records(store.conn, identity, sign)  # signed now
    out_path = Path(out_path)
    if out_path.exists() and out_path.is_dir():
        raise InputError("output", f"{out_path} is a folder")
    manifest = write_bundle(
        out_path,
        content,
        direction=direction,
        source_device=store.device_id,
        identity=identity,
        audit_head=head,
        app_version=_app_version(),
        progress=progress,
    )
    repo = sync_repo(store)
    counts = {k: v for k, v in content.counts().items() if v}
    items = [("inspection", x.id) for x in content.inspections]
    items += [(f"tombstone/{e}", i) for e, i in content.tombstones]
    items += [("visit", v["id"]) for v in content.visits]
    if direction == FIELD_TO_OFFICE:
        from ..sync.cases import sent_key

        items += [("case", sent_key(x)) for x in content.cases]
    items += [
        (e, o.id)
        for t, e in (
            ("premises", "premises"),
            ("instruments", "instrument"),
            ("standards", "standard"),
        )
        for o, _, _ in getattr(content, t)
    ]
    with store.write(
        actor,
        "bundle.export",
        "bundle",
        manifest.bundle_id,
        {"direction": direction, "counts": counts},
    ) as seq:
        repo.record_export(manifest.bundle_id, direction, seq, manifest.created_at, counts, items)
        repo.add_versions_many(
            [
                (e, o.id, h)
                for t, e in (
                    ("premises", "premises"),
                    ("instruments", "instrument"),
                    ("standards", "standard"),
                )
                for o, h, _ in getattr(content, t)
            ]
        )
    result = ExportResult(
        str(out_path),
        manifest.bundle_id,
        direction,
        counts,
        out_path.stat().st_size,
        time.perf_counter() - t0,
    )
    from ..logs import log_event

    log_event("export", bundle=result.bundle_id, direction=result.direction, counts=result.counts)
    return result


# -- inspect --------------------------------------------------------------------------------
def inspect_bundle(path, store=None, limits: Limits = DEFAULT_LIMITS) -> dict:
    """Manifest, signer, counts and trust status without importing (stage 1 + manifest).
    Raises BundleRejected when the file cannot be read as a bundle at all."""
    trusted = store.trust.list() if store is not None else []
    info = peek(path, trusted, limits)
    if store is not None:
        repo = sync_repo(store)
        led = repo.ledger(info["bundle_id"])
        info["already_imported"] = (
            led is not None and led.manifest_sha256 == info["manifest_sha256"]
        )
        info["own_bundle"] = info["source_device"] == store.meta("device_id")
    return info


# -- import ---------------------------------------------------------------------------------
def import_bundle(
    store,
    path,
    *,
    progress: Progress | None = None,
    actor: str = "",
    limits: Limits = DEFAULT_LIMITS,
    backup: bool = True,
    backup_dir: str | Path | None = None,
) -> ImportReport:
    """Check and merge a bundle, all or nothing, through the stages of
    ``sync.importing.pipeline.STAGES``. Never raises for a bad bundle: the report's status is
    'rejected' with the stage, entry and reason."""
    from ..store.db import is_database_file
    from ..sync.importing import pipeline
    from .files import write_atomic
    from .report_files import folder, has_path
    from .verify import trusted_certificates

    if is_database_file(path, [store.path]):  # reading it would drop SQLite's locks
        raise InputError("file", f"{Path(path).name} is the database itself; choose a bundle file")
    on_disk = has_path(store)
    job = pipeline.ImportJob(
        store=store,
        path=Path(path),
        report=ImportReport(status="rejected", file=str(path)),
        pdf_trust=lambda: trusted_certificates(store, Path(store.path) if on_disk else None),
        write_file=write_atomic,
        reports_dir=folder(store) if on_disk else None,
        progress=progress,
        actor=actor,
        limits=limits,
        backup=backup,
        backup_dir=Path(backup_dir) if backup_dir else None,
    )
    # The records of a bundle are hundreds of thousands of small dicts and lists that live
    # until the merge ends: no cyclic collection meanwhile, in any thread (``bulk_work``).
    # They are let go of before collection is on again: otherwise the first collection
    # after it walks every one of them, all still young (0.2-0.4 s for 10,000 inspections).
    with bulk_work.quiet():
        try:
            report = pipeline.run(job)
        finally:
            del job
    from ..logs import log_event  # ids and counts only, never names or readings

    log_event(
        "import",
        status=report.status,
        bundle=report.bundle_id,
        direction=report.direction,
        new=report.new,
        updated=report.updated,
        conflicts=report.conflicts,
        rejected_stage=(report.rejection or {}).get("stage"),
    )
    return report


# -- conflicts and status ---------------------------------------------------------------------
def list_conflicts(store, include_resolved: bool = False) -> list:
    return sync_repo(store).conflicts(include_resolved)


def find_conflict(store, ident: str):
    repo = sync_repo(store)
    c = repo.conflict(ident)
    if c is not None:
        return c
    if len(ident) >= 6:
        matches = repo.find_conflicts(ident)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InputError(
                "id", f"{ident!r} matches more than one conflict; give more characters"
            )
    raise InputError("id", f"no conflict with id {ident!r}")


def resolve_conflict(store, ident: str, keep: str, actor: str = "") -> str:
    """Decide a conflict (keep 'local', 'incoming' or a revision id); returns the side kept."""
    c = find_conflict(store, ident)
    if c.resolved:
        raise InputError("id", f"conflict {c.id[:8]} was resolved already ({c.resolution})")
    repo = sync_repo(store)
    with store.write(
        actor, "conflict.resolve", c.entity, c.entity_id, {"conflict": c.id, "keep": keep}
    ) as seq:
        return resolve_rules.resolve(repo, c, keep, seq, actor)


def sync_status(store) -> dict:
    """Counts for the window: finalized, at the office, not yet, open conflicts."""
    return sync_repo(store).sync_counts()


def inspection_sync_state(store, ids: list[str]) -> dict[str, str]:
    """'at_office', 'exported' or 'local' for each inspection id."""
    return sync_repo(store).sync_state(ids)


def assign_premises(
    store, premises_id: str, inspector: str, note: str = "", actor: str = ""
) -> None:
    """Office: assign premises to an inspector (travels in the next office bundle)."""
    import uuid

    from ..domain.text import clean_text

    inspector = clean_text(inspector, "assignment.inspector", required=True, max_len=100)
    note = clean_text(note, "assignment.note", max_len=500)
    if store.premises.get(premises_id) is None:
        raise InputError("assignment.premises_id", "the premises do not exist")
    with store.write(
        actor, "assignment.set", "premises", premises_id, {"inspector": inspector}
    ) as seq:
        sync_repo(store).set_assignment(str(uuid.uuid4()), premises_id, inspector, note, seq)
