"""Photos a laptop can carry: a camera photo is stored turned upright (its EXIF orientation
applied) and downscaled to about 2 megapixels as a JPEG; its EXIF time and place are kept as
data (the caption) because the stored JPEG carries no EXIF. The original file is stored
unchanged only when the user asks for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

MAX_PIXELS = 2_000_000  # about 1730 × 1150: plenty for a seal or a nameplate on A4
JPEG_QUALITY = 85
GPS_IFD, EXIF_IFD = 0x8825, 0x8769
DATETIME, DATETIME_ORIGINAL, ORIENTATION = 306, 36867, 274


@dataclass
class PreparedPhoto:
    data: bytes
    mime: str
    taken_at: str = ""  # "2026-12-04 10:22:05" from EXIF
    latitude: float | None = None
    longitude: float | None = None
    changed: bool = False  # downscaled, turned or re-encoded

    def caption(self) -> str:
        """The EXIF time and place as one line of data ("" when the photo had none)."""
        parts = []
        if self.taken_at:
            parts.append(self.taken_at)
        if self.latitude is not None and self.longitude is not None:
            parts.append(f"GPS {self.latitude:.6f}, {self.longitude:.6f}")
        return " · ".join(parts)


def _degrees(values, ref) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper() in ("S", "W") else value


def prepare_photo(data: bytes, *, keep_original: bool = False) -> PreparedPhoto:
    """*data* made ready to store (see the module docstring); anything Pillow cannot read
    is returned unchanged (the store judges it)."""
    try:
        from PIL import Image, ImageOps
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return PreparedPhoto(data, "")
    try:
        img: Image.Image = Image.open(io.BytesIO(data))
        img.load()
    except Exception:  # not an image Pillow reads: leave it to the store's own checks
        return PreparedPhoto(data, "")
    out = PreparedPhoto(data, Image.MIME.get(img.format or "", ""))
    exif = img.getexif()
    if exif:
        sub = exif.get_ifd(EXIF_IFD)
        when = str(sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME) or "").strip()
        if len(when) >= 19 and when[4] == ":":  # "2026:12:04 10:22:05"
            out.taken_at = when[:10].replace(":", "-") + when[10:19]
        gps = exif.get_ifd(GPS_IFD)
        if gps and 2 in gps and 4 in gps:
            out.latitude = _degrees(gps[2], gps.get(1, "N"))
            out.longitude = _degrees(gps[4], gps.get(3, "E"))
    if keep_original:
        return out
    orientation = exif.get(ORIENTATION, 1) if exif else 1
    too_big = img.width * img.height > MAX_PIXELS
    if not too_big and orientation in (1, None) and img.format in ("JPEG", "PNG"):
        return out  # already small and upright: stored as it is
    img = ImageOps.exif_transpose(img) or img  # (older Pillow declares "or None")
    if img.width * img.height > MAX_PIXELS:
        scale = (MAX_PIXELS / (img.width * img.height)) ** 0.5
        img = img.resize(
            (max(1, int(img.width * scale)), max(1, int(img.height * scale))),
            Image.Resampling.LANCZOS,
        )
    if img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    out.data, out.mime, out.changed = buffer.getvalue(), "image/jpeg", True
    return out
