"""Integrity check, backup and verified restore.

``check`` recomputes everything that can be recomputed: SQLite's own integrity check,
foreign keys, the audit chain, every finalized inspection's content hash, the readings
derived from each result, every sealed visit's content hash (with its sweep rows and
photos), and every attachment's SHA-256. Each mismatch is named.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain.canonical import content_hash
from . import audit
from .inspections import reading_rows
from .migrations import backup_file

if TYPE_CHECKING:
    from .store import Store


@dataclass
class Problem:
    kind: str  # sqlite, schema, foreign_key, audit, inspection, readings, attachment, signature,
    # certificate (a number missing from an issuing body's gap-free sequence),
    # missing (a finalized inspection the audit log or an import vouches for is gone),
    # revision (superseded_by does not match the revision chain),
    # visit (a sealed visit, its sweep rows or photos changed, or the visit gone),
    # statistics (the kept statistics counts differ from a recount)
    ref: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ref": self.ref, "message": self.message}


# -- signatures of finalized inspections ---------------------------------------------------
# Finalize signs the content hash: ``signature`` is base64(DER ECDSA-SHA256, or RSA PKCS#1
# v1.5, over the UTF-8 bytes of the 64-digit content hash) and ``signer`` the SHA-256
# fingerprint of the certificate (services: the editor's sign_with_identity).


def known_certificates(store: Store) -> dict[str, Any]:
    """fingerprint -> certificate: every key this database trusts, and this device's own
    certificates (current and earlier ones) from the keys folder beside the database."""
    from ..crypto import keys
    from ..paths import keys_dir

    out: dict[str, Any] = {}
    for key in store.trust.list():
        try:
            cert = keys.load_certificate(key.public_pem.encode("utf-8"))
        except (keys.KeyError_, ValueError):
            continue  # a key that is not a certificate vouches for nothing here
        out[keys.fingerprint(cert)] = cert
    path = getattr(store, "path", None)
    if path is not None:
        kdir = keys_dir(Path(path))
        own = getattr(keys, "own_certificates", None)
        try:
            certs = (
                [c.certificate for c in own(kdir)] if own else [keys.load_certificate_file(kdir)]
            )
        except (keys.KeyError_, OSError):
            certs = []
        for cert in certs:
            out[keys.fingerprint(cert)] = cert
    return out


def signature_problem(
    content_hash: str | None,
    signature: str | None,
    signer: str | None,
    certificates: dict[str, Any],
) -> tuple[str, str] | None:
    """(field, reason) when an inspection's signature does not verify; None when it does or
    when the record is unsigned (no signature and no signer)."""
    import base64
    import binascii

    from ..crypto import keys

    if signature is None and signer is None:
        return None
    if not signature or not signer:
        return ("signature", "a signature needs the signer's fingerprint and a signer a signature")
    cert = certificates.get(signer)
    if cert is None:
        return (
            "signer",
            f"the key that signed the record ({signer[:16]}…) is not enrolled on this computer",
        )
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return ("signature", "is not valid base64")
    if not keys.verify_signature(cert, (content_hash or "").encode("utf-8"), raw):
        return (
            "signature",
            f"does not verify with {keys.common_name(cert)}'s key over the content hash "
            "(the record or its signature was altered)",
        )
    return None


def check(store: Store) -> list[Problem]:
    conn = store.conn
    problems: list[Problem] = []
    for (msg,) in conn.execute("PRAGMA integrity_check"):
        if msg != "ok":
            problems.append(Problem("sqlite", "", msg))
    if getattr(store, "engine", "sqlite") == "sqlite":
        problems += schema_problems(conn)
    for row in conn.execute("PRAGMA foreign_key_check"):
        problems.append(
            Problem(
                "foreign_key",
                f"{row[0]}:{row[1]}",
                f"row {row[1]} of {row[0]} refers to a missing {row[2]}",
            )
        )
    for p in audit.verify_chain(conn):
        problems.append(Problem("audit", str(p.seq), p.message))
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM inspections WHERE status = 'finalized' ORDER BY rowid"
        )
    ]
    for inspection_id in ids:
        insp = store.inspections.get(inspection_id)
        if insp is None:  # (read from the same table a moment ago)
            continue
        stored = insp.content_hash
        insp.status = "finalized"
        actual = content_hash(insp)
        if actual != stored:
            problems.append(
                Problem(
                    "inspection",
                    inspection_id,
                    f"inspection {inspection_id} (revision {insp.revision}) no longer matches its content hash",
                )
            )
        stored_rows = [
            tuple(r)
            for r in conn.execute(
                "SELECT inspection_id, test_seq, seq, kind, label, error, mpe, unit, verdict, rule FROM readings"
                " WHERE inspection_id = ? ORDER BY test_seq, seq",
                (inspection_id,),
            )
        ]
        if stored_rows != reading_rows(insp):
            problems.append(
                Problem(
                    "readings",
                    inspection_id,
                    f"the readings table of inspection {inspection_id} differs from its sealed result",
                )
            )
    problems += _missing_finalized(conn)
    problems += _revision_links(conn)
    from .summary import mismatches  # the statistics counts kept as records are written

    problems += [Problem("statistics", "stat_counts", m) for m in mismatches(conn)]
    from .office_kept import mismatches as failure_mismatches  # (the kept failure figures)

    problems += [Problem("statistics", table, m) for table, m in failure_mismatches(conn)]
    problems += _sealed_visits(store)
    problems += _signatures(store, ids)
    from .cases import CaseRepo  # enforcement cases sealed at decision and at closure

    problems += [Problem("case", ref, msg) for ref, msg in CaseRepo(store).seal_problems()]
    from .reports import all_number_gaps  # the certificate numbers: gap-free per body and year

    for body, year, seq in all_number_gaps(conn):
        problems.append(
            Problem(
                "certificate",
                f"{body}/{year}/{seq}",
                f"certificate number {seq} of {year} (issuing body {body}) is missing from the "
                "ledger: a number was issued and its row deleted",
            )
        )
    for sha in store.attachments.verify():
        problems.append(
            Problem("attachment", sha, f"attachment {sha[:12]}… no longer matches its SHA-256")
        )
    return problems


def schema_problems(conn: sqlite3.Connection) -> list[Problem]:
    """Every table, column, index and trigger this program's migrations make must be in the
    file: a dropped trigger would let a sealed record or the audit chain be changed without
    a trace, a dropped index make every screen slow. The expected schema is built by running
    the migrations on an empty database in memory and compared through sqlite-utils'
    introspection (columns, indexes and triggers as objects instead of four PRAGMAs and
    sqlite_master parsed by hand)."""
    import sqlite3

    import sqlite_utils

    from .db import transaction
    from .migrations import MIGRATIONS

    reference = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for migration in MIGRATIONS:  # (not migrate(): no lock, no backup, no log line)
            with transaction(reference):
                migration.up(reference)
        want = sqlite_utils.Database(reference, execute_plugins=False)
        have = sqlite_utils.Database(conn, execute_plugins=False)
        tables = set(have.table_names())
        problems = []
        for name in want.table_names():
            if name not in tables:
                problems.append(Problem("schema", name, f"the table {name} is missing"))
                continue
            columns = set(have.table(name).columns_dict)
            for column in want.table(name).columns_dict:
                if column not in columns:
                    problems.append(
                        Problem("schema", f"{name}.{column}", f"{name} has no column {column}")
                    )
            indexes = {i.name for i in have.table(name).indexes}
            for index in want.table(name).indexes:
                if index.name not in indexes and not index.name.startswith("sqlite_autoindex"):
                    problems.append(
                        Problem(
                            "schema", index.name, f"the index {index.name} of {name} is missing"
                        )
                    )
        triggers = {t.name for t in have.triggers}
        for trigger in want.triggers:
            if trigger.name not in triggers:
                problems.append(
                    Problem(
                        "schema",
                        trigger.name,
                        f"the trigger {trigger.name} on {trigger.table} is missing: what it "
                        "guards can be changed without a trace",
                    )
                )
        return problems
    finally:
        reference.close()


def _missing_finalized(conn: sqlite3.Connection) -> list[Problem]:
    """Every finalize the audit log records (with the content hash it sealed) and every
    inspection an import wrote must still be there, finalized, with that hash. A finalized
    record deleted with its child rows by SQL leaves no other trace."""
    import json

    out: list[Problem] = []
    current = {
        r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, content_hash FROM inspections")
    }
    seen: set[str] = set()
    for seq, entity_id, detail in conn.execute(
        "SELECT seq, entity_id, detail FROM audit WHERE action = 'inspection.finalize' ORDER BY seq"
    ):
        seen.add(entity_id)
        try:
            sealed = json.loads(detail).get("content_hash")
        except (ValueError, AttributeError):
            sealed = None
        have = current.get(entity_id)
        if have is None:
            out.append(
                Problem(
                    "missing",
                    entity_id,
                    f"inspection {entity_id} was finalized (audit entry {seq}) but is no "
                    "longer in the database (deleted?)",
                )
            )
        elif have[0] != "finalized":
            out.append(
                Problem(
                    "missing",
                    entity_id,
                    f"inspection {entity_id} was finalized (audit entry {seq}) but is "
                    f"{have[0]} now",
                )
            )
        elif sealed and have[1] != sealed:
            out.append(
                Problem(
                    "inspection",
                    entity_id,
                    f"inspection {entity_id} was sealed with hash {sealed[:12]}… (audit entry "
                    f"{seq}) but now carries {str(have[1])[:12]}…",
                )
            )
    has_received = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_received'"
    ).fetchone()
    if has_received:
        for bundle_id, entity_id in conn.execute(
            "SELECT bundle_id, entity_id FROM sync_received WHERE entity = 'inspection'"
            " AND outcome IN ('new', 'updated') ORDER BY bundle_id, entity_id"
        ):
            if entity_id in seen:
                continue
            have = current.get(entity_id)
            if have is None or have[0] != "finalized":
                out.append(
                    Problem(
                        "missing",
                        entity_id,
                        f"inspection {entity_id} was imported from bundle {bundle_id[:8]} but "
                        + (
                            "is no longer in the database (deleted?)"
                            if have is None
                            else f"is {have[0]} now"
                        ),
                    )
                )
    return out


def _sealed_visits(store: Store) -> list[Problem]:
    """Every finalized visit's content hash recomputed from the visit, its sweep rows and its
    photos (a changed row, a photo swapped or taken out all change it), each photo still
    stored, and the hash the audit log recorded at sealing still the one the visit carries."""
    import json

    from ..domain.visits import visit_hash
    from .visits import VisitRepo

    conn = store.conn
    repo = VisitRepo(store)
    out: list[Problem] = []
    current: dict[str, str | None] = {}
    for (visit_id,) in conn.execute(
        "SELECT id FROM visits WHERE status = 'finalized' ORDER BY rowid"
    ).fetchall():
        v = repo.require(visit_id)
        current[visit_id] = v.content_hash
        photos = repo.photos(visit_id)
        if visit_hash(v, repo.rows(visit_id), photos) != v.content_hash:
            out.append(
                Problem(
                    "visit",
                    visit_id,
                    f"visit {visit_id} ({v.started_at[:10]}) no longer matches its content hash: "
                    "the visit, its sweep rows or its photos were changed after sealing",
                )
            )
        for sha in photos:
            if (
                conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?", (sha,)).fetchone()
                is None
            ):
                out.append(
                    Problem(
                        "visit",
                        visit_id,
                        f"photo {sha[:12]}… of visit {visit_id} is no longer stored",
                    )
                )
    for seq, visit_id, detail in conn.execute(
        "SELECT seq, entity_id, detail FROM audit WHERE action = 'visit.finalize' ORDER BY seq"
    ).fetchall():
        try:
            sealed = json.loads(detail).get("content_hash")
        except (ValueError, AttributeError):
            sealed = None
        if visit_id not in current:
            status = conn.execute("SELECT status FROM visits WHERE id = ?", (visit_id,)).fetchone()
            out.append(
                Problem(
                    "visit",
                    visit_id,
                    f"visit {visit_id} was sealed (audit entry {seq}) but "
                    + (
                        "is no longer in the database (deleted?)"
                        if status is None
                        else f"is {status[0]} now"
                    ),
                )
            )
        elif sealed and current[visit_id] != sealed:
            out.append(
                Problem(
                    "visit",
                    visit_id,
                    f"visit {visit_id} was sealed with hash {sealed[:12]}… (audit entry {seq}) "
                    f"but now carries {str(current[visit_id])[:12]}…",
                )
            )
    return out


def _revision_links(conn: sqlite3.Connection) -> list[Problem]:
    """``superseded_by`` must name the revision that corrects this one, and a revision that
    has a correction must name it: a wrong link hides a finalized record from every list."""
    out = []
    for pid, sup in conn.execute(
        "SELECT p.id, p.superseded_by FROM inspections p"
        " LEFT JOIN inspections c ON c.id = p.superseded_by"
        " WHERE p.superseded_by IS NOT NULL AND (c.id IS NULL OR c.parent_id IS NOT p.id)"
        " ORDER BY p.rowid"
    ):
        out.append(
            Problem(
                "revision",
                pid,
                f"inspection {pid} is marked as corrected by {sup}, which is not a correction "
                "of it: it is hidden from the lists",
            )
        )
    for cid, pid, sup in conn.execute(
        "SELECT c.id, p.id, p.superseded_by FROM inspections c"
        " JOIN inspections p ON p.id = c.parent_id"
        " WHERE p.superseded_by IS NOT c.id ORDER BY c.rowid"
    ):
        if sup is not None and any(p.ref == pid for p in out):
            continue  # named above
        out.append(
            Problem(
                "revision",
                pid,
                f"inspection {pid} has the correction {cid} but is not marked as corrected by "
                "it: both show as current",
            )
        )
    return out


def _signatures(store: Store, ids: list[str]) -> list[Problem]:
    rows = []
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        rows += store.conn.execute(
            "SELECT id, content_hash, signature, signer FROM inspections"
            f" WHERE id IN ({','.join('?' * len(chunk))}) AND (signature IS NOT NULL"
            " OR signer IS NOT NULL)",
            chunk,
        ).fetchall()
    if not rows:
        return []
    certificates = known_certificates(store)
    out = []
    for inspection_id, chash, signature, signer in rows:
        problem = signature_problem(chash, signature, signer, certificates)
        if problem is not None:
            out.append(
                Problem(
                    "signature",
                    inspection_id,
                    f"inspection {inspection_id} {problem[0]}: {problem[1]}",
                )
            )
    return out


def backup(store: Store, target: str | os.PathLike[str]) -> Path:
    return backup_file(store.conn, Path(target))
