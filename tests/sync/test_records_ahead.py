"""The records entries of a bundle inflated and checked in a thread while the reader reads
the manifest and the small entries (``sync.records_ahead``, used by ``reader.read_bundle``),
once the signature is verified: the records come
out byte for byte as zipfile reads them, handed over in the reader's order; a damaged entry
stops the thread there and is refused in the words the reader always used, with the
entries before it handed over and none after; a cancel ends the thread; what the receiver
of an entry raises reaches the reader's caller."""

from __future__ import annotations

import zipfile

import pytest
from sync_world import read_entries, resign, write_zip

from inspector_app.services.sync import export_bundle
from inspector_app.sync import reader as R
from inspector_app.sync import records_ahead as A
from inspector_app.sync.format import BundleRejected


@pytest.fixture
def exported(loaded, tmp_path):
    lap = loaded["laptop"]
    path = tmp_path / "good.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    return {"path": path, "world": loaded, "dir": tmp_path}


@pytest.fixture
def threads(monkeypatch):
    """Every RecordsAhead started."""
    seen: list[A.RecordsAhead] = []
    real = A.RecordsAhead.__init__

    def spy(self, items):
        seen.append(self)
        real(self, items)

    monkeypatch.setattr(A.RecordsAhead, "__init__", spy)
    return seen


def _read(exported, path=None, **kw):
    trusted = exported["world"]["office"].store.trust.list()
    handed: list[str] = []
    opened = R.read_bundle(
        path or exported["path"],
        trusted,
        on_record=lambda opened, table, data: handed.append(table),
        **kw,
    )
    opened.close()
    return opened, handed


def _outcome(exported, path, **kw):
    try:
        opened, handed = _read(exported, path, **kw)
    except BundleRejected as exc:
        return (exc.stage, exc.entry, exc.reason), None
    return dict(opened.records), handed


def test_the_records_come_out_of_the_thread_as_zipfile_reads_them(exported, threads):
    with zipfile.ZipFile(exported["path"]) as zf:
        expected = {
            i.filename[len("records/") : -len(".jsonl")]: zf.read(i)
            for i in zf.infolist()
            if i.filename.startswith("records/")
        }
    opened, handed = _read(exported)
    assert len(threads) == 1 and threads[0].delivered == {f"records/{t}.jsonl" for t in expected}
    assert opened.records == expected
    order = [t for t, _size in R.record_order(opened.manifest)]
    assert handed == order and len(order) >= 4
    assert opened.attachments  # the photos were read meanwhile
    assert not threads[0]._thread.is_alive()


@pytest.mark.parametrize("which", [0, 2, -1])
def test_a_damaged_records_entry_stops_the_thread_and_is_refused_as_before(
    exported, threads, monkeypatch, which
):
    items = read_entries(exported["path"])
    names = sorted(n for n, _ in items if n.startswith("records/"))
    bad_name = names[which]
    changed = [(n, d[:-2] + b"]\n" if n == bad_name else d) for n, d in items]
    bad = write_zip(
        exported["dir"] / "bad.zip",
        resign(changed, exported["world"]["laptop"].identity, fix_hashes=False),
    )
    with_thread = _outcome(exported, bad)
    assert threads and threads[0].delivered == set(names[: names.index(bad_name)])
    # the same bundle read entry by entry, as before the thread
    monkeypatch.setattr(R, "records_ahead", lambda *a, **k: None)
    without = _outcome(exported, bad)
    assert len(threads) == 1  # (none started the second time)
    assert with_thread == without
    refusal, handed = with_thread
    assert handed is None and refusal[:2] == (3, bad_name)
    assert "SHA-256" in refusal[2]


def test_a_cancel_ends_the_thread(exported, threads):
    with pytest.raises(BundleRejected) as exc:
        _read(exported, progress=lambda stage, done, total: False)
    assert exc.value.reason == "cancelled"
    assert threads and not threads[0]._thread.is_alive()


def test_what_the_receiver_of_an_entry_raises_reaches_the_caller(exported, threads):
    trusted = exported["world"]["office"].store.trust.list()

    def refuse(opened, table, data):
        raise RuntimeError(f"no room for {table}")

    with pytest.raises(RuntimeError, match="no room for"):
        R.read_bundle(exported["path"], trusted, on_record=refuse)
    assert threads and not threads[0]._thread.is_alive() and not threads[0].delivered


def test_nothing_is_inflated_for_a_bundle_signed_by_a_stranger(exported, threads):
    lap2 = exported["world"]["laptop2"]  # does not trust laptop 1
    with pytest.raises(BundleRejected) as exc:
        R.read_bundle(exported["path"], lap2.store.trust.list())
    assert exc.value.stage == 2
    assert not threads


def test_a_refusal_before_the_signed_sums_are_known_hands_nothing_over(
    exported, threads, monkeypatch
):
    """The manifest cannot be read (here: made to fail after its signature was verified):
    the thread, started already, ends without handing an entry over."""

    def unreadable(data):
        from inspector_app.domain.errors import InputError

        raise InputError("manifest", "cannot be read")

    monkeypatch.setattr(R, "parse_manifest", unreadable)
    handed: list[str] = []
    with pytest.raises(BundleRejected) as exc:
        R.read_bundle(
            exported["path"],
            exported["world"]["office"].store.trust.list(),
            on_record=lambda opened, table, data: handed.append(table),
        )
    assert (exc.value.stage, exc.value.reason) == (3, "cannot be read")
    assert len(threads) == 1 and not threads[0]._thread.is_alive()
    assert not threads[0].delivered and not handed
