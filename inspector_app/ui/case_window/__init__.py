"""The enforcement cases window (案件): the list of cases with their state and next deadline,
and a page for the chosen case (party, articles, evidence, deadlines, the events timeline and
its documents) with the actions of the next legal step.

Every action opens a small form (window-modal, never a blocking ``exec``) that calls
``services.cases``; a refusal is shown in the form as the service's one sentence and nothing
typed is lost. Opened from Enforcement → Cases… (Ctrl+Shift+J) and from the overdue case
deadlines on Today's work.

- :mod:`.window` the window: the list with its filters, the case page, the language
- :mod:`.page` the case page's text: particulars, deadlines, evidence, the history as who
  did what, and the next legal steps of a case
- :mod:`.step_form` the small form of one step
- :mod:`.steps` the forms of each legal step and of a new case
- :mod:`.documents` saving a case's documents as PDF (signed when asked)
- :mod:`.texts` the window's words (the sense of "State", "Source"… in a case)
"""

from .texts import t
from .window import CaseWindow, open_case_window

__all__ = ["CaseWindow", "open_case_window", "t"]
