"""A case's deadlines: the working-day calendar in force (shipped, or a newer one an office
stored here or sent in its bundle, checked against a trusted office key), and the deadlines
running for a case from its dates and pauses, each with whether it is overdue. Deadlines are
never stored; they are computed each time with the calendar in force.
"""

from __future__ import annotations

import datetime as dt

from ..domain import deadlines as dd
from ..domain.cases import Case
from ..domain.errors import InputError
from .case_common import as_date, repo


def work_calendar(store) -> dd.WorkCalendar:
    """The shipped holiday calendar, or the newer one an office stored in this database."""
    stored = repo(store).data_file("cn_workdays")
    return dd.load_calendar(newer_text=stored[1] if stored else None)


def install_calendar(store, text: str, actor: str) -> dd.WorkCalendar:
    """Keep an office's newer calendar file in the database (checked before it is kept)."""
    cal = dd.parse_calendar(text, "calendar file")
    if not cal.version:
        raise InputError("calendar file", "has no version")
    repo(store).set_data_file("cn_workdays", cal.version, text, actor)
    return cal


def deadlines(store, case: Case, today: dt.date | None = None, cal=None) -> list[dict]:
    """The deadlines running for *case*, each with whether it is overdue today."""
    cal = cal or work_calendar(store)
    today = today or dt.date.today()
    pauses = [
        dd.Pause(as_date(p["first"], "pause"), as_date(p["last"], "pause")) for p in case.pauses
    ]
    out: list[dd.Deadline] = []
    if case.status == "clue":
        out.append(dd.filing_deadline(cal, as_date(case.clue_date, "clue_date"), pauses))
    if case.status in ("filed", "investigated", "notified"):
        out.append(dd.decision_deadline(cal, as_date(case.dates["filed"], "filed"), pauses))
    if case.status == "notified":
        out.append(dd.reply_deadline(cal, as_date(case.dates["notified"], "notified")))
    if case.status == "decided" and case.decision and case.decision.fine:
        served = [s for s in case.services if s.document == "decision"]
        out.append(dd.payment_deadline(cal, as_date(served[-1].date, "served")))
    for o in case.orders:
        if o.corrected is None:
            out.append(dd.Deadline("correction", as_date(o.deadline, "deadline"), o.basis))
    result = []
    for d in out:
        item = d.as_dict()
        # the reply window is the party's: it is not "overdue" for the office
        item["overdue"] = d.key != "reply" and today > d.due
        result.append(item)
    return result
