"""Stage 4: strict parsing and validation of every record of a bundle.

Each line must be one JSON object (valid UTF-8, no duplicate keys, no NaN or infinities, no
number beyond 1e15, no lone surrogates) with exactly the expected fields of the expected
types; text goes through the same validation as typed input and must come out unchanged
(records are stored in normal form); every finalized inspection's content hash is recomputed;
every reference (premises, instrument, parent revision, standard, attachment) must resolve
in the bundle or in the database; the records listed in the manifest must be exactly those
in the files; the device's audit-chain segment must hash-link and extend what this database
accepted from that device before (a fork is refused).

The database is only read (through the sync repository).

One module per kind of record (:mod:`.records`, :mod:`.inspections`, :mod:`.visits` with
:mod:`.sweep_rows`,
:mod:`.reviews`, :mod:`.trust`, :mod:`.rule_data`, :mod:`.audit`), the exact shape of a
visit line for msgspec's typed decoder in :mod:`.shapes` (a line of that shape skips the
checks of its rows the shape makes), the shared checks in
:mod:`.values` and :mod:`.images`, the checks across records in :mod:`.references`,
:mod:`.times` and :mod:`.rules`, and the order of it all in :mod:`.bundle`.
"""

from .audit import AUDIT_FIELDS, parse_audit
from .bundle import PARSERS, Parsed, check_records, parse_records, validate_bundle
from .images import (
    MAX_ATTACHMENT_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    _sniff,
    image_problem,
    image_size,
)
from .inspections import (
    ATTACHMENT_FIELDS,
    CONTENT_FIELDS,
    FINDING_FIELDS,
    INSPECTION_FIELDS,
    JSON_COLUMNS,
    parse_inspection,
    parse_inspection_line,
)
from .records import parse_instrument, parse_premises, parse_standard, parse_tombstone
from .reviews import REVIEW_FIELDS, parse_ack, parse_assignment, parse_review
from .rule_data import parse_form_version, parse_rule_data
from .times import FUTURE_SLACK, PLAUSIBLE_FROM, read_time
from .trust import parse_issuing_body, parse_revocation
from .values import (
    _DECIMAL_OK,
    _OK,
    CACHE_MAX,
    CACHED_LEN,
    MAX_DEPTH,
    MAX_INT,
    NUMERIC,
    SPECIAL,
    _forget,
    iter_lines,
)
from .visits import parse_campaign, parse_visit

__all__ = [
    "ATTACHMENT_FIELDS",
    "AUDIT_FIELDS",
    "CACHED_LEN",
    "CACHE_MAX",
    "CONTENT_FIELDS",
    "FINDING_FIELDS",
    "FUTURE_SLACK",
    "INSPECTION_FIELDS",
    "JSON_COLUMNS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_DEPTH",
    "MAX_IMAGE_PIXELS",
    "MAX_IMAGE_SIDE",
    "MAX_INT",
    "NUMERIC",
    "PARSERS",
    "Parsed",
    "PLAUSIBLE_FROM",
    "REVIEW_FIELDS",
    "SPECIAL",
    "_DECIMAL_OK",
    "_OK",
    "_forget",
    "_sniff",
    "check_records",
    "image_problem",
    "image_size",
    "iter_lines",
    "parse_ack",
    "parse_assignment",
    "parse_audit",
    "parse_campaign",
    "parse_form_version",
    "parse_inspection",
    "parse_inspection_line",
    "parse_instrument",
    "parse_issuing_body",
    "parse_premises",
    "parse_records",
    "parse_review",
    "parse_revocation",
    "parse_rule_data",
    "parse_standard",
    "parse_tombstone",
    "parse_visit",
    "read_time",
    "validate_bundle",
]
