"""A throwaway PostgreSQL server for the tests (fixtures registered in conftest.py).

One cluster per test session, made with the installed server programs (Debian's
``postgresql`` package: ``/usr/lib/postgresql/*/bin``) in a temporary folder, started on a
Unix socket in that folder and a free localhost port, durability off (``fsync=off``: a
throwaway). A template database is migrated once; each test gets its own database copied
from it (``CREATE DATABASE … TEMPLATE``, a few tens of milliseconds). The cluster is
stopped (``pg_ctl stop -m immediate``) and its folder removed at the end.

Without the server programs the PostgreSQL half of each test is skipped with the reason,
unless ``INSPECTOR_TEST_POSTGRES=required`` (CI sets it), where it fails instead.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import shutil
import tempfile

import pytest

ENGINES = ["sqlite", "postgresql"]
TEMPLATE = "inspector_template"
_counter = itertools.count(1)


def required() -> bool:
    return os.environ.get("INSPECTOR_TEST_POSTGRES", "").strip().lower() == "required"


def _unavailable(reason: str):
    if required():
        pytest.fail(f"PostgreSQL is required (INSPECTOR_TEST_POSTGRES=required): {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


PREFIX = "inspector-pg-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans() -> None:
    """Stop and remove the clusters of earlier test sessions whose process is gone (one
    killed before its clean-up ran); a running session's cluster is left alone."""
    from inspector_app.store.pg.cluster import LocalCluster

    for owner in glob.glob(os.path.join(tempfile.gettempdir(), PREFIX + "*", "owner")):
        folder = os.path.dirname(owner)
        try:
            with open(owner) as fh:
                pid = int(fh.read().strip())
        except (OSError, ValueError):
            continue
        if _alive(pid):
            continue
        with contextlib.suppress(Exception):
            LocalCluster(folder).stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


class Server:
    """The session's cluster and its migrated template."""

    def __init__(self) -> None:
        from inspector_app.store.pg.cluster import ClusterError, LocalCluster, find_bin_dir

        self.error: str | None = None
        self.cluster = None
        self.folder = None
        if find_bin_dir() is None:
            self.error = "no PostgreSQL server programs (initdb, pg_ctl) on this machine; install the 'postgresql' package"
            return
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:  # pragma: no cover - it is a dependency
            self.error = f"psycopg is not installed ({exc})"
            return
        reap_orphans()
        self.folder = tempfile.mkdtemp(prefix=PREFIX)
        with open(os.path.join(self.folder, "owner"), "w") as fh:
            fh.write(str(os.getpid()))
        try:
            self.cluster = LocalCluster(self.folder)
            self.cluster.init()
            self.cluster.start(fast=True)
            url = self.cluster.create_database(TEMPLATE)
            from inspector_app.store import open_database

            open_database(url).close()  # migrated once; every test database copies it
        except (ClusterError, OSError) as exc:
            self.error = f"the throwaway server could not be started ({exc})"
            self.stop()

    def new_database(self) -> str:
        name = f"t{os.getpid()}_{next(_counter)}"
        assert self.cluster is not None
        return self.cluster.create_database(name, template=TEMPLATE)

    def drop(self, url: str) -> None:
        if self.cluster is None:
            return
        name = url.split("/")[3].split("?")[0]
        with contextlib.suppress(Exception):
            self.cluster.drop_database(name)

    def stop(self) -> None:
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.stop("immediate")
            self.cluster = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


_server: Server | None = None


def server() -> Server:
    """The session's server, started on first use."""
    global _server
    if _server is None:
        _server = Server()
        atexit.register(shutdown)  # also when only module fixtures used it
        _stop_on_sigterm()
    return _server


def _stop_on_sigterm() -> None:
    """A run ended by SIGTERM (a `timeout` around pytest) stops its cluster too: neither
    fixture teardown nor atexit runs then."""
    import signal

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return
    try:

        def handler(signum, frame):
            shutdown()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)

        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        pass


def shutdown() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def new_postgres_url() -> str:
    """A fresh, migrated database for one test (skips or fails when there is no server)."""
    srv = server()
    if srv.error:
        _unavailable(srv.error)
    return srv.new_database()
