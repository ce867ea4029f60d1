"""Signed report PDFs kept beside the records, and how they travel in bundles.

A database keeps at most one signed PDF per inspection, in ``<db folder>/<db name>-reports/
<inspection id>.pdf``: on a laptop the first signed report of a finalized inspection (the
document of record, in the language it was exported in), at the office the inspector's PDF
that arrived with the record, later with the office countersignatures (核验员, 批准人).

- A field bundle carries the kept PDF of every inspection it carries
  (``reports/<inspection id>.pdf``); an office bundle carries the kept PDFs of reviewed
  inspections, so the countersigned document travels back.
- On import (``sync.importing.report_pdfs``) every PDF is untrusted input: it must be the report of an inspection the bundle
  carries (field → office) or this database holds (office → field; others are ignored),
  ``verify`` must say VALID against the trust list, and the record embedded in it must be
  that inspection's record (its hash is the record's content hash). Otherwise the whole
  bundle is refused at stage 4, naming the PDF, with one sentence.
- Safe merge: a kept PDF is never replaced by a different one, except by that same PDF
  with further incremental countersignatures (the kept bytes are a prefix of the incoming
  file, and the incoming file verifies VALID, so each later revision only adds a
  signature). A different PDF of the same record is not taken (a warning), and an older
  one (the kept file extends it) changes nothing.

No Qt here; files are written atomically (``services.files.write_atomic``).
"""

from __future__ import annotations

from pathlib import Path


def folder(store) -> Path:
    from .files import reports_folder

    return reports_folder(Path(store.path))


def kept_path(store, inspection_id: str) -> Path:
    return folder(store) / f"{inspection_id}.pdf"


def kept_pdf(store, inspection_id: str) -> bytes | None:
    """The signed PDF kept with the inspection, or None."""
    from ..sync.importing.report_pdfs import kept_pdf as read_kept

    return read_kept(folder(store), inspection_id)


def has_path(store) -> bool:
    """Whether the database is a file (a database in memory keeps no PDFs)."""
    path = str(getattr(store, "path", "") or "")
    return bool(path) and path != ":memory:"


def keep_signed(store, inspection_id: str, pdf: bytes) -> bool:
    """Keep the first signed report of a finalized inspection with it (a laptop): later
    exports never replace it. True when this PDF is now the kept one."""
    from .files import write_atomic

    if not has_path(store):
        return False
    insp = store.inspections.get(inspection_id)
    if insp is None or insp.status != "finalized":
        return False
    path = kept_path(store, inspection_id)
    if path.exists():
        return path.read_bytes() == pdf
    write_atomic(path, pdf)
    return True


def for_field_bundle(store, inspection_ids) -> dict[str, bytes]:
    """The kept PDFs of the inspections a field bundle carries."""
    if not has_path(store):
        return {}
    out = {}
    for i in inspection_ids:
        pdf = kept_pdf(store, i)
        if pdf is not None:
            out[i] = pdf
    return out


def for_office_bundle(store) -> dict[str, bytes]:
    """The kept PDFs of reviewed inspections (approval countersigns them), for the laptops."""
    if not has_path(store) or not folder(store).is_dir():
        return {}
    from ..store.sync import sync_repo

    ids = sorted({r["inspection_id"] for r in sync_repo(store).reviews()})
    return for_field_bundle(store, ids)
