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
INSPECTOR_CERT_META = "inspector.cert_no"  # ":<name>" -> that inspector's 检定员证 number


def report_data(store, inspection_id: str, authority: str | None = None, *, issue: bool = False):
    """Gather everything the report shows for one inspection. A finalized certificate or
    notice shows the number issued for it, if any. With *issue* (a signed document is being
    issued) one is taken from the issuing body's gap-free sequence when it has none; a
    preview or an unsigned copy never takes a number."""
    from ..domain.failed_items import inspection_failed_items
    from ..reports.inspection_report import ReportData, document_kind
    from ..store.visits import visit_of_inspection

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
    form = _form(insp.family, insp.environment.get("form"))
    body = issuing_body(store)
    blockers = certificate_blockers(store, insp, instrument=instrument, standards=standards)
    data = ReportData(
        inspection=insp,
        premises=premises,
        instrument=instrument,
        standards=standards,
        images=images,
        # an explicit --authority wins; else the issuing body's name in the document's
        # language (the builder picks it); else the older free-text setting
        authority=authority
        or ("" if (body.name_zh or body.name_en) else store.meta(AUTHORITY_META) or ""),
        ruleset_title=_ruleset_title(insp.family, insp.ruleset),
        superseded=store.inspections.superseded_by(insp.id) is not None,
        checklist_labels=_checklist_labels(insp.family, insp.environment.get("form")),
        form=form,
        body=body,
        blockers=blockers,
        failed=inspection_failed_items(insp, form, instrument.metrology),
        inspector_cert_no=store.meta(f"{INSPECTOR_CERT_META}:{insp.inspector}") or "",
        visit=visit_of_inspection(store.conn, insp.id),
    )
    if authority:
        data.body.name_zh = data.body.name_zh or authority
    kind = document_kind(insp, certificate_allowed=not blockers)
    if kind in ("certificate", "notice") and insp.status == "finalized":
        from ..domain.verification_cycle import CYCLES, valid_until

        day = _visit_date(insp)
        if kind == "certificate" and day is not None and insp.family in CYCLES:
            data.valid_until = valid_until(
                day, insp.family, minus_one_day=body.minus_one_day
            ).isoformat()
        if issue:
            data.certificate_no = certificate_number(store, insp, kind, body)
        else:
            from ..store.reports import certificate_number_for

            data.certificate_no = certificate_number_for(store.conn, body.id, insp.id, kind) or ""
    return data


def _visit_date(insp):
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(insp.started_at).date()
    except (TypeError, ValueError):
        return None


def _form(family: str, ref=None):
    try:  # the form the record was filled against (environment.form)
        from ..domain.forms import form_for

        return form_for(family, ref)
    except Exception:  # no form for this family: failed items fall back to "no" answers
        return None


# ---- the issuing body, certificate numbers and when a certificate may be issued ----------


def issuing_body(store):
    """The issuing body configured in Settings (defaults when none is)."""
    from ..domain.issuing_body import IssuingBody
    from ..store.reports import get_issuing_body

    row = get_issuing_body(store)
    if row is None:
        return IssuingBody(name_zh=store.meta(AUTHORITY_META) or "")
    return IssuingBody.from_dict(row)


def save_issuing_body(store, body, actor: str = "settings") -> None:
    """Store the issuing body (one audited write)."""
    import datetime as dt

    from ..store.reports import save_issuing_body as _save

    values = body.as_dict()
    values["updated_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    for key in ("name_zh", "name_en", "address", "postcode", "phone", "authorisation_no"):
        values[key] = str(values.get(key) or "").strip()
    if values["authorised"] and not values["authorisation_no"]:
        raise InputError(
            "authorisation_no",
            "an authorised verification body needs its authorisation certificate number",
        )
    with store.write(actor, "issuing_body.save", "issuing_body", values["id"]):
        _save(store.conn, values)


def certificate_number(store, insp, kind: str, body=None) -> str:
    """This inspection's certificate / notice number (taken once, never reused)."""
    from ..store.reports import certificate_number_for, take_certificate_number

    body = body or issuing_body(store)
    existing = certificate_number_for(store.conn, body.id, insp.id, kind)
    if existing:
        return existing
    day = _visit_date(insp)
    year = day.year if day else int((insp.finalized_at or "0000")[:4] or 0)
    import datetime as dt

    with store.write("report", "certificate.number", "inspection", insp.id):
        return take_certificate_number(
            store.conn,
            body.id,
            body.cert_prefix,
            year,
            kind,
            insp.id,
            insp.record_id,
            dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        )


def issued_numbers(store, inspection_id: str) -> set[str]:
    """The certificate / notice numbers issued (not void) for this inspection."""
    from ..store.reports import issued_numbers_of

    return set(issued_numbers_of(store.conn, inspection_id))


def void_number(store, number: str, reason: str, actor: str = "") -> dict:
    """Void an issued certificate or notice number with a reason (one audited write): its
    document was never delivered or is withdrawn. The number is never reused; the next
    signed issue of that document takes the next number of the sequence. InputError (one
    sentence) for an unknown number, one void already, or no reason."""
    import datetime as dt

    from ..domain.text import clean_text
    from ..store.reports import certificate_number_row, void_certificate_number

    number = (number or "").strip()
    reason = clean_text(reason, "reason", max_len=500, required=True)
    row = certificate_number_row(store.conn, number)
    if row is None:
        raise InputError("number", f"no certificate or notice number {number!r} was issued here")
    if row["status"] == "void":
        raise InputError("number", f"number {number} was voided already ({row['void_reason']})")
    at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    with store.write(
        actor,
        "certificate.void",
        "inspection",
        row["inspection_id"],
        {"number": number, "reason": reason},
    ):
        if not void_certificate_number(store.conn, number, reason, at, actor):
            raise InputError("number", f"number {number} could not be voided")
    return {**row, "status": "void", "void_reason": reason, "voided_at": at, "voided_by": actor}


def certificate_audit(store) -> list:
    """The audit of the issuing body's certificate numbers, one sentence each (``Label``):
    every number missing from a year's sequence (a ledger row deleted), and every void
    number with its reason. Empty when every number is accounted for as issued."""
    from ..domain.forms import Label
    from ..store.reports import certificate_ledger, certificate_number_gaps

    body = issuing_body(store)
    out = [
        Label(
            f"{year} 年证书编号序列缺少第 {seq} 号（账簿记录被删除）。",
            f"Certificate number {seq} of {year} is missing from the ledger (a row was deleted).",
        )
        for year, seq in certificate_number_gaps(store, body.id)
    ]
    for row in certificate_ledger(store, body.id):
        if row["status"] == "void":
            out.append(
                Label(
                    f"证书编号 {row['number']} 已作废：{row['void_reason']}。",
                    f"Certificate number {row['number']} is void: {row['void_reason']}.",
                )
            )
    return out


def certificate_blockers(store, insp, *, instrument=None, standards=None) -> list:
    """Why a 检定证书 may not be issued for *insp*, one sentence each (a ``Label`` with zh and
    en); empty when it may. Only a passing initial or subsequent verification can give a
    certificate; the record can always be finalized and printed as a 检查记录 instead.

    Asked for: the issuing body is configured as an authorised verification body; the
    regulation's test programme is complete; at least one reference standard is recorded,
    valid on the visit date and adequate; no verdict rests on an unconfirmed (❓) rule."""
    from ..domain.forms import Label
    from ..domain.verification_cycle import VERIFICATION_CHECKS, programme_missing

    if insp.check not in VERIFICATION_CHECKS or insp.verdict != "pass":
        return []
    out: list = []
    body = issuing_body(store)
    if not body.authorised:
        out.append(
            Label(
                "签发机构未设置为授权的计量检定机构（设置 → 签发机构）。",
                "The issuing body is not configured as an authorised verification body "
                "(Settings → Issuing body).",
            )
        )
    elif not body.authorisation_no:
        out.append(
            Label(
                "签发机构的计量检定机构授权证书号未填写。",
                "The issuing body's authorisation certificate number is missing.",
            )
        )
    if instrument is None:
        instrument = store.instruments.get(insp.instrument_id)
    metrology = instrument.metrology if instrument is not None else {}
    for m in programme_missing(insp.family, insp.check, insp.result, metrology):
        out.append(
            Label(
                f"检定项目不完整：{m.text('zh')}。",
                f"The test programme is incomplete: {m.text('en')}.",
            )
        )
    if standards is None:
        standards = [s for s in (store.standards.get(i) for i in insp.standards) if s is not None]
    if not standards:
        out.append(Label("未记录所用的计量标准器。", "No reference standard is recorded."))
    else:
        out += _standard_blockers(insp, instrument, standards)
    for key, clause in _unconfirmed_rules(insp):
        out.append(
            Label(
                f"结论依据的规则“{key}”（{clause}）的数值尚未核实，不能出具检定证书。",
                f"The verdict rests on rule “{key}” ({clause}), whose number is not confirmed; "
                "no certificate can be issued on it.",
            )
        )
    return out


def _standard_blockers(insp, instrument, standards) -> list:
    import datetime as dt

    from ..domain.forms import Label
    from .drafts import check_standards

    day = _visit_date(insp)
    out = []
    for s in standards:
        if not s.valid_until:
            out.append(
                Label(
                    f"计量标准器“{s.name}”未记录有效期。",
                    f"The reference standard “{s.name}” has no validity date recorded.",
                )
            )
            continue
        try:
            until = dt.date.fromisoformat(s.valid_until)
        except ValueError:
            until = None
        if until is None or (day is not None and until < day):
            out.append(
                Label(
                    f"计量标准器“{s.name}”在检定日已过有效期（{s.valid_until}）。",
                    f"The reference standard “{s.name}” had expired on the visit date "
                    f"({s.valid_until}).",
                )
            )
    if instrument is not None:
        for w in check_standards(insp, instrument, standards):
            name = next((s.name for s in standards if s.id == w.standard_id), w.standard_id)
            if w.kind == "not_accurate_enough":
                out.append(
                    Label(
                        f"计量标准器“{name}”的准确度不足（最大允许误差超过被检器具的 1/3）。",
                        f"The reference standard “{name}” is not accurate enough (its MPE is "
                        "more than 1/3 of the instrument's).",
                    )
                )
            elif w.kind == "unknown":
                out.append(
                    Label(
                        f"计量标准器“{name}”未记录最大允许误差，无法确认其准确度足够。",
                        f"The reference standard “{name}” has no MPE recorded, so its adequacy "
                        "cannot be shown.",
                    )
                )
    return out


def _unconfirmed_rules(insp) -> list[tuple[str, str]]:
    """(rule key, clause) of the ❓ rules the stored result used."""
    import re

    from ..domain.rules import list_rulesets

    keys = []
    for w in (insp.result or {}).get("warnings", []) or []:
        m = re.match(r"^.*? \[(\w+)\]", str(w))
        if m and m.group(1) not in keys:
            keys.append(m.group(1))
    if not keys:
        return []
    from ..domain.rules import ruledata

    # the rule data the verdict was judged with (an office value confirmed later does not
    # confirm a verdict reached on the placeholder; re-judge the record for that)
    version = (insp.result or {}).get("rule_data")
    judged_with = ruledata.get(version) if isinstance(version, str) else None
    try:
        infos = [
            i
            for i in list_rulesets(insp.family, rule_data=judged_with)
            if i.name == insp.ruleset or insp.ruleset in i.aliases
        ]
    except Exception:  # an unknown family: nothing to look up
        return []
    out = []
    for info in infos[:1]:
        for rule in info.rules:
            if rule.key in keys and rule.confidence.value == "unconfirmed":
                out.append((rule.key, rule.clause))
    return out


def _ruleset_title(family: str, ruleset: str) -> str:
    try:
        from ..domain.rules import list_rulesets

        for info in list_rulesets(family):
            if info.name == ruleset or ruleset in info.aliases:
                return info.title
    except Exception:  # an unknown family or rule set prints without a title
        pass
    return ""


def _checklist_labels(family: str, ref=None) -> dict[str, dict]:
    """Question labels from the form the record was filled against (``environment.form``;
    the shipped ``forms/<family>.toml`` for a record without one)."""
    try:
        from ..domain.forms import form_for

        form = form_for(family, ref)
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

    data = report_data(store, inspection_id, authority, issue=for_signing)
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
    office = is_office_database(store)
    from ..reports.signing import check_clock, check_signer

    insp = store.inspections.require(inspection_id)
    try:  # refused before a certificate number is taken for a document never issued
        if insp.status == "finalized":
            check_signer(identity, None if office else insp.inspector)
            check_clock(identity, insp.finalized_at)
    except SigningError as exc:
        raise InputError("inspection.id", str(exc)) from None
    before = issued_numbers(store, inspection_id)
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
        pdf = sign_report(
            built,
            identity,
            finalized_at=insp.finalized_at,
            inspector=None if office else insp.inspector,
        )
    except SigningError as exc:
        for number in issued_numbers(store, inspection_id) - before:  # taken for nothing
            void_number(store, number, f"the document could not be signed: {exc}", "report")
        raise InputError("inspection.id", str(exc)) from None
    if not office:  # the inspector's signed document travels with the record in field bundles
        from .report_files import keep_signed

        keep_signed(store, inspection_id, pdf)
    return built.report_no, pdf


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
    """Write to ``NAME.part``, fsync, rename over *path*. On failure the ``.part`` file is
    removed and an InputError says why in one sentence (a full disk says so)."""
    import errno

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise InputError(
                "output", f"the disk is full: {path} was not written (nothing else changed)"
            ) from None
        raise InputError("output", f"{path} could not be written: {exc.strerror or exc}") from None


# ---- verification --------------------------------------------------------------------------


def is_office_database(store) -> bool:
    """An office (supervisor) database: its own key signs and countersigns for the office."""
    from .roles import get_role

    return store is not None and get_role(store) == "supervisor"


def trusted_certificates(store, db_path: Path | None):
    """What this computer trusts (a :class:`~inspector_app.reports.verify.TrustSet`): the
    trust list (inspector, office and CA certificates), the revocations the office sent, and
    this device's own certificates, the current one and the earlier ones (each only for
    signatures made while it was in use)."""
    from ..crypto.keys import load_certificate, own_certificates
    from ..reports.verify import RevokedCert, TrustedCert, TrustSet

    trust = TrustSet()
    for key in store.trust.list() if store is not None else []:
        try:
            cert = load_certificate(key.public_pem.encode("utf-8"))
        except Exception:  # a bundle key that is not a certificate cannot vouch for a PDF
            continue
        kind = key.kind if key.kind in ("office", "ca") else "certificate"
        if kind == "certificate":
            from ..crypto.ca import is_ca_certificate

            kind = "ca" if is_ca_certificate(cert) else kind
        trust.certificates.append(TrustedCert(cert, kind, key.name))
    if store is not None:
        trust.revocations = [
            RevokedCert(r.issuer_fingerprint, r.serial, r.revoked_at, r.reason)
            for r in store.trust.revocations.list()
        ]
    if db_path is not None:
        own_kind = "office" if is_office_database(store) else "own"
        for own in own_certificates(keys_dir(Path(db_path))):
            trust.certificates.append(TrustedCert(own.certificate, own_kind, "", own.retired_at))
    return trust


def verify_report(pdf: bytes, store=None, db_path: Path | None = None, *, now=None):
    """Verify a signed report against the trust list, the revocations and the database."""
    from ..domain.canonical import content_hash
    from ..reports.inspection_report import report_number
    from ..reports.verify import verify_pdf

    def lookup(inspection_id: str, report_no: str, record_hash: str) -> dict:
        insp = store.inspections.get(inspection_id) if inspection_id else None
        if insp is None:
            return {"found": False}
        recomputed = content_hash(insp) if insp.status == "finalized" else None
        newer = None
        if store.inspections.superseded_by(insp.id):
            latest = store.inspections.revisions(insp.record_id)[-1]
            number = report_number(latest) if latest.status == "finalized" else "a draft"
            newer = f"{latest.revision} ({number}, id {latest.id})"
        return {
            "found": True,
            "content_hash": insp.content_hash,
            "recomputed": recomputed,
            "status": insp.status,
            "superseded_by": newer,
        }

    return verify_pdf(
        pdf, trusted_certificates(store, db_path), lookup if store is not None else None, now=now
    )


# ---- batch export ---------------------------------------------------------------------------


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
    identity=None,
) -> bytes:
    """The period summary PDF (only finalized inspections, newest revision of each record),
    optionally for one premises, one city and/or one market; signed (PAdES, visible field,
    through the same signing function as reports) when *identity* is given."""
    from ..reports.summary_report import build_summary_report
    from ..store.reports import SummaryFilter, summary_statistics

    f = SummaryFilter(
        date_from=date_from,
        date_to=date_to,
        premises_id=premises_id,
        market=market,
        city=city or None,
    )
    stats = summary_statistics(store, f)
    from .province import include_received_in_summary

    received = include_received_in_summary(stats, f, store)  # a province: its cities' records
    premises_name = None
    if premises_id:
        p = store.premises.get(premises_id)
        if p is None:
            raise InputError("premises", f"no premises with id {premises_id}")
        premises_name = p.name
    _summary_failed_items(store, stats, lang)
    built = build_summary_report(
        stats,
        f,
        lang=lang,
        authority=authority or issuing_body(store).name(lang) or store.meta(AUTHORITY_META) or "",
        premises_name=premises_name,
        for_signing=identity is not None,
        signer_name=identity.name if identity is not None else "",
        received=received,
    )
    if identity is None:
        return built.pdf
    from ..reports.signing import SigningError, sign_pdf

    try:
        return sign_pdf(built.pdf, identity, built.signature_box, reason="Summary of inspections")
    except SigningError as exc:
        raise InputError("identity", str(exc)) from None


def _summary_failed_items(store, stats, lang: str) -> None:
    """The failures listed in a summary name their failed items by the one definition
    (``domain.failed_items``): readings with value and limit, questions in their failed
    wording, programme gaps and cheating findings."""
    from ..reports.inspection_report import _failed_text, failed

    for row in stats.failures:
        try:
            data = report_data(store, row.inspection_id)
        except InputError:
            continue
        lines = [_failed_text(data, i, lang) for i in failed(data)]
        if lines:
            row.failed_items = "; ".join(lines[:4]) + (" …" if len(lines) > 4 else "")
