"""Stage *open*: the archive against the size limits, the signature against the keys this
database trusts, the exact entry set with every entry's hash and size (``sync.reader``,
format stages 1 to 3), then whether this database may take the bundle at all: not one it
made itself, not another bundle under an id already imported. The very bundle imported
before ends the pipeline here (``already_imported``). Reads only; a rejection writes
nothing. For a large file, the worker process that may check its records (``.overlap``) is
started first, so that it is ready when they are read."""

from __future__ import annotations

from ...store.sync import sync_repo
from ..format import MANIFEST, BundleRejected
from ..reader import read_bundle
from . import overlap
from .job import AlreadyImported, ImportJob


def run(job: ImportJob) -> None:
    store, report = job.store, job.report
    checker = overlap.launch() if overlap.likely(job) else None
    job.checker = checker  # (loads the checks while the bundle is read; gets the records)
    job.opened = opened = read_bundle(
        job.path,
        store.trust.list(),
        job.limits,
        job.progress,
        on_record=None if checker is None else overlap.RecordStream(job, checker),
    )
    m = opened.manifest
    report.bundle_id, report.direction, report.source_device = (
        m.bundle_id,
        m.direction,
        m.source_device,
    )
    report.signer, report.signer_fingerprint = opened.signer.name, opened.signer.fingerprint
    if m.source_device == store.meta("device_id"):
        raise BundleRejected(
            3, MANIFEST, "this bundle was made by this database; import it on the other side"
        )
    done = sync_repo(store).ledger(m.bundle_id)
    if done is not None:
        if done.manifest_sha256 != opened.manifest_sha256:
            raise BundleRejected(
                3, MANIFEST, "a different bundle with the same id was imported before"
            )
        raise AlreadyImported
