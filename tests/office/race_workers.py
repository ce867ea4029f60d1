"""Worker processes of the race tests (imported by name in a spawned interpreter)."""

from __future__ import annotations

import contextlib
import io
import os


def cli_decider(name: str, db: str, ids: list[str], decision: str, barrier, results, env) -> None:
    """Run the real command line once per inspection, each start held at *barrier* so the
    two workers begin the same decision at the same moment."""
    os.environ.update(env)
    from inspector_app.cli.main import main

    for inspection_id in ids:
        barrier.wait(timeout=60)
        out, err = io.StringIO(), io.StringIO()
        argv = ["--db", db, "review", decision, inspection_id]
        if decision == "return":
            argv += ["--comment", f"退回 by {name}"]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse
                code = exc.code
        results.put((name, inspection_id, code, err.getvalue().strip()))
