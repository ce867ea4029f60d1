"""Attachments and images: the size limit, the picture types told by their first bytes, and an
image's dimensions read from its header before anything decodes it (a decompression bomb is
refused unopened).
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from ..format import (
    BundleContent,
)

if TYPE_CHECKING:
    from ..format import ProblemList
    from ..reader import OpenedBundle, ZipAttachment

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# An image is refused before anything decodes it when its header announces more than this:
# a 50,000 x 50,000 PNG compresses to 313 KB and would need 10 GB to show.
MAX_IMAGE_SIDE = 20_000
MAX_IMAGE_PIXELS = 50_000_000


def _head(data: bytes | ZipAttachment) -> bytes:
    """An attachment's bytes, or the first bytes of one the merge streams from the archive
    (``reader.ZipAttachment``): all the image checks read."""
    return data if isinstance(data, bytes) else data.head


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_size(data: bytes, mime: str) -> tuple[int, int] | None:
    """(width, height) from the image's header, without decoding it; None when the header
    cannot be read. PNG: the IHDR chunk; JPEG: the first SOF marker; WebP: the VP8/VP8L/VP8X
    header."""
    try:
        if mime == "image/png":
            if data[12:16] != b"IHDR" or struct.unpack(">I", data[8:12])[0] != 13:
                return None
            return struct.unpack(">II", data[16:24])
        if mime == "image/jpeg":
            return _jpeg_size(data)
        if mime == "image/webp":
            kind = data[12:16]
            if kind == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if kind == b"VP8L" and data[20:21] == b"\x2f":
                bits = int.from_bytes(data[21:25], "little")
                return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            if kind == b"VP8X":
                return (
                    int.from_bytes(data[24:27], "little") + 1,
                    int.from_bytes(data[27:30], "little") + 1,
                )
    except struct.error:
        return None
    return None


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            return None
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in _SOF:
            if i + 9 > n:
                return None
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        if length < 2:
            return None
        i += 2 + length
    return None


def image_problem(data: bytes, mime: str) -> str | None:
    """Why an attachment may not be stored, judged from its header only; None when fine."""
    size = image_size(data, mime)
    if size is None:
        return f"the {mime} header cannot be read (no image size)"
    w, h = size
    if w <= 0 or h <= 0:
        return f"the image has no pixels ({w} × {h})"
    if w > MAX_IMAGE_SIDE or h > MAX_IMAGE_SIDE or w * h > MAX_IMAGE_PIXELS:
        return (
            f"the image is {w} × {h} pixels; at most {MAX_IMAGE_SIDE:,} on a side and "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels are accepted"
        )
    return None


def _check_attachments(opened: OpenedBundle, content: BundleContent, problems: ProblemList) -> None:
    """Size and image dimensions from the header, before anything decodes an image."""
    for sha, data in sorted(opened.attachments.items()):
        if len(data) > MAX_ATTACHMENT_BYTES:
            problems.add(f"attachments/{sha}", "is larger than an attachment may be")
            continue
        mime = _sniff(_head(data))
        if mime is not None:
            why = image_problem(_head(data), mime)
            if why is not None:
                problems.add(f"attachments/{sha}", why)
                continue
        content.attachments[sha] = (data, mime)
