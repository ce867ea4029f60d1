"""Test an office database URL before using it: one answer, one reason.

:func:`probe` connects once (short timeout), reads the schema version and says whether
the program can work on that database. The reason is a kind the window words in its own
language: ``unreachable`` (no server answers at that host and port), ``password`` (the
server refused the log-in: wrong or missing password, unknown user), ``no_database`` (the
server has no database of that name), ``not_inspector`` (a database without this
program's tables that already holds other tables), ``too_new`` (made by a newer version of
the program), ``bad_url`` (the text is not a connection URL), ``other`` (anything else, with
the server's sentence). An empty database is fine: the program creates its tables on first
use. Passwords come from the libpq password file (``passfile``), never from the URL kept in
the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OK = "ok"
KINDS = (
    "ok",
    "unreachable",
    "password",
    "no_database",
    "not_inspector",
    "too_new",
    "bad_url",
    "other",
)


@dataclass(frozen=True)
class ProbeResult:
    kind: str
    detail: str = ""  # the server's own sentence (kind "other"), or the versions
    version: int = 0  # the database's schema version (0: none yet)
    supported: int = 0  # the newest schema version this program knows

    @property
    def ok(self) -> bool:
        return self.kind == OK


def classify(message: str) -> str:
    """The kind of a connection failure from libpq's message (its texts are English in the
    C locale the program's connections use)."""
    text = message.lower()
    if "password authentication failed" in text or "no password supplied" in text:
        return "password"
    if "authentication failed" in text or "role" in text and "does not exist" in text:
        return "password"
    if "database" in text and "does not exist" in text:
        return "no_database"
    if (
        "invalid connection option" in text
        or "invalid dsn" in text
        or "missing" in text
        and "=" in text
    ):
        return "bad_url"
    if any(
        s in text
        for s in (
            "could not connect",
            "connection refused",
            "could not translate host name",
            "timeout expired",
            "no route to host",
            "network is unreachable",
            "name or service not known",
            "connection timed out",
            "no such file or directory",  # a Unix socket folder without a server
        )
    ):
        return "unreachable"
    return "other"


def probe(url: str, *, passfile: str | None = None, timeout: int = 5) -> ProbeResult:
    """Connect to *url* once and say whether this program can use the database."""
    import psycopg

    from ..migrations import MIGRATIONS

    supported = len(MIGRATIONS)
    try:
        kwargs: dict[str, Any] = {"connect_timeout": max(1, int(timeout))}
        if passfile:
            kwargs["passfile"] = passfile
        conn = psycopg.connect(url, autocommit=True, **kwargs)
    except psycopg.ProgrammingError as exc:  # a malformed conninfo
        return ProbeResult("bad_url", str(exc).strip().splitlines()[0] if str(exc) else "")
    except psycopg.Error as exc:
        message = " ".join(line.strip() for line in str(exc).strip().splitlines())
        return ProbeResult(classify(message), message, supported=supported)
    try:
        with conn:
            has_schema = conn.execute(
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relname = 'inspector_schema'"
            ).fetchone()
            if has_schema is None:
                tables = conn.execute(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                ).fetchone()
                if tables and int(tables[0]) > 0:
                    return ProbeResult("not_inspector", str(tables[0]), supported=supported)
                return ProbeResult(OK, "empty", 0, supported)
            row = conn.execute("SELECT version FROM inspector_schema WHERE id = 1").fetchone()
            version = int(row[0]) if row else 0
            if version > supported:
                return ProbeResult("too_new", f"{version} > {supported}", version, supported)
            return ProbeResult(OK, "", version, supported)
    except psycopg.Error as exc:
        message = " ".join(line.strip() for line in str(exc).strip().splitlines())
        return ProbeResult("other", message, supported=supported)
