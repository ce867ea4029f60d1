"""The check of all sweep rows at once remembers the reference ids it matched (a market's
instruments and premises come back visit after visit) and takes a row naming its instrument
as identified: a visit after others gets the same answer as alone, and a bad reference is
never let through because good ones were seen before."""

from __future__ import annotations

import dataclasses

import pytest
from sync_world import two_sweep_rows

from inspector_app.sync.validate import values as V
from inspector_app.sync.validate.sweep_rows import _row_fields, _row_ok, _rows_ok


def _rows(visit_id: str) -> list[dict]:
    """The rows as a canonical line holds them (members in sorted order)."""
    return [dict(sorted(dataclasses.asdict(r).items())) for r in two_sweep_rows(visit_id)]


def _alone(rows: list[dict], vid: str) -> bool:
    V._forget()
    try:
        return _rows_ok(rows, vid)
    finally:
        V._forget()


def _each(rows: list[dict], vid: str) -> bool:
    return all(_row_ok(r, vid, i) for i, r in enumerate(rows))


CHANGES = [
    ("instrument_id", "inst 1"),  # a space: not an id
    ("instrument_id", "-inst-1"),
    ("instrument_id", "x" * 101),
    ("instrument_id", ""),
    ("instrument_id", 7),
    ("premises_id", "prem/2"),
    ("premises_id", "prem-2\n"),
    ("inspection_id", "检查-1"),
    ("inspection_id", "insp-9"),  # a good id never seen
    ("instrument_id", None),  # then the identity code or the label must name it
]


@pytest.mark.parametrize(("field", "value"), CHANGES)
def test_a_visit_after_good_ones_gets_the_answer_it_gets_alone(field, value):
    _row_fields()
    V._forget()
    try:
        for n in range(3):  # good visits first: their ids are remembered
            vid = f"visit-{n}"
            assert _rows_ok(_rows(vid), vid)
        assert V._REF_IDS >= {"inst-1", "prem-2"}
        rows = _rows("visit-9")
        rows[0][field] = value
        want = _alone(rows, "visit-9")
        for n in range(3):
            _rows_ok(_rows(f"visit-{n}"), f"visit-{n}")
        assert _rows_ok(rows, "visit-9") == want
        assert want == _each(rows, "visit-9")
    finally:
        V._forget()
    assert not V._REF_IDS


def test_a_row_without_instrument_identity_code_or_label_is_refused():
    _row_fields()
    rows = _rows("visit-1")
    for r in rows:
        r["instrument_id"] = None
    rows[1]["identity_code"] = rows[1]["label"] = ""
    assert not _alone(rows, "visit-1")
    rows[1]["label"] = "第二台秤"
    assert _alone(rows, "visit-1")
    rows[0]["instrument_id"], rows[1]["instrument_id"] = "inst-1", "inst-2"
    rows[0]["identity_code"] = rows[0]["label"] = rows[1]["label"] = ""
    assert _alone(rows, "visit-1")  # each names its instrument
