"""Signing a document the program has just built (a summary, a campaign report, a case
document) with the identity given: a visible PAdES field where the builder reserved it.
A failure is an InputError of one sentence naming the identity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.errors import InputError

if TYPE_CHECKING:
    from ..crypto.keys import Identity
    from ..reports.report_data import BuiltReport


def sign_built(built: BuiltReport, identity: Identity, reason: str) -> bytes:
    """The signed PDF of *built* (made with ``for_signing=True``, so it has a signature box)."""
    from ..reports.signing import SigningError, sign_pdf

    if built.signature_box is None:
        raise InputError("identity", "the document was built without room for a signature")
    try:
        return sign_pdf(built.pdf, identity, built.signature_box, reason=reason)
    except SigningError as exc:
        raise InputError("identity", str(exc)) from None
