"""Exporting many reports at once: one PDF per inspection written into a folder by worker
processes (each opens its own store), signed when a passphrase is given.

``progress(done, total) -> bool``; returning False cancels: no new report is started and the
ones already written stay.
"""

from __future__ import annotations

import multiprocessing.context
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import InputError
from .certificates import certificate_blockers
from .files import write_atomic
from .reports import Progress, _make, load_signer


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (inspection id, message)
    cancelled: bool = False


def document_number(store, inspection_id: str) -> str:
    """The report number as the document prints it (its prefix names the document kind:
    a passed verification that may not give a certificate is an inspection record)."""
    from ..reports.inspection_report import document_kind, report_number

    insp = store.inspections.require(inspection_id)
    allowed = not certificate_blockers(store, insp)
    return report_number(insp, document_kind(insp, certificate_allowed=allowed))


def report_filename(store, inspection_id: str) -> str:
    return f"{document_number(store, inspection_id)}.pdf"


_worker_state: dict = {}


def _worker_init(db_path: str, lang: str, passphrase: bytes | None, authority: str | None) -> None:
    from ..store import open_database

    _worker_state["store"] = open_database(Path(db_path))
    _worker_state["lang"] = lang
    _worker_state["authority"] = authority
    _worker_state["identity"] = (
        load_signer(Path(db_path), passphrase) if passphrase is not None else None
    )


def _worker_export(inspection_id: str) -> tuple[str, str | None, bytes | str]:
    """(inspection id, report number, PDF bytes), or (inspection id, None, message) when the
    report cannot be made. The file is written by the caller (:func:`_collect`)."""
    store = _worker_state["store"]
    try:
        report_no, pdf = _make(
            store,
            inspection_id,
            _worker_state["lang"],
            _worker_state["identity"],
            _worker_state["authority"],
        )
        return inspection_id, report_no, pdf
    except InputError as exc:
        return inspection_id, None, exc.message
    except Exception as exc:  # one bad record must not stop the batch; it is reported
        return inspection_id, None, f"{type(exc).__name__}: {exc}"


def batch_export(
    db_path: Path,
    ids: list[str],
    folder: Path,
    lang: str = "zh",
    *,
    passphrase: bytes | None = None,
    authority: str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> BatchResult:
    """Export one PDF per inspection into *folder*, in parallel worker processes.

    ``progress(done, total)`` returning False cancels: no new report is started, and the
    ones already written stay. With a passphrase every report is signed.

    The workers make the reports; this process writes each file (atomically, synced to
    disk) as it arrives, so that a worker never waits for the disk.
    """
    import concurrent.futures as cf
    import multiprocessing

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if passphrase is not None:
        load_signer(Path(db_path), passphrase)  # fail early, once, on a wrong passphrase
    result = BatchResult()
    total = len(ids)
    if total == 0:
        return result
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers <= 1 or total < 4:
        _worker_init(str(db_path), lang, passphrase, authority)
        try:
            for n, i in enumerate(ids, 1):
                _collect(result, _worker_export(i), folder)
                if progress is not None and progress(n, total) is False:
                    result.cancelled = n < total
                    break
        finally:
            _worker_state.pop("store").close()
        return result
    ctx: multiprocessing.context.BaseContext
    if os.name == "nt":
        ctx = multiprocessing.get_context("spawn")
    else:  # a clean server process (never a fork of a GUI with threads), preloaded once
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["inspector_app.reports.preload"])
    with cf.ProcessPoolExecutor(
        workers,
        mp_context=ctx,
        initializer=_worker_init,
        initargs=(str(db_path), lang, passphrase, authority),
    ) as pool:
        pending = set()
        it = iter(ids)
        done = 0
        window = workers * 4
        for i in it:
            pending.add(pool.submit(_worker_export, i))
            if len(pending) >= window:
                break
        while pending:
            finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                _collect(result, fut.result(), folder)
                done += 1
                if progress is not None and progress(done, total) is False:
                    result.cancelled = True
            if result.cancelled:
                for fut in pending:
                    fut.cancel()
                for fut in pending:
                    if not fut.cancelled():
                        _collect(result, fut.result(), folder)
                break
            for i in it:
                pending.add(pool.submit(_worker_export, i))
                if len(pending) >= window:
                    break
    return result


def _collect(
    result: BatchResult, outcome: tuple[str, str | None, bytes | str], folder: Path
) -> None:
    inspection_id, report_no, made = outcome
    if report_no is None or not isinstance(made, bytes):
        result.failed.append((inspection_id, str(made) or "unknown error"))
        return
    out = folder / f"{report_no}.pdf"
    try:
        write_atomic(out, made)
    except InputError as exc:  # a full disk: named for this report, the batch goes on
        result.failed.append((inspection_id, exc.message))
        return
    result.written.append(out)
