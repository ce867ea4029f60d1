"""Canonical JSON through msgspec gives the standard library's bytes, or the standard library
answers: over real records of every family read back from a SQLite file, their table columns,
visits with their sweep rows, every code point, and the values msgspec must not render."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import uuid
from collections import OrderedDict
from decimal import Decimal
from typing import Any

import pytest

from inspector_app.domain import canonical
from inspector_app.domain.canonical import (
    canonical_bytes,
    content_hash,
    fast_json,
    inspection_content,
    plain_json,
)
from inspector_app.domain.visits import visit_content, visit_hash
from inspector_app.services import demo
from inspector_app.store import codec, open_database
from inspector_app.store.visits import VisitRepo


def stdlib_canonical(obj: Any) -> bytes:
    """The definition: what canonical_bytes wrote before msgspec."""
    return json.dumps(
        obj,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=canonical._default,
        allow_nan=False,
    ).encode("utf-8")


def stdlib_column(obj: Any) -> str:
    return json.dumps(
        obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A demo data set in a real SQLite file: every family, prepackaged batches and retail
    rechecks, findings, photos, visits with sweep rows."""
    path = tmp_path_factory.mktemp("canon") / "demo.db"
    store = open_database(path)
    demo.generate(store, premises=60, inspections=400, seed=11, photos=1, workers=1)
    yield store
    store.close()


def test_real_records_hash_and_columns_are_the_standard_librarys_bytes(demo_db):
    ids = [r[0] for r in demo_db.conn.execute("SELECT id FROM inspections ORDER BY id")]
    families = set()
    for i in ids:
        insp = demo_db.inspections.require(i)
        families.add(insp.family)
        content = inspection_content(insp)
        assert plain_json(content), "a real record takes the msgspec path"
        assert canonical_bytes(content) == stdlib_canonical(content)
        assert content_hash(insp) == insp.content_hash
        row = codec.inspection_row(insp)
        for name, value in (
            ("environment_json", insp.environment),
            ("checklist_json", insp.checklist),
            ("tests_json", insp.tests),
            ("result_json", insp.result),
            ("standards_json", list(insp.standards)),
        ):
            assert row[name] == stdlib_column(value), name
    assert len(ids) == 400
    assert {"scale", "fuel_dispenser", "prepackaged", "retail_goods"} <= families
    assert len(families) >= 6


def test_real_visits_hash_as_before(demo_db):
    ids = [r[0] for r in demo_db.conn.execute("SELECT id FROM visits ORDER BY id")]
    assert ids
    repo, with_rows = VisitRepo(demo_db), 0
    for i in ids:
        v = repo.require(i)
        rows = repo.rows(i)
        with_rows += bool(rows)
        content = visit_content(v, rows, repo.photos(i))
        assert canonical_bytes(content) == stdlib_canonical(content)
        if v.status == "finalized":
            assert visit_hash(v, rows, repo.photos(i)) == v.content_hash
    assert with_rows > 0


def test_every_code_point_is_escaped_as_before():
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for start in range(0, len(text), 4096):
        part = text[start : start + 4096]
        value = {part: [part, {"k": part}]}
        assert fast_json(value) is not None
        assert canonical_bytes(value) == stdlib_canonical(value)
        assert codec.dumps(value) == stdlib_column(value)


def test_keys_sort_in_code_point_order():
    keys = ["", "a", "A", "Z", "_", "0", " ", "é", "中", "文", "😀", "\U0010fffd", "\x00", "\x7f"]
    value = {a + b: i for i, (a, b) in enumerate((a, b) for a in keys for b in keys)}
    assert canonical_bytes(value) == stdlib_canonical(value)
    assert codec.dumps(value) == stdlib_column(value)


def test_chinese_text_escapes_and_numbers():
    value = {
        "备注": '称重"偏差"\\超差\n\t\r\b\f\x00\x1f\x7f\u2028\u2029',
        "readings": [["0.005", "-0.010"], ("15", "kg")],
        "ints": [0, -1, 2**63, -(2**63) - 1, 10**30, True, False, None],
        "nested": {"z": {"y": {"x": []}}, "a": {}},
    }
    assert fast_json(value) is not None
    assert canonical_bytes(value) == stdlib_canonical(value)
    assert codec.dumps(value) == stdlib_column(value)


@pytest.mark.parametrize(
    "text", ["NaN", "-0", "0E-7", "1E+2", "1.10", "Infinity", "-0.000001", "1234567890.12345"]
)
def test_decimals_render_as_their_text(text):
    value = {"mpe": Decimal(text), "list": [Decimal(text)]}
    assert fast_json(value, decimals=True) is not None
    assert canonical_bytes(value) == stdlib_canonical(value)
    with pytest.raises(TypeError):  # a table column never held a Decimal
        codec.dumps(value)


@dataclasses.dataclass
class Point:
    y: int
    x: str


class Text(str):
    pass


class Number(int):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"f": 1.5},
        {"f": 1e16},
        {"f": [0.1, -0.0, 2.0]},
        {"p": Point(1, "一")},
        {1: "a", 2: "b"},
        {10: "a", 9: "b"},
        {"s": Text("文")},
        {Text("b"): 1, "a": 2},
        {"n": Number(5)},
        OrderedDict(b=1, a=[OrderedDict(d=2, c=3)]),
        (1, [2, (3,)]),
        "只是文字",
        12,
        None,
    ],
)
def test_values_msgspec_must_not_render_give_the_standard_librarys_bytes(value):
    assert canonical_bytes(value) == stdlib_canonical(value)
    if not isinstance(value, dict) or "p" not in value:
        assert codec.dumps(value) == stdlib_column(value)


@pytest.mark.parametrize(
    "value, error",
    [
        ({"f": float("nan")}, ValueError),
        ({"f": [float("inf")]}, ValueError),
        ({"d": dt.date(2025, 1, 1)}, TypeError),
        ({"u": uuid.UUID(int=1)}, TypeError),
        ({"b": b"ab"}, TypeError),
        ({"s": {1, 2}}, TypeError),
        ({"k": frozenset()}, TypeError),
        ({1: "a", "b": 2}, TypeError),
        ({"t": "\ud800"}, UnicodeEncodeError),
        ({"i": 10**5000}, ValueError),  # beyond the digits an int may be written with
    ],
)
def test_refused_values_are_still_refused(value, error):
    with pytest.raises(error):
        canonical_bytes(value)
    with pytest.raises(error if error is not UnicodeEncodeError else UnicodeEncodeError):
        codec.dumps(value).encode("utf-8")


def test_nesting_deeper_than_the_fast_limit_goes_to_the_standard_library():
    deep: list[Any] = []
    inner = deep
    for _ in range(canonical.MAX_FAST_DEPTH + 5):
        inner.append([])
        inner = inner[0]
    assert not plain_json(deep)
    assert fast_json(deep) is None
    assert canonical_bytes(deep) == stdlib_canonical(deep)
    shallow: list[Any] = [[[["x"]]]]
    assert plain_json(shallow)


def test_without_msgspec_the_standard_library_answers(monkeypatch):
    """A build that left msgspec out still hashes and stores records (the self-test's bundle
    step is the one that reports it)."""
    monkeypatch.setattr(canonical, "_LOADED", False)
    monkeypatch.setattr(canonical, "_ENCODE", None)
    monkeypatch.setitem(sys.modules, "msgspec", None)
    value = {"名称": "电子秤", "readings": [["0.005"], None, 3]}
    assert fast_json(value) is None
    assert canonical_bytes(value) == stdlib_canonical(value)
    assert codec.dumps(value) == stdlib_column(value)


def test_sealed_row_renders_each_field_once_with_the_same_hash_and_row(demo_db):
    ids = [r[0] for r in demo_db.conn.execute("SELECT id FROM inspections ORDER BY id")]
    for i in ids:
        insp = demo_db.inspections.require(i)
        sealed = insp.content_hash
        insp.content_hash = None
        row = codec.sealed_row(insp)
        assert insp.content_hash == sealed
        assert row == codec.inspection_row(insp)
        assert list(row) == list(codec.inspection_row(insp))  # the same column order


def test_sealed_row_of_a_draft_without_result_and_odd_text(demo_db):
    insp = demo_db.inspections.require(
        demo_db.conn.execute("SELECT id FROM inspections ORDER BY id").fetchone()[0]
    )
    insp.result, insp.notes, insp.content_hash = None, '备注"\\\n\x00\u2028', None
    row = codec.sealed_row(insp)
    assert row["result_json"] is None
    assert insp.content_hash == content_hash(insp)
    insp.notes = "\ud800"  # a lone surrogate: refused as before
    with pytest.raises(UnicodeEncodeError):
        codec.sealed_row(insp)
    insp.notes = ""
    insp.environment = {"temperature": Decimal("20.5")}  # a column never held a Decimal
    with pytest.raises(TypeError):
        codec.sealed_row(insp)
