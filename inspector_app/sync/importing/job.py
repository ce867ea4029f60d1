"""What an import carries from stage to stage (:class:`ImportJob`) and what it answers
(:class:`ImportReport`). Each stage reads the fields the stages before it filled and fills
its own; nothing is read twice."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..format import DEFAULT_LIMITS, BundleContent, Limits
from ..manifest import Manifest

if TYPE_CHECKING:
    from ...reports.verify_results import TrustSet
    from ...store.store import Store
    from ..merge import MergeResult
    from ..reader import OpenedBundle
    from ..validate import Parsed
    from .overlap import Checker
    from .report_pdfs import PlannedReport

# progress(stage, done, total) -> False to cancel (before the transaction only)
Progress = Callable[[str, int, int], object]


@dataclass
class ImportReport:
    status: str  # imported | already_imported | rejected
    file: str
    bundle_id: str = ""
    direction: str = ""
    source_device: str = ""
    signer: str = ""
    signer_fingerprint: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    tables: dict[str, Any] = field(default_factory=dict)
    conflict_ids: list[str] = field(default_factory=list)
    acknowledged: int = 0
    attachments_new: int = 0
    rejection: dict[str, Any] | None = None
    backup: str | None = None
    backup_reused: bool = False  # the backup is a recent one, not written for this import
    seconds: float = 0.0
    # implausible but possible values kept with the import (a time in the future, ...):
    # [{"entry", "reason"}], at most format.MAX_LISTED; warning_count is how many there were
    warnings: list[dict[str, str]] = field(default_factory=list)
    warning_count: int = 0
    # the signed report PDFs of the bundle: outcome -> count (new, unchanged, countersigned,
    # older, kept_local; sync.importing.report_pdfs)
    reports: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    def message(self) -> str:
        if self.status == "rejected":
            return str((self.rejection or {}).get("message", ""))
        if self.status == "already_imported":
            return f"bundle {self.bundle_id} was already imported; nothing changed"
        text = (
            f"imported bundle {self.bundle_id} from {self.signer}: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.conflicts} conflicts"
        )
        if self.acknowledged:
            text += f"; {self.acknowledged} inspections now safely at the office"
        kept = self.reports.get("new", 0) + self.reports.get("countersigned", 0)
        if kept:
            text += f"; {kept} signed report PDF{'s' if kept > 1 else ''} kept"
        if self.warning_count:
            text += f"; {self.warning_count} warning{'s' if self.warning_count > 1 else ''}"
        return text

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["message"] = self.message()
        return d


@dataclass
class ImportJob:
    """One import on its way through the stages.

    The first block is what the caller (``services.sync.import_bundle``) hands in, including
    the two things that live above ``sync/``: *pdf_trust* (what this computer trusts for a
    report PDF, built only when a PDF needs verifying) and *write_file* (an atomic file
    write, for the PDFs kept after the transaction). The rest is filled by the stages."""

    store: Store
    path: Path
    report: ImportReport
    pdf_trust: Callable[[], TrustSet]
    write_file: Callable[[Path, bytes], None]
    reports_dir: Path | None = None  # where signed report PDFs are kept (None: nowhere)
    progress: Progress | None = None
    actor: str = ""
    limits: Limits = DEFAULT_LIMITS
    backup: bool = True
    backup_dir: Path | None = None
    overlap: bool = True  # a large bundle's checks may run in a worker process (.overlap)
    # filled by the stages, in this order
    opened: OpenedBundle | None = None  # open: the verified entries
    parsed: Parsed | None = None  # parse: the records, unchecked across each other
    content: BundleContent | None = None  # validate: the records, checked
    planned_reports: list[PlannedReport] = field(default_factory=list)  # report_pdfs
    seq: int = 0  # the import's change sequence number (inside the transaction)
    result: MergeResult | None = None  # merge
    checker: Checker | None = None  # parse: the worker checking a large bundle (.overlap)
    stages_run: list[str] = field(default_factory=list)  # the pipeline's trace

    @property
    def bundle(self) -> OpenedBundle:
        assert self.opened is not None, "the open stage runs first"
        return self.opened

    @property
    def manifest(self) -> Manifest:
        return self.bundle.manifest

    @property
    def records(self) -> BundleContent:
        assert self.content is not None, "the validate stage runs before"
        return self.content


class AlreadyImported(Exception):
    """Ends the pipeline: this very bundle was imported before (nothing to do)."""


class ImportedMeanwhile(Exception):
    """Rolls back an import whose bundle another importer merged in the meantime."""

    def __init__(self, same: bool) -> None:
        super().__init__("imported meanwhile")
        self.same = same
