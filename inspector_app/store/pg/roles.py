"""PostgreSQL roles for the office: viewer, supervisor, administrator.

The server enforces least privilege itself, whatever program connects:

- ``inspector_viewer``: read only (statistics, exports, summaries, ``check``); every write
  is refused by the server;
- ``inspector_supervisor``: a viewer that may also write rows (import bundles, review,
  resolve conflicts), but not change the schema;
- ``inspector_administrator``: a supervisor that may also create roles and log-ins (it
  owns nothing: the schema's owner upgrades it).

The same names as the program's own roles (viewer, inspector, supervisor, administrator).
Tables made by a later upgrade get the same grants (default privileges of the owner).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import psycopg

    from ..store import Store
    from .connection import PgConnection

ROLES = {
    "viewer": "inspector_viewer",
    "supervisor": "inspector_supervisor",
    "administrator": "inspector_administrator",
}
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}\Z")


def _exists(pg: psycopg.Connection[Any], role: str) -> bool:
    return pg.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def create_roles(store: Store) -> list[str]:
    """Create the three group roles (when missing) and grant them what they may do on this
    database; returns the roles created now. Run by the database's owner."""
    pg = cast("PgConnection", store.conn)._pg  # (a Store on the office server)
    made = []
    db = pg.execute("SELECT current_database()").fetchall()[0][0]
    with pg.transaction():
        for role in ROLES.values():
            if not _exists(pg, role):
                pg.execute(f"CREATE ROLE {role} NOLOGIN")
                made.append(role)
        pg.execute("GRANT inspector_viewer TO inspector_supervisor")
        pg.execute("GRANT inspector_supervisor TO inspector_administrator")
        pg.execute(f'GRANT CONNECT ON DATABASE "{db}" TO inspector_viewer')
        pg.execute("GRANT USAGE ON SCHEMA public TO inspector_viewer")
        pg.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO inspector_viewer")
        pg.execute(
            "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO inspector_supervisor"
        )
        pg.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO inspector_viewer"
        )
        pg.execute(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
            " GRANT INSERT, UPDATE, DELETE ON TABLES TO inspector_supervisor"
        )
    return made


def add_login(store: Store, name: str, role: str, password: str | None = None) -> None:
    """A log-in *name* in the group of *role* (viewer, supervisor or administrator)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not _NAME.match(name):
        raise ValueError(
            f"{name!r} is not a usable log-in name (lower-case letters, digits and _, "
            "starting with a letter)"
        )
    pg = cast("PgConnection", store.conn)._pg
    with pg.transaction():
        if not _exists(pg, name):
            pg.execute(f"CREATE ROLE {name} LOGIN")
        if password is not None:
            from psycopg import sql

            pg.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(password)
                )
            )
        for group in ROLES.values():
            if pg.execute(
                "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
                " JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = %s AND u.rolname = %s",
                (group, name),
            ).fetchone():
                pg.execute(f"REVOKE {group} FROM {name}")
        pg.execute(f"GRANT {ROLES[role]} TO {name}")
        if role == "administrator":
            pg.execute(f"ALTER ROLE {name} CREATEROLE")
