"""Report use-cases: build an inspection's PDF, sign it with the inspector's identity,
verify a signed PDF against the trust list and the database, export many reports at once,
and the period summary.

Long work (batch export) reports ``progress(done, total) -> bool``; returning False cancels.
Batch workers run in separate processes, each opening its own store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..domain.errors import InputError
from ..paths import keys_dir
from .certificates import (
    AUTHORITY_META,
    _visit_date,
    certificate_blockers,
    certificate_number,
    issued_numbers,
    issuing_body,
    void_number,
)
from .files import write_atomic
from .roles import is_office_database

Progress = Callable[[int, int], bool]
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
        checklist_labels=_checklist_labels(form),
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


def _form(family: str, ref=None):
    """The form the record was filled against (``environment.form``), or None when the
    family has none (failed items then fall back to "no" answers).

    Remembered per family while what ``form_for`` reads is unchanged: the same reference,
    the published versions installed in this process and the bytes of the shipped form file
    (a batch prints hundreds of records of one form; parsing its TOML for each was about a
    tenth of a report's time)."""
    from ..domain.forms import form_for, forms_dir, published

    try:
        raw: bytes | None = (forms_dir() / f"{family}.toml").read_bytes()
    except OSError:
        raw = None
    key = (
        _ref_key(ref),
        str(forms_dir()),
        raw,
        tuple((f.version, f.hash) for f in published(family)),
    )
    cached = _forms_seen.get(family)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        form = form_for(family, ref)
    except Exception:  # no form for this family
        form = None
    _forms_seen[family] = (key, form)
    return form


_forms_seen: dict[str, tuple[tuple, object]] = {}  # family -> (what form_for read, its form)


def _ref_key(ref) -> str:
    import json

    return json.dumps(ref, sort_keys=True, default=str)


# ---- the issuing body, certificate numbers and when a certificate may be issued ----------


def _ruleset_title(family: str, ruleset: str) -> str:
    try:
        from ..domain.rules import list_rulesets

        for info in list_rulesets(family):
            if info.name == ruleset or ruleset in info.aliases:
                return info.title
    except Exception:  # an unknown family or rule set prints without a title
        pass
    return ""


def _checklist_labels(form) -> dict[str, dict]:
    """Question labels from the form the record was filled against (``environment.form``;
    the shipped ``forms/<family>.toml`` for a record without one); {} without a form (the
    report then falls back to its own labels)."""
    if form is None:
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


# ---- verification --------------------------------------------------------------------------


# ---- batch export ---------------------------------------------------------------------------


# ---- summary --------------------------------------------------------------------------------
