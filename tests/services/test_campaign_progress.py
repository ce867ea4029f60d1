"""Campaign work lists and progress: open assignments with due dates and overdue, starting
(and resuming) the visit an assignment asks for, ticking it off when the visit is sealed,
and the office's progress per inspector, county and kind of premises."""

from __future__ import annotations

from inspector_app.domain.models import Instrument, Premises, new_id
from inspector_app.domain.visits import Officer
from inspector_app.services import campaigns as cs
from inspector_app.services import visits as vs

OFFICERS = [Officer("张三", "34010001"), Officer("李四", "34010002")]


def _shop(store, name, address, city="合肥市", kind="optical_shop"):
    p = store.premises.save(Premises(new_id(), kind, name, address=address, city=city))
    store.instruments.save(
        Instrument(
            new_id(),
            p.id,
            "scale",
            "友声",
            "ACS-30",
            f"S-{name}",
            "",
            "III",
            {"max": "30", "e": "0.01", "d": "0.01", "min": "0.2", "unit": "kg"},
        )
    )
    return p


def _campaign(store):
    c = cs.new_campaign(store, "眼镜专项", "2026-03-01", "2026-06-30", ["optical_shop"])
    a = _shop(store, "明视眼镜", "安徽省合肥市蜀山区长江路1号")
    b = _shop(store, "宝岛眼镜", "安徽省合肥市包河区望江路2号")
    d = _shop(store, "大明眼镜", "安徽省芜湖市镜湖区中山路3号", city="芜湖市")
    cs.assign(store, c.id, "张三", [a.id], due="2026-04-01")
    cs.assign(store, c.id, "张三", [b.id], due="2026-05-01")
    cs.assign(store, c.id, "李四", [d.id], due="2026-04-15")
    return c, a, b, d


def _seal(store, visit, fail=False):
    v = vs.repo(store).require(visit.id)
    import dataclasses

    vs.repo(store).save(dataclasses.replace(v, officers=OFFICERS), "张三")
    rows = vs.repo(store).rows(v.id)
    if fail:
        rows[0] = dataclasses.replace(rows[0], seal="no")
        vs.save_rows(store, v.id, rows, "张三")
    vs.mark_rest_ok(store, v.id, "张三")
    vs.set_duties(store, v.id, {}, "张三")
    return vs.finalize(store, v.id, "张三")


def test_county_from_address_or_recorded():
    assert cs.county_of("安徽省合肥市蜀山区长江路88号", "合肥市") == "蜀山区"
    assert cs.county_of("安徽省六安市金安区人民路", "") == "金安区"
    assert cs.county_of("肥西县上派镇", "") == "肥西县"
    assert cs.county_of("长江路12号", "合肥市") == ""
    assert cs.county_of("安徽省合肥市蜀山区长江路", "合肥市", recorded="肥东县") == "肥东县"


def test_work_list_is_due_ordered_with_overdue_and_filtered_by_inspector(store):
    c, a, b, d = _campaign(store)
    items = cs.work_list(store, "张三", today="2026-04-10")
    assert [x["premises_name"] for x in items] == ["明视眼镜", "宝岛眼镜"]
    assert [x["overdue"] for x in items] == [True, False]
    assert [x["days_left"] for x in items] == [-9, 21]
    assert items[0]["campaign_name"] == "眼镜专项"
    assert len(cs.work_list(store, None, today="2026-04-10")) == 3
    assert cs.work_list(store, "王五", today="2026-04-10") == []


def test_starting_an_assignment_makes_a_campaign_visit_and_resumes_it(store):
    c, a, b, d = _campaign(store)
    item = cs.work_list(store, "张三", today="2026-04-10")[0]
    v = cs.start_assignment(store, item["id"], "张三", started_at="2026-04-10T09:00+08:00")
    assert (v.premises_id, v.campaign_id, v.kind) == (a.id, c.id, "campaign")
    assert len(vs.repo(store).rows(v.id)) == 1  # the register's instrument is in the sweep
    again = cs.work_list(store, "张三", today="2026-04-10")[0]
    assert again["draft_visit_id"] == v.id
    assert cs.start_assignment(store, item["id"], "张三").id == v.id  # resumed, not doubled
    _seal(store, v)
    left = cs.work_list(store, "张三", today="2026-04-10")
    assert [x["premises_name"] for x in left] == ["宝岛眼镜"]  # ticked off


def test_progress_per_inspector_county_and_findings(store):
    c, a, b, d = _campaign(store)
    items = {x["premises_name"]: x for x in cs.work_list(store, None, today="2026-04-20")}
    _seal(store, cs.start_assignment(store, items["明视眼镜"]["id"], "张三"))
    _seal(store, cs.start_assignment(store, items["大明眼镜"]["id"], "李四"), fail=True)
    p = cs.campaign_progress(store, "眼镜专项", today="2026-04-20")
    assert p["totals"] == {
        "assigned": 3,
        "visited": 2,
        "findings": 1,
        "overdue": 0,
        "visited_rate": "66.67",
    }
    by_inspector = {g["name"]: g for g in p["by_inspector"]}
    assert (by_inspector["张三"]["assigned"], by_inspector["张三"]["visited"]) == (2, 1)
    assert (by_inspector["李四"]["visited"], by_inspector["李四"]["findings"]) == (1, 1)
    by_county = {g["name"]: g for g in p["by_county"]}
    assert set(by_county) == {"蜀山区", "包河区", "镜湖区"}
    assert by_county["镜湖区"]["findings"] == 1 and by_county["包河区"]["visited"] == 0
    late = cs.campaign_progress(store, c.id, today="2026-05-02")
    assert late["totals"]["overdue"] == 1  # 宝岛眼镜, due 05-01, not visited


def test_visit_statistics_by_county_and_for_one_county(store):
    c, a, b, d = _campaign(store)
    items = {x["premises_name"]: x for x in cs.work_list(store, None, today="2026-04-20")}
    _seal(store, cs.start_assignment(store, items["明视眼镜"]["id"], "张三"))
    _seal(store, cs.start_assignment(store, items["大明眼镜"]["id"], "李四"), fail=True)
    st = cs.visit_statistics(store, campaign=c.id)
    by = {(g["city"], g["county"]): g for g in st["by_county"]}
    assert set(by) == {("合肥市", "蜀山区"), ("芜湖市", "镜湖区")}
    assert (by[("芜湖市", "镜湖区")]["checked"], by[("芜湖市", "镜湖区")]["failed"]) == (1, 1)
    assert by[("芜湖市", "镜湖区")]["pass_rate"] == "0.00"
    assert by[("合肥市", "蜀山区")]["pass_rate"] == "100.00"
    one = cs.visit_statistics(store, campaign=c.id, county="蜀山区")
    assert one["totals"]["premises"] == 1 and one["totals"]["failed"] == 0
    assert one["filter"]["county"] == "蜀山区"
    none = cs.visit_statistics(store, county="没有区")
    assert none["totals"]["visits"] == 0 and none["by_county"] == []
