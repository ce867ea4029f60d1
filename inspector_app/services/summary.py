"""The period summary PDF: finalized inspections (newest revision of each record) of a period,
optionally of one premises, city or market, with their failed items named by the one
definition; signed like a report when an identity is given.
"""

from __future__ import annotations

from ..domain.errors import InputError
from .certificates import AUTHORITY_META, issuing_body
from .reports import report_data


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
    from .signing import sign_built

    return sign_built(built, identity, "Summary of inspections")


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
