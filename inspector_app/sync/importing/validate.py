"""Stage *validate*: the checks across records (``sync.validate.check_records``, format
stage 4): the manifest's list of records, references into the bundle or the database,
visits, cases, times, every verdict recomputed and every inspector's signature verified
against the certificates this database knows, attachments, and the device's audit chain.
Every bad record is named in one rejection. Reads only. (When a worker process checks a
large bundle, ``.overlap``, this stage judges the last inspections' verdicts again and
makes the attachments' entries.)"""

from __future__ import annotations

import datetime as dt

from ...store.integrity import known_certificates
from ...store.sync import sync_repo
from ..validate import _forget, check_records
from . import overlap
from .job import ImportJob


def run(job: ImportJob) -> None:
    if job.checker is not None:  # the worker checks the records (.overlap)
        overlap.check_here(job)
        return
    assert job.parsed is not None, "the parse stage runs before"
    try:
        job.content = check_records(
            job.parsed,
            job.bundle,
            sync_repo(job.store),
            known_certificates(job.store),
            dt.datetime.now(dt.UTC),
        )
    finally:
        _forget()  # the per-import caches of checked values
    job.parsed = None  # the records live on in job.content
