"""Visits and their sweep rows: storing drafts, sealing, listing, and linking inspections.

Every write goes through ``Store.write`` (one transaction, a change number, an audit
entry). A finalized visit is sealed by its content hash and the database refuses any later
change to it or to its rows (triggers of the schema).
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.errors import InputError
from ..domain.visits import Officer, SweepRow, Visit, validate_row, validate_visit, visit_hash
from .inspections import RecordStateError

# the bundle reads and writes are in visit_bundles; the sync layer imports them from here
from .visit_bundles import attach_inspections as attach_inspections
from .visit_bundles import campaign_ids as campaign_ids
from .visit_bundles import campaigns_for_bundle as campaigns_for_bundle
from .visit_bundles import chunks as chunks
from .visit_bundles import insert_sealed as insert_sealed
from .visit_bundles import inspection_visits as inspection_visits
from .visit_bundles import marks as marks
from .visit_bundles import sealed_for_bundle as sealed_for_bundle
from .visit_bundles import tick_assignments as tick_assignments
from .visit_bundles import upgrade_visits as upgrade_visits
from .visit_bundles import upsert_campaigns as upsert_campaigns
from .visit_bundles import visit_states as visit_states
from .visit_codec import SWEEP_ROW_COLUMNS, sweep_row_from_row, visit_from_row

if TYPE_CHECKING:
    from ..domain.models import Inspection
    from .store import Store

MAX_PHOTOS = 50


@dataclass
class VisitSummary:
    id: str
    day: str
    started_at: str
    kind: str
    status: str
    inspector: str
    premises_id: str | None
    premises_name: str
    market: str
    city: str
    campaign_id: str | None
    rows: int
    checked: int
    failed: int
    inspections: int

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class VisitRepo:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    # -- reading ----------------------------------------------------------------------------
    def get(self, visit_id: str) -> Visit | None:
        row = self.conn.execute("SELECT * FROM visits WHERE id = ?", (visit_id,)).fetchone()
        return visit_from_row(row) if row else None

    def require(self, visit_id: str) -> Visit:
        v = self.get(visit_id)
        if v is None:
            raise InputError("visit", f"no visit {visit_id}")
        return v

    def resolve(self, prefix: str) -> str:
        """The id of the one visit whose id starts with *prefix* (6 characters at least)."""
        prefix = prefix.strip()
        if len(prefix) < 6:
            raise InputError("visit", "give the visit id or its first 6 characters at least")
        rows = self.conn.execute(
            "SELECT id FROM visits WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "\uffff")
        ).fetchall()
        if not rows:
            raise InputError("visit", f"no visit {prefix}")
        if len(rows) > 1:
            raise InputError("visit", f"{prefix} names more than one visit; give more characters")
        return str(rows[0][0])

    def rows(self, visit_id: str) -> list[SweepRow]:
        return [
            sweep_row_from_row(r)
            for r in self.conn.execute(
                "SELECT * FROM sweep_rows WHERE visit_id = ? ORDER BY seq", (visit_id,)
            )
        ]

    def open_visit_for(self, premises_id: str, day: str) -> Visit | None:
        """Today's draft visit for these premises, or for the market the premises is a
        stall of."""
        row = self.conn.execute(
            "SELECT v.* FROM visits v WHERE v.status = 'draft' AND v.day = ? AND ("
            " v.premises_id = ? OR (v.market != '' AND v.market ="
            " (SELECT market FROM premises WHERE id = ? AND market != '')))"
            " ORDER BY v.started_at DESC LIMIT 1",
            (day, premises_id, premises_id),
        ).fetchone()
        return visit_from_row(row) if row else None

    def inspection_ids(self, visit_id: str) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM inspections WHERE visit_id = ? AND superseded_by IS NULL"
                " ORDER BY started_at",
                (visit_id,),
            )
        ]

    def list(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        kind: str | None = None,
        campaign_id: str | None = None,
        status: str | None = None,
        search: str = "",
        limit: int = 500,
    ) -> list[VisitSummary]:
        where, params = [], []
        if date_from:
            where.append("v.day >= ?")
            params.append(date_from)
        if date_to:
            where.append("v.day <= ?")
            params.append(date_to)
        if kind:
            where.append("v.kind = ?")
            params.append(kind)
        if campaign_id:
            where.append("v.campaign_id = ?")
            params.append(campaign_id)
        if status:
            where.append("v.status = ?")
            params.append(status)
        if search:
            where.append(
                "(p.name LIKE ? OR v.market LIKE ? OR v.place LIKE ? OR v.inspector LIKE ?)"
            )
            params += [f"%{search}%"] * 4
        sql = (
            "SELECT v.id, v.day, v.started_at, v.kind, v.status, v.inspector, v.premises_id,"
            " coalesce(p.name, v.market) AS premises_name, v.market, coalesce(p.city, '') AS city,"
            " v.campaign_id,"
            " (SELECT count(*) FROM sweep_rows s WHERE s.visit_id = v.id) AS nrows,"
            " (SELECT count(*) FROM sweep_rows s WHERE s.visit_id = v.id AND (s.rest_ok = 1"
            "   OR s.mark != '' OR s.seal != '' OR s.nameplate != '' OR s.approval != ''"
            "   OR s.cheating != '' OR s.quick_verdict != '')) AS nchecked,"
            " (SELECT count(*) FROM sweep_rows s WHERE s.visit_id = v.id AND (s.mark = 'no'"
            "   OR s.seal = 'no' OR s.nameplate = 'no' OR s.approval = 'no'"
            "   OR s.cheating = 'yes' OR s.quick_verdict = 'fail')) AS nfailed,"
            " (SELECT count(*) FROM inspections i WHERE i.visit_id = v.id"
            "   AND i.superseded_by IS NULL) AS ninsp"
            " FROM visits v LEFT JOIN premises p ON p.id = v.premises_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY v.started_at DESC LIMIT ?"
        )
        return [VisitSummary(*r) for r in self.conn.execute(sql, [*params, limit]).fetchall()]

    # -- writing ----------------------------------------------------------------------------
    def _check_draft(self, visit_id: str) -> None:
        row = self.conn.execute("SELECT status FROM visits WHERE id = ?", (visit_id,)).fetchone()
        if row is not None and row[0] != "draft":
            raise RecordStateError("visit.status", "a finalized visit cannot be changed")

    def save(self, v: Visit, actor: str = "") -> Visit:
        """Insert or update a draft visit (validated)."""
        v = validate_visit(v)
        if v.status != "draft":
            raise RecordStateError("visit.status", "only a draft visit can be saved")
        if v.premises_id and self.store.premises.get(v.premises_id) is None:
            raise InputError("visit.premises_id", "the premises does not exist")
        if (
            v.campaign_id
            and not self.conn.execute(
                "SELECT 1 FROM campaigns WHERE id = ?", (v.campaign_id,)
            ).fetchone()
        ):
            raise InputError("visit.campaign_id", "the campaign does not exist")
        self._check_draft(v.id)
        exists = self.conn.execute("SELECT 1 FROM visits WHERE id = ?", (v.id,)).fetchone()
        row: dict[str, Any] = {
            "id": v.id,
            "kind": v.kind,
            "started_at": v.started_at,
            "day": v.day,
            "inspector": v.inspector,
            "premises_id": v.premises_id,
            "market": v.market,
            "officers_json": json.dumps(
                [dataclasses.asdict(o) for o in v.officers], ensure_ascii=False
            ),
            "campaign_id": v.campaign_id,
            "place": v.place,
            "notes": v.notes,
            "duty_set": v.duty_set,
            "duties_json": json.dumps(v.duties, ensure_ascii=False, sort_keys=True),
            "covert_json": json.dumps(v.covert, ensure_ascii=False, sort_keys=True),
        }
        with self.store.write(
            actor or v.inspector, "visit.update" if exists else "visit.create", "visit", v.id
        ) as seq:
            row["change_seq"] = seq
            if exists:
                sets = ", ".join(f"{k} = :{k}" for k in row if k != "id")
                self.conn.execute(f"UPDATE visits SET {sets} WHERE id = :id", row)
            else:
                self.conn.execute(
                    f"INSERT INTO visits ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})",
                    row,
                )
        return v

    def replace_rows(
        self, visit_id: str, rows: builtins.list[SweepRow], actor: str = ""
    ) -> builtins.list[SweepRow]:
        """Make the visit's sweep rows exactly *rows* (validated, numbered in order), in one
        transaction: all or nothing."""
        self.require(visit_id)
        self._check_draft(visit_id)
        clean = []
        for i, r in enumerate(rows):
            r = validate_row(dataclasses.replace(r, visit_id=visit_id, seq=i), f"rows[{i}]")
            if r.instrument_id and self.store.instruments.get(r.instrument_id) is None:
                raise InputError(f"rows[{i}].instrument_id", "the instrument does not exist")
            clean.append(r)
        with self.store.write(actor, "visit.sweep", "visit", visit_id, {"rows": len(clean)}):
            self.conn.execute("DELETE FROM sweep_rows WHERE visit_id = ?", (visit_id,))
            self.conn.executemany(
                f"INSERT INTO sweep_rows ({', '.join(SWEEP_ROW_COLUMNS)})"
                f" VALUES ({', '.join('?' for _ in SWEEP_ROW_COLUMNS)})",
                [
                    tuple(int(v) if isinstance(v, bool) else v for v in dataclasses.astuple(r))
                    for r in clean
                ],
            )
        return clean

    def attach_inspection(self, inspection_id: str, visit_id: str, actor: str = "") -> None:
        """Put an inspection into a visit (a draft visit; a finalized inspection keeps the
        visit it has)."""
        self._check_draft(visit_id)
        with self.store.write(
            actor, "visit.attach", "inspection", inspection_id, {"visit": visit_id}
        ):
            self.conn.execute(
                "UPDATE inspections SET visit_id = ? WHERE id = ?", (visit_id, inspection_id)
            )

    def visit_of(self, inspection_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT visit_id FROM inspections WHERE id = ?", (inspection_id,)
        ).fetchone()
        return row[0] if row else None

    def photos(self, visit_id: str) -> builtins.list[str]:
        """The SHA-256 of the visit's photos, in order."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT sha256 FROM visit_photos WHERE visit_id = ? ORDER BY seq", (visit_id,)
            )
        ]

    def set_photos(
        self, visit_id: str, shas: builtins.list[str], actor: str = ""
    ) -> builtins.list[str]:
        """Make a draft visit's photos exactly *shas* (each already stored as an
        attachment), in order; a photo listed twice is kept once."""
        self.require(visit_id)
        self._check_draft(visit_id)
        clean = list(dict.fromkeys(shas))
        if len(clean) > MAX_PHOTOS:
            raise InputError("visit.photos", f"at most {MAX_PHOTOS} photos per visit")
        for i, sha in enumerate(clean):
            if self.store.attachments.mime(sha) is None:
                raise InputError(f"visit.photos[{i}]", "the photo is not stored")
        with self.store.write(actor, "visit.photos", "visit", visit_id, {"photos": len(clean)}):
            self.conn.execute("DELETE FROM visit_photos WHERE visit_id = ?", (visit_id,))
            self.conn.executemany(
                "INSERT INTO visit_photos (visit_id, seq, sha256) VALUES (?, ?, ?)",
                [(visit_id, i, sha) for i, sha in enumerate(clean)],
            )
        return clean

    def finalize(self, visit_id: str, actor: str = "") -> Visit:
        """Seal a draft visit: validated for sealing, content hash over the visit and its
        rows; read-only from then on."""
        v = self.require(visit_id)
        if v.status != "draft":
            raise RecordStateError("visit.status", "the visit is finalized already")
        v = validate_visit(v, final=True)
        rows = self.rows(visit_id)
        unchecked = [r for r in rows if not r.checked and not r.quick_verdict]
        if unchecked:
            names = ", ".join(r.label or r.identity_code or str(r.seq + 1) for r in unchecked[:5])
            more = f" and {len(unchecked) - 5} more" if len(unchecked) > 5 else ""
            raise RecordStateError(
                "visit.rows",
                f"{len(unchecked)} instrument(s) not yet checked ({names}{more}); check them or"
                " use 'rest all OK'",
            )
        drafts = self.conn.execute(
            "SELECT count(*) FROM inspections WHERE visit_id = ? AND status = 'draft'",
            (visit_id,),
        ).fetchone()[0]
        if drafts:
            raise RecordStateError(
                "visit.inspections",
                f"{drafts} inspection(s) of this visit are still drafts; finalize or delete them first",
            )
        v.finalized_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        v.content_hash = visit_hash(v, rows, self.photos(visit_id))
        with self.store.write(
            actor or v.inspector, "visit.finalize", "visit", v.id, {"content_hash": v.content_hash}
        ) as seq:
            self.conn.execute(
                "UPDATE visits SET status = 'finalized', content_hash = ?, finalized_at = ?,"
                " change_seq = ? WHERE id = ? AND status = 'draft'",
                (v.content_hash, v.finalized_at, seq, v.id),
            )
            self.conn.execute(
                "UPDATE assignments SET done_visit_id = ? WHERE done_visit_id IS NULL"
                " AND premises_id = ? AND (campaign_id = '' OR campaign_id = ?)",
                (v.id, v.premises_id or "", v.campaign_id or ""),
            )
        v.status = "finalized"
        return v

    def delete_draft(self, visit_id: str, actor: str = "") -> None:
        """Delete a draft visit with its sweep; one with inspections is refused (every
        inspection belongs to a visit: delete them first)."""
        self._check_draft(visit_id)
        n = self.conn.execute(
            "SELECT count(*) FROM inspections WHERE visit_id = ?", (visit_id,)
        ).fetchone()[0]
        if n:
            raise RecordStateError(
                "visit.inspections", f"{n} inspection(s) belong to this visit; delete them first"
            )
        with self.store.write(actor, "visit.delete", "visit", visit_id):
            self.conn.execute("DELETE FROM sweep_rows WHERE visit_id = ?", (visit_id,))
            self.conn.execute("DELETE FROM visit_photos WHERE visit_id = ?", (visit_id,))
            self.conn.execute("DELETE FROM visits WHERE id = ?", (visit_id,))


def visit_for_new_inspection(store: Store, insp: Inspection, actor: str = "") -> str:
    """The visit a new draft inspection joins when it is first stored (called inside the
    transaction that stores it): a correction stays in the visit of the revision it
    corrects; otherwise the draft visit of its premises (or of the market it is a stall of)
    on the day it was started; otherwise a new draft visit of its own (routine, or covert
    for a covert check, with the inspector as officer). Returns the visit id."""
    from ..domain.models import new_id
    from ..domain.visits import DUTY_SETS

    conn = store.conn
    if getattr(insp, "parent_id", None):
        row = conn.execute(
            "SELECT visit_id FROM inspections WHERE id = ?", (insp.parent_id,)
        ).fetchone()
        if row is not None and row[0]:
            return str(row[0])
    try:
        started = dt.datetime.fromisoformat((insp.started_at or "").replace("Z", "+00:00"))
        if started.tzinfo is None:  # written without its offset: this computer's
            started = started.astimezone()
    except ValueError:
        started = dt.datetime.now().astimezone()
    repo = VisitRepo(store)
    day = (insp.started_at or "")[:10] if insp.started_at else started.date().isoformat()
    visit = repo.open_visit_for(insp.premises_id, day)
    if visit is not None:
        return visit.id
    premises = store.premises.get(insp.premises_id)
    covert = insp.check == "covert"
    v = Visit(
        id=new_id(),
        kind="covert" if covert else "routine",
        started_at=started.isoformat(timespec="minutes"),
        inspector=insp.inspector,
        premises_id=insp.premises_id,
        officers=[] if covert else [Officer(insp.inspector)],
        place=premises.address if premises is not None else "",
        duty_set=DUTY_SETS.get(premises.kind, "") if premises is not None else "",
    )
    return repo.save(v, actor or insp.inspector).id


def visit_columns(
    conn: sqlite3.Connection, inspection_ids: list[str]
) -> dict[str, tuple[str, str, str, str]]:
    """For list exports: each inspection's visit as (visit id, visit day, kind of visit,
    campaign name), read in batches; an inspection outside any visit is left out."""
    out: dict[str, tuple[str, str, str, str]] = {}
    for chunk in chunks(list(inspection_ids)):
        for iid, vid, day, kind, campaign in conn.execute(
            "SELECT i.id, v.id, v.day, v.kind, coalesce(c.name, '') FROM inspections i"
            " JOIN visits v ON v.id = i.visit_id LEFT JOIN campaigns c ON c.id = v.campaign_id"
            f" WHERE i.id IN ({marks(len(chunk))})",
            chunk,
        ):
            out[iid] = (vid, day, kind, campaign)
    return out


def visit_of_inspection(conn: sqlite3.Connection, inspection_id: str) -> dict[str, Any] | None:
    """The visit an inspection belongs to, for its report: id, kind, day, officers (name,
    certificate number), campaign name, status; None outside any visit."""
    row = conn.execute(
        "SELECT v.id, v.kind, v.day, v.officers_json, coalesce(c.name, ''), v.status"
        " FROM inspections i JOIN visits v ON v.id = i.visit_id"
        " LEFT JOIN campaigns c ON c.id = v.campaign_id WHERE i.id = ?",
        (inspection_id,),
    ).fetchone()
    if row is None:
        return None
    return {
        "id": row[0],
        "kind": row[1],
        "day": row[2],
        "officers": json.loads(row[3]),
        "campaign": row[4],
        "status": row[5],
    }
