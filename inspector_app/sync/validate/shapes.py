"""The exact shape of a visit line, for msgspec's typed decoder: the fast path of the bulk of
a large bundle (about two hundred thousand sweep rows a year).

A visit line that decodes with :data:`VISIT_DECODE` and renders back to the very bytes it
came as (``jsonlines.loads_typed``) holds, besides what every canonical line holds, exactly
the members of a visit and of each sweep row with the JSON types the checks want: the
answers among their allowed texts, ``rest_ok`` true or false, the judged texts no longer
than the checks allow, ``seq`` a small whole number, and no other integer anywhere (so
none the strict parser would refuse for its length). The checks of a row that remain
(``sweep_rows._rows_ok`` with ``typed``: ids, the row's place, clean texts, decimals) are
done on the decoded rows. A line of any other shape (a member missing, unknown, of another
type; any error) goes the untyped way, whose checks name what is wrong, with the same words
as before: the shape only lets a good line skip checks it is known to pass.

msgspec takes the last of two equal keys and drops an unknown member of a TypedDict: the
rendering of such a line is shorter than the line, so it is never taken as it.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired, TypedDict, get_args

import msgspec

TEXT_MAX = 10_000  # the longest text field a visit or sweep row may carry (sweep_rows)
ROWS_MAX = 5000  # the most sweep rows a visit holds (visits.parse_visit)

Answer = Literal["", "yes", "no", "na"]  # domain.visits.ANSWERS, or unchecked
Cheating = Literal["", "no", "yes"]  # domain.visits.CHEATING_ANSWERS, or unchecked
Judged = Annotated[str, msgspec.Meta(max_length=TEXT_MAX)]
Seq = Annotated[int, msgspec.Meta(ge=0, lt=ROWS_MAX)]


class RowLine(TypedDict):
    """A sweep row as a visit line carries it (the fields of ``domain.visits.SweepRow``)."""

    approval: Answer
    cheating: Cheating
    error: Judged
    id: str
    identity_code: str
    indication: str
    inspection_id: str | None
    instrument_id: str | None
    label: str
    load: str
    mark: Answer
    mpe: Judged
    nameplate: Answer
    note: str
    premises_id: str | None
    quick_verdict: Judged
    rest_ok: bool
    rule: Judged
    seal: Answer
    seq: Seq
    visit_id: str


class OfficerLine(TypedDict):
    certificate_no: str
    name: str


class VisitLine(TypedDict):
    """A sealed visit as a bundle carries it (``domain.visits.Visit`` with its rows, the ids
    of its inspections, and its photos when it has some)."""

    campaign_id: str | None
    content_hash: str
    covert: dict[str, str]
    duties: dict[str, str]
    duty_set: str
    finalized_at: str
    id: str
    inspections: list[str]
    inspector: str
    kind: str
    market: str
    notes: str
    officers: list[OfficerLine]
    photos: NotRequired[list[str]]
    place: str
    premises_id: str | None
    rows: list[RowLine]
    started_at: str
    status: str


VISIT_DECODE = msgspec.json.Decoder(VisitLine).decode
ANSWERS = frozenset(get_args(Answer))
CHEATING = frozenset(get_args(Cheating))


# ---- inspection lines -------------------------------------------------------------------
#
# An inspection line's JSON columns (environment, checklist, tests, result) hold values of
# any JSON shape; the typed decoder reads them as plain JSON values nested at most a few
# levels deep (a result: its tests, their items, each item's texts) with integers of at most
# 16 digits, as the strict parser reads them (``jsonlines._int``). It proves nothing about
# those values (the walk of ``values._walk_values`` and the checks still run): what it saves
# is the look over the whole line for deep nesting and for long integers that a line decoded
# without types needs (``jsonlines._fast_candidate``, ``_has_long_int``), since a line it
# decodes holds neither. A line nested deeper, or with a fraction, goes the untyped way.

Int16 = Annotated[int, msgspec.Meta(ge=-(10**16 - 1), le=10**16 - 1)]  # at most 16 digits
Leaf = str | Int16 | bool | None
Json5 = Leaf
Json4 = Leaf | list[Json5] | dict[str, Json5]
Json3 = Leaf | list[Json4] | dict[str, Json4]
Json2 = Leaf | list[Json3] | dict[str, Json3]
Json1 = Leaf | list[Json2] | dict[str, Json2]
Json = Leaf | list[Json1] | dict[str, Json1]  # a value nested at most six levels deep


class InspectionLine(TypedDict):
    """An inspection as a bundle carries it (``domain.models.Inspection``, its findings and
    attachment references as objects), each member of any JSON type it may have."""

    attachments: Json
    check: Json
    checklist: Json
    content_hash: Json
    correction_reason: Json
    environment: Json
    family: Json
    finalized_at: Json
    findings: Json
    id: Json
    inspector: Json
    instrument_id: Json
    notes: Json
    parent_id: Json
    place: Json
    premises_id: Json
    record_id: Json
    result: Json
    revision: Json
    ruleset: Json
    signature: Json
    signer: Json
    standards: Json
    started_at: Json
    status: Json
    tests: Json
    verdict: Json


INSPECTION_DECODE = msgspec.json.Decoder(InspectionLine).decode


class AuditLine(TypedDict):
    """An audit entry as a bundle carries it (``validate.audit.AUDIT_FIELDS``): read whole
    (``jsonlines.loads_typed_whole``), its members needing no canonical text of their own."""

    action: str
    actor: str
    at: str
    detail: str
    device_id: str
    entity: str
    entity_id: str
    hash: str
    prev_hash: str
    seq: Int16


AUDIT_DECODE = msgspec.json.Decoder(AuditLine).decode
