"""Enforcement cases end to end on a real database: a cheating scale found at a market stall
becomes a case, is filed, noticed, decided within the law, ordered to correct with a
follow-up on the work list, re-inspected and closed; every step audited and sealed; the
office counts one case, one premises punished and the fine."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from case_world import CHEAT, OFFICERS, PENALTY, cheating_inspection, notified_case

from inspector_app.domain.cases import ArticleRef, CaseOfficer, Decision, Party
from inspector_app.domain.errors import InputError
from inspector_app.services import case_common, case_deadlines, case_lists
from inspector_app.services import cases as cs
from inspector_app.store import audit


def test_cheating_scale_to_closed_case(store, stall):
    inspection = cheating_inspection(store, stall)
    opened = cs.open_case(
        store, actor="李建国", clue_date="2025-03-03", officers=OFFICERS, inspection_id=inspection
    )
    case = opened.case
    assert case.status == "clue" and case.cheating and case.premises_kind == "market_stall"
    assert case.party.name == "王芳蔬菜摊" and case.party.kind == "organisation"
    # the number carries this device's code, so another laptop's first case differs
    code = case_common.device_code(store.device_id)
    assert case.case_no == f"2025-{code}-0001" and case.visit_id
    assert len(code) == 4 and code.isalpha() and code == case_common.device_code(store.device_id)
    assert case.facts == "秤内加装作弊按键"
    ev = case_common.repo(store).evidence(case.id)
    assert ev[0].kind == "inspection" and ev[0].ref == inspection
    # one case per party per event
    with pytest.raises(InputError, match="2025-[A-Z]{4}-0001 already covers"):
        cs.open_case(
            store, actor="x", clue_date="2025-03-03", officers=OFFICERS, inspection_id=inspection
        )
    # filing deadline computed: clue Mon 2025-03-03 -> 2025-03-24
    dl = case_deadlines.deadlines(store, case, dt.date(2025, 3, 4))
    assert dl[0]["key"] == "filing" and dl[0]["due"] == "2025-03-24" and not dl[0]["overdue"]
    assert case_deadlines.deadlines(store, case, dt.date(2025, 3, 25))[0]["overdue"]

    # order to correct: 7 days from service, a follow-up on the work list due that day
    case, order, warnings = cs.order(store, case.id, on="2025-03-03", days=7, actor="李建国")
    assert order.deadline == "2025-03-10" and warnings == []
    a = case_common.repo(store).assignment(order.assignment_id)
    assert a["due_date"] == "2025-03-10" and a["inspector"] == "李建国"
    assert a["premises_id"] == stall[0].id

    cs.advance(store, case.id, "filed", on="2025-03-05", actor="李建国", violated=CHEAT)
    cs.advance(store, case.id, "investigated", on="2025-03-10", actor="李建国")
    cs.advance(store, case.id, "notified", on="2025-03-12", actor="李建国", penalty=PENALTY)
    # the party may reply until the 5th working day (2025-03-19): no decision before
    with pytest.raises(InputError, match="until 2025-03-19"):
        cs.decide(store, case.id, Decision(fine=Decimal("1500")), on="2025-03-18", actor="x")
    # outside the legal range of Art. 48 (up to ¥2,000): refused
    with pytest.raises(InputError, match="outside the range"):
        cs.decide(store, case.id, Decision(fine=Decimal("2000.01")), on="2025-03-20", actor="x")
    case, warnings = cs.decide(
        store,
        case.id,
        Decision(fine=Decimal("2000"), confiscation=["instrument"], order_to_correct=True),
        on="2025-03-20",
        actor="李建国",
        public_notice=True,
    )
    assert case.status == "decided" and case.decided_hash
    assert any("jlfsxz-2022-48" in w for w in warnings)  # partial confidence shown
    pay = [
        d
        for d in case_deadlines.deadlines(store, case, dt.date(2025, 3, 21))
        if d["key"] == "payment"
    ]
    assert pay[0]["due"] == "2025-04-07"  # 3/20 + 15 = 4/4, Qingming holiday -> Mon 4/7

    # sealed: the database refuses to change what the decision rests on
    with pytest.raises(sqlite3.IntegrityError, match="decided case"):
        with store.conn:
            store.conn.execute("UPDATE cases SET fine = '10' WHERE id = ?", (case.id,))
    with pytest.raises(sqlite3.IntegrityError, match="decided case"):
        with store.conn:
            store.conn.execute(
                "INSERT INTO case_evidence (case_id, seq, kind, ref) VALUES (?, 99, 'photo', 'x')",
                (case.id,),
            )

    cs.execute(store, case.id, on="2025-03-28", actor="李建国")
    with pytest.raises(InputError, match="no re-inspection"):
        cs.close(store, case.id, on="2025-04-01", actor="李建国")
    with pytest.raises(InputError, match="before the order"):
        cs.record_check(store, case.id, corrected=True, on="2025-03-02", actor="李建国")
    recheck = cheating_inspection(store, stall, "2025-03-31")
    recheck_visit = store.conn.execute(
        "SELECT visit_id FROM inspections WHERE id = ?", (recheck,)
    ).fetchone()[0]
    case = cs.record_check(
        store, case.id, corrected=True, on="2025-03-31", actor="李建国", inspection_id=recheck
    )
    assert case.orders[-1].corrected is True
    assert recheck_visit and case.orders[-1].check_visit_id == recheck_visit
    assert case_common.repo(store).assignment(order.assignment_id)["done_visit_id"] == recheck_visit
    case = cs.close(store, case.id, on="2025-04-01", actor="李建国")
    assert case.status == "closed" and case.content_hash and case.closure["corrected"] is True
    with pytest.raises(sqlite3.IntegrityError, match="closed case"):
        with store.conn:
            store.conn.execute("UPDATE cases SET public_notice = 0 WHERE id = ?", (case.id,))

    # every change audited in the hash chain, and in the case's own events
    actions = [
        r["action"]
        for r in store.conn.execute("SELECT action FROM audit WHERE entity = 'case' ORDER BY seq")
    ]
    assert actions == [
        "case.open",
        "case.order",
        "case.filed",
        "case.investigated",
        "case.notified",
        "case.decide",
        "case.execute",
        "case.recheck",
        "case.close",
    ]
    assert audit.verify_chain(store.conn) == []
    events = case_common.repo(store).events(case.id)
    assert [e["to_status"] for e in events][-1] == "closed"

    # the office counts one case, one premises punished, the fine, one cheating case
    st = case_lists.case_statistics(store, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert st["opened"] == 1 and st["closed"] == 1 and st["decided"] == 1
    assert st["premises_punished"] == 1 and st["parties_punished"] == 1
    assert st["fines"] == "2000" and st["cheating_cases"] == 1
    assert st["by_article"][0]["article_id"] == "jlfsxz-2022-48"
    assert st["by_premises_kind"] == [{"kind": "market_stall", "cases": 1}]
    assert case_lists.case_statistics(store, dt.date(2026, 1, 1))["opened"] == 0


def test_simple_procedure_limits(store):
    person = Party("person", "赵六", id_number="11010519491231002X")
    case = cs.open_case(
        store,
        actor="x",
        clue_date="2025-05-06",
        officers=OFFICERS,
        party=person,
        complaint="称重不足",
    ).case
    with pytest.raises(InputError, match="at most ¥200 for a natural person"):
        cs.decide(
            store,
            case.id,
            Decision(procedure="simple", fine=Decimal("201")),
            on="2025-05-06",
            actor="x",
            penalty=[ArticleRef("jlfsxz-2022-43", "2022")],
        )
    with pytest.raises(InputError, match="only the on-the-spot procedure"):
        cs.decide(store, case.id, Decision(warning=True), on="2025-05-06", actor="x")
    case, _ = cs.decide(
        store,
        case.id,
        Decision(procedure="simple", fine=Decimal("200")),
        on="2025-05-06",
        actor="x",
        penalty=[ArticleRef("jlfsxz-2022-43", "2022")],
    )
    assert case.status == "decided"


def test_organisation_limit_and_gains_multiple(store, stall):
    org = cs.open_case(
        store,
        actor="x",
        clue_date="2025-05-06",
        officers=OFFICERS,
        premises_id=stall[0].id,
        referral="区局移送",
    ).case
    with pytest.raises(InputError, match="at most ¥3000 for an organisation"):
        cs.decide(
            store,
            org.id,
            Decision(procedure="simple", fine=Decimal("3000.5")),
            on="2025-05-06",
            actor="x",
            penalty=[ArticleRef("jyz-2003-9-error", "2003")],
        )
    with pytest.raises(InputError, match="give that amount"):
        dc_check(org, Decimal("100"), None)
    # 3 x gains of ¥12,000 = 36,000 capped at 30,000
    dc_check(org, Decimal("30000"), Decimal("12000"))
    with pytest.raises(InputError, match=r"up to ¥30000\)"):
        dc_check(org, Decimal("30001"), Decimal("12000"))
    with pytest.raises(InputError, match=r"up to ¥3000\)"):
        dc_check(org, Decimal("3001"), Decimal("1000"))


def dc_check(case, fine, gains):
    from inspector_app.domain import cases as dc

    case.penalty = [ArticleRef("jyz-2003-9-error", "2003")]
    return dc.check_decision(case_common.articles(), case, Decision(fine=fine, illegal_gains=gains))


def test_edition_is_part_of_the_article(store):
    from inspector_app.domain import cases as dc

    cat = case_common.articles()
    with pytest.raises(InputError, match="belongs to the 2022 edition, not 1987"):
        cat.get("jlfsxz-2022-46", "1987")
    assert "1987" in cat.cite(cat.get("jlfsxz-1987-46"), "en")
    assert cat.get("jlfsxz-1987-43").en.startswith("(1987 numbering) Use of non-legal units")
    # an unconfirmed article with no range: allowed, with a visible warning
    _, warnings = dc.check_decision(
        cat,
        _bare_case([ArticleRef("dlbz-2023-penalty", "2023")]),
        Decision(fine=Decimal("5000")),
    )
    assert any("not checked against the law" in w for w in warnings)


def _bare_case(penalty):
    from inspector_app.domain.cases import Case

    return Case(
        id="x",
        case_no="x",
        source="complaint",
        clue_date="2025-01-01",
        party=Party("organisation", "x"),
        officers=OFFICERS,
        penalty=penalty,
    )


def test_party_and_officers_validated(store):
    with pytest.raises(InputError, match="party.credit_code"):
        cs.open_case(
            store,
            actor="x",
            clue_date="2025-05-06",
            officers=OFFICERS,
            party=Party("organisation", "某公司", credit_code="913401000000000000"),
            complaint="c",
        )
    with pytest.raises(InputError, match="GB 11643"):
        cs.open_case(
            store,
            actor="x",
            clue_date="2025-05-06",
            officers=OFFICERS,
            party=Party("person", "赵六", id_number="110105194912310021"),
            complaint="c",
        )
    with pytest.raises(InputError, match="enforcement certificate"):
        cs.open_case(
            store,
            actor="x",
            clue_date="2025-05-06",
            officers=[CaseOfficer("李建国", ""), CaseOfficer("张伟", "2")],
            party=Party("person", "赵六"),
            complaint="c",
        )
    one = cs.open_case(
        store,
        actor="x",
        clue_date="2025-05-06",
        officers=OFFICERS[:1],
        party=Party("person", "赵六", id_number="11010519491231002X"),
        complaint="c",
        violated=[ArticleRef("jlf-2018-9", "2018")],
    )
    assert any("at least 2" in w for w in one.warnings)
    with pytest.raises(InputError, match="at least 2 officers"):
        cs.advance(store, one.case.id, "filed", on="2025-05-07", actor="x", facts="f")


def test_case_from_a_visit_and_orders_after_the_decision(store, stall):
    inspection = cheating_inspection(store, stall, "2025-06-03")
    visit = store.conn.execute(
        "SELECT visit_id FROM inspections WHERE id = ?", (inspection,)
    ).fetchone()[0]
    case = cs.open_case(
        store, actor="李建国", clue_date="2025-06-03", officers=OFFICERS, visit_id=visit[:8]
    ).case
    assert case.source == "visit" and case.visit_id == visit and case.cheating
    assert [(e.kind, e.ref) for e in case_common.repo(store).evidence(case.id)] == [
        ("visit", visit),
        ("inspection", inspection),
    ]
    # the same visit, or an inspection of it, for the same party again: one event, refused
    with pytest.raises(InputError, match="one case per party per event"):
        cs.open_case(store, actor="x", clue_date="2025-06-03", officers=OFFICERS, visit_id=visit)
    with pytest.raises(InputError, match="2025-[A-Z]{4}-0001 already covers 王芳蔬菜摊"):
        cs.open_case(
            store, actor="x", clue_date="2025-06-03", officers=OFFICERS, inspection_id=inspection
        )
    cs.advance(store, case.id, "filed", on="2025-06-04", actor="x", violated=CHEAT)
    cs.advance(store, case.id, "investigated", on="2025-06-05", actor="x")
    cs.advance(store, case.id, "notified", on="2025-06-06", actor="x", penalty=PENALTY)
    case, _ = cs.decide(
        store, case.id, Decision(order_to_correct=True, warning=True), on="2025-06-16", actor="x"
    )
    # an order after the decision: allowed (orders are not sealed), follow-up created
    case, order, _ = cs.order(store, case.id, on="2025-06-16", deadline="2025-06-30", actor="x")
    assert case_common.repo(store).assignment(order.assignment_id)["due_date"] == "2025-06-30"
    recheck = cheating_inspection(store, stall, "2025-07-01")
    case = cs.record_check(
        store, case.id, corrected=False, on="2025-07-01", actor="x", inspection_id=recheck
    )
    assert case.orders[-1].check_inspection_id == recheck and case.orders[-1].corrected is False
    cs.execute(store, case.id, on="2025-07-02", actor="x")
    case = cs.close(store, case.id, on="2025-07-03", actor="x")
    assert case.closure == {"reason": "", "corrected": False}


def test_events_are_append_only_and_filed_cases_stay(store, stall):
    case = cs.open_case(
        store,
        actor="x",
        clue_date="2025-05-06",
        officers=OFFICERS,
        premises_id=stall[0].id,
        referral="r",
        facts="f",
        violated=CHEAT,
    ).case
    cs.advance(store, case.id, "filed", on="2025-05-07", actor="x")
    with pytest.raises(sqlite3.IntegrityError, match="case event cannot be changed"):
        with store.conn:
            store.conn.execute("UPDATE case_events SET actor = 'y'")
    with pytest.raises(sqlite3.IntegrityError, match="case event cannot be deleted"):
        with store.conn:
            store.conn.execute("DELETE FROM case_events")
    with pytest.raises(sqlite3.IntegrityError, match="filed case cannot be deleted"):
        with store.conn:
            store.conn.execute("DELETE FROM cases WHERE id = ?", (case.id,))
    # steps out of order and dates going backwards are refused
    with pytest.raises(InputError, match="cannot become decided"):
        cs.decide(store, case.id, Decision(warning=True), on="2025-05-08", actor="x")
    with pytest.raises(InputError, match="before the case's last step"):
        cs.advance(store, case.id, "investigated", on="2025-05-06", actor="x")


def test_overdue_list_and_pauses(store, stall):
    case = cs.open_case(
        store,
        actor="x",
        clue_date="2025-03-03",
        officers=OFFICERS,
        premises_id=stall[0].id,
        referral="r",
        facts="f",
        violated=CHEAT,
    ).case
    assert case_lists.list_cases(store, overdue=True, today=dt.date(2025, 3, 24)) == []
    late = case_lists.list_cases(store, overdue=True, today=dt.date(2025, 3, 25))
    assert [r["overdue"] for r in late] == [["filing"]]
    # a week of testing not counted: the filing deadline moves from 3/24 to 3/31
    cs.pause(store, case.id, "2025-03-10", "2025-03-14", "送检", "x")
    assert case_lists.list_cases(store, overdue=True, today=dt.date(2025, 3, 25)) == []
    row = case_lists.list_cases(store, today=dt.date(2025, 3, 25))[0]
    assert row["next_deadline"]["due"] == "2025-03-31"


def test_check_finds_a_sealed_case_changed_behind_the_triggers(store, stall):
    from inspector_app.store.integrity import check

    case = cs.open_case(
        store,
        actor="x",
        clue_date="2025-05-06",
        officers=OFFICERS,
        party=Party("person", "赵六", id_number="11010519491231002X"),
        complaint="短秤",
    ).case
    cs.decide(
        store,
        case.id,
        Decision(procedure="simple", fine=Decimal("100")),
        on="2025-05-06",
        actor="x",
        penalty=[ArticleRef("jlfsxz-2022-43", "2022")],
    )
    assert [p for p in check(store) if p.kind == "case"] == []
    store.conn.execute("DROP TRIGGER cases_decided_sealed")  # as a hex editor would
    store.conn.execute("UPDATE cases SET decision_json = replace(decision_json, '100', '10')")
    store.conn.commit()
    problems = [p for p in check(store) if p.kind == "case"]
    assert [p.ref for p in problems] == [case.id]
    assert "no longer matches its decided hash" in problems[0].message


def _decide_with_order(store, case, terms):
    return cs.decide(
        store,
        case.id,
        Decision(order_to_correct=True, warning=True),
        on="2025-03-20",
        actor="x",
        order=terms,
    )


def _events(store, case_id):
    return [e["action"] for e in case_common.repo(store).events(case_id)]


class TestDecisionWithItsOrder:
    """On a laptop's SQLite file and on the office's PostgreSQL database."""

    @pytest.fixture
    def db_path(self, office_db_path):
        return office_db_path

    def test_a_decision_and_its_order_are_one_write(self, store, stall):
        case = notified_case(store, stall)
        # an earlier order's re-inspection is on the work list: the decision's order reuses it
        _, first, _ = cs.order(store, case.id, on="2025-03-12", days=7, actor="x")
        case, warnings = _decide_with_order(
            store, case, cs.OrderTerms(days=10, text="更换合格的秤")
        )
        assert not any("work list" in w for w in warnings)
        again = case_common.resolve(store, case.id)
        assert again.status == "decided" and again.decided_hash
        assert [(o.ordered_on, o.text) for o in again.orders] == [
            ("2025-03-12", ""),
            ("2025-03-20", "更换合格的秤"),
        ]
        # the reused assignment's id is written with the order itself, not in a later write
        assert again.orders[-1].assignment_id == first.assignment_id
        a = case_common.repo(store).assignment(first.assignment_id)
        assert a["due_date"] == again.orders[-1].deadline
        assert _events(store, case.id)[-3:] == ["order", "decide", "order"]
        actions = [e["action"] for e in store.audit_entries(2)]
        assert actions == ["case.order", "case.decide"]

    def test_an_order_that_cannot_be_written_leaves_the_case_undecided(
        self, store, stall, monkeypatch
    ):
        case = notified_case(store, stall)
        before = store.fingerprint()
        events = _events(store, case.id)

        def refuse(*args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(type(case_common.repo(store)), "upsert_followup", staticmethod(refuse))
        with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
            _decide_with_order(store, case, cs.OrderTerms(days=10))
        again = case_common.resolve(store, case.id)
        assert again.status == "notified" and again.decision is None and not again.decided_hash
        assert again.orders == [] and _events(store, case.id) == events
        assert store.fingerprint() == before  # no audit entry, no assignment, nothing
        monkeypatch.undo()
        # the same decision goes through once the order can be written
        case, _ = _decide_with_order(store, case, cs.OrderTerms(days=10))
        assert case.status == "decided" and len(case.orders) == 1 and case.orders[0].assignment_id
