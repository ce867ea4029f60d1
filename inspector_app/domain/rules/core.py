"""Building blocks of the rules engine: rules as data, rule sets, bands, and result items.

A :class:`Rule` is one number or table taken from a regulation, with the clause it comes
from and how far it has been confirmed (the ✅/🟡/❓ marks explained in docs/rules.md). A
:class:`RuleSet` is one edition of one regulation for one instrument family. Using a rule
whose numbers are not confirmed adds a warning to the result (:meth:`Context.rule`).

Everything here is :class:`decimal.Decimal`; nothing goes through a binary float.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, overload

from inspector_app.domain.numbers import fmt as plain_fmt

CHECKS = ("initial", "subsequent", "in_service", "covert")
"""Kinds of check: 首次检定, 后续检定, 使用中检查, 暗访 (covert test purchase)."""

PASS = "pass"
FAIL = "fail"
NOT_APPLICABLE = "not_applicable"


class Confidence(enum.Enum):
    """How far a rule's numbers have been checked against the published text."""

    CONFIRMED = "confirmed"  # ✅ primary text or a faithful reproduction
    SECONDARY = "secondary"  # 🟡 secondary source only
    UNCONFIRMED = "unconfirmed"  # ❓ recalled or a placeholder

    @property
    def mark(self) -> str:
        return {"confirmed": "✅", "secondary": "🟡", "unconfirmed": "❓"}[self.value]


_CONFIRMED = Confidence.CONFIRMED


@dataclass(frozen=True)
class Band:
    """One row of a band table: applies up to and including ``upper`` (``None``: no limit)."""

    upper: Decimal | None
    value: Decimal


def band_lookup(bands: Sequence[Band], x: Decimal) -> Band:
    """The first band whose inclusive upper limit is at or above *x* (upper-inclusive bands)."""
    for band in bands:
        if band.upper is None or x <= band.upper:
            return band
    raise LookupError(x)


def bands(*rows: tuple[str | None, str]) -> tuple[Band, ...]:
    """Shorthand for band tables in rule-set data: ``bands(("500", "0.5"), (None, "1.5"))``."""
    return tuple(Band(None if u is None else Decimal(u), Decimal(v)) for u, v in rows)


@dataclass(frozen=True)
class Rule:
    """One rule of a rule set: data with its clause citation and confidence.

    ``clause`` names the document and the clause, table, annex or article the rule rests
    on (every rule has one; :func:`has_clause` is the test). ``legacy_clause`` is the text
    results carried under rule data version 1, before every clause was named, so that a
    record judged then re-evaluates to exactly its stored result.
    """

    key: str
    clause: str
    confidence: Confidence
    summary: str
    data: Any = None
    note: str = ""
    legacy_clause: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.confidence is Confidence.CONFIRMED

    def warning(self, ruleset: str) -> str:
        how = (
            "seen only in a secondary source"
            if self.confidence is Confidence.SECONDARY
            else "not confirmed (recalled or a placeholder)"
        )
        text = f"{ruleset} [{self.key}] {self.summary}: {how}; check against the published text ({self.clause})"
        return f"{text}. {self.note}" if self.note else text


@dataclass(frozen=True)
class InForce:
    """When an edition governs, and for which instruments.

    ``start``/``end`` are ISO dates, both inclusive; ``None`` means open (no end: still in
    force). ``start_confirmed`` is False where only the edition's year is known, so the
    start is the 1st of January of that year (a date in that year may belong to the
    previous edition, and the choice warns). ``scope`` says in words which instruments the
    edition covers; ``applies`` decides it for one parsed instrument and date.
    """

    start: str | None
    end: str | None = None
    start_confirmed: bool = True
    scope: str = ""
    applies: Callable[[Any, str], bool] | None = None
    clause: str = ""  # where the dates come from (cover page, announcement)

    def covers(self, date: str) -> bool:
        return (self.start is None or self.start <= date) and (self.end is None or date <= self.end)

    def describe(self) -> str:
        start = self.start or "?"
        if self.start and not self.start_confirmed:
            start = f"{self.start[:4]} (day not seen)"
        return f"{start} – {self.end or 'in force'}"


@dataclass(frozen=True)
class RuleSet:
    """One edition of a regulation as applied to one family."""

    family: str
    name: str
    title: str
    status: str
    rules: Mapping[str, Rule]
    kinds: frozenset[str] | None = None  # test kinds it evaluates; None: all the family's
    aliases: tuple[str, ...] = ()
    in_force: InForce | None = None  # None: a reference (OIML, NIST), never chosen by date

    def rule(self, key: str) -> Rule:
        return self.rules[key]

    def with_rule(self, key: str, **changes: Any) -> RuleSet:
        """A copy with one rule changed (e.g. an office correcting a ❓ number)."""
        rules = dict(self.rules)
        rules[key] = replace(rules[key], **changes)
        return replace(self, rules=rules)

    def legacy(self) -> RuleSet:
        """This rule set as rule data version 1 showed it: the clause texts of that time."""
        rules = {
            k: replace(r, clause=r.legacy_clause) if r.legacy_clause else r
            for k, r in self.rules.items()
        }
        return replace(self, rules=rules)


_CLAUSE = re.compile(
    r"(\d+(\.\d+)+|§\s*\d|\b(Table|Annex|Appendix|Art\.|Article|Chapter|Schedule)\s*[\dA-Z]"
    r"|附表\s*\d|附件\s*\d|第[一二三四五六七八九十百\d]+条|\b\d+\.\d+\b"
    r"|-\d{4}\s+\d{1,2}\s)"  # a chapter number right after the edition: "JJF 1070-2005 6 结果评定"
)


def has_clause(text: str) -> bool:
    """Whether a citation names a clause (5.6, 3.5.1, Table 3, Annex I, Art. 6, 第六条, 附表1),
    not only a document."""
    return bool(_CLAUSE.search(text))


def ruleset(
    family: str, name: str, title: str, status: str, rules: Sequence[Rule], **kw: Any
) -> RuleSet:
    return RuleSet(family, name, title, status, {r.key: r for r in rules}, **kw)


STAGES = ("as_found", "as_left")
"""Optional ``stage`` of a test when the instrument is adjusted on site."""


def adjustment_rule(edition: str) -> Rule:
    """How as-found and as-left results count, for a rule set that records them."""
    return Rule(
        "adjustment",
        f"{edition}; JJF 1002-2010 Appendix G (adjustment or repair: results before and after)",
        Confidence.SECONDARY,
        "adjusted on site: the as-found results are recorded; a verification (initial or "
        "subsequent) is decided by the as-left results, an in-service or covert check by "
        "both (the instrument was found in use as it was)",
        None,
    )


@dataclass
class Context:
    """What one evaluation needs: the rule set, the check, the instrument, the warnings so far.

    ``legacy`` is true when a record is re-judged under rule data version 1: the engine then
    gives exactly the results of that time (no warnings or checks added since).
    """

    ruleset: RuleSet
    check: str
    instrument: Any
    warnings: list[str] = field(default_factory=list)
    legacy: bool = False
    date: str | None = None

    _warned: set[str] = field(default_factory=set, repr=False, compare=False)

    def rule(self, key: str) -> Rule:
        """Use a rule: an unconfirmed one adds its warning (once) to the result."""
        rule = self.ruleset.rules[key]
        if rule.confidence is not _CONFIRMED and key not in self._warned:
            self._warned.add(key)
            self.warn(rule.warning(self.ruleset.name))
        return rule

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def notice(self, text: str) -> None:
        """A warning added after rule data version 1 (not given when re-judging under it)."""
        if not self.legacy:
            self.warn(text)

    def rule_since_v1(self, key: str) -> Rule:
        """Use a rule that rule data version 1 did not use: under it, no warning is added."""
        if self.legacy:
            return self.ruleset.rule(key)
        return self.rule(key)


@dataclass(frozen=True)
class Family:
    """A family of instruments as the engine sees it; rules modules register one each."""

    name: str
    order: int
    label_zh: str
    label_en: str
    rulesets: tuple[RuleSet, ...]
    parse_instrument: Callable[[Mapping[str, Any], str], Any]
    tests: Mapping[str, Callable[[Context, Mapping[str, Any], str], dict[str, Any]]]
    envelope: Callable[[Context, Decimal, str], Decimal]
    envelope_axis: str
    variables: Callable[[Any], dict[str, Decimal]] = lambda instrument: {}
    prepare: Callable[[Context], None] = lambda ctx: None
    checks: tuple[str, ...] = CHECKS  # the kinds of check a request may name
    # what the tests of a request say about the instrument, for choosing the edition by
    # date (a scale whose price computation is tested is a price-computing scale)
    scope_hint: Callable[[Any, frozenset[str]], Any] = lambda instrument, kinds: instrument

    @property
    def default_ruleset(self) -> RuleSet:
        return self.rulesets[0]

    def find_ruleset(self, name: str) -> RuleSet | None:
        for rs in self.rulesets:
            if name == rs.name or name in rs.aliases:
                return rs
        return None


# ---- result items -----------------------------------------------------------------------

# fmt() and show() of quantities already shown: results repeat the same MPEs and errors
# thousands of times in a bulk load. They are kept under the Decimal's text, which holds
# all of it (sign, digits and exponent: Decimal(str(d)) is d, a zero's sign included); a
# text is much cheaper to hash than a Decimal with decimals. The rules format in the default
# decimal context (no rules code calls them inside a localcontext). Each cache is cleared
# when full.
_FMT: dict[str, str] = {}
_FMT_MAX = 50_000
_SHOW: dict[tuple[str, str | None, int], str] = {}
_SHOW_MAX = 50_000


@overload
def fmt(d: Decimal) -> str: ...


@overload
def fmt(d: None) -> None: ...


@overload
def fmt(d: Decimal | None) -> str | None: ...


def fmt(d: Decimal | None) -> str | None:
    """:func:`inspector_app.domain.numbers.fmt`, remembered."""
    if d is None:
        return None
    key = str(d)
    s = _FMT.get(key)
    if s is None:
        s = plain_fmt(d)
        if len(_FMT) >= _FMT_MAX:
            _FMT.clear()
        _FMT[key] = s
    return s


@overload
def show(value: Decimal, limit: Decimal | None = None, places: int = 6) -> str: ...


@overload
def show(value: Decimal | None, limit: Decimal | None = None, places: int = 6) -> str | None: ...


def show(value: Decimal | None, limit: Decimal | None = None, places: int = 6) -> str | None:
    """A quantity for the result: exact when it has at most *places* decimals, otherwise
    rounded half-up to *places* and then to more places until the shown value lies on the
    same side of *limit* as the exact one (so a shown "0.300" never hides a failing 0.3004).
    """
    if value is None:
        return None
    key = (str(value), None if limit is None else str(limit), places)
    s = _SHOW.get(key)
    if s is None:
        s = _show(value, limit, places)
        if len(_SHOW) >= _SHOW_MAX:
            _SHOW.clear()
        _SHOW[key] = s
    return s


def _show(value: Decimal, limit: Decimal | None, places: int) -> str:
    """:func:`show` computed."""
    if value.as_tuple().exponent >= -places:  # type: ignore[operator]
        return fmt(value)
    for p in range(places, 29):
        shown = value.quantize(Decimal(1).scaleb(-p), rounding=ROUND_HALF_UP)
        if limit is None or (abs(shown) <= limit) == (abs(value) <= limit):
            return plain_fmt(shown)
    return plain_fmt(value)  # pragma: no cover - 28 places always separate a Decimal from a limit


def within(error: Decimal, mpe: Decimal) -> bool:
    """The pass rule: |error| <= MPE; equality passes ("shall not exceed", 不超过)."""
    return abs(error) <= mpe


def item(
    label: str,
    *,
    error: Decimal | None,
    mpe: Decimal | None,
    unit: str,
    rule: Rule,
    passed: bool | None = None,
    places: int = 6,
    **extra: Any,
) -> dict[str, Any]:
    """One judged item. Verdict is ``|error| <= mpe`` unless *passed* is given."""
    if passed is None:
        assert error is not None and mpe is not None
        passed = within(error, mpe)
    if mpe is None or error is None:
        shown, shown_mpe = show(error, mpe, places), fmt(mpe)
    else:  # show() and fmt() of what they remember, the MPE's text made once
        mpe_text = str(mpe)
        shown = _SHOW.get((str(error), mpe_text, places)) or show(error, mpe, places)
        shown_mpe = _FMT.get(mpe_text) or fmt(mpe)
    out = {
        "label": label,
        "error": shown,
        "mpe": shown_mpe,
        "unit": unit,
        "verdict": PASS if passed else FAIL,
        "rule": rule.clause,
    }
    if extra:
        out.update(extra)
    return out


def test_result(kind: str, items: list[dict[str, Any]], **derived: Any) -> dict[str, Any]:
    verdict = PASS
    for i in items:
        if i["verdict"] == FAIL:
            verdict = FAIL
            break
    out: dict[str, Any] = {"kind": kind, "verdict": verdict}
    out.update(derived)
    out["items"] = items
    return out


test_result.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
