"""report, summary, verify, keys and trust on the command line: outputs and exit codes."""

from __future__ import annotations

import json

import pytest

from inspector_app.cli.main import main
from inspector_app.services.demo import generate
from inspector_app.store import open_database
from inspector_app.store.inspections import InspectionFilter


@pytest.fixture
def env(db_path, monkeypatch, tmp_path):
    store = open_database(db_path)
    generate(store, premises=8, inspections=20, seed=5)
    first = store.inspections.list(InspectionFilter(), limit=1)[0]
    store.close()
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "cli passphrase 1")
    return Env(first.id, first.inspector)


class Env(str):
    """The first inspection's id (a str, as before), with the name of its inspector."""

    def __new__(cls, value: str, inspector: str):
        obj = super().__new__(cls, value)
        obj.inspector = inspector
        return obj


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_keys_init_report_sign_verify(env, capsys, tmp_path, db_path):
    me = env.inspector
    code, out, _ = run(capsys, "keys", "init", "--name", me)
    assert code == 0 and me in out and "SHA-256" in out
    code, _, err = run(capsys, "keys", "init", "--name", "again")
    assert code == 2 and "never overwritten" in err
    pdf = tmp_path / "r.pdf"
    code, out, _ = run(capsys, "report", env[:8], "-o", str(pdf), "--sign", "--lang", "en")
    assert code == 0 and f"signed by {me}" in out and pdf.read_bytes().startswith(b"%PDF-")
    code, out, _ = run(capsys, "verify", str(pdf))
    assert code == 0 and out.startswith("VALID") and me in out and "matches the record" in out
    code, out, _ = run(capsys, "verify", str(pdf), "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "VALID" and data["record_check"] == "matches"
    assert data["signing_time"] and data["report_no"]
    # tampered copies
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdf.read_bytes() + b"junk")
    code, out, _ = run(capsys, "verify", str(bad))
    assert code == 3 and out.startswith("MODIFIED-AFTER-SIGNING")
    raw = bytearray(pdf.read_bytes())
    at = raw.index(b"stream", 2000) + 30
    raw[at] ^= 1
    bad.write_bytes(bytes(raw))
    code, out, _ = run(capsys, "verify", str(bad), "--json")
    assert code == 4 and json.loads(out)["status"] == "INVALID"
    assert json.loads(out)["exit_code"] == 4


def test_wrong_passphrase_and_missing_identity(env, capsys, tmp_path, monkeypatch):
    code, _, err = run(capsys, "report", env, "-o", str(tmp_path / "r.pdf"), "--sign")
    assert code == 2 and "keys init" in err
    run(capsys, "keys", "init", "--name", env.inspector)
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "not the passphrase")
    code, _, err = run(capsys, "report", env, "-o", str(tmp_path / "r.pdf"), "--sign")
    assert code == 2 and "passphrase is wrong" in err and not (tmp_path / "r.pdf").exists()


def test_unsigned_report_unknown_id_and_usage(env, capsys, tmp_path):
    code, out, _ = run(capsys, "report", env, "-o", str(tmp_path / "u.pdf"))
    assert code == 0 and "wrote" in out
    code, out, _ = run(capsys, "verify", str(tmp_path / "u.pdf"))
    assert code == 4 and out.startswith("INVALID") and "not signed" in out
    code, _, err = run(capsys, "report", "ffffffff-none", "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "no inspection" in err
    code, _, err = run(capsys, "verify", str(tmp_path / "missing.pdf"))
    assert code == 2 and "cannot read" in err
    (tmp_path / "note.txt").write_text("hello")
    code, out, _ = run(capsys, "verify", str(tmp_path / "note.txt"))
    assert code == 6 and out.startswith("UNREADABLE")
    with pytest.raises(SystemExit) as exc:
        main(["report", env])  # -o is required
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["report", env, "-o", "x.pdf", "--lang", "fr"])
    assert exc.value.code == 2


def test_trust_add_list_remove_makes_a_stranger_trusted(env, capsys, tmp_path, db_path):
    # a second device signs; this database does not trust it until its certificate is added
    other_db = tmp_path / "other" / "o.db"
    other_db.parent.mkdir()
    s = open_database(other_db)
    generate(s, premises=8, inspections=20, seed=5)
    s.close()
    name = env.inspector  # the same inspector on another laptop, with another key
    assert run(capsys, "--db", str(other_db), "keys", "init", "--name", name)[0] == 0
    pdf = tmp_path / "o.pdf"
    assert run(capsys, "--db", str(other_db), "report", env, "-o", str(pdf), "--sign")[0] == 0
    code, out, _ = run(capsys, "verify", str(pdf))
    assert code == 5 and out.startswith("UNTRUSTED")
    cert = tmp_path / "other.pem"
    assert run(capsys, "--db", str(other_db), "keys", "export-cert", "-o", str(cert))[0] == 0
    code, out, _ = run(capsys, "trust", "add", str(cert), "--name", "外勤笔记本 2")
    assert code == 0 and out.startswith("trusted")
    assert run(capsys, "trust", "add", str(cert))[1].startswith("already trusted")
    code, out, _ = run(capsys, "trust", "list", "--json")
    keys = json.loads(out)
    assert [k["name"] for k in keys] == ["外勤笔记本 2"]
    code, out, _ = run(capsys, "verify", str(pdf))
    assert code == 0 and out.startswith("VALID")  # same demo seed: the record is here too
    code, out, _ = run(capsys, "trust", "remove", keys[0]["fingerprint"][:10])
    assert code == 0 and "removed" in out
    assert run(capsys, "verify", str(pdf))[0] == 5
    code, _, err = run(capsys, "trust", "remove", "abc")
    assert code == 2 and "8 characters" in err
    (tmp_path / "junk.pem").write_text("not a certificate")
    code, _, err = run(capsys, "trust", "add", str(tmp_path / "junk.pem"))
    assert code == 2 and "not an X.509 certificate" in err


def test_summary_command(env, capsys, tmp_path):
    out_pdf = tmp_path / "s.pdf"
    code, out, _ = run(
        capsys,
        "summary",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "-o",
        str(out_pdf),
        "--lang",
        "en",
    )
    assert code == 0 and out_pdf.read_bytes().startswith(b"%PDF-")
    code, _, err = run(capsys, "summary", "--from", "yesterday", "-o", str(out_pdf))
    assert code == 2 and "not a date" in err


def test_summary_for_one_city(env, capsys, tmp_path, db_path):
    import subprocess

    store = open_database(db_path)
    city = store.conn.execute("SELECT city FROM premises WHERE city != '' LIMIT 1").fetchone()[0]
    store.close()
    out_pdf = tmp_path / "city.pdf"
    code, out, _ = run(capsys, "summary", "--city", city, "-o", str(out_pdf), "--lang", "en")
    assert code == 0 and f"wrote {out_pdf}" in out
    text = subprocess.run(
        ["pdftotext", str(out_pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert f"City: {city}" in text


def test_import_p12(env, capsys, tmp_path, monkeypatch):
    """An identity made by the office CA (key and certificate in a PKCS#12 file) signs; the
    laptop trusts the CA, not the inspector's certificate."""
    office = tmp_path / "office" / "office.db"
    office.parent.mkdir()
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "ca passphrase 1")
    assert run(capsys, "--db", str(office), "ca", "init", "--name", "合肥市局")[0] == 0
    p12 = tmp_path / "me.p12"
    monkeypatch.setenv("INSPECTOR_P12_PASSWORD", "p12 secret")
    code, out, _ = run(
        capsys, "--db", str(office), "ca", "issue", "--name", env.inspector,
        "--registration-no", "皖JL-2025-017", "-o", str(p12),
    )  # fmt: skip
    assert code == 0 and "serial" in out and p12.is_file()
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "cli passphrase 1")
    monkeypatch.setenv("INSPECTOR_P12_PASSWORD", "wrong")
    code, _, err = run(capsys, "keys", "import-p12", str(p12))
    assert code == 2 and "PKCS#12" in err
    monkeypatch.setenv("INSPECTOR_P12_PASSWORD", "p12 secret")
    code, out, _ = run(capsys, "keys", "import-p12", str(p12))
    assert code == 0 and env.inspector in out
    code, out, _ = run(capsys, "keys", "show", "--json")
    assert json.loads(out)["name"] == env.inspector
    pdf = tmp_path / "p.pdf"
    assert run(capsys, "report", env, "-o", str(pdf), "--sign")[0] == 0
    assert run(capsys, "verify", str(pdf))[0] == 0


def test_key_file_problems_are_one_sentence(env, capsys, tmp_path, db_path):
    import os

    from inspector_app.paths import keys_dir

    run(capsys, "keys", "init", "--name", env.inspector)
    key = keys_dir(db_path) / "identity.key.pem"
    os.chmod(key, 0o644)
    pdf = tmp_path / "r.pdf"
    code, out, err = run(capsys, "report", env, "-o", str(pdf), "--sign")
    assert code == 0 and "warning" in err and "other users" in err
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    key.write_bytes(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\ngarbage\n")
    code, _, err = run(capsys, "report", env, "-o", str(tmp_path / "x.pdf"), "--sign")
    assert code == 2 and "damaged" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    key.unlink()
    code, _, err = run(capsys, "report", env, "-o", str(tmp_path / "x.pdf"), "--sign")
    assert code == 2 and "is missing" in err and "keys rotate" in err
    assert not (tmp_path / "x.pdf").exists()


def test_rotate_keeps_old_reports_valid(env, capsys, tmp_path):
    run(capsys, "keys", "init", "--name", env.inspector, "--registration-no", "皖JL-9")
    old = tmp_path / "old.pdf"
    assert run(capsys, "report", env, "-o", str(old), "--sign")[0] == 0
    code, out, _ = run(capsys, "keys", "rotate")
    assert code == 0 and "history" in out
    code, out, _ = run(capsys, "keys", "history", "--json")
    rows = json.loads(out)
    assert len(rows) == 2 and rows[0]["retired_at"] is None and rows[1]["retired_at"]
    assert run(capsys, "verify", str(old))[0] == 0
    code, out, _ = run(capsys, "keys", "init", "--name", env.inspector, "--replace")
    assert code == 0 and len(json.loads(run(capsys, "keys", "history", "--json")[1])) == 3


def test_office_ca_request_issue_import_revoke(env, capsys, tmp_path, monkeypatch):
    office = tmp_path / "office" / "office.db"
    office.parent.mkdir()
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "ca passphrase 1")
    assert run(capsys, "--db", str(office), "ca", "init", "--name", "合肥市局")[0] == 0
    ca_pem = tmp_path / "ca.pem"
    assert run(capsys, "--db", str(office), "ca", "cert", "-o", str(ca_pem))[0] == 0
    # the laptop: its key, a request, the issued certificate back
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "cli passphrase 1")
    run(capsys, "keys", "init", "--name", env.inspector)
    csr = tmp_path / "me.csr"
    code, out, _ = run(capsys, "keys", "csr", "-o", str(csr), "--registration-no", "皖JL-5")
    assert code == 0 and csr.read_bytes().startswith(b"-----BEGIN CERTIFICATE REQUEST")
    issued = tmp_path / "issued.pem"
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "ca passphrase 1")
    code, out, _ = run(
        capsys, "--db", str(office), "ca", "issue", "--csr", str(csr), "-o", str(issued)
    )
    assert code == 0 and "serial" in out
    serial = out.split("serial ")[1].split(",")[0]
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "cli passphrase 1")
    code, out, _ = run(capsys, "keys", "import-cert", str(issued))
    assert code == 0 and "合肥市局" in out
    pdf = tmp_path / "r.pdf"
    assert run(capsys, "report", env, "-o", str(pdf), "--sign")[0] == 0
    # a third computer trusts only the CA
    third = tmp_path / "third" / "t.db"
    third.parent.mkdir()
    assert run(capsys, "--db", str(third), "verify", str(pdf))[0] == 5
    code, out, _ = run(capsys, "--db", str(third), "trust", "add", str(ca_pem))
    assert code == 0 and "CA" in out
    assert run(capsys, "--db", str(third), "verify", str(pdf))[0] == 0
    code, _, err = run(capsys, "--db", str(third), "trust", "add", str(ca_pem), "--as", "office")
    assert code == 2 and "as a CA only" in err
    # the office revokes from an hour ago; the office database knows it
    import datetime as dt

    since = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "ca passphrase 1")
    code, out, _ = run(
        capsys, "--db", str(office), "ca", "revoke", serial, "--time", since,
        "--reason", "key_compromise",
    )  # fmt: skip
    assert code == 0 and "revoked" in out
    code, out, _ = run(capsys, "--db", str(office), "trust", "revocations", "--json")
    assert [r["serial"] for r in json.loads(out)] == [serial]
    code, out, _ = run(capsys, "--db", str(office), "ca", "list", "--json")
    assert json.loads(out)[0]["revoked"]["reason"] == "key_compromise"
    code, out, _ = run(capsys, "--db", str(office), "verify", str(pdf), "--json")
    assert code == 9 and json.loads(out)["status"] == "REVOKED"
    code, _, err = run(capsys, "--db", str(office), "ca", "revoke", "123")
    assert code == 2 and "issued no certificate" in err


def test_verify_refuses_the_database_itself(env, capsys, db_path):
    """`verify` pointed at the database (or its write-ahead log) says so in one sentence
    instead of reading it as a PDF; the file is compared by stat, never opened."""
    before = db_path.read_bytes()
    code, out, err = run(capsys, "verify", str(db_path))
    assert code == 2 and out == "" and "is the program's database" in err
    assert "\n" not in err.strip() and "Traceback" not in err
    assert db_path.read_bytes() == before
