"""keys, ca and trust name the file they cannot read or write, in the sentence and with the
exit status offices script against (the commands share cli.common.read_file/write_file)."""

from __future__ import annotations

import pytest

from inspector_app.cli.main import main

NO_FILE = "No such file or directory"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def keyed(monkeypatch, capsys):
    """A signing identity and an office CA beside the test database."""
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "cli passphrase 1")
    assert run(capsys, "keys", "init", "--name", "王检")[0] == 0
    assert run(capsys, "ca", "init", "--name", "合肥市市场监督管理局")[0] == 0


@pytest.mark.parametrize(
    "argv",
    [
        ("keys", "import-cert", "{missing}"),
        ("keys", "import-p12", "{missing}"),
        ("trust", "add", "{missing}"),
        ("ca", "issue", "--csr", "{missing}", "-o", "{out}"),
    ],
)
def test_a_file_that_cannot_be_read_is_named(capsys, tmp_path, argv):
    missing = tmp_path / "nowhere" / "cert.pem"
    args = [a.format(missing=missing, out=tmp_path / "out.pem") for a in argv]
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err == f"inspector-app: cannot read {missing} ({NO_FILE})\n"


@pytest.mark.parametrize(
    "argv",
    [
        ("keys", "export-cert", "-o", "{target}"),
        ("keys", "csr", "-o", "{target}"),
        ("ca", "cert", "-o", "{target}"),
        ("ca", "issue", "--name", "张科员", "--registration-no", "皖JL-9", "-o", "{target}"),
    ],
)
def test_a_file_that_cannot_be_written_is_named(keyed, capsys, tmp_path, monkeypatch, argv):
    monkeypatch.setenv("INSPECTOR_P12_PASSWORD", "")
    (tmp_path / "a-file").write_text("not a folder")
    target = tmp_path / "a-file" / "out.pem"
    code, out, err = run(capsys, *[a.format(target=target) for a in argv])
    assert (code, out) == (2, "")
    assert err == f"inspector-app: cannot write {target} (File exists)\n"
    assert (tmp_path / "a-file").read_text() == "not a folder"
