"""The records reach the checking worker entry by entry (``overlap.RecordStream``): each
as soon as the *open* stage has read and verified it, in the reader's order, so that the
worker parses one table while the next is read. A refusal between two records entries
ends the worker and the thread sending to it; the worker's side takes the entries in the
order the parse asks for them (``overlap._Arriving``)."""

from __future__ import annotations

import json
import multiprocessing
import zipfile

import pytest
from sync_world import read_entries, replace_entry, resign, write_zip

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync import reader
from inspector_app.sync.format import MANIFEST
from inspector_app.sync.importing import overlap
from inspector_app.sync.manifest import parse_manifest


@pytest.fixture
def office_db_path(tmp_path):
    return tmp_path / "data" / "inspector.db"  # the worker reads a database file


@pytest.fixture
def bundle(world, tmp_path):
    lap = world["laptop"]
    generate(lap.store, premises=4, inspections=12, seed=11)
    path = tmp_path / "b.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    return path


@pytest.fixture
def streamed(monkeypatch):
    """Every (table, size) a RecordStream was handed, and every checker started."""
    seen: dict[str, list] = {"entries": [], "checkers": []}
    call, launch = overlap.RecordStream.__call__, overlap.launch

    def spy_call(self, opened, table, data):
        seen["entries"].append((table, len(data), len(opened.records)))
        return call(self, opened, table, data)

    def spy_launch():
        checker = launch()
        seen["checkers"].append(checker)
        return checker

    monkeypatch.setattr(overlap.RecordStream, "__call__", spy_call)
    monkeypatch.setattr(overlap, "launch", spy_launch)
    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    return seen


def test_each_records_entry_is_handed_over_as_soon_as_it_is_read(world, bundle, streamed):
    office = world["office"]
    report = import_bundle(office.store, bundle)
    assert report.status == "imported", report.message()
    with zipfile.ZipFile(bundle) as zf:
        manifest = parse_manifest(zf.read(MANIFEST))
    order = reader.record_order(manifest)
    assert len(order) >= 4
    # one call per entry, in the reader's order, each while the later ones are still unread
    assert [(t, n) for t, n, _ in streamed["entries"]] == order
    assert [held for _, _, held in streamed["entries"]] == list(range(1, len(order) + 1))
    checker = streamed["checkers"][0]
    assert checker.sender is not None and not checker.sender.is_alive()
    assert not checker.process.is_alive()


def test_a_refusal_between_two_records_entries_ends_the_worker_and_its_sender(
    world, bundle, streamed
):
    items = read_entries(bundle)
    names = sorted(n for n, _ in items if n.startswith("records/"))
    last = names[-1]  # read after every other records entry was handed over
    changed = [(n, d + b"\n" if n == last else d) for n, d in items]
    bad = write_zip(
        world["dir"] / "bad.zip", resign(changed, world["laptop"].identity, fix_hashes=False)
    )
    office = world["office"]
    before = office.store.fingerprint()
    report = import_bundle(office.store, bad)
    assert report.status == "rejected" and report.rejection["stage"] == 3, report.message()
    assert report.rejection["entry"] == last
    assert [t for t, _, _ in streamed["entries"]] == [
        n[len("records/") : -len(".jsonl")] for n in names[:-1]
    ]
    checker = streamed["checkers"][0]
    # the sender was waiting for the entry that never came: ended, not left hanging
    assert checker.sender is not None and not checker.sender.is_alive()
    assert not checker.process.is_alive()
    assert office.store.fingerprint() == before


def test_records_smaller_than_the_threshold_end_the_worker_at_the_first_entry(
    world, bundle, streamed, monkeypatch
):
    monkeypatch.setattr(overlap, "PARALLEL_FROM", 1 << 40)
    monkeypatch.setattr(overlap, "likely", lambda job: True)  # a worker is started
    report = import_bundle(world["office"].store, bundle)
    assert report.status == "imported", report.message()
    checker = streamed["checkers"][0]
    assert checker.sender is None and checker.pending is None  # nothing was sent
    assert not checker.process.is_alive()


def test_the_worker_takes_the_entries_in_the_order_its_parse_asks_for_them():
    here, there = multiprocessing.Pipe()
    for data in (b"audit\n", b"inspections\n", b"premises\n", b"visits\n"):
        here.send_bytes(data)
    arriving = overlap._Arriving(there, ["audit", "inspections", "premises", "visits"])
    assert arriving.pop("premises") == b"premises\n"  # the two before it are kept
    assert sorted(arriving) == ["audit", "inspections"]
    assert arriving.pop("standards") is None  # not in the bundle: nothing is waited for
    assert arriving.pop("inspections") == b"inspections\n"
    arriving.receive_all()
    assert sorted(arriving) == ["audit", "visits"]
    assert not there.poll(0)  # every entry taken, nothing more read
    here.close()
    there.close()


def test_records_let_go_before_the_answer_are_built_again_when_the_worker_refuses(
    world, tmp_path, monkeypatch
):
    """The merge lets go of the records it has written (the visits' sweep rows, the
    inspections, the audit entries) while it waits for the worker's answer (here: made to
    wait, whether or not the answer has come; ``overlap.verdict``). When
    the worker does not find the bundle clean (here: a visit line written with spaces,
    which it will not take as canonical), the import runs again the ordinary way and every
    record still arrives."""
    lap = world["laptop"]
    generate(lap.store, premises=4, inspections=40, seed=5)
    rows = lap.store.conn.execute("SELECT count(*) FROM sweep_rows").fetchone()[0]
    assert rows > 0
    path = tmp_path / "v.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    items = read_entries(path)
    lines = dict(items)["records/visits.jsonl"].splitlines()
    lines[0] = json.dumps(json.loads(lines[0]), ensure_ascii=False, sort_keys=True).encode()
    body = b"".join(line + b"\n" for line in lines)
    spaced = write_zip(
        tmp_path / "spaced.zip",
        resign(replace_entry(items, "records/visits.jsonl", body), lap.identity),
    )
    let_go: list[int] = []
    real = overlap.let_go_of_written

    def spy(content):
        let_go.append(sum(len(v["rows"]) for v in content.visits))
        real(content)
        assert all(v["rows"] == [] for v in content.visits)
        assert not content.inspections and not content.audit

    monkeypatch.setattr(overlap, "let_go_of_written", spy)
    monkeypatch.setattr(overlap, "_waiting", lambda checker: True)
    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    office = world["office"]
    report = import_bundle(office.store, spaced)
    assert report.status == "imported", report.message()
    assert let_go == [rows]  # let go of once, by the overlapped merge that was rolled back
    for table in ("sweep_rows", "inspections", "readings", "visits"):
        sql = f"SELECT count(*) FROM {table}"
        assert office.store.conn.execute(sql).fetchone() == lap.store.conn.execute(sql).fetchone()


def test_records_are_not_let_go_of_before_the_commit_when_the_answer_is_there(
    world, bundle, streamed, monkeypatch
):
    """When the worker has answered by the time the merge is written, nothing is let go of
    before the commit (the records go with the import's end, while the checkpoint runs)."""
    let_go: list[int] = []
    monkeypatch.setattr(overlap, "let_go_of_written", lambda content: let_go.append(1))
    monkeypatch.setattr(overlap, "_waiting", lambda checker: False)
    report = import_bundle(world["office"].store, bundle)
    assert report.status == "imported", report.message()
    assert streamed["checkers"] and let_go == []
