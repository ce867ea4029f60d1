"""Report use-cases: build an inspection's PDF, sign it with the inspector's identity,
verify a signed PDF against the trust list and the database, export many reports at once,
and the period summary.

Long work (batch export) reports ``progress(done, total) -> bool``; returning False cancels.
Batch workers run in separate processes, each opening its own store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import InputError
from ..paths import keys_dir

Progress = Callable[[int, int], bool]
AUTHORITY_META = "report.authority"


def report_data(store, inspection_id: str, authority: str | None = None):
    """Gather everything the report shows for one inspection."""
    from ..reports.inspection_report import ReportData

    insp = store.inspections.require(inspection_id)
    premises = store.premises.get(insp.premises_id)
    instrument = store.instruments.get(insp.instrument_id)
    if premises is None or instrument is None:
        raise InputError(
            "inspection.id", "the inspection's premises or instrument is missing from the database"
        )
    standards = [s for s in (store.standards.get(i) for i in insp.standards) if s is not None]
    images = {}
    for a in insp.attachments:
        if a.sha256 not in images:
            blob = store.attachments.get(a.sha256)
            if blob is not None:
                images[a.sha256] = blob
    return ReportData(
        inspection=insp,
        premises=premises,
        instrument=instrument,
        standards=standards,
        images=images,
        authority=authority or store.meta(AUTHORITY_META) or "",
        ruleset_title=_ruleset_title(insp.family, insp.ruleset),
        superseded=store.inspections.superseded_by(insp.id) is not None,
        checklist_labels=_checklist_labels(insp.family),
    )


def _ruleset_title(family: str, ruleset: str) -> str:
    try:
        from ..domain.rules import list_rulesets

        for info in list_rulesets(family):
            if info.name == ruleset or ruleset in info.aliases:
                return info.title
    except Exception:  # an unknown family or rule set prints without a title
        pass
    return ""


def _checklist_labels(family: str) -> dict[str, dict]:
    """Question labels from the family's form file (``forms/<family>.toml``)."""
    try:
        from ..domain.forms import load_form

        form = load_form(family)
    except Exception:  # no form for this family: the report falls back to its own labels
        return {}
    return {q.key: {"zh": q.label.zh, "en": q.label.en} for q in form.checklist}


def build_report(
    store,
    inspection_id: str,
    lang: str = "zh",
    *,
    authority: str | None = None,
    for_signing: bool = False,
    signer_name: str = "",
    signer_fingerprint: str = "",
):
    """The report as a :class:`BuiltReport` (pdf bytes, report number, hash, signature box)."""
    from ..reports.inspection_report import ReportError, build_inspection_pdf

    data = report_data(store, inspection_id, authority)
    try:
        return build_inspection_pdf(
            data,
            lang,
            for_signing=for_signing,
            signer_name=signer_name,
            signer_fingerprint=signer_fingerprint,
        )
    except ReportError as exc:
        raise InputError("inspection.id", str(exc)) from None


def load_signer(db_path: Path, passphrase: bytes):
    """The inspector's identity; KeyError_ with a one-sentence message when it cannot be opened."""
    from ..crypto.keys import load_identity

    return load_identity(keys_dir(Path(db_path)), passphrase)


def make_report(
    store, inspection_id: str, lang: str = "zh", *, identity=None, authority: str | None = None
) -> bytes:
    """The report's PDF bytes; signed (PAdES, visible field) when *identity* is given."""
    return _make(store, inspection_id, lang, identity, authority)[1]


def _make(
    store, inspection_id: str, lang: str, identity, authority: str | None
) -> tuple[str, bytes]:
    """(report number, PDF bytes): the inspection is read once."""
    from ..reports.signing import SigningError, sign_report

    if identity is None:
        built = build_report(store, inspection_id, lang, authority=authority)
        return built.report_no, built.pdf
    built = build_report(
        store,
        inspection_id,
        lang,
        authority=authority,
        for_signing=True,
        signer_name=identity.name,
        signer_fingerprint=identity.fingerprint,
    )
    try:
        return built.report_no, sign_report(built, identity)
    except SigningError as exc:
        raise InputError("inspection.id", str(exc)) from None


def export_report(
    store,
    db_path: Path,
    inspection_id: str,
    out: Path,
    lang: str = "zh",
    *,
    passphrase: bytes | None = None,
    identity=None,
    authority: str | None = None,
) -> Path:
    """Write one report to *out* (atomically); sign it when a passphrase or identity is given."""
    if identity is None and passphrase is not None:
        identity = load_signer(db_path, passphrase)
    pdf = make_report(store, inspection_id, lang, identity=identity, authority=authority)
    write_atomic(Path(out), pdf)
    return Path(out)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# ---- verification --------------------------------------------------------------------------


def trusted_certificates(store, db_path: Path | None) -> list:
    """Certificates from the trust list plus this device's own identity certificate."""
    from ..crypto.keys import load_certificate, load_certificate_file

    certs = []
    for key in store.trust.list() if store is not None else []:
        try:
            certs.append(load_certificate(key.public_pem.encode("utf-8")))
        except Exception:  # a bundle key that is not a certificate cannot vouch for a PDF
            continue
    if db_path is not None:
        try:
            certs.append(load_certificate_file(keys_dir(Path(db_path))))
        except Exception:  # no identity on this device
            pass
    return certs


def verify_report(pdf: bytes, store=None, db_path: Path | None = None):
    """Verify a signed report; cross-check the embedded record hash when *store* is given."""
    from ..domain.canonical import content_hash
    from ..reports.verify import verify_pdf

    def lookup(inspection_id: str, report_no: str, record_hash: str) -> dict:
        insp = store.inspections.get(inspection_id) if inspection_id else None
        if insp is None:
            return {"found": False}
        recomputed = content_hash(insp) if insp.status == "finalized" else None
        return {
            "found": True,
            "content_hash": insp.content_hash,
            "recomputed": recomputed,
            "status": insp.status,
        }

    return verify_pdf(
        pdf, trusted_certificates(store, db_path), lookup if store is not None else None
    )


# ---- batch export ---------------------------------------------------------------------------


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (inspection id, message)
    cancelled: bool = False


def report_filename(store, inspection_id: str) -> str:
    from ..reports.inspection_report import report_number

    return f"{report_number(store.inspections.require(inspection_id))}.pdf"


_worker_state: dict = {}


def _worker_init(db_path: str, lang: str, passphrase: bytes | None, authority: str | None) -> None:
    from ..store import open_database

    _worker_state["store"] = open_database(Path(db_path))
    _worker_state["lang"] = lang
    _worker_state["authority"] = authority
    _worker_state["identity"] = (
        load_signer(Path(db_path), passphrase) if passphrase is not None else None
    )


def _worker_export(args: tuple[str, str]) -> tuple[str, str | None, str | None]:
    inspection_id, folder = args
    store = _worker_state["store"]
    try:
        report_no, pdf = _make(
            store,
            inspection_id,
            _worker_state["lang"],
            _worker_state["identity"],
            _worker_state["authority"],
        )
        out = Path(folder) / f"{report_no}.pdf"
        write_atomic(out, pdf)
        return inspection_id, str(out), None
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
                _collect(result, _worker_export((i, str(folder))))
                if progress is not None and progress(n, total) is False:
                    result.cancelled = n < total
                    break
        finally:
            _worker_state.pop("store").close()
        return result
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
            pending.add(pool.submit(_worker_export, (i, str(folder))))
            if len(pending) >= window:
                break
        while pending:
            finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                _collect(result, fut.result())
                done += 1
                if progress is not None and progress(done, total) is False:
                    result.cancelled = True
            if result.cancelled:
                for fut in pending:
                    fut.cancel()
                for fut in pending:
                    if not fut.cancelled():
                        _collect(result, fut.result())
                break
            for i in it:
                pending.add(pool.submit(_worker_export, (i, str(folder))))
                if len(pending) >= window:
                    break
    return result


def _collect(result: BatchResult, outcome: tuple[str, str | None, str | None]) -> None:
    inspection_id, path, error = outcome
    if path is not None:
        result.written.append(Path(path))
    else:
        result.failed.append((inspection_id, error or "unknown error"))


# ---- summary --------------------------------------------------------------------------------


def build_summary(
    store,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    premises_id: str | None = None,
    market: str | None = None,
    city: str | None = None,
    lang: str = "zh",
    authority: str | None = None,
) -> bytes:
    """The period summary PDF (only finalized inspections, newest revision of each record),
    optionally for one premises, one city and/or one market."""
    from ..reports.summary_report import build_summary_pdf
    from ..store.reports import SummaryFilter, summary_statistics

    f = SummaryFilter(
        date_from=date_from,
        date_to=date_to,
        premises_id=premises_id,
        market=market,
        city=city or None,
    )
    stats = summary_statistics(store, f)
    premises_name = None
    if premises_id:
        p = store.premises.get(premises_id)
        if p is None:
            raise InputError("premises", f"no premises with id {premises_id}")
        premises_name = p.name
    return build_summary_pdf(
        stats,
        f,
        lang=lang,
        authority=authority or store.meta(AUTHORITY_META) or "",
        premises_name=premises_name,
    )
