"""Stage *parse*: every line of every ``records/*.jsonl`` entry read as strict JSON and
turned into its record by the parser of its table (``sync.validate.PARSERS``, one module
per kind of record). A line that cannot be read is noted, not raised yet: the *validate*
stage names it together with what else is wrong. The entries' bytes are let go of as they
are read: from here on the import holds the records, not their text."""

from __future__ import annotations

from ..validate import parse_records
from .job import ImportJob


def run(job: ImportJob) -> None:
    job.parsed = parse_records(job.bundle, job.limits.max_line_bytes, job.progress, release=True)
