"""Campaign use-cases: define a campaign, assign premises or markets to inspectors, follow
its progress, and count its visits as the bureau counts (pass rates to two decimals)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..domain.models import new_id
from ..domain.visits import load_duties
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
) -> list[str]:
    """Assign premises and markets (by name: the market organiser's premises) to *inspector*."""
    r = repo(store)
    c = r.resolve(campaign)
    ids = list(premises_ids or [])
    for m in markets or []:
        ids.append(market_premises(store, m, actor).id)
    return r.assign(c.id, ids, inspector, due, actor=actor)


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
) -> dict:
    """The bureau's figures over finalized visits: per kind of premises and in total, the
    premises (markets) inspected, instruments checked (swept, fully inspected), failed,
    with cheating found, and the pass rate to two decimals; duties found failed."""
    c = repo(store).resolve(campaign) if campaign else None
    rows = visit_counts(
        store.conn,
        campaign_id=c.id if c else None,
        premises_kind=premises_kind,
        date_from=date_from,
        date_to=date_to,
        city=city,
    )
    forms = {}
    by_kind = []
    keys = ("visits", "premises", "covert", "checked", "swept", "full", "failed", "cheating")
    totals = dict.fromkeys(keys, 0)
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
        entry = {
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
    out = {
        "filter": {
            "campaign": c.name if c else None,
            "kind": premises_kind,
            "from": date_from,
            "to": date_to,
            "city": city,
        },
        "totals": totals,
        "by_kind": by_kind,
    }
    if c is not None:
        out["campaign"] = {**as_dict(c), "progress": repo(store).progress(c.id)}
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
