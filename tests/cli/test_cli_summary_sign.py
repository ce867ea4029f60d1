"""``summary --sign``: the summary signed with this device's key, like a report."""

from __future__ import annotations

import subprocess

from inspector_app.cli.main import main
from inspector_app.services.demo import generate
from inspector_app.store import open_database


def test_summary_signed_from_the_command_line(db_path, monkeypatch, capsys, tmp_path):
    store = open_database(db_path)
    generate(store, premises=4, inspections=12, seed=3)
    store.close()
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "cli passphrase 1")
    assert main(["--db", str(db_path), "keys", "init", "--name", "汇总 Office"]) == 0
    out = tmp_path / "s.pdf"
    code = main(["--db", str(db_path), "summary", "-o", str(out), "--sign"])
    _, err = capsys.readouterr()
    assert code == 0, err
    sig = subprocess.run(["pdfsig", str(out)], capture_output=True)
    assert "Signature is Valid" in sig.stdout.decode()
    unsigned = tmp_path / "u.pdf"
    assert main(["--db", str(db_path), "summary", "-o", str(unsigned)]) == 0
    sig = subprocess.run(["pdfsig", str(unsigned)], capture_output=True)
    assert "Signature #1" not in sig.stdout.decode()
