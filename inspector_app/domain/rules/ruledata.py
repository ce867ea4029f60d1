"""Rule data versions: published values an office lays over a rule set's built-in numbers.

The built-in numbers of a rule set come with the program; those marked 🟡 or ❓ are
placeholders or secondary readings (the JJG 952 PD tolerance, the JJG 580 vertex-power
table…). An office that has read the published text enters the value as an
:class:`Override`; a set of overrides with a version string is a :class:`RuleData`. Every
evaluation result names the rule data version it used (``rule_data``), so a verdict can
always be traced to the numbers behind it and re-judged with them.

Versions:

- ``builtin-1``: the engine before clauses were completed and the edge fixes of the same
  release. Results of that time carry no ``rule_data`` key; re-judging such a record with
  ``"rule_data": "builtin-1"`` gives exactly its stored result.
- ``builtin-2``: the built-in data of this release, without overrides.
- any other string: an office's published values over ``builtin-2`` (installed with
  :func:`install`; the newest installed one is active unless another is chosen).

An override replaces a rule's data in the same shape as the built-in value (a number, a
mapping of numbers, or a band table ``[[upper or null, value], …]``), may give the
published clause, and is ``confirmed`` by default, which removes the rule's warning.
Signing, storing and shipping overrides are the store's and the bundles' business; here
they are plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from inspector_app.domain.errors import InputError
from inspector_app.domain.numbers import fmt, parse_decimal

from . import inputs as f
from . import registry
from .core import Band, Confidence, RuleSet

LEGACY = "builtin-1"
BUILTIN = "builtin-2"
MAX_VERSION = 60


@dataclass(frozen=True)
class Override:
    """One published value laid over one rule of one rule set."""

    family: str
    ruleset: str
    key: str
    data: Any
    confidence: Confidence = Confidence.CONFIRMED
    clause: str | None = None  # the published clause, when the office names it
    source: str = ""  # where it was read: document, page, date


@dataclass(frozen=True)
class RuleData:
    """A rule data version: a version string and the overrides it lays over the built-in."""

    version: str
    overrides: tuple[Override, ...] = ()
    note: str = ""

    def apply(self, rs: RuleSet) -> RuleSet:
        """*rs* with this version's overrides for it."""
        for o in self.overrides:
            if o.family == rs.family and o.ruleset == rs.name:
                changes: dict[str, Any] = {"data": o.data, "confidence": o.confidence}
                if o.clause:
                    changes["clause"] = o.clause
                if o.source:
                    changes["note"] = f"Office value: {o.source}"
                rs = rs.with_rule(o.key, **changes)
        return rs

    def overridden(self, family: str, ruleset: str) -> tuple[str, ...]:
        return tuple(o.key for o in self.overrides if (o.family, o.ruleset) == (family, ruleset))


BUILTIN_DATA = RuleData(BUILTIN, (), "the program's built-in rule data")
LEGACY_DATA = RuleData(LEGACY, (), "before every clause was named (results without rule_data)")
_INSTALLED: dict[str, RuleData] = {}
_ACTIVE: list[str] = [BUILTIN]


def install(data: RuleData, activate: bool = True) -> None:
    """Make a version known to :func:`get` (and the active one, by default)."""
    if data.version in (LEGACY, BUILTIN):
        raise InputError("version", f"{data.version!r} is reserved for the built-in data")
    _INSTALLED[data.version] = data
    if activate:
        _ACTIVE[0] = data.version


def uninstall(version: str) -> None:
    """Forget an installed version (the built-in becomes active if it was)."""
    _INSTALLED.pop(version, None)
    if _ACTIVE[0] == version:
        _ACTIVE[0] = BUILTIN


def active() -> RuleData:
    """The version new evaluations use."""
    return get(_ACTIVE[0])  # type: ignore[return-value]


def versions() -> list[str]:
    """Every version :func:`get` knows, the built-in ones first."""
    return [LEGACY, BUILTIN, *sorted(_INSTALLED)]


def get(version: str) -> RuleData | None:
    if version == BUILTIN:
        return BUILTIN_DATA
    if version == LEGACY:
        return LEGACY_DATA
    return _INSTALLED.get(version)


# ---- data in JSON form ------------------------------------------------------------------


def encode(value: Any) -> Any:
    """Rule data as JSON-ready values (numbers as strings)."""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, Band):
        return [None if value.upper is None else fmt(value.upper), fmt(value.value)]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    return value


def overridable(template: Any) -> bool:
    """Whether a rule's data has a shape an office can replace (numbers, a mapping of
    numbers, a band table)."""
    if isinstance(template, Decimal):
        return True
    if isinstance(template, Mapping):  # numbers, or band tables (an MPE table per class)
        return bool(template) and all(
            isinstance(v, Decimal) or _bands(v) for v in template.values()
        )
    return _bands(template)


def _bands(template: Any) -> bool:
    return (
        isinstance(template, tuple)
        and bool(template)
        and all(isinstance(b, Band) for b in template)
    )


def decode(template: Any, raw: Any, path: str) -> Any:
    """*raw* (JSON) read in the shape of the built-in *template*; InputError naming *path*."""
    if not overridable(template):
        raise InputError(path, "this rule has no number or table an office can replace")
    if isinstance(template, Decimal):
        return parse_decimal(raw, path, non_negative=True)
    if isinstance(template, Mapping):
        # keys as :func:`encode` writes them (a table by accuracy class has Decimal keys:
        # "0.5" in JSON)
        obj = f.obj(raw, path)
        names = {str(k): k for k in template}
        f.only(obj, tuple(names), path)
        return {
            k: (
                template[k]
                if name not in obj
                else decode(template[k], obj[name], f.join(path, name))
                if _bands(template[k])
                else parse_decimal(obj[name], f.join(path, name), non_negative=True)
            )
            for name, k in names.items()
        }
    if not isinstance(raw, list) or not raw:
        raise InputError(path, "must be a band table: [[upper or null, value], …]")
    out: list[Band] = []
    for i, row in enumerate(raw):
        p = f.join(path, i)
        if not isinstance(row, list) or len(row) != 2:
            raise InputError(p, "must be [upper or null, value]")
        upper = None if row[0] is None else parse_decimal(row[0], p, non_negative=True)
        if out and (out[-1].upper is None or (upper is not None and upper <= out[-1].upper)):
            raise InputError(p, "band upper limits must increase, with null only last")
        out.append(Band(upper, parse_decimal(row[1], p, non_negative=True)))
    return tuple(out)


def parse(raw: Any, path: str = "") -> RuleData:
    """A rule data version from JSON: ``{"version": "...", "note": "...", "overrides":
    [{"family", "ruleset", "key", "data", "clause"?, "source"?, "confidence"?}, …]}``.

    Every override must name a known family, rule set and rule, and give data in the shape
    of the built-in value; the version string must not be a built-in one.
    """
    obj = f.obj(raw, path)
    f.only(obj, ("version", "note", "overrides"), path)
    version = f.text(obj, "version", path)
    if not version or not version.strip() or len(version) > MAX_VERSION:
        raise InputError(f.join(path, "version"), f"is required (1 to {MAX_VERSION} characters)")
    if version in (LEGACY, BUILTIN):
        raise InputError(f.join(path, "version"), f"{version!r} is reserved for the built-in data")
    overrides = []
    seen = set()
    for o, op in f.objects(obj, "overrides", path, minimum=0):
        f.only(o, ("family", "ruleset", "key", "data", "clause", "source", "confidence"), op)
        fam = registry.get(str(o.get("family")))
        if fam is None:
            raise InputError(f.join(op, "family"), f"unknown family {o.get('family')!r}")
        rs_name = o.get("ruleset")
        rs = fam.find_ruleset(rs_name) if isinstance(rs_name, str) else None
        if rs is None:
            raise InputError(f.join(op, "ruleset"), f"unknown rule set {rs_name!r}")
        key = o.get("key")
        if not isinstance(key, str) or key not in rs.rules:
            raise InputError(f.join(op, "key"), f"unknown rule {key!r} in {rs.name}")
        if (rs.family, rs.name, key) in seen:
            raise InputError(op, f"{rs.name} [{key}] is overridden twice")
        seen.add((rs.family, rs.name, key))
        if "data" not in o:
            raise InputError(f.join(op, "data"), "is required")
        data = decode(rs.rules[key].data, o["data"], f.join(op, "data"))
        conf = f.choice(
            o, "confidence", op, tuple(c.value for c in Confidence), default="confirmed"
        )
        overrides.append(
            Override(
                rs.family,
                rs.name,
                key,
                data,
                Confidence(conf),
                f.text(o, "clause", op) or None,
                f.text(o, "source", op) or "",
            )
        )
    return RuleData(version.strip(), tuple(overrides), f.text(obj, "note", path) or "")


def to_json(data: RuleData) -> dict[str, Any]:
    """The JSON form :func:`parse` reads."""
    return {
        "version": data.version,
        "note": data.note,
        "overrides": [
            {
                "family": o.family,
                "ruleset": o.ruleset,
                "key": o.key,
                "data": encode(o.data),
                "confidence": o.confidence.value,
                **({"clause": o.clause} if o.clause else {}),
                **({"source": o.source} if o.source else {}),
            }
            for o in data.overrides
        ],
    }


def with_override(data: RuleData, override: Override, version: str) -> RuleData:
    """A new version: *data* with *override* added or replacing the same rule's."""
    rest = tuple(
        o
        for o in data.overrides
        if (o.family, o.ruleset, o.key) != (override.family, override.ruleset, override.key)
    )
    return replace(data, version=version, overrides=(*rest, override))


def stale_note(result: Any) -> tuple[str, str] | None:
    """(zh, en): one sentence when a stored *result* was judged under a rule data version
    other than the active one (a result without ``rule_data`` was judged under
    ``builtin-1``); None when it rests on the rule data in use, or holds no verdict."""
    if not isinstance(result, Mapping) or not result.get("verdict"):
        return None
    version = str(result.get("rule_data") or LEGACY)
    now = active().version
    if version == now:
        return None
    return (
        f"本记录按规则数据版本 {version} 判定，现行版本为 {now}；重新判定才会采用现行数值。",
        f"Judged under rule data {version}; {now} is in use now (judge again to apply its values).",
    )
