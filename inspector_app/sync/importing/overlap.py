"""A large import's checks in a second process, while this one writes.

For a large bundle file on a database file with two processors (:func:`likely`) the *open*
stage starts a worker process (:func:`launch`) and, when the records turn out to be large
(:data:`PARALLEL_FROM` bytes), hands it each records entry as soon as the entry is read and
verified (:class:`RecordStream`: the worker parses one table while this process reads the
next), the rest after the open stage (:func:`send_rest`). The worker runs
stage 4 in full, exactly as the import otherwise does here (``validate.parse_records`` and
``validate.check_records``, against its own read-only connection to the same database
file); this process only builds the records (``parse_records(unchecked=True)``), then runs
the stages after *validate* and the merge.
Before the merge's transaction ends, :func:`verdict` waits for the worker: a clean bundle
gets the warnings the checks noted and the import commits; anything else (a problem, a
worker that failed, records that differ from what was built here) raises :class:`Recheck`,
the transaction rolls back, and the pipeline runs the import again the ordinary way, in
this process, so that a refused bundle is refused exactly as before (same stage, entries
and reasons). The worker is ended whatever happens (:func:`stop`).

What the checks change in the records is applied here from the worker's answer: its
warnings; a visit the checks leave out (stored here at the upgrade) sends the import the
ordinary way. The attachments' entries are made here (``images._check_attachments``).
"""

from __future__ import annotations

import gc
import os
import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..format import BundleContent, ProblemList

if TYPE_CHECKING:
    import datetime as dt
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from ..reader import OpenedBundle
    from .job import ImportJob

# Bytes of records from which the worker is used: below, a process start costs more than
# it saves.
PARALLEL_FROM = 16 * 1024 * 1024
# The share of the inspections whose verdicts this process judges again itself (the last
# ones), while the worker checks everything else, so that the two end at about the same
# time. Measured on 10,000 inspections, once the records stream to the worker and the
# checkpoint left the commit: 0 made this process wait 0.3-0.6 s for the answer (import
# 5.9-6.5 s), 0.15 and 0.3 both 5.8-5.9 s with no wait to speak of.
JUDGED_HERE = 0.2
WAIT_STEP = 0.5  # seconds between the progress calls while waiting for the worker


class Recheck(Exception):
    """The worker did not find the bundle clean (or could not tell): roll back and run the
    import's checks here."""


@dataclass
class Checker:
    """The worker process checking a bundle, and the line to it."""

    process: BaseProcess
    conn: Connection
    sender: threading.Thread | None = None  # sending the records (None: not sent)
    pending: queue.SimpleQueue[bytes | None] | None = None  # the records for the sender
    complete: bool = False  # all sent: the worker answers (send_rest)
    answer: dict[str, Any] | None = None
    audit_detail: dict[str, Any] = field(default_factory=dict)


def _possible(job: ImportJob) -> bool:
    store = job.store
    if not job.overlap or store.engine != "sqlite" or (os.cpu_count() or 1) < 2:
        return False
    path = getattr(store, "path", None)
    return path is not None and str(path) != ":memory:" and os.path.isfile(path)


def likely(job: ImportJob) -> bool:
    """Whether the bundle file is large enough that its records may be (the *open* stage
    then starts the worker, which loads the checks while the bundle is read)."""
    try:
        return _possible(job) and os.path.getsize(job.path) >= PARALLEL_FROM
    except OSError:
        return False


def _snapshot() -> tuple[list[Any], str, list[Any]]:
    """The rule data versions installed in this process, the active one, and the published
    forms: the worker judges verdicts and checklists under the same."""
    from ...domain import forms
    from ...domain.rules import registry, ruledata

    installed = [d for v in ruledata.versions() if (d := ruledata.get(v)) is not None]
    published = [f for fam in registry.families() for f in forms.published(fam.name)]
    return installed, ruledata.active().version, published


def launch() -> Checker:
    """A worker process, started; it waits for the records (:func:`send`)."""
    import multiprocessing

    # spawn, not fork: this may run in a thread of the window's process
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    process = ctx.Process(target=serve, args=(there,), daemon=True, name="import-checks")
    process.start()
    there.close()
    return Checker(process, here)


class RecordStream:
    """What the *open* stage calls with each records entry as soon as it is read and
    verified (``reader.read_bundle``'s *on_record*). At the first entry it decides, from
    the manifest's signed sizes, whether the records are large enough for the worker
    (else the worker is ended); then it hands every entry to a thread that sends it, so
    that the worker parses one table while this process reads the next."""

    def __init__(self, job: ImportJob, checker: Checker) -> None:
        self.job, self.checker = job, checker
        self.started = False

    def __call__(self, opened: OpenedBundle, table: str, data: bytes) -> None:
        checker = self.checker
        if not self.started:
            self.started = True
            if not _start(self.job, checker, opened):
                return
        if checker.pending is not None:
            checker.pending.put(data)


def _start(job: ImportJob, checker: Checker, opened: OpenedBundle) -> bool:
    """Send the worker what it needs before the records, and start the thread that sends
    them as they come; False (and the worker ended) when the records are small."""
    from ..reader import record_order

    order = record_order(opened.manifest)
    if sum(size for _table, size in order) < PARALLEL_FROM:
        stop(checker)
        job.checker = None
        return False
    payload = {
        "db": str(job.store.path),
        "path": str(opened.path),
        "manifest_bytes": opened.manifest_bytes,
        "manifest": opened.manifest,
        "signer": opened.signer,
        "tables": [table for table, _size in order],
        "max_line": job.limits.max_line_bytes,
        "installed": _snapshot(),
        "judged_upto": _judged_upto(opened),
    }
    checker.pending = queue.SimpleQueue()
    checker.sender = threading.Thread(
        target=_send,
        args=(checker.conn, [payload], None, checker.pending, len(order)),
        daemon=True,
    )
    checker.sender.start()
    return True


def send_rest(job: ImportJob, checker: Checker, now: dt.datetime) -> None:
    """Send the worker what the checks across records need besides them (the attachments'
    sizes and first bytes, the clock), after the *open* stage: from now on it answers."""
    from ..reader import ZipAttachment

    attachments = {
        sha: (_Head(a.size, a.head) if isinstance(a, ZipAttachment) else a)
        for sha, a in job.bundle.attachments.items()
    }
    first = checker.sender
    checker.sender = threading.Thread(
        target=_send, args=(checker.conn, [{"attachments": attachments, "now": now}], first)
    )
    checker.sender.daemon = True
    checker.sender.start()
    checker.complete = True


def _send(
    conn: Connection,
    payload: list[dict[str, Any]],
    after: threading.Thread | None = None,
    records: queue.SimpleQueue[bytes | None] | None = None,
    count: int = 0,
) -> None:
    """Send *payload*, then the *count* records entries put on *records* as bytes (not
    pickled: no copy of the entries' hundreds of megabytes is made on either side); a None
    on it means the import stopped (:func:`stop`)."""
    if after is not None:
        after.join()
    try:
        conn.send(payload[0])
        payload.clear()  # (not kept by the thread)
        for _ in range(count):
            assert records is not None
            data = records.get()
            if data is None:
                return
            conn.send_bytes(data)
            del data
    except (OSError, ValueError):  # the worker was stopped before it took the records
        pass
    payload.clear()


def verdict(
    job: ImportJob, checker: Checker, shape: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Wait for the worker's answer (calling the progress callback now and then); raise
    :class:`Recheck` unless the bundle is clean and the records it checked are the ones
    built here (*shape*: :func:`shape_of` them, taken before they were let go of).
    Applies the checks' warnings to ``job.content``."""
    if not checker.complete:
        raise Recheck("the records were not sent")
    if checker.answer is None:
        while not checker.conn.poll(WAIT_STEP):
            if not checker.process.is_alive() and not checker.conn.poll(0):
                break
            if job.progress is not None:
                job.progress("merge", 0, 1)  # still working (no cancel inside the write)
        try:
            checker.answer = checker.conn.recv()
        except (EOFError, OSError):
            checker.answer = {"status": "failed"}
    answer = checker.answer
    if answer.get("status") != "clean":
        raise Recheck(answer.get("status", ""))
    content = job.records
    if answer["shape"] != (shape if shape is not None else shape_of(content)):
        raise Recheck("the records differ")
    job.bundle.records.clear()  # (kept for the checks here, had the worker not found it clean)
    content.warnings = list(answer["warnings"])
    content.warning_count = answer["warning_count"]
    if content.warning_count:
        checker.audit_detail["warnings"] = content.warning_count
    return answer


def stop(checker: Checker | None) -> None:
    """End the worker (at once when it is still checking) and close the line to it."""
    if checker is None:
        return
    if checker.pending is not None:
        checker.pending.put(None)  # (a sender still waiting for records ends)
    if checker.process.is_alive():
        checker.process.terminate()
    checker.process.join(5)
    if checker.process.is_alive():  # pragma: no cover - terminate is not refused
        checker.process.kill()
        checker.process.join()
    checker.conn.close()
    if checker.sender is not None:
        checker.sender.join(5)


def shape_of(content: BundleContent) -> dict[str, Any]:
    """What must be equal between the records built here and those the worker checked."""
    return {
        "counts": content.counts(),
        "inspections": [x.id for x in content.inspections],
        "visits": [v["id"] for v in content.visits],
    }


@dataclass(eq=False)
class _Head:
    """A large attachment as the worker's checks see it: its signed size and first bytes
    (``reader.ZipAttachment`` without the archive)."""

    size: int
    head: bytes

    def __len__(self) -> int:
        return self.size


# -- in the worker process -------------------------------------------------------------------
def serve(conn: Connection) -> None:
    """The worker: receive the records, check them, answer."""
    gc.disable()  # (as the import does: hundreds of thousands of records, no cycles)
    _preload()
    try:
        answer = check(conn)
    except Exception as exc:  # noqa: BLE001 - any failure: the import checks here instead
        answer = {"status": "failed", "error": repr(exc)[:500]}
    try:
        conn.send(answer)
    except (OSError, ValueError):
        pass
    conn.close()


def _preload() -> None:
    """Load what the checks use while the bundle is still being read."""
    import importlib

    for name in ("...sync.validate", "...domain.rules", "...store.integrity", "...store.sync"):
        importlib.import_module(name, __package__)
    from ...domain.rules import registry

    registry.families()


def check(line: Connection) -> dict[str, Any]:
    """Stage 4 over what :class:`RecordStream` and :func:`send_rest` send, as the *parse*
    and *validate* stages run it; the answer says whether the bundle is clean, and what the
    merge needs to know."""
    import sqlite3
    from pathlib import Path

    from ...domain import forms
    from ...domain.rules import ruledata
    from ...store.integrity import known_certificates
    from ...store.store import Store
    from ...store.sync import sync_repo
    from ..format import BundleRejected
    from ..reader import OpenedBundle
    from ..validate import _forget, check_records, parse_records

    payload = line.recv()
    records = _Arriving(line, payload["tables"])
    installed, active, published = payload["installed"]
    builtin = (ruledata.LEGACY, ruledata.BUILTIN)
    for data in installed:
        if data.version not in builtin:
            ruledata.install(data, activate=data.version == active)
    forms.install_published(published)
    db = Path(payload["db"])
    conn = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        store = Store(conn, db)  # (reads only)
        opened = OpenedBundle(
            Path(payload["path"]),
            payload["manifest_bytes"],
            payload["manifest"],
            payload["signer"],
            records=records,
        )
        max_line, judged_upto = payload["max_line"], payload["judged_upto"]
        del payload  # (the records' bytes are let go of as they are parsed)
        try:
            parsed = parse_records(opened, max_line, release=True)
            records.receive_all()  # (a table the parse does not read)
            records.clear()
            rest = line.recv()
            opened.attachments = rest["attachments"]
            content = check_records(
                parsed,
                opened,
                sync_repo(store),
                known_certificates(store),
                rest["now"],
                judged_upto=judged_upto,
            )
        except BundleRejected:
            return {"status": "refused"}
        finally:
            _forget()
    finally:
        conn.close()
    if parsed.strict_lines:  # the records built there decoded every line as canonical JSON
        return {"status": "not canonical"}
    if judged_upto > len(content.inspections):
        return {"status": "the records differ"}
    return {
        "status": "clean",
        "shape": shape_of(content),
        "warnings": content.warnings,
        "warning_count": content.warning_count,
    }


class _Arriving(dict[str, bytes]):
    """The records entries in the worker, received as the parse asks for them: ``pop``
    waits for its table's bytes (the main process sends them in *tables*' order, each as
    soon as it is read), keeping those that come before it."""

    def __init__(self, line: Connection, tables: list[str]) -> None:
        super().__init__()
        self.line = line
        self.due = list(tables)

    def pop(self, table: str, default: Any = None) -> Any:
        while table not in self and table in self.due:
            self[self.due.pop(0)] = self.line.recv_bytes()
        return super().pop(table, default)

    def receive_all(self) -> None:
        while self.due:
            self[self.due.pop(0)] = self.line.recv_bytes()


def _judged_upto(opened: OpenedBundle) -> int:
    """The index of the first inspection this process judges again (:data:`JUDGED_HERE`),
    from the manifest's list (the worker and this process count the same)."""
    n = opened.manifest.count("inspections")
    return n - int(n * JUDGED_HERE)


def check_here(job: ImportJob) -> None:
    """What this process checks while the worker checks the rest: the verdicts of the last
    inspections judged again (``rules.judged_alike``; any problem: :class:`Recheck`); and
    the attachments' entries of the records (what the *validate* stage's attachment check
    makes; a problem it finds is the worker's to report)."""
    from ...store.sync import sync_repo
    from ..validate.images import _check_attachments
    from ..validate.rules import judged_alike

    content = job.records
    start = _judged_upto(job.bundle)
    if start > len(content.inspections):
        raise Recheck("the records differ")
    try:
        alike = judged_alike(content, sync_repo(job.store), start)
    except Exception as exc:  # a record too far off to judge: the checks here name it
        raise Recheck("a verdict could not be judged") from exc
    if not alike:
        raise Recheck("a verdict is not what the readings give")
    _check_attachments(job.bundle, content, ProblemList(4))
