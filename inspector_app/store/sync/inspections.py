"""Inspections (finalized, with their children) and attachments: the export selection and
loading, what the import's checks ask of inspections already here, and their writes.

Part of :class:`SyncRepo` (see the package); writes run inside ``store.write``.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from typing import Any

from ...domain.models import (
    AttachmentRef,
    Finding,
    Inspection,
)
from .. import codec
from ..inspections import reading_rows, test_rows
from .base import RepoPart, _chunks, _marks
from .child_guard import children_guard_aside

_JSON_TEXTS = ("environment", "checklist", "tests", "result", "standards")
_JSON_COLUMNS = frozenset(f"{k}_json" for k in _JSON_TEXTS)
# a JSON column's value as the bundle carried it: UTF-8 bytes, stored as text (a text or
# NULL stays as it is)
_AS_TEXT = "CAST(? AS TEXT)"


def _text(value: str | bytes | None) -> str | None:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class InspectionRows(RepoPart):
    def unacknowledged_inspection_ids(self, everything: bool = False) -> list[str]:
        """Finalized inspections the other side has not acknowledged (all with *everything*)."""
        sql = "SELECT id FROM inspections i WHERE status = 'finalized'"
        if not everything:
            sql += (
                " AND NOT EXISTS (SELECT 1 FROM sync_acks a WHERE a.entity = 'inspection'"
                " AND a.entity_id = i.id)"
            )
        return [r[0] for r in self.conn.execute(sql + " ORDER BY record_id, revision")]

    def with_ancestors(self, ids: list[str]) -> list[str]:
        """*ids* plus every earlier revision they descend from, parents first."""
        seen = set(ids)
        frontier = list(ids)
        while frontier:
            parents = []
            for chunk in _chunks(frontier):
                parents += [
                    r[0]
                    for r in self.conn.execute(
                        f"SELECT parent_id FROM inspections WHERE id IN ({_marks(len(chunk))})"
                        " AND parent_id IS NOT NULL",
                        chunk,
                    )
                ]
            frontier = [p for p in parents if p not in seen]
            seen.update(frontier)
        rows = []
        all_ids = list(seen)
        for chunk in _chunks(all_ids):
            rows += self.conn.execute(
                f"SELECT id, record_id, revision FROM inspections WHERE id IN ({_marks(len(chunk))})",
                chunk,
            ).fetchall()
        return [r[0] for r in sorted(rows, key=lambda r: (r[1], r[2]))]

    def load_inspections(self, ids: list[str]) -> list[Inspection]:
        """Inspections with findings and attachments, loaded in batches, in the order of *ids*."""
        out: dict[str, Inspection] = {}
        for chunk in _chunks(ids):
            marks = _marks(len(chunk))
            findings: dict[str, list[Finding]] = {}
            for r in self.conn.execute(
                f"SELECT * FROM findings WHERE inspection_id IN ({marks}) ORDER BY inspection_id, seq",
                chunk,
            ):
                findings.setdefault(r["inspection_id"], []).append(
                    Finding(
                        id=r["id"],
                        code=r["code"],
                        text=r["text"],
                        legal_basis=r["legal_basis"],
                        severity=r["severity"],
                        action=r["action"],
                        cheating=bool(r["cheating"]),
                    )
                )
            atts: dict[str, list[AttachmentRef]] = {}
            for r in self.conn.execute(
                "SELECT a.inspection_id, a.sha256, a.role, a.caption, t.mime FROM inspection_attachments a"
                f" JOIN attachments t ON t.sha256 = a.sha256 WHERE a.inspection_id IN ({marks})"
                " ORDER BY a.inspection_id, a.seq",
                chunk,
            ):
                atts.setdefault(r["inspection_id"], []).append(
                    AttachmentRef(
                        sha256=r["sha256"], role=r["role"], caption=r["caption"], mime=r["mime"]
                    )
                )
            for r in self.conn.execute(f"SELECT * FROM inspections WHERE id IN ({marks})", chunk):
                out[r["id"]] = codec.inspection_from_row(
                    r, findings.get(r["id"], []), atts.get(r["id"], [])
                )
        return [out[i] for i in ids if i in out]

    def inspection_info(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out = {}
        ids = list(set(ids))
        for chunk in _chunks(ids):
            for r in self.conn.execute(
                "SELECT id, record_id, revision, content_hash, status, superseded_by, instrument_id, premises_id"
                f" FROM inspections WHERE id IN ({_marks(len(chunk))})",
                chunk,
            ):
                out[r[0]] = dict(r)
        return out

    def inspections_at(
        self, slots: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], dict[str, Any]]:
        """(record_id, revision) -> the inspection stored in that slot, for those taken."""
        wanted = set(slots)
        out = {}
        records = list({r for r, _ in wanted})
        for chunk in _chunks(records):
            for r in self.conn.execute(
                "SELECT id, record_id, revision, content_hash, status, superseded_by FROM inspections"
                f" WHERE record_id IN ({_marks(len(chunk))})",
                chunk,
            ):
                if (r["record_id"], r["revision"]) in wanted:
                    out[(r["record_id"], r["revision"])] = dict(r)
        return out

    def inspection_at(self, record_id: str, revision: int) -> dict[str, Any] | None:
        r = self.conn.execute(
            "SELECT id, record_id, revision, content_hash, status, superseded_by FROM inspections"
            " WHERE record_id = ? AND revision = ?",
            (record_id, revision),
        ).fetchone()
        return None if r is None else dict(r)

    def sync_state(self, inspection_ids: Iterable[str]) -> dict[str, str]:
        """For each inspection id: 'at_office' (acknowledged), 'exported' (in a bundle, not yet
        acknowledged) or 'local' (never exported)."""
        out = {}
        ids = list(set(inspection_ids))
        for chunk in _chunks(ids):
            marks = _marks(len(chunk))
            acked = {
                r[0]
                for r in self.conn.execute(
                    f"SELECT entity_id FROM sync_acks WHERE entity = 'inspection' AND entity_id IN ({marks})",
                    chunk,
                )
            }
            exported = {
                r[0]
                for r in self.conn.execute(
                    f"SELECT entity_id FROM sync_export_items WHERE entity = 'inspection' AND entity_id IN ({marks})",
                    chunk,
                )
            }
            for i in chunk:
                out[i] = "at_office" if i in acked else "exported" if i in exported else "local"
        return out

    def insert_inspections(
        self,
        inspections: list[Inspection],
        seq: int,
        origin: str,
        json_texts: dict[str, dict[str, bytes]] | None = None,
        visits: Mapping[str, str] | None = None,
    ) -> None:
        """Insert finalized inspections with their children (in the visit *visits* names
        for each, id -> visit id, when given: a sealed visit of the same bundle, inserted
        later in the transaction, instead of an update of every inspection afterwards).

        The children go in first and the inspections after them, already finalized: the
        triggers that keep a finalized inspection's children unchangeable then find no
        finalized parent, and no row is written twice (many children: those triggers are
        laid aside, see :mod:`.child_guard`). Foreign keys are checked at the end of
        the transaction (``defer_foreign_keys``, which SQLite switches off again at COMMIT or
        ROLLBACK; a violation fails the commit, and the write rolls everything back. It is
        deliberately not switched off here: switching it off with a violation pending lets
        that violation through). *json_texts* (id -> {"environment", "checklist", "tests", "result",
        "standards"}) are the canonical JSON texts the bundle carried, as UTF-8; without them
        the columns are rendered again. On SQLite the texts are bound as they are and cast to
        text by the statement (the same stored text, without decoding 30 MB of a year's
        bundle into Python strings that sqlite3 then encodes back into UTF-8)."""
        if not inspections:
            return
        conn = self.conn
        json_texts = json_texts or {}
        conn.execute("PRAGMA defer_foreign_keys = ON")
        tests = [r for x in inspections for r in test_rows(x)]
        readings = [r for x in inspections for r in reading_rows(x)]
        findings = [
            (f.id, x.id, i, f.code, f.text, f.legal_basis, f.severity, f.action, int(f.cheating))
            for x in inspections
            for i, f in enumerate(x.findings)
        ]
        attachments = [
            (x.id, i, a.sha256, a.role, a.caption)
            for x in inspections
            for i, a in enumerate(x.attachments)
        ]
        with children_guard_aside(
            conn,
            self.store.engine,
            [x.id for x in inspections],
            len(tests) + len(readings) + len(findings) + len(attachments),
        ):
            conn.executemany(
                "INSERT INTO inspection_tests (inspection_id, seq, kind, verdict)"
                " VALUES (?, ?, ?, ?)",
                tests,
            )
            conn.executemany(
                "INSERT INTO readings (inspection_id, test_seq, seq, kind, label, error, mpe,"
                " unit, verdict, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                readings,
            )
            conn.executemany(
                "INSERT INTO findings (id, inspection_id, seq, code, text, legal_basis,"
                " severity, action, cheating) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                findings,
            )
            conn.executemany(
                "INSERT INTO inspection_attachments (inspection_id, seq, sha256, role, caption)"
                " VALUES (?, ?, ?, ?, ?)",
                attachments,
            )
        cols = [
            *codec.INSPECTION_SCALARS,
            "check_kind",
            "environment_json",
            "checklist_json",
            "tests_json",
            "result_json",
            "standards_json",
            "change_seq",
            "origin",
            "visit_id",
        ]
        visits = visits or {}
        scalars = operator.attrgetter(*codec.INSPECTION_SCALARS)
        sqlite = self.store.engine == "sqlite"
        rows = []
        for x in inspections:
            texts: Mapping[str, str | bytes | None] | None = json_texts.get(x.id)
            if texts is None:
                row = codec.inspection_row(x)
                texts = {k: row[f"{k}_json"] for k in _JSON_TEXTS}
            elif not sqlite:
                texts = {k: _text(texts[k]) for k in _JSON_TEXTS}
            rows.append(
                (
                    *scalars(x),
                    x.check,
                    texts["environment"],
                    texts["checklist"],
                    texts["tests"],
                    texts["result"],
                    texts["standards"],
                    seq,
                    origin,
                    visits.get(x.id),
                )
            )
        values = [_AS_TEXT if sqlite and c in _JSON_COLUMNS else "?" for c in cols]
        conn.executemany(
            f"INSERT INTO inspections ({', '.join(cols)}) VALUES ({', '.join(values)})", rows
        )

    def set_superseded(self, parent_id: str, child_id: str) -> None:
        self.conn.execute(
            "UPDATE inspections SET superseded_by = ? WHERE id = ?", (child_id, parent_id)
        )

    def delete_draft(self, inspection_id: str, seq: int) -> None:
        for table in ("inspection_tests", "readings", "findings", "inspection_attachments"):
            self.conn.execute(f"DELETE FROM {table} WHERE inspection_id = ?", (inspection_id,))
        self.conn.execute(
            "DELETE FROM inspections WHERE id = ? AND status = 'draft'", (inspection_id,)
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq) VALUES (?, ?, ?)",
            ("inspection", inspection_id, seq),
        )

    def attachment_data(self, shas: Iterable[str]) -> dict[str, bytes]:
        out = {}
        shas = sorted(set(shas))
        for chunk in _chunks(shas, 50):
            for sha, data in self.conn.execute(
                f"SELECT sha256, data FROM attachments WHERE sha256 IN ({_marks(len(chunk))})",
                chunk,
            ):
                out[sha] = bytes(data)
        return out

    def attachment_shas(self, shas: Iterable[str]) -> set[str]:
        found: set[str] = set()
        shas = list(set(shas))
        for chunk in _chunks(shas):
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT sha256 FROM attachments WHERE sha256 IN ({_marks(len(chunk))})", chunk
                )
            )
        return found

    def attachments_insert(self, rows: list[tuple[str, bytes, str]]) -> int:
        """(sha256, data, mime) rows; returns how many were new. *data* is bytes or an object
        with ``read()`` giving them (an attachment still in the bundle's archive). An
        attachment already stored (same SHA-256) is not read at all, and the others are read
        one at a time as they are inserted: a bundle's photos are never all in memory."""
        rows = list(rows)
        stored = self.attachment_shas(sha for sha, _d, _m in rows)
        before = self.conn.total_changes
        self.conn.executemany(  # executemany pulls one row from the generator at a time
            "INSERT OR IGNORE INTO attachments (sha256, size, mime, data) VALUES (?, ?, ?, ?)",
            (
                (sha, len(data), mime, data if isinstance(data, bytes) else data.read())
                for sha, data, mime in rows
                if sha not in stored
            ),
        )
        return self.conn.total_changes - before
