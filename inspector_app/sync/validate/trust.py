"""Trust data from the office CA: certificate revocations and issuing bodies."""

from __future__ import annotations

from typing import Any

from ...domain.errors import InputError
from ...domain.text import clean_text
from ..format import (
    HEX64,
)
from .values import _id, _keys, _str


def parse_revocation(obj: dict[str, Any], path: str = "revocation") -> dict[str, Any]:
    """A certificate revoked by the office CA from a moment on (see crypto.ca)."""
    import datetime as _dt

    _keys(obj, {"issuer_fingerprint", "serial", "revoked_at", "reason", "subject"}, path)
    if not isinstance(obj["issuer_fingerprint"], str) or not HEX64.match(obj["issuer_fingerprint"]):
        raise InputError(f"{path}.issuer_fingerprint", "must be 64 hexadecimal digits")
    serial = obj["serial"]
    if not isinstance(serial, str) or not serial.isdigit() or len(serial) > 60:
        raise InputError(f"{path}.serial", "must be a decimal serial number")
    at = _str(obj["revoked_at"], f"{path}.revoked_at", 40)
    try:
        when = _dt.datetime.fromisoformat(at)
    except ValueError:
        raise InputError(f"{path}.revoked_at", "must be an ISO 8601 time") from None
    if when.utcoffset() != _dt.timedelta(0):
        raise InputError(f"{path}.revoked_at", "must be in UTC (+00:00)")
    _str(obj["reason"], f"{path}.reason", 40)
    clean_text(obj["subject"], f"{path}.subject", max_len=200)
    return obj


def parse_issuing_body(obj: dict[str, Any], path: str = "issuing_body") -> dict[str, Any]:
    """The body named on certificates and notices, as the office configured it (Settings);
    every text checked like a premises field, the two flags booleans."""
    path = "issuing_body"
    _keys(
        obj,
        {
            "id",
            "name_zh",
            "name_en",
            "address",
            "postcode",
            "phone",
            "authorisation_no",
            "authorised",
            "cert_prefix",
            "minus_one_day",
            "updated_at",
        },
        path,
    )
    _id(obj["id"], f"{path}.id")
    out = {"id": obj["id"]}
    for key, limit in (
        ("name_zh", 200),
        ("name_en", 200),
        ("address", 300),
        ("postcode", 20),
        ("phone", 60),
        ("authorisation_no", 100),
        ("cert_prefix", 20),
        ("updated_at", 40),
    ):
        out[key] = clean_text(obj[key], f"{path}.{key}", max_len=limit)
    for key in ("authorised", "minus_one_day"):
        if not isinstance(obj[key], bool):
            raise InputError(f"{path}.{key}", "must be true or false")
        out[key] = obj[key]
    if out["authorised"] and not out["authorisation_no"]:
        raise InputError(
            f"{path}.authorisation_no", "an authorised body needs its authorisation number"
        )
    return out
