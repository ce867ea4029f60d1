"""The database's role (a laptop's inspector mode, or the office with its review queue) and
what an office CA granted a certificate: the checks every service runs before it lets a
supervisor decide, publish or countersign. The grant itself is ``crypto.grants``: the same
rule judges the reviews a laptop takes in from an office bundle.

Below every other service module (it imports only the store, crypto and domain), so the
review, report, rule-data, forms and province services can all ask it without importing
each other. No Qt here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.errors import InputError
from ..i18n import tr

if TYPE_CHECKING:
    from ..crypto.grants import Grant

# crypto's, named here too for the services; loaded when first asked (the keys and
# cryptography are not on the path to the window's first paint)
_FROM_GRANTS = ("Grant", "certificate_grant", "office_cas", "under_office")


def __getattr__(name: str) -> Any:
    if name in _FROM_GRANTS:
        from ..crypto import grants

        return getattr(grants, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def office_grant(store, db_path=None) -> Grant:
    """The role this computer's signing certificate (the keys folder beside the database)
    carries from the office; no passphrase needed (the certificate is public; a decision is
    checked again against the key that signs it)."""
    from ..crypto.grants import Grant, certificate_grant
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
    if role == "supervisor":
        from ..crypto.grants import under_office

        if under_office(store) and not office_grant(store, db_path).permits("viewer"):
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
    from ..crypto.grants import certificate_grant, under_office

    if not under_office(store):
        return
    grant = (
        certificate_grant(store, identity.certificate)
        if identity is not None
        else office_grant(store)
    )
    if not grant.permits(minimum):
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
