"""``validate.audit.parse_audit``'s one-pass recognition of a well-formed audit entry must
accept exactly the entries the field-by-field check accepts, and leave every other one to
it (same path, same words): real entries from an exported bundle, then each field made
wrong in each way the checks know."""

from __future__ import annotations

import json

import pytest
from sync_world import read_entries

from inspector_app.domain.errors import InputError
from inspector_app.services.sync import export_bundle
from inspector_app.sync.validate import audit as A


class Text(str):
    """A str subclass: the field-by-field check accepts it (isinstance), so must the fast one."""


def _outcome(fn, obj):
    try:
        return ("ok", fn(obj, "audit") is obj)
    except InputError as exc:
        return ("refused", exc.path, exc.message)


@pytest.fixture
def entries(loaded, tmp_path):
    lap = loaded["laptop"]
    path = tmp_path / "b.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    data = dict(read_entries(path))["records/audit.jsonl"]
    return [json.loads(line) for line in data.splitlines()]


def test_real_entries_pass_both_ways(entries):
    assert len(entries) > 10
    for e in entries:
        assert _outcome(A.parse_audit, e) == _outcome(A._parse_audit, e) == ("ok", True)


BAD_VALUES = [
    ("seq", 0),
    ("seq", -3),
    ("seq", True),
    ("seq", 1.0),
    ("seq", "1"),
    ("seq", None),
    ("device_id", None),
    ("device_id", "x" * 1001),
    ("at", 5),
    ("at", "2024-02-30T10:00:00+00:00"),
    ("at", "yesterday"),
    ("at", "1969-12-31T00:00:00Z"),
    ("actor", ["a"]),
    ("action", "a" * 1001),
    ("entity", b"e"),
    ("entity_id", "i" * 1001),
    ("detail", None),
    ("detail", "d" * 100_001),
    ("prev_hash", "0" * 63),
    ("prev_hash", "0" * 65),
    ("prev_hash", "A" * 64),
    ("prev_hash", "0" * 63 + "\n"),
    ("prev_hash", 7),
    ("hash", "g" * 64),
    ("hash", " " + "1" * 63),
    ("hash", None),
]
GOOD_EDGES = [
    ("seq", 10**15),
    ("device_id", "x" * 1000),
    ("detail", "d" * 100_000),
    ("actor", ""),
    ("actor", Text("a")),
    ("hash", Text("f" * 64)),
    ("at", "2026-01-01"),
]


@pytest.mark.parametrize(("key", "value"), BAD_VALUES + GOOD_EDGES)
def test_each_field_is_judged_as_the_field_by_field_check_judges_it(entries, key, value):
    obj = {**entries[-1], key: value}
    fast, slow = _outcome(A.parse_audit, obj), _outcome(A._parse_audit, obj)
    assert fast == slow
    assert fast[0] == ("ok" if (key, value) in GOOD_EDGES else "refused")


def test_a_missing_or_unknown_field_is_named(entries):
    missing = {k: v for k, v in entries[-1].items() if k != "actor"}
    extra = {**entries[-1], "zz": 1}
    assert _outcome(A.parse_audit, missing) == ("refused", "audit", "is missing the field 'actor'")
    assert _outcome(A.parse_audit, extra) == ("refused", "audit", "has an unknown field 'zz'")
