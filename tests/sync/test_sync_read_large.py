"""``sync.entries.read_large``: a records entry read whole from the archive's file (the
bundle writer's Zip64 local headers included) gives zipfile's bytes; anything amiss is left
to zipfile's path, so a damaged entry is refused in the words it always was."""

from __future__ import annotations

import hashlib
import struct
import zipfile

import pytest
from sync_world import write_zip

from inspector_app.services.sync import export_bundle
from inspector_app.sync import entries as E
from inspector_app.sync import reader as R
from inspector_app.sync.format import BundleRejected

NAME = "records/inspections.jsonl"


@pytest.fixture
def exported(loaded, tmp_path):
    lap = loaded["laptop"]
    path = tmp_path / "good.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    return {"path": path, "world": loaded, "dir": tmp_path}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refusal(fn, *args) -> tuple[int, str, str]:
    with pytest.raises(BundleRejected) as exc:
        fn(*args)
    return exc.value.stage, exc.value.entry, exc.value.reason


def _outcome(fn, *args) -> bytes | tuple[int, str, str]:
    try:
        return fn(*args)
    except BundleRejected as exc:
        return exc.stage, exc.entry, exc.reason


def test_the_writers_records_are_read_whole_without_zipfile(exported, monkeypatch):
    with zipfile.ZipFile(exported["path"]) as zf:
        names = [i.filename for i in zf.infolist() if i.filename.startswith("records/")]
        expected = {n: zf.read(n) for n in names}
    # the writer streams records with Zip64 local headers (sizes in the extra field)
    with zipfile.ZipFile(exported["path"]) as zf:
        zf.fp.seek(zf.getinfo(NAME).header_offset)
        assert struct.unpack("<4s5H3L2H", zf.fp.read(30))[7:9] == (0xFFFFFFFF, 0xFFFFFFFF)

    def no_zipfile(*args, **kw):
        raise AssertionError("read through zipfile")

    monkeypatch.setattr(E, "read_entry", no_zipfile)
    monkeypatch.setattr(R, "DIRECT_UP_TO", 0)  # (the small entries here: all read whole)
    trusted = exported["world"]["office"].store.trust.list()
    opened = R.read_bundle(exported["path"], trusted)
    opened.close()
    assert {f"records/{t}.jsonl": d for t, d in opened.records.items()} == expected


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_an_entry_without_zip64_is_read_whole_too(exported, compression):
    with zipfile.ZipFile(exported["path"]) as zf:
        items = [(i.filename, zf.read(i)) for i in zf.infolist()]
    path = write_zip(exported["dir"] / "plain.zip", items, compression)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(NAME)
        data = zf.read(info)
        assert E._local_data(zf, info, zip64=True) is not None
        assert E.read_large(zf, info, info.file_size, 3, _sha(data)) == data


def _damaged(exported, change) -> tuple[object, object]:
    """read_large's and read_entry's answer for the inspections entry after *change*."""
    path = exported["dir"] / "damaged.zip"
    data = bytearray(exported["path"].read_bytes())
    with zipfile.ZipFile(exported["path"]) as zf:
        info = zf.getinfo(NAME)
        expected = _sha(zf.read(info))
    change(data, info)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(NAME)
        args = (zf, info, info.file_size, 3, expected)
        return _outcome(E.read_large, *args), _outcome(E.read_entry, *args)


def _data_at(info: zipfile.ZipInfo) -> int:
    return info.header_offset + E.LOCAL_HEADER_SIZE + len(info.filename) + len(info.extra) + 20


@pytest.mark.parametrize(
    "change",
    [
        lambda d, i: d.__setitem__(_data_at(i) + 100, d[_data_at(i) + 100] ^ 0x01),  # a byte
        lambda d, i: d.__setitem__(i.header_offset + 2, 0),  # the local signature
        # the local CRC-32 (zipfile reads the central one: the entry is read)
        lambda d, i: d.__setitem__(i.header_offset + 14, d[i.header_offset + 14] ^ 1),
        lambda d, i: d.__setitem__(i.header_offset + 31, ord("X")),  # the local name
    ],
    ids=["byte", "signature", "crc", "name"],
)
def test_a_damaged_entry_is_refused_as_zipfile_refuses_it(exported, change):
    large, zipfiles = _damaged(exported, change)
    assert large == zipfiles
    if isinstance(large, tuple):
        assert large[0] == 3 and large[1] == NAME
    else:
        assert isinstance(large, bytes) and len(large) > 1000


def test_another_hash_or_a_smaller_cap_is_refused_as_before(exported):
    with zipfile.ZipFile(exported["path"]) as zf:
        info = zf.getinfo(NAME)
        data = zf.read(info)
        for cap, sha in ((info.file_size, _sha(b"other")), (10, _sha(data))):
            args = (zf, info, cap, 3, sha)
            assert _refusal(E.read_large, *args) == _refusal(E.read_entry, *args)
        assert (
            "holds more than the 10 bytes announced"
            in _refusal(E.read_large, zf, info, 10, 3, _sha(data))[2]
        )


def test_zip64_sizes_are_read_from_the_extra_field():
    field = struct.pack("<2H", 0x5455, 5) + b"12345" + struct.pack("<2H2Q", 1, 16, 300, 200)
    assert E._zip64_sizes(field) == (300, 200)
    with pytest.raises(ValueError, match="without its sizes"):
        E._zip64_sizes(struct.pack("<2H", 0x5455, 5) + b"12345")


def test_stored_bytes_beyond_any_deflate_of_the_cap_are_left_to_zipfile(exported, monkeypatch):
    """An entry whose directory announces more compressed bytes than a deflate of *cap*
    bytes could take is not read whole into memory: zipfile's path streams it."""
    seen = []
    real = E.read_entry

    def spy(*args):
        seen.append(args[1].filename)
        return real(*args)

    def never(*args, **kw):
        raise AssertionError("read whole")

    monkeypatch.setattr(E, "read_entry", spy)
    monkeypatch.setattr(E, "_local_data", never)
    with zipfile.ZipFile(exported["path"]) as zf:
        info = zf.getinfo(NAME)
        data = zf.read(info)
        info.compress_size = info.file_size * 2 + 10_000  # as a hostile directory may say
        assert _outcome(E.read_large, zf, info, info.file_size, 3, _sha(data)) == _outcome(
            real, zf, info, info.file_size, 3, _sha(data)
        )
    assert seen == [NAME]


def test_the_records_are_inflated_with_isa_l():
    """The dependency is installed and used (a missing wheel would fall back to zlib)."""
    from isal import isal_zlib

    assert E.fast_zlib is isal_zlib


@pytest.mark.parametrize("flip_at", [100, 5000, -3])
def test_isa_l_and_zlib_give_the_same_answer_for_a_damaged_stream(exported, monkeypatch, flip_at):
    import zlib

    def change(data, info):
        at = _data_at(info) + (flip_at if flip_at >= 0 else info.compress_size + flip_at)
        data[at] ^= 0x5A

    with_isal = _damaged(exported, change)
    monkeypatch.setattr(E, "fast_zlib", zlib)
    with_zlib = _damaged(exported, change)
    assert with_isal == with_zlib
    assert with_isal[0] == with_isal[1]  # (and what zipfile's path says)
