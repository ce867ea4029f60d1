"""``office-server``: a local PostgreSQL office database in a folder, for a try.

``inspector-app office-server --dir ./office-db`` makes a PostgreSQL cluster in the folder
(the first time), starts it on a Unix socket in the folder and a localhost port, creates the
office database with the program's schema, and prints the URL to give ``--db`` or
``INSPECTOR_DB``. ``--status`` tells whether it runs, ``--stop`` stops it. A real office runs
its own PostgreSQL server: see docs/office-postgresql.md.
"""

from __future__ import annotations

from pathlib import Path

from .common import print_json


def register(sub, common) -> None:
    p = sub.add_parser(
        "office-server",
        help="start a local PostgreSQL office database in a folder (for a try) and print its URL",
    )
    p.add_argument(
        "--dir",
        type=Path,
        default=Path("office-db"),
        help="folder of the server's files (made the first time; default ./office-db)",
    )
    p.add_argument(
        "--port", type=int, help="localhost TCP port the first time (default: a free one)"
    )
    p.add_argument(
        "--dbname", default="inspector", help="name of the office database (default inspector)"
    )
    p.add_argument("--stop", action="store_true", help="stop the server started in --dir")
    p.add_argument("--status", action="store_true", help="say whether the server in --dir runs")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_office_server)

    p = sub.add_parser(
        "office-roles",
        parents=[common],
        help="PostgreSQL office database: create the viewer/supervisor/administrator roles"
        " and add log-ins (run by the database's owner)",
    )
    p.add_argument("--add", metavar="NAME", help="create (or move) the log-in NAME")
    p.add_argument(
        "--role",
        choices=["viewer", "supervisor", "administrator"],
        default="viewer",
        help="the group of the log-in given with --add (default viewer: read only)",
    )
    p.add_argument(
        "--password-file",
        type=Path,
        help="file whose first line is the log-in's password (none: socket or .pgpass only)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_office_roles)


def cmd_office_server(args) -> int:
    import psycopg

    from ..store import open_database
    from ..store.pg.cluster import ClusterError, LocalCluster
    from .main import CliError

    folder = Path(args.dir).expanduser().absolute()
    try:
        cluster = LocalCluster(folder, port=args.port)
        if args.stop or args.status:
            if not cluster.initialized:
                raise CliError(f"there is no office server in {folder}")
            running = cluster.running()
            if args.stop and running:
                cluster.stop()
            state = "stopped" if args.stop else ("running" if running else "not running")
            if args.json:
                print_json({"dir": str(folder), "state": state, "url": cluster.url(args.dbname)})
            else:
                print(f"office server in {folder}: {state}")
            return 0 if (args.stop or running) else 1
        made = not cluster.initialized
        cluster.init()
        if not cluster.running():
            cluster.start()
        url = cluster.url(args.dbname)
        with psycopg.connect(cluster.url("postgres"), autocommit=True, connect_timeout=10) as c:
            exists = c.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (args.dbname,)
            ).fetchone()
        if not exists:
            cluster.create_database(args.dbname)
        open_database(url).close()  # the schema, migrated
    except ClusterError as exc:
        raise CliError(str(exc)) from None
    except psycopg.Error as exc:
        raise CliError(f"the office server in {folder} does not answer ({exc})") from None
    if args.json:
        print_json({"dir": str(folder), "state": "running", "url": url, "created": made})
        return 0
    print(f"office database: {url}")
    print(f"use it:  inspector-app --db '{url}'   (or export INSPECTOR_DB='{url}')")
    print(f"over TCP: {cluster.url(args.dbname, socket_dir=False)}")
    print(f"stop it: inspector-app office-server --dir {folder} --stop")
    return 0


def cmd_office_roles(args) -> int:
    import sqlite3

    import psycopg

    from ..store.pg.roles import ROLES, add_login, create_roles
    from .common import open_store
    from .main import CliError

    store = open_store(args)
    try:
        if store.engine != "postgresql":
            raise CliError(
                "office-roles is for an office database on PostgreSQL (--db postgresql://…)"
            )
        password = None
        if args.password_file:
            try:
                password = args.password_file.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError):
                raise CliError(f"cannot read a password from {args.password_file}") from None
        try:
            made = create_roles(store)
            if args.add:
                add_login(store, args.add, args.role, password)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        except (psycopg.Error, sqlite3.Error) as exc:
            text = getattr(getattr(exc, "diag", None), "message_primary", None) or str(exc)
            raise CliError(
                f"the roles could not be set up ({text}); run this as the database's owner"
            ) from None
    finally:
        store.close()
    result = {
        "roles": list(ROLES.values()),
        "created": made,
        "login": args.add,
        "role": args.role if args.add else None,
    }
    if args.json:
        print_json(result)
    else:
        print(f"roles: {', '.join(ROLES.values())} ({len(made)} created now)")
        if args.add:
            print(f"log-in {args.add}: {args.role} ({ROLES[args.role]})")
    return 0
