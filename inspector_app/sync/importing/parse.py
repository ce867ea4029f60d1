"""Stage *parse*: every line of every ``records/*.jsonl`` entry read as strict JSON and
turned into its record by the parser of its table (``sync.validate.PARSERS``, one module
per kind of record). A line that cannot be read is noted, not raised yet: the *validate*
stage names it together with what else is wrong. The entries' bytes are let go of as they
are read: from here on the import holds the records, not their text.

A large bundle's lines are checked in a worker process instead (``.overlap``): the *open*
stage sent them to it, and this stage only builds the records; the *merge* stage waits for
the worker's answer before its transaction ends."""

from __future__ import annotations

import datetime as dt

from ..format import BundleRejected
from ..validate import parse_records
from . import overlap
from .job import ImportJob


def run(job: ImportJob) -> None:
    checker = job.checker  # started by the open stage for a large file
    if checker is None or checker.sender is None:  # the records were not sent to it
        overlap.stop(checker)
        job.checker = None
        job.parsed = parse_records(
            job.bundle, job.limits.max_line_bytes, job.progress, release=True
        )
        return
    overlap.send_rest(job, checker, dt.datetime.now(dt.UTC))
    try:
        built = parse_records(job.bundle, job.limits.max_line_bytes, job.progress, unchecked=True)
    except BundleRejected:  # cancelled
        raise
    except Exception as exc:  # a line too far off to build: the checks here name it
        raise overlap.Recheck("a record could not be built") from exc
    if built.problems:
        raise overlap.Recheck("a line could not be read")
    job.content = built.content
