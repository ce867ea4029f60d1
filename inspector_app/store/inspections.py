"""Inspections: drafts, finalization (content hash, optional signature), corrections as
new revisions, and the paged list the window and the CLI show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..domain import validation
from ..domain.canonical import content_hash
from ..domain.errors import InputError
from ..domain.models import AttachmentRef, Finding, Inspection, new_id
from . import codec
from .inspection_search import (
    LIST_SELECT,
    SORT_COLUMNS,
    filter_where,
    only_search,
    search_terms,
    text_match,
)
from .inspection_search import InspectionFilter as InspectionFilter  # imported from here
from .inspection_search import InspectionSummary as InspectionSummary  # by ui, cli, exports

if TYPE_CHECKING:
    from .store import Store

# sign(content_hash) -> (signature, signer); supplied by the keys service when available.
Signer = Callable[[str], tuple[str, str]]


class RecordStateError(InputError):
    """The record is not in a state that allows the operation (e.g. already finalized)."""


class InspectionRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading -------------------------------------------------------------------------
    def get(self, inspection_id: str) -> Inspection | None:
        conn = self.store.conn
        row = conn.execute("SELECT * FROM inspections WHERE id = ?", (inspection_id,)).fetchone()
        if row is None:
            return None
        findings = [
            Finding(
                id=r["id"],
                code=r["code"],
                text=r["text"],
                legal_basis=r["legal_basis"],
                severity=r["severity"],
                action=r["action"],
                cheating=bool(r["cheating"]),
            )
            for r in conn.execute(
                "SELECT * FROM findings WHERE inspection_id = ? ORDER BY seq", (inspection_id,)
            )
        ]
        attachments = [
            AttachmentRef(sha256=r["sha256"], role=r["role"], caption=r["caption"], mime=r["mime"])
            for r in conn.execute(
                "SELECT a.sha256, a.role, a.caption, t.mime FROM inspection_attachments a"
                " JOIN attachments t ON t.sha256 = a.sha256 WHERE a.inspection_id = ? ORDER BY a.seq",
                (inspection_id,),
            )
        ]
        return codec.inspection_from_row(row, findings, attachments)

    def require(self, inspection_id: str) -> Inspection:
        insp = self.get(inspection_id)
        if insp is None:
            raise InputError("inspection.id", f"no inspection with id {inspection_id}")
        return insp

    def superseded_by(self, inspection_id: str) -> str | None:
        row = self.store.conn.execute(
            "SELECT superseded_by FROM inspections WHERE id = ?", (inspection_id,)
        ).fetchone()
        return None if row is None else row[0]

    def revisions(self, record_id: str) -> list[Inspection]:
        ids = [
            r[0]
            for r in self.store.conn.execute(
                "SELECT id FROM inspections WHERE record_id = ? ORDER BY revision", (record_id,)
            )
        ]
        return [self.require(i) for i in ids]

    def list(
        self,
        f: InspectionFilter | None = None,
        sort: str = "started_at",
        descending: bool = True,
        limit: int = 100,
        offset: int = 0,
    ) -> list[InspectionSummary]:
        f = f or InspectionFilter()
        where, params = filter_where(f, self.store.conn)
        order = SORT_COLUMNS.get(sort)
        if order is None:
            raise InputError("sort", f"cannot sort by {sort!r}")
        direction = "DESC" if descending else "ASC"
        select = LIST_SELECT
        if (
            sort == "started_at"
            and only_search(f)
            and text_match(self.store.conn, f.search.strip()).fraction > 0.02
        ):
            # Many matches: walk the list order in the covering index and stop at the page
            # (the planner would otherwise collect and sort every match). Few matches: let
            # it union the index lookups and sort those.
            select = select.replace(
                "FROM inspections i\n", "FROM inspections i INDEXED BY inspections_list\n"
            )
        rows = self.store.conn.execute(
            f"{select}{where} ORDER BY {order} {direction}, i.id {direction} LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [
            InspectionSummary(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                r[14],
            )
            for r in rows
        ]

    def count(self, f: InspectionFilter | None = None) -> int:
        f = f or InspectionFilter()
        conn = self.store.conn
        if only_search(f):
            # The kept counts per instrument and premises (schema 15) answer the premises and
            # instrument matches at once; ids and inspector names add their few rows.
            from .summary import search_count

            _terms, params, _ = search_terms(conn, f.search.strip())
            # (params: premises, instruments, id range, then the inspector names)
            return search_count(conn, params[0], params[1], params[2], params[3], params[4:])
        where, params = filter_where(f, conn)
        if not f.market:
            sql = f"SELECT count(*) FROM inspections i{where}"
        else:
            sql = (
                f"SELECT count(*) FROM inspections i JOIN premises p ON p.id = i.premises_id{where}"
            )
        return int(conn.execute(sql, params).fetchone()[0])

    # -- writing -------------------------------------------------------------------------
    def save_draft(self, insp: Inspection, actor: str = "") -> Inspection:
        """Insert or update a draft with its children, in one transaction."""
        insp = validation.validate_inspection_header(insp)
        if insp.status != "draft":
            raise RecordStateError("inspection.status", "only a draft can be saved")
        conn = self.store.conn
        existing = conn.execute(
            "SELECT status FROM inspections WHERE id = ?", (insp.id,)
        ).fetchone()
        if existing is not None and existing[0] != "draft":
            raise RecordStateError(
                "inspection.status", "a finalized inspection cannot be changed; correct it instead"
            )
        instrument = self.store.instruments.get(insp.instrument_id)
        if instrument is None:
            raise InputError("inspection.instrument_id", "the instrument does not exist")
        if instrument.premises_id != insp.premises_id:
            raise InputError("inspection.premises_id", "the instrument belongs to other premises")
        for i, a in enumerate(insp.attachments):
            if self.store.attachments.mime(a.sha256) is None:
                raise InputError(f"attachments[{i}]", "the attachment is not stored")
        action = "inspection.update" if existing else "inspection.create"
        with self.store.write(actor, action, "inspection", insp.id) as seq:
            row = codec.inspection_row(insp)
            row["change_seq"] = seq
            if existing:
                sets = ", ".join(f"{k} = :{k}" for k in row if k != "id")
                conn.execute(f"UPDATE inspections SET {sets} WHERE id = :id", row)
            else:
                from .visits import visit_for_new_inspection  # every inspection in a visit

                row["visit_id"] = visit_for_new_inspection(self.store, insp, actor)
                conn.execute(
                    f"INSERT INTO inspections ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})",
                    row,
                )
            self._write_children(insp)
        return insp

    def _write_children(self, insp: Inspection) -> None:
        conn = self.store.conn
        for table in ("inspection_tests", "readings", "findings", "inspection_attachments"):
            conn.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (insp.id,))
        conn.executemany(
            "INSERT INTO inspection_tests (inspection_id, seq, kind, verdict) VALUES (?, ?, ?, ?)",
            test_rows(insp),
        )
        conn.executemany(
            "INSERT INTO readings (inspection_id, test_seq, seq, kind, label, error, mpe, unit, verdict, rule)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r for r in reading_rows(insp)],
        )
        conn.executemany(
            "INSERT INTO findings (id, inspection_id, seq, code, text, legal_basis, severity, action, cheating)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f.id,
                    insp.id,
                    i,
                    f.code,
                    f.text,
                    f.legal_basis,
                    f.severity,
                    f.action,
                    int(f.cheating),
                )
                for i, f in enumerate(insp.findings)
            ],
        )
        conn.executemany(
            "INSERT INTO inspection_attachments (inspection_id, seq, sha256, role, caption) VALUES (?, ?, ?, ?, ?)",
            [(insp.id, i, a.sha256, a.role, a.caption) for i, a in enumerate(insp.attachments)],
        )

    def finalize(
        self, inspection_id: str, actor: str = "", sign: Signer | None = None
    ) -> Inspection:
        """Seal a draft: compute its content hash (and signature); read-only from then on."""
        insp = self.require(inspection_id)
        if insp.status != "draft":
            raise RecordStateError("inspection.status", "the inspection is finalized already")
        if insp.result is None or insp.verdict is None:
            raise RecordStateError(
                "inspection.result", "the inspection has no evaluated readings yet"
            )
        insp.finalized_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        insp.status = "finalized"
        insp.content_hash = content_hash(insp)
        if sign is not None:
            insp.signature, insp.signer = sign(insp.content_hash)
        conn = self.store.conn
        with self.store.write(
            actor, "inspection.finalize", "inspection", insp.id, {"content_hash": insp.content_hash}
        ) as seq:
            conn.execute(
                "UPDATE inspections SET status = 'finalized', content_hash = ?, finalized_at = ?,"
                " signature = ?, signer = ?, change_seq = ? WHERE id = ? AND status = 'draft'",
                (insp.content_hash, insp.finalized_at, insp.signature, insp.signer, seq, insp.id),
            )
        return insp

    def correct(self, inspection_id: str, reason: str, actor: str = "") -> Inspection:
        """Start a correction: a new draft revision naming its parent and the reason."""
        parent = self.require(inspection_id)
        if parent.status != "finalized":
            raise RecordStateError(
                "inspection.status", "only a finalized inspection is corrected; edit the draft"
            )
        if self.superseded_by(parent.id):
            raise RecordStateError(
                "inspection.id", "this revision has been corrected already; correct the newest"
            )
        if not reason or not reason.strip():
            raise InputError("inspection.correction_reason", "a correction needs a reason")
        child = dataclasses.replace(
            parent,
            id=new_id(),
            revision=parent.revision + 1,
            parent_id=parent.id,
            correction_reason=reason,
            status="draft",
            content_hash=None,
            signature=None,
            signer=None,
            finalized_at=None,
            findings=[dataclasses.replace(f, id=new_id()) for f in parent.findings],
        )
        with self.store.write(
            actor, "inspection.correct", "inspection", child.id, {"parent": parent.id}
        ):
            self.save_draft(child, actor)
            self.store.conn.execute(
                "UPDATE inspections SET superseded_by = ? WHERE id = ?", (child.id, parent.id)
            )
        return self.require(child.id)

    def delete_draft(self, inspection_id: str, actor: str = "") -> None:
        insp = self.require(inspection_id)
        if insp.status != "draft":
            raise RecordStateError("inspection.status", "a finalized inspection cannot be deleted")
        conn = self.store.conn
        with self.store.write(actor, "inspection.delete", "inspection", insp.id) as seq:
            for table in ("inspection_tests", "readings", "findings", "inspection_attachments"):
                conn.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (insp.id,))
            conn.execute("DELETE FROM inspections WHERE id = ?", (insp.id,))
            if insp.parent_id:
                conn.execute(
                    "UPDATE inspections SET superseded_by = NULL WHERE id = ?", (insp.parent_id,)
                )
            conn.execute(
                "INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq) VALUES (?, ?, ?)",
                ("inspection", insp.id, seq),
            )


def test_rows(insp: Inspection) -> list[tuple[Any, ...]]:
    """The rows of the inspection_tests table, derived from the evaluation result."""
    return [
        (insp.id, t_seq, t.get("kind", ""), t.get("verdict"))
        for t_seq, t in enumerate((insp.result or {}).get("tests", []))
    ]


def reading_rows(insp: Inspection) -> list[tuple[Any, ...]]:
    """The rows of the readings table, derived from the evaluation result."""
    rows = []
    for t_seq, test in enumerate((insp.result or {}).get("tests", [])):
        for seq, item in enumerate(test.get("items", [])):
            rows.append(
                (
                    insp.id,
                    t_seq,
                    seq,
                    test.get("kind", ""),
                    str(item.get("label", "")),
                    item.get("error"),
                    item.get("mpe"),
                    item.get("unit", "") or "",
                    item.get("verdict"),
                    item.get("rule", "") or "",
                )
            )
    return rows
