"""Documents of an enforcement case, zh or en, one module per document:

- :mod:`.site_record` 现场检查笔录 (on-site inspection record of the visit the case came from)
- :mod:`.filing` 立案审批表 (filing approval form)
- :mod:`.order` 责令改正通知书 (order to correct)
- :mod:`.notice` 行政处罚告知书 (prior notice of an administrative penalty)
- :mod:`.decision` 行政处罚决定书 (administrative penalty decision)
- :mod:`.closure` 结案审批表 (case closure approval form)

Each module has a ``*_content`` function (the content the document is made from: embedded,
hashed and signed) and a ``build_*`` function (the PDF). They are made like the inspection
reports, on the page frame of :mod:`.frame`: the embedded font, the page furniture,
PDF/A-3b, the content embedded as ``inspection-record.json`` (kind ``case_document``) with its
SHA-256 and number in the metadata, and a box for the visible signature, so that the
program's signing function signs it and ``verify`` checks it. The table shapes the
documents repeat (officers, approvals, signature lines) are in :mod:`.tables`.

A new document: a module here with its number prefix, its content and build functions, an
entry in :data:`CASE_PREFIXES` (``verify`` reads the kind from the number) and in the case
service's list of document kinds.
"""

from __future__ import annotations

from .closure import CLOSURE_PREFIX, build_closure_document, closure_content
from .decision import DECISION_PREFIX, build_decision_document, decision_content
from .filing import FILING_PREFIX, build_filing_document, filing_content
from .frame import decision_lines
from .notice import NOTICE_PREFIX, build_notice_document, notice_content
from .order import ORDER_PREFIX, build_order_document, order_content
from .site_record import SITE_RECORD_PREFIX, build_site_record, site_record_content

# the number prefix of each document kind
CASE_PREFIXES = {
    "order": ORDER_PREFIX,
    "filing": FILING_PREFIX,
    "site_record": SITE_RECORD_PREFIX,
    "notice": NOTICE_PREFIX,
    "decision": DECISION_PREFIX,
    "closure": CLOSURE_PREFIX,
}

__all__ = [
    "CASE_PREFIXES",
    "build_closure_document",
    "build_decision_document",
    "build_filing_document",
    "build_notice_document",
    "build_order_document",
    "build_site_record",
    "closure_content",
    "decision_content",
    "decision_lines",
    "filing_content",
    "notice_content",
    "order_content",
    "site_record_content",
]
