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

if TYPE_CHECKING:
    from ..domain.models import Inspection
    from .store import Store

_ROW_COLUMNS = [f.name for f in dataclasses.fields(SweepRow)]
MAX_PHOTOS = 50


def _visit(row: sqlite3.Row) -> Visit:
    return Visit(
        id=row["id"],
        kind=row["kind"],
        started_at=row["started_at"],
        inspector=row["inspector"],
        premises_id=row["premises_id"],
        market=row["market"],
        officers=[Officer(**o) for o in json.loads(row["officers_json"])],
        campaign_id=row["campaign_id"],
        place=row["place"],
        notes=row["notes"],
        duty_set=row["duty_set"],
        duties=json.loads(row["duties_json"]),
        covert=json.loads(row["covert_json"]),
        status=row["status"],
        content_hash=row["content_hash"],
        finalized_at=row["finalized_at"],
    )


def _row(r: sqlite3.Row) -> SweepRow:
    data = {k: r[k] for k in _ROW_COLUMNS}
    data["rest_ok"] = bool(data["rest_ok"])
    return SweepRow(**data)


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
        return _visit(row) if row else None

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
            _row(r)
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
        return _visit(row) if row else None

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
                f"INSERT INTO sweep_rows ({', '.join(_ROW_COLUMNS)})"
                f" VALUES ({', '.join('?' for _ in _ROW_COLUMNS)})",
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


# -- bundles (sync): batch reads and writes of sealed visits ---------------------------------
_CHUNK = 500


def _chunks(ids: list[Any]) -> list[list[Any]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def sealed_for_bundle(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every sealed visit as a bundle line: its content (domain.visits.visit_content), its
    status and hash, and the ids of its finalized inspections. Three queries in all."""
    from ..domain.visits import visit_content

    visits = [
        _visit(r)
        for r in conn.execute("SELECT * FROM visits WHERE status = 'finalized' ORDER BY id")
    ]
    rows: dict[str, list[SweepRow]] = {}
    for r in conn.execute(
        "SELECT s.* FROM sweep_rows s JOIN visits v ON v.id = s.visit_id"
        " WHERE v.status = 'finalized' ORDER BY s.visit_id, s.seq"
    ):
        rows.setdefault(r["visit_id"], []).append(_row(r))
    photos: dict[str, list[str]] = {}
    for vid, sha in conn.execute(
        "SELECT p.visit_id, p.sha256 FROM visit_photos p JOIN visits v ON v.id = p.visit_id"
        " WHERE v.status = 'finalized' ORDER BY p.visit_id, p.seq"
    ):
        photos.setdefault(vid, []).append(sha)
    inspections: dict[str, list[str]] = {}
    for vid, iid in conn.execute(
        "SELECT i.visit_id, i.id FROM inspections i JOIN visits v ON v.id = i.visit_id"
        " WHERE v.status = 'finalized' AND i.status = 'finalized'"
        " ORDER BY i.visit_id, i.record_id, i.revision"
    ):
        inspections.setdefault(vid, []).append(iid)
    out = []
    for v in visits:
        line = visit_content(v, rows.get(v.id, []), photos.get(v.id, []))
        line["status"] = v.status
        line["content_hash"] = v.content_hash
        line["inspections"] = inspections.get(v.id, [])
        out.append(line)
    return out


def campaign_ids(conn: sqlite3.Connection, ids: list[str]) -> set[str]:
    """Which of *ids* are campaigns here."""
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM campaigns WHERE id IN ({_marks(len(chunk))})", chunk
            )
        )
    return found


def inspection_visits(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """inspection id -> the visit it belongs to here (only those that have one)."""
    out: dict[str, str] = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update(
            (r[0], r[1])
            for r in conn.execute(
                f"SELECT id, visit_id FROM inspections WHERE visit_id IS NOT NULL"
                f" AND id IN ({_marks(len(chunk))})",
                chunk,
            )
        )
    return out


def visit_states(conn: sqlite3.Connection, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """visit id -> (status, content hash) for the visits of *ids* that exist here."""
    out: dict[str, tuple[str, str | None]] = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update(
            (r[0], (r[1], r[2]))
            for r in conn.execute(
                f"SELECT id, status, content_hash FROM visits WHERE id IN ({_marks(len(chunk))})",
                chunk,
            )
        )
    return out


def insert_sealed(
    conn: sqlite3.Connection, lines: list[dict[str, Any]], seq: int, origin: str
) -> None:
    """Store sealed visits from a bundle (validated lines, none of them here yet), their
    sweep rows, and put their inspections into them; call inside a write transaction. Each
    visit is written as a draft, its rows added, then sealed, as the schema's triggers
    require; every step is one executemany."""
    if not lines:
        return
    conn.executemany(
        "INSERT INTO visits (id, kind, started_at, day, inspector, premises_id, market,"
        " officers_json, campaign_id, place, notes, duty_set, duties_json, covert_json,"
        " status, change_seq, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " 'draft', ?, ?)",
        [
            (
                v["id"],
                v["kind"],
                v["started_at"],
                v["started_at"][:10],
                v["inspector"],
                v["premises_id"],
                v["market"],
                json.dumps(v["officers"], ensure_ascii=False),
                v["campaign_id"],
                v["place"],
                v["notes"],
                v["duty_set"],
                json.dumps(v["duties"], ensure_ascii=False, sort_keys=True),
                json.dumps(v["covert"], ensure_ascii=False, sort_keys=True),
                seq,
                origin,
            )
            for v in lines
        ],
    )
    conn.executemany(
        f"INSERT INTO sweep_rows ({', '.join(_ROW_COLUMNS)})"
        f" VALUES ({', '.join('?' for _ in _ROW_COLUMNS)})",
        [
            tuple(int(r[k]) if isinstance(r[k], bool) else r[k] for k in _ROW_COLUMNS)
            for v in lines
            for r in v["rows"]
        ],
    )
    conn.executemany(
        "INSERT INTO visit_photos (visit_id, seq, sha256) VALUES (?, ?, ?)",
        [(v["id"], i, sha) for v in lines for i, sha in enumerate(v.get("photos", []))],
    )
    conn.executemany(
        "UPDATE visits SET status = 'finalized', content_hash = ?, finalized_at = ?"
        " WHERE id = ? AND status = 'draft'",
        [(v["content_hash"], v["finalized_at"], v["id"]) for v in lines],
    )
    conn.executemany(
        "UPDATE inspections SET visit_id = ? WHERE id = ? AND visit_id IS NULL",
        [(v["id"], x) for v in lines for x in v["inspections"]],
    )


def attach_inspections(conn: sqlite3.Connection, pairs: list[tuple[str, str]]) -> None:
    """(visit id, inspection id): put inspections that have no visit yet into their sealed
    visit (an inspection that arrives after its visit)."""
    conn.executemany("UPDATE inspections SET visit_id = ? WHERE id = ? AND visit_id IS NULL", pairs)


def campaigns_for_bundle(
    conn: sqlite3.Connection, ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every campaign (or those of *ids*) as a bundle line (the fields of
    store.campaigns.Campaign)."""
    wanted = None if ids is None else set(ids)
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "date_from": r["date_from"],
            "date_to": r["date_to"],
            "kinds": json.loads(r["kinds_json"]),
            "regions": json.loads(r["regions_json"]),
            "focus": json.loads(r["focus_json"]),
            "notes": r["notes"],
        }
        for r in conn.execute("SELECT * FROM campaigns ORDER BY id")
        if wanted is None or r["id"] in wanted
    ]


def upsert_campaigns(
    conn: sqlite3.Connection,
    campaigns: list[dict[str, Any]],
    seq: int,
    origin: str,
    replace: bool = True,
) -> tuple[int, int]:
    """Campaigns from a bundle (validated lines), in one executemany; (new, changed). The
    office's replace the ones here by id; with *replace* false (a laptop's, at the office)
    only campaigns not here are added. Call inside a write transaction."""
    if not campaigns:
        return 0, 0
    here = {
        r[0]: tuple(r[1:])
        for chunk in _chunks(sorted(c["id"] for c in campaigns))
        for r in conn.execute(
            "SELECT id, name, date_from, date_to, kinds_json, regions_json, focus_json, notes"
            f" FROM campaigns WHERE id IN ({_marks(len(chunk))})",
            chunk,
        )
    }
    rows = []
    new = changed = 0
    for c in campaigns:
        values = (
            c["name"],
            c["date_from"],
            c["date_to"],
            json.dumps(c["kinds"]),
            json.dumps(c["regions"], ensure_ascii=False),
            json.dumps(c["focus"], ensure_ascii=False),
            c["notes"],
        )
        if here.get(c["id"]) == values or (not replace and c["id"] in here):
            continue
        new += c["id"] not in here
        changed += c["id"] in here
        rows.append((c["id"], *values, seq, origin))
    conn.executemany(
        "INSERT INTO campaigns (id, name, date_from, date_to, kinds_json, regions_json,"
        " focus_json, notes, change_seq, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET name = excluded.name, date_from = excluded.date_from,"
        " date_to = excluded.date_to, kinds_json = excluded.kinds_json,"
        " regions_json = excluded.regions_json, focus_json = excluded.focus_json,"
        " notes = excluded.notes, change_seq = excluded.change_seq, origin = excluded.origin",
        rows,
    )
    return new, changed


def tick_assignments(conn: sqlite3.Connection) -> None:
    """A campaign assignment not yet done is ticked off by a sealed visit of the same
    premises and campaign made here before the assignment arrived (one statement)."""
    conn.execute(
        "UPDATE assignments SET done_visit_id = (SELECT v.id FROM visits v"
        " WHERE v.premises_id = assignments.premises_id"
        " AND v.campaign_id = assignments.campaign_id AND v.status = 'finalized'"
        " ORDER BY v.started_at LIMIT 1)"
        " WHERE done_visit_id IS NULL AND campaign_id != ''"
    )


def upgrade_visits(conn: sqlite3.Connection, ids: list[str] | None = None) -> set[str]:
    """Visits the upgrade to schema 6 gathered from existing inspections (never saved by
    the program since: change number 0), of *ids* or all."""
    if ids is None:
        return {r[0] for r in conn.execute("SELECT id FROM visits WHERE change_seq = 0")}
    found: set[str] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM visits WHERE change_seq = 0 AND id IN ({_marks(len(chunk))})",
                chunk,
            )
        )
    return found


def visit_columns(
    conn: sqlite3.Connection, inspection_ids: list[str]
) -> dict[str, tuple[str, str, str, str]]:
    """For list exports: each inspection's visit as (visit id, visit day, kind of visit,
    campaign name), read in batches; an inspection outside any visit is left out."""
    out: dict[str, tuple[str, str, str, str]] = {}
    for chunk in _chunks(list(inspection_ids)):
        for iid, vid, day, kind, campaign in conn.execute(
            "SELECT i.id, v.id, v.day, v.kind, coalesce(c.name, '') FROM inspections i"
            " JOIN visits v ON v.id = i.visit_id LEFT JOIN campaigns c ON c.id = v.campaign_id"
            f" WHERE i.id IN ({_marks(len(chunk))})",
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
