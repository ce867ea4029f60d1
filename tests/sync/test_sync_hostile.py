"""Hostile and damaged bundles: each is refused at the right stage with a message naming the
entry and the reason, and the office database does not change by a single byte."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sync_world import (
    PNG,
    lines,
    read_entries,
    rehash_inspection,
    replace_entry,
    resign,
    set_lines,
    write_zip,
)

from inspector_app.crypto import keys
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync.format import Limits

ATTACKER_PASS = b"attacker passphrase"


@pytest.fixture
def ctx(loaded, tmp_path):
    lap = loaded["laptop"]
    path = tmp_path / "good.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    other = tmp_path / "other.zip"
    export_bundle(lap.store, lap.identity, other, all=True)
    attacker = keys.init_identity(tmp_path / "attacker", "Mallory", ATTACKER_PASS)
    return {
        "items": read_entries(path),
        "good": path,
        "other": other,
        "lap": lap.identity,
        "attacker": attacker,
        "dir": tmp_path,
        "world": loaded,
    }


def _out(c, name="bad.zip") -> Path:
    return c["dir"] / name


def _info(name, data_mode=0o100644, flags=0, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    info.external_attr = data_mode << 16
    info.create_system = 3
    info.flag_bits |= flags
    info.compress_type = compress
    return info


def _att(c) -> str:
    return next(n for n, _ in c["items"] if n.startswith("attachments/"))


def _edit_first(c, table, change, rehash=False):
    objs = lines(c["items"], f"records/{table}.jsonl")
    objs[0] = change(objs[0])
    if rehash:
        objs[0] = rehash_inspection(objs[0])
    return resign(set_lines(c["items"], f"records/{table}.jsonl", objs), c["lap"])


def _raw_line(c, table, raw: bytes, keep_rest=True):
    body = dict(c["items"])[f"records/{table}.jsonl"]
    rest = body.split(b"\n", 1)[1] if keep_rest else b""
    return resign(replace_entry(c["items"], f"records/{table}.jsonl", raw + b"\n" + rest), c["lap"])


def _inspection_raw(c, old: bytes, new: bytes):
    body = dict(c["items"])["records/inspections.jsonl"]
    first, rest = body.split(b"\n", 1)
    assert old in first
    return resign(
        replace_entry(
            c["items"], "records/inspections.jsonl", first.replace(old, new, 1) + b"\n" + rest
        ),
        c["lap"],
    )


# -- the cases: name -> (build(c) -> (path, limits), stage, words in the reason) ------------
def case_dotdot(c):
    return write_zip(_out(c), c["items"] + [("records/../../evil.jsonl", b"x")]), None


def case_absolute(c):
    return write_zip(_out(c), c["items"] + [("/etc/cron.d/evil", b"x")]), None


def case_backslash(c):
    return write_zip(_out(c), c["items"] + [("records\\premises.jsonl", b"x")]), None


def case_symlink(c):
    return write_zip(
        _out(c), c["items"] + [(_info("attachments/" + "a" * 64, 0o120777), b"/etc/passwd")]
    ), None


def case_duplicate(c):
    return write_zip(_out(c), c["items"] + [("records/premises.jsonl", b"{}\n")]), None


def case_casefold(c):
    return write_zip(_out(c), c["items"] + [("MANIFEST.JSON", b"{}")]), None


def case_zip_bomb(c):
    return write_zip(
        _out(c), c["items"] + [("records/acks.jsonl", b"\0" * (20 * 1024 * 1024))]
    ), None


def case_too_many_entries(c):
    return c["good"], Limits(max_entries=3)


def case_entry_too_large(c):
    return c["good"], Limits(max_entry_bytes=1000)


def case_file_too_large(c):
    return c["good"], Limits(max_bundle_bytes=1000)


def case_encrypted_flag(c):
    # zipfile cannot write encrypted entries; set the "encrypted" flag bit in both headers.
    out = write_zip(_out(c), c["items"])
    data = bytearray(out.read_bytes())
    local = data.index(b"PK\x03\x04")
    data[local + 6] |= 0x01
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x01
    out.write_bytes(bytes(data))
    return out, None


def case_unsupported_compression(c):
    items = [
        (_info(n, compress=zipfile.ZIP_BZIP2) if n == "records/premises.jsonl" else n, d)
        for n, d in c["items"]
    ]
    return write_zip(_out(c), items), None


def case_name_not_allowed(c):
    return write_zip(_out(c), c["items"] + [("readme.exe", b"MZ")]), None


def case_directory_entry(c):
    return write_zip(_out(c), c["items"] + [(_info("records/", 0o040755), b"")]), None


def case_truncated(c):
    data = c["good"].read_bytes()
    out = _out(c)
    out.write_bytes(data[: len(data) // 2])
    return out, None


def case_not_a_zip(c):
    out = _out(c)
    out.write_bytes(b"%PDF-1.7 this is not a bundle" * 50)
    return out, None


def case_untrusted_key(c):
    return write_zip(
        _out(c),
        resign(
            c["items"],
            c["attacker"],
            edit=lambda m: m["signer"].update(
                fingerprint=c["attacker"].fingerprint, name="Mallory"
            ),
        ),
    ), None


def case_key_shipped_inside(c):
    # A changed record, a manifest re-signed by the attacker, and the attacker's certificate
    # shipped as signer.pem claiming to be the enrolled inspector.
    items = _edit_first(c, "premises", lambda o: {**o, "data": {**o["data"], "name": "假名字"}})
    items = resign(items, c["attacker"], fix_hashes=False)
    return write_zip(_out(c), items), None


def case_swapped_signature(c):
    other_sig = dict(read_entries(c["other"]))["signature.der"]
    return write_zip(_out(c), replace_entry(c["items"], "signature.der", other_sig)), None


def case_missing_signature(c):
    return write_zip(_out(c), [(n, d) for n, d in c["items"] if n != "signature.der"]), None


def case_manifest_edited_unsigned(c):
    m = dict(c["items"])["manifest.json"].replace(b'"field->office"', b'"office->field"')
    return write_zip(_out(c), replace_entry(c["items"], "manifest.json", m)), None


def case_missing_manifest(c):
    return write_zip(_out(c), [(n, d) for n, d in c["items"] if n != "manifest.json"]), None


def case_unknown_version(c):
    return write_zip(
        _out(c), resign(c["items"], c["lap"], edit=lambda m: m.update(version=99))
    ), None


def case_manifest_not_json(c):
    return write_zip(
        _out(c), resign(c["items"], c["lap"], raw_manifest=b"<manifest>oops</manifest>")
    ), None


def case_manifest_duplicate_keys(c):
    raw = dict(c["items"])["manifest.json"]
    raw = raw.replace(b'"version": 1', b'"version": 1, "version": 1', 1)
    return write_zip(_out(c), resign(c["items"], c["lap"], raw_manifest=raw)), None


def case_manifest_other_signer(c):
    return write_zip(
        _out(c),
        resign(
            c["items"],
            c["lap"],
            edit=lambda m: m["signer"].update(fingerprint=c["attacker"].fingerprint),
        ),
    ), None


def case_lying_size(c):
    def edit(m):
        m["entries"]["records/premises.jsonl"]["size"] -= 7

    return write_zip(_out(c), resign(c["items"], c["lap"], edit=edit)), None


def case_entry_not_in_manifest(c):
    items = c["items"] + [("records/reviews.jsonl", b"")]
    return write_zip(_out(c), resign(items, c["lap"], fix_hashes=False)), None


def case_missing_attachment(c):
    return write_zip(
        _out(c), [(n, d) for n, d in c["items"] if not n.startswith("attachments/")]
    ), None


def case_changed_record(c):
    body = dict(c["items"])["records/premises.jsonl"].replace("合肥".encode(), "芜湖".encode(), 1)
    return write_zip(_out(c), replace_entry(c["items"], "records/premises.jsonl", body)), None


def case_flipped_bit(c):
    out = write_zip(_out(c), c["items"], compression=zipfile.ZIP_STORED)
    data = bytearray(out.read_bytes())
    pos = data.index(b'"record_id"')
    data[pos + 3] ^= 0x01
    out.write_bytes(bytes(data))
    return out, None


def case_own_bundle(c):
    return c["good"], "laptop"


def case_nan(c):
    return write_zip(_out(c), _inspection_raw(c, b'"revision":1', b'"revision":NaN')), None


def case_huge_number(c):
    return write_zip(_out(c), _inspection_raw(c, b'"revision":1', b'"revision":1e400')), None


def case_huge_integer(c):
    return write_zip(
        _out(c), _inspection_raw(c, b'"revision":1', b'"revision":' + b"9" * 500)
    ), None


def case_nan_string_reading(c):
    def change(o):
        o = json.loads(json.dumps(o))
        o["tests"][0][next(k for k in o["tests"][0] if k != "kind")] = "NaN"
        return o

    return write_zip(_out(c), _edit_first(c, "inspections", change, rehash=True)), None


def case_invalid_utf8(c):
    return write_zip(_out(c), _raw_line(c, "premises", b'{"data":{"name":"\xff\xfe"}}')), None


def case_lone_surrogate(c):
    def change(o):
        return {**o, "data": {**o["data"], "name": "\ud800"}}

    objs = lines(c["items"], "records/premises.jsonl")
    objs[0] = change(objs[0])
    body = b"".join(json.dumps(o, sort_keys=True).encode() + b"\n" for o in objs)  # ascii escapes
    return write_zip(
        _out(c), resign(replace_entry(c["items"], "records/premises.jsonl", body), c["lap"])
    ), None


def case_duplicate_json_key(c):
    return write_zip(
        _out(c), _inspection_raw(c, b'"revision":1', b'"revision":1,"revision":2')
    ), None


def case_dangling_reference(c):
    return write_zip(
        _out(c),
        _edit_first(
            c, "inspections", lambda o: {**o, "instrument_id": "no-such-instrument"}, rehash=True
        ),
    ), None


def case_content_hash_mismatch(c):
    return write_zip(
        _out(c),
        _edit_first(
            c,
            "inspections",
            lambda o: {**o, "verdict": "pass" if o["verdict"] == "fail" else "fail"},
        ),
    ), None


def case_record_not_covered(c):
    return write_zip(
        _out(c), resign(c["items"], c["lap"], edit=lambda m: m["records"]["premises"].pop())
    ), None


def case_unterminated_line(c):
    body = dict(c["items"])["records/premises.jsonl"].rstrip(b"\n")
    return write_zip(
        _out(c), resign(replace_entry(c["items"], "records/premises.jsonl", body), c["lap"])
    ), None


def case_audit_altered(c):
    return write_zip(
        _out(c), _edit_first(c, "audit", lambda o: {**o, "actor": "someone else"})
    ), None


def case_unknown_field(c):
    return write_zip(_out(c), _edit_first(c, "inspections", lambda o: {**o, "admin": True})), None


def case_fraction_number(c):
    def change(o):
        o = json.loads(json.dumps(o))
        o["environment"]["temperature"] = 1.5
        return o

    items = _edit_first(c, "inspections", lambda o: o)
    body = dict(items)["records/inspections.jsonl"]
    first, rest = body.split(b"\n", 1)
    first = first.replace(b'"temperature":"', b'"temperature":1.5,"x":"', 1)
    return write_zip(
        _out(c),
        resign(replace_entry(items, "records/inspections.jsonl", first + b"\n" + rest), c["lap"]),
    ), None


def case_attachment_not_image(c):
    import hashlib

    bad = b"MZ\x90\x00 not an image"
    sha = hashlib.sha256(bad).hexdigest()
    old = _att(c).split("/")[1]
    objs = lines(c["items"], "records/inspections.jsonl")
    objs = [
        rehash_inspection({**o, "attachments": [{**a, "sha256": sha} for a in o["attachments"]]})
        if o["attachments"]
        else o
        for o in objs
    ]
    items = [
        (
            f"attachments/{sha}" if n == f"attachments/{old}" else n,
            bad if n == f"attachments/{old}" else d,
        )
        for n, d in set_lines(c["items"], "records/inspections.jsonl", objs)
    ]
    return write_zip(_out(c), resign(items, c["lap"])), None


def case_negative_capacity(c):
    objs = lines(c["items"], "records/instruments.jsonl")
    for o in objs:
        if o["data"]["family"] == "scale":
            o["data"]["metrology"]["max"] = "-15000"
            o["versions"] = []
            from inspector_app.sync.format import record_hash

            o["versions"] = [record_hash(o["data"])]
            break
    items = set_lines(c["items"], "records/instruments.jsonl", objs)
    return write_zip(
        _out(c),
        resign(
            items,
            c["lap"],
            edit=lambda m: m["records"].update(
                instruments=[[o["data"]["id"], o["versions"][0]] for o in objs]
            ),
        ),
    ), None


CASES = {
    "dotdot": (case_dotdot, 1, "'..'"),
    "absolute": (case_absolute, 1, "absolute path"),
    "backslash": (case_backslash, 1, "backslash"),
    "symlink": (case_symlink, 1, "symbolic link"),
    "duplicate_name": (case_duplicate, 1, "appears twice"),
    "casefold_name": (case_casefold, 1, "letter case"),
    "zip_bomb": (case_zip_bomb, 1, "compression ratio"),
    "too_many_entries": (case_too_many_entries, 1, "too many entries"),
    "entry_too_large": (case_entry_too_large, 1, "is too large"),
    "file_too_large": (case_file_too_large, 1, "the file is too large"),
    "encrypted_flag": (case_encrypted_flag, 1, "encrypted"),
    "unsupported_compression": (case_unsupported_compression, 1, "unsupported compression"),
    "name_not_allowed": (case_name_not_allowed, 1, "not a name a bundle may contain"),
    "directory_entry": (case_directory_entry, 1, "directory"),
    "truncated": (case_truncated, 1, "truncated"),
    "not_a_zip": (case_not_a_zip, 1, "not a zip archive"),
    "untrusted_key": (case_untrusted_key, 2, "not enrolled"),
    "key_shipped_inside": (case_key_shipped_inside, 2, "not enrolled"),
    "swapped_signature": (case_swapped_signature, 2, "does not match"),
    "missing_signature": (case_missing_signature, 2, "missing"),
    "manifest_edited_unsigned": (case_manifest_edited_unsigned, 2, "does not match"),
    "missing_manifest": (case_missing_manifest, 2, "missing"),
    "unknown_version": (case_unknown_version, 3, "version 99 is not supported"),
    "manifest_not_json": (case_manifest_not_json, 3, "not valid JSON"),
    "manifest_duplicate_keys": (case_manifest_duplicate_keys, 3, "duplicate key"),
    "manifest_other_signer": (case_manifest_other_signer, 3, "another signer"),
    "lying_size": (case_lying_size, 3, "the manifest"),
    "entry_not_in_manifest": (case_entry_not_in_manifest, 3, "not listed in the manifest"),
    "missing_attachment": (case_missing_attachment, 3, "missing from the archive"),
    "changed_record": (case_changed_record, 3, "SHA-256 does not match"),
    "flipped_bit": (case_flipped_bit, 3, "damaged"),
    "own_bundle": (case_own_bundle, 3, "made by this database"),
    "nan": (case_nan, 4, "NaN is not allowed"),
    "huge_number_1e400": (case_huge_number, 4, "out of range"),
    "huge_integer": (case_huge_integer, 4, "out of range"),
    "nan_string_reading": (case_nan_string_reading, 4, "finite number"),
    "invalid_utf8": (case_invalid_utf8, 4, "invalid UTF-8"),
    "lone_surrogate": (case_lone_surrogate, 4, "lone surrogate"),
    "duplicate_json_key": (case_duplicate_json_key, 4, "duplicate key"),
    "dangling_reference": (case_dangling_reference, 4, "instrument no-such-instrument"),
    "content_hash_mismatch": (case_content_hash_mismatch, 4, "does not match the record's content"),
    "record_not_covered": (case_record_not_covered, 4, "not listed in the manifest"),
    "unterminated_line": (case_unterminated_line, 4, "not terminated"),
    "audit_altered": (case_audit_altered, 4, "was altered"),
    "unknown_field": (case_unknown_field, 4, "unknown field"),
    "fraction_number": (case_fraction_number, 4, "decimal string"),
    "attachment_not_image": (case_attachment_not_image, 4, "image"),
    "negative_capacity": (case_negative_capacity, 4, "greater than zero"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_bundle_is_rejected_and_changes_nothing(ctx, name):
    build, stage, words = CASES[name]
    path, limits = build(ctx)
    target = ctx["world"]["office"]
    if limits == "laptop":  # the laptop trusts its own key, so the bundle gets past stage 2
        target, limits = ctx["world"]["laptop"], None
        target.trust(target)
    before_fp = target.store.fingerprint()
    before_bytes = target.db_bytes()
    kwargs = {"limits": limits} if limits else {}
    report = import_bundle(target.store, path, **kwargs)
    assert report.status == "rejected", report.message()
    assert report.rejection["stage"] == stage, report.message()
    assert words in report.rejection["reason"], report.message()
    assert report.message().startswith(f"bundle rejected at stage {stage} ")
    assert target.store.fingerprint() == before_fp
    assert target.db_bytes() == before_bytes
    assert not (target.path.parent / "backups").exists() or not any(
        (target.path.parent / "backups").iterdir()
    )


def test_the_good_bundle_is_accepted(ctx):
    office = ctx["world"]["office"]
    report = import_bundle(office.store, ctx["good"])
    assert report.status == "imported", report.message()
    assert report.new > 0 and report.conflicts == 0
    assert office.store.attachments.get(_att(ctx).split("/")[1]) == PNG


def test_rejection_names_the_entry(ctx):
    path, _ = case_changed_record(ctx)
    report = import_bundle(ctx["world"]["office"].store, path)
    assert report.rejection["entry"] == "records/premises.jsonl"
    assert "records/premises.jsonl: its SHA-256 does not match the manifest" in report.message()


def test_at_least_thirty_distinct_cases():
    assert len(CASES) >= 30
