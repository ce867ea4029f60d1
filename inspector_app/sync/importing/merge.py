"""Stage *merge*, inside the import's transaction: the ledger is read again (another
importer may have merged the same bundle since the *open* stage: the very bundle ends the
import as ``already_imported``, another one under its id is refused), then the records are
merged by the rules of ``sync.merge`` (new, updated, unchanged, conflicts). When a worker
process checks the bundle (``.overlap``), the verdicts it has not reached are judged here,
then its answer is waited for: anything but clean rolls the merge back. Before that, the
pages the merge changed are written to the write-ahead log (``store.db.flush_cache``): the
worker judges verdicts meanwhile, and the commit after its answer has little left to write
(measured on the 10,000-inspection benchmark bundle: the commit 0.40 -> 0.17 s, the flush
0.28 s beside the worker's last verdicts)."""

from __future__ import annotations

from ...store.db import flush_cache
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
        # the merge's pages written to the log now, while the worker still judges verdicts,
        # rather than by the commit after its answer (with nobody working beside it)
        # (a worker checks imports into a SQLite file only: overlap.likely)
        flush_cache(job.store.conn, job.store.path)
        overlap.verdict(job, job.checker)
