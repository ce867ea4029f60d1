"""What every case service shares: the case repository, the article catalogue, dates given as
text, a device's four-letter code in its case numbers, and finding a case by its number or
the first characters of its id.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..domain import cases as dc
from ..domain.cases import Case
from ..domain.errors import InputError
from ..store.cases import CaseRepo


def repo(store) -> CaseRepo:
    return CaseRepo(store)


_ARTICLES: dc.ArticleCatalogue | None = None


def articles() -> dc.ArticleCatalogue:
    global _ARTICLES
    if _ARTICLES is None:
        _ARTICLES = dc.load_articles()
    return _ARTICLES


def as_date(text, where: str) -> dt.date:
    """A date given as ``YYYY-MM-DD`` text (or a date); InputError naming *where* otherwise."""
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise InputError(where, f"{text!r} is not a date (YYYY-MM-DD)") from None


# Letters only (no I, L, O: read aloud or copied by hand they pass for 1 and 0), so the
# code never looks like the year or the running number around it.
_CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"


def device_code(device_id: str) -> str:
    """The four-letter code of a device inside its case numbers (``2025-KMPX-0001``): the
    same on every run of one database, different between laptops without any coordination
    (23**4 = 279,841 codes; two devices that still draw the same code and number are caught
    by the bundle merge as a taken case number)."""
    n = int.from_bytes(hashlib.sha256(device_id.encode("utf-8")).digest()[:8], "big")
    out = []
    for _ in range(4):
        n, k = divmod(n, len(_CODE_LETTERS))
        out.append(_CODE_LETTERS[k])
    return "".join(out)


def resolve(store, ident: str) -> Case:
    found = repo(store).find(ident)
    if not found:
        raise InputError("case", f"no case {ident!r} (give its number or 6+ characters of its id)")
    if len(found) > 1:
        numbers = ", ".join(c.case_no for c in found[:5])
        raise InputError(
            "case", f"{ident!r} matches {len(found)} cases ({numbers}); give the full number"
        )
    return found[0]
