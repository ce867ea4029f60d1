"""What verifying a signed document gives: the verdicts (worst first, each with its exit
code), what is trusted (certificates, CAs, revocations) and the result of each signature and
of the whole file. The checks themselves are in :mod:`.verify` (the file and its record) and
:mod:`.verify_signature` (one signature)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography import x509

VALID = "VALID"
MODIFIED = "MODIFIED-AFTER-SIGNING"
INVALID = "INVALID"
UNTRUSTED = "UNTRUSTED"
UNREADABLE = "UNREADABLE"
WRONG_SIGNER = "WRONG-SIGNER"
INDETERMINATE = "INDETERMINATE"
REVOKED = "REVOKED"
SUPERSEDED = "SUPERSEDED"
# worst first: the verdict of a file is the worst verdict of its signatures and its record
STATUSES = (
    UNREADABLE,
    INVALID,
    MODIFIED,
    REVOKED,
    UNTRUSTED,
    WRONG_SIGNER,
    INDETERMINATE,
    SUPERSEDED,
    VALID,
)
# exit status of ``inspector-app verify`` per verdict (0 only for VALID; 1 and 2 are the
# command line's own: an unexpected failure and bad usage / a file that cannot be read)
EXIT_CODES = {
    VALID: 0,
    MODIFIED: 3,
    INVALID: 4,
    UNTRUSTED: 5,
    UNREADABLE: 6,
    WRONG_SIGNER: 7,
    INDETERMINATE: 8,
    REVOKED: 9,
    SUPERSEDED: 10,
}
# a laptop clock a little ahead of this one is not "the future"
CLOCK_SKEW = dt.timedelta(minutes=10)

# lookup(inspection_id, report_no, record_hash) -> {"found": bool, "content_hash": ...,
# "recomputed": ..., "superseded_by": <newer revision's report number or id> | None}
RecordLookup = Callable[[str, str, str], dict[str, Any]]


@dataclass
class TrustedCert:
    """A certificate this computer trusts, and as what.

    kind: ``certificate`` (an inspector), ``office`` (an office countersigner), ``ca`` (a
    certification authority: every certificate it issued is trusted) or ``own`` (this
    laptop's own certificate, current or earlier; *retired_at* ends its window)."""

    certificate: x509.Certificate
    kind: str = "certificate"
    name: str = ""
    retired_at: str | None = None


@dataclass
class RevokedCert:
    issuer_fingerprint: str
    serial: str
    revoked_at: str
    reason: str = ""


@dataclass
class TrustSet:
    certificates: list[TrustedCert] = field(default_factory=list)
    revocations: list[RevokedCert] = field(default_factory=list)

    @classmethod
    def of(cls, trusted: TrustSet | Iterable[TrustedCert | x509.Certificate]) -> TrustSet:
        """A TrustSet from a TrustSet or a plain list of certificates (CA certificates, by
        their basic constraints, become CAs)."""
        if isinstance(trusted, TrustSet):
            return trusted
        from ..crypto.ca import is_ca_certificate

        return cls(
            [
                c
                if isinstance(c, TrustedCert)
                else TrustedCert(c, "ca" if is_ca_certificate(c) else "certificate")
                for c in trusted
            ]
        )


@dataclass
class SignatureCheck:
    """One signature of the file."""

    field: str
    status: str = VALID
    reason: str = ""
    signer: str | None = None
    signer_fingerprint: str | None = None
    serial: str | None = None
    issuer: str | None = None
    role: str = ""  # inspector / office countersigner / unknown
    signing_time: str | None = None
    # (dataclasses.field: this class has a field named "field")
    byte_range: list[int] = dataclasses.field(default_factory=list)
    revision: int = 0  # the revision it signs (0 = the first)
    covers: str = ""


@dataclass
class VerifyResult:
    status: str
    reason: str
    signer: str | None = None
    signer_fingerprint: str | None = None
    signing_time: str | None = None
    report_no: str | None = None
    record_hash: str | None = None
    inspection_id: str | None = None
    record_check: str = "not checked"  # matches / mismatch / not in database / not checked
    superseded_by: str | None = None
    revisions: int = 0
    signatures: list[SignatureCheck] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["exit_code"] = self.exit_code
        return out
