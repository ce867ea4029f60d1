"""The office's answers to inspectors: assignments, review decisions and acknowledgements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...domain.errors import InputError
from ...domain.text import NOTE_MAX, clean_text
from ..format import (
    HEX64,
    UUID_RE,
)
from .times import _possible_time
from .values import _id, _keys, _str


def parse_assignment(obj: dict[str, Any], path: str = "assignment") -> dict[str, Any]:
    base = {"id", "premises_id", "inspector", "note"}
    # the campaign ("" outside one) and the due date came with visits; an office of an
    # earlier version sends neither
    _keys(obj, base if obj.keys() == base else base | {"campaign_id", "due_date"}, path)
    if "campaign_id" in obj:
        if obj["campaign_id"] != "":
            _id(obj["campaign_id"], f"{path}.campaign_id")
        if obj["due_date"] is not None:
            _str(obj["due_date"], f"{path}.due_date", 10)
            try:
                if dt.date.fromisoformat(obj["due_date"]).isoformat() != obj["due_date"]:
                    raise ValueError
            except ValueError:
                raise InputError(f"{path}.due_date", "must be a date (YYYY-MM-DD)") from None
    _id(obj["id"], f"{path}.id")
    _id(obj["premises_id"], f"{path}.premises_id")
    if (
        clean_text(obj["inspector"], f"{path}.inspector", required=True, max_len=100)
        != obj["inspector"]
    ):
        raise InputError(f"{path}.inspector", "is not in normal form")
    if clean_text(obj["note"], f"{path}.note", max_len=500) != obj["note"]:
        raise InputError(f"{path}.note", "is not in normal form")
    return obj


REVIEW_FIELDS = {"id", "inspection_id", "decision", "comment", "reviewer", "at", "signature"}


def parse_review(obj: dict[str, Any], path: str = "review") -> dict[str, Any]:
    _keys(obj, REVIEW_FIELDS, path)
    _id(obj["id"], f"{path}.id")
    _id(obj["inspection_id"], f"{path}.inspection_id")
    if obj["decision"] not in ("approved", "returned"):
        raise InputError(f"{path}.decision", "must be approved or returned")
    clean_text(obj["comment"], f"{path}.comment", max_len=NOTE_MAX, multiline=True)
    clean_text(obj["reviewer"], f"{path}.reviewer", required=True)
    _str(obj["at"], f"{path}.at", 40)
    _possible_time(obj["at"], f"{path}.at")
    _str(obj["signature"], f"{path}.signature", 8192, allow_none=True)
    return obj


def parse_ack(obj: dict[str, Any], path: str = "ack") -> dict[str, Any]:
    _keys(obj, {"bundle_id", "source_device", "audit_seq", "audit_hash", "inspections"}, path)
    for k in ("bundle_id", "source_device"):
        if not isinstance(obj[k], str) or not UUID_RE.match(obj[k]):
            raise InputError(f"{path}.{k}", "must be a UUID")
    seq = obj["audit_seq"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise InputError(f"{path}.audit_seq", "must be a whole number")
    if not isinstance(obj["audit_hash"], str) or not HEX64.match(obj["audit_hash"]):
        raise InputError(f"{path}.audit_hash", "must be 64 hexadecimal digits")
    if not isinstance(obj["inspections"], list):
        raise InputError(f"{path}.inspections", "must be a list of ids")
    for i, x in enumerate(obj["inspections"]):
        _id(x, f"{path}.inspections[{i}]")
    return obj
