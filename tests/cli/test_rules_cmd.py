"""`inspector-app rules list|show|export|check` through the real command."""

from __future__ import annotations

import json

from inspector_app.cli.main import main


def run(capsys, *argv):
    code = main(["rules", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_marks_the_edition_in_force_on_a_date(capsys):
    code, out, _ = run(
        capsys, "list", "--family", "fuel_dispenser", "--date", "2024-04-30", "--json"
    )
    assert code == 0
    rows = {r["ruleset"]: r for r in json.loads(out)}
    assert rows["JJG 443-2015"]["in_force_on_date"] is True
    assert rows["JJG 443-2023"]["in_force_on_date"] is False
    assert rows["JJG 443-2015"]["in_force"] == {"start": "2015-01-01", "end": "2024-04-30"}
    assert rows["OIML R 117-1"]["in_force"] is None
    code, out, _ = run(capsys, "list", "--family", "refractometer")
    assert code == 0 and "JJG 892-2011" in out and "2022-12-28 – in force" in out
    code, _, err = run(capsys, "list", "--date", "someday")
    assert code == 2 and "--date" in err


def test_show_lists_clauses_and_data(capsys):
    code, out, _ = run(capsys, "show", "JJG 1204", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["ruleset"] == "JJG 1204-2025" and doc["in_force"]["start"] == "2027-01-08"
    keys = {r["key"]: r for r in doc["rules"]}
    assert keys["self_lock"]["clause"].startswith("JJG 1204-2025 6.4")
    assert keys["mpe_table"]["confidence"] == "unconfirmed"
    code, out, _ = run(capsys, "show", "JJG 952-2014")
    assert code == 0 and "❓" in out and "asymmetry" in out
    code, _, err = run(capsys, "show", "JJG 99")
    assert code == 2 and "unknown rule set" in err


def test_export_then_check_a_filled_in_file(capsys, tmp_path):
    path = tmp_path / "rule-data.json"
    code, _, err = run(capsys, "export", "--family", "pd_meter", "-o", str(path))
    assert code == 0 and "2 rules written" in err
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == "" and [o["key"] for o in doc["overrides"]] == ["pd", "asymmetry"]
    code, _, err = run(capsys, "check", str(path))
    assert code == 2 and "version" in err  # the office must name its version
    doc["version"] = "office-2026-12"
    doc["overrides"] = [
        {
            **doc["overrides"][0],
            "data": "0.5",
            "confidence": "confirmed",
            "clause": "JJG 952-2014 5.2",
        }
    ]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path), "--json")
    assert code == 0
    change = json.loads(out)["changes"][0]
    assert (change["from"], change["to"], change["removes_warning"]) == ("1", "0.5", True)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and '"1" → "0.5" (confirmed; JJG 952-2014 5.2)' in out


def test_export_to_stdout_and_all(capsys):
    code, out, _ = run(capsys, "export", "--family", "fuel_dispenser")
    some = json.loads(out)["overrides"]
    code, out, _ = run(capsys, "export", "--family", "fuel_dispenser", "--all")
    every = json.loads(out)["overrides"]
    assert code == 0 and len(every) > len(some)
    assert any(o["key"] == "cubic_inch" for o in every)  # confirmed, only with --all


def test_unreadable_and_unwritable_files(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path / "nope.json"))
    assert code == 2 and "cannot read" in err
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "no" / "dir.json"))
    assert code == 2 and "cannot write" in err
