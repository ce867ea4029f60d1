"""Stages 1 to 3 piece by piece (``sync/reader.py``): names, limits, reading entries, the
signature against enrolled keys, ``peek`` for ``bundle inspect``, and cancelling."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sync_world import PNG, read_entries, resign, write_zip

from inspector_app.crypto import keys
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync import reader as R
from inspector_app.sync.format import BundleRejected, Limits


@pytest.fixture
def bundle(loaded, tmp_path):
    lap = loaded["laptop"]
    path = tmp_path / "good.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    return {"path": path, "items": read_entries(path), "world": loaded, "dir": tmp_path, "lap": lap}


def _rejected(fn, *args, **kw) -> BundleRejected:
    with pytest.raises(BundleRejected) as exc:
        fn(*args, **kw)
    return exc.value


def _trusted(world):
    return world["office"].store.trust.list()


# -- stage 1 ----------------------------------------------------------------------------------
def _old_name_problem(name: str) -> str | None:
    """The character-by-character check the compiled pattern replaced (control and format
    characters first: they are named by code point)."""
    import unicodedata

    for c in name:
        if ord(c) < 32 or unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            return f"contains the invisible or control character U+{ord(c):04X}"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if "\\" in name:
        return "contains a backslash"
    if ".." in name.split("/"):
        return "contains a '..' segment"
    return None


@given(
    st.text(
        alphabet=st.sampled_from(list("ab./\\:é\x00\x1f\x7f\x85\n \u202e\u200b\u2028\ufeff中")),
        max_size=12,
    )
)
def test_name_check_agrees_with_the_character_by_character_one(name):
    assert R._name_problem(name) == _old_name_problem(name)


@pytest.mark.parametrize(
    "name", ["records/premises.jsonl", "attachments/" + "a" * 64, "a..b", "x/..y"]
)
def test_ordinary_names_pass(name):
    assert R._name_problem(name) is None


def test_a_control_character_in_a_name(bundle):
    path = write_zip(bundle["dir"] / "bad.zip", bundle["items"] + [("records/x\x01.jsonl", b"")])
    exc = _rejected(R.check_archive, path)
    assert exc.stage == 1 and "control character" in exc.reason


def test_a_missing_file(tmp_path):
    exc = _rejected(R.read_bundle, tmp_path / "nowhere.zip", [])
    assert exc.stage == 1 and "cannot be read" in exc.reason


def test_a_special_file_entry(bundle):
    info = zipfile.ZipInfo("attachments/" + "b" * 64, (2026, 1, 1, 0, 0, 0))
    info.external_attr = 0o010644 << 16  # a FIFO
    info.create_system = 3
    path = write_zip(bundle["dir"] / "fifo.zip", bundle["items"] + [(info, b"")])
    exc = _rejected(R.check_archive, path)
    assert exc.stage == 1 and "not a regular file" in exc.reason


def test_the_total_size_limit(bundle):
    exc = _rejected(R.check_archive, bundle["path"], Limits(max_total_bytes=1000))
    assert exc.stage == 1 and exc.entry == "" and "add up to more than 1000 bytes" in exc.reason


def test_the_default_total_is_two_gib():
    assert Limits().max_total_bytes == 2 * 1024**3


# -- reading entries ------------------------------------------------------------------------------
def test_an_entry_yielding_more_than_its_cap_is_refused(bundle):
    with zipfile.ZipFile(bundle["path"]) as zf:
        info = zf.getinfo("records/premises.jsonl")
        exc = _rejected(R.read_entry, zf, info, 10, 3)
        assert exc.stage == 3 and "holds more than the 10 bytes announced" in exc.reason
        assert (
            R.read_entry(zf, info, info.file_size, 3)
            == dict(bundle["items"])["records/premises.jsonl"]
        )


def test_a_manifest_above_its_limit(bundle):
    exc = _rejected(
        R.read_bundle, bundle["path"], _trusted(bundle["world"]), Limits(max_manifest_bytes=10)
    )
    assert (exc.stage, exc.entry) == (2, "manifest.json") and "is too large" in exc.reason


def test_reading_can_be_cancelled(bundle):
    exc = _rejected(
        R.read_bundle, bundle["path"], _trusted(bundle["world"]), progress=lambda *a: False
    )
    assert (exc.stage, exc.reason) == (3, "cancelled")


def test_signer_pem_is_optional(bundle):
    items = resign(bundle["items"], bundle["lap"].identity, ship_cert=False)
    path = write_zip(bundle["dir"] / "nocert.zip", items)
    opened = R.read_bundle(path, _trusted(bundle["world"]))
    assert opened.signer.trusted and opened.signer.name == "Inspector One"
    assert import_bundle(bundle["world"]["office"].store, path).status == "imported"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_small_entry_is_read_straight_as_zipfile_reads_it(bundle, compression):
    path = write_zip(bundle["dir"] / "again.zip", bundle["items"], compression)
    with zipfile.ZipFile(path) as zf:
        small = [i for i in zf.infolist() if i.file_size <= R.DIRECT_UP_TO]
        assert small
        for info in small:
            data = zf.read(info)
            assert R.read_small(zf, info, info.file_size, 3, _sha(data)) == data


def _small_damaged(bundle, change, compression=zipfile.ZIP_STORED) -> BundleRejected:
    """read_small of records/premises.jsonl after *change*(file bytes, its ZipInfo)."""
    path = write_zip(bundle["dir"] / "damaged.zip", bundle["items"], compression)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("records/premises.jsonl")
    data = bytearray(path.read_bytes())
    change(data, info)
    path.write_bytes(bytes(data))
    expected = _sha(dict(bundle["items"])["records/premises.jsonl"])
    with zipfile.ZipFile(path) as zf:
        return _rejected(R.read_small, zf, zf.getinfo(info.filename), info.file_size, 3, expected)


def _data_at(info: zipfile.ZipInfo) -> int:
    return info.header_offset + R.LOCAL_HEADER_SIZE + len(info.filename)


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_small_entry_with_a_changed_byte_is_damaged(bundle, compression):
    def flip(data, info):
        data[_data_at(info) + 5] ^= 0x01

    exc = _small_damaged(bundle, flip, compression)
    assert exc.stage == 3 and exc.entry == "records/premises.jsonl"
    assert "is damaged or truncated" in exc.reason


def test_a_small_entry_whose_local_header_disagrees_is_damaged(bundle):
    def crc(data, info):
        data[info.header_offset + 14] ^= 0x01

    exc = _small_damaged(bundle, crc)
    assert exc.stage == 3 and "the entry's header and the central directory disagree" in exc.reason


def test_a_small_entry_under_another_local_name_is_damaged(bundle):
    def rename(data, info):
        data[info.header_offset + R.LOCAL_HEADER_SIZE + 8] = ord("X")

    exc = _small_damaged(bundle, rename)
    assert exc.stage == 3 and "file name in the directory and in the entry's header" in exc.reason


def test_a_small_entry_with_a_bad_local_signature_is_damaged(bundle):
    def sign(data, info):
        data[info.header_offset + 2] = 0

    exc = _small_damaged(bundle, sign)
    assert exc.stage == 3 and "bad magic number" in exc.reason


def test_a_small_entry_against_another_hash_or_cap(bundle):
    with zipfile.ZipFile(bundle["path"]) as zf:
        info = zf.getinfo("records/premises.jsonl")
        data = zf.read(info)
        exc = _rejected(R.read_small, zf, info, info.file_size, 3, _sha(b"other"))
        assert exc.stage == 3 and "SHA-256 does not match the manifest" in exc.reason
        exc = _rejected(R.read_small, zf, info, 10, 3, _sha(data))
        assert exc.stage == 3 and "holds more than the 10 bytes announced" in exc.reason


def test_a_small_entry_with_a_data_descriptor_takes_zipfiles_path(bundle):
    """An archive written to a stream puts each entry's sizes after its data (flag 0x08)."""

    class Stream(io.RawIOBase):
        def __init__(self):
            self.out = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.out += b
            return len(b)

    stream = Stream()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in bundle["items"]:
            zf.writestr(name, data)
    path = bundle["dir"] / "streamed.zip"
    path.write_bytes(bytes(stream.out))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("records/premises.jsonl")
        assert info.flag_bits & 0x08
        data = zf.read(info)
        assert R.read_small(zf, info, info.file_size, 3, _sha(data)) == data
    got = R.read_bundle(path, _trusted(bundle["world"]))
    assert got.records["premises"] == data


# -- stage 2: the signature -------------------------------------------------------------------------
@dataclass
class Key:
    fingerprint: str
    name: str
    public_pem: str


def test_unusable_and_mismatched_trust_entries_are_skipped(bundle):
    entries = dict(bundle["items"])
    manifest, sig, pem = entries["manifest.json"], entries["signature.der"], entries["signer.pem"]
    lap = bundle["lap"].identity
    real = Key(lap.fingerprint, lap.name, lap.certificate_pem().decode())
    garbage = Key(
        "f" * 64, "broken", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
    )
    wrong_fp = Key("0" * 64, "mislabelled", real.public_pem)
    assert R.verify_signature(manifest, sig, pem, [garbage, wrong_fp, real]).name == lap.name
    exc = _rejected(R.verify_signature, manifest, sig, pem, [garbage, wrong_fp])
    assert (
        exc.stage == 2 and "is not enrolled" in exc.reason
    )  # the shipped certificate only names the signer
    exc = _rejected(R.verify_signature, manifest, sig, b"not a certificate", [garbage])
    assert "does not match the manifest with any enrolled key" in exc.reason
    exc = _rejected(R.verify_signature, manifest, sig, None, [])
    assert "does not match the manifest with any enrolled key" in exc.reason


# -- peek (bundle inspect) ------------------------------------------------------------------------
def test_peek_reports_trust_without_importing(bundle, tmp_path):
    world = bundle["world"]
    info = R.peek(bundle["path"], _trusted(world))
    assert info["trust"] == "trusted" and info["trust_reason"] == ""
    assert info["counts"]["inspections"] == 13 and info["attachments"] == 1
    assert re.fullmatch(r"[0-9a-f]{64}", info["manifest_sha256"])
    stranger = R.peek(bundle["path"], [])
    assert stranger["trust"] == "untrusted" and "not enrolled" in stranger["trust_reason"]
    assert stranger["signer"]["name"] == "Inspector One"


def test_peek_names_a_broken_manifest(bundle):
    attacker = keys.init_identity(bundle["dir"] / "k", "Mallory", b"passphrase!")
    items = resign(bundle["items"], attacker, raw_manifest=b'{"format": "something else"}')
    path = write_zip(bundle["dir"] / "broken.zip", items)
    exc = _rejected(R.peek, path, [])
    assert (exc.stage, exc.entry) == (
        3,
        "manifest.json",
    ) and "not an Inspector bundle" in exc.reason


def test_an_attachment_entry_is_kept_by_its_hash(bundle):
    opened = R.read_bundle(bundle["path"], _trusted(bundle["world"]))
    assert list(opened.attachments.values()) == [PNG]
    assert opened.manifest_sha256 == R.peek(bundle["path"], [])["manifest_sha256"]
