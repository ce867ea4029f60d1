"""Display labels shared by the item models (words from the trade, zh/en)."""

from __future__ import annotations

from ...domain.models import CHECK_LABELS, FAMILY_LABELS, PREMISES_KINDS, STANDARD_KINDS
from ...i18n import pick, tr

VERDICT_TEXT = {"pass": "Pass", "fail": "Fail"}
STATUS_TEXT = {"draft": "Draft", "finalized": "Finalized"}
PREMISES_KIND_TEXT = dict(
    zip(
        PREMISES_KINDS,
        (
            "Market stall",
            "Filling station",
            "Optical shop",
            "Shop",
            "Market",
            "Producer",
            "Supermarket",
        ),
        strict=True,
    )
)
STANDARD_KIND_TEXT = dict(
    zip(
        STANDARD_KINDS,
        ("Test weight", "Metal can", "Reference lens", "Model eye", "PD sleeve", "Other"),
        strict=True,
    )
)


def family_label(family: str) -> str:
    pair = FAMILY_LABELS.get(family)
    return pick(pair) if pair else family


def check_label(check: str) -> str:
    pair = CHECK_LABELS.get(check)
    return pick(pair) if pair else check


def verdict_label(verdict: str | None) -> str:
    return tr(VERDICT_TEXT[verdict]) if verdict in VERDICT_TEXT else "—"


def verify_status_label(status: str) -> str:
    """A `verify` verdict (VALID, MODIFIED-AFTER-SIGNING, …, or UNSIGNED) in the window's
    language."""
    return tr(status)


def status_label(status: str) -> str:
    return tr(STATUS_TEXT.get(status, status))


def premises_kind_label(kind: str) -> str:
    return tr(PREMISES_KIND_TEXT.get(kind, kind))


def standard_kind_label(kind: str) -> str:
    return tr(STANDARD_KIND_TEXT.get(kind, kind))


def when_label(iso: str) -> str:
    """``2026-01-05T08:30`` → ``2026-01-05 08:30``."""
    return (iso or "").replace("T", " ")[:16]
