"""``manifest.parse_manifest`` takes the usual attachment entry and records item in one pass
of plain comparisons; each of them made wrong in a way the field-by-field checks know must
still be refused by them, in the same words (a real exported manifest, edited)."""

from __future__ import annotations

import json

import pytest
from sync_world import read_entries

from inspector_app.domain.errors import InputError
from inspector_app.services.sync import export_bundle
from inspector_app.sync.manifest import manifest_bytes, parse_manifest

SHA = "ab" * 32


@pytest.fixture
def manifest(loaded, tmp_path):
    lap = loaded["laptop"]
    path = tmp_path / "b.zip"
    export_bundle(lap.store, lap.identity, path, all=True)
    data = dict(read_entries(path))["manifest.json"]
    return data, json.loads(data)


def _refusal(obj) -> tuple[str, str]:
    with pytest.raises(InputError) as exc:
        parse_manifest(json.dumps(obj).encode())
    return exc.value.path, exc.value.message


def test_a_real_manifest_reads_back_to_its_bytes(manifest):
    data, obj = manifest
    m = parse_manifest(data)
    assert manifest_bytes(m) == data
    assert any(n.startswith("attachments/") for n in m.entries)
    assert sum(len(v) for v in m.records.values()) > 10


@pytest.mark.parametrize(
    ("info", "name", "path", "words"),
    [
        ({"sha256": SHA, "size": True}, None, ".size", "non-negative integer"),
        ({"sha256": SHA, "size": -1}, None, ".size", "non-negative integer"),
        ({"sha256": SHA, "size": 1.5}, None, ".size", "non-negative integer"),
        ({"sha256": SHA.upper(), "size": 1}, None, ".sha256", "64 hexadecimal"),
        ({"sha256": SHA[:-1], "size": 1}, None, ".sha256", "64 hexadecimal"),
        ({"sha256": SHA, "size": 1, "x": 1}, None, "", "exactly sha256 and size"),
        ({"sha256": SHA, "size": 1}, "attachments/" + "cd" * 32, "", "named by its SHA-256"),
        ({"sha256": SHA, "size": 1}, "attachments/" + SHA + "x", "manifest.entries", "not allowed"),
        ({"sha256": SHA, "size": 1}, "Attachments/" + SHA, "manifest.entries", "not allowed"),
    ],
)
def test_a_wrong_attachment_entry_is_refused_as_before(manifest, info, name, path, words):
    _data, obj = manifest
    name = name or "attachments/" + SHA
    obj["entries"][name] = info
    got_path, message = _refusal(obj)
    where = path if path.startswith("manifest") else f"manifest.entries.{name}{path}"
    assert (got_path, words in message) == (where, True), (got_path, message)


@pytest.mark.parametrize(
    "item",
    [["a", SHA.upper()], ["a"], ["a", SHA, "b"], ("a", 5), "a", ["a", 5], [5, SHA], ["a", SHA[1:]]],
)
def test_a_wrong_records_item_is_refused_as_before(manifest, item):
    _data, obj = manifest
    table = next(t for t, items in obj["records"].items() if items)
    obj["records"][table].append(item)
    n = len(obj["records"][table]) - 1
    assert _refusal(obj) == (f"manifest.records.{table}[{n}]", "must be [id, sha256]")


def test_good_edges_pass(manifest):
    _data, obj = manifest
    obj["entries"]["attachments/" + SHA] = {"sha256": SHA, "size": 0}
    table = next(iter(obj["records"]))
    obj["records"][table].append(["", SHA])
    m = parse_manifest(json.dumps(obj).encode())
    assert m.entries["attachments/" + SHA] == (SHA, 0)
    assert m.records[table][-1] == ["", SHA]
