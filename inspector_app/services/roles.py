"""The database's role (a laptop's inspector mode, or the office with its review queue) and
what an office CA granted a certificate: the checks every service runs before it lets a
supervisor decide, publish or countersign.

Below every other service module (it imports only the store, crypto and domain), so the
review, report, rule-data, forms and province services can all ask it without importing
each other. No Qt here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

from ..domain.errors import InputError
from ..i18n import tr

ROLES = ("inspector", "supervisor")
ROLE_META = "role"


class RoleError(InputError):
    """The database's role does not allow the operation."""


# -- role ------------------------------------------------------------------------------------
# The database's role is its mode (a laptop, or the office with its review queue). Once the
# database trusts an office CA, the office decides who may use the office mode and who may
# decide: the signing certificate must carry the role, put there by an office CA this
# database trusts (``crypto.ca``), valid now and not revoked. A database that trusts no CA
# (an office before ``ca init``, a demo, offices that trust keys one by one) keeps the plain
# switch.
NOT_AUTHORISED_REVIEW = (
    "This computer is not authorised to review: it needs a supervisor certificate issued by "
    "the office."
)
NOT_AUTHORISED_OFFICE = (
    "This computer is not authorised for the office mode: it needs a supervisor or viewer "
    "certificate issued by the office."
)


@dataclass
class Grant:
    """What the office granted a certificate: the role, or why none (one sentence)."""

    role: str | None  # viewer | inspector | supervisor | administrator | None
    holder: str = ""
    office: str = ""  # the common name of the CA that issued it
    problem: str = ""

    def allows(self, role: str) -> bool:
        from ..crypto.ca import role_rank

        return role_rank(self.role) >= role_rank(role)

    def as_dict(self) -> dict:
        return asdict(self)


def office_cas(store) -> list:
    """The CA certificates this database trusts."""
    from ..crypto.ca import is_ca_certificate
    from ..crypto.keys import load_certificate

    out = []
    for key in store.trust.list():
        try:
            cert = load_certificate(key.public_pem.encode("utf-8"))
        except Exception:  # noqa: BLE001 - a key that is not a certificate vouches for nothing
            continue
        if is_ca_certificate(cert):
            out.append(cert)
    return out


def under_office(store) -> bool:
    """Whether an office has its say here: the database trusts an office CA (a laptop of an
    office that runs one, or the office database itself after ``ca init``)."""
    return bool(office_cas(store))


def certificate_grant(store, cert, at: dt.datetime | None = None) -> Grant:
    """The role *cert* carries from an office CA trusted here, checked now (or at *at*)."""
    from ..crypto.ca import certificate_role, issued_by
    from ..crypto.keys import common_name, fingerprint, validity_problem

    holder = common_name(cert)
    for ca_cert in office_cas(store):
        if not issued_by(cert, ca_cert):
            continue
        office = common_name(ca_cert)
        problem = validity_problem(cert, at)
        if problem:
            return Grant(None, holder, office, problem)
        when = (at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        ca_fp = fingerprint(ca_cert)
        for r in store.trust.revocations.list():
            if (
                r.issuer_fingerprint == ca_fp
                and r.serial == str(cert.serial_number)
                and r.revoked_at <= when
            ):
                return Grant(
                    None, holder, office, f"the office revoked this certificate from {r.revoked_at}"
                )
        role = certificate_role(cert)
        if role is None:
            return Grant(None, holder, office, "the certificate carries no role")
        return Grant(role, holder, office)
    return Grant(
        None, holder, "", "the certificate was not issued by an office CA this database trusts"
    )


def office_grant(store, db_path=None) -> Grant:
    """The role this computer's signing certificate (the keys folder beside the database)
    carries from the office; no passphrase needed (the certificate is public; a decision is
    checked again against the key that signs it)."""
    from ..crypto.keys import load_certificate_file
    from ..paths import keys_dir

    try:
        cert = load_certificate_file(keys_dir(Path(db_path or store.path)))
    except Exception:  # noqa: BLE001 - no identity, or an unreadable one
        return Grant(None, problem="there is no signing identity on this computer")
    return certificate_grant(store, cert)


def get_role(store, default: str = "inspector") -> str:
    """'inspector' (a laptop) or 'supervisor' (an office database); *default* when not chosen."""
    value = store.meta(ROLE_META)
    return value if value in ROLES else default


def role_is_set(store) -> bool:
    return store.meta(ROLE_META) in ROLES


def set_role(store, role: str, actor: str = "", *, db_path=None) -> str:
    """Choose this database's role (audited). Under an office, the office mode needs a
    supervisor or viewer certificate from the office (:func:`office_grant`)."""
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise InputError("role", "must be inspector or supervisor")
    if store.meta(ROLE_META) == role:
        return role
    if role == "supervisor" and under_office(store):
        grant = office_grant(store, db_path)
        if not grant.allows("viewer") or grant.role == "inspector":
            raise RoleError("role", tr(NOT_AUTHORISED_OFFICE))
    with store.write(actor, "role.set", "database", store.device_id, {"role": role}):
        store.set_meta(ROLE_META, role)
    return role


def require_supervisor(store, identity=None, *, minimum: str = "supervisor") -> None:
    """The database is in office mode and, under an office, the certificate (of *identity*,
    the key about to sign, else this computer's) carries at least *minimum* (``viewer`` for
    reading the queue and statistics, ``supervisor`` to decide, countersign or override)."""
    if get_role(store) != "supervisor":
        raise RoleError(
            "role",
            "this is an inspector's database; review needs a supervisor (office) database "
            "(choose the role with 'inspector-app role supervisor' or in Settings)",
        )
    if not under_office(store):
        return
    grant = (
        certificate_grant(store, identity.certificate)
        if identity is not None
        else office_grant(store)
    )
    if not grant.allows(minimum) or (minimum == "viewer" and grant.role == "inspector"):
        raise RoleError(
            "role",
            tr(NOT_AUTHORISED_REVIEW if minimum != "viewer" else NOT_AUTHORISED_OFFICE),
        )


def require_inspector(store, what: str = "this") -> None:
    if get_role(store) != "inspector":
        raise RoleError(
            "role", f"{what} is an inspector's action; this is a supervisor (office) database"
        )


def is_office_database(store) -> bool:
    """An office (supervisor) database: its own key signs and countersigns for the office."""
    return store is not None and get_role(store) == "supervisor"
