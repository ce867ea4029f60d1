"""The open stage's shortcuts (``sync/reader.py``, ``sync/entries.py``) must change nothing
but the time taken: the archive's entries judged as whole columns (``_infos_fine``) refuse
exactly what the entry-by-entry checks refuse; the small entries read together
(``read_smalls``, a window of the file at a time) are the bytes read_small gives, and any
entry amiss among them is refused as before, the first in reading order first; names are
decoded as zipfile decodes them."""

from __future__ import annotations

import hashlib
import random
import struct
import zipfile
from pathlib import Path

import pytest
from sync_world import read_entries, resign, write_zip

from inspector_app.services.sync import export_bundle
from inspector_app.sync import entries as E
from inspector_app.sync import reader as R
from inspector_app.sync.format import BundleRejected, Limits


@pytest.fixture
def items(loaded, tmp_path):
    """A real bundle's entries with 40 more small attachments (half of them incompressible)."""
    lap = loaded["laptop"]
    path = tmp_path / "good.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    rng = random.Random(3)
    extra = []
    for k in range(40):
        data = rng.randbytes(300 + 50 * k) if k % 2 else bytes([k]) * (100 + 500 * k)
        extra.append((f"attachments/{hashlib.sha256(data).hexdigest()}", data))
    return resign(read_entries(path) + extra, lap.identity)


@pytest.fixture
def trusted(loaded):
    return loaded["office"].store.trust.list()


def _outcome(fn, *args):
    try:
        got = fn(*args)
    except BundleRejected as exc:
        return ("refused", exc.stage, exc.entry, exc.reason)
    if isinstance(got, R.OpenedBundle):
        got.close()
        return ("read", got.records, got.attachments, got.reports)
    return ("ok",)


def _both(monkeypatch, fn, *args):
    """*fn*'s outcome with the shortcuts, then without them (the checks one at a time)."""
    fast = _outcome(fn, *args)
    with monkeypatch.context() as m:
        m.setattr(R, "_infos_fine", lambda infos, limits: False)
        m.setattr(R, "read_smalls", lambda zf, wanted: {})
        m.setattr(R, "_open_zip", zipfile.ZipFile)
        slow = _outcome(fn, *args)
    return fast, slow


# -- the small entries read together --------------------------------------------------------
@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("window", [E.WINDOW, 4000])
def test_small_entries_read_together_are_the_bytes_read_alone(
    items, trusted, tmp_path, monkeypatch, compression, window
):
    monkeypatch.setattr(E, "WINDOW", window)  # (small: many windows)
    path = write_zip(tmp_path / "b.zip", items, compression)
    together: list[int] = []
    read_smalls = R.read_smalls

    def spy(zf, wanted):
        got = read_smalls(zf, wanted)
        together.append(len(got))
        assert len(got) == len(wanted)  # every one of them read together
        return got

    monkeypatch.setattr(R, "read_smalls", spy)
    fast, slow = _both(monkeypatch, R.read_bundle, path, trusted)
    assert fast[0] == "read" and fast == slow
    assert together[0] > 40


def _damage(path: Path, victims: list[str], change) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        for name in victims:
            change(data, zf.getinfo(name))
    path.write_bytes(bytes(data))


def _flip_data(data, info):
    data[info.header_offset + E.LOCAL_HEADER_SIZE + len(info.filename) + 3] ^= 0x20


def _local_crc(data, info):
    data[info.header_offset + 14] ^= 0x01


def _local_name(data, info):
    data[info.header_offset + E.LOCAL_HEADER_SIZE + 5] = ord("X")


def _signature(data, info):
    data[info.header_offset + 2] = 0


def _descriptor_flag(data, info):
    data[info.header_offset + 6] |= 0x08  # (zipfile's path then reads it, and accepts it)


@pytest.mark.parametrize(
    "change", [_flip_data, _local_crc, _local_name, _signature, _descriptor_flag]
)
@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_damaged_small_entry_is_refused_as_before(
    items, trusted, tmp_path, monkeypatch, change, compression
):
    monkeypatch.setattr(E, "WINDOW", 4000)
    path = write_zip(tmp_path / "b.zip", items, compression)
    names = sorted(n for n, _ in items if n.startswith("attachments/"))
    _damage(path, [names[-3], names[7]], change)  # the first refused is the first by name
    fast, slow = _both(monkeypatch, R.read_bundle, path, trusted)
    assert fast == slow
    if change is _descriptor_flag:
        assert fast[0] == "read" and fast[2][names[7].split("/")[1]] == dict(items)[names[7]]
    else:
        assert fast[:3] == ("refused", 3, names[7]), fast


def test_another_hash_and_a_long_local_extra_field(items, trusted, tmp_path, monkeypatch):
    """A local header's extra field longer than read_smalls reads past the name is read
    alone (and accepted); another attachment's bytes whose hash is not the signed one are
    refused as before."""
    name, data = next((n, d) for n, d in items if n.startswith("attachments/"))
    path = tmp_path / "extra.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for n, d in items:
            info = zipfile.ZipInfo(n, (2026, 1, 1, 0, 0, 0))
            if n == name:
                info.extra = struct.pack("<HH", 0xCAFE, 1000) + b"\0" * 1000
            zf.writestr(info, d)
    fast, slow = _both(monkeypatch, R.read_bundle, path, trusted)
    assert fast == slow and fast[0] == "read" and fast[2][name.split("/")[1]] == data

    other = [(n, (b"x" + d[1:]) if n == name else d) for n, d in items]
    bad = write_zip(tmp_path / "other.zip", other)  # (the manifest still names the old hash)
    fast, slow = _both(monkeypatch, R.read_bundle, bad, trusted)
    assert fast == slow
    assert fast[:3] == ("refused", 3, name) and "SHA-256" in fast[3]


# -- the archive's entries judged as columns ------------------------------------------------
def _zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return path


def _info(name: str, mode: int = 0o100644, flags: int = 0, compress=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
    info.external_attr = mode << 16
    info.create_system = 3
    info.flag_bits |= flags
    info.compress_type = compress
    return info


A = "attachments/" + "a" * 64
B = "attachments/" + "b" * 64
GOOD = [("manifest.json", b"{}"), ("records/audit.jsonl", b"x\n"), (A, b"a" * 10)]
HOSTILE = {
    "unknown name": [("notes.txt", b"x")],
    "uppercase hash": [("attachments/" + "A" * 64, b"x")],
    "control character": [("attachments/a\x01b", b"x")],
    "newline in a name": [(A + "\n" + B, b"x")],
    "absolute": [("/etc/passwd", b"x")],
    "backslash": [("records\\audit.jsonl", b"x")],
    "dot dot": [("reports/../x.pdf", b"x")],
    "non-ASCII": [("reports/é.pdf", b"x")],
    "directory": [("reports/", b"")],
    "twice": [(A, b"y")],
    "twice but for case": [("reports/A.pdf", b"x"), ("reports/a.pdf", b"y")],
    "symlink": [(_info(B, 0o120777), b"x")],
    "fifo": [(_info(B, 0o010644), b"x")],
    "bzip2": [(_info(B, compress=zipfile.ZIP_BZIP2), b"x")],
    "too large": [(B, b"z" * 5000)],
    "bomb": [(B, b"\0" * 3000)],
    "report too large": [("reports/r.pdf", b"%PDF" + bytes(range(256)) * 4)],
    "total": [(B, bytes(range(256)) * 3), ("reports/s.pdf", bytes(range(256)) * 3)],
}
SMALL = Limits(
    max_entry_bytes=4000, max_total_bytes=1500, max_ratio=20, ratio_floor=1000, max_report_bytes=900
)


def _central(path: Path, name: str, at: int, value: bytes) -> None:
    """*value* written at *at* in *name*'s central directory header (its name is at 46)."""
    data = bytearray(path.read_bytes())
    k = data.index(b"PK\x01\x02")
    while data[k + 46 : k + 46 + len(name)] != name.encode():
        k = data.index(b"PK\x01\x02", k + 4)
    data[k + at : k + at + len(value)] = value
    path.write_bytes(bytes(data))


# what zipfile would not write: B written, then changed in the central directory
PATCHED = {
    "encrypted": (8, b"\x01\x00"),
    "NUL in a name": (46 + len(B) - 1, b"\x00"),
    "newline at the end of a name": (46 + len(B) - 1, b"\n"),
}


@pytest.mark.filterwarnings("ignore:Duplicate name")  # (zipfile, writing "twice")
@pytest.mark.parametrize("case", sorted(HOSTILE) + sorted(PATCHED))
def test_a_hostile_archive_is_refused_as_entry_by_entry(tmp_path, monkeypatch, case):
    path = _zip(tmp_path / "h.zip", GOOD + HOSTILE.get(case, [(B, b"x")]))
    if case in PATCHED:
        _central(path, B, *PATCHED[case])
    fast, slow = _both(monkeypatch, R.check_archive, path, SMALL)
    assert fast == slow
    assert fast[:2] == ("refused", 1), fast


def test_too_many_entries_and_a_good_archive(tmp_path, monkeypatch):
    path = _zip(tmp_path / "g.zip", GOOD)
    zf, infos = R.check_archive(path, SMALL)
    zf.close()
    assert R._infos_fine(infos, SMALL)  # (the shortcut is the one taken)
    fast, slow = _both(monkeypatch, R.check_archive, path, Limits(max_entries=2))
    assert fast == slow and fast[:2] == ("refused", 1) and "too many entries" in fast[3]


def test_names_decode_as_zipfile_decodes_them(tmp_path):
    """A name without the UTF-8 flag is cp437 to zipfile (refused later, as it was); the
    entries are then opened the default way."""
    path = tmp_path / "n.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ok.txt", b"1")
        zf.writestr("cafX.txt", b"2")
    path.write_bytes(path.read_bytes().replace(b"cafX", b"caf\x82"))  # cp437 é, both headers
    with zipfile.ZipFile(path) as plain:
        expected = [i.orig_filename for i in plain.infolist()]
    got = R._open_zip(path)
    try:
        assert [i.orig_filename for i in got.infolist()] == expected
        assert expected[1] == "café.txt" and got.read(expected[1]) == b"2"
    finally:
        got.close()
    with R._open_zip(tmp_path.joinpath("n.zip")) as again:
        assert again.read("ok.txt") == b"1"
