"""`visit` and `campaign` commands and `stats --campaign --kind`: a market swept from a CSV,
finalized, ticked off the campaign's work list and counted with pass rates to two decimals."""

from __future__ import annotations

import json

from inspector_app.cli.main import main
from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.store import open_database

MARKET = "合肥市周谷堆农产品批发市场"


def seed(db, stalls=5):
    store = open_database(db)
    ids = []
    with store:
        for n in range(stalls):
            p = store.premises.save(
                Premises(
                    new_id(),
                    "market_stall",
                    f"摊位{n}",
                    city="合肥市",
                    market=MARKET,
                    stall_no=f"A{n}",
                )
            )
            ins = store.instruments.save(
                Instrument(
                    new_id(),
                    p.id,
                    "scale",
                    "友声",
                    "ACS-30",
                    f"S{n:04d}",
                    "",
                    "III",
                    {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"},
                )
            )
            ids.append(ins.id)
    return ids


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_market_campaign_from_the_command_line(db_path, tmp_path, capsys):
    ids = seed(db_path)
    db = ["--db", str(db_path)]
    code, out, _ = run(
        capsys,
        "campaign",
        "new",
        "集贸市场专项",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--kind",
        "market",
        "--json",
        *db,
    )
    assert code == 0 and json.loads(out)["kinds"] == ["market"]
    code, out, _ = run(
        capsys,
        "campaign",
        "assign",
        "集贸市场专项",
        "--inspector",
        "张伟",
        "--market",
        MARKET,
        "--due",
        "2026-12-20",
        "--json",
        *db,
    )
    assert code == 0 and len(json.loads(out)["assignments"]) == 1
    # enforcement work with one officer is refused at sealing, not at the start
    code, out, _ = run(
        capsys,
        "visit",
        "new",
        "--market",
        MARKET,
        "--kind",
        "campaign",
        "--officer",
        "张伟:皖A001",
        "--campaign",
        "集贸市场专项",
        "--at",
        "2026-12-04T09:00+08:00",
        "--json",
        *db,
    )
    assert code == 0
    visit = json.loads(out)
    assert visit["counts"]["rows"] == 5 and visit["duty_set"] == "market"
    vid = visit["id"]
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "instrument_id,mark,seal,load,indication,cheating\n"
        f"{ids[0]},yes,yes,10,10.02,no\n"
        f"{ids[1]},yes,no,10,10.00,no\n"
        f"{ids[2]},yes,yes,10,10.05,yes\n"
        f"{ids[3]},perhaps,yes,10,,no\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "visit", "sweep", vid[:8], "--file", str(rows), "--json", *db)
    assert code == 2
    message = json.loads(err)["error"]["message"]
    assert "line 5, mark" in message and "nothing imported" in message
    rows.write_text(
        "\n".join(rows.read_text(encoding="utf-8").splitlines()[:4]) + "\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "visit", "sweep", vid[:8], "--file", str(rows), "--json", *db)
    assert code == 0 and json.loads(out)["counts"]["failed"] == 2
    code, out, _ = run(
        capsys, "visit", "duties", vid[:8], "fair_scale=no", "stop_cheating=yes", *db
    )
    assert code == 0 and "1 duties failed" in out
    code, _, err = run(capsys, "visit", "finalize", vid[:8], "--rest-ok", *db)
    assert code == 2 and "two officers" in err
    # the record keeper adds the second officer from the window; here the same through SQL-free API
    from inspector_app.domain.visits import Officer
    from inspector_app.services import visits as vs

    with open_database(db_path) as store:
        r = vs.repo(store)
        v = r.get(vid)
        v.officers.append(Officer("李娜", "皖A002"))
        r.save(v)
    code, out, _ = run(capsys, "visit", "finalize", vid[:8], "--rest-ok", "--json", *db)
    assert code == 0 and json.loads(out)["status"] == "finalized"
    code, out, _ = run(capsys, "visit", "show", vid, "--json", *db)
    shown = json.loads(out)
    assert shown["status"] == "finalized" and len(shown["content_hash"]) == 64
    assert [r["verdict"] for r in shown["rows"]] == ["pass", "fail", "fail", "pass", "pass"]
    code, out, _ = run(capsys, "campaign", "show", "集贸市场专项", "--json", *db)
    data = json.loads(out)
    assert data["progress"] == {"assigned": 1, "done": 1, "open": 0, "overdue": 0}
    code, out, _ = run(
        capsys, "stats", "--campaign", "集贸市场专项", "--kind", "market", "--json", *db
    )
    st = json.loads(out)
    t = st["totals"]
    assert (t["markets"], t["checked"], t["swept"], t["failed"], t["cheating"]) == (1, 5, 5, 2, 1)
    assert t["pass_rate"] == "60.00" and t["duties_failed"] == 1
    code, out, _ = run(capsys, "stats", "--campaign", "集贸市场专项", *db)
    assert "检查集贸市场1个，计量器具5台件" in out and "合格率60.00%" in out
    code, out, _ = run(capsys, "visit", "list", "--campaign", "集贸市场专项", "--json", *db)
    assert [v["id"] for v in json.loads(out)] == [vid]


def test_pass_rate_rounds_to_two_decimals():
    from inspector_app.services.campaigns import rate

    assert rate(2, 3) == "66.67" and rate(1, 3) == "33.33" and rate(0, 0) is None
    assert rate(1, 8) == "12.50"


def test_a_covert_purchase_is_recorded_with_the_visit(db_path, capsys):
    with open_database(db_path) as store:
        p = store.premises.save(
            Premises(new_id(), "filling_station", "中石化长江路加油站", city="合肥市")
        )
    db = ["--db", str(db_path)]
    code, _, err = run(
        capsys,
        "visit",
        "new",
        "--premises",
        p.id,
        "--kind",
        "covert",
        "--officer",
        "张伟:皖A001",
        "--covert",
        "amount_paid=two hundred",
        "--json",
        *db,
    )
    assert code == 2 and "visit.covert.amount_paid" in err
    code, out, _ = run(
        capsys,
        "visit",
        "new",
        "--premises",
        p.id,
        "--kind",
        "covert",
        "--officer",
        "张伟:皖A001",
        "--officer",
        "李娜:皖A002",
        "--covert",
        "purchased_at=2026-12-04T10:15+08:00",
        "--covert",
        "nozzle=3",
        "--covert",
        "receipt_no=00012345",
        "--covert",
        "amount_paid=２００.00",
        "--covert",
        "volume_displayed=25.00",
        "--covert",
        "volume_measured=24.62",
        "--json",
        *db,
    )
    assert code == 0
    vid = json.loads(out)["id"]
    code, out, _ = run(capsys, "visit", "show", vid, "--json", *db)
    shown = json.loads(out)
    assert shown["kind"] == "covert" and shown["duty_set"] == "fuel"
    assert shown["covert"] == {
        "purchased_at": "2026-12-04T10:15+08:00",
        "nozzle": "3",
        "receipt_no": "00012345",
        "amount_paid": "200.00",
        "volume_displayed": "25.00",
        "volume_measured": "24.62",
    }
