"""Stage *record*, inside the import's transaction (one audited write, ``bundle.import``,
whose detail :func:`audit_detail` gives): the ledger row with what the import did (totals
per table, the audit head, acknowledgements, warnings) and each record's outcome, so that
the same bundle is never imported twice and the window can say what came in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...store.sync import SyncRepo, sync_repo
from .job import ImportJob


def audit_detail(job: ImportJob) -> dict[str, Any]:
    """The audit entry's detail of the import's write."""
    m, opened = job.manifest, job.bundle
    detail: dict[str, Any] = {
        "file": job.path.name,
        "signer": opened.signer.fingerprint,
        "direction": m.direction,
        "source_device": m.source_device,
    }
    if job.records.warning_count:
        detail["warnings"] = job.records.warning_count
    return detail


def run(job: ImportJob) -> None:
    assert job.result is not None, "the merge stage runs before"
    m, opened, content, result = job.manifest, job.bundle, job.records, job.result
    summary = {
        "totals": result.totals(),
        "tables": result.tables(),
        "audit_head": {"seq": m.audit_head[0], "hash": m.audit_head[1]},
        "acknowledged": result.acked,
        "signer_name": opened.signer.name,
        "warnings": [{"entry": e, "reason": r} for e, r in content.warnings],
        "warning_count": content.warning_count,
    }
    repo = sync_repo(job.store)
    # the merge's changed pages are still in the cache, uncommitted: with the small default
    # cache every page read here would first push one of them out into the log
    with repo.bulk_cache():
        _write(job, repo, summary)


def _write(job: ImportJob, repo: SyncRepo, summary: dict[str, Any]) -> None:
    m, opened, result = job.manifest, job.bundle, job.result
    assert result is not None
    repo.insert_ledger(
        m.bundle_id,
        m.direction,
        m.source_device,
        opened.signer.fingerprint,
        opened.manifest_sha256,
        job.seq,
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        summary,
    )
    repo.insert_received(m.bundle_id, result.received)
