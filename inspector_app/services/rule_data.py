"""The office confirms numbers: signed, audited, versioned rule data.

A supervisor lays published values over the built-in rule data (``rules override FILE`` or
the rule data window). Each override makes a new *version* holding every office value in
force (the previous version's values with the new ones laid over them), signed with the
supervisor's identity over the canonical JSON of the version, its base, who, when and why;
the row is written in one audited transaction (``rule_data.override``) and never changed.
The newest version is the active rule data: every evaluation names it in ``rule_data``.

Versions travel to laptops in office bundles. A laptop keeps a version only when its
signer is a trusted office key: a certificate in the trust list enrolled as ``office``, or
an office certificate (organisational unit ``office``) issued by a trusted CA and not
revoked at the signing time. Anything else refuses the bundle and says why.

No Qt here; SQL lives in :mod:`inspector_app.store.rule_data`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

from ..domain.errors import InputError
from ..domain.rules import list_rulesets, ruledata
from ..domain.text import NOTE_MAX, clean_text
from ..store import rule_data as repo
from ..store.rule_data import RuleDataRow, canonical, load_installed
from ..sync.importing.office_signatures import (  # the import checks versions with them
    SIGNATURE_VERSION,
    VersionCheck,
    check_office_signature,
)
from ..sync.importing.office_signatures import check_rule_data_version as check_version
from ..sync.importing.office_signatures import rule_data_payload as signed_payload

__all__ = [
    "RuleDataRow",
    "VersionCheck",
    "check_office_signature",
    "check_version",
    "confirmed_keys",
    "load_installed",
    "override",
    "overridable_values",
    "read_override_file",
    "sign",
    "signed_payload",
    "versions",
]


def versions(store) -> list[RuleDataRow]:
    """Every stored version, oldest first."""
    return repo.list_versions(store.conn)


def read_override_file(path: str | Path) -> dict:
    """A rule data file (what ``rules export`` writes, filled in) as JSON; the rows'
    ``summary`` (a help text of the export) is dropped."""
    from ..domain.rules.request_json import loads_request

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError("", f"cannot read {path}: {exc.strerror or exc}") from None
    doc = loads_request(raw)
    if isinstance(doc.get("overrides"), list):
        doc = {
            **doc,
            "overrides": [
                {k: v for k, v in o.items() if k != "summary"} if isinstance(o, dict) else o
                for o in doc["overrides"]
            ],
        }
    return doc


def _next_version(store) -> str:
    taken = {r.version for r in versions(store)}
    n = len(taken) + 1
    while f"office-{n}" in taken:
        n += 1
    return f"office-{n}"


def override(store, doc: dict, reason: str, identity, actor: str = "") -> RuleDataRow:
    """Make, sign, audit and activate a new rule data version: the values of the newest
    version with the overrides of *doc* (``ruledata.parse`` form; an empty ``version``
    gets ``office-N``) laid over them. Supervisor databases only."""
    from .roles import require_supervisor

    require_supervisor(store, identity)  # under an office: the signing key's certificate
    if identity is None:
        raise InputError("identity", "an override is signed: unlock your signing key first")
    reason = clean_text(reason, "reason", max_len=NOTE_MAX, multiline=True)
    if not reason:
        raise InputError("reason", "say why the values change (for example the published source)")
    doc = dict(doc)
    if not str(doc.get("version") or "").strip():
        doc["version"] = _next_version(store)
    new = ruledata.parse(doc)
    if not new.overrides:
        raise InputError("overrides", "the file changes no value; list at least one override")
    if repo.get_version(store.conn, new.version) is not None:
        raise InputError("version", f"version {new.version!r} exists already; name a new one")
    previous = repo.newest(store.conn)
    base = previous.version if previous else ruledata.BUILTIN
    merged = new
    if previous is not None:
        merged = ruledata.parse(previous.values)
        for o in new.overrides:
            merged = ruledata.with_override(merged, o, new.version)
        merged = ruledata.RuleData(new.version, merged.overrides, new.note or merged.note)
    values = ruledata.to_json(merged)
    created_by = clean_text(identity.name, "signer", required=True)
    created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    payload = signed_payload(merged.version, base, values, created_by, created_at, reason)
    signature = sign(identity, payload)
    row = RuleDataRow(
        merged.version,
        base,
        canonical(values),
        created_by,
        created_at,
        reason,
        signature,
        identity.certificate_pem().decode("ascii"),
        "local",
    )
    changed = [f"{o.ruleset} [{o.key}]" for o in new.overrides]
    with store.write(
        actor or created_by,
        "rule_data.override",
        "rule_data",
        merged.version,
        {"base": base, "changed": changed, "reason": reason, "signer": identity.fingerprint},
    ) as seq:
        repo.insert_version(store.conn, row, seq)
    load_installed(store)
    return repo.get_version(store.conn, merged.version)  # type: ignore[return-value]


def sign(identity, payload: bytes) -> str:
    """``v1:<certificate SHA-256>:<base64 signature>`` over *payload* (rule data and form
    versions are signed the same way)."""
    return (
        f"{SIGNATURE_VERSION}:{identity.fingerprint}:"
        f"{base64.b64encode(identity.sign(payload)).decode()}"
    )


# -- what the office has confirmed --------------------------------------------------------
def confirmed_keys(active: ruledata.RuleData | None = None) -> dict[tuple[str, str, str], str]:
    """(family, rule set, rule key) → the confidence an office gave it, in *active*
    (the active version by default)."""
    data = active or ruledata.active()
    return {(o.family, o.ruleset, o.key): o.confidence.value for o in data.overrides}


def overridable_values(family: str | None = None) -> list[dict]:
    """Every rule value an office may replace, with its current value (active rule data),
    its built-in value and state (``office`` when an office value is in force)."""
    office = confirmed_keys()
    builtin = {
        (i.family, i.name, r.key): r
        for i in list_rulesets(family, rule_data=ruledata.BUILTIN_DATA)
        for r in i.rules
    }
    out = []
    for info in list_rulesets(family):
        for r in info.rules:
            b = builtin.get((info.family, info.name, r.key))
            if b is None or not ruledata.overridable(b.data):
                continue
            key = (info.family, info.name, r.key)
            out.append(
                {
                    "family": info.family,
                    "ruleset": info.name,
                    "key": r.key,
                    "summary": r.summary,
                    "clause": r.clause,
                    "confidence": r.confidence.value,
                    "office": key in office,
                    "data": ruledata.encode(r.data),
                    "builtin": ruledata.encode(b.data),
                }
            )
    return out


def describe(row: RuleDataRow) -> dict:
    """A stored version for lists and JSON."""
    values = row.values
    return {
        "version": row.version,
        "base": row.base,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "reason": row.reason,
        "source": row.source,
        "overrides": len(values.get("overrides", [])),
        "signer": row.signature.split(":")[1] if row.signature.count(":") == 2 else "",
    }


def dumps(values: dict) -> str:
    return json.dumps(values, ensure_ascii=False, indent=2)
