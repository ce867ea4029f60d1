"""Stage 4 record by record: every check of ``sync/validate.py`` refuses a bad record with a
message naming the field, and the fast paths (canonical lines, cached texts) agree with the
strict ones."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from sync_world import PNG, Side, add_inspection_with_photo, read_entries

from inspector_app.domain.canonical import content_hash
from inspector_app.domain.errors import InputError
from inspector_app.domain.models import AttachmentRef, Finding, Inspection
from inspector_app.services.demo import generate
from inspector_app.services.review import set_role
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store.audit import GENESIS, entry_hash
from inspector_app.sync import validate as V
from inspector_app.sync.format import BundleRejected, record_hash
from inspector_app.sync.jsonlines import (
    JsonError,
    canonical_parts,
    canonical_text,
    join_parts,
    loads_with_parts,
    strict_loads,
)
from inspector_app.sync.manifest import parse_manifest
from inspector_app.sync.reader import OpenedBundle, SignerInfo


@pytest.fixture(scope="module")
def sides(tmp_path_factory):
    """A laptop with demo inspections (one with a photo), its field bundle, and an office."""
    folder = tmp_path_factory.mktemp("validate")
    lap = Side(folder / "laptop.db", "Inspector One")
    office = Side(folder / "office.db", "County Office")
    set_role(office.store, "supervisor")
    office.trust(lap)
    lap.trust(office, "office")
    generate(lap.store, premises=3, inspections=6, seed=11)
    add_inspection_with_photo(lap.store)
    path = folder / "field.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    yield {"lap": lap, "office": office, "items": read_entries(path), "dir": folder}
    lap.close()
    office.close()


def _lines(items, table) -> list[dict]:
    return [json.loads(x) for x in dict(items)[f"records/{table}.jsonl"].splitlines()]


def _body(objs) -> bytes:
    return b"".join(canonical_text(o).encode() + b"\n" for o in objs)


def _opened(
    items, records: dict | None = None, edit=None, attachments: dict | None = None
) -> OpenedBundle:
    """An OpenedBundle (stages 1-3 passed) from *items*, with tables replaced by *records*
    (table -> list of objects or raw bytes) and the manifest dict changed by *edit*."""
    entries = dict(items)
    manifest = json.loads(entries["manifest.json"])
    recs = {n[len("records/") : -len(".jsonl")]: d for n, d in items if n.startswith("records/")}
    for table, value in (records or {}).items():
        recs[table] = value if isinstance(value, bytes) else _body(value)
    if edit is not None:
        edit(manifest)
    raw = json.dumps(manifest).encode()
    m = parse_manifest(raw)
    atts = (
        {n.split("/", 1)[1]: d for n, d in items if n.startswith("attachments/")}
        if attachments is None
        else attachments
    )
    return OpenedBundle(
        None, raw, m, SignerInfo(m.signer_fingerprint, m.signer_name, True), recs, atts
    )


def _reject(sides, opened, **kw) -> BundleRejected:
    with pytest.raises(BundleRejected) as exc:
        V.validate_bundle(opened, sides["office"].store.sync, **kw)
    assert exc.value.stage == 4
    return exc.value


def _good_inspection(sides) -> dict:
    objs = _lines(sides["items"], "inspections")
    return copy.deepcopy(next(o for o in objs if o["attachments"]))


def _rehash(obj: dict) -> dict:
    try:
        return _rehash_strict(obj)
    except TypeError:  # findings or attachments too broken to hash: refused before the hash anyway
        return obj


def _rehash_strict(obj: dict) -> dict:
    x = Inspection(
        **{k: v for k, v in obj.items() if k not in ("findings", "attachments")},
        findings=[Finding(**f) for f in obj["findings"]],
        attachments=[AttachmentRef(**a) for a in obj["attachments"]],
    )
    return dict(obj, content_hash=content_hash(x))


# -- the content hash and the canonical fast path ---------------------------------------------
def test_the_whole_bundle_validates_and_carries_the_json_columns(sides):
    content = V.validate_bundle(_opened(sides["items"]), sides["office"].store.sync)
    assert len(content.inspections) == 7
    for x in content.inspections:
        texts = content.inspection_json[x.id]
        assert json.loads(texts["result"]) == x.result and json.loads(texts["tests"]) == x.tests
        assert texts["standards"] == canonical_text(x.standards).encode()
    assert not V._OK and not V._DECIMAL_OK  # the caches are emptied after every bundle


def test_the_parse_stage_lets_go_of_the_entries_it_has_read(sides):
    kept = _opened(sides["items"])
    released = _opened(sides["items"])
    tables = set(released.records)
    assert "inspections" in tables
    a, b = V.parse_records(kept), V.parse_records(released, release=True)
    assert released.records == {} and set(kept.records) == tables
    assert a.content == b.content and a.covered_found == b.covered_found and not b.problems


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"", []),
        (b"\n", [(1, "not valid JSON")]),
        (b'{"a":1}\n{"b":2}\n', [(1, None), (2, None)]),
        (b'{"a":1}\n{"b":2}', [(1, None), (2, "not terminated")]),
        (b'{"a":1}\n\n{"b":2}\n', [(1, None), (2, "not valid JSON"), (3, None)]),
    ],
)
def test_lines_are_numbered_and_an_unterminated_last_line_is_named(data, lines):
    got = [(n, problem) for n, _obj, _parts, problem in V.iter_lines("audit", data, 1000)]
    assert [n for n, _ in got] == [n for n, _ in lines]
    for (_, problem), (_, words) in zip(got, lines, strict=True):
        assert (problem is None) if words is None else (words in str(problem))


@pytest.mark.parametrize(
    "text", ["", "é 中文", 'quote " back \\ slash', "tab\tnew\nline\r\x01\x1f\u2028", "😀"]
)
def test_the_hash_from_the_line_equals_the_domain_content_hash(sides, text):
    obj = _good_inspection(sides)
    obj = _rehash(
        dict(
            obj, checklist={**obj["checklist"], "note": text}, tests=[*obj["tests"], {"kind": text}]
        )
    )
    for parts in (canonical_parts(obj), None):  # fast path and fallback
        insp, texts = V.parse_inspection_line(obj, "inspection", parts)
        assert insp.content_hash == content_hash(insp)
        assert texts["checklist"] == canonical_text(obj["checklist"]).encode()


def test_a_canonical_line_takes_the_fast_path_and_any_other_spelling_the_strict_one(sides):
    obj = _good_inspection(sides)
    line = canonical_text(obj).encode()
    parsed, parts = loads_with_parts(line)
    assert parsed == obj and parts is not None and join_parts(parts) == line
    spaced = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()  # ", " and ": "
    parsed, parts = loads_with_parts(spaced)
    assert parsed == obj and parts is None
    unsorted = json.dumps(
        dict(reversed(list(obj.items()))), ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert loads_with_parts(unsorted) == (obj, None)
    escaped = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()  # \\u escapes
    assert loads_with_parts(escaped) == (obj, None)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"a":1,"a":1}', "duplicate key 'a'"),
        (b'{"a":{"b":1,"b":1}}', "duplicate key 'b'"),
        (b'{"a":[{"c":"x","c":"x"}]}', "duplicate key 'c'"),
        (b'{"a":NaN}', "NaN is not allowed"),
        (b'{"a":1e400}', "out of range"),
        (b'{"a":"\\ud800"}', "lone surrogate"),
        (b'{"a":1} x', "extra data"),
        (b'{"a":', "not valid JSON"),
        (b'\xef\xbb\xbf{"a":1}', "byte-order mark"),
        (b'{"a":"\xff"}', "invalid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_the_fast_path_refuses_what_the_strict_parser_refuses(raw, words):
    for parse in (loads_with_parts, strict_loads):
        with pytest.raises(JsonError, match=words):
            parse(raw)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        # canonical spellings of what the strict parser refuses: the fast path must not take them
        (b'{"a":12345678901234567}', "out of range"),
        (b'{"a":[-12345678901234567890123]}', "out of range"),
        (b'{"a":{"b":123456789012345678901}}', "out of range"),
        (b'{"a":"\\ud800"}', "lone surrogate"),
        (b'{"a":"\\udc00x"}', "lone surrogate"),
        (b'{"a":"\xed\xa0\x80"}', "invalid UTF-8"),  # a surrogate written as UTF-8 bytes
        (b'{"a":"\xc0\xaf"}', "invalid UTF-8"),  # an overlong form
        (b'{"a":Infinity}', "Infinity is not allowed"),
        (b'{"a":-Infinity}', "-Infinity is not allowed"),
        (b'{"a":1,"b":2,"a":1}', "duplicate key 'a'"),
        (b'{"a":"x\x01"}', "not valid JSON"),  # a raw control character in a text
        (b'{"a":1}{"b":2}', "extra data"),
    ],
)
def test_the_fast_path_refuses_canonical_spellings_of_what_is_refused(raw, words):
    for parse in (loads_with_parts, strict_loads):
        with pytest.raises(JsonError, match=words):
            parse(raw)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a":1234567890123456}',  # 16 digits: the longest integer allowed
        b'{"a":-1234567890123456,"b":"12345678901234567"}',  # 17 digits in a text are text
        b'{"a":":12345678901234567"}',  # ... even after a colon
        b'{"a":-0}',  # reads as 0, which renders otherwise: the strict parser reads it
        b'{"a":"\\ud83d\\ude00"}',  # an escaped pair: the strict parser reads it
        b'{"a":1.5,"b":[2.50,1e3]}',  # fractions are Decimal either way
        b'{"a":"x"}\r',
        b'{"b":1,"a":2}',
    ],
)
def test_the_fast_path_reads_what_the_strict_parser_reads(raw):
    from inspector_app.sync.jsonlines import _strict

    expected = _strict(raw.decode())
    assert strict_loads(raw.decode()) == expected  # text (not bytes): the strict parser
    for parse in (strict_loads, lambda b: loads_with_parts(b)[0]):
        got = parse(raw)
        assert got == expected
        assert repr(got) == repr(expected)  # the same types (Decimal, int, str)


def test_msgspec_renders_every_value_as_the_canonical_text():
    """The fast path's texts are msgspec's rendering; the content hashes are defined over the
    json module's (domain.canonical): they must be the same bytes for every character, key
    order and integer a line can hold."""
    from inspector_app.sync.jsonlines import _RENDER

    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(chars), 4096):
        text = "".join(chars[i : i + 4096])
        assert _RENDER(text) == canonical_text(text).encode(), hex(i)
    keys = ["b", "a", "é", "e", "\u00ff", "\U0001f600", "\uffff", "A", "", "a b", "\x7f"]
    obj = {k: {k2: [i, None, True, False, -i, 10**15] for i, k2 in enumerate(keys)} for k in keys}
    assert _RENDER(obj) == canonical_text(obj).encode()


def test_a_deep_line_is_left_to_the_strict_parser():
    """msgspec nests a little deeper than the strict parser on the same stack: a line deep
    enough to be refused by one and not the other never takes the fast path."""
    from inspector_app.sync.jsonlines import FAST_BRACKETS, _fast_object

    for depth in (990, 995, 999, 1200):
        raw = b'{"a":' + b"[" * depth + b"]" * depth + b"}"
        assert _fast_object(raw) is None
        outcomes = set()
        for parse in (lambda b: loads_with_parts(b)[0], strict_loads):
            try:
                outcomes.add(repr(parse(raw)))
            except JsonError as exc:
                outcomes.add(str(exc))
        assert len(outcomes) == 1  # both read it alike, or both refuse it alike
    with pytest.raises(JsonError, match="nested too deeply"):
        strict_loads(b'{"a":' + b"[" * 1200 + b"]" * 1200 + b"}")
    shallow = b'{"a":[' + b",".join([b"[]"] * FAST_BRACKETS) + b"]}"  # wide, not deep
    assert _fast_object(shallow) is None
    assert strict_loads(shallow) == {"a": [[]] * FAST_BRACKETS}
    assert _fast_object(b'{"a":[' + b",".join([b"[]"] * 10) + b"]}") is not None


def test_a_fraction_never_takes_the_fast_path():
    from decimal import Decimal

    from inspector_app.sync.jsonlines import _fast_object

    assert _fast_object(b'{"a":1.5}') is None
    assert loads_with_parts(b'{"a":1.5}') == ({"a": Decimal("1.5")}, None)
    assert _fast_object(b'{"a":15}') == {"a": 15}
    assert _fast_object(b'["a"]') is None  # only an object line


def test_canonical_parts_of_a_fraction_is_none():
    from decimal import Decimal

    assert canonical_parts({"a": [Decimal("1.5")]}) is None
    assert canonical_parts({"a": Decimal("1.5")}) is None
    assert loads_with_parts(b'{"a":[1.5]}') == ({"a": [Decimal("1.5")]}, None)


# -- inspections, field by field --------------------------------------------------------------
def _set(path: str, value):
    """A change at a dotted path ('result.tests.0.items.1.error'); ``...`` deletes."""

    def change(obj):
        keys = path.split(".")
        target = obj
        for k in keys[:-1]:
            target = target[int(k)] if isinstance(target, list) else target[k]
        last = int(keys[-1]) if isinstance(target, list) else keys[-1]
        if value is ...:
            del target[last]
        else:
            target[last] = value
        return obj

    return change


INSPECTION_CASES = {
    "missing field": (_set("notes", ...), "inspection", "is missing the field 'notes'"),
    "bad id": (_set("id", "../etc"), "inspection.id", "must be an id"),
    "bad parent id": (_set("parent_id", 5), "inspection.parent_id", "must be an id"),
    "revision text": (_set("revision", "1"), "inspection.revision", "whole number"),
    "revision bool": (_set("revision", True), "inspection.revision", "whole number"),
    "revision zero": (_set("revision", 0), "inspection.revision", "whole number"),
    "second revision without parent": (_set("revision", 2), "inspection.parent_id", "must name it"),
    "draft": (_set("status", "draft"), "inspection.status", "only finalized"),
    "verdict": (_set("verdict", "maybe"), "inspection.verdict", "pass or fail"),
    "content hash": (_set("content_hash", "xyz"), "inspection.content_hash", "64 hexadecimal"),
    "text not text": (_set("place", 5), "inspection.place", "must be text"),
    "text too long": (_set("inspector", "王" * 10_001), "inspection.inspector", "is too long"),
    "finalized_at long": (_set("finalized_at", "2" * 41), "inspection.finalized_at", "is too long"),
    "signature not text": (_set("signature", 1), "inspection.signature", "must be text"),
    "environment list": (_set("environment", []), "inspection.environment", "must be an object"),
    "temperature": (
        _set("environment.temperature", "warm"),
        "inspection.environment.temperature",
        "must be a number",
    ),
    "tests object": (_set("tests", {}), "inspection.tests", "at most 200 tests"),
    "too many tests": (_set("tests", [{}] * 201), "inspection.tests", "at most 200 tests"),
    "result test not object": (
        _set("result.tests.0", "x"),
        "inspection.result.tests[0]",
        "must be an object",
    ),
    "result item not object": (
        _set("result.tests.0.items.0", 1),
        "inspection.result.tests[0].items[0]",
        "must be an object",
    ),
    "result error text": (
        _set("result.tests.0.items.0.error", "about two"),
        "inspection.result.tests[0].items[0].error",
        "must be a number",
    ),
    "result mpe bool": (
        _set("result.tests.0.items.0.mpe", True),
        "inspection.result.tests[0].items[0].mpe",
        "not true/false",
    ),
    "result verdict": (_set("result.verdict", "ok"), "inspection.result.verdict", "pass or fail"),
    "standards object": (_set("standards", {}), "inspection.standards", "at most 100 ids"),
    "standard id": (
        _set("standards", ["ok", "not ok"]),
        "inspection.standards[1]",
        "must be an id",
    ),
    "findings object": (_set("findings", {}), "inspection.findings", "at most 200 findings"),
    "finding not object": (_set("findings", ["x"]), "inspection.findings[0]", "must be an object"),
    "finding fields": (
        _set("findings", [{"id": "f1"}]),
        "inspection.findings[0]",
        "is missing the field",
    ),
    "finding cheating": (
        _set(
            "findings",
            [
                {
                    "id": "f1",
                    "code": "C1",
                    "text": "t",
                    "legal_basis": "",
                    "severity": "major",
                    "action": "",
                    "cheating": "yes",
                }
            ],
        ),
        "inspection.findings[0].cheating",
        "true or false",
    ),
    "finding text": (
        _set(
            "findings",
            [
                {
                    "id": "f1",
                    "code": 1,
                    "text": "t",
                    "legal_basis": "",
                    "severity": "major",
                    "action": "",
                    "cheating": False,
                }
            ],
        ),
        "inspection.findings[0].code",
        "must be text",
    ),
    "attachments object": (
        _set("attachments", {}),
        "inspection.attachments",
        "at most 200 attachments",
    ),
    "attachment not object": (
        _set("attachments.0", []),
        "inspection.attachments[0]",
        "must be an object",
    ),
    "attachment fields": (
        _set("attachments.0.extra", 1),
        "inspection.attachments[0]",
        "unknown field",
    ),
    "attachment sha": (
        _set("attachments.0.sha256", "ABC"),
        "inspection.attachments[0].sha256",
        "64 hexadecimal",
    ),
    "attachment role": (
        _set("attachments.0.role", "selfie"),
        "inspection.attachments[0].role",
        "must be one of",
    ),
    "attachment mime": (
        _set("attachments.0.mime", "image/gif"),
        "inspection.attachments[0].mime",
        "image/png",
    ),
    "attachment caption": (
        _set("attachments.0.caption", "a\x07b"),
        "inspection.attachments[0].caption",
        "control character",
    ),
    "not normal form": (_set("place", " 合肥 "), "inspection.place", "not in normal form"),
    "altered": (
        _set("notes", "changed after finalizing"),
        "inspection.content_hash",
        "does not match",
    ),
    # the value walk
    "nested too deeply": (
        _set("checklist.deep", json.loads("[" * 12 + "1" + "]" * 12)),
        "inspection.checklist.deep" + "[0]" * 12,
        "nested too deeply",
    ),
    "empty deep list is fine but text is not": (
        _set("checklist.deep", json.loads("[" * 11 + "]" * 11)),
        None,
        None,
    ),
    "too many fields": (
        _set("checklist", {f"k{i}": "yes" for i in range(1001)}),
        "inspection.checklist",
        "too many fields",
    ),
    "long field name": (
        _set("checklist", {"k" * 101: "yes"}),
        "inspection.checklist",
        "field name that is too long",
    ),
    "too many items": (
        _set("tests.0.points", [None] * 10_001),
        "inspection.tests[0].points",
        "too many items",
    ),
    "long text": (_set("checklist.note", "x" * 4001), "inspection.checklist.note", "is too long"),
    "NaN text": (_set("checklist.note", " nan "), "inspection.checklist.note", "finite number"),
    "huge decimal text": (
        _set("tests.0.points.0.load", "1e999"),
        "inspection.tests[0].points[0].load",
        "out of range",
    ),
    "huge integer": (
        _set("checklist.count", 10**15 + 1),
        "inspection.checklist.count",
        "out of range",
    ),
    "integer in a list": (
        _set("tests.0.points", [None, True, -(10**15) - 1]),
        "inspection.tests[0].points[2]",
        "out of range",
    ),
    "bad text in a nested list": (
        _set("tests.0.points", [["ok", "Infinity"]]),
        "inspection.tests[0].points[0][1]",
        "finite number",
    ),
}


@pytest.mark.parametrize("name", sorted(INSPECTION_CASES))
def test_a_bad_inspection_field_is_named(sides, name):
    change, path, words = INSPECTION_CASES[name]
    obj = change(_good_inspection(sides))
    if name != "altered" and path != "inspection.content_hash" and "status" not in name:
        obj = _rehash(obj) if name not in ("content hash",) else obj
    if path is None:  # accepted
        V.parse_inspection(obj)
        return
    with pytest.raises(InputError) as exc:
        V.parse_inspection(obj)
    assert (exc.value.path, words in exc.value.message) == (path, True), exc.value


def test_good_values_pass_the_walk_with_and_without_the_cache(sides):
    obj = _good_inspection(sides)
    obj["checklist"] = {
        **obj["checklist"],
        "count": 3,
        "flag": True,
        "none": None,
        "deep": [[["1.5", " 2 "]]],
    }
    obj["environment"] = {**obj["environment"], "temperature": 25, "humidity": "40"}
    obj = _rehash(obj)
    V._forget()
    V.parse_inspection(obj)
    V.parse_inspection(obj)  # now from the cache
    V._forget()


def test_a_time_read_again_gives_the_same_answer_and_is_forgotten_after_the_bundle():
    from inspector_app.sync.validate import values

    V._forget()
    good, bad = "2025-12-15T15:18+08:00", "2025-02-30T10:00:00Z"
    first = V.read_time(good), V.read_time(bad)
    assert first[0][1] is None and first[1][0] is None and "not a real date" in first[1][1]
    assert (V.read_time(good), V.read_time(bad)) == first  # now from the memory of times
    assert set(values._TIMES) == {good, bad}
    V._forget()
    assert not values._TIMES


# -- the other tables ---------------------------------------------------------------------------
def _versioned(sides, table, change, rehash=True):
    line = copy.deepcopy(_lines(sides["items"], table)[0])
    change(line)
    if rehash:
        line["versions"] = [record_hash(line["data"])]
    return line


@pytest.mark.parametrize(
    ("table", "change", "rehash", "path", "words"),
    [
        ("premises", lambda o: o.update(data=[]), False, "premises.data", "must be an object"),
        (
            "premises",
            lambda o: o.update(versions="x"),
            False,
            "premises.versions",
            "list of SHA-256",
        ),
        (
            "premises",
            lambda o: o.update(versions=["a" * 64]),
            False,
            "premises.versions",
            "own hash",
        ),
        ("premises", lambda o: o["data"].update(name=5), True, "premises.name", "must be text"),
        (
            "premises",
            lambda o: o["data"].update(name="x" * 10_001),
            True,
            "premises.name",
            "is too long",
        ),
        (
            "premises",
            lambda o: o["data"].update(name=o["data"]["name"] + " "),
            True,
            "premises.name",
            "not in normal form",
        ),
        ("premises", lambda o: o["data"].update(id="a b"), True, "premises.id", "must be an id"),
        (
            "instruments",
            lambda o: o["data"].update(metrology="15 kg"),
            True,
            "instrument.metrology",
            "must be an object",
        ),
        (
            "instruments",
            lambda o: o["data"]["metrology"].update(max="NaN"),
            True,
            "instrument.metrology.max",
            "finite number",
        ),
    ],
)
def test_a_bad_versioned_record_is_named(sides, table, change, rehash, path, words):
    line = _versioned(sides, table, change, rehash)
    parser = V.parse_premises if table == "premises" else V.parse_instrument
    with pytest.raises(InputError) as exc:
        parser(line)
    assert exc.value.path == path and words in exc.value.message, exc.value


def test_standards(sides):
    data = {
        "id": "std-1",
        "kind": "test_weight",
        "name": "M1 砝码组",
        "certificate_no": "C-1",
        "valid_until": "2027-01-01",
        "accuracy": "M1",
        "mpe": "0.5",
        "unit": "g",
        "serial": "",
    }
    s, h, versions = V.parse_standard({"data": data, "versions": [record_hash(data)]})
    assert s.name == "M1 砝码组" and versions == [h]
    bad = dict(data, kind="ruler")
    with pytest.raises(InputError, match="kind"):
        V.parse_standard({"data": bad, "versions": [record_hash(bad)]})


GOOD_AUDIT = {
    "seq": 1,
    "device_id": "d",
    "at": "2026-01-01T08:00:00+00:00",
    "actor": "a",
    "action": "x",
    "entity": "e",
    "entity_id": "i",
    "detail": "{}",
    "prev_hash": "0" * 64,
    "hash": "1" * 64,
}
UUID = "12345678-1234-1234-1234-123456789abc"
GOOD_ACK = {
    "bundle_id": UUID,
    "source_device": UUID,
    "audit_seq": 3,
    "audit_hash": "a" * 64,
    "inspections": ["x"],
}
GOOD_REVIEW = {
    "id": "r1",
    "inspection_id": "i1",
    "decision": "approved",
    "comment": "",
    "reviewer": "张科长",
    "at": "2026-01-01T00:00:00+00:00",
    "signature": None,
}
GOOD_ASSIGNMENT = {"id": "a1", "premises_id": "p1", "inspector": "王检", "note": ""}


@pytest.mark.parametrize(
    ("parser", "obj", "path", "words"),
    [
        (
            V.parse_tombstone,
            {"entity": "inspection", "entity_id": "x"},
            "tombstone.entity",
            "must be one of",
        ),
        (V.parse_tombstone, {"entity": "premises"}, "tombstone", "missing the field 'entity_id'"),
        (V.parse_audit, {**GOOD_AUDIT, "seq": 0}, "audit.seq", "positive whole number"),
        (V.parse_audit, {**GOOD_AUDIT, "seq": True}, "audit.seq", "positive whole number"),
        (V.parse_audit, {**GOOD_AUDIT, "hash": "x"}, "audit.hash", "64 hexadecimal"),
        (V.parse_audit, {**GOOD_AUDIT, "actor": None}, "audit.actor", "must be text"),
        (V.parse_audit, {**GOOD_AUDIT, "at": "2024-02-30T10:00:00+00:00"}, "audit.at", "real"),
        (V.parse_review, {**GOOD_REVIEW, "at": "9999-01-01T00:00:00Z"}, "review.at", "9999"),
        (
            V.parse_assignment,
            {**GOOD_ASSIGNMENT, "inspector": " 王检"},
            "assignment.inspector",
            "normal form",
        ),
        (V.parse_assignment, {**GOOD_ASSIGNMENT, "note": "x "}, "assignment.note", "normal form"),
        (
            V.parse_review,
            {**GOOD_REVIEW, "decision": "maybe"},
            "review.decision",
            "approved or returned",
        ),
        (V.parse_review, {**GOOD_REVIEW, "extra": 1}, "review", "unknown field 'extra'"),
        (V.parse_ack, {**GOOD_ACK, "bundle_id": "b"}, "ack.bundle_id", "must be a UUID"),
        (V.parse_ack, {**GOOD_ACK, "audit_seq": -1}, "ack.audit_seq", "whole number"),
        (V.parse_ack, {**GOOD_ACK, "audit_hash": 5}, "ack.audit_hash", "64 hexadecimal"),
        (V.parse_ack, {**GOOD_ACK, "inspections": "x"}, "ack.inspections", "list of ids"),
        (
            V.parse_ack,
            {**GOOD_ACK, "inspections": ["ok", ""]},
            "ack.inspections[1]",
            "must be an id",
        ),
    ],
)
def test_a_bad_small_record_is_named(parser, obj, path, words):
    with pytest.raises(InputError) as exc:
        parser(obj)
    assert exc.value.path == path and words in exc.value.message, exc.value


def test_good_small_records_pass():
    assert V.parse_audit(GOOD_AUDIT) is GOOD_AUDIT
    assert V.parse_ack(GOOD_ACK) is GOOD_ACK
    assert V.parse_review(GOOD_REVIEW) is GOOD_REVIEW
    assert V.parse_assignment(GOOD_ASSIGNMENT) is GOOD_ASSIGNMENT


def test_sniffing_images():
    assert V._sniff(PNG) == "image/png"
    assert V._sniff(b"\xff\xd8\xff\xe0....") == "image/jpeg"
    assert V._sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert V._sniff(b"GIF89a") is None


# -- the whole bundle: lines, coverage, references, audit --------------------------------------
def test_lines_must_be_short_objects(sides):
    items = sides["items"]
    exc = _reject(sides, _opened(items), max_line=100)
    assert exc.entry == "records/premises.jsonl line 1" and "longer than 100 bytes" in exc.reason
    exc = _reject(sides, _opened(items, {"premises": b"[1, 2]\n"}))
    assert exc.entry == "records/premises.jsonl line 1" and exc.reason == "must be a JSON object"
    exc = _reject(sides, _opened(items, {"premises": b'{"data": {}}\n'}))
    assert exc.reason == "premises: is missing the field 'versions'"


def test_validation_can_be_cancelled(sides):
    calls = []

    def stop_at_once(stage, done, total):
        calls.append(done)
        return False

    assert _reject(sides, _opened(sides["items"]), progress=stop_at_once).reason == "cancelled"

    def stop_later(stage, done, total):
        return done < 500

    items = sides["items"]
    audit = _lines(items, "audit")
    many = [dict(audit[0], seq=i) for i in range(1, 600)]
    assert (
        _reject(sides, _opened(items, {"audit": many}), progress=stop_later).reason == "cancelled"
    )


def test_the_manifest_must_list_exactly_the_records(sides):
    items = sides["items"]
    premises = _lines(items, "premises")
    exc = _reject(
        sides,
        _opened(
            items,
            {"premises": premises + premises[:1]},
            edit=lambda m: m["records"]["premises"].append(m["records"]["premises"][0]),
        ),
    )
    assert "appears twice" in exc.reason and exc.entry.startswith("records/premises.jsonl line")
    exc = _reject(sides, _opened(items, {"premises": premises[1:]}))
    assert exc.entry == "records/premises.jsonl" and "the manifest lists" in exc.reason


def _edit_inspection(items, change, rehash=True):
    objs = _lines(items, "inspections")
    n = next(i for i, o in enumerate(objs) if o["attachments"])
    objs[n] = change(copy.deepcopy(objs[n]))
    if rehash:
        objs[n] = _rehash(objs[n])

    def fix(m):
        m["records"]["inspections"] = [[o["id"], o["content_hash"]] for o in objs]

    return {"inspections": objs}, fix, n + 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_set("premises_id", "nowhere"), "the premises nowhere do not resolve"),
        (
            _set("standards", ["no-such-standard"]),
            "the reference standard no-such-standard does not resolve",
        ),
        (_set("parent_id", "no-parent"), "the earlier revision no-parent"),
    ],
)
def test_references_must_resolve(sides, change, words):
    def both(o):
        o = change(o)
        if o["parent_id"]:
            o["revision"] = 2
        return o

    records, fix, _line = _edit_inspection(sides["items"], both)
    exc = _reject(sides, _opened(sides["items"], records, edit=fix))
    assert words in exc.reason and exc.entry.startswith("records/inspections.jsonl line")


def test_the_instrument_must_belong_to_the_premises(sides):
    items = sides["items"]
    other = next(
        p["data"]["id"]
        for p in _lines(items, "premises")
        if p["data"]["id"] != _good_inspection(sides)["premises_id"]
    )
    records, fix, _line = _edit_inspection(items, _set("premises_id", other))
    assert "belongs to other premises" in _reject(sides, _opened(items, records, edit=fix)).reason


def test_the_parent_must_be_the_previous_revision(sides):
    items = sides["items"]
    objs = _lines(items, "inspections")
    first = objs[0]

    def child(o):
        return dict(o, parent_id=first["id"], revision=3)

    records, fix, _line = _edit_inspection(items, child)
    assert "not the previous revision" in _reject(sides, _opened(items, records, edit=fix)).reason


def test_instruments_and_assignments_need_their_premises(sides):
    items = sides["items"]
    inst = _lines(items, "instruments")
    inst[0]["data"]["premises_id"] = "gone"
    inst[0]["versions"] = [record_hash(inst[0]["data"])]

    def fix(m):
        m["records"]["instruments"] = [[o["data"]["id"], o["versions"][0]] for o in inst]

    exc = _reject(sides, _opened(items, {"instruments": inst}, edit=fix))
    assert exc.entry == "records/instruments.jsonl line 1" and "the premises gone" in exc.reason

    assignment = {"id": "as-1", "premises_id": "gone", "inspector": "王检", "note": ""}

    def office(m):
        m["direction"] = "office->field"
        m["records"] = {"assignments": [["as-1", record_hash(assignment)]]}
        m["entries"] = {}

    exc = _reject(
        sides,
        _opened(
            [("manifest.json", dict(items)["manifest.json"])],
            {"assignments": [assignment], "audit": _lines(items, "audit")},
            edit=office,
            attachments={},
        ),
    )
    assert exc.entry == "records/assignments.jsonl line 1" and "do not resolve" in exc.reason


def test_attachments_are_checked(sides, monkeypatch):
    items = sides["items"]
    atts = {n.split("/", 1)[1]: d for n, d in items if n.startswith("attachments/")}
    stray = hashlib.sha256(b"stray").hexdigest()
    exc = _reject(sides, _opened(items, attachments={**atts, stray: PNG}))
    assert exc.entry == f"attachments/{stray}" and "not referenced" in exc.reason
    exc = _reject(sides, _opened(items, attachments={}))
    assert "is neither in the bundle nor in this database" in exc.reason
    monkeypatch.setattr(V.images, "MAX_ATTACHMENT_BYTES", 10)  # where the check reads it
    assert "larger than an attachment may be" in _reject(sides, _opened(items)).reason


def _audit_case(sides, change=None, edit=None):
    items = sides["items"]
    audit = _lines(items, "audit")
    if change is not None:
        audit = change(audit)
    return _reject(sides, _opened(items, {"audit": audit}, edit=edit))


def _relink(entries):
    prev = entries[0]["prev_hash"]
    for e in entries:
        e["prev_hash"] = prev
        e["hash"] = entry_hash(
            prev,
            e["device_id"],
            e["at"],
            e["actor"],
            e["action"],
            e["entity"],
            e["entity_id"],
            e["detail"],
        )
        prev = e["hash"]
    return entries


def test_the_audit_segment_must_hold_together(sides):
    exc = _audit_case(
        sides, lambda a: [dict(e, device_id="other") if i == 1 else e for i, e in enumerate(a)]
    )
    assert exc.entry == "records/audit.jsonl line 2" and "another device" in exc.reason
    exc = _audit_case(sides, lambda a: a[:1] + a[2:])
    assert exc.entry == "records/audit.jsonl line 2" and "does not link" in exc.reason
    exc = _audit_case(sides, lambda a: _relink([dict(a[0], prev_hash="f" * 64)] + a[1:]))
    assert "does not start the chain" in exc.reason
    exc = _audit_case(sides, lambda a: a[:-1])
    assert "do not end at the head" in exc.reason
    exc = _audit_case(sides, lambda a: [])
    assert exc.entry == "records/audit.jsonl" and "are missing" in exc.reason


def test_an_empty_segment_is_fine_when_the_head_is_known_or_empty(sides):
    items = sides["items"]

    def head_zero(m):
        m["audit_head"] = {"seq": 0, "hash": GENESIS}

    opened = _opened(items, {"audit": b""}, edit=head_zero)
    assert V.validate_bundle(opened, sides["office"].store.sync).audit == []


def test_a_gap_and_a_fork_against_what_was_accepted(sides):
    office = sides["office"]
    items = sides["items"]
    report = import_bundle(office.store, sides["dir"] / "field.zip", backup=False)
    assert report.status in ("imported", "already_imported"), report.message()
    audit = _lines(items, "audit")
    head = audit[-1]
    # the same head again with no entries: fine (nothing new from that device)
    assert V.validate_bundle(_opened(items, {"audit": b""}), office.store.sync).audit == []
    # a later segment that starts after a gap
    later = _relink([dict(head, seq=head["seq"] + 5, prev_hash="e" * 64)])

    def moved(m):
        m["audit_head"] = {"seq": later[-1]["seq"], "hash": later[-1]["hash"]}

    exc = _reject(sides, _opened(items, {"audit": later}, edit=moved))
    assert "has a gap" in exc.reason
    # a segment that rewrites accepted history: its first entry links to another predecessor
    fork = _relink([dict(head, prev_hash="d" * 64, actor="someone else")])

    def fork_head(m):
        m["audit_head"] = {"seq": fork[-1]["seq"], "hash": fork[-1]["hash"]}

    exc = _reject(sides, _opened(items, {"audit": fork}, edit=fork_head))
    assert "forks from what was accepted before" in exc.reason
    # an instrument this database holds already can be referred to without being sent again
    content = V.validate_bundle(
        _opened(
            items,
            {"instruments": b"", "premises": b""},
            edit=lambda m: (m["records"].pop("instruments"), m["records"].pop("premises")),
        ),
        office.store.sync,
    )
    assert len(content.inspections) == 7 and not content.instruments
