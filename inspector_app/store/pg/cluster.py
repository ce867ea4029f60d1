"""A local PostgreSQL cluster in a folder: for a try of the office, tests and benchmarks.

Uses the server programs of an installed PostgreSQL (Debian's ``postgresql`` package puts
them in ``/usr/lib/postgresql/<version>/bin``; elsewhere ``initdb`` on ``PATH``).
:meth:`LocalCluster.init` runs ``initdb`` (UTF-8, C collation so text sorts as on SQLite,
trust authentication for local connections only); :meth:`start` starts the server on a
Unix socket in the folder and on a localhost port; :meth:`stop` stops it. ``initdb``
refuses to run as root, so as root the cluster is made and run as the ``postgres`` user
(``runuser``), with the folder given to that user. Every subprocess has a timeout.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

TIMEOUT = 120


class ClusterError(Exception):
    """The local server could not be set up or started; the message says why."""


def find_bin_dir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, or None."""
    env = os.environ.get("INSPECTOR_PG_BIN")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parts[-3].split(".")],
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalCluster:
    """One PostgreSQL cluster in *folder* (``data/`` and the socket ``run/`` inside)."""

    def __init__(self, folder: str | os.PathLike[str], port: int | None = None) -> None:
        self.folder = Path(folder).absolute()
        self.data = self.folder / "data"
        self.run = self.folder / "run"
        self.log = self.folder / "server.log"
        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise ClusterError(
                "no PostgreSQL server programs found (initdb, pg_ctl); install the "
                "'postgresql' package (Debian: apt-get install postgresql)"
            )
        self.bin = bin_dir
        self.as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        self.user = "postgres" if self.as_root else None
        self.port = port or self._saved_port() or free_port()

    # -- helpers ------------------------------------------------------------------------
    def _saved_port(self) -> int | None:
        with contextlib.suppress(OSError, ValueError):
            return int((self.folder / "port").read_text().strip())
        return None

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            return ["runuser", "-u", self.user, "--", *cmd]
        return cmd

    def _run(self, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        if self.user:  # the server user cannot read root's home or its folders
            env["HOME"] = str(self.folder)
            for key in [k for k in env if k.startswith("XDG_")]:
                del env[key]
        env.setdefault("LC_ALL", "C.UTF-8")
        try:
            return subprocess.run(
                self._cmd(*args),
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
                cwd=str(self.folder),
                env=env,
            )
        except subprocess.TimeoutExpired:
            raise ClusterError(f"{args[0]} did not finish within {timeout:.0f} s") from None

    @property
    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def url(self, dbname: str = "postgres", *, socket_dir: bool = True) -> str:
        """A connection URL: over the Unix socket in the folder, or over localhost TCP."""
        user = self.user or _current_user()
        if socket_dir:
            return f"postgresql://{user}@/{dbname}?host={self.run}&port={self.port}"
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    # -- life cycle ---------------------------------------------------------------------
    def init(self) -> None:
        """Create the cluster (once)."""
        if self.initialized:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.run.mkdir(exist_ok=True)
        if self.user:
            for p in (self.folder, self.run):
                shutil.chown(p, self.user, self.user)
            # The server user must reach the folder through every parent folder.
            for parent in self.folder.parents:
                if str(parent) in ("/", "/tmp") or parent.stat().st_mode & 0o001:
                    continue
                with contextlib.suppress(OSError):
                    os.chmod(parent, parent.stat().st_mode | 0o001)
        r = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-E",
            "UTF8",
            "--locale=C",
            "-A",
            "trust",
            "--no-sync",
            "-U",
            self.user or _current_user(),
        )
        if r.returncode != 0:
            raise ClusterError(f"initdb failed: {(r.stderr or r.stdout).strip()[-500:]}")
        (self.folder / "port").write_text(str(self.port))
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# set by inspector-app\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.run}'\n"
                "max_connections = 100\n"
            )

    def start(self, *, fast: bool = False) -> None:
        """Start the server and wait until it accepts connections. *fast* turns off
        durability (``fsync``): for throwaway test clusters only."""
        extra = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" if fast else ""
        r = self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            extra,
            "start",
        )
        if r.returncode != 0:
            tail = ""
            with contextlib.suppress(OSError):
                tail = self.log.read_text()[-600:]
            raise ClusterError(f"the server did not start: {(r.stderr or r.stdout).strip()} {tail}")

    def running(self) -> bool:
        """Whether the server answers on its socket."""
        import psycopg

        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=5):
                return True
        except psycopg.Error:
            return False

    def stop(self, mode: str = "fast") -> None:
        if self.initialized:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database *name* (optionally copied from *template*); returns its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10) as c:
            tmpl = f' TEMPLATE "{template}"' if template else ""
            c.execute(f'CREATE DATABASE "{name}"{tmpl}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _current_user() -> str:
    import getpass

    return getpass.getuser()


def wait_for(predicate: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
