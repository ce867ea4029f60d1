"""Opening a visit: a new draft visit with its sweep pre-filled from the register (of the
premises, or of every stall of a market), and the visit every new inspection joins (today's
open visit of its premises, or a new routine one).

Below both :mod:`.visits` and :mod:`.drafts`: a new draft joins its visit here, and a
visit's sweep row opens a full inspection through the drafts, so neither imports the other
back. :mod:`.visits` re-exports these names.
"""

from __future__ import annotations

import datetime as dt

from ..domain.errors import InputError
from ..domain.models import Premises, new_id
from ..domain.visits import (
    DUTY_SETS,
    Officer,
    SweepRow,
    Visit,
)
from ..store.visits import VisitRepo


def repo(store) -> VisitRepo:
    return VisitRepo(store)


def now_iso() -> str:
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat(timespec="minutes")


def market_premises(store, market: str, actor: str = "") -> Premises:
    """The market organiser's premises (kind ``market``) for *market*, made from its stalls'
    city and address the first time a market is visited."""
    row = store.conn.execute(
        "SELECT id FROM premises WHERE kind = 'market' AND (market = ? OR name = ?) LIMIT 1",
        (market, market),
    ).fetchone()
    if row:
        return store.premises.get(row[0])
    stall = store.conn.execute(
        "SELECT city, address FROM premises WHERE market = ? LIMIT 1", (market,)
    ).fetchone()
    if stall is None:
        raise InputError("visit.market", f"no premises is a stall of the market {market!r}")
    p = Premises(
        id=new_id(), kind="market", name=market, city=stall[0], address=stall[1], market=market
    )
    return store.premises.save(p, actor)


def register_rows(store, visit: Visit) -> list[SweepRow]:
    """One unchecked row per instrument in the register of the premises, or of every stall
    of the market, ordered by stall and serial."""
    if visit.market:
        sql = (
            "SELECT n.id, n.premises_id, n.maker, n.model, n.serial, p.stall_no, p.name"
            " FROM instruments n JOIN premises p ON p.id = n.premises_id"
            " WHERE p.market = ? AND n.family NOT IN ('retail_goods', 'prepackaged')"
            " ORDER BY p.stall_no, p.name, n.serial"
        )
        params: tuple[str | None, ...] = (visit.market,)
    else:
        sql = (
            "SELECT n.id, n.premises_id, n.maker, n.model, n.serial, p.stall_no, p.name"
            " FROM instruments n JOIN premises p ON p.id = n.premises_id"
            " WHERE n.premises_id = ? AND n.family NOT IN ('retail_goods', 'prepackaged')"
            " ORDER BY n.family, n.serial"
        )
        params = (visit.premises_id,)
    rows = []
    for i, (iid, pid, maker, model, serial, stall, pname) in enumerate(
        store.conn.execute(sql, params)
    ):
        label = row_label(stall, pname, maker, model, serial)
        rows.append(
            SweepRow(
                id=new_id(),
                visit_id=visit.id,
                seq=i,
                instrument_id=iid,
                premises_id=pid,
                identity_code=serial,
                label=label,
            )
        )
    return rows


def row_label(stall: str, premises_name: str, maker: str, model: str, serial: str) -> str:
    where = f"{stall} " if stall else ""
    return f"{where}{premises_name} · {' '.join(x for x in (maker, model, serial) if x)}".strip()[
        :200
    ]


def new_visit(
    store,
    *,
    inspector: str,
    premises_id: str | None = None,
    market: str = "",
    kind: str = "routine",
    started_at: str | None = None,
    officers: list[Officer] | None = None,
    campaign_id: str | None = None,
    place: str = "",
    notes: str = "",
    prefill: bool = True,
) -> Visit:
    """Create a draft visit, its sweep pre-filled from the register."""
    if market and not premises_id:
        premises_id = market_premises(store, market, inspector).id
    premises = store.premises.get(premises_id) if premises_id else None
    if premises_id and premises is None:
        raise InputError("visit.premises_id", f"no premises {premises_id}")
    if premises is not None and premises.kind == "market":
        market = premises.market or premises.name
    visit = Visit(
        id=new_id(),
        kind=kind,
        started_at=started_at or now_iso(),
        inspector=inspector,
        premises_id=premises_id,
        market=market,
        officers=officers if officers is not None else [Officer(inspector)],
        campaign_id=campaign_id,
        place=place or (premises.address if premises else ""),
        notes=notes,
        duty_set=DUTY_SETS.get(premises.kind, "") if premises else "",
    )
    r = repo(store)
    visit = r.save(visit, inspector)
    if prefill:
        rows = register_rows(store, visit)
        if rows:
            r.replace_rows(visit.id, rows, inspector)
    return visit


def visit_for_inspection(store, inspection_id: str, actor: str = "") -> str:
    """Put a new inspection into today's open visit for its premises (or its market), or
    into a new routine visit; returns the visit id."""
    insp = store.inspections.require(inspection_id)
    r = repo(store)
    day = (insp.started_at or now_iso())[:10]
    visit = r.open_visit_for(insp.premises_id, day)
    if visit is None:
        visit = new_visit(
            store,
            inspector=insp.inspector,
            premises_id=insp.premises_id,
            kind="covert" if insp.check == "covert" else "routine",
            started_at=insp.started_at or None,
            officers=[Officer(insp.inspector)] if insp.check != "covert" else [],
            prefill=False,
        )
    r.attach_inspection(insp.id, visit.id, actor or insp.inspector)
    return visit.id
