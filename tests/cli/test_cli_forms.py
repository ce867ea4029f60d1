"""`inspector-app forms list|show|publish` through the real command on real database files:
the office edits the form in use, publishes it signed, and the laptop refuses to publish."""

from __future__ import annotations

import json

import pytest

from inspector_app.cli.main import main
from inspector_app.domain import forms

PASS = "correct horse battery"
ITEM = """
[[checklist]]
key = "price_sign"
group = "legal"
label = { zh = "明码标价与计量单位一致", en = "Price sign matches the unit" }
finding_text = { zh = "明码标价与计量单位不一致", en = "Price sign does not match the unit" }
"""


@pytest.fixture(autouse=True)
def builtin_forms_after():
    yield
    forms.install_published([])


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dbs(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASS)
    out = {}
    for name in ("office", "laptop"):
        (tmp_path / name).mkdir()
        db = tmp_path / name / f"{name}.db"
        assert run(capsys, "--db", db, "keys", "init", "--name", name)[0] == 0
        out[name] = db
    assert run(capsys, "--db", out["office"], "role", "supervisor")[0] == 0
    return out


def test_show_edit_publish_list(dbs, tmp_path, capsys):
    office = dbs["office"]
    code, out, _ = run(capsys, "--db", office, "forms", "list", "--json")
    rows = {r["family"]: r for r in json.loads(out)}
    assert code == 0 and rows["scale"]["version"] == "builtin-1"
    assert rows["scale"]["hash"] == forms.builtin_form("scale").hash
    code, text, _ = run(capsys, "--db", office, "forms", "show", "scale", "--toml")
    assert code == 0 and forms.form_hash(text.encode("utf-8")) == rows["scale"]["hash"]
    path = tmp_path / "scale.toml"
    path.write_text(text + ITEM, encoding="utf-8")
    code, out, err = run(
        capsys, "--db", office, "forms", "publish", "scale", path, "--reason", "price sign"
    )
    assert code == 0, err
    assert out.startswith("scale form office-1 published (hash ")
    code, out, _ = run(capsys, "--db", office, "forms", "show", "scale", "--json")
    info = json.loads(out)
    assert info["version"] == "office-1" and info["in_use"] is True
    assert "price_sign" in {q["key"] for q in info["checklist_items"]}
    assert info["hash"] == forms.form_hash(path.read_bytes())
    code, out, _ = run(capsys, "--db", office, "forms", "list", "--family", "scale")
    assert "builtin-1" in out and "office-1 (in use)" in out
    code, again, _ = run(capsys, "--db", office, "forms", "show", "scale", "--toml")
    assert again == path.read_text(encoding="utf-8")  # the published text, byte for byte
    code, out, _ = run(capsys, "--db", office, "forms", "show", "scale", "builtin-1", "--json")
    assert json.loads(out)["in_use"] is False


def test_publish_refusals_are_one_sentence(dbs, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(
        forms.builtin_form("scale")
        .path.read_text("utf-8")
        .replace('group = "legal"', 'group = "x"', 1),
        encoding="utf-8",
    )
    code, _, err = run(
        capsys, "--db", dbs["office"], "forms", "publish", "scale", path, "--reason", "r"
    )
    assert code == 2 and "form.checklist[0].group" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(
        capsys, "--db", dbs["laptop"], "forms", "publish", "scale", path, "--reason", "r"
    )
    assert code != 0 and "supervisor" in err
    code, _, err = run(capsys, "--db", dbs["office"], "forms", "show", "kettle")
    assert code == 2 and "no instrument family is called 'kettle'" in err
