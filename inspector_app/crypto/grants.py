"""What an office CA granted a certificate: the role its policy carries (``crypto.ca``),
checked against a database's trust list (the office CAs it trusts and their revocations).

The one rule for who may review, decide, publish or countersign. The services ask it
before the office acts (``services.roles``), and a laptop asks it when an office bundle
brings reviews (``sync.importing.review_signatures``), so both sides judge a key alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509

if TYPE_CHECKING:
    from ..store.store import Store

# The least role that may review: decide (approve or return) an inspection, countersign as
# approver, publish rule data and forms, send an office bundle.
REVIEWER_ROLE = "supervisor"


@dataclass
class Grant:
    """What the office granted a certificate: the role, or why none (one sentence)."""

    role: str | None  # viewer | inspector | supervisor | administrator | None
    holder: str = ""
    office: str = ""  # the common name of the CA that issued it
    problem: str = ""

    def allows(self, role: str) -> bool:
        from .ca import role_rank

        return role_rank(self.role) >= role_rank(role)

    def permits(self, minimum: str) -> bool:
        """Whether the grant covers an action that needs *minimum*: ``viewer`` to open the
        office mode and read its queue (an inspector's certificate does not open the
        office), :data:`REVIEWER_ROLE` to review, decide or countersign."""
        return self.allows(minimum) and not (minimum == "viewer" and self.role == "inspector")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def office_cas(store: Store) -> list[x509.Certificate]:
    """The CA certificates this database trusts."""
    from .ca import is_ca_certificate
    from .keys import load_certificate

    out = []
    for key in store.trust.list():
        try:
            cert = load_certificate(key.public_pem.encode("utf-8"))
        except Exception:  # noqa: BLE001 - a key that is not a certificate vouches for nothing
            continue
        if is_ca_certificate(cert):
            out.append(cert)
    return out


def under_office(store: Store) -> bool:
    """Whether an office has its say here: the database trusts an office CA (a laptop of an
    office that runs one, or the office database itself after ``ca init``)."""
    return bool(office_cas(store))


def certificate_grant(store: Store, cert: x509.Certificate, at: dt.datetime | None = None) -> Grant:
    """The role *cert* carries from an office CA trusted here, checked now (or at *at*)."""
    from .ca import certificate_role, issued_by
    from .keys import common_name, fingerprint, validity_problem

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
