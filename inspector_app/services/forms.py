"""The office publishes inspection forms: signed, audited, versioned, append-only.

A supervisor publishes a revised form file (``forms publish FAMILY FILE --reason``): the
TOML is validated like a shipped form, given a version (``office-N`` unless named) and its
SHA-256 content hash, signed with the supervisor's identity over the canonical JSON of the
family, version, hash, text, who, when and why (the rule data machinery,
``services.rule_data.sign``), and stored in one audited write. The newest version of a
family is the form new drafts use; a draft keeps the form it was started on
(``environment.form`` records its id, version and hash).

Versions travel to laptops in office bundles (``records/forms.jsonl``), kept only when
signed by a trusted office key (``sync.importing.office_signatures``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..domain import forms
from ..domain.errors import InputError
from ..domain.text import NOTE_MAX, clean_text
from ..store import forms as repo
from ..store.forms import FormRow, load_installed
from ..sync.importing.office_signatures import (  # the import checks versions with them
    check_form_version,
)
from ..sync.importing.office_signatures import form_payload as signed_payload
from .rule_data import sign

__all__ = ["FormRow", "check_form_version", "describe", "load_installed", "publish", "versions"]


def versions(store, family: str | None = None) -> list[FormRow]:
    """Every published version (of *family*), oldest first."""
    return repo.list_versions(store.conn, family)


def _next_version(store, family: str) -> str:
    taken = {r.version for r in versions(store, family)}
    n = len(taken) + 1
    while f"office-{n}" in taken:
        n += 1
    return f"office-{n}"


def read_form_file(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError("", f"cannot read {path}: {exc.strerror or exc}") from None


def publish(
    store,
    family: str,
    text: bytes,
    reason: str,
    identity,
    version: str = "",
    actor: str = "",
) -> FormRow:
    """Validate, sign, audit and store a new version of *family*'s form; it becomes the
    form new drafts use. Supervisor databases only."""
    from ..domain.rules import registry
    from .roles import require_supervisor

    require_supervisor(store, identity)
    if identity is None:
        raise InputError("identity", "a form is signed: unlock your signing key first")
    if registry.get(family) is None:
        raise InputError("family", f"no instrument family is called {family!r}")
    reason = clean_text(reason, "reason", max_len=NOTE_MAX, multiline=True)
    if not reason:
        raise InputError("reason", "say why the form changes (for example the new checklist item)")
    version = (version or "").strip() or _next_version(store, family)
    if version == forms.BUILTIN_VERSION or repo.get_version(store.conn, family, version):
        raise InputError("version", f"{family} form {version!r} exists already; name a new one")
    try:
        form = forms.parse_form_text(family, text, version)
    except forms.FormError as exc:
        raise InputError(f"form.{exc.key}" if exc.key else "form", exc.message) from None
    current = forms.load_form(family)
    if current.hash == form.hash:
        raise InputError("form", f"the file is the {family} form in use ({current.version})")
    toml = text.decode("utf-8")
    created_by = clean_text(identity.name, "signer", required=True)
    created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    payload = signed_payload(family, version, form.hash, toml, created_by, created_at, reason)
    row = FormRow(
        family,
        version,
        form.hash,
        toml,
        created_by,
        created_at,
        reason,
        sign(identity, payload),
        identity.certificate_pem().decode("ascii"),
        "local",
    )
    with store.write(
        actor or created_by,
        "form.publish",
        "form",
        f"{family}:{version}",
        {
            "family": family,
            "version": version,
            "hash": form.hash,
            "base": current.version,
            "reason": reason,
            "signer": identity.fingerprint,
        },
    ) as seq:
        repo.insert_version(store.conn, row, seq)
    load_installed(store)
    return repo.get_version(store.conn, family, version)  # type: ignore[return-value]


def describe(row: FormRow) -> dict:
    """A stored version for lists and JSON."""
    return {
        "family": row.family,
        "version": row.version,
        "hash": row.hash,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "reason": row.reason,
        "source": row.source,
        "signer": row.signature.split(":")[1] if row.signature.count(":") == 2 else "",
    }
