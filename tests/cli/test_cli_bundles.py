"""bundle export / inspect / import and conflicts list / resolve on the command line."""

from __future__ import annotations

import dataclasses
import json
import zipfile

import pytest

from inspector_app.cli.main import main
from inspector_app.crypto import keys
from inspector_app.paths import keys_dir
from inspector_app.services.demo import generate
from inspector_app.store import open_database

PASS = "a long passphrase"


@pytest.fixture
def sides(tmp_path, monkeypatch):
    """A laptop and an office database with identities, each trusting the other."""
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASS)
    lap_db, off_db = tmp_path / "lap" / "lap.db", tmp_path / "off" / "off.db"
    lap_db.parent.mkdir()
    off_db.parent.mkdir()
    lap_id = keys.init_identity(keys_dir(lap_db), "Inspector Wang", PASS.encode())
    off_id = keys.init_identity(keys_dir(off_db), "Hefei Office", PASS.encode())
    with open_database(lap_db) as lap, open_database(off_db) as off:
        generate(lap, premises=3, inspections=6, seed=9)
        off.trust.add(
            lap_id.fingerprint, lap_id.name, "inspector", lap_id.certificate_pem().decode()
        )
        lap.trust.add(off_id.fingerprint, off_id.name, "office", off_id.certificate_pem().decode())
    return lap_db, off_db, tmp_path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_inspect_import_round_trip(sides, capsys):
    lap, off, tmp = sides
    bundle = tmp / "field.zip"
    code, out, err = run(capsys, "bundle", "export", "-o", bundle, "--db", lap)
    assert code == 0, err
    assert "6 inspections" in out and "signed by Inspector Wang" in out
    assert zipfile.is_zipfile(bundle)
    code, out, err = run(capsys, "bundle", "inspect", bundle, "--db", off, "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["trust"] == "trusted" and info["counts"]["inspections"] == 6
    assert info["direction"] == "field->office" and info["already_imported"] is False
    code, out, err = run(capsys, "bundle", "inspect", bundle, "--db", off)
    assert "TRUSTED" in out and "inspections" in out
    with open_database(off) as s:
        before = s.fingerprint()
    code, out, err = run(capsys, "bundle", "inspect", bundle, "--db", off)
    with open_database(off) as s:
        assert s.fingerprint() == before  # inspect never imports
    code, out, err = run(capsys, "bundle", "import", bundle, "--db", off)
    assert code == 0, err
    assert "imported bundle" in out and "0 conflicts" in out
    code, out, err = run(capsys, "bundle", "import", bundle, "--db", off, "--json")
    assert code == 0
    assert json.loads(out)["status"] == "already_imported"
    with open_database(off) as s:
        assert s.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == 6


def test_rejected_import_exits_1_with_the_stage_and_changes_nothing(sides, capsys):
    lap, off, tmp = sides
    bundle = tmp / "field.zip"
    assert run(capsys, "bundle", "export", "-o", bundle, "--db", lap)[0] == 0
    bad = tmp / "bad.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "records/premises.jsonl":
                data = data.replace(b"market_stall", b"market_stalk", 1)
            dst.writestr(info.filename, data)
    with open_database(off) as s:
        before = s.fingerprint()
    code, out, err = run(capsys, "bundle", "import", bad, "--db", off)
    assert code == 1
    assert (
        "stage 3 (entries)" in err
        and "records/premises.jsonl" in err
        and "nothing was changed" in err
    )
    code, out, err = run(capsys, "bundle", "import", bad, "--db", off, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "rejected" and report["rejection"]["stage"] == 3
    with open_database(off) as s:
        assert s.fingerprint() == before


def test_untrusted_signer_is_shown_by_inspect_and_refused_by_import(sides, capsys, tmp_path):
    lap, off, tmp = sides
    bundle = tmp / "field.zip"
    run(capsys, "bundle", "export", "-o", bundle, "--db", lap)
    stranger = tmp_path / "stranger.db"
    code, out, err = run(capsys, "bundle", "inspect", bundle, "--db", stranger, "--json")
    assert code == 0 and json.loads(out)["trust"] == "untrusted"
    code, out, err = run(capsys, "bundle", "import", bundle, "--db", stranger)
    assert code == 1 and "stage 2 (signature)" in err and "not enrolled" in err


def test_export_direction_must_suit_the_role(sides, capsys):
    lap, off, tmp = sides
    code, out, err = run(
        capsys, "bundle", "export", "-o", tmp / "o.zip", "--direction", "office", "--db", lap
    )
    assert code == 2 and "an office bundle is a supervisor's action" in err
    assert not (tmp / "o.zip").exists()
    assert run(capsys, "--db", off, "role", "supervisor")[0] == 0
    code, out, err = run(capsys, "bundle", "export", "-o", tmp / "f.zip", "--db", off)
    assert code == 2 and "a field bundle is an inspector's action" in err
    assert not (tmp / "f.zip").exists()


def test_office_bundle_and_nothing_left_to_export(sides, capsys):
    lap, off, tmp = sides
    run(capsys, "bundle", "export", "-o", tmp / "f.zip", "--db", lap)
    run(capsys, "bundle", "import", tmp / "f.zip", "--db", off)
    assert run(capsys, "--db", off, "role", "supervisor")[0] == 0
    code, out, err = run(
        capsys,
        "bundle",
        "export",
        "-o",
        tmp / "o.zip",
        "--direction",
        "office",
        "--db",
        off,
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["direction"] == "office->field"
    code, out, err = run(capsys, "bundle", "import", tmp / "o.zip", "--db", lap)
    assert code == 0, err
    assert "6 inspections now safely at the office" in out
    code, out, err = run(capsys, "bundle", "export", "-o", tmp / "f2.zip", "--db", lap)
    assert code == 2 and "nothing to export" in err
    code, out, err = run(capsys, "bundle", "export", "-o", tmp / "f3.zip", "--all", "--db", lap)
    assert code == 0


def test_export_needs_the_passphrase(sides, capsys, monkeypatch, tmp_path):
    lap, off, tmp = sides
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "wrong passphrase")
    code, out, err = run(capsys, "bundle", "export", "-o", tmp / "x.zip", "--db", lap)
    assert code == 2 and "passphrase" in err
    assert not (tmp / "x.zip").exists()
    pf = tmp_path / "pass.txt"
    pf.write_text(PASS + "\n")
    monkeypatch.delenv("INSPECTOR_PASSPHRASE")
    code, out, err = run(
        capsys, "bundle", "export", "-o", tmp / "x.zip", "--passphrase-file", pf, "--db", lap
    )
    assert code == 0, err


def test_conflicts_list_and_resolve(sides, capsys):
    lap, off, tmp = sides
    run(capsys, "bundle", "export", "-o", tmp / "1.zip", "--db", lap)
    run(capsys, "bundle", "import", tmp / "1.zip", "--db", off)
    with open_database(off) as o, open_database(lap) as la:
        p = o.premises.list(limit=1)[0]
        o.premises.save(dataclasses.replace(p, phone="13900000001"), "office")
        la.premises.save(dataclasses.replace(la.premises.get(p.id), phone="13900000002"), "wang")
    run(capsys, "bundle", "export", "-o", tmp / "2.zip", "--db", lap)
    code, out, err = run(capsys, "bundle", "import", tmp / "2.zip", "--db", off)
    assert code == 0 and "1 conflict(s) to decide" in out
    code, out, err = run(capsys, "conflicts", "list", "--db", off, "--json")
    [c] = json.loads(out)["conflicts"]
    assert c["entity"] == "premises" and c["local"]["phone"] == "13900000001"
    code, out, err = run(capsys, "conflicts", "list", "--db", off)
    assert c["id"][:8] in out and "changed here and on the other side" in out
    code, out, err = run(
        capsys, "conflicts", "resolve", c["id"][:8], "--keep", "sideways", "--db", off
    )
    assert code == 2 and "keep" in err
    code, out, err = run(
        capsys, "conflicts", "resolve", c["id"][:8], "--keep", "incoming", "--db", off
    )
    assert code == 0 and "kept incoming" in out
    with open_database(off) as o:
        assert o.premises.get(p.id).phone == "13900000002"
    code, out, err = run(capsys, "conflicts", "list", "--db", off)
    assert "no open conflicts" in out
    code, out, err = run(
        capsys, "conflicts", "resolve", "nonexistent", "--keep", "local", "--db", off
    )
    assert code == 2 and "no conflict" in err


def _resigned(bundle, out, identity, edit_line):
    """The bundle with every inspection line passed through *edit_line*, manifest re-signed."""
    import hashlib

    with zipfile.ZipFile(bundle) as src:
        items = {i.filename: src.read(i) for i in src.infolist()}
    body = items["records/inspections.jsonl"].splitlines(keepends=True)
    items["records/inspections.jsonl"] = b"".join(edit_line(n, x) for n, x in enumerate(body))
    manifest = json.loads(items["manifest.json"])
    for name, data in items.items():
        if name in manifest["entries"]:
            manifest["entries"][name] = {
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
    items["manifest.json"] = json.dumps(manifest).encode()
    items["signature.der"] = identity.sign(items["manifest.json"])
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in items.items():
            dst.writestr(name, data)
    return out


def test_a_refused_import_lists_every_bad_record(sides, capsys):
    lap, off, tmp = sides
    bundle = tmp / "field.zip"
    assert run(capsys, "bundle", "export", "-o", bundle, "--db", lap)[0] == 0
    identity = keys.load_identity(keys_dir(lap), PASS.encode())

    def edit(n, line):
        if n in (1, 3):  # two records with a verdict that is not one
            obj = json.loads(line)
            obj["verdict"] = "maybe"
            return json.dumps(obj, ensure_ascii=False).encode() + b"\n"
        return line

    bad = _resigned(bundle, tmp / "bad.zip", identity, edit)
    code, out, err = run(capsys, "bundle", "import", bad, "--db", off)
    assert code == 1
    assert "stage 4 (records)" in err and "(and 1 more problem)" in err
    listed = [x.strip() for x in err.splitlines() if x.startswith("  records/")]
    assert listed == [
        "records/inspections.jsonl line 2: inspection.verdict: must be pass or fail",
        "records/inspections.jsonl line 4: inspection.verdict: must be pass or fail",
    ]
    code, out, err = run(capsys, "bundle", "import", bad, "--db", off, "--json")
    rejection = json.loads(out)["rejection"]
    assert rejection["problem_count"] == 2 and len(rejection["problems"]) == 2
