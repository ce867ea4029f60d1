"""The form a report is printed against is parsed once per batch worker, and read again as
soon as what ``form_for`` reads changes (the form file's bytes)."""

from __future__ import annotations

import shutil

from inspector_app.domain.forms import form_for, forms_dir
from inspector_app.services import reports


def test_the_same_form_is_not_parsed_again(tmp_path, monkeypatch):
    folder = tmp_path / "forms"
    shutil.copytree(forms_dir(), folder)
    monkeypatch.setenv("INSPECTOR_FORMS_DIR", str(folder))
    reports._forms_seen.clear()
    first = reports._form("scale")
    assert first is not None and first == form_for("scale")
    assert reports._form("scale") is first  # remembered, not parsed again


def test_an_edited_form_file_is_read_again(tmp_path, monkeypatch):
    folder = tmp_path / "forms"
    shutil.copytree(forms_dir(), folder)
    monkeypatch.setenv("INSPECTOR_FORMS_DIR", str(folder))
    reports._forms_seen.clear()
    before = reports._form("scale")
    assert before is not None
    key = before.checklist[0].key
    old_label = before.checklist[0].label.en
    path = folder / "scale.toml"
    text = path.read_text(encoding="utf-8")
    assert f'en = "{old_label}"' in text
    path.write_text(text.replace(f'en = "{old_label}"', 'en = "Edited label"', 1), "utf-8")
    after = reports._form("scale")
    assert after is not None and after is not before
    assert reports._checklist_labels(after)[key]["en"] == "Edited label"
    assert after.hash != before.hash


def test_a_family_without_a_form_has_no_labels(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_FORMS_DIR", str(tmp_path))  # an empty forms folder
    reports._forms_seen.clear()
    assert reports._form("scale") is None
    assert reports._checklist_labels(None) == {}
