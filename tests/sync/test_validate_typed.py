"""The typed fast path of a visit line (``sync.validate.shapes``, ``jsonlines.loads_typed``):
the same lines fed to it and to the untyped path give the same record, or the same problem
in the same words; a good line takes it (else it would save nothing)."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import random

import pytest
from sync_world import two_sweep_rows

from inspector_app.domain.errors import InputError
from inspector_app.domain.visits import Officer, SweepRow, Visit
from inspector_app.sync.jsonlines import JsonError, canonical_text, loads_typed, loads_with_parts
from inspector_app.sync.validate import parse_visit
from inspector_app.sync.validate.shapes import VISIT_DECODE, RowLine
from inspector_app.sync.validate.sweep_rows import _row_fields
from inspector_app.sync.validate.values import _forget, read_lines

VISIT_ID = "visit-1"
MAX_LINE = 16 * 1024**2
NOT_HASHED = ("status", "content_hash", "inspections")


def _visit() -> dict:
    """A sealed visit with three sweep rows, as a bundle line holds it (hash not yet set)."""
    visit = Visit(
        id=VISIT_ID,
        kind="routine",
        started_at="2026-03-02T09:30+08:00",
        inspector="王芳",
        premises_id="prem-1",
        officers=[Officer("王芳", "3447159904")],
        status="finalized",
        finalized_at="2026-03-02T10:05+08:00",
        duty_set="market",
        duties={"fair_scale": "yes"},
    )
    rows = [
        *two_sweep_rows(VISIT_ID),
        SweepRow(id="row-2", visit_id=VISIT_ID, seq=2, instrument_id="inst-3", inspection_id="i-9"),
    ]
    obj = dataclasses.asdict(visit)
    obj["rows"] = [dataclasses.asdict(r) for r in rows]
    obj["inspections"] = ["i-9"]
    return obj


def _sealed(obj: dict) -> dict:
    """*obj* with the content hash of what it holds (a changed line that is otherwise good
    is then accepted, so that acceptance is compared too)."""
    hashed = {k: v for k, v in obj.items() if k not in NOT_HASHED}
    obj["content_hash"] = hashlib.sha256(canonical_text(hashed).encode()).hexdigest()
    return obj


def _line(obj: dict) -> bytes:
    return canonical_text(obj).encode()


def _outcome(got: object) -> tuple:
    """What parse_visit gave, comparable across the two paths (types included)."""
    return ("accepted", repr(got))


def _untyped(raw: bytes) -> tuple:
    """The line read as before the typed path: loads_with_parts, then parse_visit."""
    try:
        obj, parts = loads_with_parts(raw)
    except JsonError as exc:
        return ("line", str(exc))
    if not isinstance(obj, dict):
        return ("line", "must be a JSON object")
    try:
        return _outcome(parse_visit(obj, "visit", parts))
    except InputError as exc:
        return ("record", exc.path, exc.message)
    finally:
        _forget()


def _read(raw: bytes) -> tuple[tuple, bool]:
    """The line read as the import reads it now (read_lines, typed first), and whether it
    took the typed path."""
    [(_n, obj, parts, problem, typed)] = list(read_lines("visits", raw + b"\n", MAX_LINE))
    if problem is not None:
        return ("line", problem), typed
    try:
        return _outcome(parse_visit(obj, "visit", parts, typed=typed)), typed
    except InputError as exc:
        return ("record", exc.path, exc.message), typed
    finally:
        _forget()


def _same(raw: bytes) -> tuple[tuple, bool]:
    now, typed = _read(raw)
    assert now == _untyped(raw), raw[:300]
    return now, typed


def test_a_good_line_takes_the_typed_path_with_the_same_record():
    obj = _sealed(_visit())
    raw = _line(obj)
    got, typed = _same(raw)
    assert typed and got[0] == "accepted"
    typed_obj, parts = loads_typed(raw, VISIT_DECODE)
    assert typed_obj == obj and parts == loads_with_parts(raw)[1]
    with_photos = _sealed(dict(_visit(), photos=["a" * 64]))
    got, typed = _same(_line(with_photos))
    assert typed and got[0] == "accepted"
    assert loads_typed(_line(with_photos), VISIT_DECODE)[0] == with_photos


def test_the_shape_holds_exactly_the_fields_of_a_sweep_row():
    assert frozenset(RowLine.__annotations__) == _row_fields()
    assert set(RowLine.__annotations__) == {f.name for f in dataclasses.fields(SweepRow)}


ROW_VALUES = {  # values for a field of a row: good ones, and what the checks refuse
    "mark": ["", "yes", "no", "na", "Yes", " no", "n", "是", None, 1, ["yes"], {}],
    "seal": ["", "yes", "no", "na", "YES", "ok"],
    "nameplate": ["", "yes", "no", "na", "x", False],
    "approval": ["", "yes", "no", "na", []],
    "cheating": ["", "no", "yes", "na", "No"],
    "load": ["", "5000", "5000.0", "0.5", ".5", "0", "-1", "1e3", "１", "NaN", 5, None],
    "indication": ["", "5002", "4998.5", "0", " 5002", "5,002", None, 5002],
    "identity_code": ["", "S1", "C" * 64, "C" * 65, " S1", "S\x001"],
    "label": ["", "台秤", "e\u0301", "a\tb", "x" * 200, "x" * 201, None],
    "note": ["", "多行\n文本", "tab\tok", " lead", "\x0b", "n" * 4000, "n" * 4001],
    "instrument_id": [None, "inst-1", "", "bad id", 3, "i\n"],
    "inspection_id": [None, "insp-1", "", "i-9"],
    "premises_id": [None, "prem-1", "", ["prem-1"]],
    "rest_ok": [False, True, 0, 1, None, "true"],
    "error": ["", "2", None, "e" * 10_000, "e" * 10_001],
    "mpe": ["", "5", 5],
    "quick_verdict": ["", "pass", "fail", "maybe"],
    "rule": ["", "JJG 539-2016", "r" * 10_001],
    "seq": [0, 1, 2, True, -1, 4999, 5000, 10**16, 10**17, 1.0, "1"],
    "id": ["row-0", "row-1", "bad id", 5, "a\nb", "x" * 101, "row-x"],
    "visit_id": [VISIT_ID, "visit-2", None],
}

VISIT_VALUES = {  # values for a member of the visit
    "photos": [..., [], ["a" * 64], ["a" * 64, "a" * 64], ["not a hash"], "a" * 64, [1]],
    "officers": [[], [{"name": "王芳", "certificate_no": ""}], [{"name": "王芳"}], ["王芳"]],
    "duties": [{}, {"fair_scale": "no"}, {"fair_scale": 1}, {"no_such_duty": "yes"}, []],
    "covert": [{}, {"receipt": "yes"}, {"receipt": 1}, {"receipt": {"a": "b"}}],
    "campaign_id": [None, "camp-1", 5, ""],
    "premises_id": [None, "prem-1", "bad id"],
    "status": ["finalized", "draft", None],
    "inspections": [[], ["i-9"], ["bad id"], [1], "i-9"],
    "notes": ["", "多行\n文本", 12345678901234567, 1.5, None],
    "kind": ["routine", "covert", "party"],
    "started_at": ["2026-03-02T09:30+08:00", "2026-03-02 09:30", "yesterday", 20260302],
    "rows": [[], {}, None],
    "colour": [..., "red"],  # a member a visit does not have
}


def _changed(rng: random.Random) -> dict:
    obj = _visit()
    for _ in range(rng.randint(0, 2)):
        row = obj["rows"][rng.randrange(3)]
        field = rng.choice(sorted(ROW_VALUES))
        row[field] = copy.deepcopy(rng.choice(ROW_VALUES[field]))
    if rng.random() < 0.3:
        member = rng.choice(sorted(VISIT_VALUES))
        value = copy.deepcopy(rng.choice(VISIT_VALUES[member]))
        if value is ...:
            obj.pop(member, None)
        else:
            obj[member] = value
    rows = obj.get("rows")
    if type(rows) is list and rows and rng.random() < 0.1:
        del rows[rng.randrange(3)][rng.choice(sorted(ROW_VALUES))]
    if type(rows) is list and rows and rng.random() < 0.1:
        rows[rng.randrange(3)]["colour"] = "red"
    return _sealed(obj) if rng.random() < 0.8 else obj


def test_changed_lines_give_the_same_outcome_on_both_paths():
    """Random changes of a good visit (a fixed seed), resealed mostly: each line gets the
    same record or the same problem whichever path reads it; both paths are met, and both
    accepted and refused lines."""
    rng = random.Random(20261206)
    seen: dict[tuple[str, bool], int] = {}
    for _ in range(2500):
        got, typed = _same(_line(_changed(rng)))
        key = (got[0], typed)
        seen[key] = seen.get(key, 0) + 1
    assert seen.get(("accepted", True), 0) > 200, seen
    assert seen.get(("record", True), 0) > 200, seen  # typed, refused by the checks left
    assert seen.get(("record", False), 0) > 200, seen  # refused by the untyped path


def _spellings(raw: bytes) -> list[bytes]:
    """Other spellings of a good line, each of which the typed path must not take."""
    return [
        raw.replace(b'","', b'", "', 1),  # white space
        raw.replace(b'"seq":1', b'"seq":1.0', 1),
        raw.replace(b'"seq":1', b'"seq":01', 1),
        raw.replace(b'"seq":0', b'"seq":-0', 1),
        raw.replace(b'"seq":0', b'"seq":00000000000000000', 1),
        raw.replace(b'"seq":1', b'"seq":12345678901234567', 1),
        raw.replace(b'"seq":1', b'"seq":1e0', 1),
        raw.replace(b'"rest_ok":true', b'"rest_ok":1', 1),
        raw.replace(b'"approval":"na"', b'"approval":"na","approval":"na"', 1),  # twice
        raw.replace(b'"approval":"na"', b'"approval":"yes","approval":"na"', 1),
        raw.replace(b'"campaign_id":null', b'"campaign_id":null,"campaign_id":null', 1),
        raw.replace(b'"cheating":"no",', b"", 1),  # a member missing
        raw.replace(b'"approval":"na"', b'"approval":"na","aardvark":1', 1),  # unknown
        raw.replace(b'"seq":0,"visit_id":"visit-1"}', b'"visit_id":"visit-1","seq":0}', 1),
        raw.replace("王芳".encode(), b"\\u738b\\u82b3", 1),  # escaped
        raw.replace(b'"label":"', b'"label":"\\ud800', 1),  # a lone surrogate
        raw.replace(b'"label":"', b'"label":"\xed\xa0\x80', 1),  # a surrogate as UTF-8
        raw.replace(b'"label":"', b'"label":"\xff', 1),
        raw.replace(b'"note":"', b'"note":"\x01', 1),  # a raw control character
        b" " + raw,
        raw + b" ",
        raw + b"{}",
        raw[:-1],
        b"\xef\xbb\xbf" + raw,
        raw.replace(b'"rows":[', b'"rows":[[[[[[[[[[]]]]]]]]]],', 1),
    ]


def test_other_spellings_of_a_line_are_read_as_before():
    raw = _line(_sealed(_visit()))
    for other in _spellings(raw):
        assert other != raw
        assert loads_typed(other, VISIT_DECODE) is None, other[:200]
        _same(other)


@pytest.mark.parametrize("raw", [b"[]", b"null", b'"x"', b"{}", b"", b"{", b'{"id":"v"}'])
def test_what_is_not_a_visit_line_is_read_as_before(raw):
    assert loads_typed(raw, VISIT_DECODE) is None
    got, typed = _same(raw)
    assert not typed and got[0] in ("line", "record")


def test_the_records_built_unchecked_are_those_decoded_as_they_are():
    """The import that builds the records while another process checks them
    (``iter_built``) decodes a visit line of the exact shape with the typed decoder: the
    same object as the plain decoder's, for that line and for other spellings of it."""
    from inspector_app.sync.jsonlines import loads_canonical
    from inspector_app.sync.validate.values import iter_built

    raw = _line(_sealed(_visit()))
    lines = [raw, raw.replace(b'","', b'", "'), raw.replace(b'"seq":1', b'"seq":1e0', 1)]
    built = [
        obj for _n, obj, _p, _problem, _typed in iter_built("visits", b"\n".join(lines) + b"\n")
    ]
    assert [repr(b) for b in built] == [repr(loads_canonical(x)) for x in lines]
    assert repr(built[0]) == repr(loads_typed(raw, VISIT_DECODE)[0])
    with pytest.raises(ValueError, match="not terminated"):
        list(iter_built("visits", raw))
