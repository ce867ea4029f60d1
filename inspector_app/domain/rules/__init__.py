"""The metrology rules engine: one module per instrument family, rule sets as data.

Public API (see ``docs/evaluate.md`` for the request and result shapes)::

    evaluate(request: Mapping) -> dict
    list_rulesets(family: str | None = None) -> list[RuleSetInfo]
    default_ruleset(family: str) -> str
    family_names() -> list[str]
    mpe_envelope(family, ruleset, check, instrument, xs) -> list[tuple[Decimal, Decimal]]
    override_rule(family, ruleset, key, **changes) -> None

Every number is a :class:`decimal.Decimal`; invalid input raises
:class:`inspector_app.domain.errors.InputError` naming the path of the bad value.
Each rules module registers its family on import; this package imports all of them, so a
new family needs one new module here (and a form file), nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from inspector_app.domain.errors import InputError
from inspector_app.domain.numbers import parse_decimal

from . import inputs as f
from . import registry, ruledata
from .core import (
    CHECKS,
    FAIL,
    PASS,
    STAGES,
    Confidence,
    Context,
    Family,
    InForce,
    Rule,
    RuleSet,
    has_clause,
)

_NOT_FAMILIES = {"core", "inputs", "registry", "request_json", "docgen", "ruledata"}
for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _NOT_FAMILIES:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "CHECKS",
    "Confidence",
    "combine",
    "rejudge",
    "InputError",
    "Rule",
    "RuleSetInfo",
    "default_ruleset",
    "edition_for",
    "evaluate",
    "has_clause",
    "family_names",
    "list_rulesets",
    "mpe_envelope",
    "override_rule",
]


@dataclass(frozen=True)
class RuleSetInfo:
    """What documentation and the UI show about one rule set."""

    family: str
    name: str
    title: str
    status: str
    default: bool
    kinds: tuple[str, ...]
    aliases: tuple[str, ...]
    rules: tuple[Rule, ...]
    in_force: InForce | None = None

    @property
    def confirmed(self) -> bool:
        return all(r.confirmed for r in self.rules)


def family_names() -> list[str]:
    """The families the engine evaluates, in display order."""
    return [fam.name for fam in registry.families()]


def _family(name: Any, path: str = "family") -> Family:
    fam = registry.get(name) if isinstance(name, str) else None
    if fam is None:
        raise InputError(
            path, f"unknown family {name!r} (expected one of: {', '.join(family_names())})"
        )
    return fam


def _ruleset(fam: Family, name: Any, path: str = "ruleset") -> RuleSet:
    rs = fam.find_ruleset(name) if isinstance(name, str) else None
    if rs is None:
        known = ", ".join(r.name for r in fam.rulesets)
        raise InputError(
            path, f"unknown rule set {name!r} for {fam.name} (expected one of: {known})"
        )
    return rs


def default_ruleset(family: str) -> str:
    """Name of the rule set used when a request names none (the current Chinese regulation)."""
    return _family(family).default_ruleset.name


def list_rulesets(
    family: str | None = None, rule_data: ruledata.RuleData | None = None
) -> list[RuleSetInfo]:
    """Every rule set (of one family, or of all), default first within each family, with
    the rule data of *rule_data* (default: the active version) laid over it."""
    fams = [_family(family)] if family is not None else registry.families()
    data = rule_data or ruledata.active()
    out = []
    for fam in fams:
        for base in fam.rulesets:
            rs = data.apply(base)
            kinds = tuple(k for k in fam.tests if rs.kinds is None or k in rs.kinds)
            out.append(
                RuleSetInfo(
                    fam.name,
                    rs.name,
                    rs.title,
                    rs.status,
                    base is fam.default_ruleset,
                    kinds,
                    rs.aliases,
                    tuple(rs.rules.values()),
                    rs.in_force,
                )
            )
    return out


def override_rule(family: str, ruleset: str, key: str, **changes: Any) -> None:
    """Replace fields of one rule (``data``, ``confidence``, ``clause``…) for this process,
    e.g. when an office corrects a 🟡/❓ number from the published text."""
    fam = _family(family)
    rs = _ruleset(fam, ruleset)
    if key not in rs.rules:
        raise InputError("key", f"unknown rule {key!r} in {rs.name}")
    new = rs.with_rule(key, **changes)
    registry.register(replace(fam, rulesets=tuple(new if r is rs else r for r in fam.rulesets)))


def read_date(value: Any, path: str = "date") -> str:
    """An ISO date (``2026-12-04``; a timestamp such as ``2026-12-04T09:30+08:00`` gives its
    date), as ``YYYY-MM-DD``."""
    import datetime as dt

    if isinstance(value, str) and (len(value) == 10 or value[10:11] in ("T", " ")):
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            pass
    raise InputError(path, f"must be an ISO date (YYYY-MM-DD); got {value!r}")


def _start(rs: RuleSet) -> str:
    return (rs.in_force.start if rs.in_force else None) or ""


def _choose(fam: Family, date: str, instrument: Any) -> tuple[RuleSet, list[str]]:
    """The edition in force on *date* for *instrument*, and notes on how sure that is."""
    dated = [rs for rs in fam.rulesets if rs.in_force is not None]
    if not dated:
        return fam.default_ruleset, []

    def applies(rs: RuleSet) -> bool:
        fn = rs.in_force.applies  # type: ignore[union-attr]
        return fn is None or fn(instrument, date)

    ok = [rs for rs in dated if rs.in_force.covers(date) and applies(rs)]  # type: ignore[union-attr]
    notes = []
    if ok:
        rs = max(ok, key=_start)
    else:
        rs = min([r for r in dated if applies(r)] or dated, key=_start)
        notes.append(
            f"no edition of the {fam.name} rules known here was in force on {date}; "
            f"{rs.name}, the earliest known, is used"
        )
    inf = rs.in_force
    assert inf is not None
    if inf.start and not inf.start_confirmed and date[:4] == inf.start[:4]:
        notes.append(
            f"{rs.name}: only the year of coming into force is known ({inf.clause}); an "
            f"inspection dated {date} may fall under the previous edition"
        )
    return rs, notes


def edition_for(family: str, date: str, instrument: Mapping[str, Any] | None = None) -> str:
    """Name of the edition in force on *date* (ISO) for *instrument* (the nameplate data of
    an evaluate request): what a new inspection of that date gets. Reference rule sets
    (OIML, NIST) are never chosen by date."""
    fam = _family(family)
    day = read_date(date)
    try:
        parsed = fam.parse_instrument(f.obj(instrument or {}, "instrument"), "instrument")
    except InputError:
        # nameplate data still incomplete: editions whose scope needs none, else the default
        unscoped = replace(
            fam, rulesets=tuple(r for r in fam.rulesets if r.in_force and not r.in_force.applies)
        )
        return _choose(unscoped, day, None)[0].name if unscoped.rulesets else fam.rulesets[0].name
    return _choose(fam, day, parsed)[0].name


def _rule_data(request: Mapping[str, Any], given: ruledata.RuleData | None) -> ruledata.RuleData:
    if given is not None:
        return given
    version = request.get("rule_data")
    if version is None:
        return ruledata.active()
    data = ruledata.get(version) if isinstance(version, str) else None
    if data is None:
        raise InputError(
            "rule_data",
            f"unknown rule data version {version!r} (known: {', '.join(ruledata.versions())})",
        )
    return data


# Nameplate data already read: an import or the demo judges thousands of inspections of a
# few hundred instruments. Kept only for a plain dict of texts, flags, whole numbers and
# nulls under text keys, keyed by the family's reader, the (key, value) pairs in order and
# the values' types (True and 1 are equal, but not the same field): a reader is a pure
# function of them, and what it gives is immutable (a frozen dataclass, or None).
_INSTRUMENTS: dict[tuple[Any, ...], Any] = {}
_INSTRUMENTS_MAX = 10_000
_PLAIN = frozenset({str, bool, int, type(None)})


def _instrument(fam: Family, data: Mapping[str, Any]) -> Any:
    """``fam.parse_instrument(data, "instrument")``, remembered when *data* is plain."""
    if type(data) is not dict:
        return fam.parse_instrument(data, "instrument")
    types = tuple(map(type, data.values()))
    if not _PLAIN.issuperset(types) or not all(type(k) is str for k in data):
        return fam.parse_instrument(data, "instrument")
    key = (fam.parse_instrument, tuple(data.items()), types)
    if key in _INSTRUMENTS:
        return _INSTRUMENTS[key]
    parsed = fam.parse_instrument(data, "instrument")
    if len(_INSTRUMENTS) >= _INSTRUMENTS_MAX:
        _INSTRUMENTS.clear()
    _INSTRUMENTS[key] = parsed
    return parsed


# A rule set as a rule data version lays it out (or as builtin-1 showed it), by the identity
# of both: neither is ever changed in place (an office's values are a new RuleData;
# override_rule registers a new RuleSet). Each entry holds both objects, so their ids are
# not reused while it is kept.
_LAID: dict[tuple[int, int, bool], tuple[ruledata.RuleData, RuleSet, RuleSet]] = {}
_LAID_MAX = 1_000


def _laid(data: ruledata.RuleData, rs: RuleSet, legacy: bool) -> RuleSet:
    """``rs.legacy()`` if *legacy*, else ``data.apply(rs)``, remembered."""
    key = (id(data), id(rs), legacy)
    kept = _LAID.get(key)
    if kept is not None and kept[0] is data and kept[1] is rs:
        return kept[2]
    laid = rs.legacy() if legacy else data.apply(rs)
    if len(_LAID) >= _LAID_MAX:
        _LAID.clear()
    _LAID[key] = (data, rs, laid)
    return laid


def _context(
    request: Mapping[str, Any], data: ruledata.RuleData | None = None
) -> tuple[Family, Context]:
    fam = _family(request.get("family"))
    data = data or ruledata.active()
    legacy = data.version == ruledata.LEGACY
    named = request.get("ruleset")
    rs = _ruleset(fam, named) if named is not None else None
    check = f.choice(request, "check", "", fam.checks)
    instrument = f.obj(request.get("instrument", {}), "instrument")
    parsed = _instrument(fam, instrument)
    date = read_date(request["date"]) if request.get("date") is not None else None
    notes: list[str] = []
    if date is not None:
        tests = request.get("tests")
        kinds = frozenset(
            str(t.get("kind"))
            for t in (tests if isinstance(tests, list) else [])
            if isinstance(t, Mapping)
        )
        chosen, notes = _choose(fam, date, fam.scope_hint(parsed, kinds))
        if rs is None:
            rs = chosen
        elif rs.in_force is not None and rs is not chosen:
            notes = [
                f"{rs.name} was not the edition in force on {date} for this instrument "
                f"({chosen.name} was)"
            ]
        elif rs is not chosen:
            notes = []
    if rs is None:
        rs = fam.default_ruleset
    rs = _laid(data, rs, legacy)
    ctx = Context(rs, check, parsed, legacy=legacy, date=date)
    for note in notes:
        ctx.notice(note)
    fam.prepare(ctx)
    return fam, ctx


def _staged(
    ctx: Context, test: Mapping[str, Any], path: str
) -> tuple[Mapping[str, Any], str | None]:
    """The test without its ``stage`` (as_found / as_left), and the stage."""
    if test.get("stage") in (None, ""):
        if "stage" in test:
            return {k: v for k, v in test.items() if k != "stage"}, None
        return test, None
    stage = test["stage"]
    if isinstance(stage, str):  # as typed in an editor cell: "as found", "调整前"
        stage = {"调整前": "as_found", "调整后": "as_left"}.get(stage.strip(), stage)
        stage = stage.strip().lower().replace(" ", "_").replace("-", "_")
    if stage not in STAGES:
        raise InputError(f.join(path, "stage"), f"must be one of: {', '.join(STAGES)}")
    if "adjustment" not in ctx.ruleset.rules:
        raise InputError(
            f.join(path, "stage"),
            f"as-found and as-left results are not kept under {ctx.ruleset.name}",
        )
    ctx.rule("adjustment")
    return {k: v for k, v in test.items() if k != "stage"}, stage


def _label_stage(result: dict[str, Any], stage: str) -> dict[str, Any]:
    prefix = "as found: " if stage == "as_found" else "as left: "
    out = dict(result)
    out["stage"] = stage
    out["items"] = [{**i, "label": prefix + i["label"]} for i in result["items"]]
    return out


def evaluate(
    request: Mapping[str, Any], rule_data: ruledata.RuleData | None = None
) -> dict[str, Any]:
    """Judge every test of a request against its rule set (docs/evaluate.md).

    Quantities in the result are strings; ``verdict`` is ``fail`` when any item fails
    (as-found results of a verification whose as-left results of that kind are given are
    reported apart, in ``as_found_failed``). The result names the rule data version used
    (``rule_data``), except under ``builtin-1``, whose results had no such key.
    """
    request = f.obj(request, "")
    f.only(
        request,
        ("family", "ruleset", "check", "instrument", "tests", "date", "rule_data"),
        "",
    )
    data = _rule_data(request, rule_data)
    fam, ctx = _context(request, data)
    tests = []
    kinds = ctx.ruleset.kinds
    allowed = [k for k in fam.tests if kinds is None or k in kinds]  # a list: kind may be any JSON
    for test, path in f.objects(request, "tests", ""):
        kind = test.get("kind")
        if kind not in allowed:
            raise InputError(
                f.join(path, "kind"),
                f"unknown kind {kind!r} for {fam.name} under {ctx.ruleset.name} "
                f"(expected one of: {', '.join(allowed)})",
            )
        test, stage = _staged(ctx, test, path)
        result = fam.tests[kind](ctx, test, path)
        tests.append(_label_stage(result, stage) if stage else result)
    out = {
        "family": fam.name,
        "ruleset": ctx.ruleset.name,
        "check": ctx.check,
        **combine(ctx.check, tests),
        "warnings": ctx.warnings,
    }
    if not ctx.legacy:
        out["rule_data"] = data.version
    return out


def combine(check: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    """The overall ``verdict``, ``failed`` and ``tests`` of judged tests (and
    ``as_found_failed`` when as-found results are set aside), as :func:`evaluate` gives
    them; for callers that judge tests one by one (the draft editor).

    In an initial or subsequent verification, as-found tests of a kind that also has as-left
    results do not decide the verdict.
    """
    left = {t["kind"] for t in tests if t.get("stage") == "as_left"}
    set_aside = [
        t
        for t in tests
        if t.get("stage") == "as_found" and t["kind"] in left and check in ("initial", "subsequent")
    ]
    counted = [t for t in tests if not any(t is a for a in set_aside)] if set_aside else tests
    failed = [i["label"] for t in counted for i in t["items"] if i["verdict"] == FAIL]
    # a test may name what failed beyond its items (a batch failing on its average)
    failed += [label for t in counted for label in t.get("failed", ())]
    out = {
        "verdict": FAIL if any(t["verdict"] == FAIL for t in counted) else PASS,
        "tests": tests,
        "failed": failed,
    }
    if set_aside:
        out["as_found_failed"] = [
            i["label"] for t in set_aside for i in t["items"] if i["verdict"] == FAIL
        ]
    return out


def rejudge(request: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """Evaluate *request* (a stored record's family, ruleset, check, instrument and tests)
    under the rule data version its *stored* result names; a result without ``rule_data``
    was judged under ``builtin-1``. Equal to *stored* when nothing was altered. An office
    version not installed here is an input error at ``rule_data``."""
    version = stored.get("rule_data", ruledata.LEGACY)
    return evaluate({**request, "rule_data": version})


def mpe_envelope(
    family: str,
    ruleset: str | None,
    check: str,
    instrument: Mapping[str, Any],
    xs: Iterable[Decimal | int | str],
) -> list[tuple[Decimal, Decimal]]:
    """The MPE magnitude at each x, for drawing a ±MPE envelope on an error chart.

    x and MPE per family: scale — load and MPE in the instrument unit; fuel_dispenser —
    volume in L and MPE in % (NIST HB 44: in³); focimeter, refractometer, trial_lens_set —
    nominal power and MPE in D; pd_meter — reference distance and MPE in mm;
    retail_goods — weight in kg and permitted shortfall in g (instrument ``unit_price``
    chooses the band). Include band edges in *xs* to draw the steps sharply.
    """
    fam, ctx = _context(
        {"family": family, "ruleset": ruleset, "check": check, "instrument": instrument}
    )
    out = []
    for i, x in enumerate(xs):
        d = parse_decimal(x, f"xs[{i}]")
        out.append((d, fam.envelope(ctx, d, f"xs[{i}]")))
    return out
