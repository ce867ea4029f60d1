"""Record ids: version 7 UUIDs (RFC 9562) that carry the time they were made."""

from __future__ import annotations

import time
import uuid

from inspector_app.domain.models import new_id
from inspector_app.sync.format import UUID_RE


def test_an_id_is_a_version_7_uuid_of_the_time_it_was_made():
    before = time.time_ns() // 1_000_000
    text = new_id()
    after = time.time_ns() // 1_000_000
    u = uuid.UUID(text)
    assert str(u) == text and UUID_RE.match(text)  # lower case, the bundle's own form
    assert u.version == 7 and u.variant == uuid.RFC_4122
    assert before <= u.int >> 80 <= after


def test_ids_made_later_sort_later_and_never_repeat():
    ids = []
    for _ in range(3):
        ids += [new_id() for _ in range(2000)]
        time.sleep(0.002)
    assert len(set(ids)) == len(ids)
    # within one millisecond the order is random; across milliseconds it is the time's
    stamps = [uuid.UUID(i).int >> 80 for i in ids]
    assert stamps == sorted(stamps)
    by_text = sorted(ids)
    assert [uuid.UUID(i).int >> 80 for i in by_text] == sorted(stamps)


def test_the_random_part_varies_in_every_random_bit():
    # 74 random bits: the 12 after the version and the 62 after the variant
    values = [uuid.UUID(new_id()).int for _ in range(4000)]
    rand_a = 0
    rand_b = 0
    for v in values:
        rand_a |= v >> 64 & 0xFFF
        rand_b |= v & (1 << 62) - 1
    assert rand_a == 0xFFF and rand_b == (1 << 62) - 1
