"""Demo visits: the demo's inspections gathered into visits as the program gathers them.

Each premises' inspections of a day make one visit; the stalls of a market visited on a day
make one visit to the market (the organiser's premises), with a sweep row for every
registered scale of its stalls: mostly in order, and failing (seal, quick reading, signs of
cheating) where the full inspection opened from the row failed. Duties of the premises are
answered, covert fuel visits carry their test purchase, two special campaigns have their
visits and work lists, and a third campaign under way today (a re-check of the markets and
eyeglass shops) leaves its work list open: some assignments overdue, others due in the
coming days, so that Today's work has something to show. Every visit is sealed with the
hash ``domain.visits.visit_hash`` computes, in one transaction with the rest (bulk inserts,
as the rest of the demo). What takes a random number is decided here, in one stream,
except the sweep rows' own draws (ids, quick readings, "rest all OK"): each market visit
takes from the stream only the seed of its rows' generator, and the rows are drawn where
they are made, with their seals, in ``demo_sweeps`` (in worker processes for a large set:
some 1.5 million rows for 100,000 inspections, which drawn here kept the workers waiting).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from ..domain.models import Instrument, Premises
from ..domain.numbers import fmt
from ..domain.visits import DUTY_SETS, Officer, Visit, load_duties
from ..store import bulk_visits
from ..store.bulk import load_records
from ..store.campaigns import Campaign, CampaignRepo
from . import demo_sweeps
from .demo_cases import make_cases
from .inspections import instrument_payload

CAMPAIGNS = [  # name, from, to, kind of premises, focus items
    (
        "2026年集贸市场计量专项检查",
        "2026-03-01",
        "2026-06-30",
        "market",
        ["电子计价秤作弊", "检定标志与铅封", "公平秤设置"],
    ),
    (
        "眼镜制配场所专项检查",
        "2026-05-15",
        "2026-08-31",
        "optical_shop",
        ["焦度计、验光仪检定", "计量器具登记备案"],
    ),
]
CAMPAIGN_SHARE = 0.8  # visits of the campaign's kind in its period that belong to it
# the campaign under way on the day the demo is made: its period and due dates count from today
OPEN_CAMPAIGN = (
    "集贸市场与眼镜店计量复查",
    ["market", "optical_shop"],
    ["整改复查", "检定标志与铅封"],
)
OPEN_PERIOD = (-30, 45)  # days from today
OPEN_DUE = (-9, -3, 2, 5, 9, 14, 21, 30)  # due dates, days from today, in turn: 2 of 8 overdue


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="minutes")


def _duties(demo, duty_set: str, forms: dict) -> dict[str, str]:
    """Every duty of the set answered; now and then one is not met."""
    if not duty_set:
        return {}
    form = forms.get(duty_set) or forms.setdefault(duty_set, load_duties(duty_set))
    answers = {d.key: ("no" if d.finding_if == "yes" else "yes") for d in form.duties}
    if demo.rng.random() < 0.08:
        d = demo.rng.choice(form.duties)
        answers[d.key] = d.finding_if
    return answers


def _covert(demo, started: dt.datetime, nozzle: str, failed: bool) -> dict[str, str]:
    """The test purchase made before the officers show their certificates."""
    r = demo.rng
    price = Decimal(r.randint(720, 860)) / 100
    paid = Decimal(r.choice((100, 150, 200, 300)))
    displayed = (paid / price).quantize(Decimal("0.01"))
    short = Decimal(r.randint(50, 90) if failed else r.randint(-8, 8)) / 10000
    measured = (displayed * (1 - short)).quantize(Decimal("0.001"))
    return {
        "purchased_at": _iso(started - dt.timedelta(minutes=r.randint(15, 45))),
        "nozzle": nozzle,
        "receipt_no": f"{r.randint(10**11, 10**12 - 1)}",
        "amount_paid": f"{paid}.00",
        "volume_displayed": fmt(displayed),
        "volume_measured": fmt(measured),
    }


def make_visits(
    store,
    demo,
    premises: list[Premises],
    instruments: list[Instrument],
    inspectors: list[str],
    actor: str = "demo",
    today: dt.date | None = None,
    workers: int = 1,
) -> dict:
    """Gather every finalized demo inspection without a visit into sealed visits (with
    sweeps, duties, covert purchases), define the campaigns with their work lists, all in
    one transaction; the campaign under way (:data:`OPEN_CAMPAIGN`) has its period and due
    dates counted from *today* (the computer's date by default) and no visits. The rows and
    seals of a large set are made in *workers* processes (the data is the same either way).
    Returns the counts."""
    r = demo.rng
    conn = store.conn
    by_id = {p.id: p for p in premises}
    ins_by_id = {i.id: i for i in instruments}
    certificates = {
        name: f"34{r.randint(0, 99):02d}{r.randint(0, 999999):06d}" for name in inspectors
    }

    # the market organisers' premises, one per market with stalls
    stalls_of: dict[str, list[Premises]] = defaultdict(list)
    for p in premises:
        if p.kind == "market_stall" and p.market:
            stalls_of[p.market].append(p)
    existing = {
        m: pid for pid, m in conn.execute("SELECT id, market FROM premises WHERE kind = 'market'")
    }
    from .demo_data import CITIES

    divisions = {city: code for city, code, _ in CITIES}
    markets: dict[str, Premises] = {}
    new_markets = []
    for name in sorted(stalls_of):
        first = stalls_of[name][0]
        division = divisions.get(first.city, "340000")
        code = demo.credit_code(division, False)  # the organiser is a company
        p = Premises(demo.uuid(), "market", name, code, first.address, first.city, name)
        held = store.premises.get(existing[name]) if name in existing else None
        if held is not None:
            p = held
        else:
            new_markets.append(p)
        markets[name] = p
    scales_of: dict[str, list[tuple[Premises, Instrument]]] = {}
    for name, stalls in stalls_of.items():
        ids = {s.id for s in stalls}
        pairs = [
            (by_id[i.premises_id], i)
            for i in instruments
            if i.premises_id in ids and i.family == "scale"
        ]
        pairs.sort(key=lambda x: (x[0].stall_no, x[0].name, x[1].serial))
        scales_of[name] = pairs

    # the inspections to gather, by (premises or market, day)
    rows = conn.execute(
        "SELECT id, premises_id, instrument_id, family, check_kind, inspector, started_at,"
        " finalized_at, verdict, rowid FROM inspections WHERE status = 'finalized'"
        " AND visit_id IS NULL AND superseded_by IS NULL ORDER BY started_at, id"
    ).fetchall()
    rowids = {row[0]: row[9] for row in rows}
    if not rows:
        return {"visits": 0, "sweep_rows": 0, "markets": 0, "campaigns": 0, "assignments": 0}
    cheats = {
        x[0]
        for x in conn.execute(
            "SELECT f.inspection_id FROM findings f JOIN inspections i ON i.id = f.inspection_id"
            " WHERE f.cheating = 1 AND i.visit_id IS NULL"
        )
    }
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in rows:
        owner = by_id.get(row[1])
        if owner is None:
            continue
        key = (
            ("m", owner.market)
            if owner.kind == "market_stall" and owner.market in markets
            else ("p", owner.id)
        )
        groups[(row[6][:10], *key)].append(row)
    # what a failed scale at a stall showed: seals, cheating, the failing weighing point
    failed_ids = [
        row[0]
        for (_, how, _), members in groups.items()
        if how == "m"
        for row in members
        if row[3] == "scale" and row[8] == "fail"
    ]
    detail: dict[str, tuple] = {}
    for i in range(0, len(failed_ids), 500):
        part = failed_ids[i : i + 500]
        for iid, checklist, result in conn.execute(
            f"SELECT id, checklist_json, result_json FROM inspections WHERE id IN"
            f" ({', '.join('?' for _ in part)})",
            part,
        ):
            items = json.loads(result)["tests"][0].get("items", [])
            bad = next((x for x in items if x.get("verdict") == "fail"), None)
            failing = None
            if bad is not None:
                failing = (bad["load"], fmt(Decimal(bad["load"]) + Decimal(bad["error"])))
            detail[iid] = (json.loads(checklist).get("seals", ""), failing)

    # the campaigns (their ids from the demo's generator: the same seed, the same ids)
    campaign_repo = CampaignRepo(store)
    campaigns = []
    cities = sorted({p.city for p in premises if p.city})
    for name, date_from, date_to, kind, focus in CAMPAIGNS:
        if conn.execute("SELECT 1 FROM campaigns WHERE name = ?", (name,)).fetchone():
            campaigns.append((campaign_repo.resolve(name), kind))
            continue
        c = Campaign(demo.uuid(), name, date_from, date_to, [kind], cities, focus)
        campaigns.append((campaign_repo.save(c, actor), kind))

    registers = {
        name: demo_sweeps.register(pairs, instrument_payload) for name, pairs in scales_of.items()
    }
    # the worker processes (for a large set) start, and make rows, while the visits are drawn
    rows = sum(len(scales_of[ref]) for _, how, ref in groups if how == "m")
    with demo_sweeps.pool_for(registers, workers, rows) as pool:
        forms: dict = {}
        visits: list[tuple[Visit, int, list[str]]] = []  # each with its rows' count, inspections
        maker = demo_sweeps.Maker(registers, pool)  # the rows made as the visits are drawn
        done: dict[tuple[str, str], str] = {}  # (campaign, premises) -> the first visit
        for day, how, ref in sorted(groups):
            members = groups[(day, how, ref)]
            site = markets[ref] if how == "m" else by_id[ref]
            started = min(_time(m[6]) for m in members)
            finished = max(_time(m[7]) for m in members)
            inspector = members[0][5]
            checks = {m[4] for m in members}
            kind, campaign_id = ("covert" if "covert" in checks else "routine"), None
            if kind == "routine":
                for c, ckind in campaigns:
                    if ckind == site.kind and c.date_from <= day <= c.date_to:
                        if r.random() < CAMPAIGN_SHARE:
                            kind, campaign_id = "campaign", c.id
            officers = [Officer(inspector, certificates.get(inspector, ""))]
            if kind != "routine" or r.random() < 0.5:
                other = r.choice([x for x in inspectors if x != inspector] or [inspector])
                if other != inspector:
                    officers.append(Officer(other, certificates[other]))
            duty_set = DUTY_SETS.get(site.kind, "")
            ms = round(started.timestamp()) * 1000
            visit = Visit(
                # a version 7 UUID of its start, as its rows' ids: a year of visits arrives at
                # the end of the indexes by visit (the rows', the inspections')
                id=demo_sweeps.row_id(r.getrandbits(128), ms),
                kind=kind,
                started_at=_iso(started),
                inspector=inspector,
                premises_id=site.id,
                market=ref if how == "m" else "",
                officers=officers,
                campaign_id=campaign_id,
                place=site.address,
                duty_set=duty_set,
                duties=_duties(demo, duty_set, forms),
                status="finalized",
                finalized_at=_iso(finished + dt.timedelta(minutes=r.randint(5, 20))),
            )
            if kind == "covert":
                m = next(m for m in members if m[4] == "covert")
                ins = ins_by_id.get(m[2])
                nozzle = ins.metrology.get("nozzle", "") if ins is not None else ""
                visit.covert = _covert(demo, started, nozzle, m[8] == "fail")
            found: dict[str, tuple] = {}
            seed = count = 0
            if how == "m":  # a row for every registered scale of the market's stalls
                for m in members:
                    if m[3] == "scale":
                        seals, failing = detail.get(m[0], ("yes", None))
                        found[m[2]] = (m[0], m[8], seals, m[0] in cheats, failing)
                # the rows are drawn where they are made, from their own generator
                seed, count = r.getrandbits(64), len(scales_of[ref])
            maker.add((visit, ref if how == "m" else "", found, (seed, ms, count)))
            visits.append((visit, count, [m[0] for m in members]))
            if campaign_id:
                done.setdefault((campaign_id, site.id), visit.id)

        # work lists: every market (or eyeglass shop) of a campaign, to the inspector who went
        assignments = []
        inspector_of = {v.id: v.inspector for v, _, _ in visits}
        for c, ckind in campaigns:
            targets = sorted(
                (p for p in [*markets.values(), *premises] if p.kind == ckind),
                key=lambda p: p.id,
            )
            seen = set()
            for p in targets:
                if p.id in seen:
                    continue
                seen.add(p.id)
                visit_id = done.get((c.id, p.id))
                who = inspector_of.get(visit_id) if visit_id else None
                assignments.append(
                    (demo.uuid(), p.id, who or r.choice(inspectors), c.id, c.date_to, visit_id)
                )
        open_work = _open_work(store, premises, markets, inspectors, campaigns, actor, today)
        assignments += open_work

        if new_markets:
            load_records(store, new_markets, [], [], actor=actor, action="demo.load")
        counts = {
            "visits": len(visits),
            "sweep_rows": sum(n for _, n, _ in visits),
            "markets": len(new_markets),
            "campaigns": len(campaigns) + bool(open_work),
            "assignments": len(assignments),
        }
        texts: dict[str, str] = {}

        def dumps(value) -> str:  # officers and duties repeat: each distinct value encoded once
            key = repr(value)
            if key not in texts:
                texts[key] = json.dumps(value, ensure_ascii=False, sort_keys=True)
            return texts[key]

        hashes: dict[str, str] = {}
        with store.write(actor, "demo.visits", detail=counts) as seq:
            bulk_visits.insert_draft_visits(
                conn,
                [
                    (
                        v.id,
                        v.kind,
                        v.started_at,
                        v.day,
                        v.inspector,
                        v.premises_id,
                        v.market,
                        dumps(
                            [
                                {"name": o.name, "certificate_no": o.certificate_no}
                                for o in v.officers
                            ]
                        ),
                        v.campaign_id,
                        v.place,
                        v.notes,
                        v.duty_set,
                        dumps(v.duties),
                        json.dumps(v.covert, ensure_ascii=False, sort_keys=True),
                        seq,
                    )
                    for v, _, _ in visits
                ],
            )
            # the rows and seals are made (in worker processes for a large set) while the
            # rows already made are written
            with bulk_visits.sweep_rows_laid_aside(
                conn, store.engine, counts["sweep_rows"], [v.id for v, _, _ in visits]
            ):
                for batch in maker.made():
                    hashes.update((visit_id, content_hash) for visit_id, content_hash, _ in batch)
                    bulk_visits.insert_sweep_rows(conn, [row for *_, rows in batch for row in rows])
            bulk_visits.link_inspections(
                conn,
                store.engine,
                [(rowids[iid], v.id, iid) for v, _, ids in visits for iid in ids],
            )
            bulk_visits.seal_visits(
                conn, [(hashes[v.id], v.finalized_at, v.id) for v, _, _ in visits]
            )
            bulk_visits.insert_assignments(conn, [(*a, seq) for a in assignments])
    # a few enforcement cases from cheating findings, through the case service
    counts.update(make_cases(store, demo, certificates, actor=actor))
    return counts


def _today() -> dt.date:
    """The day the demo is made (one place, so that tests can fix it)."""
    return dt.date.today()


def _open_work(store, premises, markets, inspectors, campaigns, actor, today) -> list[tuple]:
    """The campaign under way today and its open work list: every market and eyeglass shop,
    to the demo's inspectors in turn, due dates from :data:`OPEN_DUE` in turn (some past,
    most ahead), none visited yet. Its own generator, so that the ids of everything else
    (visits, cases) stay those of the seed."""
    from .demo_world import Demo

    today = today or _today()
    name, kinds, focus = OPEN_CAMPAIGN
    ids = Demo(f"open-work/{campaigns[0][0].id if campaigns else ''}/{len(premises)}")
    repo = CampaignRepo(store)
    if store.conn.execute("SELECT 1 FROM campaigns WHERE name = ?", (name,)).fetchone():
        return []  # made already (a second demo run on the same database)
    day = dt.timedelta(days=1)
    c = repo.save(
        Campaign(
            ids.uuid(),
            name,
            (today + OPEN_PERIOD[0] * day).isoformat(),
            (today + OPEN_PERIOD[1] * day).isoformat(),
            list(kinds),
            [],
            list(focus),
            "复查上半年专项检查中发现问题的单位，并抽查其余单位。",
        ),
        actor,
    )
    targets = sorted(
        {p.id: p for p in [*markets.values(), *premises] if p.kind in kinds}.values(),
        key=lambda p: (p.kind, p.name, p.id),
    )
    return [
        (
            ids.uuid(),
            p.id,
            inspectors[i % len(inspectors)],
            c.id,
            (today + OPEN_DUE[i % len(OPEN_DUE)] * day).isoformat(),
            None,
        )
        for i, p in enumerate(targets)
    ]
