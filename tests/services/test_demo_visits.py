"""Demo visits: every inspection in a visit, market sweeps consistent with the inspections
opened from them, sealed as services/visits seals, campaigns counted as the bureau counts."""

import json

from inspector_app.cli.main import main
from inspector_app.domain.visits import validate_visit, visit_hash
from inspector_app.services import demo
from inspector_app.store import open_database
from inspector_app.store.visits import VisitRepo


def cli(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_demo_stats_show_markets_sweeps_and_campaigns(tmp_path, capsys):
    db = str(tmp_path / "d.db")
    code, _, err = cli(capsys, "demo", "--db", db, "--premises", "20", "--inspections", "300")
    assert code == 0, err
    market = json.loads(cli(capsys, "stats", "--db", db, "--kind", "market", "--json")[1])
    assert market["totals"]["markets"] > 0
    assert market["totals"]["swept"] > 0
    code, out, err = cli(
        capsys, "stats", "--db", db, "--campaign", "2026年集贸市场计量专项检查", "--json"
    )
    assert code == 0, err
    figures = json.loads(out)
    assert figures["totals"]["visits"] > 0
    assert figures["totals"]["pass_rate"] is not None
    assert figures["campaign"]["progress"]["assigned"] > 0
    cases = json.loads(cli(capsys, "stats", "--db", db, "--json")[1])["cases"]
    assert cases["opened"] > 0 and cases["decided"] > 0 and cases["cheating_cases"] > 0
    code, out, err = cli(capsys, "check", "--db", db)
    assert code == 0, out + err


def test_demo_visits_are_sealed_and_consistent(tmp_path):
    store = open_database(tmp_path / "v.db")
    counts = demo.generate(store, premises=30, inspections=600, seed=3)
    assert counts["visits"] > 0 and counts["sweep_rows"] > 0
    # enforcement cases from cheating findings, through the case service, up to closed
    states = dict(store.conn.execute("SELECT status, count(*) FROM cases GROUP BY status"))
    assert states.get("closed", 0) > 0 and states.get("decided", 0) > 0
    assert counts["cases"] == sum(states.values())
    conn = store.conn
    assert (
        conn.execute("SELECT count(*) FROM inspections WHERE visit_id IS NULL").fetchone()[0] == 0
    )
    repo = VisitRepo(store)
    ids = [r[0] for r in conn.execute("SELECT id FROM visits")]
    kinds = set()
    for vid in ids:
        v = repo.get(vid)
        rows = repo.rows(vid)
        kinds.add(v.kind)
        assert v.status == "finalized"
        assert visit_hash(v, rows) == v.content_hash, "sealed as the program seals"
        assert validate_visit(v, final=True) == v, "clean as the program would store it"
        assert v.finalized_at.endswith("+08:00") and v.started_at.endswith("+08:00")
        # one day, one premises (or one market) per visit
        days = {
            r[0][:10]
            for r in conn.execute("SELECT started_at FROM inspections WHERE visit_id = ?", (vid,))
        }
        assert days == {v.day}
        if v.market:
            registered = {
                r[0]
                for r in conn.execute(
                    "SELECT n.id FROM instruments n JOIN premises p ON p.id = n.premises_id"
                    " WHERE p.market = ? AND n.family = 'scale'",
                    (v.market,),
                )
            }
            assert {r.instrument_id for r in rows} == registered, "every registered scale"
            assert all(r.checked for r in rows)
        if v.kind == "covert":
            assert {"purchased_at", "amount_paid", "volume_measured"} <= set(v.covert)
        if v.kind != "routine":
            assert len(v.officers) >= 2 and all(o.certificate_no for o in v.officers)
        if v.duty_set:
            assert v.duties, "the duties of the premises are answered"
    assert {"routine", "campaign", "covert"} <= kinds
    # a row opened as a full inspection looks as the inspection came out
    linked = conn.execute(
        "SELECT s.seal, s.cheating, s.quick_verdict, s.note, i.verdict, i.checklist_json,"
        " EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"
        " FROM sweep_rows s JOIN inspections i ON i.id = s.inspection_id"
    ).fetchall()
    assert linked
    failed = 0
    for seal, cheating, quick, note, verdict, checklist, cheat in linked:
        assert seal == json.loads(checklist)["seals"]
        assert (cheating == "yes") == bool(cheat)
        if verdict == "pass":
            assert (seal, cheating, quick) in (("yes", "no", ""), ("yes", "no", "pass"))
        else:
            failed += 1
            assert seal == "no" or cheating == "yes" or quick == "fail" or note
    assert failed > 0
    unlinked_bad = conn.execute(
        "SELECT count(*) FROM sweep_rows WHERE inspection_id IS NULL AND (seal = 'no'"
        " OR cheating = 'yes' OR quick_verdict = 'fail')"
    ).fetchone()[0]
    assert unlinked_bad == 0, "a failing row is opened as a full inspection"
    store.close()
