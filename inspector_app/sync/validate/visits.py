"""Visits (sealed, with their sweep rows and inspections) and campaigns; then the visits of a
bundle checked against each other and against what this database already holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ...domain.canonical import canonical_bytes
from ...domain.errors import InputError
from ..format import (
    HEX64,
    ID_RE,
    BundleContent,
)
from ..jsonlines import join_parts
from .sweep_rows import _check_row, _ids_ok, _row_fields, _row_ok, _rows_ok
from .times import FUTURE_SLACK, PLAUSIBLE_FROM, _as_utc, _possible_time, read_time
from .values import (
    _id,
    _keys,
    _normal,
    _str,
)

if TYPE_CHECKING:
    from ...store.sync import SyncRepo
    from ..format import ProblemList

# the fields of domain.visits.Visit, and those of a visit line without and with photos (read once)
_VISIT_FIELDS: list[frozenset[str]] = []
_DUTY_KEYS: dict[str, set[str]] = {}  # duty set -> its duty keys (forms shipped with the program)


def parse_visit(
    obj: dict[str, Any],
    path: str = "visit",
    parts: dict[str, bytes] | None = None,
    *,
    typed: bool = False,
) -> dict[str, Any]:
    """A sealed visit (现场检查) with its sweep rows and the ids of its inspections: every
    field in normal form, the times real, and the content hash recomputed over the visit and
    its rows (domain.visits.visit_hash) equal to the one it carries. *parts* is the canonical
    text of each top-level value when the line was canonical (``jsonlines.loads_with_parts``):
    the hash is then computed from those texts. *typed*: the line has the exact shape of a
    visit line (``shapes.VisitLine``), so the checks of its rows that the shape makes are
    not made again."""
    from ...domain.visits import (
        ANSWERS,
        DUTY_SETS,
        Officer,
        SweepRow,
        Visit,
        load_duties,
        validate_row,
        validate_visit,
        visit_content,
    )

    if not _VISIT_FIELDS:
        _VISIT_FIELDS.append(frozenset(f.name for f in dataclasses.fields(Visit)))
        _VISIT_FIELDS.append(_VISIT_FIELDS[0] | {"rows", "inspections"})
        _VISIT_FIELDS.append(_VISIT_FIELDS[1] | {"photos"})
    fields = _VISIT_FIELDS[0]
    # "photos" only when the visit has some (it then counts in the content hash)
    line_fields = _VISIT_FIELDS[2] if "photos" in obj else _VISIT_FIELDS[1]
    if obj.keys() != line_fields:
        _keys(obj, line_fields, path)
    photos = obj.get("photos", [])
    if type(photos) is not list or not 0 < len(photos) <= 50 and "photos" in obj:
        raise InputError(f"{path}.photos", "must be a list of 1 to 50 photos")
    for i, sha in enumerate(photos):
        if not isinstance(sha, str) or not HEX64.match(sha):
            raise InputError(f"{path}.photos[{i}]", "must be 64 hexadecimal digits")
    if len(set(photos)) != len(photos):
        raise InputError(f"{path}.photos", "a photo appears twice")
    if obj["status"] != "finalized":
        raise InputError(f"{path}.status", "only sealed (finalized) visits travel in bundles")
    # (the path of a value is written out only when it is refused: a large bundle's visits
    # pass, and a text or an id that passes is looked at once)
    for k in ("id", "premises_id", "campaign_id"):
        v = obj[k]
        if (v is not None or k == "id") and (type(v) is not str or not ID_RE.match(v)):
            _id(v, f"{path}.{k}", allow_none=k != "id")
    if not isinstance(obj["content_hash"], str) or not HEX64.match(obj["content_hash"]):
        raise InputError(f"{path}.content_hash", "must be 64 hexadecimal digits")
    for k in ("started_at", "finalized_at"):
        v = obj[k]
        if type(v) is not str or len(v) > 40 or read_time(v)[1] is not None:
            _possible_time(_str(v, f"{path}.{k}", 40), f"{path}.{k}")
    for k in ("kind", "inspector", "market", "place", "notes", "duty_set"):
        v = obj[k]
        if type(v) is not str or len(v) > 10_000:
            _str(v, f"{path}.{k}", 10_000)
    for k in () if typed else ("duties", "covert"):  # (typed: objects of texts)
        if type(obj[k]) is not dict or not all(type(x) is str for x in obj[k].values()):
            raise InputError(f"{path}.{k}", "must be an object of texts")
    officers = obj["officers"]
    if type(officers) is not list or len(officers) > 50:
        raise InputError(f"{path}.officers", "must be a list of at most 50 officers")
    for i, o in enumerate(officers):
        if (
            type(o) is dict
            and o.keys() == _OFFICER_FIELDS
            and type(name := o["name"]) is str
            and type(cert := o["certificate_no"]) is str
            and len(name) <= 200
            and len(cert) <= 200
        ):
            continue
        if type(o) is not dict:
            raise InputError(f"{path}.officers[{i}]", "must be an object")
        _keys(o, _OFFICER_FIELDS, f"{path}.officers[{i}]")
        for k in ("name", "certificate_no"):
            _str(o[k], f"{path}.officers[{i}].{k}")
    data = {k: obj[k] for k in fields}
    data["officers"] = [Officer(**o) for o in officers]
    visit = Visit(**data)
    duty_set, duties = obj["duty_set"], obj["duties"]
    if duties:  # the duties form is read once per import, not once per visit
        keys = _DUTY_KEYS.get(duty_set)
        if keys is None and duty_set in DUTY_SETS.values():
            keys = _DUTY_KEYS[duty_set] = {d.key for d in load_duties(duty_set).duties}
        if keys is None:
            raise InputError(f"{path}.duty_set", "must name the set of duties its answers are of")
        for k, a in duties.items():
            if k not in keys:
                raise InputError(f"{path}.duties.{k}", f"is not a duty of the {duty_set} form")
            if a not in ANSWERS:
                raise InputError(f"{path}.duties.{k}", "must be yes, no or na")
    try:
        bare = Visit(**{**data, "duties": {}})  # (dataclasses.replace, without its look-ups)
        _normal(bare, validate_visit(bare), path)
    except InputError as exc:
        if exc.path.startswith("visit.") and path != "visit":
            exc = InputError(path + exc.path[len("visit") :], exc.message)
        raise exc from None
    rows_in = obj["rows"]
    if type(rows_in) is not list or len(rows_in) > 5000:
        raise InputError(f"{path}.rows", "must be a list of at most 5000 sweep rows")
    row_fields = _row_fields()
    vid = obj["id"]
    if not _rows_ok(rows_in, vid, typed):  # then row by row, and the full check names the problem
        for i, r in enumerate(rows_in):
            if not _row_ok(r, vid, i):
                _check_row(r, vid, i, f"{path}.rows[{i}]", row_fields, validate_row, SweepRow)
    if len(set(map(_ROW_ID, rows_in))) != len(rows_in):
        raise InputError(f"{path}.rows", "a sweep row id appears twice")
    ids = obj["inspections"]
    if type(ids) is not list or len(ids) > 5000:
        raise InputError(f"{path}.inspections", "must be a list of at most 5000 ids")
    if not _ids_ok(ids):  # then one by one, naming the first that is not an id
        for i, x in enumerate(ids):
            _id(x, f"{path}.inspections[{i}]")
    if _visit_hash(visit, rows_in, photos, visit_content, parts) != visit.content_hash:
        raise InputError(
            f"{path}.content_hash", "does not match the visit's content (the visit was altered)"
        )
    return obj


_OFFICER_FIELDS = frozenset({"name", "certificate_no"})
_ROW_ID = itemgetter("id")

# The members of a visit line its content hash does not cover (domain.visits.visit_content).
_NOT_HASHED = frozenset({"status", "content_hash", "inspections"})


def _visit_hash(
    visit: Any,
    rows: list[dict[str, Any]],
    photos: list[str],
    visit_content: Callable[..., Any],
    parts: dict[str, bytes] | None = None,
) -> str:
    """``domain.visits.visit_hash`` of the visit with the sweep rows as they arrived: a row
    that passed the checks holds exactly the fields of a SweepRow, unchanged by cleaning, in
    order of seq, so the canonical text is the same as for the SweepRow objects. The visit's
    other members passed the checks unchanged too (its officers hold exactly an Officer's
    fields, "photos" is there only when it has some), so with *parts* the hashed text is the
    line's own members less those the hash leaves out."""
    if parts is not None:
        keys = tuple(k for k in parts if k not in _NOT_HASHED)
        return hashlib.sha256(join_parts(parts, keys)).hexdigest()
    data = visit_content(visit, [], photos)
    data["rows"] = rows
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


def parse_campaign(obj: dict[str, Any], path: str = "campaign") -> dict[str, Any]:
    """A special campaign (专项) the office defined: every field in normal form."""
    from ...store.campaigns import Campaign, validate_campaign

    _keys(obj, {f.name for f in dataclasses.fields(Campaign)}, path)
    _id(obj["id"], f"{path}.id")
    for k in ("name", "date_from", "date_to", "notes"):
        _str(obj[k], f"{path}.{k}", 10_000)
    for k in ("kinds", "regions", "focus"):
        if type(obj[k]) is not list or len(obj[k]) > 200:
            raise InputError(f"{path}.{k}", "must be a list of at most 200 texts")
        for i, x in enumerate(obj[k]):
            _str(x, f"{path}.{k}[{i}]")
    c = Campaign(**obj)
    try:
        _normal(c, validate_campaign(c), path)
    except InputError as exc:
        if exc.path.startswith("campaign.") and path != "campaign":
            exc = InputError(path + exc.path[len("campaign") :], exc.message)
        raise exc from None
    return obj


def _campaign_ids(repo: SyncRepo, ids: list[str]) -> set[str]:
    ids = [i for i in ids if i]
    if not ids:
        return set()
    from ...store.visit_bundles import campaign_ids

    return campaign_ids(repo.store.conn, ids)


_ROW_REFS = tuple(map(itemgetter, ("instrument_id", "premises_id", "inspection_id")))
_ROWS = itemgetter("rows")


def _check_visits(
    content: BundleContent,
    repo: SyncRepo,
    now: dt.datetime,
    problems: ProblemList,
    bundle_shas: set[str] | frozenset[str] = frozenset(),
) -> None:
    """A sealed visit's premises, campaign, instruments, inspections and photos resolve (in
    the bundle or in this database, looked up in batches); its times are in order and not in
    the future; an inspection already in another visit here is refused."""
    if not content.visits:
        return
    conn = repo.store.conn
    photo_shas = {sha for v in content.visits for sha in v.get("photos", [])}
    have = set(bundle_shas) | repo.attachment_shas(photo_shas - set(bundle_shas))
    for n, v in enumerate(content.visits, start=1):
        for sha in v.get("photos", []):
            if sha not in have:
                problems.add(
                    f"records/visits.jsonl line {n}",
                    f"visit.photos: the photo {sha[:12]}… is neither in the bundle nor here",
                )
    prem = {r[0].id for r in content.premises}
    inst = {r[0].id for r in content.instruments}
    insp = {x.id for x in content.inspections}
    # the references of all the rows of all the visits, a column at a time (instruments,
    # premises, inspections: loops in C); only the ids the bundle does not hold are looked up
    # in the database
    rows = list(chain.from_iterable(map(_ROWS, content.visits)))
    row_inst, row_prem, row_insp = (set(map(get, rows)) for get in _ROW_REFS)
    premises = {v["premises_id"] for v in content.visits}
    premises.update(row_prem)
    db_prem = repo.existing_ids("premises", {p for p in premises - prem if p})
    instruments = row_inst
    db_inst = repo.existing_ids("instrument", {i for i in instruments - inst if i})
    wanted = {x for v in content.visits for x in v["inspections"]}
    wanted.update(row_insp)
    db_insp = repo.existing_ids("inspection", {i for i in wanted - insp if i})
    from ...store.visit_bundles import campaign_ids, inspection_visits, upgrade_visits, visit_states

    db_camp = campaign_ids(conn, [v["campaign_id"] for v in content.visits if v["campaign_id"]])
    db_camp |= {c["id"] for c in content.campaigns}
    here = inspection_visits(conn, [x for v in content.visits for x in v["inspections"]])
    states = visit_states(conn, [v["id"] for v in content.visits])
    gathered = upgrade_visits(conn, list(here.values()))
    claimed: dict[str, str] = {}
    duplicates: set[str] = set()
    prem_all, inst_all, insp_all = prem | db_prem, inst | db_inst, insp | db_insp
    # every reference of every row resolves (the common case, checked in C): the rows are
    # then not looked at one by one
    rows_resolve = (
        inst_all.issuperset(filter(None, row_inst))
        and prem_all.issuperset(filter(None, row_prem))
        and insp_all.issuperset(filter(None, row_insp))
    )
    latest = now + FUTURE_SLACK
    for n, v in enumerate(content.visits, start=1):
        where = f"records/visits.jsonl line {n}"
        others = {here[x] for x in v["inspections"] if here.get(x) not in (None, v["id"])}
        if v["inspections"] and all(x in here for x in v["inspections"]) and others <= gathered:
            # both sides gathered these inspections into a visit when they were upgraded to
            # schema 6: the office keeps its own, this one is not stored
            if others:
                duplicates.add(v["id"])
                content.warn(
                    where,
                    f"visit {v['id']}: its inspections are in the visit "
                    f"{', '.join(sorted(others))} here (made at the upgrade); not stored again",
                )
                continue
        state = states.get(v["id"])
        if state is not None and state != ("finalized", v["content_hash"]):
            problems.add(
                where,
                f"visit.content_hash: the visit {v['id']} is "
                + ("a draft" if state[0] == "draft" else "sealed with other content")
                + " here; a sealed visit is never changed",
            )
        if v["premises_id"] and v["premises_id"] not in prem_all:
            problems.add(
                where, f"visit.premises_id: the premises {v['premises_id']} do not resolve"
            )
        if v["campaign_id"] and v["campaign_id"] not in db_camp:
            problems.add(
                where,
                f"visit.campaign_id: the campaign {v['campaign_id']} is neither in the bundle "
                "nor in this database",
            )
        for i, r in enumerate(() if rows_resolve else v["rows"]):
            if r["instrument_id"] and r["instrument_id"] not in inst_all:
                problems.add(
                    where,
                    f"visit.rows[{i}].instrument_id: the instrument {r['instrument_id']} "
                    "does not resolve",
                )
            if r["premises_id"] and r["premises_id"] not in prem_all:
                problems.add(
                    where,
                    f"visit.rows[{i}].premises_id: the premises {r['premises_id']} do not resolve",
                )
            if r["inspection_id"] and r["inspection_id"] not in insp_all:
                problems.add(
                    where,
                    f"visit.rows[{i}].inspection_id: the inspection {r['inspection_id']} "
                    "is neither in the bundle nor in this database",
                )
        for i, x in enumerate(v["inspections"]):
            if x not in insp and x not in db_insp:
                problems.add(
                    where,
                    f"visit.inspections[{i}]: the inspection {x} is neither in the "
                    "bundle nor in this database",
                )
            elif here.get(x) not in (None, v["id"]):
                problems.add(
                    where,
                    f"visit.inspections[{i}]: the inspection {x} belongs to the visit "
                    f"{here[x]} here",
                )
            elif claimed.setdefault(x, v["id"]) != v["id"]:
                problems.add(
                    where,
                    f"visit.inspections[{i}]: the inspection {x} is also claimed by "
                    f"the visit {claimed[x]}",
                )
        started, _ = read_time(v["started_at"])
        finalized, _ = read_time(v["finalized_at"])
        if started is not None and finalized is not None:
            started, finalized = _as_utc(started), _as_utc(finalized)
            if finalized < started - FUTURE_SLACK:
                problems.add(where, "visit.finalized_at: the visit was sealed before it started")
            if finalized > latest:
                content.warn(where, "visit.finalized_at: sealed in the future (a clock was wrong)")
            if started < PLAUSIBLE_FROM:
                content.warn(where, "visit.started_at: before 2000 (a clock was wrong)")
    if duplicates:
        content.visits = [v for v in content.visits if v["id"] not in duplicates]
