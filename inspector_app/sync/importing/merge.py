"""Stage *merge*, inside the import's transaction: the ledger is read again (another
importer may have merged the same bundle since the *open* stage: the very bundle ends the
import as ``already_imported``, another one under its id is refused), then the records are
merged by the rules of ``sync.merge`` (new, updated, unchanged, conflicts). When a worker
process checks the bundle (``.overlap``), the verdicts it has not reached are judged here,
then its answer is waited for: anything but clean rolls the merge back."""

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
        overlap.verdict(job, job.checker)
