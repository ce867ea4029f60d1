"""Visits (现场检查), the sweep of a premises' instruments, and the duties of the premises.

A **visit** is the unit of work an inspector and a bureau count: one stop at one premises,
or at a whole market with its stalls, on one day, by the officers present. Inspections of
single instruments belong to a visit. Enforcement work (a special campaign, a covert check,
a complaint, a follow-up) needs at least two officers, each with an enforcement
certificate number (市场监督管理行政处罚程序规定 Art. 19: at least two officers holding
enforcement credentials).

A **sweep row** is the quick look at one instrument during a visit: verification mark
present and in date (计量法 Art. 9; 计量法实施细则 Art. 43), seal intact, nameplate, type
approval, a quick reading of a known weight judged at once against the in-service MPE
(JJG 539: twice the verification MPE), and signs of cheating (计量法实施细则 Art. 48). A
row that looks wrong is opened as a full inspection, linked by its id.

The **duties of the premises** (market organiser, eyeglass shop, filling station) are form
data in ``forms/duties_*.toml``: each duty with its article, answered yes / no / n.a. and
judged like a checklist question (a duty answered with its ``finding_if`` answer is a failed
item, named by its non-conforming wording).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .canonical import canonical_bytes
from .errors import InputError
from .forms import Label, forms_dir
from .numbers import fmt, parse_decimal
from .text import NOTE_MAX, clean_text

VISIT_KINDS = ("routine", "campaign", "covert", "complaint", "follow_up")
ENFORCEMENT_KINDS = frozenset({"campaign", "covert", "complaint", "follow_up"})
"""Kinds of visit that are enforcement work: two officers with certificates at least."""
VISIT_KIND_LABELS = {
    "routine": ("日常检查", "Routine"),
    "campaign": ("专项检查", "Special campaign"),
    "covert": ("暗访", "Covert check"),
    "complaint": ("投诉举报核查", "Complaint"),
    "follow_up": ("复查", "Follow-up"),
}
VISIT_STATUSES = ("draft", "finalized")
ANSWERS = ("yes", "no", "na")
CHEATING_ANSWERS = ("no", "yes")
ROW_CHECKS = ("mark", "seal", "nameplate", "approval")
"""The yes/no checks of a sweep row; each fails when answered "no"."""
ROW_CHECK_LABELS = {
    "mark": ("检定标志在有效期内", "Verification mark present and in date"),
    "seal": ("封印完好", "Seal intact"),
    "nameplate": ("铭牌完整", "Nameplate complete"),
    "approval": ("型式批准标志", "Type-approval mark"),
    "cheating": ("作弊迹象", "Signs of cheating"),
}
DUTY_SETS = {"market": "market", "optical_shop": "optical", "filling_station": "fuel"}
"""Premises kind → the duties file (``forms/duties_<name>.toml``) its organiser answers."""
MIN_ENFORCEMENT_OFFICERS = 2


@dataclass
class Officer:
    name: str
    certificate_no: str = ""  # enforcement certificate (执法证) number


@dataclass
class Visit:
    id: str
    kind: str
    started_at: str  # ISO date and time with its UTC offset
    inspector: str  # who keeps the record
    premises_id: str | None = None  # a single premises, or the market's own premises
    market: str = ""  # a whole market: its stalls are premises with this market name
    officers: list[Officer] = field(default_factory=list)
    campaign_id: str | None = None
    place: str = ""
    notes: str = ""
    duty_set: str = ""  # "market" / "optical" / "fuel" / "" (no duties answered)
    duties: dict[str, str] = field(default_factory=dict)  # duty key -> yes / no / na
    covert: dict[str, str] = field(default_factory=dict)  # purchase time, nozzle, receipt…
    status: str = "draft"
    content_hash: str | None = None
    finalized_at: str | None = None

    @property
    def day(self) -> str:
        return self.started_at[:10]


@dataclass
class SweepRow:
    id: str
    visit_id: str
    seq: int
    instrument_id: str | None = None
    premises_id: str | None = None  # the stall, for a market visit
    identity_code: str = ""  # e.g. the "一秤一码" code of JJG 1204-2025
    label: str = ""  # how the inspector recognises it (stall, maker, serial)
    mark: str = ""  # "" unchecked / yes / no / na, for each of ROW_CHECKS
    seal: str = ""
    nameplate: str = ""
    approval: str = ""
    load: str = ""  # known weight put on the scale (instrument unit)
    indication: str = ""
    error: str = ""  # judged: indication − load
    mpe: str = ""  # judged: the in-service MPE at the load
    quick_verdict: str = ""  # "" / pass / fail
    rule: str = ""
    cheating: str = ""  # "" unchecked / no / yes
    note: str = ""
    rest_ok: bool = False  # confirmed by "rest all OK", not one by one
    inspection_id: str | None = None  # the full inspection opened from this row

    @property
    def checked(self) -> bool:
        return (
            any(getattr(self, k) for k in ROW_CHECKS)
            or bool(self.cheating)
            or bool(self.quick_verdict)
            or self.rest_ok
        )

    @property
    def verdict(self) -> str:
        """ "" unchecked, "fail" when any check failed, else "pass"."""
        if self.failed_checks():
            return "fail"
        return "pass" if self.checked or self.quick_verdict else ""

    def failed_checks(self) -> list[str]:
        out = [k for k in ROW_CHECKS if getattr(self, k) == "no"]
        if self.quick_verdict == "fail":
            out.append("quick")
        if self.cheating == "yes":
            out.append("cheating")
        return out


# ---- validation -----------------------------------------------------------------------------


def _text(value: Any, path: str, limit: int = 200) -> str:
    return clean_text(value, path, max_len=limit, multiline=limit == NOTE_MAX)


def parse_time(value: Any, path: str) -> str:
    """An ISO date and time with its UTC offset (``2026-12-04T09:30+08:00``)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            path, "is required (date and time with offset, e.g. 2026-12-04T09:30+08:00)"
        )
    try:
        t = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            path, f"{value!r} is not a date and time (e.g. 2026-12-04T09:30+08:00)"
        ) from None
    if t.tzinfo is None:
        raise InputError(path, "needs its UTC offset (e.g. +08:00), so the day is unambiguous")
    return t.isoformat(timespec="minutes")


def validate_visit(v: Visit, *, final: bool = False) -> Visit:
    """A cleaned copy of *v*, or InputError naming the field. *final* adds what sealing
    needs: enough officers with certificates for enforcement work."""
    if v.kind not in VISIT_KINDS:
        raise InputError("visit.kind", f"must be one of {', '.join(VISIT_KINDS)}")
    started = parse_time(v.started_at, "visit.started_at")
    market = _text(v.market, "visit.market")
    if not v.premises_id and not market:
        raise InputError("visit.premises_id", "a visit is to premises or to a market: name one")
    inspector = _text(v.inspector, "visit.inspector")
    if not inspector:
        raise InputError("visit.inspector", "is required")
    officers: list[Officer] = []
    seen: set[str] = set()
    for i, o in enumerate(v.officers):
        name = _text(o.name, f"visit.officers[{i}].name")
        if not name:
            raise InputError(f"visit.officers[{i}].name", "is required")
        cert = _text(o.certificate_no, f"visit.officers[{i}].certificate_no", 40)
        if final and v.kind in ENFORCEMENT_KINDS and not cert:
            raise InputError(
                f"visit.officers[{i}].certificate_no",
                "enforcement work needs each officer's enforcement certificate number",
            )
        if name in seen:
            raise InputError(f"visit.officers[{i}].name", f"{name} is listed twice")
        seen.add(name)
        officers.append(Officer(name, cert))
    if final and v.kind in ENFORCEMENT_KINDS and len(officers) < MIN_ENFORCEMENT_OFFICERS:
        raise InputError(
            "visit.officers",
            f"{VISIT_KIND_LABELS[v.kind][1].lower()} work needs at least two officers with "
            f"enforcement certificates; {len(officers)} listed",
        )
    if final and not officers:
        raise InputError("visit.officers", "name at least the officer who made the visit")
    duty_set = v.duty_set or ""
    if duty_set and duty_set not in DUTY_SETS.values():
        raise InputError("visit.duty_set", f"must be one of {', '.join(DUTY_SETS.values())}")
    duties: dict[str, str] = {}
    if v.duties:
        if not duty_set:
            raise InputError("visit.duties", "answers need the set of duties they belong to")
        keys = {d.key for d in load_duties(duty_set).duties}
        for k, a in v.duties.items():
            if k not in keys:
                raise InputError(f"visit.duties.{k}", f"is not a duty of the {duty_set} form")
            if a not in ANSWERS:
                raise InputError(f"visit.duties.{k}", "must be yes, no or na")
            duties[k] = a
    covert = {k: _text(val, f"visit.covert.{k}") for k, val in (v.covert or {}).items()}
    unknown = set(covert) - set(COVERT_FIELDS)
    if unknown:
        raise InputError(f"visit.covert.{sorted(unknown)[0]}", "is not a covert-purchase field")
    for k in ("amount_paid", "volume_measured", "volume_displayed"):
        if covert.get(k):
            # as written (200.00 stays 200.00), in ASCII digits
            covert[k] = str(parse_decimal(covert[k], f"visit.covert.{k}", non_negative=True))
    if covert.get("purchased_at"):
        covert["purchased_at"] = parse_time(covert["purchased_at"], "visit.covert.purchased_at")
    return Visit(
        id=v.id,
        kind=v.kind,
        started_at=started,
        inspector=inspector,
        premises_id=v.premises_id or None,
        market=market,
        officers=officers,
        campaign_id=v.campaign_id or None,
        place=_text(v.place, "visit.place"),
        notes=_text(v.notes, "visit.notes", NOTE_MAX),
        duty_set=duty_set,
        duties=duties,
        covert=covert,
        status=v.status,
        content_hash=v.content_hash,
        finalized_at=v.finalized_at,
    )


COVERT_FIELDS = (
    "purchased_at",
    "nozzle",
    "receipt_no",
    "amount_paid",
    "volume_displayed",
    "volume_measured",
)
"""A covert test purchase (暗访): time, nozzle, receipt, money paid and the volumes."""


def _answer(value: Any, path: str, choices: tuple[str, ...]) -> str:
    text = "" if value is None else str(value).strip().lower()
    text = {"y": "yes", "n": "no", "ok": "yes", "是": "yes", "否": "no", "无": "na"}.get(text, text)
    if text and text not in choices:
        raise InputError(path, f"must be {', '.join(choices)} or empty, not {value!r}")
    return text


def validate_row(row: SweepRow, path: str = "row") -> SweepRow:
    """A cleaned copy of a sweep row (answers normalised, numbers in ASCII decimal)."""
    out = SweepRow(id=row.id, visit_id=row.visit_id, seq=row.seq)
    out.instrument_id = row.instrument_id or None
    out.premises_id = row.premises_id or None
    out.identity_code = _text(row.identity_code, f"{path}.identity_code", 64)
    out.label = _text(row.label, f"{path}.label")
    for k in ROW_CHECKS:
        setattr(out, k, _answer(getattr(row, k), f"{path}.{k}", ANSWERS))
    out.cheating = _answer(row.cheating, f"{path}.cheating", CHEATING_ANSWERS)
    for k in ("load", "indication"):
        value = getattr(row, k)
        if value not in (None, ""):
            setattr(out, k, fmt(parse_decimal(value, f"{path}.{k}")))
    if bool(out.load) != bool(out.indication):
        missing = "indication" if out.load else "load"
        raise InputError(
            f"{path}.{missing}", "a quick check needs both the load and the indication"
        )
    if out.load and Decimal(out.load) <= 0:
        raise InputError(f"{path}.load", "must be a positive known weight")
    out.error, out.mpe, out.quick_verdict, out.rule = (
        row.error,
        row.mpe,
        row.quick_verdict,
        row.rule,
    )
    out.note = _text(row.note, f"{path}.note", NOTE_MAX)
    out.rest_ok = bool(row.rest_ok)
    out.inspection_id = row.inspection_id or None
    if not out.instrument_id and not out.identity_code and not out.label:
        raise InputError(
            f"{path}.identity_code", "a row needs the instrument, its identity code or a label"
        )
    return out


def judge_quick(
    row: SweepRow, instrument: Mapping[str, Any] | None, family: str, when: str
) -> SweepRow:
    """Judge the row's quick reading at once against the in-service MPE of a scale (JJG 539:
    twice the verification MPE; a value exactly on the MPE passes), through the rules
    engine. Without a reading, or for an instrument that is not a scale with a nameplate,
    the row is left unjudged."""
    row.error = row.mpe = row.quick_verdict = row.rule = ""
    if not row.load:
        return row
    if family != "scale" or not instrument or not instrument.get("max"):
        row.error = fmt(Decimal(row.indication) - Decimal(row.load))
        return row
    from .rules import edition_for, evaluate

    request = {
        "family": "scale",
        "ruleset": edition_for("scale", when, dict(instrument)),
        "check": "in_service",
        "instrument": dict(instrument),
        "tests": [
            {"kind": "weighing", "points": [{"load": row.load, "indication": row.indication}]}
        ],
    }
    try:
        result = evaluate(request)
    except InputError as exc:
        raise InputError(f"row.{exc.path.rsplit('.', 1)[-1]}", exc.message) from None
    item = result["tests"][0]["items"][0]
    row.error, row.mpe, row.quick_verdict = item["error"], item["mpe"], item["verdict"]
    row.rule = item["rule"]
    return row


def rest_all_ok(rows: list[SweepRow]) -> int:
    """Mark every unchecked row as seen and in order ("rest all OK"); returns how many."""
    n = 0
    for r in rows:
        if not r.checked and not r.quick_verdict:
            for k in ROW_CHECKS:
                setattr(r, k, "yes")
            r.cheating = "no"
            r.rest_ok = True
            n += 1
    return n


# ---- sealing --------------------------------------------------------------------------------


def visit_content(v: Visit, rows: list[SweepRow], photos: Sequence[str] = ()) -> dict[str, Any]:
    """What a visit's content hash covers: the visit, its sweep rows in order and, when it
    has any, the SHA-256 of its photos in order (a visit without photos hashes as before
    photos existed)."""
    data = {
        k: getattr(v, k) for k in Visit.__dataclass_fields__ if k not in ("status", "content_hash")
    }
    data["officers"] = [{"name": o.name, "certificate_no": o.certificate_no} for o in v.officers]
    data["rows"] = [
        {k: getattr(r, k) for k in SweepRow.__dataclass_fields__}
        for r in sorted(rows, key=lambda r: r.seq)
    ]
    if photos:
        data["photos"] = list(photos)
    return data


def visit_hash(v: Visit, rows: list[SweepRow], photos: Sequence[str] = ()) -> str:
    """SHA-256 over the canonical JSON of the visit with its sweep rows (and photos)."""
    return hashlib.sha256(canonical_bytes(visit_content(v, rows, photos))).hexdigest()


# ---- duties of the premises -----------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    key: str
    label: Label
    finding_text: Label
    article: str  # the regulation and article of the duty
    finding_if: str = "no"


@dataclass(frozen=True)
class DutyForm:
    name: str
    label: Label
    regulation: str
    duties: tuple[Duty, ...]


def duties_path(name: str, directory: Path | None = None) -> Path:
    return (directory or forms_dir()) / f"duties_{name}.toml"


def load_duties(name: str, directory: Path | None = None) -> DutyForm:
    """Read and check ``forms/duties_<name>.toml``; InputError names the bad key."""
    path = duties_path(name, directory)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("duty_set", f"no duties form {path.name}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path.name, f"not valid TOML: {exc}") from None

    def label(raw: Any, key: str) -> Label:
        if not isinstance(raw, dict) or not raw.get("zh") or not raw.get("en"):
            raise InputError(f"{path.name}:{key}", "needs zh and en text")
        return Label(raw["zh"], raw["en"])

    duties = []
    for i, raw in enumerate(data.get("duties", [])):
        k = f"duties[{i}]"
        for req in ("key", "label", "finding_text", "article"):
            if req not in raw:
                raise InputError(f"{path.name}:{k}.{req}", "is missing")
        finding_if = raw.get("finding_if", "no")
        if finding_if not in ("no", "yes"):
            raise InputError(f"{path.name}:{k}.finding_if", "must be no or yes")
        duties.append(
            Duty(
                raw["key"],
                label(raw["label"], f"{k}.label"),
                label(raw["finding_text"], f"{k}.finding_text"),
                str(raw["article"]),
                finding_if,
            )
        )
    keys = [d.key for d in duties]
    if len(set(keys)) != len(keys) or not keys:
        raise InputError(f"{path.name}:duties", "needs at least one duty and unique keys")
    return DutyForm(
        name, label(data.get("label"), "label"), str(data.get("regulation", "")), tuple(duties)
    )


def failed_duties(form: DutyForm, answers: Mapping[str, str]) -> list[Duty]:
    """Duties answered with their ``finding_if`` answer: failed items, like checklist
    questions (n.a. and unanswered are not failures)."""
    return [d for d in form.duties if answers.get(d.key) == d.finding_if]
