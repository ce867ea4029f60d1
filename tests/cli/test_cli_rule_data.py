"""`inspector-app rules override|versions` and the office marks of `rules list|show`, through
the real command on real database files."""

from __future__ import annotations

import json

import pytest

from inspector_app.cli.main import main
from inspector_app.domain.rules import ruledata

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def builtin_after():
    yield
    for v in ruledata.versions()[2:]:
        ruledata.uninstall(v)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dbs(tmp_path, capsys, monkeypatch, office_db_path):
    """An office database (on each engine) and a laptop's."""
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASS)
    out = {}
    for name in ("office", "laptop"):
        (tmp_path / name).mkdir()
        db = tmp_path / name / f"{name}.db"
        if name == "office" and office_db_path.name != "inspector.db":
            db = office_db_path  # on PostgreSQL: --db URL
        assert run(capsys, "--db", db, "keys", "init", "--name", name)[0] == 0
        out[name] = db
    assert run(capsys, "--db", out["office"], "role", "supervisor")[0] == 0
    return out


def _file(tmp_path, capsys, office) -> str:
    path = tmp_path / "rd.json"
    assert (
        run(capsys, "--db", office, "rules", "export", "--family", "pd_meter", "-o", path)[0] == 0
    )
    doc = json.loads(path.read_text(encoding="utf-8"))
    (pd,) = [o for o in doc["overrides"] if o["key"] == "pd"]
    pd.update(data="0.5", confidence="confirmed", clause="JJG 952-2014 5.2")
    doc.update(version="2027-01", overrides=[pd])
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_override_signs_installs_and_is_shown(dbs, tmp_path, capsys):
    office = dbs["office"]
    path = _file(tmp_path, capsys, office)
    code, out, err = run(capsys, "--db", office, "rules", "override", path, "--reason", "published")
    assert code == 0, err
    assert "rule data 2027-01 installed (replaces builtin-2; 1 office value(s)" in out
    code, out, _ = run(capsys, "--db", office, "rules", "show", "JJG 952-2014", "--json")
    doc = json.loads(out)
    rules = {r["key"]: r for r in doc["rules"]}
    assert doc["rule_data"] == "2027-01"
    assert rules["pd"]["office"] is True and rules["pd"]["confidence"] == "confirmed"
    assert rules["pd"]["data"] == "0.5" and rules["asymmetry"]["office"] is False
    code, out, _ = run(capsys, "--db", office, "rules", "list", "--family", "pd_meter")
    assert out.splitlines()[0] == "rule data: 2027-01"
    assert "office" in out.splitlines()[1]
    code, out, _ = run(capsys, "--db", office, "rules", "versions", "--json")
    (v,) = json.loads(out)
    assert v["version"] == "2027-01" and v["reason"] == "published" and v["source"] == "local"
    # evaluate on this database names the version and does not warn about the PD rule
    req = tmp_path / "req.json"
    req.write_text(
        json.dumps(
            {
                "family": "pd_meter",
                "ruleset": "JJG 952-2014",
                "check": "subsequent",
                "instrument": {},
                "tests": [{"kind": "pd", "items": [{"reference": "62", "reading": "62.5"}]}],
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--db", office, "evaluate", req)
    result = json.loads(out)
    assert result["rule_data"] == "2027-01" and result["verdict"] == "pass"
    assert not any("[pd]" in w for w in result.get("warnings", []))
    # the same version again is refused, naming it
    code, _, err = run(capsys, "--db", office, "rules", "override", path, "--reason", "again")
    assert code == 2 and "2027-01" in err and "exists already" in err


def test_override_refused_on_a_laptop_and_without_a_reason(dbs, tmp_path, capsys):
    path = _file(tmp_path, capsys, dbs["office"])
    code, _, err = run(capsys, "--db", dbs["laptop"], "rules", "override", path, "--reason", "x")
    assert code != 0 and "supervisor" in err
    code, out, _ = run(capsys, "--db", dbs["laptop"], "rules", "versions")
    assert "no rule data versions installed" in out
    with pytest.raises(SystemExit):
        main(["--db", str(dbs["office"]), "rules", "override", path])  # --reason is required
    capsys.readouterr()
