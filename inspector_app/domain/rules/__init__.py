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
from . import registry
from .core import CHECKS, FAIL, PASS, Confidence, Context, Family, Rule, RuleSet

_NOT_FAMILIES = {"core", "inputs", "registry", "request_json", "docgen"}
for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _NOT_FAMILIES:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "CHECKS",
    "Confidence",
    "InputError",
    "Rule",
    "RuleSetInfo",
    "default_ruleset",
    "evaluate",
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
    if name is None:
        return fam.default_ruleset
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


def list_rulesets(family: str | None = None) -> list[RuleSetInfo]:
    """Every rule set (of one family, or of all), default first within each family."""
    fams = [_family(family)] if family is not None else registry.families()
    out = []
    for fam in fams:
        for rs in fam.rulesets:
            kinds = tuple(k for k in fam.tests if rs.kinds is None or k in rs.kinds)
            out.append(
                RuleSetInfo(
                    fam.name,
                    rs.name,
                    rs.title,
                    rs.status,
                    rs is fam.default_ruleset,
                    kinds,
                    rs.aliases,
                    tuple(rs.rules.values()),
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


def _context(request: Mapping) -> tuple[Family, Context]:
    fam = _family(request.get("family"))
    rs = _ruleset(fam, request.get("ruleset"))
    check = f.choice(request, "check", "", fam.checks)
    instrument = f.obj(request.get("instrument", {}), "instrument")
    ctx = Context(rs, check, fam.parse_instrument(instrument, "instrument"))
    fam.prepare(ctx)
    return fam, ctx


def evaluate(request: Mapping) -> dict:
    """Judge every test of a request against its rule set (docs/evaluate.md).

    Quantities in the result are strings; ``verdict`` is ``fail`` when any item fails.
    """
    request = f.obj(request, "")
    f.only(request, ("family", "ruleset", "check", "instrument", "tests"), "")
    fam, ctx = _context(request)
    tests = []
    for test, path in f.objects(request, "tests", ""):
        kind = test.get("kind")
        allowed = [k for k in fam.tests if ctx.ruleset.kinds is None or k in ctx.ruleset.kinds]
        if kind not in allowed:
            raise InputError(
                f.join(path, "kind"),
                f"unknown kind {kind!r} for {fam.name} under {ctx.ruleset.name} "
                f"(expected one of: {', '.join(allowed)})",
            )
        tests.append(fam.tests[kind](ctx, test, path))
    failed = [i["label"] for t in tests for i in t["items"] if i["verdict"] == FAIL]
    # a test may name what failed beyond its items (a batch failing on its average)
    failed += [label for t in tests for label in t.get("failed", ())]
    return {
        "family": fam.name,
        "ruleset": ctx.ruleset.name,
        "check": ctx.check,
        "verdict": FAIL if any(t["verdict"] == FAIL for t in tests) else PASS,
        "tests": tests,
        "failed": failed,
        "warnings": ctx.warnings,
    }


def mpe_envelope(
    family: str,
    ruleset: str | None,
    check: str,
    instrument: Mapping,
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
        d: Decimal = parse_decimal(x, f"xs[{i}]")  # type: ignore[assignment]
        out.append((d, fam.envelope(ctx, d, f"xs[{i}]")))
    return out
