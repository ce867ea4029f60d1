"""An audit line read by its typed decoder (``shapes.AUDIT_DECODE``, rendered once whole by
``jsonlines.loads_typed_whole``) gives the same entry, or the same problem in the same
words, as the strict parser the audit was read with before; a good line takes it."""

from __future__ import annotations

import copy
import random

from inspector_app.domain.errors import InputError
from inspector_app.sync.jsonlines import JsonError, canonical_text, loads_typed_whole, strict_loads
from inspector_app.sync.validate.audit import parse_audit
from inspector_app.sync.validate.shapes import AUDIT_DECODE
from inspector_app.sync.validate.values import read_lines

MAX_LINE = 16 * 1024**2
ENTRY = {
    "action": "inspection.finalize",
    "actor": "王芳",
    "at": "2026-03-02T10:05:00+00:00",
    "detail": '{"size":268,"note":"引号 \\"x\\""}',
    "device_id": "01a249c9-83f9-7bb7-b8a4-b06a1b4f0729",
    "entity": "inspection",
    "entity_id": "insp-1",
    "hash": "ab" * 32,
    "prev_hash": "cd" * 32,
    "seq": 7,
}


def _outcome(obj: object) -> tuple:
    if not isinstance(obj, dict):
        return ("line", "must be a JSON object")
    try:
        return ("accepted", repr(parse_audit(obj, "audit")))
    except InputError as exc:
        return ("record", exc.path, exc.message)


def _before(raw: bytes) -> tuple:
    """As the audit was read before its typed decoder: strict_loads, then parse_audit."""
    try:
        obj = strict_loads(raw)
    except JsonError as exc:
        return ("line", str(exc))
    return _outcome(obj)


def _now(raw: bytes) -> tuple[tuple, bool]:
    [(_n, obj, parts, problem, typed)] = list(read_lines("audit", raw + b"\n", MAX_LINE))
    assert parts is None
    if problem is not None:
        return ("line", problem), typed
    return _outcome(obj), typed


def _same(raw: bytes) -> tuple[tuple, bool]:
    now, typed = _now(raw)
    assert now == _before(raw), raw[:300]
    return now, typed


def _line(obj: dict) -> bytes:
    return canonical_text(obj).encode()


def test_a_good_line_takes_the_typed_decoder_with_the_same_entry():
    raw = _line(ENTRY)
    got, typed = _same(raw)
    assert typed and got[0] == "accepted"
    whole = loads_typed_whole(raw, AUDIT_DECODE)
    assert whole == ENTRY and repr(whole) == repr(strict_loads(raw))


VALUES = {
    "seq": [1, 0, -1, 10**16 - 1, 10**16, True, 1.5, "7", None],
    "at": ["2026-03-02T10:05:00+00:00", "2026-03-02 10:05", "yesterday", "x" * 1001, 5],
    "detail": ["", "x" * 100_001, None, {"size": 1}],
    "hash": ["ab" * 32, "AB" * 32, "ab" * 31, 7],
    "entity_id": ["", "i" * 1000, "i" * 1001, None],
    "colour": [..., "red"],  # a member an entry does not have
    "actor": [...],  # a member missing
}


def test_changed_lines_give_the_same_outcome_as_before():
    rng = random.Random(7)
    seen: dict[tuple[str, bool], int] = {}
    for _ in range(600):
        obj = copy.deepcopy(ENTRY)
        for _change in range(rng.randint(0, 2)):
            member = rng.choice(sorted(VALUES))
            value = copy.deepcopy(rng.choice(VALUES[member]))
            if value is ...:
                obj.pop(member, None)
            else:
                obj[member] = value
        got, typed = _same(_line(obj))
        seen[got[0], typed] = seen.get((got[0], typed), 0) + 1
    assert seen.get(("accepted", True), 0) > 30, seen
    assert seen.get(("record", True), 0) > 30, seen  # typed, refused by parse_audit
    assert seen.get(("record", False), 0) > 30, seen  # another type: the strict way
    assert seen.get(("line", False), 0) > 5, seen  # a 17-digit sequence number


def test_other_spellings_are_read_the_strict_way_as_before():
    raw = _line(ENTRY)
    others = [
        raw.replace(b'","', b'", "', 1),
        raw.replace(b'"seq":7', b'"seq":7.0', 1),
        raw.replace(b'"seq":7', b'"seq":07', 1),
        raw.replace(b'"seq":7', b'"seq":12345678901234567', 1),
        raw.replace(b'"seq":7', b'"seq":7,"seq":7', 1),
        raw.replace(b'"actor":"', b'"actor":"\\u0041', 1),
        raw.replace(b'"actor":"', b'"actor":"\\ud800', 1),
        raw.replace(b'"actor":"', b'"actor":"\xff', 1),
        b" " + raw,
        raw + b"[]",
        b"[]",
        b"{}",
    ]
    for other in others:
        assert other != raw
        assert loads_typed_whole(other, AUDIT_DECODE) is None, other[:200]
        got, typed = _same(other)
        assert not typed
