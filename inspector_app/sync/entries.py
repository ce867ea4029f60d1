"""Reading one entry of an untrusted bundle's archive, with a hard cap on the bytes that come
out, its CRC-32 and (when the manifest names it) its SHA-256 checked.

:func:`read_entry` reads through :mod:`zipfile`; :func:`read_small` reads a small entry (the
many tiny photos of a records-only bundle) straight from the archive's file at its offset,
after checking its local header against the central directory, because zipfile's per-entry
work cost more than the bytes themselves. Both refuse in the same words:
"is damaged or truncated (...)", "holds more than the N bytes announced", "its SHA-256 does
not match the manifest". :func:`read_large` reads a larger entry whole in the same way and,
when anything is amiss, leaves the answer to :func:`read_entry`.
"""

from __future__ import annotations

import hashlib
import operator
import os
import struct
import zipfile
import zlib
from typing import cast

from .format import BundleRejected

try:  # Intel's ISA-L: the records' deflate inflated and summed about twice as fast as zlib
    from isal import isal_zlib

    fast_zlib = isal_zlib
    _INFLATE_ERRORS: tuple[type[Exception], ...] = (
        OSError,
        ValueError,
        zlib.error,
        cast(type[Exception], fast_zlib.error),
    )
except ImportError:  # pragma: no cover - a dependency; zlib does the same, slower
    fast_zlib = zlib  # type: ignore[assignment,misc,unused-ignore]
    _INFLATE_ERRORS = (OSError, ValueError, zlib.error)

CHUNK = 1024 * 1024
LOCAL_HEADER = b"PK\x03\x04"
LOCAL_HEADER_SIZE = 30  # fixed part of a local file header


def read_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    cap: int,
    stage: int,
    expected_sha: str | None = None,
) -> bytes:
    """The entry's bytes, read in chunks and refused as soon as more than *cap* bytes come out."""
    h = hashlib.sha256()
    parts: list[bytes] = []
    n = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(CHUNK)
                if not chunk:
                    break
                n += len(chunk)
                if n > cap:
                    raise BundleRejected(
                        stage, info.filename, f"holds more than the {cap} bytes announced"
                    )
                h.update(chunk)
                parts.append(chunk)
    except BundleRejected:
        raise
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise BundleRejected(stage, info.filename, f"is damaged or truncated ({exc})") from None
    if expected_sha is not None and h.hexdigest() != expected_sha:
        raise BundleRejected(stage, info.filename, "its SHA-256 does not match the manifest")
    return b"".join(parts)


# Small entries (the many tiny photos of a records-only bundle) are read straight from the
# file: zipfile.open's per-entry work (a ZipExtFile, buffered reads, locking) cost more than
# the bytes themselves. Larger entries, and any whose local header says its sizes follow the
# data (a data descriptor) or are Zip64, take read_entry's zipfile path.
DIRECT_UP_TO = 64 * 1024
_LOCAL = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes


def read_small(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, stage: int, expected_sha: str
) -> bytes:
    """The bytes of a small entry (compressed and uncompressed sizes both at most
    DIRECT_UP_TO) read from the archive's file at its offset: the local header must be the
    entry's (signature, name, and the central directory's flags, method, CRC-32 and sizes),
    the data must inflate to exactly its size and CRC-32, and hash to *expected_sha*.
    Refusals are read_entry's: "is damaged or truncated (...)", "holds more than ...",
    "its SHA-256 does not match the manifest"."""
    name = info.filename
    try:
        raw = _local_data(zf, info)
    except (OSError, ValueError) as exc:
        raise BundleRejected(stage, name, f"is damaged or truncated ({exc})") from None
    if raw is None:  # sizes after the data or Zip64: zipfile's path
        return read_entry(zf, info, cap, stage, expected_sha)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(raw, cap + 1)
        except zlib.error as exc:
            raise BundleRejected(stage, name, f"is damaged or truncated ({exc})") from None
        if len(data) <= cap and not inflater.eof:
            raise BundleRejected(
                stage, name, "is damaged or truncated (the compressed data ends early)"
            )
    else:
        data = raw
    if len(data) > cap:
        raise BundleRejected(stage, name, f"holds more than the {cap} bytes announced")
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise BundleRejected(stage, name, f"is damaged or truncated (Bad CRC-32 for file {name!r})")
    if hashlib.sha256(data).hexdigest() != expected_sha:
        raise BundleRejected(stage, name, "its SHA-256 does not match the manifest")
    return data


WINDOW = 4 * 1024 * 1024  # bytes of the archive that read_smalls reads at once (at most)
LOCAL_EXTRA = 256  # extra-field bytes of a local header that read_smalls reads past its name


def read_smalls(
    zf: zipfile.ZipFile, wanted: list[tuple[int, zipfile.ZipInfo, int, str]]
) -> dict[str, bytes]:
    """The bytes of the entries among *wanted* (header offset, info, cap, expected SHA-256; as
    :func:`read_small` takes it, its sizes at most DIRECT_UP_TO) that :func:`read_small`
    would return, checked as it checks them, by name: read in archive order, a window of at
    most :data:`WINDOW` bytes of the file at a time (one read for hundreds of small photos
    instead of three each). An entry with anything amiss or unusual (a data descriptor,
    Zip64, a long extra field, damaged data, another hash) is left out: read_small then
    reads it alone and refuses it in its usual words, in the order the caller reads."""
    out: dict[str, bytes] = {}
    fh = zf.fp
    if fh is None:
        return out
    order = sorted(wanted, key=operator.itemgetter(0))
    i, n = 0, len(order)
    while i < n:
        start = order[i][0]
        j, stop = i, start
        while j < n:
            info = order[j][1]
            end = (
                info.header_offset
                + LOCAL_HEADER_SIZE
                + 4 * len(info.orig_filename)  # (the most its encoding can take)
                + LOCAL_EXTRA
                + info.compress_size
            )
            if j > i and end - start > WINDOW:
                break
            stop = max(stop, end)
            j += 1
        fh.seek(start)
        window = fh.read(stop - start)
        for _offset, info, cap, sha in order[i:j]:
            data = _from_window(window, info.header_offset - start, info, cap)
            if data is not None and hashlib.sha256(data).hexdigest() == sha:
                out[info.filename] = data
        i = j
    return out


def _as_directory_says(
    info: zipfile.ZipInfo, flags: int, method: int, crc: int, csize: int, usize: int
) -> bool:
    """Whether a local header's flags, method, CRC-32 and sizes are the central
    directory's."""
    return (flags, method, crc, csize, usize) == (
        info.flag_bits,
        info.compress_type,
        info.CRC,
        info.compress_size,
        info.file_size,
    )


def _from_window(window: bytes, at: int, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The entry's bytes from *window* (the file's bytes from the entry's header on, at
    *at*) when :func:`read_small` would take them (before their hash), else None."""
    if at + LOCAL_HEADER_SIZE > len(window):
        return None
    sig, _version, flags, method, _t, _d, crc, csize, usize, nlen, xlen = _LOCAL.unpack_from(
        window, at
    )
    if sig != LOCAL_HEADER or flags & 0x08 or 0xFFFFFFFF in (csize, usize):
        return None
    if not _as_directory_says(info, flags, method, crc, csize, usize):
        return None
    name = info.orig_filename
    encoded = name.encode("ascii" if name.isascii() else "utf-8" if flags & 0x800 else "cp437")
    at += LOCAL_HEADER_SIZE
    if window[at : at + nlen] != encoded:
        return None
    at += nlen + xlen
    if at + csize > len(window):
        return None
    if method == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(memoryview(window)[at : at + csize], cap + 1)
        except zlib.error:
            return None
        if not inflater.eof:
            return None
    elif method == zipfile.ZIP_STORED:
        data = window[at : at + csize]
    else:
        return None
    if len(data) > cap or len(data) != usize or zlib.crc32(data) != crc:
        return None
    return data


def read_large(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, stage: int, expected_sha: str
) -> bytes:
    """A larger entry (a records file: most of a records-only bundle's bytes): its stored
    bytes read whole from the archive's file (:func:`stored`) and inflated in one call
    (:func:`inflated`), at most *cap* + 1 bytes out, the local header, size, CRC-32 and
    SHA-256 checked as :func:`read_small` checks them. zipfile's path read it in 1 MiB
    pieces, checked the CRC-32 along the way and joined the pieces: on the 163 MB of a
    10,000-inspection bundle's records that was a second copy of them and about a fifth of
    the reading (inflated with ISA-L, :data:`fast_zlib`: 0.34 -> 0.18 s on those bytes).
    Anything amiss (or a header that defers its sizes) and the entry is read again by
    :func:`read_entry`, so that a damaged entry is refused in exactly the words it always
    was."""
    raw = stored(zf, info, cap)
    if raw is not None:
        data = inflated(raw, info, cap, expected_sha)
        del raw
        if data is not None:
            return data
    return read_entry(zf, info, cap, stage, expected_sha)


def stored(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The entry's stored bytes as :func:`read_large` reads them, its local header checked;
    None when it leaves the entry to :func:`read_entry`: a header that is not the entry's
    or defers its sizes, data that ends early, or stored bytes beyond what any deflate
    stream of *cap* bytes takes (deflate's stored blocks add 5 bytes per 65,535: such
    bytes are never read into memory, zipfile's path streams them and refuses the entry)."""
    if info.compress_size > cap + (cap >> 6) + 4096:
        return None
    try:
        return _local_data(zf, info, zip64=True)
    except _INFLATE_ERRORS:
        return None


def inflated(
    raw: bytes, info: zipfile.ZipInfo, cap: int, expected_sha: str | None = None
) -> bytes | None:
    """The entry's bytes from its *raw* stored ones (:func:`stored`), when they inflate
    whole to the size the directory gives (at most *cap*) with its CRC-32 and the
    *expected_sha* (None: not summed here); None when anything is amiss. Reads no file,
    and the inflating and summing let other threads run (``records_ahead`` runs it in
    one)."""
    try:
        if info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = fast_zlib.decompressobj(-15)
            data = inflater.decompress(raw, cap + 1)
            whole = inflater.eof and not inflater.unconsumed_tail
        else:
            data, whole = raw, True
        if (
            whole
            and len(data) == info.file_size <= cap
            and fast_zlib.crc32(data) == info.CRC
            and (expected_sha is None or hashlib.sha256(data).hexdigest() == expected_sha)
        ):
            return data
    except _INFLATE_ERRORS:
        pass
    return None


def _local_data(zf: zipfile.ZipFile, info: zipfile.ZipInfo, zip64: bool = False) -> bytes | None:
    """The entry's stored (maybe compressed) bytes after checking its local header against
    the central directory; None when the header defers its sizes (a data descriptor) or
    is Zip64 (with *zip64*, a Zip64 header's sizes are read from its extra field: the
    records entries are written so). Raises ValueError when the header is not the entry's
    or the data ends early."""
    fh = zf.fp
    if fh is None:
        raise ValueError("the archive is closed")
    fh.seek(info.header_offset)
    header = fh.read(LOCAL_HEADER_SIZE)
    if len(header) != LOCAL_HEADER_SIZE:
        raise ValueError("truncated file header")
    sig, _version, flags, method, _t, _d, crc, csize, usize, nlen, xlen = _LOCAL.unpack(header)
    if sig != LOCAL_HEADER:
        raise ValueError("bad magic number for file header")
    wide = 0xFFFFFFFF in (csize, usize)
    if flags & 0x08 or (wide and not zip64):
        return None
    name = info.orig_filename  # ASCII (as a bundle's names are) is the same in both encodings
    encoded = name.encode("ascii" if name.isascii() else "utf-8" if flags & 0x800 else "cp437")
    if fh.read(nlen) != encoded:
        raise ValueError("the file name in the directory and in the entry's header differ")
    if wide:
        usize, csize = _zip64_sizes(fh.read(xlen))
    elif xlen:
        fh.seek(xlen, os.SEEK_CUR)
    if not _as_directory_says(info, flags, method, crc, csize, usize):
        raise ValueError("the entry's header and the central directory disagree")
    raw = fh.read(csize)
    if len(raw) != csize:
        raise ValueError("the compressed data ends early")
    return raw


_ZIP64_SIZES = struct.Struct("<2Q")


def _zip64_sizes(extra: bytes) -> tuple[int, int]:
    """(uncompressed, compressed) size from a local header's Zip64 extra field (id 1, both
    sizes, as a local header must give them). Raises ValueError when it has none."""
    i = 0
    while i + 4 <= len(extra):
        kind, n = struct.unpack_from("<2H", extra, i)
        if kind == 1 and n >= _ZIP64_SIZES.size and i + 4 + n <= len(extra):
            usize, csize = _ZIP64_SIZES.unpack_from(extra, i + 4)
            return usize, csize
        i += 4 + n
    raise ValueError("a Zip64 header without its sizes")
