"""Campaigns (专项), their work lists (assignments of premises to inspectors with due dates),
and the counts a bureau reports per campaign: markets and premises inspected, instruments
swept and fully inspected, failures, cheating findings."""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..domain.errors import InputError
from ..domain.models import PREMISES_KINDS, new_id
from ..domain.text import clean_text

if TYPE_CHECKING:
    from .store import Store


@dataclass
class Campaign:
    id: str
    name: str
    date_from: str
    date_to: str
    kinds: list[str] = field(default_factory=list)  # kinds of premises
    regions: list[str] = field(default_factory=list)  # cities or counties
    focus: list[str] = field(default_factory=list)  # focus items, free text
    notes: str = ""


def _date(value: str, path: str) -> str:
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError(path, f"{value!r} is not a date (YYYY-MM-DD)") from None


def validate_campaign(c: Campaign) -> Campaign:
    name = clean_text(c.name, "campaign.name", required=True)
    date_from = _date(c.date_from, "campaign.date_from")
    date_to = _date(c.date_to, "campaign.date_to")
    if date_to < date_from:
        raise InputError("campaign.date_to", "the period ends before it starts")
    for i, k in enumerate(c.kinds):
        if k not in PREMISES_KINDS:
            raise InputError(f"campaign.kinds[{i}]", f"must be one of {', '.join(PREMISES_KINDS)}")
    regions = [clean_text(r, f"campaign.regions[{i}]") for i, r in enumerate(c.regions)]
    focus = [clean_text(f, f"campaign.focus[{i}]") for i, f in enumerate(c.focus)]
    return Campaign(
        c.id,
        name,
        date_from,
        date_to,
        list(c.kinds),
        [r for r in regions if r],
        [f for f in focus if f],
        clean_text(c.notes, "campaign.notes", max_len=4000, multiline=True),
    )


class CampaignRepo:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def _campaign(self, r: sqlite3.Row) -> Campaign:
        return Campaign(
            r["id"],
            r["name"],
            r["date_from"],
            r["date_to"],
            json.loads(r["kinds_json"]),
            json.loads(r["regions_json"]),
            json.loads(r["focus_json"]),
            r["notes"],
        )

    def get(self, campaign_id: str) -> Campaign | None:
        r = self.conn.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
        return self._campaign(r) if r else None

    def resolve(self, text: str) -> Campaign:
        """A campaign by id, id prefix (6+ characters) or exact name."""
        text = text.strip()
        rows = self.conn.execute(
            "SELECT * FROM campaigns WHERE name = ? OR id = ?", (text, text)
        ).fetchall()
        if not rows and len(text) >= 6:
            rows = self.conn.execute(
                "SELECT * FROM campaigns WHERE id >= ? AND id < ?", (text, text + "\uffff")
            ).fetchall()
        if not rows:
            raise InputError("campaign", f"no campaign {text!r}")
        if len(rows) > 1:
            raise InputError("campaign", f"{text!r} names more than one campaign; give its id")
        return self._campaign(rows[0])

    def list(self) -> list[Campaign]:
        return [
            self._campaign(r)
            for r in self.conn.execute("SELECT * FROM campaigns ORDER BY date_from DESC, name")
        ]

    def save(self, c: Campaign, actor: str = "") -> Campaign:
        c = validate_campaign(c)
        if self.conn.execute(
            "SELECT 1 FROM campaigns WHERE name = ? AND id != ?", (c.name, c.id)
        ).fetchone():
            raise InputError("campaign.name", f"a campaign named {c.name!r} exists already")
        with self.store.write(actor, "campaign.save", "campaign", c.id) as seq:
            self.conn.execute(
                "INSERT INTO campaigns (id, name, date_from, date_to, kinds_json, regions_json,"
                " focus_json, notes, change_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET name = excluded.name, date_from = excluded.date_from,"
                " date_to = excluded.date_to, kinds_json = excluded.kinds_json,"
                " regions_json = excluded.regions_json, focus_json = excluded.focus_json,"
                " notes = excluded.notes, change_seq = excluded.change_seq",
                (
                    c.id,
                    c.name,
                    c.date_from,
                    c.date_to,
                    json.dumps(c.kinds),
                    json.dumps(c.regions, ensure_ascii=False),
                    json.dumps(c.focus, ensure_ascii=False),
                    c.notes,
                    seq,
                ),
            )
        return c

    # -- work lists ---------------------------------------------------------------------------
    def assign(
        self,
        campaign_id: str,
        premises_ids: builtins.list[str],
        inspector: str,
        due: str | None = None,
        note: str = "",
        actor: str = "",
        move: bool = False,
    ) -> builtins.list[str]:
        """Assign premises (a market by its organiser's premises) to an inspector for the
        campaign, with a due date; an assignment already there keeps its id and gets the
        new due date. With *move*, the same premises' open (not yet visited) assignments
        of this campaign to other inspectors are taken off in the same write. Returns the
        assignment ids."""
        c = self.get(campaign_id)
        if c is None:
            raise InputError("campaign", f"no campaign {campaign_id}")
        inspector = clean_text(inspector, "assignment.inspector", required=True)
        due = _date(due, "assignment.due") if due else c.date_to
        if not premises_ids:
            raise InputError("assignment.premises", "name at least one premises or market")
        for i, pid in enumerate(premises_ids):
            if self.store.premises.get(pid) is None:
                raise InputError(f"assignment.premises[{i}]", f"no premises {pid}")
        ids = []
        detail = {"premises": len(premises_ids), **({"moved": True} if move else {})}
        with self.store.write(actor, "campaign.assign", "campaign", campaign_id, detail) as seq:
            for pid in premises_ids:
                if move:
                    self.conn.execute(
                        "DELETE FROM assignments WHERE campaign_id = ? AND premises_id = ?"
                        " AND inspector != ? AND done_visit_id IS NULL",
                        (campaign_id, pid, inspector),
                    )
                row = self.conn.execute(
                    "SELECT id FROM assignments WHERE premises_id = ? AND inspector = ?"
                    " AND campaign_id = ?",
                    (pid, inspector, campaign_id),
                ).fetchone()
                if row:
                    self.conn.execute(
                        "UPDATE assignments SET due_date = ?, note = ?, change_seq = ? WHERE id = ?",
                        (due, note, seq, row[0]),
                    )
                    ids.append(row[0])
                else:
                    aid = new_id()
                    self.conn.execute(
                        "INSERT INTO assignments (id, premises_id, inspector, note, change_seq,"
                        " campaign_id, due_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (aid, pid, inspector, note, seq, campaign_id, due),
                    )
                    ids.append(aid)
            # a visit of the campaign finalized already ticks its assignment off
            self.conn.execute(
                "UPDATE assignments SET done_visit_id = (SELECT v.id FROM visits v"
                " WHERE v.premises_id = assignments.premises_id AND v.campaign_id = ?"
                " AND v.status = 'finalized' LIMIT 1)"
                " WHERE campaign_id = ? AND done_visit_id IS NULL",
                (campaign_id, campaign_id),
            )
        return ids

    def unassign(self, assignment_ids: builtins.list[str], actor: str = "") -> int:
        """Take assignments off the work lists (one audited write); an assignment a sealed
        visit ticked off is part of the campaign's record and is refused, naming the
        premises, with nothing removed. The next office bundle takes it off the laptop's list
        too. Returns how many were removed."""
        ids = list(dict.fromkeys(assignment_ids))
        if not ids:
            raise InputError("assignment", "choose at least one assignment to take off")
        marks = ", ".join("?" * len(ids))
        rows = self.conn.execute(
            "SELECT a.id, a.campaign_id, a.done_visit_id, p.name FROM assignments a"
            f" JOIN premises p ON p.id = a.premises_id WHERE a.id IN ({marks})",
            ids,
        ).fetchall()
        found = {r[0]: r for r in rows}
        for aid in ids:
            if aid not in found:
                raise InputError("assignment", f"no assignment {aid}")
        done = [r[3] for r in rows if r[2]]
        if done:
            raise InputError(
                "assignment",
                f"{', '.join(done)} visited already: a visited assignment stays with the campaign",
            )
        campaigns = sorted({r[1] for r in rows})
        with self.store.write(
            actor,
            "campaign.unassign",
            "campaign",
            campaigns[0] if len(campaigns) == 1 else "",
            {"assignments": ids},
        ):
            self.conn.execute(f"DELETE FROM assignments WHERE id IN ({marks})", ids)
        return len(ids)

    def premises_choices(self) -> builtins.list[dict[str, Any]]:
        """Every premises that can be assigned (not deleted): id, name, kind, city, market,
        address and recorded county, by name."""
        rows = self.conn.execute(
            "SELECT p.id, p.name, p.kind, p.city, p.market, p.address, p.county FROM premises p"
            " WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.entity = 'premises'"
            " AND t.entity_id = p.id) ORDER BY p.city, p.market, p.name"
        ).fetchall()
        return [dict(r) for r in rows]

    def inspector_names(self) -> builtins.list[str]:
        """The inspectors this database knows: those assigned work, and those who made
        visits or inspections, by name."""
        names: set[str] = set()
        for sql in (
            "SELECT DISTINCT inspector FROM assignments",
            "SELECT DISTINCT inspector FROM visits",
            "SELECT DISTINCT inspector FROM inspections",
        ):
            names.update(r[0] for r in self.conn.execute(sql) if r[0])
        return sorted(names)

    def assignments(
        self, campaign_id: str | None = None, inspector: str | None = None
    ) -> builtins.list[dict[str, Any]]:
        where, params = [], []
        if campaign_id:
            where.append("a.campaign_id = ?")
            params.append(campaign_id)
        if inspector:
            where.append("a.inspector = ?")
            params.append(inspector)
        rows = self.conn.execute(
            "SELECT a.id, a.premises_id, p.name AS premises_name, p.kind, p.city, a.inspector,"
            " a.campaign_id, a.due_date, a.done_visit_id, a.note FROM assignments a"
            " JOIN premises p ON p.id = a.premises_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY a.due_date, p.name",
            params,
        ).fetchall()
        return [dict(r) for r in rows]

    def progress(self, campaign_id: str, today: str | None = None) -> dict[str, Any]:
        today = today or dt.date.today().isoformat()
        rows = self.assignments(campaign_id)
        done = sum(1 for r in rows if r["done_visit_id"])
        overdue = sum(1 for r in rows if not r["done_visit_id"] and (r["due_date"] or "") < today)
        return {"assigned": len(rows), "done": done, "open": len(rows) - done, "overdue": overdue}

    def work_list(self, inspector: str | None = None) -> builtins.list[dict[str, Any]]:
        """The assignments not yet ticked off by a sealed visit, for *inspector* (or every
        inspector), earliest due date first: the premises (its kind, city, market, address),
        the campaign's name, and a draft visit of these premises already under way."""
        where = ["a.done_visit_id IS NULL"]
        params: list[Any] = []
        if inspector:
            where.append("a.inspector = ?")
            params.append(inspector)
        rows = self.conn.execute(
            "SELECT a.id, a.premises_id, p.name AS premises_name, p.kind, p.city, p.market,"
            " p.address, a.inspector, a.campaign_id, coalesce(c.name, '') AS campaign_name,"
            " a.due_date, a.note,"
            " (SELECT v.id FROM visits v WHERE v.premises_id = a.premises_id"
            "  AND v.status = 'draft' AND coalesce(v.campaign_id, '') ="
            "  (CASE WHEN a.campaign_id LIKE 'case:%' THEN '' ELSE a.campaign_id END)"
            "  ORDER BY v.started_at DESC LIMIT 1) AS draft_visit_id"
            " FROM assignments a JOIN premises p ON p.id = a.premises_id"
            " LEFT JOIN campaigns c ON c.id = a.campaign_id"
            " WHERE " + " AND ".join(where) + " ORDER BY coalesce(a.due_date, '9999'), p.name",
            params,
        ).fetchall()
        return [dict(r) for r in rows]

    def progress_rows(self, campaign_id: str) -> builtins.list[dict[str, Any]]:
        """Each assignment of the campaign with what is needed to count progress: the
        premises (kind, city, address, county where the schema has one), the inspector, the
        due date, the visit that ticked it off, and what the campaign's sealed visits of
        these premises found (failed sweep rows, failed inspections, cheating); and
        ``duties``: the duties answers of those visits (duty set, answers JSON)."""
        county = "p.county"  # schema 12: filled from the address, "" where it names none
        sealed = (
            "SELECT v.id FROM visits v WHERE v.campaign_id = ? AND v.status = 'finalized'"
            " AND v.premises_id = a.premises_id"
        )
        rows = self.conn.execute(
            "SELECT a.id, a.premises_id, p.name AS premises_name, p.kind, p.city, p.address,"
            f" {county} AS county, a.inspector, a.due_date, a.done_visit_id,"
            " (SELECT v.day FROM visits v WHERE v.id = a.done_visit_id) AS visit_day,"
            f" (SELECT count(*) FROM sweep_rows s WHERE s.visit_id IN ({sealed}) AND ("
            "   s.mark = 'no' OR s.seal = 'no' OR s.nameplate = 'no' OR s.approval = 'no'"
            "   OR s.quick_verdict = 'fail' OR s.cheating = 'yes')) AS failed_rows,"
            f" (SELECT count(*) FROM inspections i WHERE i.visit_id IN ({sealed})"
            "   AND i.superseded_by IS NULL AND i.status = 'finalized' AND i.verdict = 'fail')"
            "   AS failed_inspections,"
            f" (SELECT count(*) FROM sweep_rows s WHERE s.visit_id IN ({sealed})"
            "   AND s.cheating = 'yes') AS cheating_rows"
            " FROM assignments a JOIN premises p ON p.id = a.premises_id"
            " WHERE a.campaign_id = ? ORDER BY a.inspector, a.due_date, p.name",
            (campaign_id, campaign_id, campaign_id, campaign_id),
        ).fetchall()
        duties: dict[str, list[tuple[str, str]]] = {}
        for pid, duty_set, answers in self.conn.execute(
            "SELECT premises_id, duty_set, duties_json FROM visits WHERE campaign_id = ?"
            " AND status = 'finalized' AND duty_set != ''",
            (campaign_id,),
        ):
            duties.setdefault(pid, []).append((duty_set, answers))
        return [{**dict(r), "duties": duties.get(r["premises_id"], [])} for r in rows]


def as_dict(c: Campaign) -> dict[str, Any]:
    return dataclasses.asdict(c)


# ---- counting as the bureau counts ------------------------------------------------------------


def visit_counts(
    conn: sqlite3.Connection,
    *,
    campaign_id: str | None = None,
    premises_kind: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    city: str | None = None,
    by_premises: list[dict[str, Any]] | None = None,
    premises_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Counts per kind of premises over finalized visits: visits, premises (markets count
    as premises of kind ``market``), covert visits, instruments swept, fully inspected and
    checked (either), failed instruments (a failed sweep row or a failed inspection),
    instruments with cheating found, failed duties. With *by_premises* (a list), the same
    counts per premises are appended to it (with the premises' city, address and county)."""
    where, params = ["v.status = 'finalized'"], []
    if campaign_id:
        where.append("v.campaign_id = ?")
        params.append(campaign_id)
    if premises_kind:
        where.append("p.kind = ?")
        params.append(premises_kind)
    if date_from:
        where.append("v.day >= ?")
        params.append(date_from)
    if date_to:
        where.append("v.day <= ?")
        params.append(date_to)
    if city:
        where.append("p.city = ?")
        params.append(city)
    if premises_ids is not None:
        where.append(f"v.premises_id IN ({', '.join('?' * len(premises_ids)) or 'NULL'})")
        params.extend(premises_ids)
    conn.execute("DROP TABLE IF EXISTS temp.stat_visits")
    conn.execute(
        "CREATE TEMP TABLE stat_visits AS SELECT v.id, v.kind, v.premises_id, p.kind AS pkind,"
        " v.duty_set, v.duties_json FROM visits v JOIN premises p ON p.id = v.premises_id WHERE "
        + " AND ".join(where),
        params,
    )
    # one line per instrument looked at in a visit: swept, fully inspected, failed, cheating
    conn.execute("DROP TABLE IF EXISTS temp.stat_instruments")
    conn.execute(
        """CREATE TEMP TABLE stat_instruments AS
        SELECT pkind, premises_id, visit_id, instrument, max(swept) AS swept, max(full) AS full,
               max(failed) AS failed, max(cheating) AS cheating FROM (
          SELECT sv.pkind, sv.premises_id, s.visit_id, coalesce(s.instrument_id, s.id) AS instrument,
                 (s.rest_ok = 1 OR s.mark != '' OR s.seal != '' OR s.nameplate != ''
                  OR s.approval != '' OR s.cheating != '' OR s.quick_verdict != '') AS swept,
                 0 AS full,
                 (s.mark = 'no' OR s.seal = 'no' OR s.nameplate = 'no' OR s.approval = 'no'
                  OR s.quick_verdict = 'fail' OR s.cheating = 'yes') AS failed,
                 (s.cheating = 'yes') AS cheating
          FROM sweep_rows s JOIN stat_visits sv ON sv.id = s.visit_id
          UNION ALL
          SELECT sv.pkind, sv.premises_id, i.visit_id, i.instrument_id, 0, 1, (i.verdict = 'fail'),
                 EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)
          FROM inspections i JOIN stat_visits sv ON sv.id = i.visit_id
          WHERE i.superseded_by IS NULL AND i.status = 'finalized'
        ) GROUP BY pkind, premises_id, visit_id, instrument"""
    )
    out = []
    for r in conn.execute(
        """SELECT sv.pkind, count(*) AS visits, count(DISTINCT sv.premises_id) AS premises,
                  sum(sv.kind = 'covert') AS covert,
                  (SELECT count(*) FROM stat_instruments si WHERE si.pkind = sv.pkind) AS checked,
                  (SELECT count(*) FROM stat_instruments si WHERE si.pkind = sv.pkind AND swept) AS swept,
                  (SELECT count(*) FROM stat_instruments si WHERE si.pkind = sv.pkind AND full) AS full,
                  (SELECT count(*) FROM stat_instruments si WHERE si.pkind = sv.pkind AND failed) AS failed,
                  (SELECT count(*) FROM stat_instruments si WHERE si.pkind = sv.pkind AND cheating) AS cheating
           FROM stat_visits sv GROUP BY sv.pkind ORDER BY sv.pkind"""
    ):
        out.append(dict(r))
    duties: dict[str, list[Any]] = {}
    for pkind, duties_json in conn.execute("SELECT pkind, duties_json FROM stat_visits"):
        duties.setdefault(pkind, []).append(json.loads(duties_json))
    for row in out:
        row["duty_answers"] = duties.get(row["pkind"], [])
    if by_premises is not None:
        county = "p.county"
        by_premises.extend(
            dict(r)
            for r in conn.execute(
                "SELECT v.premises_id, v.pkind, p.city, p.address,"
                f" {county} AS county, v.visits, v.covert,"
                " coalesce(i.checked, 0) AS checked, coalesce(i.swept, 0) AS swept,"
                " coalesce(i.full, 0) AS full, coalesce(i.failed, 0) AS failed,"
                " coalesce(i.cheating, 0) AS cheating"
                " FROM (SELECT premises_id, pkind, count(*) AS visits,"
                "       sum(kind = 'covert') AS covert FROM stat_visits"
                "       GROUP BY premises_id, pkind) v"
                " JOIN premises p ON p.id = v.premises_id"
                " LEFT JOIN (SELECT premises_id, count(*) AS checked, sum(swept) AS swept,"
                "       sum(full) AS full, sum(failed) AS failed, sum(cheating) AS cheating"
                "       FROM stat_instruments GROUP BY premises_id) i"
                " ON i.premises_id = v.premises_id"
            )
        )
    conn.execute("DROP TABLE temp.stat_visits")
    conn.execute("DROP TABLE temp.stat_instruments")
    return out


def premises_places(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """Every premises' id, city, address and recorded county ("" where the schema has none)."""
    county = "county"
    return [tuple(r) for r in conn.execute(f"SELECT id, city, address, {county} FROM premises")]
