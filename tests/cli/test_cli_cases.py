"""``inspector-app case …`` through the real entry point, as an inspector would use it: a
cheating scale found at a market stall becomes a case with an order to correct, is decided,
re-inspected and closed; ``stats`` counts one case, one premises punished and the fine."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from case_world import cheating_inspection, notified_case
from disk_full import fill_disk

from inspector_app.cli.main import main

OFFICERS = ["--officer", "李建国:34010020230001", "--officer", "张伟:34010020230002"]


# deciding the first case on 2025-03-20, the first day after notified_case's reply window
DECIDE_ON = ["decide", "2025-0001", "--on", "2025-03-20"]
DECIDE = [*DECIDE_ON, "--fine", "1500"]


def run(capsys, db, *argv):
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cases(capsys, db_path):
    """``inspector-app case ACTION ARGS…`` on the test's database: (exit code, standard
    output, standard error)."""
    return lambda *argv: run(capsys, db_path, "case", *argv)


def show_json(cases, ident: str = "2025-0001") -> dict:
    """``case show ID --json``, read."""
    code, out, err = cases("show", ident, "--json")
    assert code == 0, err
    return json.loads(out)


def new_referral(cases, stall) -> None:
    """Case 2025-0001: a referral (移送) about the stall on 2025-03-03, with two officers."""
    new = ["new", "--premises", stall[0].id, "--referral", "区局移送", "--clue-date", "2025-03-03"]
    code, _, err = cases(*new, *OFFICERS)
    assert code == 0, err


def test_case_from_finding_to_closure(store, stall, db_path, capsys, cases):
    inspection = cheating_inspection(store, stall, visit=False)
    code, out, err = cases(
        "new",
        "--from-inspection",
        inspection[:8],
        "--clue-date",
        "2025-03-03",
        *OFFICERS,
        "--json",
    )
    assert code == 0, err
    case = json.loads(out)
    # the full number carries the laptop's code; the short 2025-0001 still finds it below
    assert re.fullmatch(r"2025-[A-Z]{4}-0001", case["case_no"]), case["case_no"]
    assert case["status"] == "clue" and case["cheating"]
    assert case["deadlines"][0] == {
        "key": "filing",
        "due": "2025-03-24",
        "basis": "15 working days from the clue (testing time not counted)",
        "warnings": [],
        "overdue": True,  # judged as of today
    }
    code, out, err = cases("order", "2025-0001", "--on", "2025-03-03", "--days", "7")
    assert code == 0 and "order to correct by 2025-03-10" in out and "work list" in out
    due = store.conn.execute(
        "SELECT due_date FROM assignments WHERE campaign_id LIKE 'case:%'"
    ).fetchone()[0]
    assert due == "2025-03-10"
    # overdue as of 2025-03-11 (the correction), not as of 2025-03-05
    code, out, _ = cases("list", "--overdue", "--today", "2025-03-11", "--json")
    assert [r["overdue"] for r in json.loads(out)["cases"]] == [["correction"]]
    code, out, _ = cases("list", "--overdue", "--today", "2025-03-05")
    assert out.strip() == "no cases overdue"

    steps = [
        ("file", "--on", "2025-03-05", "--violated", "jmsc-2025-trader-duties"),
        ("investigate", "--on", "2025-03-10"),
        ("notify", "--on", "2025-03-12", "--penalty", "jlfsxz-2022-48@2022"),
    ]
    for step in steps:
        code, out, err = cases(step[0], "2025-0001", *step[1:])
        assert code == 0, err
    assert "is partial" in err  # the article's unconfirmed number is shown
    code, _, err = cases(*DECIDE_ON, "--fine", "2500")
    assert code == 2 and "outside the range" in err and "up to ¥2000" in err
    code, _, err = cases(*DECIDE_ON, "--fine", "abc", "--json")
    assert code == 2 and json.loads(err)["error"]["path"] == "fine"
    code, out, err = cases(
        *DECIDE_ON, "--fine", "2000", "--confiscate", "instrument", "--public-notice", "--json"
    )
    assert code == 0, err
    decided = json.loads(out)
    assert decided["status"] == "decided" and len(decided["decided_hash"]) == 64
    assert decided["penalty"][0]["citation_zh"].endswith("第四十八条")
    assert any(d["key"] == "payment" and d["due"] == "2025-04-07" for d in decided["deadlines"])

    assert cases("execute", "2025-0001", "--on", "2025-03-28")[0] == 0
    code, _, err = cases("close", "2025-0001", "--on", "2025-04-01")
    assert code == 2 and "no re-inspection" in err
    code, _, err = cases("check", "2025-0001", "--corrected", "yes", "--on", "2025-03-31")
    assert code == 0, err
    code, out, err = cases("close", "2025-0001", "--on", "2025-04-01", "--json")
    closed = json.loads(out)
    assert code == 0 and closed["status"] == "closed" and len(closed["content_hash"]) == 64
    assert [e["action"] for e in closed["events"]][-1] == "close"

    code, out, _ = run(
        capsys, db_path, "stats", "--from", "2025-01-01", "--to", "2025-12-31", "--json"
    )
    counted = json.loads(out)["cases"]
    assert (counted["opened"], counted["closed"], counted["premises_punished"]) == (1, 1, 1)
    assert counted["fines"] == "2000" and counted["cheating_cases"] == 1
    code, out, _ = run(capsys, db_path, "stats", "--from", "2025-01-01", "--to", "2025-12-31")
    assert "cases        1 opened, 1 closed, 1 decided; fines ¥2000; premises punished 1" in out

    code, out, _ = cases("show", "2025-0001")
    assert "sealed      closed" in out and "第四十八条  [partial]" in out


def test_articles_and_calendar_commands(tmp_path, cases):
    code, out, _ = cases("articles", "--json")
    arts = {a["id"]: a for a in json.loads(out)["articles"]}
    assert arts["jlfsxz-2022-43"]["range"] == "up to ¥1000"
    assert arts["jlfsxz-1987-46"]["edition"] == "1987"
    assert arts["dlbz-2005-18"]["range"].startswith("up to 3 × illegal gains")
    newer = tmp_path / "cal.toml"
    newer.write_text(
        'format = 1\nversion = "2099-01-01"\n[[years]]\nyear = 2027\nstatus = "published"\n'
        'holidays = [["2027-01-01", "2027-01-01"]]\nworkdays = []\n',
        encoding="utf-8",
    )
    code, out, _ = cases("calendar", str(newer), "--json")
    assert code == 0 and json.loads(out) == {
        "version": "2099-01-01",
        "years": [2027],
        "in_use": "2099-01-01",
    }
    bad = tmp_path / "bad.toml"
    bad.write_text('[[years]]\nyear = 2027\nstatus = "published"\nworkdays = ["2027-01-04"]\n')
    code, _, err = cases("calendar", str(bad))
    assert code == 2 and "not a weekend day" in err


def test_bad_input_is_one_sentence(cases):
    code, _, err = cases("new", "--complaint", "短秤", "--officer", "张伟")
    assert code == 2 and "NAME:CERTIFICATE_NO" in err
    code, _, err = cases("show", "2030-0001")
    assert code == 2 and "no case" in err
    code, _, err = cases(
        "new",
        "--complaint",
        "短秤",
        *OFFICERS,
        "--party",
        "某公司",
        "--credit-code",
        "913401000000000000",
    )
    assert code == 2 and "party.credit_code" in err


def test_order_document_signed_and_verified(
    store, stall, db_path, tmp_path, capsys, monkeypatch, cases
):
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "correct horse 42")
    assert run(capsys, db_path, "keys", "init", "--name", "张伟")[0] == 0
    new_referral(cases, stall)
    cases("order", "2025-0001", "--on", "2025-03-03", "--days", "5")
    out_pdf = tmp_path / "order.pdf"
    code, out, err = cases("document", "2025-0001", "-o", str(out_pdf), "--sign")
    assert code == 0 and "signed by 张伟" in out, err
    code, out, _ = run(capsys, db_path, "verify", str(out_pdf), "--json")
    assert code == 0 and json.loads(out)["status"] == "VALID"


def test_document_write_that_fails_leaves_no_broken_file(
    store, stall, tmp_path, monkeypatch, cases
):
    """The disk fills up half way through the PDF: no file under the name when there was
    none, the old file intact when there was one; exit 2 with one sentence."""
    new_referral(cases, stall)
    folder = tmp_path / "out"
    folder.mkdir()
    kept = folder / "kept.pdf"
    kept.write_bytes(b"%PDF- the filing form printed yesterday")
    fill_disk(monkeypatch, folder)
    document = ["document", "2025-0001", "--kind", "filing", "-o"]
    code, out, err = cases(*document, str(folder / "filing.pdf"))
    assert sorted(p.name for p in folder.iterdir()) == ["kept.pdf"]
    assert (code, out) == (2, "") and "the disk is full" in err, err
    code, out, err = cases(*document, str(kept))
    assert kept.read_bytes() == b"%PDF- the filing form printed yesterday"
    assert sorted(p.name for p in folder.iterdir()) == ["kept.pdf"]
    assert (code, out) == (2, "") and "the disk is full" in err, err
    monkeypatch.undo()
    code, out, err = cases(*document, str(kept))
    assert code == 0 and kept.read_bytes().startswith(b"%PDF-1"), err


def test_notice_with_proposal_and_decision_documents_verify(
    store, stall, db_path, tmp_path, capsys, monkeypatch, cases
):
    """notify --propose-fine keeps the proposal; the prior notice and the decision are
    printed, signed and VALID under verify; a document the case cannot have yet is exit 2."""
    monkeypatch.setenv("INSPECTOR_PASSPHRASE", "correct horse 42")
    assert run(capsys, db_path, "keys", "init", "--name", "李建国")[0] == 0
    inspection = cheating_inspection(store, stall, visit=False)
    new = ["new", "--from-inspection", inspection, "--clue-date", "2025-03-03"]
    assert cases(*new, *OFFICERS)[0] == 0
    out_pdf = tmp_path / "decision.pdf"
    code, _, err = cases("document", "2025-0001", "--kind", "decision", "-o", str(out_pdf))
    assert code == 2 and "is not decided" in err and not out_pdf.exists()
    for step in (
        ("file", "--on", "2025-03-05", "--violated", "jmsc-2025-trader-duties"),
        ("investigate", "--on", "2025-03-10"),
        ("notify", "--on", "2025-03-12", "--penalty", "jlfsxz-2022-48", "--propose-fine", "9000"),
    ):
        code, _, err = cases(step[0], "2025-0001", *step[1:])
    assert code == 2 and "outside the range" in err  # ¥9,000 > ¥2,000
    code, _, err = cases(
        "notify",
        "2025-0001",
        "--on",
        "2025-03-12",
        "--penalty",
        "jlfsxz-2022-48",
        "--propose-fine",
        "1500",
        "--propose-confiscate",
        "instrument",
    )
    assert code == 0, err
    assert cases(*DECIDE, "--confiscate", "instrument")[0] == 0
    early = tmp_path / "closure.pdf"
    code, _, err = cases("document", "2025-0001", "--kind", "closure", "-o", str(early))
    assert code == 2 and "neither carried out nor closed" in err and not early.exists()
    for kind in ("notice", "decision"):
        pdf = tmp_path / f"{kind}.pdf"
        code, out, err = cases(
            "document",
            "2025-0001",
            "--kind",
            kind,
            "--lang",
            "en",
            "-o",
            str(pdf),
            "--sign",
        )
        assert code == 0 and "signed by 李建国" in out, err
        code, out, _ = run(capsys, db_path, "verify", str(pdf), "--json")
        assert code == 0 and json.loads(out)["status"] == "VALID", kind


def test_decide_with_order_terms_writes_decision_and_order(store, stall, cases):
    """``case decide --order --days N`` writes the decision and its order in one write, as
    the cases window does: the case shows the order, its re-inspection is on the work list."""
    from inspector_app.services.campaigns import work_list

    case = notified_case(store, stall)
    code, out, err = cases(
        *DECIDE,
        "--order",
        "--days",
        "15",
        "--text",
        "更换合格的计价秤",
        "--inspector",
        "张伟",
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("case 2025-") and "  decided  " in lines[0]
    # 15 days from 03-20 end on 04-04, the Qingming holiday: the next working day
    assert re.fullmatch(
        r"case 2025-[A-Z]{4}-0001: order to correct by 2025-04-07"
        r" \(15 days from service of the order\)",
        lines[-2],
    ), lines[-2]
    assert lines[-1].startswith("re-inspection on the work list, due 2025-04-07 (")
    shown = show_json(cases)
    assert shown["status"] == "decided" and shown["decision"]["order_to_correct"]
    assert [(o["ordered_on"], o["deadline"], o["text"]) for o in shown["orders"]] == [
        ("2025-03-20", "2025-04-07", "更换合格的计价秤")
    ]
    assert [e["action"] for e in shown["events"]][-2:] == ["decide", "order"]
    due = [(a["due_date"], a["campaign_id"]) for a in work_list(store, "张伟")]
    assert due == [("2025-04-07", f"case:{case.id}")]


def test_decide_whose_order_cannot_be_written_stays_undecided(store, stall, monkeypatch, cases):
    from inspector_app.services import case_common

    notified_case(store, stall)

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(type(case_common.repo(store)), "upsert_followup", staticmethod(refuse))
    code, out, err = cases(*DECIDE, "--order", "--days", "15")
    assert code == 1 and out == "" and "disk I/O error" in err
    monkeypatch.undo()
    shown = show_json(cases)
    assert shown["status"] == "notified" and shown["decision"] is None
    assert shown["orders"] == [] and "decide" not in [e["action"] for e in shown["events"]]
    assert store.conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0


def test_decide_refuses_order_terms_it_cannot_use(store, stall, capsys, cases):
    notified_case(store, stall)
    for extra, message in (
        (["--days", "15"], "--days is a term of the order to correct: add --order"),
        (["--deadline", "2025-04-30"], "--deadline is a term of the order to correct: add --order"),
        (["--text", "改正"], "--text is a term of the order to correct: add --order"),
    ):
        code, out, err = cases(*DECIDE, *extra)
        assert (code, out) == (2, ""), extra
        assert err.strip().splitlines() == [f"inspector-app: {message}"], err
    with pytest.raises(SystemExit) as exit_:  # argparse: a deadline is a date or days
        cases(*DECIDE, "--order", "--days", "5", "--deadline", "2025-04-30")
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert show_json(cases)["status"] == "notified"


def test_decide_order_terms_without_deadline_take_the_default_days(
    store, stall, capsys, monkeypatch, cases
):
    """``--order`` with its text or inspector but no --deadline or --days: the order gets
    domain.cases.ORDER_DAYS days from service, the days the cases window offers, and the
    output says that it was the default."""
    from inspector_app.domain import cases as dc

    notified_case(store, stall)
    code, out, err = cases(*DECIDE, "--order", "--text", "更换合格的计价秤")
    assert code == 0, err
    assert re.fullmatch(
        r"case 2025-[A-Z]{4}-0001: order to correct by 2025-03-27 \(7 days from service of the"
        r" order; the default, as neither --deadline nor --days was given\)",
        out.splitlines()[-2],
    ), out
    assert out.splitlines()[-1].startswith("re-inspection on the work list, due 2025-03-27 (")
    orders = show_json(cases)["orders"]
    assert [(o["ordered_on"], o["deadline"], o["text"]) for o in orders] == [
        ("2025-03-20", "2025-03-27", "更换合格的计价秤")
    ]
    with pytest.raises(SystemExit):
        main(["case", "decide", "--help"])
    assert f"the default {dc.ORDER_DAYS} days" in " ".join(capsys.readouterr().out.split())
    monkeypatch.setattr(dc, "ORDER_DAYS", 3)  # one place says how many
    notified_case(store, stall)
    second = ["decide", "2025-0002", *DECIDE[2:], "--order"]
    code, out, err = cases(*second, "--inspector", "张伟", "--json")
    assert code == 0, err
    assert [(o["deadline"], o["basis"]) for o in json.loads(out)["orders"]] == [
        ("2025-03-24", "3 days from service of the order")  # 03-23 is a Sunday
    ]


def test_order_without_deadline_takes_the_default_days(store, stall, monkeypatch, cases):
    """``case order`` without --deadline or --days gives domain.cases.ORDER_DAYS days from
    service, as the cases window's order form offers, and says that it was the default."""
    from inspector_app.domain import cases as dc

    notified_case(store, stall)
    code, out, err = cases("order", "2025-0001", "--on", "2025-03-03", "--text", "更换计价秤")
    assert code == 0, err
    assert re.search(
        r"order to correct by 2025-03-10 \(7 days from service of the order; the default, as"
        r" neither --deadline nor --days was given\)",
        out,
    ), out
    monkeypatch.setattr(dc, "ORDER_DAYS", 3)  # one place says how many
    code, out, err = cases("order", "2025-0001", "--on", "2025-03-03", "--json")
    assert code == 0, err
    assert [o["deadline"] for o in json.loads(out)["orders"]] == ["2025-03-10", "2025-03-06"]
    code, out, err = cases("order", "2025-0001", "--on", "2025-03-03", "--days", "5")
    assert code == 0 and "the default" not in out, out


def test_decide_order_without_terms_only_marks_the_decision(store, stall, cases):
    """``--order`` alone behaves as before: the decision orders correction, no order is
    written (a script follows it with ``case order``)."""
    notified_case(store, stall)
    code, out, err = cases(*DECIDE, "--order")
    assert code == 0, err
    assert "order to correct" not in out
    shown = show_json(cases)
    assert shown["decision"]["order_to_correct"] and shown["orders"] == []
    assert store.conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0
