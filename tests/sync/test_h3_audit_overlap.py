"""A large import builds the audit entries without checking them (``parse_records``'s
*unchecked* build: each line's object) while the worker checks every line in full
(``sync.importing.overlap``): a bad audit line must still be refused exactly as the
ordinary import refuses it, with nothing written, and a line written another way that the
strict parser accepts must import as it does the ordinary way. SQLite only (the worker
reads the database file)."""

from __future__ import annotations

import json

import pytest
from sync_world import Side, read_entries, replace_entry, resign, write_zip

from inspector_app.services.demo import generate
from inspector_app.services.sync import export_bundle, import_bundle
from inspector_app.sync.importing import overlap

AUDIT = "records/audit.jsonl"


@pytest.fixture
def office_db_path(tmp_path):
    return tmp_path / "data" / "inspector.db"  # the worker reads a database file


@pytest.fixture
def items(world, tmp_path):
    lap = world["laptop"]
    generate(lap.store, premises=3, inspections=6, seed=11)
    path = tmp_path / "b.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    return read_entries(path)


@pytest.fixture
def rechecks(monkeypatch):
    seen: list[str] = []
    verdict = overlap.verdict

    def spy(job, checker, shape=None):
        try:
            return verdict(job, checker, shape)
        except overlap.Recheck as exc:
            seen.append(str(exc))
            raise

    monkeypatch.setattr(overlap, "verdict", spy)
    return seen


def _with_audit(world, items, edit, name: str):
    raw = dict(items)[AUDIT].splitlines()
    raw[-1] = edit(raw[-1])
    body = b"".join(line + b"\n" for line in raw)
    return write_zip(
        world["dir"] / name, resign(replace_entry(items, AUDIT, body), world["laptop"].identity)
    )


def _both_ways(world, bundle, monkeypatch):
    """(the ordinary import's report, the overlapped one's), each into a fresh office."""
    reports, prints = [], []
    for parallel_from, name in ((1 << 40, "Plain Office"), (0, "Overlap Office")):
        monkeypatch.setattr(overlap, "PARALLEL_FROM", parallel_from)
        office = Side(world["dir"] / f"{name}.db", name)
        office.trust(world["laptop"])
        try:
            before = office.store.fingerprint()
            reports.append(import_bundle(office.store, bundle))
            prints.append((before, office.store.fingerprint()))
        finally:
            office.close()
    return reports, prints


def _seq_as_text(line: bytes) -> bytes:
    obj = json.loads(line)
    return json.dumps(
        {**obj, "seq": str(obj["seq"])}, sort_keys=True, separators=(",", ":")
    ).encode()


def _repeated_key(line: bytes) -> bytes:
    return line[:-1] + b',"actor":"someone else"}'


def _uppercase_hash(line: bytes) -> bytes:
    obj = json.loads(line)
    return json.dumps(
        {**obj, "hash": obj["hash"].upper()}, sort_keys=True, separators=(",", ":")
    ).encode()


@pytest.mark.parametrize(
    ("edit", "words", "by_worker"),
    # a line that is not JSON at all is not built here either: checked here at once
    [
        (_seq_as_text, "audit.seq", True),
        (_repeated_key, "duplicate key", True),
        (_uppercase_hash, "audit.hash", True),
        (lambda line: b"[1, 2]", "must be a JSON object", True),
        (lambda line: b"{not json", "not valid JSON", False),
    ],
)
def test_a_bad_audit_line_is_refused_as_the_ordinary_import_refuses_it(
    world, items, rechecks, monkeypatch, edit, words, by_worker
):
    bad = _with_audit(world, items, edit, "bad.zip")
    (plain, overlapped), prints = _both_ways(world, bad, monkeypatch)
    assert plain.status == "rejected" and plain.rejection["stage"] == 4
    assert AUDIT in json.dumps(plain.rejection) and words in plain.rejection["reason"]
    assert overlapped.rejection == plain.rejection
    assert rechecks == (["refused"] if by_worker else [])  # then checked again here
    assert all(before == after for before, after in prints)  # nothing written


def test_an_audit_line_written_another_way_imports_as_the_ordinary_way(
    world, items, rechecks, monkeypatch
):
    spaced = _with_audit(world, items, lambda line: json.dumps(json.loads(line)).encode(), "s.zip")
    (plain, overlapped), _prints = _both_ways(world, spaced, monkeypatch)
    assert plain.status == overlapped.status == "imported", plain.message()
    assert not rechecks
    shown = [r.as_dict() for r in (plain, overlapped)]
    for d in shown:
        for key in ("seconds", "backup", "backup_reused", "file"):
            d.pop(key)
    assert shown[0] == shown[1]
