"""Office data that travels back to the field: reviews of inspections and assignments.

Part of :class:`SyncRepo` (see the package); writes run inside ``store.write``.
"""

from __future__ import annotations

from typing import Any

from .base import RepoPart


class ReviewRows(RepoPart):
    def assignments(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT id, premises_id, inspector, note, campaign_id, due_date"
                " FROM assignments ORDER BY id"
            )
        ]

    def reviews(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT id, inspection_id, decision, comment, reviewer, at, signature FROM reviews ORDER BY id"
            )
        ]

    def review_exists(self, review_id: str) -> dict[str, Any] | None:
        r = self.conn.execute(
            "SELECT id, inspection_id, decision, comment, reviewer, at, signature FROM reviews"
            " WHERE id = ?",
            (review_id,),
        ).fetchone()
        return None if r is None else dict(r)

    def insert_review(self, review: dict[str, Any], seq: int) -> None:
        self.conn.execute(
            "INSERT INTO reviews (id, inspection_id, decision, comment, reviewer, at, signature, change_seq)"
            " VALUES (:id, :inspection_id, :decision, :comment, :reviewer, :at, :signature, :change_seq)",
            dict(review, change_seq=seq),
        )

    def replace_assignments(
        self, origin: str, assignments: list[dict[str, Any]], seq: int
    ) -> tuple[int, int]:
        """Make the assignments that came from *origin* exactly *assignments*; (added, removed)."""
        current = {
            r[0]: r
            for r in self.conn.execute(
                "SELECT id, premises_id, inspector, note, campaign_id, due_date FROM assignments"
                " WHERE origin = ?",
                (origin,),
            )
        }
        incoming = {a["id"]: a for a in assignments}
        removed = [i for i in current if i not in incoming]
        self.conn.executemany("DELETE FROM assignments WHERE id = ?", [(i,) for i in removed])
        added = 0
        for a in assignments:
            old = current.get(a["id"])
            # an office of an earlier version sends no campaign and no due date
            campaign, due = a.get("campaign_id", ""), a.get("due_date")
            if old is not None and tuple(old)[1:] == (
                a["premises_id"],
                a["inspector"],
                a["note"],
                campaign,
                due,
            ):
                continue
            self.conn.execute(
                "INSERT INTO assignments (id, premises_id, inspector, note, change_seq, origin,"
                " campaign_id, due_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET premises_id = excluded.premises_id, inspector = excluded.inspector,"
                " note = excluded.note, change_seq = excluded.change_seq, origin = excluded.origin,"
                " campaign_id = excluded.campaign_id, due_date = excluded.due_date",
                (a["id"], a["premises_id"], a["inspector"], a["note"], seq, origin, campaign, due),
            )
            added += 1
        return added, len(removed)

    def set_assignment(
        self, assignment_id: str, premises_id: str, inspector: str, note: str, seq: int
    ) -> None:
        self.conn.execute(
            "INSERT INTO assignments (id, premises_id, inspector, note, change_seq) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(premises_id, inspector, campaign_id) DO UPDATE SET note = excluded.note, change_seq = excluded.change_seq",
            (assignment_id, premises_id, inspector, note, seq),
        )

    def assignments_for(self, inspector: str) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT a.id, a.premises_id, a.inspector, a.note, p.name AS premises_name FROM assignments a"
                " JOIN premises p ON p.id = a.premises_id WHERE a.inspector = ? ORDER BY p.name",
                (inspector,),
            )
        ]
