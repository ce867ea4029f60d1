"""A realistic, reproducible demo data set.

Premises in Anhui cities (market stalls, filling stations, optical shops) with valid
unified social credit codes, instruments with plausible nameplates, and a year of
inspections whose readings scatter realistically around zero, with some failures and
some cheating findings. The same seed always gives the same data, IDs included.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import struct
import zlib
from collections.abc import Callable
from decimal import Decimal

from ..domain.canonical import content_hash
from ..domain.models import AttachmentRef, Finding, Inspection, Instrument
from ..domain.numbers import fmt
from ..store.attachments import sniff_mime
from ..store.bulk import Prepared, load_records, prepare
from ..store.bulk_cache import larger_cache, one_checkpoint
from . import demo_goods, demo_visits
from .demo_data import CHEATING, CITIES, NONCONFORMITY
from .demo_world import Demo


def tiny_png(rng: random.Random, size: int = 8) -> bytes:
    """A small, valid, unique-enough RGB PNG (a stand-in for a photo in bulk tests)."""
    raw = b"".join(b"\x00" + rng.randbytes(size * 3) for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


CHUNK = 5000  # inspections per transaction (and per worker task)
# the first chunks are smaller: writing starts as soon as the first few hundred are made
# instead of after a whole chunk (the workers' first 5,000 took some 2.4 s of waiting)
RAMP = (500, 1000, 2000)
PARALLEL_FROM = 8000  # below this, worker processes cost more than they save
ANHUI = dt.timezone(dt.timedelta(hours=8), "CST")
START = dt.datetime(2025, 11, 20, 8, 30, tzinfo=ANHUI)  # times carry their offset (+08:00)


def chunk_sizes(total: int) -> list[tuple[int, int]]:
    """(first, count) of each chunk of *total* inspections: :data:`RAMP`, then
    :data:`CHUNK` each (none larger than CHUNK). A function of the total alone, so that the
    same seed gives the same data whatever the number of workers."""
    out: list[tuple[int, int]] = []
    first = 0
    while first < total:
        i = len(out)
        size = min(RAMP[i] if i < len(RAMP) else CHUNK, CHUNK, total - first)
        out.append((first, size))
        first += size
    return out


def _chunk(
    seed: int,
    index: int,
    first: int,
    count: int,
    total: int,
    instruments: list[Instrument],
    addresses: dict[str, str],
    inspectors: list[str],
    photos: int,
    *,
    seal: bool = True,
) -> tuple[list[Inspection], list[bytes]]:
    """Inspections *first* .. *first + count* of the data set, evaluated and sealed (without
    *seal*, left for the caller to seal: :func:`_chunk_task` seals them as it makes their rows).

    Each chunk has its own generator seeded from (seed, index), so the data set is the same
    whether chunks are made in this process or in worker processes, in any order.
    """
    from ..domain.rules import default_ruleset, evaluate
    from .inspections import instrument_payload

    demo = Demo(f"{seed}/{index}")
    r = demo.rng
    records, blobs = [], []
    for k in range(first, first + count):
        ins = r.choice(instruments)
        family = ins.family
        check = (
            "in_service"
            if family == "scale"
            else r.choice(("subsequent", "subsequent", "in_service"))
        )
        if family == "fuel_dispenser" and r.random() < 0.1:
            check = "covert"
        bad = r.random() < 0.06
        cheat = family in ("scale", "fuel_dispenser") and r.random() < 0.012
        if family == "scale":
            tests = demo.scale_tests(ins, bad)
        elif family == "fuel_dispenser":
            tests = demo.fuel_tests(bad)
        else:
            tests = demo.optical_tests(family, bad)
        result = evaluate(
            {
                "family": family,
                "ruleset": default_ruleset(family),
                "check": check,
                "instrument": instrument_payload(ins),
                "tests": tests,
            }
        )
        # Visits spread over a year of working days, during office hours (08:30-17:00); the
        # ids are version 7 UUIDs of the day (findings) and of the start (the inspection and
        # its record), as the program makes them (``domain.models.new_id``)
        day = START + dt.timedelta(days=(k * 360) // max(total, 1))
        if day.weekday() == 6:
            day += dt.timedelta(days=1)
        day_ms = int(day.timestamp()) * 1000
        findings = []
        if result["verdict"] == "fail":
            code, text, basis = NONCONFORMITY
            findings.append(
                Finding(
                    demo.uuid_at(day_ms),
                    code,
                    f"{text}：{', '.join(result['failed'][:3])}",
                    basis,
                    "major",
                    "停止使用，限期整改",
                )
            )
        found = None
        if cheat:
            found = r.choice([c for c in CHEATING if c[3] == family])
            code, text, basis = found[:3]
            findings.append(
                Finding(
                    demo.uuid_at(day_ms), code, text, basis, "critical", "立案调查", cheating=True
                )
            )
        when = day + dt.timedelta(minutes=r.randint(0, 510))
        at = int(when.timestamp()) * 1000
        insp = Inspection(
            id=demo.uuid_at(at),
            record_id=demo.uuid_at(at),
            instrument_id=ins.id,
            premises_id=ins.premises_id,
            family=family,
            check=check,
            ruleset=result["ruleset"],
            inspector=r.choice(inspectors),
            started_at=when.isoformat(timespec="minutes"),
            place=addresses[ins.premises_id],
            environment={
                "temperature": fmt(Decimal(r.randint(50, 320)) / 10),
                "humidity": str(r.randint(35, 85)),
            },
            checklist=demo.checklist(family, found),
            tests=tests,
            result=result,
            verdict="fail" if (result["verdict"] == "fail" or cheat) else "pass",
            findings=findings,
            status="finalized",
            finalized_at=(when + dt.timedelta(minutes=25)).isoformat(timespec="minutes"),
        )
        for n in range(photos):
            data = tiny_png(r)
            blobs.append(data)
            insp.attachments.append(
                AttachmentRef(
                    hashlib.sha256(data).hexdigest(),
                    "photo",
                    f"照片 {n + 1}",
                    sniff_mime(data) or "image/png",
                )
            )
        if seal:
            insp.content_hash = content_hash(insp)
        records.append(insp)
    return records, blobs


def generate(
    store,
    premises: int = 200,
    inspections: int = 2000,
    seed: int = 1,
    progress: Callable[[int, int], bool] | None = None,
    actor: str = "demo",
    photos: int = 0,
    workers: int | None = None,
) -> dict:
    """Fill *store* with demo data; ``progress(done, total)`` may return False to cancel.

    With *photos*, each inspection gets that many small PNG attachments (for bulk tests).
    Large sets are evaluated in worker processes (*workers*, default: the CPU count) while
    this process writes; the data is the same either way.
    """
    with larger_cache(store.conn, store.engine):
        return _generate(store, premises, inspections, seed, progress, actor, photos, workers)


def _generate(
    store,
    premises: int,
    inspections: int,
    seed: int,
    progress: Callable[[int, int], bool] | None,
    actor: str,
    photos: int,
    workers: int | None,
) -> dict:
    demo = Demo(seed)
    # prepackaged batches and retail rechecks: their own generator, a share of the total
    # inspections; producers and supermarkets a share of the premises
    total, goods = inspections, Demo(f"{seed}/goods")
    n_batches, n_rechecks, n_goods = demo_goods.counts(total, premises)
    prem, instruments = demo.premises(max(1, premises - n_goods))
    stalls = [p for p in prem if p.kind == "market_stall"]
    g_prem, products, scales = demo_goods.goods_premises(goods, stalls, CITIES, n_goods)
    n_rechecks = n_rechecks if scales else 0
    inspections = total - n_batches - n_rechecks
    prem += g_prem
    addresses = {p.id: p.address for p in prem}
    inspectors = [demo.person() for _ in range(6)]
    tasks = [
        (
            seed,
            i,
            first,
            size,
            inspections,
            instruments,
            addresses,
            inspectors,
            photos,
        )
        for i, (first, size) in enumerate(chunk_sizes(inspections))
    ]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if inspections >= PARALLEL_FROM else 1
    pool = None
    if workers > 1 and len(tasks) > 1:
        import concurrent.futures
        import multiprocessing

        # spawn, not fork: this may run in a thread of the window's process.
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn")
        )
        chunks = pool.map(_chunk_task, tasks)
    else:
        chunks = (_chunk_task(t) for t in tasks)
    # the prepackaged batches and rechecks (their own generator, handed over with its state):
    # in a worker after the last chunk, so that no worker idles while they are made here;
    # written after the chunks, as before
    goods_task = (goods, products, scales, n_batches, n_rechecks, addresses, inspectors, photos)
    has_goods = bool(n_batches or n_rechecks)
    goods_future = pool.submit(_goods_task, goods_task) if pool is not None and has_goods else None
    goods_made = None
    done = 0
    # no automatic checkpoint while the inspections are written, one at the end: not during
    # the visits, whose one large transaction reads back the pages it spills from the log
    # (at 100k, 3 s more CPU for the sweep rows when that log held the whole year before)
    with one_checkpoint(store.conn, store.engine):
        try:
            # (the workers start on the first chunks while the premises are written)
            counts = load_records(
                store, prem, instruments + products + scales, [], actor=actor, action="demo.load"
            )
            for records, blobs in chunks:
                if blobs:
                    with store.write(actor, "demo.photos", detail={"photos": len(blobs)}):
                        for data in blobs:
                            store.attachments.add(data, actor)
                c = load_records(store, [], [], records, actor=actor, action="demo.load")
                counts["inspections"] += c["inspections"]
                done += c["inspections"]
                if progress is not None and progress(done, total) is False:
                    return counts
            if goods_future is not None:
                goods_made = goods_future.result()
            elif has_goods:
                goods_made = _goods_task(goods_task)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if goods_made is not None:
            goods_rows, goods_blobs = goods_made
            if goods_blobs:
                with store.write(actor, "demo.photos", detail={"photos": len(goods_blobs)}):
                    for data in goods_blobs:
                        store.attachments.add(data, actor)
            c = load_records(store, [], [], goods_rows, actor=actor, action="demo.load")
            counts["inspections"] += c["inspections"]
            if progress is not None:
                progress(counts["inspections"], total)
    # visits (with market sweeps, duties, covert purchases) and campaigns: their own generator
    counts.update(
        demo_visits.make_visits(
            store,
            Demo(f"{seed}/visits"),
            prem,
            instruments + products + scales,
            inspectors,
            actor,
            workers=workers,
        )
    )
    from .province import fill_counties

    fill_counties(store, actor)  # the county of each premises, read from its address
    return counts


def _chunk_task(task: tuple) -> tuple[Prepared, list[bytes]]:
    """One chunk as table rows: the JSON and row building happen in the worker too."""
    records, blobs = _chunk(*task, seal=False)
    return prepare(records, seal=True), blobs


def _goods_task(task: tuple) -> tuple[Prepared, list[bytes]]:
    """The prepackaged batches' and rechecks' inspections as table rows, and their photos."""
    goods, products, scales, n_batches, n_rechecks, addresses, inspectors, photos = task
    records, blobs = demo_goods.goods_inspections(
        goods,
        products,
        scales,
        n_batches,
        n_rechecks,
        addresses,
        inspectors,
        START,
        photos,
        lambda: tiny_png(goods.rng),
    )
    return prepare(records), blobs
