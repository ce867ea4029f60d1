"""A large bundle's checks run in a worker process while the import writes
(``sync.importing.overlap``): a clean bundle ends as the ordinary import does, a bad one is
refused exactly as the ordinary import refuses it (checked again here) with nothing
written, a cancel or a refusal before the records are sent ends the worker, and a small
bundle starts no process. SQLite only (the worker reads the database file)."""

from __future__ import annotations

import json

import pytest
from sync_world import (
    Side,
    add_inspection_with_photo,
    identity_signer,
    lines,
    read_entries,
    rehash_inspection,
    resign,
    set_lines,
    write_zip,
)

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync.importing import overlap

COUNTED = ("inspections", "premises", "instruments", "visits", "sweep_rows", "audit_device")


@pytest.fixture
def office_db_path(tmp_path):
    return tmp_path / "data" / "inspector.db"  # the worker reads a database file


@pytest.fixture
def spy(monkeypatch):
    """Every worker started, and every answer it gave."""
    seen: dict[str, list] = {"checkers": [], "answers": [], "rechecks": []}
    launch, verdict = overlap.launch, overlap.verdict

    def spy_launch():
        checker = launch()
        seen["checkers"].append(checker)
        return checker

    def spy_verdict(job, checker, shape=None):
        try:
            answer = verdict(job, checker, shape)
        except overlap.Recheck as exc:
            seen["rechecks"].append(str(exc))
            raise
        seen["answers"].append(answer)
        return answer

    monkeypatch.setattr(overlap, "launch", spy_launch)
    monkeypatch.setattr(overlap, "verdict", spy_verdict)
    return seen


@pytest.fixture
def bundle(world, tmp_path):
    lap = world["laptop"]
    generate(lap.store, premises=4, inspections=12, seed=7)
    add_inspection_with_photo(lap.store, sign=identity_signer(lap.identity))
    path = tmp_path / "b.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    return path


def _fresh_office(world, name: str) -> Side:
    office = Side(world["dir"] / f"{name}.db", name)
    office.trust(world["laptop"])
    return office


def _counts(store) -> dict[str, int]:
    out = {}
    for table in COUNTED:
        try:
            out[table] = store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except Exception:  # noqa: BLE001 - a table this schema does not have
            out[table] = -1
    return out


def _shown(report) -> dict:
    d = report.as_dict()
    for key in ("seconds", "backup", "backup_reused", "file"):
        d.pop(key)
    return d


def _both_ways(world, office, entry, items, objs, spy):
    """The bundle with *entry*'s lines made *objs* (signed again), imported the ordinary
    way, then with a worker checking it; both reports, neither having written anything."""
    bad = write_zip(
        world["dir"] / "bad.zip", resign(set_lines(items, entry, objs), world["laptop"].identity)
    )
    before = office.store.fingerprint()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(overlap, "PARALLEL_FROM", 1 << 40)
        plain = import_bundle(office.store, bad)
        assert not spy["checkers"]
        mp.setattr(overlap, "PARALLEL_FROM", 0)
        report = import_bundle(office.store, bad)
    assert len(spy["checkers"]) == 1
    assert office.store.fingerprint() == before  # the worker's merge was rolled back
    return plain, report


def test_a_large_bundle_is_checked_in_a_worker_and_ends_as_the_ordinary_import(
    world, bundle, spy, monkeypatch
):
    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    office = world["office"]
    report = import_bundle(office.store, bundle)
    assert report.status == "imported", report.message()
    assert len(spy["checkers"]) == 1 and [a["status"] for a in spy["answers"]] == ["clean"]
    assert not spy["checkers"][0].process.is_alive()  # ended when the import ended

    monkeypatch.setattr(overlap, "PARALLEL_FROM", 1 << 40)  # the ordinary way
    other = _fresh_office(world, "Other Office")
    try:
        plain = import_bundle(other.store, bundle)
        assert plain.status == "imported", plain.message()
        assert len(spy["checkers"]) == 1  # no second worker
        assert _shown(report) == _shown(plain)
        assert _counts(office.store) == _counts(other.store)
        assert _counts(office.store)["inspections"] == 13
        assert _counts(office.store)["visits"] > 0 and _counts(office.store)["sweep_rows"] > 0
    finally:
        other.close()


@pytest.mark.parametrize(
    ("index", "judged_here", "take_more", "found_by"),
    # the worker judges the verdicts from the first on, this process from the last down
    # (the share it takes at once, then more while the worker has not reached them): the
    # first inspection's verdict with nothing taken here is the worker's to find, the last
    # one's with a share taken here this process's; when this process may take more, either
    # may find it, whichever reaches it first
    [
        (0, 0.0, False, ["refused"]),
        (-1, 0.3, False, ["a verdict is not what the readings give"]),
        (-1, 0.3, True, ["a verdict is not what the readings give"]),
        (0, 0.0, True, None),
    ],
)
def test_a_bad_bundle_is_refused_as_the_ordinary_import_refuses_it(
    world, bundle, spy, monkeypatch, index, judged_here, take_more, found_by
):
    monkeypatch.setattr(overlap, "JUDGED_HERE", judged_here)
    monkeypatch.setattr(overlap, "TAKE_MORE", take_more)
    office = world["office"]
    items = read_entries(bundle)
    objs = lines(items, "records/inspections.jsonl")
    # the first or last inspection the laptop did not sign (a signed one's changed verdict
    # is refused for its signature first), wherever the signed one's id sorts
    unsigned = [i for i, obj in enumerate(objs) if not obj.get("signature")]
    assert len(unsigned) == len(objs) - 1
    index = unsigned[index]
    flipped = "fail" if objs[index]["verdict"] == "pass" else "pass"
    objs[index] = rehash_inspection(json.loads(json.dumps(objs[index])) | {"verdict": flipped})
    plain, report = _both_ways(world, office, "records/inspections.jsonl", items, objs, spy)
    assert plain.status == "rejected" and plain.rejection["stage"] == 4
    assert "inspection.verdict" in plain.rejection["reason"]
    # the worker found it, or this process judging its share; the checks here named it, as
    # the ordinary import does
    if found_by is None:
        assert spy["rechecks"] in (["refused"], ["a verdict is not what the readings give"])
    else:
        assert spy["rechecks"] == found_by
    assert report.rejection == plain.rejection
    assert report.backup is None
    assert not spy["checkers"][0].process.is_alive()


def test_a_cancel_while_the_records_are_built_ends_the_worker(world, bundle, spy, monkeypatch):
    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    office = world["office"]
    before = office.store.fingerprint()
    report = import_bundle(
        office.store, bundle, progress=lambda stage, done, total: stage != "records"
    )
    assert report.status == "rejected" and report.rejection["reason"] == "cancelled"
    assert len(spy["checkers"]) == 1 and not spy["checkers"][0].process.is_alive()
    assert not spy["answers"] and not spy["rechecks"]
    assert office.store.fingerprint() == before


def test_a_refusal_before_the_records_are_sent_ends_the_worker(world, bundle, spy, monkeypatch):
    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    lap2 = world["laptop2"]  # does not trust laptop 1: refused at the signature
    report = import_bundle(lap2.store, bundle)
    assert report.status == "rejected" and report.rejection["stage"] == 2
    assert len(spy["checkers"]) == 1 and not spy["checkers"][0].process.is_alive()


def test_a_small_bundle_starts_no_process(world, bundle, spy):
    report = import_bundle(world["office"].store, bundle)
    assert report.status == "imported", report.message()
    assert not spy["checkers"] and not spy["answers"]


def test_a_refusal_after_the_records_were_sent_ends_the_worker(world, bundle, spy, monkeypatch):
    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    items = read_entries(bundle)
    photo = next(n for n, _ in items if n.startswith("attachments/"))
    changed = [(n, d + b"x" if n == photo else d) for n, d in items]
    bad = write_zip(
        world["dir"] / "bad.zip", resign(changed, world["laptop"].identity, fix_hashes=False)
    )
    office = world["office"]
    before = office.store.fingerprint()
    report = import_bundle(office.store, bad)
    assert report.status == "rejected" and report.rejection["stage"] == 3, report.message()
    assert report.rejection["entry"] == photo
    assert len(spy["checkers"]) == 1 and spy["checkers"][0].sender is not None  # records sent
    assert not spy["checkers"][0].process.is_alive()
    assert not spy["answers"] and not spy["rechecks"]
    assert office.store.fingerprint() == before


def test_photos_left_in_the_archive_reach_the_worker_as_their_size_and_head(
    world, bundle, spy, monkeypatch
):
    from inspector_app.sync import reader

    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    monkeypatch.setattr(reader, "STREAM_FROM", 0)  # every photo streamed by the merge
    office = world["office"]
    report = import_bundle(office.store, bundle)
    assert report.status == "imported", report.message()
    assert [a["status"] for a in spy["answers"]] == ["clean"]
    assert report.attachments_new > 0


def test_premises_instruments_and_standards_are_built_as_their_parsers_give_them(bundle):
    """While the worker checks them, this process builds them without their checks
    (``records.build_versioned``): the very records and hashes the checked parsers give."""
    from inspector_app.sync.validate import PARSERS
    from inspector_app.sync.validate.records import VERSIONED, build_versioned

    items = read_entries(bundle)
    seen = 0
    for table in VERSIONED:
        name = f"records/{table}.jsonl"
        if name not in dict(items):
            continue
        for obj in lines(items, name):
            assert build_versioned(obj, table) == PARSERS[table](obj)
            seen += 1
    assert seen >= 8  # the demo's premises and instruments


def test_a_premises_line_only_its_checks_refuse_is_refused_as_the_ordinary_import_refuses_it(
    world, bundle, spy, monkeypatch
):
    """A name that is not in normal form (blanks around it) with its versions hashed again:
    built here without a look at it, refused by the worker, checked again here."""
    from inspector_app.sync.format import record_hash

    office = world["office"]
    items = read_entries(bundle)
    objs = lines(items, "records/premises.jsonl")
    data = dict(objs[0]["data"], name=" " + objs[0]["data"]["name"] + "  ")
    objs[0] = {"data": data, "versions": [*objs[0]["versions"], record_hash(data)]}
    plain, report = _both_ways(world, office, "records/premises.jsonl", items, objs, spy)
    assert plain.status == "rejected" and plain.rejection["stage"] == 4
    assert "premises.name" in plain.rejection["reason"]
    assert spy["rechecks"] == ["refused"]  # the worker found it; this process built it
    assert report.rejection == plain.rejection


@pytest.mark.parametrize("parallel_from", [0, 1 << 40], ids=["worker", "ordinary"])
def test_the_json_columns_are_stored_as_the_text_the_bundle_carried(
    world, bundle, monkeypatch, parallel_from
):
    """The JSON columns' texts are kept as the line's UTF-8 and cast to text by the insert
    (``store.sync.inspections``): stored as text, each the very text of its member."""
    monkeypatch.setattr(overlap, "PARALLEL_FROM", parallel_from)
    office = world["office"]
    report = import_bundle(office.store, bundle)
    assert report.status == "imported", report.message()
    objs = {o["id"]: o for o in lines(read_entries(bundle), "records/inspections.jsonl")}
    columns = ("environment", "checklist", "tests", "result", "standards")
    rows = office.store.conn.execute(
        "SELECT id, "
        + ", ".join(f"typeof({c}_json), {c}_json" for c in columns)
        + " FROM inspections"
    ).fetchall()
    assert len(rows) == len(objs) == 13
    for row in rows:
        obj = objs[row[0]]
        for k, c in enumerate(columns):
            kind, text = row[1 + 2 * k], row[2 + 2 * k]
            want = json.dumps(obj[c], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            assert (kind, text) == ("text", want), (c, kind)


def test_the_merge_is_written_to_the_log_before_the_workers_answer_is_awaited(
    world, bundle, spy, monkeypatch
):
    """While the worker still judges verdicts, the merge's pages go to the write-ahead log
    (``store.db.flush_cache``), so that the commit after the answer has little to write."""
    from inspector_app.sync.importing import merge as merge_stage

    monkeypatch.setattr(overlap, "PARALLEL_FROM", 0)
    flushed: list[tuple[bool, bool]] = []
    real = merge_stage.flush_cache

    def spy_flush(conn, path):
        done = real(conn, path)
        flushed.append((done, conn.in_transaction))
        return done

    monkeypatch.setattr(merge_stage, "flush_cache", spy_flush)
    office = world["office"]
    report = import_bundle(office.store, bundle)
    assert report.status == "imported", report.message()
    assert flushed == [(True, True)]  # once, inside the import's transaction
    assert [a["status"] for a in spy["answers"]] == ["clean"]
    assert _counts(office.store)["inspections"] == 13
