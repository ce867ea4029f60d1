"""The certificate number ledger on the command line: list, void (audited, never reused),
and check naming a gap and listing void numbers."""

from __future__ import annotations

import json

from inspector_app.cli.main import main
from inspector_app.services.reports import report_data


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_void_and_check(store, samples, capsys):
    number = report_data(store, samples.scale.id, issue=True).certificate_no
    code, out, _ = run(capsys, "certificate", "list")
    assert code == 0 and number in out and "issued" in out
    code, _, err = run(capsys, "certificate", "void", number, "--reason", "  ", "--by", "王主任")
    assert code != 0 and "reason" in err
    code, out, _ = run(
        capsys, "certificate", "void", number, "--reason", "打印错误，未交付", "--by", "王主任"
    )
    assert code == 0 and f"void: {number}" in out and "new number" in out
    code, _, err = run(capsys, "certificate", "void", number, "--reason", "x", "--by", "王主任")
    assert code != 0 and "voided already" in err
    code, out, _ = run(capsys, "certificate", "list", "--void", "--json")
    listed = json.loads(out)
    assert code == 0 and [n["number"] for n in listed["numbers"]] == [number]
    assert listed["numbers"][0]["voided_by"] == "王主任" and listed["gaps"] == []
    # the next signed issue of the same certificate takes the next number
    assert report_data(store, samples.scale.id, issue=True).certificate_no.endswith("000002")
    # check: the void number is listed, not a problem
    code, out, _ = run(capsys, "check", "--json")
    result = json.loads(out)
    assert code == 0 and result["ok"], result["problems"]
    assert result["certificate_voids"][0]["number"] == number
    code, out, _ = run(capsys, "check")
    assert code == 0 and f"void certificate number {number}: 打印错误，未交付" in out
    # a deleted ledger row is a gap: check fails naming it, list says so
    store.conn.execute("DELETE FROM certificate_numbers WHERE number = ?", (number,))
    code, out, _ = run(capsys, "check")
    assert code == 1 and "MISMATCH certificate: certificate number 1 of 2026" in out
    code, out, _ = run(capsys, "certificate", "list")
    assert code == 1 and "GAP: number 1 of 2026" in out
