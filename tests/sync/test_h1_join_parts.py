"""jsonlines.join_parts (the text a line's content hash covers, and the proof that a line is
canonical) gives exactly the canonical text of the object of its parts, now that it copies
the pieces once: objects of every size, keys to escape, members left out."""

from __future__ import annotations

import hashlib
import random

from inspector_app.domain.canonical import canonical_bytes
from inspector_app.sync.jsonlines import canonical_parts, join_parts


def _value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return rng.choice(["", "照片 1", 'a "quoted" \\ text', "line\nfeed", "0.30"])
    if kind == 1:
        return rng.randint(-(10**15), 10**15)
    if kind == 2:
        return rng.choice([True, False])
    if kind == 3:
        return None
    if kind == 4:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {f"k{rng.randrange(9)}": _value(rng, depth + 1) for _ in range(rng.randrange(4))}


def test_the_joined_parts_are_the_canonical_text():
    rng = random.Random(3)
    keys = ["id", "é", 'q"uote', "rows", "status", "a\\b", "zz", "数量"]
    for _ in range(300):
        obj = {k: _value(rng) for k in rng.sample(keys, rng.randrange(len(keys) + 1))}
        parts = canonical_parts(obj)
        assert parts is not None
        assert join_parts(parts) == canonical_bytes(obj)
        kept = tuple(k for k in parts if k not in ("status", "rows"))
        want = canonical_bytes({k: obj[k] for k in kept})
        assert join_parts(parts, kept) == want
        assert hashlib.sha256(join_parts(parts, kept)).digest() == hashlib.sha256(want).digest()
    assert join_parts({}) == b"{}" == join_parts({"a": b"1"}, ())
