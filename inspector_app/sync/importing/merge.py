"""Stage *merge*, inside the import's transaction: the ledger is read again (another
importer may have merged the same bundle since the *open* stage: the very bundle ends the
import as ``already_imported``, another one under its id is refused), then the records are
merged by the rules of ``sync.merge`` (new, updated, unchanged, conflicts). When a worker
process checks the bundle (``.overlap``), its answer is waited for here: anything but
clean rolls the merge back."""

from __future__ import annotations

from ...store.sync import sync_repo
from .. import merge as merge_rules
from . import overlap
from .job import ImportedMeanwhile, ImportJob


def run(job: ImportJob) -> None:
    repo = sync_repo(job.store)
    m = job.manifest
    done = repo.ledger(m.bundle_id)
    if done is not None:
        raise ImportedMeanwhile(done.manifest_sha256 == job.bundle.manifest_sha256)
    with repo.bulk_cache():
        job.result = merge_rules.merge(repo, job.records, m, job.seq)
    if job.checker is not None:  # the worker's checks, before the transaction ends
        _let_go_of_sweep_rows(job)
        overlap.verdict(job, job.checker)


def _let_go_of_sweep_rows(job: ImportJob) -> None:
    """The visits' sweep rows are written: let go of them while the worker may still be
    checking, rather than when the import ends (some 200,000 dicts in a year's bundle,
    0.2 s to free). Nothing after the merge reads them; should the worker not find the
    bundle clean, the import builds its records again from the entries' bytes."""
    for visit in job.records.visits:
        if isinstance(visit, dict) and "rows" in visit:
            visit["rows"] = []
