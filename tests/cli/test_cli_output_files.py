"""report, summary, campaign report, case document, bundle export (also to the province), export-list and
verify name the file they cannot write or read, in the sentence and with the exit status
offices script against: 2 for a PDF or a report to check, 1 for a bundle or a list export
(the commands share cli.common's read_file, write_file and writing)."""

from __future__ import annotations

import pytest
from case_world import cheating_inspection

from inspector_app.cli.main import main

PASS = "cli passphrase 1"
EXISTS = "File exists"  # the PDF's folder cannot be made: a file has its name
NOT_DIR = "Not a directory"
TOO_LONG = "File name too long"  # export-list checks the folder itself first


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "name", "code", "reason"),
    [
        (("report", "{inspection}", "-o", "{target}"), "r.pdf", 2, EXISTS),
        (("summary", "--from", "2025-01-01", "-o", "{target}"), "s.pdf", 2, EXISTS),
        (("campaign", "report", "春季专项", "-o", "{target}"), "c.pdf", 2, EXISTS),
        (
            ("case", "document", "2025-0001", "--kind", "site_record", "-o", "{target}"),
            "d.pdf",
            2,
            EXISTS,
        ),
        (("bundle", "export", "-o", "{target}"), "b.zip", 1, NOT_DIR),
        (("bundle", "export", "--to-province", "-o", "{target}"), "p.zip", 1, NOT_DIR),
        (("export-list", "-o", "{target}"), "list.csv", 1, TOO_LONG),
        (("export-list", "-o", "{target}"), "list.xlsx", 1, TOO_LONG),
    ],
)
def test_a_file_that_cannot_be_written_is_named(
    store, stall, capsys, monkeypatch, tmp_path, argv, name, code, reason
):
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", PASS)
    inspection = cheating_inspection(store, stall)
    assert run(capsys, "keys", "init", "--name", "李建国")[0] == 0
    new = ("campaign", "new", "春季专项", "--from", "2025-03-01", "--to", "2025-05-31")
    assert run(capsys, *new)[0] == 0
    officers = ("--officer", "李建国:34010020230001", "--officer", "张伟:34010020230002")
    assert (
        run(
            capsys,
            "case",
            "new",
            "--from-inspection",
            inspection,
            "--clue-date",
            "2025-03-03",
            *officers,
        )[0]
        == 0
    )
    if "--to-province" in argv:  # a city office's database, with a record it approved
        assert run(capsys, "role", "supervisor")[0] == 0
        assert run(capsys, "review", "approve", inspection)[0] == 0
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    target = tmp_path / ("长" * 90 + name) if reason == TOO_LONG else blocked / name
    got, out, err = run(capsys, *[a.format(inspection=inspection, target=target) for a in argv])
    assert (got, out) == (code, ""), err
    assert err == f"inspector-app: cannot write {target} ({reason})\n"
    assert blocked.read_text() == "not a folder"


def test_a_report_that_cannot_be_read_is_named(capsys, tmp_path):
    missing = tmp_path / "nowhere" / "report.pdf"
    code, out, err = run(capsys, "verify", str(missing))
    assert (code, out) == (2, "")
    assert err == f"inspector-app: cannot read {missing} (No such file or directory)\n"
