"""A large import's checks in a second process, while this one writes.

For a large bundle file on a database file with two processors (:func:`likely`) the *open*
stage starts a worker process (:func:`launch`) and, when the records turn out to be large
(:data:`PARALLEL_FROM` bytes), hands it each records entry as soon as the entry is read and
verified (:class:`RecordStream`: the worker parses one table while this process reads the
next), the rest after the open stage (:func:`send_rest`). The worker runs
stage 4 in full, exactly as the import otherwise does here (``validate.parse_records`` and
``validate.check_records``, against its own read-only connection to the same database
file); this process only builds the records (``parse_records(unchecked=True)``), then runs
the stages after *validate* and the merge. The verdicts judged again are shared out as the
two work (:class:`Split`): the worker judges from the first inspection on, this process
from the last down once the merge is written, until they meet.
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
import sys
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
# The share of the inspections whose verdicts this process takes to judge again before the
# worker starts (the last ones). Which side judges which verdict is otherwise settled while
# they work (:class:`Split`): the worker from the first on, this process from the last down
# once its merge is written, until they meet; so neither waits for the other while a
# verdict is left to judge, on any machine. (A fixed share measured 0.3-0.7 s of waiting on
# one side or the other from run to run on the same 2-core machine.) Tests set a share to
# make this process judge the last verdicts.
JUDGED_HERE = 0.0
# Whether this process takes more verdicts from the worker's share once its merge is written
# (tests turn it off to have the worker judge every verdict it was given).
TAKE_MORE = True
WAIT_STEP = 0.5  # seconds between the progress calls while waiting for the worker
# Once this process has judged its share, the worker mostly answers within milliseconds;
# letting go of the written records (0.15-0.25 s for 10,000 inspections) is done while
# waiting only when the answer has not come within this many seconds, else after the
# commit, beside the checkpoint.
LET_GO_AFTER = 0.05


class Recheck(Exception):
    """The worker did not find the bundle clean (or could not tell): roll back and run the
    import's checks here."""


@dataclass
class Checker:
    """The worker process checking a bundle, and the line to it."""

    process: BaseProcess
    conn: Connection
    split: Split
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
    shared = ctx.RawArray("q", [Split.UNKNOWN, 0])  # (shared memory: no lock, see Split)
    process = ctx.Process(target=serve, args=(there, shared), daemon=True, name="import-checks")
    process.start()
    there.close()
    return Checker(process, here, Split(shared))


class Split:
    """Which process judges which inspection's verdict again, settled as they go through two
    numbers both see (``shared``, in shared memory): ``[0]``, the first index this process
    has taken (only this process writes it); ``[1]``, one past the last index the worker has
    taken (only the worker writes it). The worker takes the inspections from the first on
    (:meth:`worker_takes`), this process from the last down (:meth:`take_here`), each one
    at a time, until they meet.

    No index is left unjudged, whatever the order in which the two see each other's
    writes: the worker stops at the first index it finds at or above ``[0]``, which only
    goes down, and this process judges every index it has lowered ``[0]`` past. Reading a
    stale ``[1]`` only makes both judge the same inspection, which is harmless; so no lock
    is taken."""

    UNKNOWN = 1 << 62  # ``[0]`` before the number of inspections is known

    def __init__(self, shared: Any) -> None:
        self.shared = shared
        self.stopped: int | None = None  # (in the worker) the first index it left
        self.here_from = 0  # (here) the lowest index judged here; all above it are too

    def start(self, n: int, share: float) -> None:
        """(Here, before the worker judges) *n* inspections; this process takes the last
        *share* of them at once."""
        self.here_from = n
        self.shared[0] = n - int(n * share)

    def worker_takes(self, i: int) -> bool:
        """(In the worker, for each index in order) whether the worker judges the *i*-th
        verdict; once it answers no, it answers no for every later one."""
        if self.stopped is not None:
            return False
        shared = self.shared
        shared[1] = i + 1
        if i < shared[0]:
            return True
        self.stopped = i
        return False

    def judged_by_worker(self, n: int) -> int:
        """(In the worker, after its checks) the index up to which it judged."""
        return n if self.stopped is None else self.stopped

    def next_here(self, take: bool = True) -> int | None:
        """(Here) the next index this process judges: one it has taken and not judged
        yet, else (with *take*) one more it takes from the worker's share while the worker
        has not reached it; None when they have met."""
        shared = self.shared
        if self.here_from > shared[0]:
            return self.here_from - 1
        if not take:
            return None
        k: int = shared[0] - 1
        if k < shared[1]:
            return None
        shared[0] = k
        return k

    def judged_here(self, k: int) -> None:
        self.here_from = k


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
    }
    checker.split.start(opened.manifest.count("inspections"), JUDGED_HERE)
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
    """Judge the verdicts this process takes (:class:`Split`), then wait for the worker's
    answer (calling the progress callback now and then); raise :class:`Recheck` unless the
    bundle is clean, every verdict was judged on one side or the other, and the records the
    worker checked are the ones built here (*shape*: :func:`shape_of` them, else taken
    here). Applies the checks' warnings to ``job.content``."""
    if not checker.complete:
        raise Recheck("the records were not sent")
    if job.content is None:
        raise Recheck("the records were not built")
    content = job.content
    if shape is None:
        shape = shape_of(content)
    if checker.answer is None:
        _judge_here(job, checker)
        if _waiting(checker):  # (nothing else to do meanwhile)
            let_go_of_written(content)
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
    _judge_here(job, checker)  # (what this process took and has not judged yet, if any)
    if answer["judged_to"] < checker.split.shared[0]:  # pragma: no cover - see Split
        raise Recheck("a verdict was judged on neither side")
    if answer["shape"] != shape:
        raise Recheck("the records differ")
    job.bundle.records.clear()  # (kept for the checks here, had the worker not found it clean)
    content.warnings = list(answer["warnings"])
    content.warning_count = answer["warning_count"]
    if content.warning_count:
        checker.audit_detail["warnings"] = content.warning_count
    return answer


def _judge_here(job: ImportJob, checker: Checker) -> None:
    """Judge again the verdicts this process has taken, and take more from the last down
    while the worker has not answered nor reached them (:class:`Split`); any that is not
    what the readings give: :class:`Recheck`."""
    from ...store.sync import sync_repo
    from ..validate.rules import Judge

    split, content = checker.split, job.records
    judge: Judge | None = None
    n = len(content.inspections)
    while True:
        if checker.answer is None and checker.conn.poll(0):
            return  # the worker answered: what was taken here is judged once it is read
        k = split.next_here(TAKE_MORE)
        if k is None:
            return
        if k >= n:
            raise Recheck("the records differ")
        if judge is None:
            judge = Judge(content, sync_repo(job.store))
        try:
            alike = judge.alike(k)
        except Exception as exc:  # a record too far off to judge: the checks here name it
            raise Recheck("a verdict could not be judged") from exc
        if not alike:
            raise Recheck("a verdict is not what the readings give")
        split.judged_here(k)
        if job.progress is not None and k % 512 == 0:
            job.progress("merge", 0, 1)


def _waiting(checker: Checker) -> bool:
    """Whether the worker's answer is not there within :data:`LET_GO_AFTER` seconds (then
    this process has time to let go of the written records while it waits)."""
    return not checker.conn.poll(LET_GO_AFTER)


def let_go_of_written(content: BundleContent) -> None:
    """Let go of the records the merge has written and nothing after it reads (the visits'
    sweep rows, the inspections and their texts, the audit entries) while the worker is
    still checking, rather than when the import ends (some 300,000 objects in a year's
    bundle, 0.15-0.25 s to free). (When the answer is there already, they are let go of
    after the commit instead, while the checkpoint runs in its thread.) Should the answer
    not be clean, the import builds its records again from the entries' bytes (the
    photos, read by the *open* stage, are kept: the checks made again here look at them)."""
    for visit in content.visits:
        if isinstance(visit, dict) and "rows" in visit:
            visit["rows"] = []
    content.inspections.clear()
    content.inspection_json.clear()
    content.inspection_lines.clear()
    content.audit.clear()


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
def serve(conn: Connection, shared: Any) -> None:
    """The worker: receive the records, check them (judging the verdicts :class:`Split`
    gives it through *shared*), answer."""
    gc.disable()  # (as the import does: hundreds of thousands of records, no cycles)
    _preload()
    held: list[Any] = []  # the checked records: let go of with the process, after the answer
    try:
        answer = check(conn, Split(shared), held)
    except Exception as exc:  # noqa: BLE001 - any failure: the import checks here instead
        answer = {"status": "failed", "error": repr(exc)[:500]}
    try:
        conn.send(answer)
    except (OSError, ValueError):
        pass
    conn.close()
    # Freeing a year's records object by object (0.1-0.2 s) is of no use to anyone: the
    # process ends here, and the system takes its memory back at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _preload() -> None:
    """Load what the checks use while the bundle is still being read."""
    import importlib

    for name in ("...sync.validate", "...domain.rules", "...store.integrity", "...store.sync"):
        importlib.import_module(name, __package__)
    from ...domain.rules import registry

    registry.families()


def check(line: Connection, split: Split, held: list[Any]) -> dict[str, Any]:
    """Stage 4 over what :class:`RecordStream` and :func:`send_rest` send, as the *parse*
    and *validate* stages run it, the verdicts judged again those *split* gives the worker;
    the answer says whether the bundle is clean, and what the merge needs to know. The
    records read are put in *held* (not let go of before the answer is sent)."""
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
    from ..validate.rules import Judge

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
        max_line = payload["max_line"]
        del payload  # (the records' bytes are let go of as they are parsed)
        try:
            parsed = parse_records(opened, max_line, release=True)
            held.append(parsed)
            records.receive_all()  # (a table the parse does not read)
            records.clear()
            rest = line.recv()
            opened.attachments = rest["attachments"]
            repo = sync_repo(store)
            content = check_records(
                parsed, opened, repo, known_certificates(store), rest["now"], judges=_judges_none
            )
            # The verdicts last, so that this side and the importing one share them out to
            # the end (what the checks find matters here only as clean or not: the import
            # names any problem itself, the ordinary way).
            judge = Judge(content, repo)
            for i in range(len(content.inspections)):
                if not split.worker_takes(i):
                    break
                if not judge.alike(i):
                    return {"status": "refused"}
        except BundleRejected:
            return {"status": "refused"}
        finally:
            _forget()
    finally:
        conn.close()
    if parsed.strict_lines:  # the records built there decoded every line as canonical JSON
        return {"status": "not canonical"}
    return {
        "status": "clean",
        "judged_to": split.judged_by_worker(len(content.inspections)),
        "shape": shape_of(content),
        "warnings": content.warnings,
        "warning_count": content.warning_count,
    }


def _judges_none(i: int) -> bool:
    """(``check_records``' *judges*) no verdict judged there: the worker judges them after
    its other checks."""
    return False


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


def check_here(job: ImportJob) -> None:
    """What this process makes while the worker checks the records: the attachments'
    entries of the records (what the *validate* stage's attachment check makes; a problem
    it finds is the worker's to report). The verdicts it judges again come after the
    merge (:func:`verdict`)."""
    from ..validate.images import _check_attachments

    _check_attachments(job.bundle, job.records, ProblemList(4))
