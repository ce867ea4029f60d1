"""The typed decoder of an inspection line (``sync.validate.shapes.INSPECTION_DECODE``, read by
``jsonlines.loads_typed`` before the untyped way): the same lines fed to it and to the untyped
path (``loads_with_parts``) give the same record, or the same problem in the same words --
deep nesting, long integers, fractions, other spellings included -- and a good line takes it
(else it would save nothing)."""

from __future__ import annotations

import copy
import dataclasses
import random

import pytest

from inspector_app.domain.canonical import content_hash
from inspector_app.domain.errors import InputError
from inspector_app.domain.models import AttachmentRef, Finding, Inspection
from inspector_app.sync.jsonlines import canonical_text, loads_typed, loads_with_parts
from inspector_app.sync.validate.inspections import _assemble, parse_inspection_line
from inspector_app.sync.validate.shapes import INSPECTION_DECODE
from inspector_app.sync.validate.values import _forget, read_lines

MAX_LINE = 16 * 1024**2


def _inspection() -> Inspection:
    item = {"error": "0.2", "label": "50 kg", "mpe": "0.5", "unit": "kg", "verdict": "pass"}
    return Inspection(
        id="insp-1",
        record_id="rec-1",
        instrument_id="inst-1",
        premises_id="prem-1",
        family="scale",
        check="subsequent",
        ruleset="JJG 539-2016",
        inspector="王芳",
        started_at="2026-03-02T09:30+08:00",
        place="合肥市",
        environment={"humidity": "60", "temperature": "21.5"},
        checklist={"seals": "yes", "nameplate": "no"},
        tests=[
            {"kind": "weighing", "points": [{"load": "50", "indication": "50.2"}]},
            {"kind": "tare", "count": 3, "ok": True, "note": None},
        ],
        result={
            "check": "subsequent",
            "failed": [],
            "family": "scale",
            "rule_data": "builtin-2",
            "ruleset": "JJG 539-2016",
            "tests": [{"items": [item, dict(item, label="100 kg")], "kind": "weighing"}],
            "verdict": "pass",
            "warnings": ["JJG 539-2016 [mpe]: seen only in a secondary source"],
        },
        verdict="pass",
        findings=[Finding("f-1", "seal_broken", "铅封损坏", cheating=False)],
        attachments=[AttachmentRef("ab" * 32, caption="照片 1")],
        standards=["std-1"],
        status="finalized",
        finalized_at="2026-03-02T10:05+08:00",
    )


def _obj(insp: Inspection) -> dict:
    insp.content_hash = content_hash(insp)
    return dataclasses.asdict(insp)


def _line(obj: dict) -> bytes:
    return canonical_text(obj).encode()


def _outcome(obj: object, parts: dict | None) -> tuple:
    try:
        insp, texts = parse_inspection_line(obj, "inspection", parts)  # type: ignore[arg-type]
    except InputError as exc:
        return ("record", exc.path, exc.message)
    return ("accepted", repr(insp), repr(texts))


def _untyped(raw: bytes) -> tuple:
    """The line read as before the typed decoder: loads_with_parts, then the checks."""
    try:
        _forget()
        try:
            obj, parts = loads_with_parts(raw)
        except ValueError as exc:
            return ("line", str(exc))
        if not isinstance(obj, dict):
            return ("line", "must be a JSON object")
        return _outcome(obj, parts)
    finally:
        _forget()


def _read(raw: bytes) -> tuple[tuple, bool]:
    """The line read as the import reads it now (read_lines, typed first)."""
    try:
        _forget()
        [(_n, obj, parts, problem, typed)] = list(read_lines("inspections", raw + b"\n", MAX_LINE))
        if problem is not None:
            return ("line", problem), typed
        return _outcome(obj, parts), typed
    finally:
        _forget()


def _same(raw: bytes) -> tuple[tuple, bool]:
    now, typed = _read(raw)
    assert now == _untyped(raw), raw[:300]
    return now, typed


def test_a_good_line_takes_the_typed_path_with_the_same_object_and_parts():
    obj = _obj(_inspection())
    raw = _line(obj)
    got, typed = _same(raw)
    assert typed and got[0] == "accepted", got
    typed_obj, parts = loads_typed(raw, INSPECTION_DECODE)
    assert repr(typed_obj) == repr(loads_with_parts(raw)[0]) and typed_obj == obj
    assert parts == loads_with_parts(raw)[1]


def _nested(depth: int) -> object:
    value: object = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


VALUES = [  # nested values put somewhere in a JSON column
    "",
    "1.5",
    "NaN",
    "１２",
    None,
    True,
    0,
    -1,
    10**16 - 1,
    -(10**16 - 1),
    10**16,  # 17 digits: the strict parser refuses it
    -(10**17),
    10**15 + 1,  # read, then refused by the walk
    [],
    {},
    [[]],
    {"a": {"b": {"c": "d"}}},
    _nested(3),
    _nested(5),
    _nested(6),
    _nested(7),  # deeper than the typed decoder reads
    _nested(11),
    _nested(13),  # deeper than the walk allows
]

TOP = {  # values for a top-level member
    "revision": [1, 2, 0, 10**16 - 1, 10**16, True, "1"],
    "parent_id": [None, "insp-0", 5],
    "verdict": ["pass", "fail", "maybe", None],
    "status": ["finalized", "draft"],
    "notes": ["", "x" * 10_001, 12, None],
    "findings": [[], [{"id": "f"}], "none", [[]]],
    "attachments": [[], [{"sha256": "ab" * 32}], {}],
    "standards": [[], ["bad id"], [7]],
    "environment": [{}, [], {"temperature": "1e999"}],
    "colour": [..., "red"],  # a member an inspection does not have
    "tests": [..., []],  # a member missing, or none
}


def _changed(rng: random.Random) -> tuple[dict, bool]:
    obj = _obj(_inspection())
    for _ in range(rng.randint(0, 2)):
        value = copy.deepcopy(rng.choice(VALUES))
        where = rng.randrange(5)
        if where == 0:
            obj["environment"]["temperature"] = value
        elif where == 1:
            obj["checklist"][rng.choice(["seals", "extra"])] = value
        elif where == 2:
            obj["tests"][0]["points"][0]["load"] = value
        elif where == 3:
            obj["result"]["tests"][0]["items"][1][rng.choice(["label", "mpe"])] = value
        else:
            obj["tests"][1]["extra"] = value
    if rng.random() < 0.3:
        member = rng.choice(sorted(TOP))
        value = copy.deepcopy(rng.choice(TOP[member]))
        if value is ...:
            obj.pop(member, None)
        else:
            obj[member] = value
    return obj, rng.random() < 0.8


def test_changed_lines_give_the_same_outcome_on_both_paths():
    """Random changes of a good inspection (a fixed seed), hashed again mostly: each line
    gets the same record or the same problem whichever path reads it; both paths are met,
    and lines accepted and refused on each."""
    rng = random.Random(20261206)
    seen: dict[tuple[str, bool], int] = {}
    for _ in range(2000):
        obj, rehash = _changed(rng)
        if rehash:
            try:
                obj["content_hash"] = content_hash(_assemble(obj))
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # (too far off to hash: refused anyway)
        got, typed = _same(_line(obj))
        key = (got[0], typed)
        seen[key] = seen.get(key, 0) + 1
    assert seen.get(("accepted", True), 0) > 100, seen
    assert seen.get(("record", True), 0) > 100, seen  # typed, refused by the checks
    assert seen.get(("accepted", False), 0) > 10, seen  # nested deeper than the type
    assert seen.get(("record", False), 0) > 20, seen  # refused on the untyped way
    assert seen.get(("line", False), 0) > 20, seen  # a 17-digit integer


def _spellings(raw: bytes) -> list[bytes]:
    """Other spellings of a good line, each of which the typed decoder must not take."""
    return [
        raw.replace(b'","', b'", "', 1),  # white space
        raw.replace(b'"revision":1', b'"revision":1.0', 1),
        raw.replace(b'"revision":1', b'"revision":1e0', 1),
        raw.replace(b'"revision":1', b'"revision":01', 1),
        raw.replace(b'"revision":1', b'"revision":-0', 1),
        raw.replace(b'"revision":1', b'"revision":12345678901234567', 1),
        raw.replace(b'"count":3', b'"count":-12345678901234567', 1),
        raw.replace(b'"count":3', b'"count":3.5', 1),
        raw.replace(b'"ok":true', b'"ok":NaN', 1),
        raw.replace(b'"verdict":"pass"}', b'"verdict":"pass","verdict":"pass"}', 1),  # twice
        raw.replace(b'"seals":"yes"', b'"seals":"no","seals":"yes"', 1),
        raw.replace(b'"notes":"",', b"", 1),  # a member missing
        raw.replace(b'"notes":""', b'"notes":"","aardvark":1', 1),  # unknown
        raw.replace("王芳".encode(), b"\\u738b\\u82b3", 1),  # escaped
        raw.replace(b'"place":"', b'"place":"\\ud800', 1),  # a lone surrogate
        raw.replace(b'"place":"', b'"place":"\xed\xa0\x80', 1),  # a surrogate as UTF-8
        raw.replace(b'"place":"', b'"place":"\xff', 1),
        raw.replace(b'"notes":"', b'"notes":"\x01', 1),  # a raw control character
        raw.replace(b'"failed":[]', b'"failed":' + b"[" * 600 + b"]" * 600, 1),
        raw.replace(b'"failed":[]', b'"failed":' + b"[" * 6 + b"]" * 6, 1),
        b" " + raw,
        raw + b" ",
        raw + b"{}",
        raw[:-1],
        b"\xef\xbb\xbf" + raw,
    ]


def test_other_spellings_of_a_line_are_read_as_before():
    raw = _line(_obj(_inspection()))
    for other in _spellings(raw):
        assert other != raw
        assert loads_typed(other, INSPECTION_DECODE) is None, other[:200]
        _same(other)


def test_integers_of_sixteen_digits_are_read_typed_and_seventeen_refused_as_before():
    obj = _obj(_inspection())
    for n, typed_ok in ((10**16 - 1, True), (-(10**16 - 1), True), (10**16, False)):
        obj["tests"][1]["count"] = n
        raw = _line(obj)
        assert (loads_typed(raw, INSPECTION_DECODE) is not None) == typed_ok
        got, _typed = _same(raw)
        if not typed_ok:
            assert got[0] == "line" and "out of range" in got[1], got


@pytest.mark.parametrize("raw", [b"[]", b"null", b'"x"', b"{}", b"", b"{", b'{"id":"i"}'])
def test_what_is_not_an_inspection_line_is_read_as_before(raw):
    assert loads_typed(raw, INSPECTION_DECODE) is None
    got, typed = _same(raw)
    assert not typed and got[0] in ("line", "record")
