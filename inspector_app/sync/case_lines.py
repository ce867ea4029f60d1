"""One line of ``records/cases.jsonl`` read as untrusted input (:func:`parse_case`): the
exact fields and types, text in normal form, the party and officers as the program checks
them when they are typed, articles that exist in their edition, the decision within the
law, dates that are real and in the order of the states, events that end in the case's
state, and the decided and closed hashes recomputed. The rest of a case's way through a
bundle (collect, check against the database, merge) is in :mod:`.cases`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, overload

from ..domain import cases as dc
from ..domain.canonical import canonical_bytes
from ..domain.cases import (
    ArticleRef,
    Case,
    CaseOfficer,
    Decision,
    Evidence,
    Order,
    Party,
    Service,
)
from ..domain.errors import InputError
from ..domain.text import NOTE_MAX, clean_text
from .format import ID_RE

if TYPE_CHECKING:
    pass

TABLE = "cases"
LINE_KEYS = {"case", "evidence", "events"}
EVENT_KEYS = {"at", "on_date", "actor", "action", "from_status", "to_status", "detail"}
CASE_NO_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,39}\Z")
SERVICE_DOCUMENTS = ("prior_notice", "decision", "order")
MAX_EVENTS = 2000
MAX_EVIDENCE = 2000
STATE_ORDER = {s: i for i, s in enumerate(dc.STATES)}

_CATALOGUE: dc.ArticleCatalogue | None = None


def _articles() -> dc.ArticleCatalogue:
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = dc.load_articles()
    return _CATALOGUE


# -- reading one line ------------------------------------------------------------------------


def _fields(cls: Any) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def _keys(obj: object, expected: set[str], path: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise InputError(path, "must be a JSON object")
    missing = expected - set(obj)
    if missing:
        raise InputError(path, f"is missing the field {sorted(missing)[0]!r}")
    extra = set(obj) - expected
    if extra:
        raise InputError(path, f"has an unknown field {sorted(extra)[0][:40]!r}")
    return obj


def _text(value: object, path: str, max_len: int = 200, multiline: bool = False) -> str:
    text = clean_text(value, path, max_len=max_len, multiline=multiline)
    if text != value:
        raise InputError(path, "is not in normal form (spaces around it, or not NFC)")
    return text


def _opt_id(value: object, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InputError(path, "must be an id (letters, digits, '-', at most 100 characters)")
    return value


def _ref_text(value: object, path: str) -> str:
    """An evidence or link reference: an id, a hash or a short name, never empty."""
    text = _text(value, path, 300)
    if not text:
        raise InputError(path, "is empty")
    return text


def _date(value: object, path: str, allow_empty: bool = False) -> str:
    if allow_empty and value == "":
        return ""
    if not isinstance(value, str) or len(value) != 10:
        raise InputError(path, "must be a date (YYYY-MM-DD)")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(path, f"{value[:20]!r} is not a real date") from None
    if not 1970 <= day.year <= 2199:
        raise InputError(path, f"the year {day.year} is impossible")
    return value


@overload
def _bool(value: object, path: str, allow_none: Literal[False] = False) -> bool: ...


@overload
def _bool(value: object, path: str, allow_none: bool) -> bool | None: ...


def _bool(value: object, path: str, allow_none: bool = False) -> bool | None:
    if value is None and allow_none:
        return None
    if not isinstance(value, bool):
        raise InputError(path, "must be true or false")
    return value


def _list(value: object, path: str, limit: int = 100) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(path, "must be a list")
    if len(value) > limit:
        raise InputError(path, f"has {len(value)} items (at most {limit})")
    return value


def _money(value: object, path: str) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", value):
        raise InputError(path, 'must be an amount in yuan as decimal text (e.g. "2500")')
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise InputError(path, "must be an amount") from None


def _party(obj: object, path: str) -> Party:
    d = _keys(obj, _fields(Party), path)
    for k in d:
        if not isinstance(d[k], str):
            raise InputError(f"{path}.{k}", "must be text")
    p = Party(**d)
    try:
        checked = dc.validate_party(p)
    except InputError as exc:
        raise InputError(f"{path}.{exc.path.split('.', 1)[-1]}", exc.message) from None
    if checked != p:
        raise InputError(path, "is not in normal form (as the program stores a party)")
    for k in ("address", "legal_rep"):
        _text(d[k], f"{path}.{k}", 300)
    _text(d["name"], f"{path}.name")
    return p


def _officers(obj: object, path: str) -> list[CaseOfficer]:
    out = []
    for i, o in enumerate(_list(obj, path, 20)):
        d = _keys(o, {"name", "certificate_no"}, f"{path}[{i}]")
        out.append(
            CaseOfficer(
                _text(d["name"], f"{path}[{i}].name", 100),
                _text(d["certificate_no"], f"{path}[{i}].certificate_no", 60),
            )
        )
    try:
        checked = dc.validate_officers(out)
    except InputError as exc:
        raise InputError(f"{path}: {exc.path}", exc.message) from None
    if checked != out:
        raise InputError(path, "is not in normal form")
    return out


def _article_refs(obj: object, path: str, role: str) -> list[ArticleRef]:
    refs = []
    for i, a in enumerate(_list(obj, path, 20)):
        d = _keys(a, {"article_id", "edition"}, f"{path}[{i}]")
        refs.append(
            ArticleRef(
                _text(d["article_id"], f"{path}[{i}].article_id", 100),
                _text(d["edition"], f"{path}[{i}].edition", 40),
            )
        )
    dc.check_article_refs(_articles(), refs, role, path)
    return refs


def _decision(obj: object, path: str) -> Decision | None:
    if obj is None:
        return None
    d = _keys(obj, _fields(Decision), path)
    if d["procedure"] not in ("general", "simple"):
        raise InputError(f"{path}.procedure", "must be general or simple")
    conf = _list(d["confiscation"], f"{path}.confiscation", 5)
    for i, c in enumerate(conf):
        if c not in dc.CONFISCATION:
            raise InputError(f"{path}.confiscation[{i}]", "is not a kind of confiscation")
    return Decision(
        procedure=d["procedure"],
        warning=_bool(d["warning"], f"{path}.warning"),
        order_to_correct=_bool(d["order_to_correct"], f"{path}.order_to_correct"),
        fine=_money(d["fine"], f"{path}.fine"),
        illegal_gains=_money(d["illegal_gains"], f"{path}.illegal_gains"),
        confiscation=list(conf),
        decision_no=_text(d["decision_no"], f"{path}.decision_no", 60),
    )


def _orders(obj: object, path: str) -> list[Order]:
    out = []
    for i, o in enumerate(_list(obj, path, 50)):
        w = f"{path}[{i}]"
        d = _keys(o, _fields(Order), w)
        order = Order(
            ordered_on=_date(d["ordered_on"], f"{w}.ordered_on"),
            deadline=_date(d["deadline"], f"{w}.deadline"),
            basis=_text(d["basis"], f"{w}.basis", 300),
            text=_text(d["text"], f"{w}.text", NOTE_MAX, multiline=True),
            assignment_id=d["assignment_id"]
            and (_opt_id(d["assignment_id"], f"{w}.assignment_id") or ""),
            corrected=_bool(d["corrected"], f"{w}.corrected", allow_none=True),
            checked_on=_date(d["checked_on"], f"{w}.checked_on", allow_empty=True),
            check_visit_id=d["check_visit_id"]
            and (_opt_id(d["check_visit_id"], f"{w}.check_visit_id") or ""),
            check_inspection_id=d["check_inspection_id"]
            and (_opt_id(d["check_inspection_id"], f"{w}.check_inspection_id") or ""),
        )
        if not isinstance(d["assignment_id"], str):
            raise InputError(f"{w}.assignment_id", "must be text")
        for k in ("check_visit_id", "check_inspection_id"):
            if not isinstance(d[k], str):
                raise InputError(f"{w}.{k}", "must be text")
        if order.deadline < order.ordered_on:
            raise InputError(f"{w}.deadline", "is before the order was made")
        if (order.corrected is None) != (order.checked_on == ""):
            raise InputError(f"{w}.checked_on", "a re-inspection has a date and a result")
        if order.checked_on and order.checked_on < order.ordered_on:
            raise InputError(f"{w}.checked_on", "is before the order was made")
        out.append(order)
    return out


def _services(obj: object, path: str) -> list[Service]:
    out = []
    for i, s in enumerate(_list(obj, path, 100)):
        d = _keys(s, _fields(Service), f"{path}[{i}]")
        if d["document"] not in SERVICE_DOCUMENTS:
            raise InputError(f"{path}[{i}].document", "is not a document that is served")
        if d["method"] not in dc.SERVICE_METHODS:
            raise InputError(f"{path}[{i}].method", "is not a method of service")
        out.append(Service(d["document"], d["method"], _date(d["date"], f"{path}[{i}].date")))
    return out


def _pauses(obj: object, path: str) -> list[dict[str, Any]]:
    out = []
    for i, p in enumerate(_list(obj, path, 50)):
        d = _keys(p, {"first", "last", "reason"}, f"{path}[{i}]")
        first = _date(d["first"], f"{path}[{i}].first")
        last = _date(d["last"], f"{path}[{i}].last")
        if last < first:
            raise InputError(f"{path}[{i}].last", "is before the first day")
        reason = _text(d["reason"], f"{path}[{i}].reason", 300)
        if not reason:
            raise InputError(f"{path}[{i}].reason", "is empty")
        out.append({"first": first, "last": last, "reason": reason})
    return out


def _dates(obj: object, path: str, status: str, clue_date: str) -> dict[str, str]:
    if not isinstance(obj, dict):
        raise InputError(path, "must be a JSON object")
    for k, v in obj.items():
        if k not in dc.STATES:
            raise InputError(path, f"{k[:40]!r} is not a case state")
        _date(v, f"{path}.{k}")
    if obj.get("clue") != clue_date:
        raise InputError(f"{path}.clue", "must be the clue date")
    if status not in obj:
        raise InputError(path, f"has no date for the case's state ({status})")
    steps = sorted(obj.items(), key=lambda kv: STATE_ORDER[kv[0]])
    for (a, da), (b, db) in zip(steps, steps[1:], strict=False):
        if db < da:
            raise InputError(f"{path}.{b}", f"is before the {a} date ({da})")
    if any(STATE_ORDER[k] > STATE_ORDER[status] for k in obj):
        raise InputError(path, f"names a state after the case's state ({status})")
    return dict(obj)


def _closure(obj: object, path: str, status: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise InputError(path, "must be a JSON object")
    if status != "closed":
        if obj:
            raise InputError(path, "only a closed case has a closure")
        return {}
    d = _keys(obj, {"reason", "corrected"}, path)
    _text(d["reason"], f"{path}.reason", NOTE_MAX, multiline=True)
    _bool(d["corrected"], f"{path}.corrected", allow_none=True)
    return dict(d)


def _events(obj: object, path: str, status: str) -> list[dict[str, Any]]:
    events = _list(obj, path, MAX_EVENTS)
    if not events:
        raise InputError(path, "a case has at least the event that opened it")
    out = []
    for i, e in enumerate(events):
        w = f"{path}[{i}]"
        d = _keys(e, EVENT_KEYS, w)
        at = _text(d["at"], f"{w}.at", 40)
        from .validate.times import read_time

        _when, why = read_time(at)
        if why:
            raise InputError(f"{w}.at", why)
        _date(d["on_date"], f"{w}.on_date", allow_empty=True)
        _text(d["actor"], f"{w}.actor", 200)
        action = _text(d["action"], f"{w}.action", 40)
        if not re.fullmatch(r"[a-z][a-z_.]{0,39}", action):
            raise InputError(f"{w}.action", "is not an action name")
        for k in ("from_status", "to_status"):
            if d[k] != "" and d[k] not in dc.STATES:
                raise InputError(f"{w}.{k}", "is not a case state")
        if d["to_status"] == "":
            raise InputError(f"{w}.to_status", "is empty")
        if not isinstance(d["detail"], dict):
            raise InputError(f"{w}.detail", "must be a JSON object")
        from .validate.values import _walk_values

        _walk_values(d["detail"], f"{w}.detail")
        if len(canonical_bytes(d["detail"])) > 20_000:
            raise InputError(f"{w}.detail", "is too large")
        out.append(dict(d))
    if out[0]["action"] != "open" or out[0]["to_status"] != "clue":
        raise InputError(f"{path}[0]", "the first event opens the case")
    if out[-1]["to_status"] != status:
        raise InputError(
            f"{path}[{len(out) - 1}].to_status", f"the last event leaves the case {status}"
        )
    return out


def parse_case(obj: dict[str, Any], path: str = "case") -> dict[str, Any]:
    """One line of ``records/cases.jsonl``: ``{"case", "evidence", "events"}``. Returns
    ``{"case": Case, "evidence": [Evidence], "events": [dict], "line": obj}``; InputError
    naming the field otherwise."""
    _keys(obj, LINE_KEYS, path)
    c = _keys(obj["case"], _fields(Case), f"{path}.case")
    w = f"{path}.case"
    if not isinstance(c["id"], str) or not ID_RE.match(c["id"]):
        raise InputError(f"{w}.id", "must be an id")
    if not isinstance(c["case_no"], str) or not CASE_NO_RE.match(c["case_no"]):
        raise InputError(f"{w}.case_no", "must be a case number (letters, digits, '-')")
    if c["source"] not in dc.SOURCES:
        raise InputError(f"{w}.source", f"must be one of {', '.join(dc.SOURCES)}")
    if c["status"] not in dc.STATES:
        raise InputError(f"{w}.status", f"must be one of {', '.join(dc.STATES)}")
    status = c["status"]
    clue = _date(c["clue_date"], f"{w}.clue_date")
    evidence = []
    for i, e in enumerate(_list(obj["evidence"], f"{path}.evidence", MAX_EVIDENCE)):
        d = _keys(e, {"kind", "ref", "note"}, f"{path}.evidence[{i}]")
        if d["kind"] not in dc.EVIDENCE_KINDS:
            raise InputError(f"{path}.evidence[{i}].kind", "is not a kind of evidence")
        evidence.append(
            Evidence(
                d["kind"],
                _ref_text(d["ref"], f"{path}.evidence[{i}].ref"),
                _text(d["note"], f"{path}.evidence[{i}].note", 300),
            )
        )
    for k in ("decided_hash", "content_hash"):
        if c[k] is not None and (
            not isinstance(c[k], str) or not re.fullmatch(r"[0-9a-f]{64}", c[k])
        ):
            raise InputError(f"{w}.{k}", "must be 64 hexadecimal digits or null")
    case = Case(
        id=c["id"],
        case_no=c["case_no"],
        source=c["source"],
        clue_date=clue,
        party=_party(c["party"], f"{w}.party"),
        officers=_officers(c["officers"], f"{w}.officers"),
        facts=_text(c["facts"], f"{w}.facts", NOTE_MAX, multiline=True),
        source_text=_text(c["source_text"], f"{w}.source_text", NOTE_MAX, multiline=True),
        premises_id=_opt_id(c["premises_id"], f"{w}.premises_id"),
        visit_id=_opt_id(c["visit_id"], f"{w}.visit_id"),
        premises_kind=_text(c["premises_kind"], f"{w}.premises_kind", 40),
        status=status,
        violated=_article_refs(c["violated"], f"{w}.violated", "violated"),
        penalty=_article_refs(c["penalty"], f"{w}.penalty", "penalty"),
        decision=_decision(c["decision"], f"{w}.decision"),
        orders=_orders(c["orders"], f"{w}.orders"),
        pauses=_pauses(c["pauses"], f"{w}.pauses"),
        services=_services(c["services"], f"{w}.services"),
        dates=_dates(c["dates"], f"{w}.dates", status, clue),
        paid_on=_date(c["paid_on"], f"{w}.paid_on", allow_empty=True),
        closure=_closure(c["closure"], f"{w}.closure", status),
        public_notice=_bool(c["public_notice"], f"{w}.public_notice"),
        cheating=_bool(c["cheating"], f"{w}.cheating"),
        decided_hash=c["decided_hash"],
        content_hash=c["content_hash"],
    )
    decided = STATE_ORDER[status] >= STATE_ORDER["decided"] and "decided" in case.dates
    if status in ("decided", "executed") and "decided" not in case.dates:
        raise InputError(f"{w}.dates", "a decided case has its decision date")
    if decided:
        if case.decision is None:
            raise InputError(f"{w}.decision", "a decided case carries its decision")
        dc.check_decision(_articles(), case, case.decision)  # within the law, as when decided
        if case.decided_hash != dc.decided_hash(case, evidence):
            raise InputError(
                f"{w}.decided_hash",
                "does not match the decided content: the party, officers, facts, articles,"
                " decision or evidence were altered after the decision",
            )
    elif case.decided_hash is not None or case.decision is not None:
        raise InputError(f"{w}.decision", "only a decided case carries a decision and its hash")
    if status == "closed":
        if case.content_hash != dc.closed_hash(case, evidence):
            raise InputError(
                f"{w}.content_hash", "does not match the closed case: it was altered after closure"
            )
    elif case.content_hash is not None:
        raise InputError(f"{w}.content_hash", "only a closed case carries a content hash")
    if case.paid_on and not (case.decision and case.decision.fine):
        raise InputError(f"{w}.paid_on", "only a fine is paid")
    if case.as_dict() != c:
        raise InputError(w, "is not in normal form (as the program stores a case)")
    events = _events(obj["events"], f"{path}.events", status)
    return {"case": case, "evidence": evidence, "events": events, "line": obj}
