"""An imported record's checklist is judged against the form it was filled on, not the newest
form the office has published since."""

from __future__ import annotations

import pytest

from inspector_app.domain import forms
from inspector_app.domain.models import Inspection
from inspector_app.sync.validate import rules


@pytest.fixture
def revised_scale_form():
    """The office's revision of the scale form: "cheat_keys" answered yes is no longer a
    finding (the revision finds the answer no instead)."""
    shipped = forms.builtin_form("scale")
    text = shipped.path.read_bytes()
    old = b'key = "cheat_keys"\ngroup = "cheating"\nfinding_if = "yes"'
    assert old in text
    new = old.replace(b'"yes"', b'"no"') + (
        '\nfinding_text = { zh = "未核查快捷键", en = "Shortcut keys not checked" }'.encode()
    )
    revised = forms.parse_form_text("scale", text.replace(old, new), "office-2")
    forms.install_published([revised])
    rules._FORMS.clear()
    yield shipped, revised
    forms.install_published([])
    rules._FORMS.clear()


def _record(form_ref):
    return Inspection(
        id="i1",
        record_id="r1",
        instrument_id="n1",
        premises_id="p1",
        family="scale",
        check="in_service",
        ruleset="JJG 539-2016",
        inspector="王芳",
        checklist={"cheat_keys": "yes"},
        environment={"form": form_ref} if form_ref else {},
    )


def test_a_record_is_judged_on_its_own_form(revised_scale_form):
    shipped, revised = revised_scale_form
    assert forms.load_form("scale").version == "office-2"  # new drafts would get the revision
    # filled on the shipped form, where "yes" is a finding: it fails, whatever came later
    assert rules._other_failures(_record(shipped.ref)) is True
    # no reference (older programs): the shipped file
    assert rules._other_failures(_record(None)) is True
    # filled on the revision, where "yes" is not a finding
    assert rules._other_failures(_record(revised.ref)) is False
