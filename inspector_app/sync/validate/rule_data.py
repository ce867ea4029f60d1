"""Rule data versions and inspection form versions the office signed and published."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...domain.errors import InputError
from ...domain.text import clean_text
from ..format import (
    HEX64,
)
from .values import _keys, _str


def parse_rule_data(obj: dict[str, Any], path: str = "rule_data") -> dict[str, Any]:
    """A rule data version the office signed (services.rule_data): the values must be a
    version this program can read; the signature is checked against the trust list before
    anything is merged (services.sync)."""
    from ...domain.rules import ruledata

    path = "rule_data"
    _keys(
        obj,
        {
            "version",
            "base",
            "values",
            "created_by",
            "created_at",
            "reason",
            "signature",
            "signer_cert",
        },
        path,
    )
    data = ruledata.parse(obj["values"], f"{path}.values")
    if obj["version"] != data.version:
        raise InputError(f"{path}.version", "differs from the version its values name")
    _str(obj["base"], f"{path}.base", ruledata.MAX_VERSION)
    clean_text(obj["created_by"], f"{path}.created_by", max_len=200, required=True)
    at = _str(obj["created_at"], f"{path}.created_at", 40)
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        raise InputError(f"{path}.created_at", "must be an ISO 8601 time") from None
    if when.utcoffset() != dt.timedelta(0):
        raise InputError(f"{path}.created_at", "must be in UTC (+00:00)")
    clean_text(obj["reason"], f"{path}.reason", max_len=2000, multiline=True, required=True)
    _str(obj["signature"], f"{path}.signature", 2000)
    _str(obj["signer_cert"], f"{path}.signer_cert", 20000)
    return obj


def parse_form_version(obj: dict[str, Any], path: str = "forms") -> dict[str, Any]:
    """An inspection form version the office published (services.forms): the text must be
    a form this program can read, its hash the SHA-256 of that text; the signature is
    checked against the trust list before anything is merged (services.sync)."""
    from ...domain import forms
    from ...domain.rules import registry

    path = "forms"
    _keys(
        obj,
        {
            "family",
            "version",
            "hash",
            "toml",
            "created_by",
            "created_at",
            "reason",
            "signature",
            "signer_cert",
        },
        path,
    )
    family = _str(obj["family"], f"{path}.family", 100)
    if registry.get(family) is None:
        raise InputError(f"{path}.family", f"no instrument family is called {family!r}")
    version = _str(obj["version"], f"{path}.version", 40)
    toml = _str(obj["toml"], f"{path}.toml", forms.MAX_FORM_BYTES)
    if not isinstance(obj["hash"], str) or not HEX64.match(obj["hash"]):
        raise InputError(f"{path}.hash", "must be 64 hexadecimal digits")
    text = toml.encode("utf-8")
    if forms.form_hash(text) != obj["hash"]:
        raise InputError(f"{path}.hash", "is not the SHA-256 of the form's text")
    try:
        forms.parse_form_text(family, text, version)
    except forms.FormError as exc:
        raise InputError(
            f"{path}.toml{'.' + exc.key if exc.key else ''}", f"not a form: {exc.message}"
        ) from None
    clean_text(obj["created_by"], f"{path}.created_by", max_len=200, required=True)
    at = _str(obj["created_at"], f"{path}.created_at", 40)
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        raise InputError(f"{path}.created_at", "must be an ISO 8601 time") from None
    if when.utcoffset() != dt.timedelta(0):
        raise InputError(f"{path}.created_at", "must be in UTC (+00:00)")
    clean_text(obj["reason"], f"{path}.reason", max_len=2000, multiline=True, required=True)
    _str(obj["signature"], f"{path}.signature", 2000)
    _str(obj["signer_cert"], f"{path}.signer_cert", 20000)
    return obj
