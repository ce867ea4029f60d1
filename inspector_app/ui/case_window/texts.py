"""The cases window's words: some are used in another sense than in the rest of the program
(案件的状态、来源 rather than a review's 审核状态 or a rule's 出处) and are looked up with the
gettext context "case"; the long sentences and the steps' titles."""

from __future__ import annotations

from ...i18n import tr, trc

# Words this window uses in another sense than the rest of the program (案件的状态、来源 rather
# than a review's 审核状态 or a rule's 出处): looked up with the gettext context "case".
_CASE_SENSE = frozenset({"State", "overdue", "Source", "Inspection"})


def t(text: str) -> str:
    """*text* in the window's language from the shared catalogue (for keys held in variables:
    states, sources, evidence kinds, steps); literal texts call ``tr`` / ``trc`` directly so
    that ``packaging/i18n.py extract`` sees them."""
    return trc("case", text) if text in _CASE_SENSE else tr(text)


NO_CANDIDATES = (
    "No failed inspection is waiting for a case: every failed inspection is in a case already."
)
NO_CASES = (
    "No cases yet: a case is opened from an inspection or visit that found a violation "
    "(case new on the command line)."
)
STEP_TITLES = {
    "file": "File the case…",
    "simple": "Decide on the spot…",
    "investigate": "Investigation done…",
    "notify": "Serve the prior notice…",
    "decide": "Decide…",
    "execute": "Record execution…",
    "close": "Close the case…",
    "order": "Order to correct…",
    "recheck": "Record the re-inspection…",
}
