"""Sync use-cases: export a signed bundle, inspect one, import one (all or nothing), the office
bundle of reference data and acknowledgements, and conflicts.

Import runs these stages in order (docs/bundle-format.md) and stops at the first failure:
(1) archive limits, (2) signature against enrolled keys, (3) exact entry set with hashes
and sizes checked while streaming, (4) strict validation of every record, (5) one
transaction with a ledger row, after a backup of the database file. A rejected bundle
leaves the database exactly as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import InputError
from ..store.sync import sync_repo
from ..sync import merge as merge_rules
from ..sync.format import (
    DEFAULT_LIMITS,
    FIELD_TO_OFFICE,
    MANIFEST,
    OFFICE_TO_FIELD,
    BundleContent,
    BundleRejected,
    Limits,
    record_hash,
    shallow_dict,
)
from ..sync.reader import peek, read_bundle
from ..sync.validate import validate_bundle
from ..sync.writer import write_bundle

# progress(stage, done, total) -> False to cancel (before the transaction only)
Progress = Callable[[str, int, int], object]
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


@dataclass
class ImportReport:
    status: str  # imported | already_imported | rejected
    file: str
    bundle_id: str = ""
    direction: str = ""
    source_device: str = ""
    signer: str = ""
    signer_fingerprint: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    tables: dict = field(default_factory=dict)
    conflict_ids: list = field(default_factory=list)
    acknowledged: int = 0
    attachments_new: int = 0
    rejection: dict | None = None
    backup: str | None = None
    backup_reused: bool = False  # the backup is a recent one, not written for this import
    seconds: float = 0.0
    # implausible but possible values kept with the import (a time in the future, ...):
    # [{"entry", "reason"}], at most format.MAX_LISTED; warning_count is how many there were
    warnings: list = field(default_factory=list)
    warning_count: int = 0
    # the signed report PDFs of the bundle: outcome -> count (new, unchanged, countersigned,
    # older, kept_local; services.report_files)
    reports: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def message(self) -> str:
        if self.status == "rejected":
            return self.rejection["message"]
        if self.status == "already_imported":
            return f"bundle {self.bundle_id} was already imported; nothing changed"
        text = (
            f"imported bundle {self.bundle_id} from {self.signer}: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.conflicts} conflicts"
        )
        if self.acknowledged:
            text += f"; {self.acknowledged} inspections now safely at the office"
        kept = self.reports.get("new", 0) + self.reports.get("countersigned", 0)
        if kept:
            text += f"; {kept} signed report PDF{'s' if kept > 1 else ''} kept"
        if self.warning_count:
            text += f"; {self.warning_count} warning{'s' if self.warning_count > 1 else ''}"
        return text

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["message"] = self.message()
        return d


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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
    # sent now (so that the office puts a later revision into its visit)
    # sent now (so that the office puts a later revision into its visit); a visit the upgrade
    # to schema 6 gathered travels only with an inspection of it (the office gathered its own)
    content.visits = sealed_for_bundle(store.conn)
    sent = set() if everything else {i for _e, i in repo.exported_ids_like("visit")}
    gathered = upgrade_visits(store.conn)
    ids = {x.id for x in inspections}
    content.visits = [
        v
        for v in content.visits
        if ids.intersection(v["inspections"]) or (v["id"] not in sent and v["id"] not in gathered)
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
    loaders = {
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
    direction = DIRECTION_NAMES.get(direction)
    if direction is None:
        raise InputError("direction", "must be field or office")
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
def _backup(store, bundle_id: str, backup_dir: Path | None) -> tuple[Path, bool]:
    """The backup this import can be undone with, and whether it was written before an
    earlier import or daily (reused): a new rotating, verified copy only when the newest one
    is more than an hour old (``store.backups.recent_backup``)."""
    from ..store.backups import make_backup, recent_backup

    recent = recent_backup(store.path, folder=backup_dir)
    if recent is not None:
        return recent.path, True
    path = make_backup(store.conn, store.path, "before-import", bundle_id[:8], folder=backup_dir)
    return path, False


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
    """Check and merge a bundle, all or nothing. Never raises for a bad bundle: the report's
    status is 'rejected' with the stage, entry and reason."""
    # The records of a bundle are hundreds of thousands of small dicts and lists that live
    # until the merge ends; the cyclic garbage collector would walk all of them again and
    # again (a third of the import's time) and could free none. They hold no cycles.
    from ..store.db import is_database_file

    if is_database_file(path, [store.path]):  # reading it would drop SQLite's locks
        raise InputError("file", f"{Path(path).name} is the database itself; choose a bundle file")
    collecting = gc.isenabled()
    gc.disable()
    opened: list = []  # the bundle read, whose archive stays open while photos stream from it
    try:
        report = _import_bundle(
            store,
            path,
            progress=progress,
            actor=actor,
            limits=limits,
            backup=backup,
            backup_dir=backup_dir,
            opened_bundles=opened,
        )
    finally:
        for bundle in opened:
            bundle.close()
        if collecting:
            gc.enable()
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


class _ImportedMeanwhile(Exception):
    """Rolls back an import whose bundle another importer merged in the meantime."""

    def __init__(self, same: bool) -> None:
        super().__init__("imported meanwhile")
        self.same = same


def _import_bundle(
    store,
    path,
    *,
    progress: Progress | None,
    actor: str,
    limits: Limits,
    backup: bool,
    backup_dir: str | Path | None,
    opened_bundles: list,
) -> ImportReport:
    t0 = time.perf_counter()
    report = ImportReport(status="rejected", file=str(path))
    repo = sync_repo(store)
    try:
        opened = read_bundle(path, store.trust.list(), limits, progress)
        opened_bundles.append(opened)  # closed by import_bundle when all is done
        m = opened.manifest
        report.bundle_id, report.direction, report.source_device = (
            m.bundle_id,
            m.direction,
            m.source_device,
        )
        report.signer, report.signer_fingerprint = opened.signer.name, opened.signer.fingerprint
        if m.source_device == store.meta("device_id"):  # read only: a rejection writes nothing
            raise BundleRejected(
                3, MANIFEST, "this bundle was made by this database; import it on the other side"
            )
        done = repo.ledger(m.bundle_id)
        if done is not None:
            if done.manifest_sha256 != opened.manifest_sha256:
                raise BundleRejected(
                    3, MANIFEST, "a different bundle with the same id was imported before"
                )
            report.status = "already_imported"
            report.seconds = time.perf_counter() - t0
            return report
        from ..store.integrity import known_certificates

        content = validate_bundle(
            opened,
            repo,
            limits.max_line_bytes,
            progress,
            certificates=known_certificates(store),
        )
        _check_reviews(store, content)
        _check_rule_data(store, content)
        _check_forms(store, content)
        from .cases import check_calendars

        check_calendars(store, content)
        from .report_files import check_incoming

        planned_reports = check_incoming(store, m.direction, opened.reports, content)
    except BundleRejected as exc:
        report.rejection = exc.as_dict()
        report.seconds = time.perf_counter() - t0
        return report
    if progress is not None:
        progress("merge", 0, 1)
    # (an office database on PostgreSQL is backed up by the server's own means, pg_dump;
    # the import is one transaction there too)
    if backup and store.engine == "sqlite":
        made, report.backup_reused = _backup(
            store, m.bundle_id, Path(backup_dir) if backup_dir else None
        )
        report.backup = str(made)
    detail = {
        "file": Path(path).name,
        "signer": opened.signer.fingerprint,
        "direction": m.direction,
        "source_device": m.source_device,
    }
    if content.warning_count:
        detail["warnings"] = content.warning_count
    try:
        with store.write(actor, "bundle.import", "bundle", m.bundle_id, detail) as seq:
            # checked again inside the write: another importer may have merged the same
            # bundle since the check above (two imports of one bundle started together)
            done = repo.ledger(m.bundle_id)
            if done is not None:
                raise _ImportedMeanwhile(done.manifest_sha256 == opened.manifest_sha256)
            result = merge_rules.merge(repo, content, m, seq)
            totals = result.totals()
            summary = {
                "totals": totals,
                "tables": result.tables(),
                "audit_head": {"seq": m.audit_head[0], "hash": m.audit_head[1]},
                "acknowledged": result.acked,
                "signer_name": opened.signer.name,
                "warnings": [{"entry": e, "reason": r} for e, r in content.warnings],
                "warning_count": content.warning_count,
            }
            repo.insert_ledger(
                m.bundle_id,
                m.direction,
                m.source_device,
                opened.signer.fingerprint,
                opened.manifest_sha256,
                seq,
                _now(),
                summary,
            )
            repo.insert_received(m.bundle_id, result.received)
    except BundleRejected as exc:
        report.rejection = exc.as_dict()
        report.seconds = time.perf_counter() - t0
        return report
    except _ImportedMeanwhile as exc:
        if not exc.same:
            report.rejection = BundleRejected(
                3, MANIFEST, "a different bundle with the same id was imported before"
            ).as_dict()
        else:
            report.status = "already_imported"
        report.seconds = time.perf_counter() - t0
        return report
    if content.rule_data:
        from ..store.rule_data import load_installed

        load_installed(store)  # the office's newest version is the one evaluations use now
    if content.forms:
        from ..store.forms import load_installed as load_forms

        load_forms(store)  # the office's newest form of a family is the one new drafts use
    if planned_reports:
        from .report_files import keep_incoming

        report.reports = keep_incoming(store, planned_reports)
    report.status = "imported"
    report.new, report.updated = totals["new"], totals["updated"]
    report.unchanged, report.conflicts = totals["unchanged"], totals["conflicts"]
    report.tables = result.tables()
    report.conflict_ids = result.conflict_ids
    report.acknowledged = result.acked
    report.attachments_new = result.attachments_new
    report.warnings = [{"entry": e, "reason": r} for e, r in content.warnings]
    report.warning_count = content.warning_count
    report.seconds = time.perf_counter() - t0
    if progress is not None:
        progress("merge", 1, 1)
    return report


def _check_reviews(store, content: BundleContent) -> None:
    """Stage 4 for reviews: every review this database would add (one of its own inspections,
    not stored yet) must carry a signature that verifies with a trusted key over what
    ``services.review`` signs (the review and the content hash of the inspection it judges).
    Reviews of other inspectors' records are not kept, so they are not checked here."""
    if not content.reviews:
        return
    from .review import Review, verify_review

    repo = sync_repo(store)
    held = repo.existing_ids("inspection", [r["inspection_id"] for r in content.reviews])
    for n, r in enumerate(content.reviews, start=1):
        if r["inspection_id"] not in held or repo.review_exists(r["id"]) is not None:
            continue
        check = verify_review(
            store,
            Review(
                r["id"],
                r["inspection_id"],
                r["decision"],
                r["comment"],
                r["reviewer"],
                r["at"],
                r["signature"],
            ),
            getattr(store, "path", None),
        )
        if check.status != "VALID":
            raise BundleRejected(
                4, f"records/reviews.jsonl line {n}", f"review.signature: {check.reason}"
            )


def _check_rule_data(store, content: BundleContent) -> None:
    """Stage 4 for rule data: every version this database would add must be signed by a
    trusted office key (services.rule_data.check_version), and a version name already
    here must carry the same values; otherwise the bundle is refused, saying why."""
    if not content.rule_data:
        return
    from ..store.rule_data import canonical, get_version
    from .rule_data import check_version

    for n, v in enumerate(content.rule_data, start=1):
        where = f"records/rule_data.jsonl line {n}"
        existing = get_version(store.conn, v["version"])
        if existing is not None:
            if existing.values_json != canonical(v["values"]):
                raise BundleRejected(
                    4,
                    where,
                    f"rule_data.version: {v['version']!r} holds other values here; the office "
                    "must name a corrected version anew",
                )
            continue
        check = check_version(store, v)
        if not check.ok:
            raise BundleRejected(
                4, where, f"rule_data.signature: rule data {v['version']!r} refused: {check.reason}"
            )


def _check_forms(store, content: BundleContent) -> None:
    """Stage 4 for form versions: every version this database would add must be signed by
    a trusted office key (services.forms.check_form_version), and a version already here
    must carry the same text; otherwise the bundle is refused, saying why."""
    if not content.forms:
        return
    from ..store.forms import get_version
    from .forms import check_form_version

    for n, v in enumerate(content.forms, start=1):
        where = f"records/forms.jsonl line {n}"
        name = f"{v['family']} form {v['version']!r}"
        existing = get_version(store.conn, v["family"], v["version"])
        if existing is not None:
            if existing.hash != v["hash"]:
                raise BundleRejected(
                    4,
                    where,
                    f"forms.version: {name} holds another text here; the office must name a "
                    "revised form anew",
                )
            continue
        check = check_form_version(store, v)
        if not check.ok:
            raise BundleRejected(4, where, f"forms.signature: {name} refused: {check.reason}")


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
        return merge_rules.resolve(repo, c, keep, seq, actor)


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
