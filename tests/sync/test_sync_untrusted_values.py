"""Bundles that pass the signature but carry what must not be stored: data before the archive,
names that hide or reorder text, images too large to decode, numbers beyond the decimal
context, impossible times, results that do not follow from the readings, signatures that do
not verify, many bad records at once. Each is refused (or, when only implausible, flagged)
with the entry and the field named, and a refusal changes nothing."""

from __future__ import annotations

import base64
import json
import random
import struct
import zipfile
import zlib

import pytest
from sync_world import (
    add_inspection_with_photo,
    identity_signer,
    lines,
    read_entries,
    rehash_inspection,
    replace_entry,
    resign,
    set_lines,
    write_zip,
)

from inspector_app.services.demo import tiny_png
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync import validate as V
from inspector_app.sync.format import record_hash


@pytest.fixture
def ctx(world, tmp_path):
    lap = world["laptop"]
    insp = add_inspection_with_photo(lap.store, sign=identity_signer(lap.identity))
    path = tmp_path / "good.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    return {
        "items": read_entries(path),
        "good": path,
        "lap": lap,
        "office": world["office"],
        "world": world,
        "dir": tmp_path,
        "inspection": insp,
    }


def _import_refused(c, path, stage=None):
    office = c["office"]
    before = office.db_bytes()
    report = import_bundle(office.store, path)
    assert report.status == "rejected", report.message()
    if stage is not None:
        assert report.rejection["stage"] == stage, report.message()
    assert office.db_bytes() == before
    return report


def _with_inspection(c, change, rehash=True):
    objs = lines(c["items"], "records/inspections.jsonl")
    objs[0] = change(json.loads(json.dumps(objs[0])))
    if rehash:
        objs[0] = rehash_inspection(objs[0])
    items = set_lines(c["items"], "records/inspections.jsonl", objs)
    return write_zip(c["dir"] / "bad.zip", resign(items, c["lap"].identity))


# -- the archive ----------------------------------------------------------------------------
def test_data_prepended_to_the_archive_is_refused(ctx):
    junk = random.Random(1).randbytes(256 * 1024)  # the hostile run used 20 MiB
    out = ctx["dir"] / "junk.zip"
    out.write_bytes(junk + ctx["good"].read_bytes())
    assert zipfile.is_zipfile(out)  # zipfile itself does not mind
    report = _import_refused(ctx, out, stage=1)
    assert "does not start with a zip entry" in report.rejection["reason"]


def test_data_prepended_with_shifted_offsets_is_refused(ctx):
    """A self-extractor layout: the junk comes first and every offset counts it."""
    out = ctx["dir"] / "sfx.zip"
    out.write_bytes(b"PK\x03\x04" + b"\0" * 5000)
    with zipfile.ZipFile(out, "a") as zf:
        for name, data in ctx["items"]:
            zf.writestr(name, data)
    report = _import_refused(ctx, out, stage=1)
    assert "first entry does not start at the beginning" in report.rejection["reason"]


def _renamed(ctx, old: str, new: str):
    """The archive with entry *old* renamed to *new* (same length in UTF-8) in both headers."""
    assert len(old.encode()) == len(new.encode())
    path = write_zip(ctx["dir"] / "src.zip", ctx["items"])
    data = path.read_bytes().replace(old.encode(), new.encode())
    out = ctx["dir"] / "renamed.zip"
    out.write_bytes(data)
    return out


def test_a_nul_byte_hiding_the_rest_of_a_name_is_refused(ctx):
    """zipfile cuts a name at NUL: 'signer.pem\\0evil.exe' would pass as 'signer.pem'."""
    items = [("signer.pemQevil.exe" if n == "signer.pem" else n, d) for n, d in ctx["items"]]
    path = write_zip(ctx["dir"] / "src.zip", items)
    out = ctx["dir"] / "nul.zip"
    out.write_bytes(path.read_bytes().replace(b"signer.pemQevil.exe", b"signer.pem\0evil.exe"))
    with zipfile.ZipFile(out) as zf:
        assert "signer.pem" in zf.namelist()  # what zipfile shows
    report = _import_refused(ctx, out, stage=1)
    assert "U+0000" in report.rejection["reason"]
    assert "\\x00" in report.rejection["entry"] and "\0" not in report.message()


@pytest.mark.parametrize(
    ("name", "code", "escaped"),
    [
        ("records/evil\u202etxt.jsonl", "U+202E", "\\u202e"),
        ("records/a\nb.jsonl", "U+000A", "\\n"),
        ("records/a\u200bb.jsonl", "U+200B", "\\u200b"),
        ("records/a\x85b.jsonl", "U+0085", "\\x85"),
    ],
)
def test_names_that_hide_or_reorder_text_are_refused_and_shown_escaped(ctx, name, code, escaped):
    out = write_zip(ctx["dir"] / "names.zip", ctx["items"] + [(name, b"x")])
    report = _import_refused(ctx, out, stage=1)
    assert code in report.rejection["reason"]
    raw = next(ch for ch in name if not ch.isprintable())
    assert raw not in report.message() and raw not in json.dumps(report.as_dict())
    assert escaped in report.rejection["entry"]


# -- attachments ----------------------------------------------------------------------------
def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 100_000))
        + chunk(b"IEND", b"")
    )


def _jpeg_header(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xda\0\x08\x01\x01\0\0?\0" + b"\0" * 64 + b"\xff\xd9"


def test_image_sizes_are_read_from_the_headers():
    assert V.image_size(_png_header(50_000, 50_000), "image/png") == (50_000, 50_000)
    assert V.image_size(tiny_png(random.Random(1), 8), "image/png") == (8, 8)
    assert V.image_size(_jpeg_header(640, 480), "image/jpeg") == (640, 480)
    vp8x = b"RIFF\0\0\0\0WEBPVP8X" + b"\x0a\0\0\0" + b"\0" * 4 + (639).to_bytes(3, "little")
    vp8x += (479).to_bytes(3, "little")
    assert V.image_size(vp8x, "image/webp") == (640, 480)
    assert V.image_size(b"\x89PNG\r\n\x1a\n", "image/png") is None
    assert V.image_problem(_png_header(20_000, 2_500), "image/png") is None
    assert "20,000 on a side" in V.image_problem(_png_header(20_001, 10), "image/png")
    assert "50 megapixels" in V.image_problem(_png_header(8_000, 8_000), "image/png")
    assert "cannot be read" in V.image_problem(b"\xff\xd8\xff\xd9", "image/jpeg")


@pytest.mark.parametrize(
    ("data", "mime"),
    [(_png_header(50_000, 50_000), "image/png"), (_jpeg_header(30_000, 30_000), "image/jpeg")],
)
def test_an_image_too_large_to_decode_is_refused_before_decoding(world, tmp_path, data, mime):
    lap, office = world["laptop"], world["office"]
    assert len(data) < 400_000  # small on disk, ten gigabytes once decoded
    add_inspection_with_photo(lap.store, data=data, mime=mime)
    path = export_bundle(lap.store, lap.identity, tmp_path / "big.zip", all=True).path
    before = office.db_bytes()
    report = import_bundle(office.store, path)
    assert report.status == "rejected" and report.rejection["stage"] == 4
    assert report.rejection["entry"].startswith("attachments/")
    assert "30000 × 30000" in report.message() or "50000 × 50000" in report.message()
    assert office.db_bytes() == before


# -- numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["1E+999999999", "-1e+99999999999"])
def test_an_exponent_beyond_the_decimal_context_is_a_field_error(ctx, value):
    def change(o):
        o["tests"][0]["points"][1]["indication"] = value
        return o

    report = _import_refused(ctx, _with_inspection(ctx, change), stage=4)
    assert report.rejection["entry"] == "records/inspections.jsonl line 1"
    assert report.rejection["reason"].startswith("inspection.tests[0].points[1].indication")
    assert "out of range" in report.rejection["reason"]


def test_full_width_digits_in_a_bundle_are_not_normal_form(ctx):
    def change(o):
        o["tests"][0]["points"][1]["indication"] = "１５００５"
        return o

    report = _import_refused(ctx, _with_inspection(ctx, change), stage=4)
    assert "tests[0].points[1].indication" in report.rejection["reason"]
    assert "full-width" in report.rejection["reason"]


# -- the rules, again -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            lambda o: o["tests"][0]["points"][1].update(indication="15005,0"),
            "inspection.tests[0].points[1].indication",
            "cannot be judged",
        ),
        (
            lambda o: o["tests"][0]["points"][1].update(indication=""),
            "inspection.tests[0].points[1].indication",
            "cannot be judged",
        ),
        (
            # the reading says 15,050 g on 15,000 g: 50 g off, far beyond the MPE
            lambda o: o["tests"][0]["points"][1].update(indication="15050"),
            "inspection.result.tests[0].items[1].error",
            "readings give",
        ),
        (lambda o: o.update(verdict="fail"), "inspection.verdict", "'fail'"),
        (
            lambda o: o["result"]["tests"][0]["items"][0].update(verdict="fail"),
            "inspection.result.tests[0].items[0].verdict",
            "'fail'",
        ),
        (
            lambda o: o["result"]["tests"][0]["items"][0].update(mpe="50"),
            "inspection.result.tests[0].items[0].mpe",
            "'50'",
        ),
    ],
)
def test_results_that_do_not_follow_from_the_readings_are_refused(ctx, change, field, words):
    def edit(o):
        change(o)
        o["signature"] = o["signer"] = None  # re-sealed by hand: no inspector signature
        return o

    report = _import_refused(ctx, _with_inspection(ctx, edit), stage=4)
    assert report.rejection["entry"] == "records/inspections.jsonl line 1"
    assert report.rejection["reason"].startswith(field), report.message()
    assert words in report.rejection["reason"], report.message()


def test_a_fail_with_a_cheating_finding_follows(ctx):
    """The verdict fails on a cheating finding although every reading passes."""
    lap = ctx["lap"]
    from inspector_app.domain.models import Finding, new_id

    x = ctx["inspection"]
    assert x.verdict == "pass"
    objs = lines(ctx["items"], "records/inspections.jsonl")
    objs[0]["findings"] = [
        {
            "id": new_id(),
            "code": "cheat_remote",
            "text": "遥控作弊装置",
            "legal_basis": "",
            "severity": "critical",
            "action": "",
            "cheating": True,
        }
    ]
    objs[0]["verdict"] = "fail"
    objs[0]["signature"] = objs[0]["signer"] = None
    objs[0] = rehash_inspection(objs[0])
    items = set_lines(ctx["items"], "records/inspections.jsonl", objs)
    path = write_zip(ctx["dir"] / "cheat.zip", resign(items, lap.identity))
    report = import_bundle(ctx["office"].store, path)
    assert report.status == "imported", report.message()
    assert Finding  # the finding travelled as a plain object


# -- signatures -----------------------------------------------------------------------------
def test_a_signed_inspection_is_accepted(ctx):
    x = ctx["inspection"]
    assert x.signature and x.signer == ctx["lap"].identity.fingerprint
    report = import_bundle(ctx["office"].store, ctx["good"])
    assert report.status == "imported", report.message()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            lambda o, c: o.update(
                signature=base64.b64encode(c["lap"].identity.sign(b"something else")).decode()
            ),
            "inspection.signature",
            "does not verify",
        ),
        (lambda o, c: o.update(signature="not base64!"), "inspection.signature", "base64"),
        (lambda o, c: o.update(signer="ab" * 32), "inspection.signer", "not enrolled"),
        (lambda o, c: o.update(signer=None), "inspection.signature", "needs"),
    ],
)
def test_a_signature_that_does_not_verify_is_refused(ctx, change, field, words):
    def edit(o):
        change(o, ctx)
        return o

    # signature and signer are outside the content hash: no rehash needed
    report = _import_refused(ctx, _with_inspection(ctx, edit, rehash=False), stage=4)
    assert report.rejection["reason"].startswith(field), report.message()
    assert words in report.rejection["reason"], report.message()


def test_a_record_changed_after_signing_is_refused_even_with_a_new_hash(ctx):
    def edit(o):
        o["notes"] = "changed after it was signed"
        return o

    report = _import_refused(ctx, _with_inspection(ctx, edit), stage=4)
    assert report.rejection["reason"].startswith("inspection.signature: does not verify")


# -- times ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2024-02-30T10:00:00+00:00", "not a real date"),
        ("9999-12-31T23:59:59+00:00", "year 9999"),
        ("2025-13-01T10:00:00+08:00", "not a real date"),
        ("2025-06-01T25:00:00+08:00", "not a real date"),
        ("2025-06-01T10:00:00+15:00", "offset"),
        ("yesterday", "ISO 8601"),
    ],
)
def test_impossible_times_are_refused(ctx, value, words):
    def edit(o):
        o["finalized_at"] = value
        return o

    report = _import_refused(ctx, _with_inspection(ctx, edit), stage=4)
    reasons = [p["reason"] for p in report.rejection["problems"]]
    assert any(r.startswith("inspection.finalized_at") and words in r for r in reasons), reasons


def test_an_impossible_start_time_is_refused(ctx):
    def edit(o):
        o["started_at"] = "2025-02-29T09:00"
        return o

    report = _import_refused(ctx, _with_inspection(ctx, edit), stage=4)
    assert report.rejection["reason"].startswith("inspection.started_at")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("finalized_at", "2046-05-01T10:00:00+08:00", "in the future"),
        ("started_at", "1998-05-01T10:00", "before 2000"),
        ("finalized_at", "2025-11-20T10:00", "without a UTC offset"),
    ],
)
def test_implausible_times_are_imported_with_a_warning_that_is_kept(ctx, field, value, words):
    def edit(o):
        o[field] = value
        o["signature"] = o["signer"] = None  # re-sealed by hand: no inspector signature
        return o

    office = ctx["office"]
    report = import_bundle(office.store, _with_inspection(ctx, edit))
    assert report.status == "imported", report.message()
    assert report.warning_count >= 1
    assert any(words in w["reason"] for w in report.warnings), report.warnings
    assert "warning" in report.message()
    led = office.store.sync.ledger(report.bundle_id)
    assert any(words in w["reason"] for w in led.summary["warnings"])
    stored = office.store.inspections.get(lines(ctx["items"], "records/inspections.jsonl")[0]["id"])
    assert getattr(stored, field) == value  # kept as written, offset included


# -- every bad record named -----------------------------------------------------------------
def test_every_invalid_record_is_named_with_its_field(ctx):
    objs = lines(ctx["items"], "records/premises.jsonl")
    objs[0]["data"]["kind"] = "castle"
    objs[0]["versions"] = [record_hash(objs[0]["data"])]
    bad_inspection = lines(ctx["items"], "records/inspections.jsonl")
    bad_inspection[0]["verdict"] = "maybe"
    items = set_lines(ctx["items"], "records/premises.jsonl", objs)
    items = set_lines(items, "records/inspections.jsonl", bad_inspection)
    body = dict(items)["records/premises.jsonl"] + b"{not json}\n"
    items = replace_entry(items, "records/premises.jsonl", body)
    path = write_zip(ctx["dir"] / "many.zip", resign(items, ctx["lap"].identity))
    report = _import_refused(ctx, path, stage=4)
    problems = report.rejection["problems"]
    assert report.rejection["problem_count"] == 3 == len(problems)
    assert problems[0]["entry"] == "records/premises.jsonl line 1"
    assert "kind" in problems[0]["reason"] and "premises" in problems[0]["reason"]
    assert problems[1]["entry"] == "records/premises.jsonl line 2"
    assert "not valid JSON" in problems[1]["reason"]
    assert problems[2] == {
        "entry": "records/inspections.jsonl line 1",
        "reason": "inspection.verdict: must be pass or fail",
    }
    assert "(and 2 more problems)" in report.message()


def test_the_list_of_problems_is_bounded(ctx):
    body = b"".join(
        json.dumps({"entity": "castle", "entity_id": f"x{i}"}).encode() + b"\n" for i in range(250)
    )
    items = [(n, d) for n, d in ctx["items"] if n != "records/tombstones.jsonl"]
    items.append(("records/tombstones.jsonl", body))
    path = write_zip(ctx["dir"] / "bounded.zip", resign(items, ctx["lap"].identity))
    report = _import_refused(ctx, path, stage=4)
    assert report.rejection["problem_count"] == 250
    assert len(report.rejection["problems"]) == 100
    assert report.rejection["problems"][99]["entry"] == "records/tombstones.jsonl line 100"
    assert all(p["reason"].startswith("tombstone.entity") for p in report.rejection["problems"])
    assert "(and 249 more problems)" in report.message()


# -- audit chains: rollbacks and chains that start mid-way ----------------------------------
def _copy_database(store, target):
    import sqlite3

    dst = sqlite3.connect(target)
    store.conn.backup(dst)
    dst.close()


def test_a_laptop_rolled_back_to_an_older_copy_is_refused(world, tmp_path):
    from inspector_app.services.demo import generate
    from inspector_app.store import open_database

    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=2, inspections=3, seed=3)
    first = export_bundle(lap.store, lap.identity, tmp_path / "b1.zip", all=True)
    assert import_bundle(office.store, first.path).status == "imported"
    _copy_database(lap.store, tmp_path / "old-copy.db")  # the copy an inspector restores
    add_inspection_with_photo(lap.store)
    second = export_bundle(lap.store, lap.identity, tmp_path / "b2.zip")
    assert import_bundle(office.store, second.path).status == "imported"
    with open_database(tmp_path / "old-copy.db") as old:
        assert old.device_id == lap.store.device_id
        stale = export_bundle(old, lap.identity, tmp_path / "b3.zip", all=True)
    before = office.db_bytes()
    report = import_bundle(office.store, stale.path)
    assert report.status == "rejected", report.message()
    assert report.rejection["stage"] == 4
    assert "rolled back" in report.rejection["reason"]
    assert office.db_bytes() == before


def test_an_older_bundle_imported_late_still_passes(world, tmp_path):
    from inspector_app.services.demo import generate

    lap, office = world["laptop"], world["office"]
    generate(lap.store, premises=2, inspections=3, seed=3)
    older = export_bundle(lap.store, lap.identity, tmp_path / "b1.zip", all=True)
    add_inspection_with_photo(lap.store)
    newer = export_bundle(lap.store, lap.identity, tmp_path / "b2.zip", all=True)
    assert import_bundle(office.store, newer.path).status == "imported"
    report = import_bundle(office.store, older.path)  # its export is in the accepted chain
    assert report.status == "imported", report.message()


def test_a_first_bundle_whose_audit_chain_starts_mid_way_is_refused(ctx):
    audit = dict(ctx["items"])["records/audit.jsonl"].splitlines(keepends=True)
    assert len(audit) > 3
    items = replace_entry(ctx["items"], "records/audit.jsonl", b"".join(audit[3:]))
    path = write_zip(ctx["dir"] / "midway.zip", resign(items, ctx["lap"].identity))
    report = _import_refused(ctx, path, stage=4)
    assert "never sent a bundle here" in report.rejection["reason"]
    assert "starts at entry 4" in report.rejection["reason"]
