"""SQL of the province roll-up: the approved records a city office sends, the records a
province keeps with their origin, and the rows statistics group by place and origin.

Plain SQL that runs on SQLite and PostgreSQL alike (``ON CONFLICT … DO NOTHING``, no
engine-specific functions). Writes run inside ``store.write(...)``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from ..domain.errors import InputError
from .filters import period

if TYPE_CHECKING:
    from .store import Store

_HEAD = "i.status = 'finalized' AND i.superseded_by IS NULL"
_CHEAT = "EXISTS (SELECT 1 FROM findings f WHERE f.inspection_id = i.id AND f.cheating = 1)"
RECORD_COLUMNS = (
    "inspection_id",
    "office_id",
    "record_id",
    "revision",
    "started_at",
    "family",
    "check_kind",
    "verdict",
    "inspector",
    "premises_name",
    "premises_kind",
    "province",
    "city",
    "county",
    "market",
    "address",
    "decision",
    "reviewer",
    "reviewed_at",
    "cheating",
    "content_hash",
    "record_json",
    "bundle_id",
    "change_seq",
)


class ProvinceRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    # -- the city office's side ----------------------------------------------------------------
    def approved_heads(self, date_from: str | None = None, date_to: str | None = None) -> list[Any]:
        """Approved (here) newest revisions with where they were made, oldest first."""
        sql = (
            "SELECT i.id, i.record_id, i.revision, i.started_at, i.family, i.check_kind,"
            " i.verdict, i.inspector, p.name, p.kind, p.city, p.county, p.market, p.address,"
            f" d.decision, d.reviewer, d.at, {_CHEAT}, i.content_hash"
            " FROM inspections i JOIN premises p ON p.id = i.premises_id"
            " JOIN review_decisions d ON d.inspection_id = i.id"
            f" WHERE {_HEAD} AND d.decision = 'approved'"
        )
        sql, params = _period(sql, date_from, date_to, "i.started_at")
        return self.conn.execute(sql + " ORDER BY i.started_at, i.id", params).fetchall()

    def premises_without_county(self) -> list[Any]:
        return self.conn.execute(
            "SELECT id, address, city FROM premises WHERE county = '' ORDER BY id"
        ).fetchall()

    def set_counties(self, pairs: list[tuple[str, str]]) -> None:
        """Set premises' county (inside a write)."""
        self.conn.executemany(
            "UPDATE premises SET county = ? WHERE id = ?", [(c, pid) for pid, c in pairs]
        )

    # -- the province's side -------------------------------------------------------------------
    def add_origin(self, office: dict[str, Any], signer: str, seq: int) -> bool:
        cur = self.conn.execute(
            "INSERT INTO province_origins (office_id, name, city, province, signer, added_seq)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (office_id) DO NOTHING",
            (office["id"], office["name"], office["city"], office["province"], signer, seq),
        )
        return cur.rowcount == 1

    def origin(self, office_id: str) -> dict[str, Any] | None:
        r = self.conn.execute(
            "SELECT office_id, name, city, province, signer FROM province_origins"
            " WHERE office_id = ?",
            (office_id,),
        ).fetchone()
        return (
            None
            if r is None
            else dict(zip(("id", "name", "city", "province", "signer"), tuple(r), strict=True))
        )

    def held_hashes(self, ids: list[str]) -> dict[str, tuple[str, str]]:
        """inspection id -> (content hash, office id) of the records held already."""
        out: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for r in self.conn.execute(
                "SELECT inspection_id, content_hash, office_id FROM province_records"
                f" WHERE inspection_id IN ({marks})",
                chunk,
            ):
                out[r[0]] = (r[1], r[2])
        return out

    def add_record(self, row: dict[str, Any]) -> bool:
        """Keep one record (False when the same inspection is held already)."""
        cols = ", ".join(RECORD_COLUMNS)
        marks = ", ".join("?" for _ in RECORD_COLUMNS)
        cur = self.conn.execute(
            f"INSERT INTO province_records ({cols}) VALUES ({marks})"
            " ON CONFLICT (inspection_id) DO NOTHING",
            [row[c] for c in RECORD_COLUMNS],
        )
        return cur.rowcount == 1

    def origins(self) -> list[dict[str, Any]]:
        return [
            dict(zip(("id", "name", "city", "province", "records"), tuple(r), strict=True))
            for r in self.conn.execute(
                "SELECT o.office_id, o.name, o.city, o.province,"
                " (SELECT count(*) FROM province_records r WHERE r.office_id = o.office_id)"
                " FROM province_origins o ORDER BY o.province, o.city, o.name"
            )
        ]

    # -- statistics rows -----------------------------------------------------------------------
    def local_rows(self, date_from: str | None = None, date_to: str | None = None) -> list[Any]:
        """(province-less) city, county, address, origin, verdict of this database's own
        finalized newest revisions (inspections made here or imported from laptops)."""
        sql = (
            "SELECT p.city, p.county, p.address, i.origin, i.verdict"
            " FROM inspections i JOIN premises p ON p.id = i.premises_id"
            f" WHERE {_HEAD}"
        )
        return self.conn.execute(*_period(sql, date_from, date_to, "i.started_at")).fetchall()

    def received_rows(self, date_from: str | None = None, date_to: str | None = None) -> list[Any]:
        """province, city, county, address, office name, verdict of the newest revision of
        each record received from city offices."""
        sql = (
            "SELECT r.province, r.city, r.county, r.address, o.name, r.verdict"
            " FROM province_records r JOIN province_origins o ON o.office_id = r.office_id"
            " WHERE NOT EXISTS (SELECT 1 FROM province_records n"
            " WHERE n.record_id = r.record_id AND n.revision > r.revision)"
        )
        return self.conn.execute(*_period(sql, date_from, date_to, "r.started_at")).fetchall()

    # -- records received from city offices, for the tiles, the summary and exports ---------
    _NEWEST = (
        " FROM province_records r JOIN province_origins o ON o.office_id = r.office_id"
        " WHERE NOT EXISTS (SELECT 1 FROM province_records n"
        " WHERE n.record_id = r.record_id AND n.revision > r.revision)"
    )

    def _received(
        self,
        select: str,
        date_from: str | None,
        date_to: str | None,
        city: str | None,
        market: str | None,
        tail: str = "",
    ) -> list[Any]:
        sql, params = _period("SELECT " + select + self._NEWEST, date_from, date_to, "r.started_at")
        if city:
            sql += " AND r.city = ?"
            params.append(city)
        if market:
            sql += " AND r.market = ?"
            params.append(market)
        return self.conn.execute(sql + tail, params).fetchall()

    def received_totals(
        self,
        date_from: str | None = None,
        date_to: str | None = None,
        city: str | None = None,
        market: str | None = None,
    ) -> list[tuple[Any, ...]]:
        """Per origin (office name): inspections, premises, records, judged, passed,
        failed, cheating of the newest revision of each record received."""
        return [
            (r[0], *(int(v or 0) for v in r[1:]))
            for r in self._received(
                "o.name, count(*), count(DISTINCT r.premises_name || '|' || r.address),"
                " count(DISTINCT r.record_id),"
                " sum(CASE WHEN r.verdict IN ('pass', 'fail') THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.verdict = 'pass' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.verdict = 'fail' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.cheating = 1 THEN 1 ELSE 0 END)",
                date_from,
                date_to,
                city,
                market,
                " GROUP BY o.name ORDER BY o.name",
            )
        ]

    def received_by(
        self,
        column: str,
        date_from: str | None = None,
        date_to: str | None = None,
        city: str | None = None,
        market: str | None = None,
    ) -> list[tuple[Any, ...]]:
        """(family or month, inspections, passed, failed, cheating) of the records received."""
        key = {"family": "r.family", "month": "substr(r.started_at, 1, 7)"}[column]
        return [
            (r[0], *(int(v or 0) for v in r[1:]))
            for r in self._received(
                f"{key}, count(*),"
                " sum(CASE WHEN r.verdict = 'pass' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.verdict = 'fail' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.cheating = 1 THEN 1 ELSE 0 END)",
                date_from,
                date_to,
                city,
                market,
                f" GROUP BY {key} ORDER BY {key}",
            )
        ]

    def received_records(
        self,
        date_from: str | None = None,
        date_to: str | None = None,
        city: str | None = None,
        market: str | None = None,
    ) -> list[Any]:
        """The newest revision of each record received, for a table export, oldest first."""
        return self._received(
            "r.inspection_id, r.record_id, r.revision, r.started_at, r.family, r.check_kind,"
            " r.verdict, r.inspector, r.premises_name, r.premises_kind, r.province, r.city,"
            " r.county, r.market, r.address, r.decision, r.reviewer, r.reviewed_at,"
            " r.cheating, r.content_hash, o.name",
            date_from,
            date_to,
            city,
            market,
            " ORDER BY r.started_at, r.inspection_id",
        )

    def origin_names(self) -> dict[str, str]:
        """Device id -> the signer name of the bundles that came from it (laptops)."""
        out: dict[str, str] = {}
        try:
            rows = self.conn.execute(
                "SELECT source_device, summary_json FROM bundle_ledger ORDER BY imported_seq"
            ).fetchall()
        except Exception:  # noqa: BLE001 - an older ledger layout: ids stay ids
            return out
        import json

        for device, summary in rows:
            try:
                name = json.loads(summary or "{}").get("signer_name") or ""
            except ValueError:
                name = ""
            if name:
                out[device] = name
        return out


def _period(
    sql: str, date_from: str | None, date_to: str | None, column: str
) -> tuple[str, list[Any]]:
    """*sql* limited to records started on *date_from* .. *date_to* (days, both included)."""
    clauses, params = period(date_from, date_to)
    for clause in clauses:
        sql += " AND " + clause.replace("i.started_at", column)
    return sql, params


def province_repo(store: Store) -> ProvinceRepo:
    repo = getattr(store, "_province_repo", None)
    if repo is None:
        repo = ProvinceRepo(store)
        store._province_repo = repo  # type: ignore[attr-defined]  # cached on the store it serves
    return repo


def check_level(by: str) -> str:
    if by not in ("province", "city", "county", "origin"):
        raise InputError("by", "must be province, city, county or origin")
    return by
