"""Reading an untrusted bundle: stages 1 (archive limits), 2 (signature) and 3 (exact entry set).

Nothing is trusted before it is checked. The archive's central directory is checked against
hard limits before any content is read; the manifest's exact bytes are checked against the
enrolled keys (a certificate shipped inside the bundle never counts); then every entry is
read once, while hashing, with a hard cap on the bytes read, and compared with the manifest.
Records are read exactly once and kept in memory, so nothing can change between the check
and the merge. Attachments (camera photos: most of a bundle's bytes) are not all held in
memory: a small one is read whole here; of a larger one only its first bytes (enough for the
image header checks) are read here, and the merge reads it once, hashing as it stores it,
and refuses the import inside its transaction when the bytes are not the signed ones.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import operator
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from ..crypto import keys
from ..domain.errors import InputError
from .entries import (
    DIRECT_UP_TO,
    LOCAL_HEADER,
    LOCAL_HEADER_SIZE,
    read_entry,
    read_large,
    read_small,
    read_smalls,
)
from .format import (
    DEFAULT_LIMITS,
    MANIFEST,
    NAME_RE,
    REPORT_PREFIX,
    SIGNATURE,
    SIGNER,
    BundleRejected,
    Limits,
    unsafe_char,
)
from .manifest import Manifest, parse_manifest
from .records_ahead import records_ahead

if TYPE_CHECKING:
    from ..store.trust import TrustedKey

ENCRYPTED_FLAGS = 0x1 | 0x40  # traditional PKWARE encryption, strong encryption
# progress(stage, done, total) -> False to cancel
Progress = Callable[[str, int, int], object]


@dataclass
class SignerInfo:
    fingerprint: str
    name: str
    trusted: bool


@dataclass
class OpenedBundle:
    """A bundle that passed stages 1 to 3: its manifest and the verified bytes of every entry."""

    path: Path
    manifest_bytes: bytes
    manifest: Manifest
    signer: SignerInfo
    records: dict[str, bytes] = field(default_factory=dict)  # table -> jsonl bytes
    # sha256 -> bytes, or a ZipAttachment for a large one left in the archive
    attachments: dict[str, bytes | ZipAttachment] = field(default_factory=dict)
    reports: dict[str, bytes] = field(default_factory=dict)  # inspection id -> signed PDF
    archive: zipfile.ZipFile | None = None  # open while attachments are left in it (ZipAttachment)

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None


# An attachment up to this size is read whole in stage 3; a larger one is streamed by the merge.
STREAM_FROM = 64 * 1024
HEAD_BYTES = 64 * 1024  # what the image header checks read (JPEG markers, PNG IHDR, WebP)


@dataclass(eq=False)
class ZipAttachment:
    """An attachment left in the archive until the merge stores it: its size is the signed
    one, *head* its first bytes as read in stage 3 (the image checks look at them).
    :meth:`read` reads it again, checks its SHA-256 against the manifest and that it starts
    with *head*, and raises BundleRejected (stage 3) otherwise."""

    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    sha256: str
    size: int
    head: bytes

    def __len__(self) -> int:
        return self.size

    def read(self) -> bytes:
        data = read_entry(self.archive, self.info, self.size, 3, self.sha256)
        if len(data) != self.size or not data.startswith(self.head):
            raise BundleRejected(3, self.info.filename, "changed while it was being imported")
        return data

    __bytes__ = read


@contextlib.contextmanager
def _closed_unless_kept(zf: zipfile.ZipFile) -> Iterator[list[zipfile.ZipFile]]:
    """Closes *zf* on leaving, unless something was appended to the list it yields: then the
    bundle read from it still streams attachments from it, and its importer closes it
    (``OpenedBundle.close``)."""
    kept: list[zipfile.ZipFile] = []
    try:
        yield kept
    except BaseException:
        zf.close()
        raise
    if not kept:
        zf.close()


def _head(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first bytes of an attachment that its image checks look at (see _image_head)."""
    try:
        with zf.open(info) as fh:
            return _image_head(fh.read(HEAD_BYTES))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise BundleRejected(3, info.filename, f"is damaged or truncated ({exc})") from None


def _image_head(data: bytes) -> bytes:
    """*data* cut after a JPEG's frame header (its size) when one is found by walking the
    segments the way ``validate.image_size`` does, else its first 64 bytes for PNG and WebP
    (whose size is within them), else all of it: a few hundred bytes per photo are kept until
    the merge, not the whole first block."""
    if data.startswith(b"\x89PNG") or data[:4] == b"RIFF":
        return data[:64]
    if not data.startswith(b"\xff\xd8\xff"):
        return data
    i, n = 2, len(data)
    while i + 4 <= n and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:
            i += 2
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a frame header
            return data[: i + 9]
        elif marker in (0xD9, 0xDA):
            break
        else:
            i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return data


# -- stage 1 ------------------------------------------------------------------------------
# One search finds whether a name needs a closer look at all (most names are fine).
_SUSPECT_NAME = re.compile(r"^[/\\]|^.:|\\|(?:^|/)\.\.(?:/|$)|[^\x20-\x7e]", re.DOTALL)


def _name_problem(name: str) -> str | None:
    if _SUSPECT_NAME.search(name) is None:
        return None
    bad = unsafe_char(name)
    if bad is not None:  # NUL, newline, right-to-left override, zero-width characters ...
        return f"contains the invisible or control character U+{ord(bad):04X}"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if "\\" in name:
        return "contains a backslash"
    if ".." in name.split("/"):
        return "contains a '..' segment"
    return None  # other non-ASCII text: refused below as a name a bundle may not contain


def _check_layout(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """The archive must start with its first entry and hold nothing between or around its
    entries: zipfile tolerates data prepended to an archive (and finds the entries by the
    offset of the central directory), so 20 MiB of anything can ride along unseen."""
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start != LOCAL_HEADER:
        raise BundleRejected(
            1, "", "the file does not start with a zip entry (data before the archive?)"
        )
    offsets = sorted(infos, key=operator.attrgetter("header_offset"))
    if not offsets or offsets[0].header_offset != 0:
        raise BundleRejected(1, "", "the first entry does not start at the beginning of the file")
    end = 0
    for info in offsets:
        if info.header_offset < end:
            raise BundleRejected(1, info.filename, "overlaps the entry before it")
        end = (
            info.header_offset
            + LOCAL_HEADER_SIZE
            + len(info.orig_filename.encode("utf-8"))
            + info.compress_size
        )
    if end > zf.start_dir:
        raise BundleRejected(1, offsets[-1].filename, "runs into the central directory")


def _open_zip(path: Path) -> zipfile.ZipFile:
    """The archive, its directory's names without the UTF-8 flag decoded as ASCII (C's
    decoder, not cp437's Python codec, for 20,000 names); an archive with another such name
    is read again the default way (the names it always got). Its entries open as before."""
    try:
        zf = zipfile.ZipFile(path, metadata_encoding="ascii")
    except UnicodeDecodeError:
        return zipfile.ZipFile(path)
    zf.metadata_encoding = None  # type: ignore[attr-defined]  # (not in typeshed)
    return zf


def check_archive(
    path: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Stage 1: the central directory against the limits. Returns the open archive."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise BundleRejected(1, "", f"the file cannot be read ({exc.strerror})") from None
    if size > limits.max_bundle_bytes:
        raise BundleRejected(
            1, "", f"the file is too large ({size} bytes, at most {limits.max_bundle_bytes})"
        )
    try:
        zf = _open_zip(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise BundleRejected(1, "", f"not a zip archive, or truncated or damaged ({exc})") from None
    try:
        _check_infos(infos, limits)
        _check_layout(path, zf, infos)
    except BaseException:
        zf.close()
        raise
    return zf, infos


# Every name a bundle may hold (format.NAME_RE), each followed by a newline: one match over
# all the names of an archive at once.
_NAME_LINES = re.compile("(?:" + NAME_RE.pattern.removeprefix("^").removesuffix(r"\Z") + "\n)*")
_FILE_TYPE = 0o170000 << 16  # stat.S_IFMT's bits of a ZipInfo's external_attr
_REGULAR = stat.S_IFREG << 16


def _infos_fine(infos: list[zipfile.ZipInfo], limits: Limits) -> bool:
    """Whether :func:`_check_infos` would find nothing to refuse, by whole columns (the
    names in one match, the sizes by largest and sum...), not entry by entry (20,000 small
    photos). Names a bundle may hold have no name problem, are no directory, and are ASCII.
    False: the checks one entry at a time, which name the entry and the refusal."""
    n = len(infos)
    if not n or n > limits.max_entries:
        return False
    names = [i.orig_filename for i in infos]
    joined = "\n".join(names)
    if joined.count("\n") != n - 1 or _NAME_LINES.fullmatch(joined + "\n") is None:
        return False
    if [i.filename for i in infos] != names or len(set(names)) != n:
        return False  # (a name cut at a NUL byte, or twice)
    if joined.lower() != joined and len({*joined.lower().split("\n")}) != n:
        return False  # (twins but for letter case: the names are ASCII)
    sizes = [i.file_size for i in infos]
    if max(sizes) > limits.max_entry_bytes or sum(sizes) > limits.max_total_bytes:
        return False
    kinds = {(i.external_attr & _FILE_TYPE, i.flag_bits & ENCRYPTED_FLAGS) for i in infos}
    if not kinds <= {(0, 0), (_REGULAR, 0)}:
        return False
    if not {i.compress_type for i in infos} <= {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
        return False
    floor, ratio = limits.ratio_floor, limits.max_ratio
    if any(
        size > floor and size > ratio * max(i.compress_size, 1)
        for size, i in zip(sizes, infos, strict=True)
    ):
        return False
    return ("\n" + REPORT_PREFIX) not in ("\n" + joined) or all(
        i.file_size <= limits.max_report_bytes
        for i in infos
        if i.orig_filename.startswith(REPORT_PREFIX)
    )


def _check_infos(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if _infos_fine(infos, limits):
        return
    if len(infos) > limits.max_entries:
        raise BundleRejected(
            1, "", f"too many entries ({len(infos)}, at most {limits.max_entries})"
        )
    total = 0
    for info in infos:
        name = info.orig_filename  # zipfile cuts .filename at a NUL byte
        shown = name[:120]
        problem = _name_problem(name)
        if problem:
            raise BundleRejected(1, shown, f"the name {problem}")
        if info.is_dir():
            raise BundleRejected(1, shown, "is a directory entry")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise BundleRejected(1, shown, "is a symbolic link")
        if mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            raise BundleRejected(1, shown, "is not a regular file")
        if info.flag_bits & ENCRYPTED_FLAGS:
            raise BundleRejected(1, shown, "is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BundleRejected(
                1, shown, f"uses an unsupported compression method ({info.compress_type})"
            )
        if info.file_size > limits.max_entry_bytes:
            raise BundleRejected(
                1, shown, f"is too large ({info.file_size} bytes, at most {limits.max_entry_bytes})"
            )
        if name.startswith(REPORT_PREFIX) and info.file_size > limits.max_report_bytes:
            raise BundleRejected(
                1,
                shown,
                f"is too large for a report PDF ({info.file_size} bytes, at most "
                f"{limits.max_report_bytes})",
            )
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise BundleRejected(
                1, shown, f"compression ratio {ratio}:1 is above {limits.max_ratio}:1 (zip bomb?)"
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise BundleRejected(
                1, "", f"the entries add up to more than {limits.max_total_bytes} bytes"
            )
    seen: set[str] = set()
    folded: dict[str, str] = {}
    for info in infos:
        name = info.filename
        if name in seen:
            raise BundleRejected(1, name[:120], "appears twice in the archive")
        seen.add(name)
        key = name.casefold()
        if key in folded:
            raise BundleRejected(
                1, name[:120], f"differs from {folded[key][:120]!r} only in letter case"
            )
        folded[key] = name
    for info in infos:
        if not NAME_RE.match(info.filename):
            raise BundleRejected(1, info.filename[:120], "is not a name a bundle may contain")


# -- stage 2 ------------------------------------------------------------------------------
def verify_signature(
    manifest_bytes: bytes, signature: bytes, signer_pem: bytes | None, trusted: Iterable[TrustedKey]
) -> SignerInfo:
    """Stage 2: the signature over the exact manifest bytes must verify with an enrolled key.

    *trusted* holds rows with ``fingerprint``, ``name`` and ``public_pem`` (``store.trust.list()``).
    The certificate shipped in the bundle is used only to say who signed when no enrolled key
    matches; it never makes a bundle acceptable.
    """
    for key in trusted:
        try:
            cert = keys.load_certificate(key.public_pem.encode("utf-8"))
        except keys.KeyError_:
            continue
        if keys.fingerprint(cert) != key.fingerprint:
            continue
        if keys.verify_signature(cert, manifest_bytes, signature):
            if problem := keys.signer_certificate_problem(cert):  # expired or not yet valid
                raise BundleRejected(2, SIGNATURE, problem)
            return SignerInfo(key.fingerprint, key.name, True)
    shipped = None
    if signer_pem:
        try:
            shipped = keys.load_certificate(signer_pem)
        except keys.KeyError_:
            shipped = None
    if shipped is not None and keys.verify_signature(shipped, manifest_bytes, signature):
        raise BundleRejected(
            2,
            SIGNATURE,
            f"the signature is valid but its key ({keys.common_name(shipped)}, "
            f"{keys.fingerprint(shipped)[:16]}…) is not enrolled on this computer",
        )
    raise BundleRejected(
        2, SIGNATURE, "the signature does not match the manifest with any enrolled key"
    )


@overload
def _fixed(
    zf: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    name: str,
    cap: int,
    required: Literal[True] = True,
) -> bytes: ...


@overload
def _fixed(
    zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo], name: str, cap: int, required: bool
) -> bytes | None: ...


def _fixed(
    zf: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    name: str,
    cap: int,
    required: bool = True,
) -> bytes | None:
    info = by_name.get(name)
    if info is None:
        if required:
            raise BundleRejected(2, name, "is missing")
        return None
    if info.file_size > cap:
        raise BundleRejected(2, name, f"is too large ({info.file_size} bytes, at most {cap})")
    return read_entry(zf, info, cap, 2)


# -- stages 1 to 3 ------------------------------------------------------------------------
def read_bundle(
    path: str | os.PathLike[str],
    trusted: Iterable[TrustedKey],
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    on_record: Callable[[OpenedBundle, str, bytes], object] | None = None,
) -> OpenedBundle:
    """Run stages 1 to 3; returns the verified entries or raises BundleRejected.
    *on_record* is called with each records entry's table and bytes as soon as the entry is
    read and verified, in the order of :func:`record_order` (the records come before the
    attachments and reports)."""
    path = Path(path)
    zf, infos = check_archive(path, limits)
    with _closed_unless_kept(zf) as kept:
        by_name = {i.filename: i for i in infos}
        manifest_bytes = _fixed(zf, by_name, MANIFEST, limits.max_manifest_bytes)
        signature = _fixed(zf, by_name, SIGNATURE, limits.max_signature_bytes)
        signer_pem = _fixed(zf, by_name, SIGNER, limits.max_signer_bytes, required=False)
        signer = verify_signature(manifest_bytes, signature, signer_pem, trusted)
        # Signed by a key this database trusts: the records are inflated in a thread from here
        # on, while the manifest and the small entries are read here (.records_ahead).
        ahead = records_ahead(zf, infos)
        try:
            try:
                manifest = parse_manifest(manifest_bytes)
            except InputError as exc:
                raise BundleRejected(
                    3,
                    MANIFEST,
                    f"{exc.path}: {exc.message}" if exc.path != "manifest" else exc.message,
                ) from None
            if manifest.signer_fingerprint != signer.fingerprint:
                raise BundleRejected(
                    3, MANIFEST, "the manifest names another signer than the key that signed it"
                )
            present = set(by_name) - {MANIFEST, SIGNATURE, SIGNER}
            listed = set(manifest.entries)
            for name in sorted(listed - present):
                raise BundleRejected(
                    3, name, "is listed in the manifest but missing from the archive"
                )
            for name in sorted(present - listed):
                raise BundleRejected(3, name, "is in the archive but not listed in the manifest")
            opened = OpenedBundle(path, manifest_bytes, manifest, signer)
            names = sorted(listed)  # then the records first (between "records/" and "records0")
            lo, hi = bisect.bisect_left(names, "records/"), bisect.bisect_left(names, "records0")
            names = names[lo:hi] + names[:lo] + names[hi:]
            total, n_records = len(names), hi - lo

            def deliver(name: str, data: bytes) -> None:
                table = name[len("records/") : -len(".jsonl")]
                opened.records[table] = data
                if on_record is not None:
                    on_record(opened, table, data)

            read: dict[str, bytes] | None = None  # the small entries, read together (read_smalls)
            if ahead is not None:  # the signed sums: from here on it hands the records over
                ahead.expect(manifest.entries, deliver)
                read = read_smalls(zf, _small(names[n_records:], manifest, by_name))
            for k, name in enumerate(names):
                if read is None and not name.startswith("records/"):  # (once the records are)
                    read = read_smalls(zf, _small(names[k:], manifest, by_name))
                if ahead is not None and k < n_records and ahead.handed_over(name):
                    _go_on(progress, k, total)
                    continue
                data = read.pop(name, None) if read else None
                if data is not None:  # read together: its checks below passed (see _small)
                    if name.startswith("attachments/"):
                        opened.attachments[name[len("attachments/") :]] = data
                    else:
                        opened.reports[name[len(REPORT_PREFIX) : -len(".pdf")]] = data
                    _go_on(progress, k, total)
                    continue
                sha, size = manifest.entries[name]
                info = by_name[name]
                if info.file_size != size:
                    raise BundleRejected(
                        3, name, f"the archive says {info.file_size} bytes, the manifest {size}"
                    )
                if name.startswith("attachments/") and size > STREAM_FROM:
                    head = _head(zf, info)
                    opened.attachments[name.split("/", 1)[1]] = ZipAttachment(
                        zf, info, sha, size, head
                    )
                    opened.archive = zf
                    kept.append(zf)
                    continue
                if size <= DIRECT_UP_TO and info.compress_size <= DIRECT_UP_TO:
                    data = read_small(zf, info, size, 3, sha)
                else:  # records (and report PDFs): whole, or through zipfile when amiss
                    data = read_large(zf, info, size, 3, sha)
                if (
                    len(data) != size
                ):  # pragma: no cover - the readers yield file_size (== size) bytes or raise
                    raise BundleRejected(
                        3, name, f"holds {len(data)} bytes, the manifest says {size}"
                    )
                if name.startswith("records/"):
                    deliver(name, data)
                elif name.startswith(REPORT_PREFIX):
                    opened.reports[name[len(REPORT_PREFIX) : -len(".pdf")]] = data
                else:
                    opened.attachments[name.split("/", 1)[1]] = data
                _go_on(progress, k, total)
        finally:
            if ahead is not None:  # (a refusal or a cancel: the thread ends first)
                ahead.stop()
    return opened


def _go_on(progress: Progress | None, k: int, total: int) -> None:
    """Tell the progress callback every 50 entries; it may cancel (a refusal)."""
    if progress is not None and k % 50 == 0 and progress("entries", k, total) is False:
        raise BundleRejected(3, "", "cancelled")


def _small(
    names: list[str], manifest: Manifest, by_name: dict[str, zipfile.ZipInfo]
) -> list[tuple[int, zipfile.ZipInfo, int, str]]:
    """(offset, info, size, sha256) of the entries among *names* that read_bundle reads with
    read_small (small ones whose archive size is the signed one)."""
    out = []
    entries = manifest.entries
    for name in names:
        sha, size = entries[name]
        info = by_name[name]
        if info.file_size == size <= DIRECT_UP_TO and info.compress_size <= DIRECT_UP_TO:
            if size <= STREAM_FROM or not name.startswith("attachments/"):
                out.append((info.header_offset, info, size, sha))
    return out


def record_order(manifest: Manifest) -> list[tuple[str, int]]:
    """The records entries' tables with their signed sizes, in the order :func:`read_bundle`
    reads them (by name, before every other entry)."""
    return [
        (name[len("records/") : -len(".jsonl")], size)
        for name, (_sha, size) in sorted(manifest.entries.items())
        if name.startswith("records/")
    ]


def peek(
    path: str | os.PathLike[str], trusted: Iterable[TrustedKey], limits: Limits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """What ``bundle inspect`` shows: stage 1, the manifest and the signature's status, no import.

    Raises BundleRejected when the archive or the manifest cannot be read at all.
    """
    path = Path(path)
    zf, infos = check_archive(path, limits)
    with zf:
        by_name = {i.filename: i for i in infos}
        manifest_bytes = _fixed(zf, by_name, MANIFEST, limits.max_manifest_bytes)
        signature = _fixed(zf, by_name, SIGNATURE, limits.max_signature_bytes)
        signer_pem = _fixed(zf, by_name, SIGNER, limits.max_signer_bytes, required=False)
    try:
        manifest = parse_manifest(manifest_bytes)
    except InputError as exc:
        raise BundleRejected(3, MANIFEST, f"{exc.path}: {exc.message}") from None
    try:
        signer = verify_signature(manifest_bytes, signature, signer_pem, trusted)
        trust = "trusted"
        trust_reason = ""
    except BundleRejected as exc:
        signer = SignerInfo(manifest.signer_fingerprint, manifest.signer_name, False)
        trust, trust_reason = "untrusted", exc.reason
    return {
        "file": str(path),
        "size": os.path.getsize(path),
        "bundle_id": manifest.bundle_id,
        "format_version": manifest.version,
        "direction": manifest.direction,
        "source_device": manifest.source_device,
        "created_at": manifest.created_at,
        "app_version": manifest.app_version,
        "signer": {"fingerprint": signer.fingerprint, "name": signer.name},
        "trust": trust,
        "trust_reason": trust_reason,
        "audit_head": {"seq": manifest.audit_head[0], "hash": manifest.audit_head[1]},
        "counts": {table: len(items) for table, items in sorted(manifest.records.items())},
        "entries": len(manifest.entries),
        "attachments": sum(1 for n in manifest.entries if n.startswith("attachments/")),
        "reports": sum(1 for n in manifest.entries if n.startswith(REPORT_PREFIX)),
        "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
    }
