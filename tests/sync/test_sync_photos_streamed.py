"""Camera-size photos in bundles: not all held in memory on export or import, streamed from
the archive into the database one at a time, checked against the signed manifest while
they are stored (a changed photo refuses the whole import), and stored once per SHA-256."""

from __future__ import annotations

import hashlib
import io
import random
import zipfile

import pytest
from sync_world import add_inspection_with_photo, read_entries, write_zip

from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.store.integrity import check
from inspector_app.sync import reader
from inspector_app.sync.format import BundleRejected


def camera_jpeg(seed: int) -> bytes:
    """A real JPEG larger than reader.STREAM_FROM (noise compresses badly)."""
    from PIL import Image

    rng = random.Random(seed)
    img = Image.frombytes("RGB", (300, 300), rng.randbytes(300 * 300 * 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95)
    data = buf.getvalue()
    assert len(data) > reader.STREAM_FROM
    return data


@pytest.fixture
def photo_world(world):
    lap = world["laptop"]
    photos = [camera_jpeg(s) for s in (1, 2)]
    for data in photos:
        add_inspection_with_photo(lap.store, data=data, mime="image/jpeg")
    bundle = export_bundle(lap.store, lap.identity, world["dir"] / "photos.zip").path
    world["photos"], world["bundle"] = photos, bundle
    return world


def _attachment_rows(store) -> dict[str, bytes]:
    return {
        sha: bytes(data) for sha, data in store.conn.execute("SELECT sha256, data FROM attachments")
    }


def test_large_photos_are_streamed_by_the_merge_and_stored_intact(photo_world, monkeypatch):
    office = photo_world["office"].store
    opened_before_merge = []
    original = reader.read_bundle

    def spy(*a, **kw):
        opened = original(*a, **kw)
        opened_before_merge.append(dict(opened.attachments))
        return opened

    monkeypatch.setattr("inspector_app.sync.importing.open.read_bundle", spy)
    report = import_bundle(office, photo_world["bundle"])
    assert report.status == "imported", report.message()
    # stage 3 kept only the first bytes of each camera photo, not the photo
    kept = opened_before_merge[0]
    streamed = [v for v in kept.values() if isinstance(v, reader.ZipAttachment)]
    assert len(streamed) == 2
    assert all(len(v.head) < 1024 for v in streamed)
    stored = _attachment_rows(office)
    for data in photo_world["photos"]:
        assert stored[hashlib.sha256(data).hexdigest()] == data
    assert check(office) == []


def test_a_photo_changed_in_the_archive_refuses_the_import_and_changes_nothing(photo_world):
    office = photo_world["office"]
    items = read_entries(photo_world["bundle"])
    sha = hashlib.sha256(photo_world["photos"][0]).hexdigest()
    name = f"attachments/{sha}"
    tampered = [
        (n, d[:-100] + bytes(100) if n == name else d)  # same size, same header, other bytes
        for n, d in items
    ]
    bad = write_zip(photo_world["dir"] / "tampered.zip", tampered, zipfile.ZIP_STORED)
    before = office.db_bytes()
    report = import_bundle(office.store, bad, backup=False)
    assert report.status == "rejected"
    assert report.rejection["stage"] == 3 and report.rejection["entry"] == name
    assert "SHA-256 does not match" in report.rejection["reason"]
    assert office.store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == 0
    assert office.db_bytes() == before or office.store.engine != "sqlite"
    # the good bundle still imports afterwards
    assert import_bundle(office.store, photo_world["bundle"]).status == "imported"


def test_zip_attachment_read_refuses_bytes_other_than_the_signed_ones(photo_world, tmp_path):
    data = photo_world["photos"][0]
    sha = hashlib.sha256(data).hexdigest()
    path = write_zip(tmp_path / "one.zip", [(f"attachments/{sha}", data)], zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
        good = reader.ZipAttachment(zf, info, sha, len(data), reader._head(zf, info))
        assert good.read() == data and len(good) == len(data)
        wrong_head = reader.ZipAttachment(zf, info, sha, len(data), b"\xff\xd8\xff\x00")
        with pytest.raises(BundleRejected) as exc:
            wrong_head.read()
        assert exc.value.stage == 3 and "changed while" in exc.value.reason


def test_photos_already_stored_are_not_read_again(photo_world, monkeypatch):
    office = photo_world["office"].store
    for data in photo_world["photos"]:  # the office holds these photos already
        office.attachments.add(data, "t")
    reads = []
    original = reader.ZipAttachment.read

    def counting(self):
        reads.append(self.sha256)
        return original(self)

    monkeypatch.setattr(reader.ZipAttachment, "read", counting)
    report = import_bundle(office, photo_world["bundle"])
    assert report.status == "imported", report.message()
    assert reads == [] and report.attachments_new == 0
    assert office.conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == 2


def test_export_reads_each_photo_when_it_writes_it(photo_world, monkeypatch):
    lap = photo_world["laptop"]
    calls = []
    original = type(lap.store.attachments).get

    def counting(self, sha):
        calls.append(sha)
        return original(self, sha)

    monkeypatch.setattr(type(lap.store.attachments), "get", counting)
    out = export_bundle(lap.store, lap.identity, photo_world["dir"] / "again.zip", all=True)
    assert sorted(calls) == sorted(hashlib.sha256(d).hexdigest() for d in photo_world["photos"])
    with zipfile.ZipFile(out.path) as zf:
        for data in photo_world["photos"]:
            assert zf.read(f"attachments/{hashlib.sha256(data).hexdigest()}") == data
