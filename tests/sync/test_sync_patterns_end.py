"""The patterns that judge untrusted texts end at the end of the text: Python's ``$`` also
matches before a final newline, so an id like ``"p1\\n"`` passed them and could reach the
database (and a SQL identifier or an entry name likewise)."""

from __future__ import annotations

import pytest

from inspector_app.domain.errors import InputError
from inspector_app.domain.forms import VERSION_RE
from inspector_app.store.pg import roles as pg_roles
from inspector_app.sync.case_lines import CASE_NO_RE
from inspector_app.sync.format import HEX64, ID_RE, NAME_RE, UUID_RE
from inspector_app.sync.validate.values import _id

GOOD = [
    (ID_RE, "premises-1"),
    (HEX64, "a" * 64),
    (UUID_RE, "0123abcd-0123-4567-89ab-0123456789ab"),
    (NAME_RE, "records/inspections.jsonl"),
    (NAME_RE, "attachments/" + "b" * 64),
    (CASE_NO_RE, "2026-001"),
    (VERSION_RE, "2025.1"),
    (pg_roles._NAME, "inspector_office"),
]


@pytest.mark.parametrize(("pattern", "text"), GOOD)
def test_the_text_itself_matches(pattern, text):
    assert pattern.match(text)


@pytest.mark.parametrize(("pattern", "text"), GOOD)
def test_a_final_newline_does_not(pattern, text):
    assert pattern.match(text + "\n") is None


def test_an_id_with_a_final_newline_is_refused_by_name():
    assert _id("p1", "premises.id") == "p1"
    with pytest.raises(InputError, match="premises.id"):
        _id("p1\n", "premises.id")
