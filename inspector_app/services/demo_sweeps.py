"""The demo's visits made into rows and sealed: the sweep rows of its market visits and the
content hash of every visit.

``demo_visits`` decides everything that takes a random number, visit by visit in one
stream (the same seed, the same visits and rows, ids included): for a sweep row its id and
whether it was read with a known weight (and which) or confirmed by "rest all OK". What
follows from those decisions, the same whoever works it out, is done here: each row's
text and checks, the quick reading judged by the rules engine, and the visit's hash over
its rows (``domain.visits.visit_hash``). A year of market sweeps is some 1.5 million rows
for 100,000 inspections, so for a large data set this runs in worker processes while the
main process writes the rows that are ready.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import random
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..domain.canonical import canonical_bytes
from ..domain.models import Instrument, Premises
from ..domain.numbers import fmt
from ..domain.rules import edition_for
from ..domain.visits import ROW_CHECKS, SweepRow, Visit, judge_quick, visit_content
from .demo_world import row_id

# a registered scale of a market: stall id, instrument id, serial (its identity code), label
Scale = tuple[str, str, str, str]
REST = "rest"  # a row confirmed by "rest all OK"
FIELDS = tuple(SweepRow.__dataclass_fields__)
if FIELDS[7:11] != ROW_CHECKS or FIELDS[-2:] != ("rest_ok", "inspection_id"):
    raise RuntimeError("demo_sweeps: the sweep row's fields changed order")
BATCH_ROWS = 20_000  # sweep rows per worker task
AHEAD = 4  # tasks given to the workers ahead of the one being written
EARLY = 8  # tasks given to the workers while the visits are still being drawn
PARALLEL_FROM = 60_000  # fewer rows: starting worker processes costs more than it saves
_SEQ = 10**30 + 7  # stands for the row's number while a row's text is cut into its parts


@dataclass
class Register:
    """A market's registered scales as its rows show them, in the register's order."""

    scales: list[Scale]
    plates: dict[str, dict[str, Any]]  # the nameplate of each (an evaluate request's instrument)
    # a row in order as the seal encodes it, around its id, seq and visit id: the text before
    # the id, and the text between id and seq when rest_ok is false and when it is true
    texts: list[tuple[str, str, str]]
    # the quick readings judged so far, by instrument, edition, load and indication (a scale
    # is read with one of a few known weights, so most come again)
    judged: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)


def _plain(scale: Scale, uid: str, visit_id: str, seq: int, rest_ok: bool) -> tuple[Any, ...]:
    """A row found in order (values in the order of the row's fields)."""
    stall_id, ins_id, serial, label = scale
    yes, no = "yes", "no"
    return (uid, visit_id, seq, ins_id, stall_id, serial, label, yes, yes, yes, yes) + (
        ("", "", "", "", "", "", no, "", rest_ok, None)
    )


def row_text(row: tuple[Any, ...]) -> str:
    """A row as the seal encodes it (canonical JSON)."""
    return canonical_bytes(dict(zip(FIELDS, row, strict=True))).decode()


def _texts(scale: Scale) -> tuple[str, str, str]:
    parts = []
    for rest_ok in (False, True):
        text = row_text(_plain(scale, "\x00", "\x01", _SEQ, rest_ok))
        before, after_id = text.split('"id":"\\u0000"')
        between, after_seq = after_id.split(f',"seq":{_SEQ}')
        if after_seq != ',"visit_id":"\\u0001"}':
            raise RuntimeError("demo_sweeps: a row's text is not cut where expected")
        parts.append((before, between))
    return parts[0][0], parts[0][1], parts[1][1]


def register(pairs: list[tuple[Premises, Instrument]], payload: Callable) -> Register:
    """A market's scales (stall and instrument, in the register's order) as rows show them."""
    scales: list[Scale] = []
    plates = {}
    for stall, ins in pairs:
        where = f"{stall.stall_no} " if stall.stall_no else ""
        label = (
            f"{where}{stall.name} · {' '.join(x for x in (ins.maker, ins.model, ins.serial) if x)}"
        )
        scales.append((stall.id, ins.id, ins.serial, label.strip()[:200]))
        plates[ins.id] = payload(ins)
    return Register(scales, plates, [_texts(s) for s in scales])


def draw(rng: random.Random, reg: Register, found: dict[str, tuple], ms: int = 0) -> list:
    """The random part of a market visit's rows, from the visit's own generator *rng*, in
    the register's order: each row's id (:func:`row_id` at *ms*, the visit's start, plus
    the row's number), and for a scale not fully inspected in the visit, now and then a
    quick reading of a known weight (load, indication), else mostly "rest all OK"
    (:data:`REST`). Made where the rows are made (in a worker process for a large set):
    the visits' one stream gives each market visit only the seed of *rng*."""
    r = rng
    out: list[tuple[str, Any]] = []
    bits, rand, add = r.getrandbits, r.random, out.append  # some 1.5 million rows for 100k
    plates = reg.plates
    for n, (_stall, ins_id, _serial, _label) in enumerate(reg.scales):
        uid = row_id(bits(128), ms + n)
        if ins_id in found:
            add((uid, None))
        elif rand() < 0.08:
            m = plates[ins_id]
            e, mx = Decimal(m["e"]), Decimal(m["max"])
            load = min(mx, e * r.choice((200, 500, 1000)))
            # a multi-interval scale reads in steps of the partial range's interval
            step = next(
                (Decimal(g["e"]) for g in m.get("ranges", []) if load <= Decimal(g["max"])), e
            )
            add((uid, (fmt(load), fmt(load + step * r.choice((-1, 0, 0, 0, 1))))))
        elif rand() < 0.6:
            add((uid, REST))
        else:
            add((uid, None))
    return out


def rows_of(
    visit: Visit, reg: Register, found: dict[str, tuple], draws: list
) -> tuple[list[tuple[Any, ...]], list[str]]:
    """A market visit's sweep rows (values in the order of the row's fields) and their texts
    for the seal: a scale fully inspected in the visit is linked to that inspection and
    looks as it did there (seals, cheating, the failing weighing point read again on the
    spot); the others are in order, read with a known weight or confirmed by "rest all OK"
    as drawn."""
    rows, texts = [], []
    vid = visit.id
    for seq, (scale, (uid, drawn)) in enumerate(zip(reg.scales, draws, strict=True)):
        hit = found.get(scale[1])
        if hit is None and (drawn is None or drawn == REST):  # most rows: in order
            rest_ok = drawn == REST
            rows.append(_plain(scale, uid, vid, seq, rest_ok))
            before, between, between_rest = reg.texts[seq]
            texts.append(
                f'{before}"id":"{uid}"{between_rest if rest_ok else between}'
                f',"seq":{seq},"visit_id":"{vid}"}}'
            )
            continue
        row = _read(visit, reg, scale, uid, seq, hit, drawn)
        rows.append(row)
        texts.append(row_text(row))
    return rows, texts


def _read(
    visit: Visit, reg: Register, scale: Scale, uid: str, seq: int, hit: tuple | None, drawn: Any
) -> tuple[Any, ...]:
    """A row linked to the inspection made of its scale (*hit*), or read with a known
    weight (*drawn*)."""
    stall_id, ins_id, serial, label = scale
    seal, cheating, note, inspection_id = "yes", "no", "", None
    if hit is not None:
        inspection_id, verdict, seals, cheat, failing = hit
        if seals == "no":
            seal = "no"
        if cheat:
            cheating = "yes"
        load, indication = failing if failing is not None else ("", "")
        if failing is None and verdict == "fail" and not cheat and seals != "no":
            note = "示值疑似超差，开展全面检查"
    else:
        load, indication = drawn
    error = mpe = quick = rule = ""
    if load:
        plate = reg.plates[ins_id]
        key = (ins_id, edition_for("scale", visit.started_at, plate), load, indication)
        if key not in reg.judged:
            row = judge_quick(
                SweepRow(uid, visit.id, seq, load=load, indication=indication),
                plate,
                "scale",
                visit.started_at,
            )
            reg.judged[key] = (row.error, row.mpe, row.quick_verdict, row.rule)
        error, mpe, quick, rule = reg.judged[key]
    return (uid, visit.id, seq, ins_id, stall_id, serial, label, "yes", seal, "yes", "yes") + (
        (load, indication, error, mpe, quick, rule, cheating, note, False, inspection_id)
    )


def seal(visit: Visit, rows: list[tuple[Any, ...]]) -> str:
    """``visit_hash(visit, rows)`` for rows given as value tuples (rest_ok a bool), without
    making each a SweepRow first."""
    return sealed(visit, [row_text(row) for row in rows])


def sealed(visit: Visit, texts: list[str]) -> str:
    """The visit's content hash from its rows' texts (:func:`row_text`, in order): the
    canonical JSON of the visit with an empty list of rows, the rows' texts put in its place."""
    data = visit_content(visit, [])
    data["rows"] = "\x02"
    before, after = canonical_bytes(data).decode().split('"rows":"\\u0002"')
    return hashlib.sha256(f'{before}"rows":[{",".join(texts)}]{after}'.encode()).hexdigest()


# a visit to make: the visit, its market's name ("" for one premises), the scales fully
# inspected in it (instrument id -> inspection id, verdict, seals, cheating, failing point)
# and its rows' draw: the seed of their generator, the visit's start in milliseconds and the
# number of rows (one per registered scale of the market; 0 for one premises)
Job = tuple[Visit, str, dict[str, tuple], tuple[int, int, int]]

_REGISTERS: dict[str, Register] = {}  # in a worker process: the markets' registers


def _start_worker(registers: dict[str, Register]) -> None:
    _REGISTERS.update(registers)


def make(jobs: list[Job], registers: dict[str, Register] | None = None) -> list[tuple]:
    """Each visit of *jobs* with its hash and rows: (visit id, content hash, rows)."""
    regs = _REGISTERS if registers is None else registers
    out = []
    for visit, market, found, (seed, ms, _count) in jobs:
        rows: list[tuple[Any, ...]] = []
        texts: list[str] = []
        if market:
            reg = regs[market]
            rows, texts = rows_of(visit, reg, found, draw(random.Random(seed), reg, found, ms))
        out.append((visit.id, sealed(visit, texts), rows))
    return out


@contextmanager
def pool_for(
    registers: dict[str, Register], workers: int, rows: int
) -> Iterator[concurrent.futures.Executor | None]:
    """Worker processes that know the markets' registers, when *workers* > 1 and *rows*
    sweep rows are worth them; else None (the rows are made here)."""
    if workers <= 1 or rows < PARALLEL_FROM:
        yield None
        return
    import multiprocessing

    # spawn, not fork: this may run in a thread of the window's process
    with concurrent.futures.ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(registers,),
    ) as pool:
        yield pool


class Maker:
    """The visits' rows and seals (see :func:`make`), made batch by batch in order.

    Jobs are added as they are drawn and cut into tasks of about :data:`BATCH_ROWS` sweep
    rows. With worker processes (a pool from :func:`pool_for`) each task goes to them as
    soon as it is cut, up to :data:`EARLY` tasks, so that they work while the rest of the
    visits are drawn here; while the rows are written, :meth:`made` keeps
    :data:`AHEAD` tasks ahead of the one being written (waiting rows do not pile up in
    memory). Without a pool the tasks are made here when read. The tasks and their order
    are the same either way."""

    def __init__(
        self, registers: dict[str, Register], pool: concurrent.futures.Executor | None
    ) -> None:
        self.registers, self.pool = registers, pool
        self.tasks: deque[list[Job]] = deque()  # cut, not yet given to a worker
        self.pending: deque[concurrent.futures.Future] = deque()
        self.task: list[Job] = []
        self.rows = 0

    def add(self, job: Job) -> None:
        if self.rows >= BATCH_ROWS:
            self._cut()
        self.task.append(job)
        self.rows += job[3][2]

    def _cut(self) -> None:
        if self.task:
            self.tasks.append(self.task)
        self.task, self.rows = [], 0
        self._hand(EARLY)

    def _hand(self, window: int) -> None:
        while self.pool is not None and self.tasks and len(self.pending) < window:
            self.pending.append(self.pool.submit(make, self.tasks.popleft()))

    def made(self) -> Iterator[list[tuple]]:
        """Each task's visits made, (visit id, content hash, rows) each, in order."""
        self._cut()
        if self.pool is None:
            while self.tasks:
                yield make(self.tasks.popleft(), self.registers)
            return
        try:
            while self.pending:
                batch = self.pending.popleft().result()
                self._hand(AHEAD)
                yield batch
        finally:
            for f in self.pending:
                f.cancel()
