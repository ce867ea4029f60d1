"""The inspection editor: one window editing one inspection, built from the family's form.

Header (premises, instrument, kind of check, rule set, inspector, time, place, environment,
standards used), the checklist, one readings table per test with error / MPE / verdict
recomputed by the rules engine on every edit, the error chart, findings, photos and
signatures. Every edit is an undo command; the draft is saved 500 ms after each change and
on close (``store.inspections.save_draft``: one transaction, WAL, synchronous FULL), so
closing the window or killing the process loses nothing typed.

Contract with the main window::

    editor = InspectionEditor(store, inspection_id, parent=None)
    editor = InspectionEditor.new_for_instrument(store, instrument_id, inspector, check="in_service")
    editor.saved -> str (inspection id); editor.finalized -> str; editor.corrected -> (old id, new id)
    editor.inspection_menu: QMenu where other modules add actions (e.g. report export)
    editor.signer: optional callable(content_hash) -> (signature, signer) used on finalize

The window is one class put together from one part per section, each in its own module:

- :mod:`.window` the window: laying the sections out, loading the record, read-only, title,
  language, closing
- :mod:`.base` what the parts share: the record, the store, the undo command of an edit
- :mod:`.actions` the Inspection menu and the toolbar with their shortcuts
- :mod:`.header` premises, instrument, kind of check, rule set, inspector, time, place,
  environment, reference standards used
- :mod:`.checklist` the checklist and the findings
- :mod:`.readings` one readings table per test (and a fuel dispenser's further flow rates)
- :mod:`.photos` the photos and the two signature pads
- :mod:`.verdict` the right-hand panel: verdict, failed items, error chart, state, and the
  supervisor's review at the top
- :mod:`.autosave` judging again after each edit and saving the draft
- :mod:`.finalize` finalize, correct, export the report
- :mod:`.signing` the signing identity: the passphrase once per session, the signature
"""

from .photos import SIGNATURE_ROLES
from .signing import forget_unlocked_identities
from .window import InspectionEditor

__all__ = ["SIGNATURE_ROLES", "InspectionEditor", "forget_unlocked_identities"]
