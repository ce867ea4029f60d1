"""Visits in the window: the Visits page (list, new visit) and the visit editor with its
keyboard-first sweep table.

The sweep table is made for walking the stalls of a market: the cursor starts on the first
row; **Space** marks the row OK (mark, seal, nameplate and type approval present, no sign of
cheating) and moves down; **Enter** moves down; in a check column **N** records a "no"
(**Y** a "yes", **-** not applicable), in the cheating column **Y** records a sign of
cheating; typing a number in the load or indication column edits it and the reading is
judged at once against the in-service MPE; **C** anywhere on a row records a sign of
cheating. **Ctrl+R** marks every unchecked row OK ("rest all OK"); **Ctrl+I** opens a full
inspection of the row's instrument with what the row holds. Every change is saved at once.

- :mod:`.editor` the visit editor window: its layout, texts, finalize and read-only
- :mod:`.header` kind, time, officers, place and notes of the visit
- :mod:`.photos` the visit's photos
- :mod:`.duties` the duties of the premises (a market's, an optician's, a filling station's)
- :mod:`.sweep` the sweep table, its keyboard and its rows
- :mod:`.page` the Visits page and the New visit dialog
"""

from .editor import VisitEditor
from .page import NewVisitDialog, VisitsPage
from .sweep import COLUMNS

__all__ = ["COLUMNS", "NewVisitDialog", "VisitEditor", "VisitsPage"]
