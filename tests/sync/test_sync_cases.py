"""Enforcement cases travel in bundles both ways and move forward only: a decided case keeps
changing (execution, orders, closure) on either side, each bundle may only add events to
what the other side knows, never rewrite sealed content; a case changed on both sides is
kept as a conflict with one sentence; every field of a case line is checked as untrusted
input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sync_world import add_inspection_with_photo, lines, read_entries, resign, set_lines, write_zip

from inspector_app.domain.cases import ArticleRef, CaseOfficer, Decision, Evidence
from inspector_app.domain.errors import InputError
from inspector_app.services import case_common, case_lists
from inspector_app.services import cases as cs
from inspector_app.services.sync import (
    export_bundle,
    import_bundle,
    list_conflicts,
    resolve_conflict,
)
from inspector_app.store.case_bundles import bundle_events

NAME = "records/cases.jsonl"
OFFICERS = [CaseOfficer("李建国", "34010020230001"), CaseOfficer("张伟", "34010020230002")]
CHEAT = [ArticleRef("jmsc-2025-trader-duties", "2025")]
PENALTY = [ArticleRef("jlfsxz-2022-48", "2022")]


def _decided_case(store):
    """A case from a complaint about a stall, filed, noticed and decided (sealed)."""
    insp = add_inspection_with_photo(store)
    opened = cs.open_case(
        store,
        actor="李建国",
        clue_date="2025-03-03",
        officers=OFFICERS,
        complaint="顾客投诉短秤",
        premises_id=insp.premises_id,
        facts="电子计价秤加装作弊按键",
    )
    c = opened.case
    cs.add_evidence(store, c.id, [Evidence("inspection", insp.id, "现场检查")], "李建国")
    cs.advance(store, c.id, "filed", on="2025-03-05", actor="李建国", violated=CHEAT)
    cs.advance(store, c.id, "investigated", on="2025-03-10", actor="李建国")
    cs.advance(store, c.id, "notified", on="2025-03-12", actor="李建国", penalty=PENALTY)
    c, _ = cs.decide(
        store,
        c.id,
        Decision(fine=Decimal("2000"), confiscation=["instrument"]),
        on="2025-03-20",
        actor="李建国",
    )
    return c


def _field(world, name):
    lap = world["laptop"]
    return export_bundle(lap.store, lap.identity, world["dir"] / name, direction="field")


def _office(world, name):
    o = world["office"]
    return export_bundle(o.store, o.identity, world["dir"] / name, direction="office")


def _state(store, case_id):
    c = case_common.repo(store).get(case_id)
    return (
        c.as_dict(),
        bundle_events(store.conn, case_id),
        case_common.repo(store).evidence(case_id),
    )


def test_a_case_moves_forward_both_ways_and_stays_sealed(world):
    lap, office = world["laptop"], world["office"]
    case = _decided_case(lap.store)
    b1 = _field(world, "f1.zip")
    assert b1.counts["cases"] == 1
    report = import_bundle(office.store, b1.path)
    assert report.status == "imported", report.message()
    assert report.tables["cases"] == {"new": 1}
    assert _state(office.store, case.id) == _state(lap.store, case.id)
    assert case_common.repo(office.store).seal_problems() == []
    # the office counts one case, one premises punished and the fine
    stats = case_lists.case_statistics(office.store)
    assert (stats["opened"], stats["decided"], stats["premises_punished"]) == (1, 1, 1)
    assert stats["fines"] == "2000"

    # nothing new on the laptop: the case is not sent again
    lap_store = lap.store
    cs.execute(lap_store, case.id, on="2025-03-28", actor="李建国")  # paid on the laptop
    b2 = _field(world, "f2.zip")
    assert b2.counts["cases"] == 1
    report = import_bundle(office.store, b2.path)
    assert report.tables["cases"] == {"updated": 1}, report.tables
    assert case_common.repo(office.store).get(case.id).status == "executed"
    assert _state(office.store, case.id) == _state(lap.store, case.id)

    # the office closes it; the laptop takes the closure from the office bundle
    cs.close(office.store, case.id, on="2025-04-01", actor="科长")
    report = import_bundle(lap.store, _office(world, "o1.zip").path)
    assert report.status == "imported", report.message()
    assert report.tables["cases"] == {"updated": 1}
    closed = case_common.repo(lap.store).get(case.id)
    assert closed.status == "closed" and closed.content_hash
    assert _state(office.store, case.id) == _state(lap.store, case.id)
    assert case_common.repo(lap.store).seal_problems() == []

    # the office's older bundle (before closure) is behind: nothing changes
    again = import_bundle(office.store, _field(world, "f3.zip").path)
    assert again.status == "imported", again.message()
    assert again.tables.get("cases", {}).get("new", 0) == 0


def test_a_stale_bundle_changes_nothing(world):
    lap, office = world["laptop"], world["office"]
    case = _decided_case(lap.store)
    old = _field(world, "old.zip")
    cs.execute(lap.store, case.id, on="2025-03-28", actor="李建国")
    import_bundle(office.store, _field(world, "new.zip").path)
    assert case_common.repo(office.store).get(case.id).status == "executed"
    report = import_bundle(office.store, old.path)  # exported earlier, imported later
    assert report.status == "imported", report.message()
    assert report.tables["cases"] == {"stale": 1}
    assert case_common.repo(office.store).get(case.id).status == "executed"


def test_a_case_changed_on_both_sides_is_a_conflict_and_left_alone(world):
    lap, office = world["laptop"], world["office"]
    case = _decided_case(lap.store)
    import_bundle(office.store, _field(world, "f1.zip").path)
    cs.execute(office.store, case.id, on="2025-03-27", actor="科长")
    cs.execute(lap.store, case.id, on="2025-03-28", actor="李建国")
    before = _state(office.store, case.id)
    report = import_bundle(office.store, _field(world, "f2.zip").path)
    assert report.status == "imported", report.message()
    assert report.tables["cases"] == {"conflict": 1} and report.conflicts == 1
    assert _state(office.store, case.id) == before
    (c,) = [x for x in list_conflicts(office.store) if x.entity == "case"]
    assert "changed here and on the other side" in c.reason and case.case_no in c.reason
    with pytest.raises(InputError, match="never rewritten"):
        resolve_conflict(office.store, c.id, "incoming", "科长")
    assert resolve_conflict(office.store, c.id, "local", "科长") == "local"


def test_two_laptops_number_their_cases_apart_and_both_import_without_conflict(world):
    """Each laptop numbers its own cases (2025-<device code>-0001); no coordination is
    needed for the office to take both."""
    lap, lap2, office = world["laptop"], world["laptop2"], world["office"]
    first = _decided_case(lap.store)
    second = _decided_case(lap2.store)
    assert first.case_no.startswith("2025-") and first.case_no.endswith("-0001")
    assert second.case_no.endswith("-0001") and first.case_no != second.case_no
    b1 = export_bundle(lap.store, lap.identity, world["dir"] / "l1.zip", direction="field")
    b2 = export_bundle(lap2.store, lap2.identity, world["dir"] / "l2.zip", direction="field")
    for b in (b1, b2):
        report = import_bundle(office.store, b.path)
        assert report.status == "imported", report.message()
        assert report.tables["cases"] == {"new": 1}, report.tables
    assert [x for x in list_conflicts(office.store) if x.entity == "case"] == []
    here = {c.case_no: c.id for c in case_common.repo(office.store).all()}
    assert here == {first.case_no: first.id, second.case_no: second.id}
    assert case_common.repo(office.store).seal_problems() == []
    # the short number is ambiguous at the office: both are named, none is guessed
    with pytest.raises(InputError, match="matches 2 cases") as err:
        case_common.resolve(office.store, "2025-0001")
    assert first.case_no in str(err.value) and second.case_no in str(err.value)
    assert case_common.resolve(office.store, second.case_no).id == second.id


def test_a_case_number_taken_here_by_another_case_is_a_conflict(world, monkeypatch):
    """Two devices that drew the same code (or numbers made before codes) still never merge
    two cases into one: the incoming case is kept as a conflict."""
    monkeypatch.setattr(cs, "device_code", lambda device_id: "KMPX")
    lap, office = world["laptop"], world["office"]
    _decided_case(lap.store)
    insp = add_inspection_with_photo(office.store)
    mine = cs.open_case(
        office.store,
        actor="科长",
        clue_date="2025-02-01",
        officers=OFFICERS,
        complaint="电话举报",
        premises_id=insp.premises_id,
    ).case
    assert mine.case_no == "2025-KMPX-0001"
    report = import_bundle(office.store, _field(world, "f.zip").path)
    assert report.status == "imported" and report.tables["cases"] == {"conflict": 1}
    (c,) = [x for x in list_conflicts(office.store) if x.entity == "case"]
    assert "case number 2025-KMPX-0001 is used here by another case" in c.reason


def _bad(world, items, line, name):
    path = world["dir"] / f"bad-{name}.zip"
    write_zip(path, resign(set_lines(items, NAME, [line]), world["laptop"].identity))
    return import_bundle(world["office"].store, path)


def test_every_field_is_checked_and_sealed_content_cannot_be_rewritten(world):
    lap, office = world["laptop"], world["office"]
    _decided_case(lap.store)
    items = read_entries(_field(world, "f.zip").path)
    (line,) = lines(items, NAME)
    cases = [
        (lambda x: x["case"]["decision"].update(fine="200"), "case.case.decided_hash"),
        (lambda x: x["case"].update(facts="改写的事实"), "does not match the decided content"),
        (lambda x: x["evidence"].pop(), "case.case.decided_hash"),
        (lambda x: x["case"].update(status="closed"), "case.case.dates"),
        (lambda x: x["case"].update(extra=1), "unknown field 'extra'"),
        (lambda x: x["case"]["party"].update(credit_code="123"), "case.case.party.credit_code"),
        (lambda x: x["case"]["officers"][0].update(name=" 李建国"), "normal form"),
        (lambda x: x["case"]["penalty"][0].update(edition="1987"), "belongs to the 2022"),
        (lambda x: x["case"]["dates"].update(filed="2025-02-30"), "not a real date"),
        (lambda x: x["case"]["decision"].update(fine=2000), "decimal text"),
        (lambda x: x["events"].pop(), "the last event leaves the case decided"),
        (lambda x: x["events"][0].update(at="2025-13-01T00:00Z"), "events[0].at"),
        (lambda x: x["events"][1]["detail"].update(x="nan"), "events[1].detail"),
        (lambda x: x["case"].update(public_notice=1), "must be true or false"),
        (lambda x: x["case"]["services"][0].update(method="pigeon"), "method of service"),
    ]
    for n, (edit, words) in enumerate(cases):
        changed = lines(items, NAME)[0]
        edit(changed)
        report = _bad(world, items, changed, str(n))
        assert report.status == "rejected" and words in report.message(), (n, report.message())
    assert office.store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0

    # a fine beyond the legal range is refused even with the hash made to match
    from inspector_app.domain import cases as dc
    from inspector_app.sync.case_lines import parse_case

    good = parse_case(line)
    good["case"].decision.fine = Decimal("5000")
    good["case"].decided_hash = dc.decided_hash(good["case"], good["evidence"])
    forged = dict(line, case=good["case"].as_dict())
    report = _bad(world, items, forged, "range")
    assert report.status == "rejected" and "outside the range" in report.message()
    # the line as sent still imports
    assert _bad(world, items, line, "fine").status == "imported"


def test_a_laptop_keeps_only_cases_it_holds(world):
    lap, lap2, office = world["laptop"], world["laptop2"], world["office"]
    case = _decided_case(lap.store)
    import_bundle(office.store, _field(world, "f.zip").path)
    report = import_bundle(lap2.store, _office(world, "o.zip").path)
    assert report.status == "imported", report.message()
    assert report.tables["cases"] == {"skipped": 1}
    assert case_common.repo(lap2.store).get(case.id) is None


def _followups(store, case_id):
    return [
        dict(r)
        for r in store.conn.execute(
            "SELECT id, premises_id, inspector, due_date, campaign_id, done_visit_id"
            " FROM assignments WHERE campaign_id = ? ORDER BY id",
            (f"case:{case_id}",),
        )
    ]


def test_an_order_made_in_the_field_puts_its_re_inspection_on_the_office_list_once(world):
    lap, office = world["laptop"], world["office"]
    case = _decided_case(lap.store)
    _, order, _ = cs.order(
        lap.store, case.id, on="2025-03-21", actor="李建国", days=7, inspector="张伟"
    )
    (on_laptop,) = _followups(lap.store, case.id)
    assert on_laptop["id"] == order.assignment_id and on_laptop["inspector"] == "张伟"
    assert _followups(office.store, case.id) == []

    report = import_bundle(office.store, _field(world, "f1.zip").path)
    assert report.status == "imported", report.message()
    assert _followups(office.store, case.id) == [on_laptop]  # same id, inspector, due date

    # the case moves on in the field (paid) and comes again: no second assignment
    cs.execute(lap.store, case.id, on="2025-03-28", actor="李建国")
    report = import_bundle(office.store, _field(world, "f2.zip").path)
    assert report.tables["cases"] == {"updated": 1}, report.tables
    assert _followups(office.store, case.id) == [on_laptop]
    again = import_bundle(office.store, _field(world, "f2.zip").path)
    assert again.status == "imported" and "new" not in again.tables.get("cases", {}), again.tables
    assert len(_followups(office.store, case.id)) == 1
    # and the office's bundle back to the laptop leaves the laptop with its one assignment
    report = import_bundle(lap.store, _office(world, "o1.zip").path)
    assert report.status == "imported", report.message()
    assert len(_followups(lap.store, case.id)) == 1
