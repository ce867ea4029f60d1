"""Enforcement cases in bundles (``records/cases.jsonl``), both directions.

A case keeps changing after it is decided (orders, service, payment, closure), on the laptop
and at the office. It travels whole, with its evidence list and its append-only events, and
joins the other side by a **moves-forward merge**:

- the incoming events must *extend* the events held here (the same events first, in the
  same order, then new ones): then the case moves forward (*updated*) and the new events and
  evidence are appended;
- the same events and the same content: *unchanged*; the incoming events a strict beginning
  of ours: the other side is behind (*stale*, nothing changes);
- anything else is a **conflict** (both sides changed the case since they last met, the
  sealed decided content or the evidence of a decided case would change, a closed case
  would change, or the case number is another case's here): the case is left as it is
  here and the conflict is kept for a person, with one sentence saying why.

Every field is checked as untrusted input (``parse_case``): the exact fields and types,
text in normal form, the party and officers as the program checks them when they are
typed, articles that exist in their edition, the decision within the law, dates that are
real and in the order of the states, events that end in the case's state, and the decided
and closed hashes recomputed. A line that fails refuses the whole bundle (stage 4).

A laptop keeps only cases it holds (the office sends all of its cases; those of other
laptops are *skipped*); the office takes every case a laptop sends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..domain.canonical import canonical_bytes
from ..domain.cases import (
    Case,
)
from ..domain.errors import InputError
from ..domain.text import clean_text
from ..store import case_bundles
from .case_lines import STATE_ORDER, TABLE

if TYPE_CHECKING:
    from ..crypto.keys import Identity
    from ..store.sync import SyncRepo
    from .format import BundleContent, ProblemList
    from .manifest import Manifest
    from .merge import MergeResult


# -- writing -------------------------------------------------------------------------------------


def case_line(conn: sqlite3.Connection, case: Case) -> dict[str, Any]:
    repo_evidence = [
        {"kind": r[0], "ref": r[1], "note": r[2]}
        for r in conn.execute(
            "SELECT kind, ref, note FROM case_evidence WHERE case_id = ? ORDER BY seq", (case.id,)
        )
    ]
    return {
        "case": case.as_dict(),
        "evidence": repo_evidence,
        "events": case_bundles.bundle_events(conn, case.id),
    }


def sent_key(line: dict[str, Any]) -> str:
    """What a field export remembers it sent: the case at this number of events."""
    return f"{line['case']['id']}#{len(line['events'])}"


def collect(conn: sqlite3.Connection, sent: set[str] | None = None) -> list[dict[str, Any]]:
    """Every case as a bundle line (a laptop: only those changed since they were last sent,
    when *sent* is given), oldest first."""
    ids = [r[0] for r in conn.execute("SELECT id FROM cases ORDER BY clue_date, case_no, id")]
    by_id = case_bundles.cases_by_id(conn, ids)
    lines = [case_line(conn, by_id[i]) for i in ids]
    if sent is not None:
        lines = [x for x in lines if sent_key(x) not in sent]
    return lines


# -- checks against this database (stage 4) ---------------------------------------------------


def check(content: BundleContent, repo: SyncRepo, problems: ProblemList) -> None:
    """Duplicates within the bundle, and the premises of each case a field bundle brings
    resolve in the bundle or here."""
    items = getattr(content, TABLE)
    if not items:
        return
    seen: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for n, item in enumerate(items, start=1):
        c = item["case"]
        where = f"records/cases.jsonl line {n}"
        if c.id in seen:
            problems.add(where, f"case.id: the case {c.id} appears twice (line {seen[c.id]})")
        seen.setdefault(c.id, n)
        if c.case_no in numbers and items[numbers[c.case_no] - 1]["case"].id != c.id:
            problems.add(where, f"case.case_no: {c.case_no} is also line {numbers[c.case_no]}")
        numbers.setdefault(c.case_no, n)
    prem = {r[0].id for r in content.premises}
    wanted = [i["case"].premises_id for i in items if i["case"].premises_id]
    db_prem = repo.existing_ids("premises", wanted) if wanted else set()
    here = case_bundles.cases_by_id(repo.store.conn, [i["case"].id for i in items])
    for n, item in enumerate(items, start=1):
        c = item["case"]
        if c.premises_id and c.premises_id not in prem | db_prem and c.id not in here:
            problems.add(
                f"records/cases.jsonl line {n}",
                f"case.premises_id: the premises {c.premises_id} are neither in the bundle"
                " nor in this database",
            )


# -- merging (stage 5) ------------------------------------------------------------------------


def _event_keys(events: list[dict[str, Any]]) -> list[bytes]:
    return [canonical_bytes(e) for e in events]


def _line_hash(line: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(line)).hexdigest()


def plan(
    local: Case | None, local_line: dict[str, Any] | None, item: dict[str, Any]
) -> tuple[str, str]:
    """(outcome, one-sentence reason) for an incoming case against the one held here:
    ``new``, ``unchanged``, ``stale``, ``updated`` or ``conflict``."""
    c: Case = item["case"]
    if local is None or local_line is None:  # (there is a line for every case held here)
        return "new", ""
    mine = _event_keys(local_line["events"])
    theirs = _event_keys(item["events"])
    no = c.case_no
    if mine == theirs:
        if (
            local_line["case"] == item["line"]["case"]
            and local_line["evidence"] == item["line"]["evidence"]
        ):
            return "unchanged", ""
        return "conflict", f"case {no} has the same history on both sides but other content"
    if theirs[: len(mine)] != mine:
        if mine[: len(theirs)] == theirs:
            return "stale", ""
        at = next(i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b)
        return (
            "conflict",
            f"case {no} was changed here and on the other side since they last met (their"
            f" histories part at event {at + 1}); it was left as it is here",
        )
    # the incoming history extends ours: it may add, never rewrite what is sealed here
    if local.status == "closed":
        return "conflict", f"case {no} is closed here and cannot change"
    if local.decided_hash is not None:
        if c.decided_hash != local.decided_hash:
            return (
                "conflict",
                f"case {no} was decided here and the incoming case would change what the"
                " decision rests on (party, facts, articles, decision or evidence)",
            )
    mine_ev = local_line["evidence"]
    if item["line"]["evidence"][: len(mine_ev)] != mine_ev:
        return (
            "conflict",
            f"case {no}: the incoming evidence list removes or rewrites evidence held here"
            " (evidence is only ever added)",
        )
    if STATE_ORDER[c.status] < STATE_ORDER[local.status] and not (
        local.status == "closed"  # unreachable: refused above
    ):
        return "conflict", f"case {no} would go back from {local.status} to {c.status}"
    return "updated", ""


def merge(
    repo: SyncRepo,
    content: BundleContent,
    m: Manifest,
    seq: int,
    result: MergeResult,
    conflict: Callable[..., None],
) -> None:
    """Apply the validated cases (inside the import transaction). *conflict* is the merge
    module's function that keeps a conflict for a person."""
    items = getattr(content, TABLE)
    if not items:
        return
    conn = repo.store.conn
    office_to_field = m.direction == "office->field"
    here = case_bundles.cases_by_id(conn, [i["case"].id for i in items])
    taken = case_bundles.case_numbers(conn, [i["case"].case_no for i in items])
    for item in items:
        c: Case = item["case"]
        local = here.get(c.id)
        if local is None and office_to_field:
            result.note(TABLE, "case", c.id, "skipped")  # another laptop's or the office's case
            continue
        local_line = case_line(conn, local) if local is not None else None
        outcome, reason = plan(local, local_line, item)
        if outcome == "new" and taken.get(c.case_no, c.id) != c.id:
            outcome, reason = (
                "conflict",
                f"case number {c.case_no} is used here by another case; the incoming case"
                " was not stored",
            )
        if outcome == "conflict":
            conflict(
                repo,
                result,
                TABLE,
                "case",
                c.id,
                reason,
                local_line,
                item["line"],
                _line_hash(item["line"]),
                m.bundle_id,
                seq,
            )
            continue
        if outcome == "new":
            case_bundles.insert_from_bundle(
                conn, c, item["evidence"], item["events"], seq, m.source_device
            )
        elif outcome == "updated" and local_line is not None:
            n_ev = len(local_line["evidence"])
            case_bundles.forward_from_bundle(
                conn,
                c,
                item["evidence"][n_ev:],
                n_ev,
                item["events"][len(local_line["events"]) :],
                seq,
            )
        if outcome in ("new", "updated") and not office_to_field:
            # the re-inspection of an order made in the field is on the office's list too
            case_bundles.followups_from_bundle(conn, c, item["events"], seq)
        result.note(TABLE, "case", c.id, outcome)


# -- the working-day calendar, office -> field ------------------------------------------------
# An office that adds a year to the holiday calendar (``case calendar FILE``) sends it to its
# laptops in every office bundle, signed at export by the office key that signs the bundle;
# a laptop keeps it only when that key is a trusted office key (the same check as rule data
# versions, services.cases.check_calendar) and the version is newer than the one it has.
CALENDAR_TABLE = "calendars"
CALENDAR_NAME = "cn_workdays"
CALENDAR_KEYS = {"name", "version", "text", "created_by", "created_at", "signature", "signer_cert"}
MAX_CALENDAR_BYTES = 200_000


def calendar_payload(record: dict[str, Any]) -> bytes:
    """What the office key signs: every field of the record but the signature itself."""
    body = {k: record[k] for k in ("name", "version", "text", "created_by", "created_at")}
    return canonical_bytes({"kind": "inspector-work-calendar", **body})


def parse_calendar(obj: object, path: str = "calendar") -> dict[str, Any]:
    """A calendar line of an office bundle, as untrusted input: exact fields, a calendar
    file this program reads whose version is the one named; the signature is checked
    against the trust list before the merge (services.sync)."""
    from ..domain import deadlines as dd

    path = "calendar"
    if not isinstance(obj, dict) or set(obj) != CALENDAR_KEYS:
        raise InputError(path, f"must have exactly the fields {', '.join(sorted(CALENDAR_KEYS))}")
    for k in CALENDAR_KEYS:
        if not isinstance(obj[k], str):
            raise InputError(f"{path}.{k}", "must be text")
    if obj["name"] != CALENDAR_NAME:
        raise InputError(f"{path}.name", f"must be {CALENDAR_NAME}")
    if len(obj["text"].encode("utf-8")) > MAX_CALENDAR_BYTES:
        raise InputError(f"{path}.text", "is too large")
    cal = dd.parse_calendar(obj["text"], f"{path}.text")
    if not cal.version or cal.version != obj["version"]:
        raise InputError(f"{path}.version", "differs from the version its calendar file names")
    clean_text(obj["created_by"], f"{path}.created_by", max_len=200, required=True)
    try:
        when = dt.datetime.fromisoformat(obj["created_at"])
    except ValueError:
        raise InputError(f"{path}.created_at", "must be an ISO 8601 time") from None
    if when.utcoffset() != dt.timedelta(0):
        raise InputError(f"{path}.created_at", "must be in UTC (+00:00)")
    if len(obj["signature"]) > 2000 or len(obj["signer_cert"]) > 20000:
        raise InputError(f"{path}.signature", "is too large")
    return obj


def calendar_records(
    conn: sqlite3.Connection, identity: Identity, sign: Callable[[Identity, bytes], str]
) -> list[dict[str, Any]]:
    """The office's newer calendar (if it installed one) as a signed bundle line; *sign*
    makes the signature with *identity* (services.rule_data.sign)."""
    row = conn.execute(
        "SELECT version, text FROM case_data_files WHERE name = ?", (CALENDAR_NAME,)
    ).fetchone()
    if row is None:
        return []
    rec = {
        "name": CALENDAR_NAME,
        "version": str(row[0]),
        "text": str(row[1]),
        "created_by": identity.name,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    rec["signature"] = sign(identity, calendar_payload(rec))
    rec["signer_cert"] = identity.certificate_pem().decode("ascii")
    return [rec]


def merge_calendars(
    repo: SyncRepo, content: BundleContent, m: Manifest, seq: int, result: MergeResult
) -> None:
    """Keep the office's calendar when it is newer than the one in force here (the shipped
    file or one kept before); an older or equal one changes nothing."""
    from ..domain import deadlines as dd

    if m.direction != "office->field":
        return
    conn = repo.store.conn
    for rec in getattr(content, CALENDAR_TABLE):
        here = case_bundles.data_file_version(conn, rec["name"])
        shipped = dd.load_calendar().version
        if rec["version"] > max(here or "", shipped):
            case_bundles.put_data_file(conn, rec["name"], rec["version"], rec["text"])
            result.note(CALENDAR_TABLE, "calendar", rec["version"], "new")
        else:
            result.note(CALENDAR_TABLE, "calendar", rec["version"], "unchanged")
