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
