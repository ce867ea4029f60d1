"""The whole bundle: each entry parsed line by line with its table's parser, then the checks
across records (references, visits, times and rules, attachments, the audit chain).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...domain.errors import InputError
from ..case_lines import parse_case
from ..cases import check as check_cases
from ..cases import parse_calendar
from ..format import (
    COVERED_TABLES,
    BundleContent,
    BundleRejected,
    ProblemList,
)
from .audit import _check_audit, parse_audit
from .images import _check_attachments
from .inspections import (
    JSON_COLUMNS,
    build_inspection_line,
    parse_inspection,
    parse_inspection_line,
)
from .records import (
    VERSIONED,
    build_versioned,
    parse_instrument,
    parse_premises,
    parse_standard,
    parse_tombstone,
)
from .references import _check_references, _covered_key
from .reviews import parse_ack, parse_assignment, parse_review
from .rule_data import parse_form_version, parse_rule_data
from .rules import _check_inspections
from .trust import parse_issuing_body, parse_revocation
from .values import PARTS_TABLES, _forget, iter_built, read_lines
from .visits import _check_visits, parse_campaign, parse_visit

if TYPE_CHECKING:
    from ...store.sync import SyncRepo
    from ..reader import OpenedBundle

Progress = Callable[[str, int, int], object]
"""Called as lines are read (stage, done, total); returning False cancels the import."""

PARSERS = {
    "premises": parse_premises,
    "instruments": parse_instrument,
    "standards": parse_standard,
    "inspections": parse_inspection,
    "tombstones": parse_tombstone,
    "audit": parse_audit,
    "assignments": parse_assignment,
    "reviews": parse_review,
    "acks": parse_ack,
    "revocations": parse_revocation,
    "issuing_bodies": parse_issuing_body,
    "rule_data": parse_rule_data,
    "forms": parse_form_version,
    "visits": parse_visit,
    "campaigns": parse_campaign,
    "cases": parse_case,
    "calendars": parse_calendar,
}


# -- the whole bundle ---------------------------------------------------------------------
def validate_bundle(
    opened: OpenedBundle,
    repo: SyncRepo,
    max_line: int = 16 * 1024**2,
    progress: Progress | None = None,
    *,
    certificates: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> BundleContent:
    """Stage 4 over an OpenedBundle; *repo* is the SyncRepo of the receiving database.

    *certificates* maps a certificate fingerprint to the certificate (the keys this database
    trusts, and its own): an inspection's ``signature`` must verify with the one its
    ``signer`` names. *now* is the receiver's clock, for timestamps from the future.
    Every bad record is named (the first :data:`MAX_LISTED`, and how many there were);
    implausible but possible values are kept in ``content.warnings``."""
    try:
        return _validate(
            opened, repo, max_line, progress, certificates or {}, now or dt.datetime.now(dt.UTC)
        )
    finally:
        _forget()


def _message(exc: InputError) -> str:
    return f"{exc.path}: {exc.message}" if exc.path else exc.message


def _validate(
    opened: OpenedBundle,
    repo: SyncRepo,
    max_line: int,
    progress: Progress | None,
    certificates: dict[str, Any],
    now: dt.datetime,
) -> BundleContent:
    parsed = parse_records(opened, max_line, progress)
    return check_records(parsed, opened, repo, certificates, now)


@dataclass
class Parsed:
    """What :func:`parse_records` read: the records, the problems of lines that could not be
    read (not raised yet, so that the checks name what else is wrong in the same report),
    and where each record the manifest lists was found."""

    content: BundleContent
    problems: ProblemList
    covered_found: dict[str, list[tuple[tuple[str, str], str]]]
    # lines of inspections and visits read by the strict parser (not canonical JSON)
    strict_lines: int = 0


def parse_records(
    opened: OpenedBundle,
    max_line: int = 16 * 1024**2,
    progress: Progress | None = None,
    *,
    release: bool = False,
    unchecked: bool = False,
) -> Parsed:
    """Every line of every records entry through its table's parser (:data:`PARSERS`).
    With *release*, each entry's bytes are let go of once read (``opened.records`` is
    emptied: the import keeps the records, not their text, until the merge). With
    *unchecked*, the lines of inspections, visits and the audit (most of a large bundle) are
    decoded as the canonical JSON they must be and only built, not checked
    (``inspections.build_inspection_line``; a visit or an audit entry is its line's object:
    an audit line the strict parser would read otherwise is one the checks refuse), and
    premises, instruments and standards are read strictly but built without their checks
    (``records.build_versioned``): for an import whose records another process checks in
    full at the same time (``sync.importing.overlap``), which also makes sure that every
    line of inspections and visits is canonical (``Parsed.strict_lines``)."""
    content = BundleContent()
    problems = ProblemList(4)
    covered_found: dict[str, list[tuple[tuple[str, str], str]]] = {}
    # (only for the progress; the worker's records arrive while it parses: .overlap)
    total_lines = 0 if progress is None else sum(d.count(b"\n") for d in opened.records.values())
    done = 0
    strict_lines = 0
    lines_of = content.inspection_lines
    for table in (
        "premises",
        "instruments",
        "standards",
        "inspections",
        "tombstones",
        "audit",
        "assignments",
        "reviews",
        "acks",
        "revocations",
        "issuing_bodies",
        "rule_data",
        "forms",
        "visits",
        "campaigns",
        "cases",
        "calendars",
    ):
        data = opened.records.pop(table, None) if release else opened.records.get(table)
        if data is None:
            continue
        parser = PARSERS[table]
        out = getattr(content, table)
        entry = f"records/{table}.jsonl"
        name = table.rstrip("s") if table != "premises" else table
        covered = covered_found.setdefault(table, []) if table in COVERED_TABLES else None
        texts = content.inspection_json
        if progress is not None and progress("records", done, total_lines) is False:
            raise BundleRejected(4, "", "cancelled")
        built = unchecked and (table in PARTS_TABLES or table == "audit")
        versioned = unchecked and table in VERSIONED  # (read strictly, built without checks)
        lines = (
            iter_built(table, data, JSON_COLUMNS if table == "inspections" else ())
            if built
            else read_lines(table, data, max_line)
        )
        for n, obj, parts, problem, typed in lines:
            if problem is not None:
                problems.add(f"{entry} line {n}", problem)
                continue
            if parts is None and table in PARTS_TABLES:
                strict_lines += 1
            rec: object
            try:
                if table == "inspections":
                    insp, texts[obj["id"]] = (
                        build_inspection_line(obj, parts)
                        if unchecked
                        else parse_inspection_line(obj, name, parts)
                    )
                    lines_of[insp.id] = n
                    rec = insp
                elif table == "visits":
                    rec = obj if unchecked else parse_visit(obj, name, parts, typed=typed)
                elif built:  # an audit entry is its line's object (parse_audit returns it)
                    rec = obj
                elif versioned:
                    rec = build_versioned(obj, table)
                else:
                    rec = parser(obj, name)
            except InputError as exc:
                problems.add(f"{entry} line {n}", _message(exc))
                continue
            out.append(rec)
            if covered is not None:
                covered.append((_covered_key(table, rec), f"{entry} line {n}"))
            done += 1
            if (
                progress is not None
                and done % 500 == 0
                and progress("records", done, total_lines) is False
            ):
                raise BundleRejected(4, "", "cancelled")
    return Parsed(content, problems, covered_found, strict_lines)


def check_records(
    parsed: Parsed,
    opened: OpenedBundle,
    repo: SyncRepo,
    certificates: dict[str, Any],
    now: dt.datetime,
    *,
    judges: Callable[[int], bool] | None = None,
) -> BundleContent:
    """The checks across records, after :func:`parse_records`: the manifest's list, the
    references, visits, cases, times and verdicts, attachments and the audit chain. With
    *judges*, the verdict of an inspection is judged again here only when it says so of the
    inspection's index (``rules.Judge`` judges the others in another process)."""
    m = opened.manifest
    content, problems, covered_found = parsed.content, parsed.problems, parsed.covered_found
    if problems:
        # Name what else is wrong with the records that could be read (their times,
        # signatures, results, attachments) in the same report; references and the
        # manifest's list would only repeat the lines that could not be read.
        _check_inspections(content, repo, certificates, now, problems, judges)
        _check_attachments(opened, content, problems)
        problems.raise_if_any()
    # The manifest's list of records must be exactly what the files hold.
    for table in COVERED_TABLES:
        listed = [tuple(x) for x in m.records.get(table, [])]
        found = covered_found.get(table, [])
        counts = Counter(k[0] for k, _ in found)
        if len(counts) != len(found):
            for key, where in found:
                if counts[key[0]] > 1:
                    problems.add(where, f"the record {key[0]} appears twice")
        if Counter(listed) != Counter(k for k, _ in found):
            listed_set = set(listed)
            missing = listed_set - {k for k, _ in found}
            entry = f"records/{table}.jsonl"
            for listed_key in sorted(missing):
                problems.add(
                    entry, f"the manifest lists {listed_key[0]} but the file does not hold it"
                )
            for key, where in found:
                if key not in listed_set:
                    problems.add(
                        where, "the record is not listed in the manifest (or with another hash)"
                    )
    problems.raise_if_any()
    _check_references(opened, content, repo, problems)
    _check_visits(content, repo, now, problems, set(opened.attachments))
    check_cases(content, repo, problems)
    _check_inspections(content, repo, certificates, now, problems, judges)
    _check_attachments(opened, content, problems)
    problems.raise_if_any()
    _check_audit(m, content, repo)
    return content
