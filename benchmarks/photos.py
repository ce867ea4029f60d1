"""Camera photos of a realistic size for the bundle benchmark.

The program stores a photo downscaled to about 2 megapixels as a JPEG of quality 85
(``ui.widgets.photo_prep``); a photo of a scale's seal or nameplate is then a few hundred
KB. Encoding thousands of such JPEGs would take minutes, so a handful of distinct scenes
are encoded once (1728 x 1152, quality 85, about 290 KB each) and every photo is one of
them with a comment segment of its own (16 random bytes) after the start-of-image marker:
a valid JPEG of the same size, with its own SHA-256 (so nothing is deduplicated away).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable

WIDTH, HEIGHT = 1728, 1152  # about 2 megapixels, as photo_prep.MAX_PIXELS stores
QUALITY = 85
SCENES = 8


def scene(seed: int) -> bytes:
    """One synthetic scene: coloured blocks over a gradient with sensor noise, as a JPEG."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    img = Image.linear_gradient("L").resize((WIDTH, HEIGHT)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(60):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        box = [x, y, x + rng.randrange(40, 400), y + rng.randrange(40, 300)]
        draw.rectangle(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    noise = Image.effect_noise((WIDTH, HEIGHT), 40).convert("RGB")
    img = Image.blend(img, noise, 0.25).filter(ImageFilter.GaussianBlur(0.8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=QUALITY)
    return buf.getvalue()


def camera_photos(seed: int = 0) -> Callable[[random.Random], bytes]:
    """A maker ``photo(rng) -> bytes`` of distinct camera-size JPEGs."""
    scenes = [scene(seed * 100 + i) for i in range(SCENES)]

    def photo(rng: random.Random) -> bytes:
        base = scenes[rng.randrange(len(scenes))]
        tag = rng.randbytes(16)
        comment = b"\xff\xfe" + (2 + len(tag)).to_bytes(2, "big") + tag  # COM segment
        return base[:2] + comment + base[2:]

    return photo
