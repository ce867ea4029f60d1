"""Enforcement cases (案件): from a finding to a closed case.

A case records the party, the officers, the facts, the evidence, the violated and penalty
articles (each with its regulation **and edition**: the implementing rules of the Metrology
Law were renumbered, so "Art. 46" alone is ambiguous), the decision and what followed it.

Rules (市场监督管理行政处罚程序规定, 2021/2022 text, and 行政处罚法 2021):

- filing needs at least two officers with enforcement certificates (Art. 19);
- the simple (on-the-spot) procedure allows a warning or a fine of at most ¥200 for a natural
  person and ¥3,000 for an organisation (行政处罚法 2021 Art. 51); it is not for cases whose
  fine depends on illegal gains or the value of goods;
- a fine must lie within the legal range of the penalty article; an article whose range is
  not confirmed is allowed with a warning, never silently;
- the states follow one another: clue → filed → investigated → notified → decided →
  executed → closed (the simple procedure goes from clue to decided; a clue may be closed
  without filing, with a reason).

A decided case is sealed by the hash of its decided content, and a closed case by the hash
of all of it; the database refuses changes to sealed content.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .credit_code import validate_credit_code
from .errors import InputError

STATES = ("clue", "filed", "investigated", "notified", "decided", "executed", "closed")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "clue": ("filed", "decided", "closed"),  # decided: simple procedure; closed: not filed
    "filed": ("investigated", "closed"),  # closed: investigation terminated
    "investigated": ("notified", "closed"),
    "notified": ("decided", "closed"),
    "decided": ("executed",),
    "executed": ("closed",),
    "closed": (),
}
SOURCES = ("inspection", "visit", "complaint", "referral")
EVIDENCE_KINDS = (
    "inspection",
    "visit",
    "photo",
    "attachment",
    "pdf",
    "sampling_form",
    "record",
    "test_report",
)
SERVICE_METHODS = ("direct", "lodged", "post", "electronic", "entrusted", "forwarded", "notice")
CONFISCATION = ("instrument", "gains", "goods")
SIMPLE_LIMIT = {"person": Decimal("200"), "organisation": Decimal("3000")}  # 行政处罚法 Art. 51
MIN_OFFICERS = 2  # 程序规定 Art. 19
#: The days an order to correct (责令改正) gives from its service when the officer names neither
#: a date nor a number of days: the program's choice, not a period a regulation sets. The
#: cases window offers it in its decision and order forms, and
#: ``case decide --order`` with the order's terms but no --deadline or --days takes it.
ORDER_DAYS = 7


# -- articles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regulation:
    id: str
    edition: str
    zh: str
    en: str


@dataclass(frozen=True)
class Article:
    id: str
    regulation: str
    edition: str
    article: str
    role: str
    zh: str
    en: str
    confidence: str
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    gains_multiple_max: Decimal | None = None
    fine_cap: Decimal | None = None
    confiscation: tuple[str, ...] = ()
    order_to_correct: bool = False
    compensation: bool = False
    note: str = ""
    article_en: str = ""

    def range_text(self) -> str:
        if self.gains_multiple_max is not None:
            cap = f", at most ¥{self.fine_cap}" if self.fine_cap is not None else ""
            return f"up to {self.gains_multiple_max} × illegal gains or goods value{cap}"
        if self.fine_max is not None:
            low = f"¥{self.fine_min} to " if self.fine_min is not None else "up to "
            return f"{low}¥{self.fine_max}"
        return "no confirmed range"


@dataclass
class ArticleCatalogue:
    version: str
    regulations: dict[tuple[str, str], Regulation]
    articles: dict[str, Article]

    def get(self, article_id: str, edition: str | None = None, where: str = "article") -> Article:
        art = self.articles.get(article_id)
        if art is None:
            raise InputError(where, f"no article {article_id!r} in the articles data")
        if edition is not None and edition != art.edition:
            raise InputError(
                where, f"{article_id} belongs to the {art.edition} edition, not {edition}"
            )
        return art

    def regulation_of(self, art: Article) -> Regulation:
        return self.regulations[(art.regulation, art.edition)]

    def cite(self, art: Article, lang: str = "zh") -> str:
        reg = self.regulation_of(art)
        if lang == "zh":
            return f"《{reg.zh}》{art.article}"
        return f"{reg.en}, {art.article_en or art.article}"


def articles_path() -> Path:
    from ..paths import resource_path

    return resource_path("resources", "articles", "metrology_articles.toml")


def _money(raw: object, where: str) -> Decimal | None:
    if raw is None:
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise InputError(where, f"{raw!r} is not an amount") from None
    if not value.is_finite() or value < 0:
        raise InputError(where, f"{raw!r} is not an amount")
    return value


def parse_articles(text: str, name: str = "metrology_articles.toml") -> ArticleCatalogue:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(name, f"not valid TOML: {exc}") from None
    regs: dict[tuple[str, str], Regulation] = {}
    for i, r in enumerate(data.get("regulations", [])):
        for key in ("id", "edition", "zh", "en"):
            if not r.get(key):
                raise InputError(f"{name}:regulations[{i}].{key}", "is missing")
        regs[(r["id"], r["edition"])] = Regulation(r["id"], r["edition"], r["zh"], r["en"])
    arts: dict[str, Article] = {}
    for i, a in enumerate(data.get("articles", [])):
        where = f"{name}:articles[{i}]"
        for key in ("id", "regulation", "edition", "article", "role", "zh", "en", "confidence"):
            if not a.get(key):
                raise InputError(f"{where}.{key}", "is missing")
        if (a["regulation"], a["edition"]) not in regs:
            raise InputError(where, f"regulation {a['regulation']} {a['edition']} is not listed")
        if a["confidence"] not in ("confirmed", "partial", "unconfirmed"):
            raise InputError(f"{where}.confidence", "must be confirmed, partial or unconfirmed")
        if a["role"] not in ("violated", "penalty", "both"):
            raise InputError(f"{where}.role", "must be violated, penalty or both")
        if a["id"] in arts:
            raise InputError(f"{where}.id", f"{a['id']} appears twice")
        bad = [c for c in a.get("confiscation", []) if c not in CONFISCATION]
        if bad:
            raise InputError(f"{where}.confiscation", f"{bad[0]!r} is not a kind of confiscation")
        arts[a["id"]] = Article(
            id=a["id"],
            regulation=a["regulation"],
            edition=a["edition"],
            article=a["article"],
            role=a["role"],
            zh=a["zh"],
            en=a["en"],
            confidence=a["confidence"],
            fine_min=_money(a.get("fine_min"), f"{where}.fine_min"),
            fine_max=_money(a.get("fine_max"), f"{where}.fine_max"),
            gains_multiple_max=_money(a.get("gains_multiple_max"), f"{where}.gains_multiple_max"),
            fine_cap=_money(a.get("fine_cap"), f"{where}.fine_cap"),
            confiscation=tuple(a.get("confiscation", [])),
            order_to_correct=bool(a.get("order_to_correct", False)),
            compensation=bool(a.get("compensation", False)),
            note=a.get("note", ""),
            article_en=a.get("article_en", ""),
        )
    return ArticleCatalogue(str(data.get("version", "")), regs, arts)


def load_articles(path: Path | None = None) -> ArticleCatalogue:
    return parse_articles((path or articles_path()).read_text(encoding="utf-8"))


# -- the case ------------------------------------------------------------------------------


@dataclass
class Party:
    kind: str  # "organisation" or "person"
    name: str
    credit_code: str = ""
    id_number: str = ""
    address: str = ""
    legal_rep: str = ""


@dataclass
class CaseOfficer:
    name: str
    certificate_no: str


@dataclass
class ArticleRef:
    article_id: str
    edition: str


@dataclass
class Evidence:
    kind: str
    ref: str
    note: str = ""


@dataclass
class Decision:
    procedure: str = "general"  # "general" or "simple"
    warning: bool = False
    order_to_correct: bool = False
    fine: Decimal | None = None
    illegal_gains: Decimal | None = None  # or the value of the goods, where the article says so
    confiscation: list[str] = field(default_factory=list)
    decision_no: str = ""


@dataclass
class Order:
    ordered_on: str
    deadline: str
    basis: str
    text: str = ""
    assignment_id: str = ""
    corrected: bool | None = None  # set by the re-inspection
    checked_on: str = ""
    check_visit_id: str = ""
    check_inspection_id: str = ""


@dataclass
class Service:
    document: str  # "prior_notice", "decision", "order"
    method: str
    date: str


@dataclass
class Case:
    id: str
    case_no: str
    source: str
    clue_date: str
    party: Party
    officers: list[CaseOfficer]
    facts: str = ""
    source_text: str = ""
    premises_id: str | None = None
    visit_id: str | None = None
    premises_kind: str = ""
    status: str = "clue"
    violated: list[ArticleRef] = field(default_factory=list)
    penalty: list[ArticleRef] = field(default_factory=list)
    decision: Decision | None = None
    orders: list[Order] = field(default_factory=list)
    pauses: list[dict[str, Any]] = field(default_factory=list)  # {first, last, reason}
    services: list[Service] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)  # state -> date it was reached
    paid_on: str = ""
    closure: dict[str, Any] = field(default_factory=dict)  # {reason, corrected}
    public_notice: bool = False
    cheating: bool = False
    decided_hash: str | None = None
    content_hash: str | None = None

    def as_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(self), default=str))
        return plain


# -- validation ------------------------------------------------------------------------------


def _check_id_number(text: str, where: str) -> str:
    """A resident identity number (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check
    character."""
    t = text.strip().upper()
    if len(t) != 18 or not t[:17].isdigit() or not (t[17].isdigit() or t[17] == "X"):
        raise InputError(where, "an identity number has 17 digits and a check digit or X")
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(t[:17]))
    expected = "10X98765432"[total % 11]
    if t[17] != expected:
        raise InputError(where, f"check digit is {t[17]!r}, expected {expected!r} (GB 11643)")
    return t


def validate_party(p: Party) -> Party:
    if p.kind not in ("organisation", "person"):
        raise InputError("party.kind", "must be organisation or person")
    if not p.name.strip():
        raise InputError("party.name", "the party's name is needed")
    credit = validate_credit_code(p.credit_code, "party.credit_code") if p.credit_code else ""
    idn = _check_id_number(p.id_number, "party.id_number") if p.id_number else ""
    if p.kind == "person" and credit:
        raise InputError("party.credit_code", "a natural person has an identity number instead")
    return dataclasses.replace(p, name=p.name.strip(), credit_code=credit, id_number=idn)


def validate_officers(officers: list[CaseOfficer]) -> list[CaseOfficer]:
    out = []
    for i, o in enumerate(officers):
        if not o.name.strip():
            raise InputError(f"officers[{i}].name", "is empty")
        if not o.certificate_no.strip():
            raise InputError(
                f"officers[{i}].certificate_no", f"{o.name} needs an enforcement certificate no."
            )
        out.append(CaseOfficer(o.name.strip(), o.certificate_no.strip()))
    if len({o.certificate_no for o in out}) < len(out):
        raise InputError("officers", "two officers have the same certificate number")
    return out


def check_officers_for_filing(officers: list[CaseOfficer]) -> None:
    if len(officers) < MIN_OFFICERS:
        raise InputError(
            "officers",
            f"at least {MIN_OFFICERS} officers with enforcement certificates handle a case"
            f" (got {len(officers)})",
        )


def check_article_refs(
    cat: ArticleCatalogue, refs: list[ArticleRef], role: str, where: str
) -> list[str]:
    """Every reference exists in its edition and can be cited in this role; returns the
    warnings of articles not fully confirmed."""
    warnings = []
    for i, ref in enumerate(refs):
        art = cat.get(ref.article_id, ref.edition, f"{where}[{i}]")
        if art.role not in (role, "both"):
            raise InputError(f"{where}[{i}]", f"{art.id} is not a {role} article")
        if art.confidence != "confirmed":
            warnings.append(
                f"{art.id} ({cat.cite(art, 'en')}) is {art.confidence}"
                + (f": {art.note}" if art.note else "")
            )
    return warnings


def check_decision(
    cat: ArticleCatalogue, case: Case, decision: Decision
) -> tuple[Decision, list[str]]:
    """The decision within the law: fine within the penalty articles' range, the simple
    procedure within its limits, something decided at all. Returns the warnings."""
    warnings: list[str] = []
    if decision.procedure not in ("general", "simple"):
        raise InputError("decision.procedure", "must be general or simple")
    bad = [c for c in decision.confiscation if c not in CONFISCATION]
    if bad:
        raise InputError("decision.confiscation", f"{bad[0]!r} is not a kind of confiscation")
    if decision.fine is not None and decision.fine <= 0:
        raise InputError("decision.fine", "a fine is a positive amount (omit it for none)")
    if not (
        decision.warning or decision.order_to_correct or decision.fine or decision.confiscation
    ):
        raise InputError(
            "decision", "decides nothing: give a warning, an order, a fine or confiscation"
        )
    if not case.penalty and (decision.fine or decision.confiscation):
        raise InputError("penalty", "a fine or confiscation needs a penalty article")
    arts = [cat.get(r.article_id, r.edition, "penalty") for r in case.penalty]
    if decision.procedure == "simple":
        limit = SIMPLE_LIMIT[case.party.kind]
        if decision.fine is not None and decision.fine > limit:
            who = "a natural person" if case.party.kind == "person" else "an organisation"
            raise InputError(
                "decision.fine",
                f"the on-the-spot procedure allows at most ¥{limit} for {who}; ¥{decision.fine}"
                " needs the general procedure",
            )
        if decision.confiscation or decision.illegal_gains is not None:
            raise InputError(
                "decision.procedure",
                "confiscation or a fine computed from illegal gains needs the general procedure",
            )
    if decision.fine is not None and arts:
        ranges = []
        for art in arts:
            if art.gains_multiple_max is not None:
                if decision.illegal_gains is None:
                    raise InputError(
                        "decision.illegal_gains",
                        f"{art.id} sets the fine as a multiple of the illegal gains or goods"
                        " value: give that amount",
                    )
                high = art.gains_multiple_max * decision.illegal_gains
                if art.fine_cap is not None:
                    high = min(high, art.fine_cap)
                ranges.append((Decimal(0), high, art))
            elif art.fine_max is not None:
                ranges.append((art.fine_min or Decimal(0), art.fine_max, art))
            else:
                warnings.append(
                    f"{art.id} has no confirmed fine range in the articles data: the fine of"
                    f" ¥{decision.fine} was not checked against the law"
                )
        for low, high, art in ranges:
            if not low <= decision.fine <= high:
                raise InputError(
                    "decision.fine",
                    f"¥{decision.fine} is outside the range of {cat.cite(art, 'en')}"
                    + (f" (up to ¥{high})" if low == 0 else f" (¥{low} to ¥{high})"),
                )
            if art.confidence != "confirmed":
                warnings.append(f"the range of {art.id} is {art.confidence}: {art.note}")
    return decision, warnings


def check_transition(case: Case, to: str, *, simple: bool = False) -> None:
    if to not in STATES:
        raise InputError("status", f"{to!r} is not a case state ({', '.join(STATES)})")
    if to not in TRANSITIONS[case.status]:
        nexts = ", ".join(TRANSITIONS[case.status]) or "none"
        raise InputError(
            "status", f"a case that is {case.status} cannot become {to} (next: {nexts})"
        )
    if case.status == "clue" and to == "decided" and not simple:
        raise InputError("status", "only the on-the-spot procedure decides without filing")
    if to == "filed":
        check_officers_for_filing(case.officers)
        if not case.violated:
            raise InputError("violated", "name the violated article before filing")


# -- sealing ---------------------------------------------------------------------------------

DECIDED_FIELDS = (
    "id",
    "case_no",
    "source",
    "clue_date",
    "party",
    "officers",
    "facts",
    "premises_id",
    "violated",
    "penalty",
    "decision",
)


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def decided_hash(case: Case, evidence: list[Evidence]) -> str:
    """SHA-256 over what the decision rests on: party, officers, facts, articles, decision
    and the evidence list."""
    d = case.as_dict()
    body = {k: d[k] for k in DECIDED_FIELDS}
    body["evidence"] = [dataclasses.asdict(e) for e in evidence]
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def closed_hash(case: Case, evidence: list[Evidence]) -> str:
    """SHA-256 over the whole closed case (its content hash field left out)."""
    d = case.as_dict()
    d.pop("content_hash", None)
    d["evidence"] = [dataclasses.asdict(e) for e in evidence]
    return hashlib.sha256(_canonical(d).encode("utf-8")).hexdigest()
