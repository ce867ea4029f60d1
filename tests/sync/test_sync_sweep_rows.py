"""Sweep rows of a bundle: the quick check accepts only what the full check accepts, and a
row it turns away gets the full check's own message."""

from __future__ import annotations

import copy
import dataclasses
import random

import pytest
from sync_world import two_sweep_rows

from inspector_app.domain.errors import InputError
from inspector_app.domain.visits import Officer, SweepRow, Visit, validate_row, visit_hash
from inspector_app.sync.validate import parse_visit
from inspector_app.sync.validate.sweep_rows import _check_row, _row_fields, _row_ok, _rows_ok
from inspector_app.sync.validate.values import _forget

VISIT_ID = "visit-1"


def _rows() -> list[SweepRow]:
    return two_sweep_rows(VISIT_ID)


def _line() -> dict:
    """A sealed visit as a bundle carries it (what parse_visit gets)."""
    visit = Visit(
        id=VISIT_ID,
        kind="routine",
        started_at="2026-03-02T09:30+08:00",
        inspector="王芳",
        premises_id="prem-1",
        officers=[Officer("王芳", "3447159904")],
        status="finalized",
        finalized_at="2026-03-02T10:05+08:00",
    )
    rows = _rows()
    visit.content_hash = visit_hash(visit, rows)
    obj = dataclasses.asdict(visit)
    obj["rows"] = [dataclasses.asdict(r) for r in rows]
    obj["inspections"] = []
    return obj


def _full(row: object, i: int) -> InputError | None:
    """What the full check says of the *i*-th row: None when it accepts it."""
    try:
        _check_row(row, VISIT_ID, i, f"visit.rows[{i}]", _row_fields(), validate_row, SweepRow)
    except InputError as exc:
        return exc
    return None


def test_a_visit_in_normal_form_passes_and_its_hash_is_checked():
    obj = _line()
    assert parse_visit(copy.deepcopy(obj)) == obj
    _row_fields()
    assert all(_row_ok(r, VISIT_ID, i) for i, r in enumerate(obj["rows"]))
    obj["rows"][1]["note"] = "称盘下有异物"  # normal form, but not what was sealed
    with pytest.raises(InputError) as exc:
        parse_visit(obj)
    assert exc.value.path == "visit.content_hash"


BAD = [  # (field of row 1, value): each is refused by the full check
    ("mark", "Yes"),
    ("mark", "y"),
    ("mark", " yes"),
    ("mark", "maybe"),
    ("mark", None),
    ("mark", ["yes"]),
    ("cheating", "na"),
    ("load", "5000.0"),
    ("load", "５０００"),
    ("load", "0"),
    ("load", "-5000"),
    ("load", ""),
    ("indication", ""),
    ("indication", "NaN"),
    ("indication", 5002),
    ("label", " 第二台秤"),
    ("label", "第二台秤\n"),
    ("label", "x" * 201),
    ("label", "a\x07b"),
    ("label", "e\u0301"),
    ("note", "n" * 4001),
    ("note", "bell\x07"),
    ("identity_code", "C" * 65),
    ("rule", "r" * 10_001),
    ("error", None),
    ("rest_ok", 1),
    ("seq", 2),
    ("visit_id", "visit-2"),
    ("id", "bad id"),
    ("instrument_id", ""),
    ("premises_id", 7),
]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_a_row_out_of_normal_form_gets_the_full_checks_message(field, value):
    obj = _line()
    obj["rows"][1][field] = value
    expected = _full(copy.deepcopy(obj["rows"][1]), 1)
    assert expected is not None, "the full check should refuse this row"
    assert not _row_ok(obj["rows"][1], VISIT_ID, 1)
    assert not _rows_ok(_sorted(obj["rows"]), VISIT_ID)
    with pytest.raises(InputError) as exc:
        parse_visit(obj)
    assert (exc.value.path, exc.value.message) == (expected.path, expected.message)
    _forget()


def test_missing_or_extra_fields_and_a_row_that_is_not_an_object():
    for mutate in (
        lambda r: r.pop("note"),
        lambda r: r.update(colour="red"),
    ):
        obj = _line()
        mutate(obj["rows"][0])
        assert not _row_ok(obj["rows"][0], VISIT_ID, 0)
        with pytest.raises(InputError, match="field"):
            parse_visit(obj)
    obj = _line()
    obj["rows"][0] = ["not", "an", "object"]
    with pytest.raises(InputError) as exc:
        parse_visit(obj)
    assert (exc.value.path, exc.value.message) == ("visit.rows[0]", "must be an object")


POOLS = {
    "mark": ["", "yes", "no", "na", "Yes", " no", "n", "是", None, 1],
    "seal": ["", "yes", "no", "na", "YES", "ok"],
    "nameplate": ["", "yes", "no", "na", "x"],
    "approval": ["", "yes", "no", "na", []],
    "cheating": ["", "no", "yes", "na", "No"],
    "load": ["", "5000", "5000.0", "0.5", ".5", "0", "-1", "1e3", "１", "NaN", 5, None],
    "indication": ["", "5002", "4998.5", "0", " 5002", "5,002", None],
    "identity_code": ["", "S1", "C" * 64, "C" * 65, " S1", "S\x001"],
    "label": ["", "台秤", "e\u0301", "a\tb", "x" * 200, "x" * 201, None],
    "note": ["", "多行\n文本", "tab\tok", " lead", "\x0b", "n" * 4000],
    "instrument_id": [None, "inst-1", "", "bad id", 3],
    "inspection_id": [None, "insp-1", ""],
    "premises_id": [None, "prem-1"],
    "rest_ok": [False, True, 0, None],
    "error": ["", "2", None],
    "seq": [0, 1, True],
}


def test_the_quick_check_never_accepts_a_row_the_full_check_refuses():
    """Random rows from pools of good and bad values (a fixed seed): whenever the quick
    check accepts one, so does the full check; and it accepts every row the full check
    accepts among them (a row it turned away would only cost time)."""
    rng = random.Random(20261205)
    _row_fields()
    base = dataclasses.asdict(_rows()[0])
    both = quick_only = full_only = 0
    for _ in range(4000):
        row = dict(base)
        for field in rng.sample(sorted(POOLS), 3):
            row[field] = rng.choice(POOLS[field])
        quick = _row_ok(row, VISIT_ID, 0)
        full = _full(dict(row), 0) is None
        assert not (quick and not full), row
        both += quick and full
        quick_only += quick and not full
        full_only += full and not quick
    _forget()
    assert quick_only == 0
    assert both > 300 and full_only == 0, (both, full_only)


def _sorted(rows: list) -> list:
    """Rows with their fields in the order of a canonical line (as a bundle carries them)."""
    return [dict(sorted(r.items())) if isinstance(r, dict) else r for r in rows]


MORE = {  # what the quick check of all rows at once also meets
    **POOLS,
    "id": ["row-0", "row-1", "bad id", 5, "a\nb", "x" * 101],
    "visit_id": [VISIT_ID, "visit-2", None],
    "premises_id": [None, "prem-1", "", ["prem-1"]],
    "rule": ["", "JJG 539-2016", "r" * 10_001],
}


def test_the_check_of_all_rows_at_once_agrees_with_the_check_row_by_row():
    """Random visits of one to four rows (a fixed seed): the check of all rows at once
    accepts exactly when the quick check accepts every row."""
    rng = random.Random(20261206)
    _row_fields()
    base = dataclasses.asdict(_rows()[0])
    accepted = refused = 0
    for _ in range(3000):
        rows = []
        for i in range(rng.randint(1, 4)):
            row = dict(base, id=f"row-{i}", seq=i)
            if rng.random() < 0.5:
                for field in rng.sample(sorted(MORE), 2):
                    row[field] = rng.choice(MORE[field])
            rows.append(row)
        each = all(_row_ok(r, VISIT_ID, i) for i, r in enumerate(rows))
        assert _rows_ok(_sorted(rows), VISIT_ID) == each, rows
        accepted += each
        refused += not each
    _forget()
    assert accepted > 300 and refused > 300, (accepted, refused)


def test_the_check_of_all_rows_at_once_refuses_what_it_is_unsure_of():
    _row_fields()
    rows = _sorted([dataclasses.asdict(r) for r in _rows()])
    assert _rows_ok(rows, VISIT_ID) and _rows_ok([], VISIT_ID)
    assert not _rows_ok([rows[0], ["not", "an", "object"]], VISIT_ID)
    assert not _rows_ok([dataclasses.asdict(_rows()[0])], VISIT_ID)  # fields not in line order
    # an id with a trailing newline: refused row by row (ID_RE ends with \Z) and by the check
    # of all rows
    tail = [dict(rows[0], id="row-0\n")]
    assert not _row_ok(tail[0], VISIT_ID, 0) and not _rows_ok(tail, VISIT_ID)
    obj = _line()
    obj["rows"][0]["id"] = "row-0\n"
    with pytest.raises(InputError) as exc:  # named by its field, before the sealed hash
        parse_visit(obj)
    assert exc.value.path == "visit.rows[0].id"
    _forget()
