"""Campaign use-cases: define a campaign, assign premises or markets to inspectors, follow
its progress, and count its visits as the bureau counts (pass rates to two decimals)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..domain.models import new_id
from ..domain.places import county_of
from ..domain.visits import DutyForm, failed_duties, load_duties
from ..store.campaigns import Campaign, CampaignRepo, as_dict, visit_counts
from .visits import market_premises

PREMISES_KIND_LABELS = {
    "market": ("集贸市场", "Markets"),
    "market_stall": ("市场摊位", "Market stalls"),
    "optical_shop": ("眼镜制配场所", "Eyeglass shops"),
    "filling_station": ("加油站", "Filling stations"),
    "shop": ("商店", "Shops"),
    "producer": ("生产企业", "Producers"),
    "supermarket": ("超市", "Supermarkets"),
}


def repo(store) -> CampaignRepo:
    return CampaignRepo(store)


def new_campaign(
    store,
    name: str,
    date_from: str,
    date_to: str,
    kinds: list[str] | None = None,
    regions: list[str] | None = None,
    focus: list[str] | None = None,
    notes: str = "",
    actor: str = "",
) -> Campaign:
    c = Campaign(new_id(), name, date_from, date_to, kinds or [], regions or [], focus or [], notes)
    return repo(store).save(c, actor)


def assign(
    store,
    campaign: str,
    inspector: str,
    premises_ids: list[str] | None = None,
    markets: list[str] | None = None,
    due: str | None = None,
    actor: str = "",
    move: bool = False,
) -> list[str]:
    """Assign premises and markets (by name: the market organiser's premises) to *inspector*;
    with *move*, their open assignments of this campaign to other inspectors are taken off
    in the same write (a visited one stays)."""
    r = repo(store)
    c = r.resolve(campaign)
    ids = list(premises_ids or [])
    for m in markets or []:
        ids.append(market_premises(store, m, actor).id)
    return r.assign(c.id, ids, inspector, due, actor=actor, move=move)


def unassign(store, assignment_ids: list[str], actor: str = "") -> int:
    """Take assignments not yet visited off the work lists (audited; a visited one is
    refused by name and nothing is removed). Returns how many were removed."""
    return repo(store).unassign(assignment_ids, actor)


def inspector_names(store) -> list[str]:
    """The inspectors work can be assigned to: those this database has seen, by name."""
    return repo(store).inspector_names()


def in_scope(c: Campaign, premises: dict) -> bool:
    """Whether *premises* (a :func:`find_premises` row) is within the campaign's kinds of
    premises and regions (a city, county or market it names); an empty list limits nothing.
    A market counts as in a market's scope by its own name too."""
    if c.kinds and premises["kind"] not in c.kinds:
        return False
    if not c.regions:
        return True
    places = {premises["city"], premises["county"], premises["market"]}
    if premises["kind"] == "market":
        places.add(premises["name"])
    return bool(places & set(c.regions))


def find_premises(
    store,
    *,
    kind: str | None = None,
    city: str | None = None,
    county: str | None = None,
    market: str | None = None,
    text: str = "",
    campaign: str | None = None,
    scope_only: bool = False,
) -> list[dict]:
    """The premises the office can assign, filtered by kind, city, county (recorded, else
    read from the address), market and a piece of the name or address; with *campaign*,
    each row says who it is assigned to in that campaign (``assigned``: inspector names)
    and *scope_only* keeps those within the campaign's kinds and regions."""
    c = repo(store).resolve(campaign) if campaign else None
    assigned: dict[str, list[str]] = {}
    if c is not None:
        for a in repo(store).assignments(c.id):
            assigned.setdefault(a["premises_id"], []).append(a["inspector"])
    needle = text.strip().lower()
    out = []
    for p in repo(store).premises_choices():
        p["county"] = county_of(p["address"] or "", p["city"] or "", p["county"] or "")
        p["city"], p["market"] = p["city"] or "", p["market"] or ""
        if kind and p["kind"] != kind:
            continue
        if city and p["city"] != city:
            continue
        if county and p["county"] != county:
            continue
        if market and p["market"] != market and not (p["kind"] == "market" and p["name"] == market):
            continue
        if needle and needle not in f"{p['name']} {p['address'] or ''}".lower():
            continue
        if scope_only and c is not None and not in_scope(c, p):
            continue
        p["assigned"] = sorted(assigned.get(p["id"], []))
        out.append(p)
    return out


def rate(passed: int, total: int) -> str | None:
    """A pass rate in percent to two decimals (half up), None when nothing was checked."""
    if not total:
        return None
    value = Decimal(passed) * 100 / Decimal(total)
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def visit_statistics(
    store,
    *,
    campaign: str | None = None,
    premises_kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    city: str | None = None,
    county: str | None = None,
) -> dict:
    """The bureau's figures over finalized visits: per kind of premises, per county
    (district) and in total, the premises (markets) inspected, instruments checked (swept,
    fully inspected), failed, with cheating found, and the pass rate to two decimals;
    duties found failed. *county* keeps the premises of that county (recorded, or read from
    the address: :func:`county_of`)."""
    from ..store.campaigns import premises_places

    c = repo(store).resolve(campaign) if campaign else None
    places = {
        pid: county_of(address or "", pcity or "", recorded or "")
        for pid, pcity, address, recorded in premises_places(store.conn)
    }
    per_premises: list[dict] = []
    rows = visit_counts(
        store.conn,
        campaign_id=c.id if c else None,
        premises_kind=premises_kind,
        date_from=date_from,
        date_to=date_to,
        city=city,
        by_premises=per_premises,
        premises_ids=[p for p, name in places.items() if name == county] if county else None,
    )
    forms: dict[str, DutyForm | None] = {}
    by_kind = []
    keys = ("visits", "premises", "covert", "checked", "swept", "full", "failed", "cheating")
    totals: dict[str, Any] = dict.fromkeys(keys, 0)
    totals["duties_failed"] = 0
    for r in rows:
        duties_failed = 0
        for answers in r.pop("duty_answers"):
            for key, answer in answers.items():
                form = forms.get(r["pkind"])
                if form is None:
                    from ..domain.visits import DUTY_SETS

                    name = DUTY_SETS.get(r["pkind"])
                    form = forms[r["pkind"]] = load_duties(name) if name else None
                duty = next((d for d in form.duties if d.key == key), None) if form else None
                if duty is not None and answer == duty.finding_if:
                    duties_failed += 1
        entry: dict[str, Any] = {
            "kind": r["pkind"],
            "label": PREMISES_KIND_LABELS.get(r["pkind"], (r["pkind"], r["pkind"]))[0],
            **{k: int(r[k] or 0) for k in keys},
            "duties_failed": duties_failed,
        }
        entry["pass_rate"] = rate(entry["checked"] - entry["failed"], entry["checked"])
        by_kind.append(entry)
        for k in (*keys, "duties_failed"):
            totals[k] += entry[k]
    totals["markets"] = sum(e["premises"] for e in by_kind if e["kind"] == "market")
    totals["pass_rate"] = rate(totals["checked"] - totals["failed"], totals["checked"])
    out: dict[str, Any] = {
        "filter": {
            "campaign": c.name if c else None,
            "kind": premises_kind,
            "from": date_from,
            "to": date_to,
            "city": city,
            "county": county,
        },
        "totals": totals,
        "by_kind": by_kind,
        "by_county": _by_county(per_premises, places),
    }
    if c is not None:
        out["campaign"] = {**as_dict(c), "progress": repo(store).progress(c.id)}
    return out


def _by_county(per_premises: list[dict], places: dict[str, str]) -> list[dict]:
    """The per-premises counts summed per city and county (district), with pass rates."""
    keys = ("visits", "covert", "checked", "swept", "full", "failed", "cheating")
    groups: dict[tuple[str, str], dict] = {}
    for r in per_premises:
        key = (r["city"] or "", places.get(r["premises_id"], ""))
        g = groups.setdefault(
            key,
            {
                "city": key[0],
                "county": key[1],
                "premises": 0,
                "markets": 0,
                **dict.fromkeys(keys, 0),
            },
        )
        g["premises"] += 1
        g["markets"] += r["pkind"] == "market"
        for k in keys:
            g[k] += int(r[k] or 0)
    out = sorted(groups.values(), key=lambda g: (g["city"], g["county"] == "", g["county"]))
    for g in out:
        g["pass_rate"] = rate(g["checked"] - g["failed"], g["checked"])
    return out


def sentence(stats: dict) -> str:
    """The figures as the bureau writes them in its yearly paragraph."""
    parts = []
    for e in stats["by_kind"]:
        if e["kind"] == "market":
            parts.append(f"检查集贸市场{e['premises']}个，计量器具{e['checked']}台件")
        else:
            parts.append(f"检查{e['label']}{e['premises']}家，计量器具{e['checked']}台件")
    t = stats["totals"]
    if not parts:
        return "未检查。"
    tail = f"，不合格{t['failed']}台件，发现作弊{t['cheating']}台件"
    if t["pass_rate"] is not None:
        tail += f"，合格率{t['pass_rate']}%"
    return "，".join(parts) + tail + "。"


# ---- work lists and progress -------------------------------------------------------------------


def work_list(store, inspector: str | None = None, today: str | None = None) -> list[dict]:
    """What is left to visit: open assignments of *inspector* (every inspector when None),
    earliest due first, each with ``overdue`` (due before *today*) and ``days_left``."""
    today = today or dt.date.today().isoformat()
    day = dt.date.fromisoformat(today)
    out = []
    for a in repo(store).work_list(inspector):
        due = a["due_date"] or ""
        a["overdue"] = bool(due) and due < today
        a["days_left"] = (dt.date.fromisoformat(due) - day).days if due else None
        out.append(a)
    return out


def start_assignment(store, assignment_id: str, inspector: str, started_at: str | None = None):
    """Start (or resume) the visit an assignment asks for: the draft visit of these premises
    and campaign under way, else a new one (kind *campaign* within a campaign, routine
    otherwise; a market's stalls pre-filled in the sweep). Returns the visit."""
    from . import visits as vs

    row = store.conn.execute(
        "SELECT premises_id, campaign_id, done_visit_id FROM assignments WHERE id = ?",
        (assignment_id,),
    ).fetchone()
    if row is None:
        from ..domain.errors import InputError

        raise InputError("assignment", f"no assignment {assignment_id}")
    premises_id, campaign_id, _done = row
    follow_up = campaign_id.startswith("case:")  # an order to correct's re-inspection
    if follow_up:
        campaign_id = ""
    draft = store.conn.execute(
        "SELECT id FROM visits WHERE premises_id = ? AND status = 'draft'"
        " AND coalesce(campaign_id, '') = ? ORDER BY started_at DESC LIMIT 1",
        (premises_id, campaign_id),
    ).fetchone()
    if draft is not None:
        return vs.repo(store).require(draft[0])
    return vs.new_visit(
        store,
        inspector=inspector,
        premises_id=premises_id,
        kind="follow_up" if follow_up else ("campaign" if campaign_id else "routine"),
        campaign_id=campaign_id or None,
        started_at=started_at,
    )


def _group(rows: list[dict], key) -> list[dict]:
    groups: dict[str, dict] = {}
    for r in rows:
        name = key(r)
        g = groups.setdefault(
            name, {"name": name, "assigned": 0, "visited": 0, "findings": 0, "overdue": 0}
        )
        g["assigned"] += 1
        g["visited"] += bool(r["done_visit_id"])
        g["findings"] += bool(r["findings"])
        g["overdue"] += bool(r["overdue"])
    out = sorted(groups.values(), key=lambda g: (g["name"] == "", g["name"]))
    for g in out:
        g["visited_rate"] = rate(g["visited"], g["assigned"])
    return out


def campaign_progress(store, campaign: str, today: str | None = None) -> dict:
    """A campaign's progress as the office follows it: premises assigned, visited (a sealed
    visit ticked the assignment off) and visited with findings (a failed instrument, a
    sign of cheating or a failed duty of the premises), overdue; in total, per inspector,
    per county (district) and per kind of premises."""
    today = today or dt.date.today().isoformat()
    r = repo(store)
    c = r.resolve(campaign)
    rows = r.progress_rows(c.id)
    forms: dict = {}
    for a in rows:
        a["county"] = county_of(a.pop("address") or "", a["city"] or "", a.pop("county") or "")
        a["overdue"] = not a["done_visit_id"] and bool(a["due_date"]) and a["due_date"] < today
        duties_failed = 0
        for duty_set, answers in a.pop("duties"):
            form = forms.get(duty_set)
            if form is None:
                form = forms[duty_set] = load_duties(duty_set)
            duties_failed += len(failed_duties(form, json.loads(answers)))
        a["duties_failed"] = duties_failed
        a["findings"] = bool(
            a["done_visit_id"]
            and (a["failed_rows"] or a["failed_inspections"] or a["cheating_rows"] or duties_failed)
        )
    total = (
        _group(rows, lambda _r: "")[0]
        if rows
        else {
            "name": "",
            "assigned": 0,
            "visited": 0,
            "findings": 0,
            "overdue": 0,
            "visited_rate": None,
        }
    )
    total.pop("name")
    return {
        "campaign": as_dict(c),
        "today": today,
        "totals": total,
        "by_inspector": _group(rows, lambda x: x["inspector"]),
        "by_county": _group(rows, lambda x: x["county"]),
        "by_city": _group(rows, lambda x: x["city"] or ""),
        "by_kind": _group(rows, lambda x: x["kind"]),
        "assignments": rows,
    }


def campaign_report(
    store,
    campaign: str,
    *,
    lang: str = "zh",
    authority: str | None = None,
    identity=None,
    today: str | None = None,
) -> bytes:
    """The campaign summary PDF (progress and figures of the campaign's sealed visits),
    signed (PAdES, visible field, by the same signing function as the other reports) when
    *identity* is given."""
    from ..reports.campaign_report import build_campaign_report
    from .certificates import AUTHORITY_META, issuing_body

    progress = campaign_progress(store, campaign, today)
    stats = visit_statistics(store, campaign=progress["campaign"]["id"])
    stats.pop("campaign", None)  # its progress is in *progress*
    built = build_campaign_report(
        progress,
        stats,
        lang=lang,
        authority=authority or issuing_body(store).name(lang) or store.meta(AUTHORITY_META) or "",
        for_signing=identity is not None,
        signer_name=identity.name if identity is not None else "",
    )
    if identity is None:
        return built.pdf
    from .signing import sign_built

    return sign_built(built, identity, "Campaign summary")
