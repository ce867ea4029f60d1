"""clean_text remembers the texts it accepted (a bundle import cleans the same names tens of
thousands of times): what it gives, and every refusal with its path and words, are those of
the computation itself, first time and again."""

from __future__ import annotations

import pytest

from inspector_app.domain import text as T
from inspector_app.domain.errors import InputError

CASES = [
    ("罗娜国", {}),
    ("  安徽省安庆市大观区中山路140号 ", {}),
    ("e\u0301t\u00e9", {}),  # NFC changes it
    ("line one\nline two", {"multiline": True, "max_len": T.NOTE_MAX}),
    ("line one\nline two", {}),  # a line feed where one line is wanted
    ("tab\there", {}),
    ("", {"required": True}),
    ("   ", {"required": True}),
    ("", {}),
    ("x" * 61, {"max_len": 60}),
    ("x" * 60, {"max_len": 60}),
    ("bad \ud800 surrogate", {}),
    ("x" * 300, {"max_len": 400}),  # longer than the texts remembered
    (None, {}),
    (12, {}),
]


def _outcome(fn, value, path, kw):
    try:
        return ("ok", fn(value, path, **kw))
    except InputError as exc:
        return ("refused", exc.path, exc.message)


@pytest.mark.parametrize(("value", "kw"), CASES)
def test_clean_text_gives_what_it_computes_every_time(value, kw):
    T._CLEANED.clear()
    want = _outcome(
        lambda v, p, **k: T._clean_text(
            v,
            p,
            k.get("required", False),
            k.get("max_len", T.NAME_MAX),
            k.get("multiline", False),
        ),
        value,
        "a.path",
        kw,
    )
    for path in ("a.path", "a.path", "b.path"):
        got = _outcome(T.clean_text, value, path, kw)
        expected = want if want[0] == "ok" else ("refused", path, want[2])
        assert got == expected


def test_the_same_text_under_other_limits_is_judged_again():
    T._CLEANED.clear()
    assert T.clean_text("x" * 61, "p", max_len=100) == "x" * 61
    with pytest.raises(InputError, match="too long"):
        T.clean_text("x" * 61, "p", max_len=60)
    assert T.clean_text("a\nb", "p", multiline=True) == "a\nb"
    with pytest.raises(InputError, match="control character"):
        T.clean_text("a\nb", "p")
    assert T.clean_text("", "p") == ""
    with pytest.raises(InputError, match="is required"):
        T.clean_text("", "p", required=True)


def test_the_memory_is_bounded():
    T._CLEANED.clear()
    for i in range(T._CLEANED_MAX + 10):
        T.clean_text(f"name {i}", "p")
    assert len(T._CLEANED) <= T._CLEANED_MAX
    T._CLEANED.clear()
